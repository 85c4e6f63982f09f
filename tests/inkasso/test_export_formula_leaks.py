"""Issue 12, item 12's class for the two Inkasso exports: never trust a cached value across the
boundary. A `support_comment` cell `=T5` (T being `Notizen`) once put the internal notes into the
CSV sent to Diagonal, and a `Vorname` `=T5` put them into a vendor's status list.

Rule: in an exported free-text column (CSV: support_comment, status_support, offer_link,
reopened_id; status list: Vorname, Nachname, Produkt) a formula is a finding naming the cell and
the fix — for the CSV an error that blocks the vendor's file (all-or-nothing), for the status list
a warning and a blank value. In a date, yes/no, state, amount or id column a formula is allowed
when its result reads as that type (an id from a formula: only as a number), else the same.

Real files: the Masterliste written by XlsxWriter with formulas and their cached results as Excel
stores them, exported by the CLI, the CSV read back as bytes and the .xlsx by python-calamine."""
from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st
from python_calamine import CalamineWorkbook

from tests.builders import inkasso_data, order
from xl_addin import actions
from xl_addin.cli import main
from xl_addin.core.cells import address
from xl_addin.core.findings import ERROR, WARNING
from xl_addin.core.workbook_data import SheetData, WorkbookData
from xl_addin.kinds.inkasso import schema as S
from xl_addin.kinds.inkasso.handover import build_all_vendor_csvs
from xl_addin.kinds.inkasso.status_list import build_status_list, status_csv_bytes, status_xlsx_bytes

from ..package import ooxml_validate as V

NOTES = "VERTRAULICH Anwalt eingeschaltet"
NOW = ["--now", "2026-11-22T12:00"]
COL = {h: i + 1 for i, h in enumerate(S.MASTER_HEADERS)}          # header -> column number
FIX = "Inhalte einfügen → Werte"


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def at(row: int, header: str) -> str:
    return address(row, COL[header])


def clean_order(oid: int, **fields) -> dict:
    base = {S.M_ORDER_ID: oid, S.M_SUPPORT_COMMENT: "Kunde informiert", S.M_NOTES: NOTES,
            S.M_FIRST_LETTER: date(2026, 9, 1), S.M_SECOND_LETTER: date(2026, 9, 15),
            S.M_INCASSO_STATE: "on_hold", S.M_REOPENED: False, S.M_INVALID_ADDRESS: False,
            S.M_DEBT_STATUS: "Laufend", S.M_INVOICE_NO: 7000 + oid % 1000}
    base.update(fields)
    return order(**base)


def write_book(path: Path, wb: WorkbookData, formulas: Mapping[Any, tuple[str, object]]) -> Path:
    """The workbook as Excel saves it: typed values, and on the Masterliste formulas with their
    cached results (``formulas[(row, header)] = (formula, cached result)``)."""
    book = xlsxwriter.Workbook(str(path))
    dates = book.add_format({"num_format": "dd.mm.yyyy"})
    for name, sheet in wb.sheets.items():
        ws = book.add_worksheet(name)
        for r, row in enumerate(sheet.rows, start=1):
            for c, v in enumerate(row, start=1):
                header = sheet.rows[0][c - 1] if name == S.SHEET_MASTER and c <= len(sheet.rows[0]) else None
                if name == S.SHEET_MASTER and (r, header) in formulas:
                    formula, cached = formulas[(r, header)]
                    fmt = dates if header in (S.M_FIRST_LETTER, S.M_SECOND_LETTER, S.M_INCASSO_DATE) else None
                    ws.write_formula(r - 1, c - 1, formula, fmt, cached)
                elif isinstance(v, (date, datetime)):
                    ws.write_datetime(r - 1, c - 1, v, dates)
                elif v is not None:
                    ws.write(r - 1, c - 1, v)
    book.close()
    return path


def notes_ref(row: int) -> str:
    return "=" + at(row, S.M_NOTES)


def export(tmp_path: Path, wb: WorkbookData, formulas, vendor=1006):
    book = write_book(tmp_path / "Inkasso.xlsx", wb, formulas)
    out = tmp_path / "out"
    result = cli("export-csv", book, "--vendor", vendor, "--out", out, *NOW)
    files = sorted(out.glob("*.csv")) if out.exists() else []
    return result, files


# ------------------------------------------------------------------ the Diagonal CSV

def test_a_support_comment_pointing_at_notizen_blocks_the_csv_naming_the_cell_and_the_fix(tmp_path):
    wb = inkasso_data([clean_order(10000501), clean_order(10000502)])
    result, files = export(tmp_path, wb, {(3, S.M_SUPPORT_COMMENT): (notes_ref(3), NOTES)})
    assert result.exit_code == 1 and files == []                       # all-or-nothing
    assert f"Masterliste!{at(3, S.M_SUPPORT_COMMENT)}" in result.output
    assert "support_comment ist eine Formel" in result.output and FIX in result.output
    assert NOTES not in result.output.replace(f"'{NOTES}'", "")       # the screen quotes no notes either


@pytest.mark.parametrize("header", [S.M_STATUS_SUPPORT, S.M_OFFER_LINK, S.M_REOPENED_ID])
def test_every_free_text_column_of_the_csv_refuses_a_formula(tmp_path, header):
    o = clean_order(10000511)
    if header == S.M_REOPENED_ID:
        o.update({S.M_REOPENED: True, S.M_INCASSO_STATE: "canceled"})
    wb = inkasso_data([o])
    result, files = export(tmp_path, wb, {(2, header): (notes_ref(2), NOTES)})
    assert result.exit_code == 1 and files == []
    assert f"Masterliste!{at(2, header)}  {header} ist eine Formel" in result.output
    assert "reopened_id fehlt" not in result.output                    # each cell once


def test_a_typed_formula_result_is_still_refused_even_when_harmless(tmp_path):
    """The rule is about the cell, not the text: a formula there may point anywhere tomorrow."""
    wb = inkasso_data([clean_order(10000521)])
    result, files = export(tmp_path, wb, {(2, S.M_SUPPORT_COMMENT): ('="Kunde informiert"', "Kunde informiert")})
    assert result.exit_code == 1 and files == []


def test_a_text_leaking_through_a_date_column_fails_parsing_and_blocks(tmp_path):
    wb = inkasso_data([clean_order(10000531)])
    result, files = export(tmp_path, wb, {(2, S.M_SECOND_LETTER): (notes_ref(2), NOTES)})
    assert result.exit_code == 1 and files == []
    assert f"Masterliste!{at(2, S.M_SECOND_LETTER)}" in result.output and "kein Datum" in result.output


def test_formulas_whose_result_reads_as_the_column_type_are_allowed(tmp_path):
    """A date computed from the first letter, a yes/no and a state formula, a numeric id: the CSV
    is written with their values (what the agent sees)."""
    wb = inkasso_data([clean_order(10000541)])
    formulas = {(2, S.M_SECOND_LETTER): (f"={at(2, S.M_FIRST_LETTER)}+14", 46280),     # 15.09.2026
                (2, S.M_REOPENED): ("=FALSE()", False),
                (2, S.M_INCASSO_STATE): ('=IF(TRUE,"on_hold")', "on_hold"),
                (2, S.M_ORDER_ID): ("=10000540+1", 10000541)}
    result, files = export(tmp_path, wb, formulas)
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(files[0].read_text("utf-8"))))
    assert rows[1] == ["1006", "10000541", "09/01/2026", "09/15/2026", "", "Kunde informiert", "", "",
                       "on_hold", "False", "", "False"]


@pytest.mark.parametrize("header", [S.M_ORDER_ID, S.M_VENDOR_ID])
def test_an_id_from_a_formula_counts_only_as_a_number(tmp_path, header):
    """An id may be any word, so a formula's text result (a one-word note) is refused."""
    wb = inkasso_data([clean_order(10000551, **{S.M_NOTES: "Anwaltsfall"}), clean_order(10000552)])
    result, files = export(tmp_path, wb, {(2, header): (notes_ref(2), "Anwaltsfall")})
    assert result.exit_code == 1 and files == []
    assert f"Masterliste!{at(2, header)}  {header} ist eine Formel und ihr Ergebnis ist keine Zahl" in result.output
    every = cli("export-csv", tmp_path / "Inkasso.xlsx", "--vendor", "alle", "--out", tmp_path / "all", *NOW)
    assert not list((tmp_path / "all").glob("*Anwaltsfall*")) and "Anwaltsfall ->" not in every.output


def test_run_and_check_show_the_formula_findings_of_both_exports(tmp_path):
    wb = inkasso_data([clean_order(10000561), clean_order(10000562)])
    formulas = {(2, S.M_SUPPORT_COMMENT): (notes_ref(2), NOTES), (3, S.M_FIRST_NAME): (notes_ref(3), NOTES)}
    book = write_book(tmp_path / "Inkasso.xlsx", wb, formulas)
    result = cli("check", book, *NOW)
    assert f"Masterliste!{at(2, S.M_SUPPORT_COMMENT)}  support_comment ist eine Formel" in result.output
    assert f"Masterliste!{at(3, S.M_FIRST_NAME)}  Vorname ist eine Formel — bleibt in der Status-Liste leer" \
        in result.output
    before = V.members(book)
    run = actions.run_file(book, now=datetime(2026, 11, 22, 12, 0), backups=0)
    assert run.plan is not None and not run.error
    assert V.check_written(before, book) == []
    codes = {(f.code, f.cell, f.severity) for f in run.plan.findings}
    assert ("INK-CSV-FORMULA", at(2, S.M_SUPPORT_COMMENT), ERROR) in codes
    assert ("INK-LIST-FORMULA", at(3, S.M_FIRST_NAME), WARNING) in codes
    assert sum(1 for f in run.plan.findings if f.cell == at(2, S.M_SUPPORT_COMMENT)) == 1


# ------------------------------------------------------------------ the status list

def test_the_status_list_leaves_a_formula_name_blank_and_says_so(tmp_path):
    wb = inkasso_data([clean_order(10000571), clean_order(10000572)])
    formulas = {(2, S.M_FIRST_NAME): (notes_ref(2), NOTES), (2, S.M_PRODUCT): (notes_ref(2), NOTES),
                (3, S.M_AMOUNT): (notes_ref(3), NOTES),                  # a text through an amount
                (3, S.M_FIRST_LETTER): (notes_ref(3), NOTES),            # ... and through a date
                (3, S.M_INVOICE_NO): (notes_ref(3), NOTES)}              # ... and through an id
    book = write_book(tmp_path / "Inkasso.xlsx", wb, formulas)
    out = tmp_path / "out"
    result = cli("status-list", book, "--vendor", 1006, "--out", out, *NOW)
    assert result.exit_code == 0, result.output
    for row, header in ((2, S.M_FIRST_NAME), (2, S.M_PRODUCT), (3, S.M_AMOUNT), (3, S.M_FIRST_LETTER),
                        (3, S.M_INVOICE_NO)):
        assert f"Masterliste!{at(row, header)}  {header} ist eine Formel" in result.output, header
    assert "unverändert übernommen" not in result.output                 # never copied as it is
    xlsx, = out.glob("*.xlsx")
    csv_file, = out.glob("*.csv")
    assert NOTES.encode() not in csv_file.read_bytes()
    for member in V.members(xlsx).values():
        assert NOTES.encode() not in member and b"VERTRAULICH" not in member
    assert V.check_package(xlsx) == []
    sheet = CalamineWorkbook.from_path(str(xlsx)).get_sheet_by_name("Status-Liste").to_python()
    rows = {r[0]: dict(zip(sheet[0], r, strict=True)) for r in sheet[1:]}
    first, second = rows[10000571], rows[10000572]
    assert (first[S.M_FIRST_NAME], first[S.M_PRODUCT], first[S.M_LAST_NAME]) == ("", "", "Mustermann")
    assert (second[S.M_AMOUNT], second["1. Mahnung"], second[S.M_INVOICE_NO]) == ("", "", "")
    assert second[S.M_FIRST_NAME] == "Erika"


def test_the_ribbon_buttons_read_the_formulas_too(tmp_path):
    """In Excel: 'CSV für Diagonal' refuses, 'Status-Liste' leaves the name blank, 'Prüfen' names
    both cells — each button reads which cells hold formulas."""
    from tests.excel.fakebook import FakeBook
    from xl_addin.excel import entry
    wb = inkasso_data([clean_order(10000581), clean_order(10000582)])
    book = FakeBook.from_workbook(wb)
    master = book.sheets[S.SHEET_MASTER]
    for row, header in ((2, S.M_SUPPORT_COMMENT), (3, S.M_LAST_NAME)):
        master.values[(row, COL[header])] = NOTES                        # what =T2 shows
        master.formulas.add((row, COL[header]))
    book.selected = (S.SHEET_MASTER, [2])
    now = datetime(2026, 11, 22, 12, 0)
    text = entry.export_diagonal_csv(book, now=now, out_dir=tmp_path / "csv")
    assert "KEINE Datei" in text and f"Masterliste!{at(2, S.M_SUPPORT_COMMENT)}" in text
    assert list((tmp_path / "csv").glob("*.csv")) == []
    book.answers = ["Ans Inkasso übergeben; Laufend"]
    text = entry.export_status_list(book, now=now, out_dir=tmp_path / "sl")
    assert f"Masterliste!{at(3, S.M_LAST_NAME)}" in text and "Nachname ist eine Formel" in text
    for f in (tmp_path / "sl").iterdir():
        for member in (V.members(f).values() if f.suffix == ".xlsx" else [f.read_bytes()]):
            assert NOTES.encode() not in member
    text = entry.check(book, now=now)
    assert f"Masterliste!{at(2, S.M_SUPPORT_COMMENT)}" in text and f"Masterliste!{at(3, S.M_LAST_NAME)}" in text


# ------------------------------------------------------------------ the property

SECRET = "§NOTIZ§"
notes_text = st.text(max_size=12).map(lambda s: f"{s}{SECRET}{s[::-1]}")
# every column either export reads; a formula there yields the Notizen text of any row
LEAKABLE = [S.M_VENDOR_ID, S.M_ORDER_ID, S.M_INVOICE_NO, S.M_FIRST_NAME, S.M_LAST_NAME, S.M_PRODUCT, S.M_AMOUNT,
            S.M_FIRST_LETTER, S.M_SECOND_LETTER, S.M_INCASSO_DATE, S.M_SUPPORT_COMMENT, S.M_STATUS_SUPPORT,
            S.M_OFFER_LINK, S.M_INCASSO_STATE, S.M_REOPENED, S.M_REOPENED_ID, S.M_INVALID_ADDRESS,
            S.M_DEBT_STATUS]
ROW = st.fixed_dictionaries({
    "notes": notes_text,
    "formulas": st.dictionaries(st.sampled_from(LEAKABLE), st.integers(0, 7), max_size=5),
    "status": st.sampled_from(["Laufend", "Ans Inkasso übergeben", "Gesperrt", "Blockiert", None]),
})


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(ROW, min_size=1, max_size=8))
def test_no_notizen_text_reaches_any_exported_byte_whatever_formulas_point_at_it(rows):
    """Every Masterliste cell that is a formula holds, as its cached result, the Notizen text of
    some row. No byte of any vendor's CSV, of any status list's CSV or .xlsx carries it."""
    orders = []
    formulas: set[tuple[int, int]] = set()
    for r, row in enumerate(rows, start=2):
        o = clean_order(10000600 + r, **{S.M_NOTES: row["notes"], S.M_DEBT_STATUS: row["status"],
                                         S.M_VENDOR_ID: 1006 if r % 3 else 2001})
        for header, source in row["formulas"].items():
            o[header] = rows[source % len(rows)]["notes"]
            formulas.add((r, COL[header]))
        orders.append(o)
    wb = inkasso_data(orders)
    master = wb.sheets[S.SHEET_MASTER]
    wb.sheets[S.SHEET_MASTER] = SheetData(master.name, master.rows, master.state, formulas=frozenset(formulas))
    haystack: list[bytes] = []
    exports = build_all_vendor_csvs(wb)
    for e in exports:
        haystack += [e.content or b"", e.filename.encode()]
        text_formulas = {(r, c) for r, c in formulas
                         if c in (COL[h] for h in (S.M_SUPPORT_COMMENT, S.M_STATUS_SUPPORT, S.M_OFFER_LINK,
                                                   S.M_REOPENED_ID))}
        if any(f"{address(r, c)}" in {x.cell for x in e.findings if x.code == "INK-CSV-FORMULA"}
               for r, c in text_formulas):
            assert e.content is None
    for vendor in {e.vendor_id for e in exports} | {"1006"}:
        try:
            sl = build_status_list(wb, vendor, None)
        except ValueError:
            continue
        haystack += [status_csv_bytes(sl), *_xlsx_members(status_xlsx_bytes(sl))]
    assert [h for h in haystack if SECRET.encode() in h] == []


def _xlsx_members(data: bytes) -> list[bytes]:
    import zipfile
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [z.read(n) for n in z.namelist()]


def test_workbook_data_without_formula_knowledge_exports_as_before():
    """WorkbookData from a source that reads no formulas (UDF ranges) has none: nothing changes."""
    wb = inkasso_data([clean_order(10000591)])
    exports = build_all_vendor_csvs(wb)
    assert exports and all(e.ok for e in exports)
    assert not [f for f in build_status_list(wb, 1006, None).findings if f.code == "INK-LIST-FORMULA"]
