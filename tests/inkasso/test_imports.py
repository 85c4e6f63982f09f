"""Closing the loop (SPEC §2, issue 16), as an agent lives it at the start of a month: the platform's
debts export and Diagonal's feedback arrive as files (CSV with ';' or ',', with or without BOM,
German or English statuses, or .xlsx); `xl-addin import-schulden` / `import-diagonal` read them into
the Masterliste, on real workbooks (openpyxl) read back by python-calamine."""
from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook as openpyxl_load
from python_calamine import load_workbook

from tests.builders import inkasso_data, order, write_xlsx
from xl_addin.cli import main
from xl_addin.kinds.inkasso import schema as S

NOW = ["--now", "2026-11-22T12:00"]
BOM = "\ufeff"


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def rows_of(path, name):
    return load_workbook(str(path)).get_sheet_by_name(name).to_python(skip_empty_area=False)


def master(path) -> dict[str, dict]:
    """order id as text -> the Masterliste row by header (ids as the agents see them)."""
    rows = rows_of(path, S.SHEET_MASTER)
    out = {}
    for r in rows[1:]:
        d = dict(zip(rows[0], r, strict=False))
        oid = d.get(S.M_ORDER_ID)
        if oid not in (None, ""):
            out[str(int(oid)) if isinstance(oid, float) else str(oid)] = d
    return out


def protocol(path) -> list[dict]:
    rows = rows_of(path, "Protokoll")
    return [dict(zip(rows[0], r, strict=False)) for r in rows[1:]]


def checks(path) -> list[list]:
    return rows_of(path, "Prüfung")[1:]


def day(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value or None


def write_csv(path: Path, lines: list[str], delimiter: str, bom: bool, encoding: str = "utf-8") -> Path:
    text = "\r\n".join(delimiter.join(cells) for cells in (line.split("|") for line in lines)) + "\r\n"
    path.write_bytes(((BOM if bom else "") + text).encode(encoding))
    return path


def write_source_xlsx(path: Path, rows: list[list], sheet: str = "Export") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


AT_AGENCY = {S.M_INCASSO_STATE: "sent_for_collection", S.M_INCASSO_DATE: date(2026, 9, 1),
             S.M_DEBT_STATUS: "Ans Inkasso übergeben", S.M_FIRST_LETTER: date(2026, 7, 1),
             S.M_SECOND_LETTER: date(2026, 7, 15)}


@pytest.fixture
def book(tmp_path) -> Path:
    orders = [
        order(**{S.M_ORDER_ID: 10000001, S.M_DEBT_STATUS: "Gesperrt"}),
        order(**{S.M_ORDER_ID: 10000002, S.M_DEBT_STATUS: "Gesperrt", S.M_FIRST_LETTER: date(2026, 10, 1)}),
        order(**{S.M_ORDER_ID: 10000003, S.M_AMOUNT: 199.0, **AT_AGENCY}),
        order(**{S.M_ORDER_ID: 10000004, S.M_VENDOR_ID: 2001, S.M_DEBT_STATUS: "Laufend"}),
        order(**{S.M_ORDER_ID: "00123", S.M_VENDOR_ID: 2001, S.M_DEBT_STATUS: "Laufend"}),
        order(**{S.M_ORDER_ID: 10000005, S.M_AMOUNT: 120.0, S.M_NOTES: "Kunde hat angerufen", **AT_AGENCY}),
        order(**{S.M_ORDER_ID: 10000006, **AT_AGENCY}),
        order(**{S.M_ORDER_ID: 10000007, **AT_AGENCY}),
    ]
    return write_xlsx(inkasso_data(orders), tmp_path / "Inkasso - Cancelled Installments.xlsx")


SCHULDEN_DE = [
    "Bestell-ID|User-ID|Status|1. Mahnung|2. Mahnung|Übergabe Inkasso|Betrag|Vorname|Nachname|Produkt",
    "10000001|1006|Laufend|01.11.2026||||||",
    "10000002|1006|Ans Inkasso übergeben|02.10.2026||||||",
    "10000009|1006|Gesperrt|||| 99,50 |Max|Neu|Online-Kurs Word",
    "10000010|3003|Gesperrt|||||Ina|Aktiv|Yoga",
    "10000011|1006|bezalt||||||",
]


@pytest.fixture
def export_de(tmp_path) -> Path:
    return write_csv(tmp_path / "schulden_export_1006.csv", SCHULDEN_DE, ";", bom=True)


# ---------------------------------------------------------------- the debts export

def test_status_update_is_applied_and_logged_with_who_file_order_cell_old_new(book, export_de):
    res = cli("import-schulden", book, export_de, *NOW, "--user", "anna")
    assert res.exit_code == 0, res.output
    m = master(book)
    assert m["10000001"][S.M_DEBT_STATUS] == "Laufend"
    line = next(p for p in protocol(book) if p["Schlüssel"] == "10000001" and p["Zelle"] == "S2")
    assert line["Wer"] == "anna" and line["Alt"] == "Gesperrt" and line["Neu"] == "Laufend"
    assert "schulden_export_1006.csv" in line["Aktion"] and line["Aktion"].startswith("Import")
    assert "OK" in res.output and "geschrieben" in res.output


def test_then_the_workbook_is_recomputed_as_by_run(book, export_de):
    assert cli("import-schulden", book, export_de, *NOW).exit_code == 0
    m = master(book)
    # 10000001's first letter came from the export: the next step is the second letter, 14 days on
    assert m["10000001"][S.M_NEXT_STEP] == S.STEP_SECOND and day(m["10000001"][S.M_DUE]) == date(2026, 11, 15)
    assert m["10000009"][S.M_NEXT_STEP] == S.STEP_FIRST and m["10000009"][S.M_FOLLOW] == "Ja"


def test_an_illegal_transition_is_applied_and_reported(book, export_de):
    assert cli("import-schulden", book, export_de, *NOW).exit_code == 0
    m = master(book)
    assert m["10000002"][S.M_DEBT_STATUS] == "Ans Inkasso übergeben"
    hit = [r for r in checks(book) if r[1] == "INK-DEBT-TRANSITION" and r[2] == "Masterliste!S3"]
    assert hit and "Gesperrt" in hit[0][4] and hit[0][5] == "Laufend"


def test_blank_dates_are_filled_and_a_non_blank_one_is_kept_and_reported(book, export_de):
    assert cli("import-schulden", book, export_de, *NOW).exit_code == 0
    m = master(book)
    assert day(m["10000001"][S.M_FIRST_LETTER]) == date(2026, 11, 1)
    assert day(m["10000002"][S.M_FIRST_LETTER]) == date(2026, 10, 1)          # the agent's date stays
    hit = [r for r in checks(book) if r[1] == "INK-IMPORT-DISAGREES" and r[2] == "Masterliste!I3"]
    assert hit and "01.10.2026" in hit[0][4] and "schulden_export_1006.csv!D3" in hit[0][4]


def test_a_new_order_of_an_active_vendor_is_appended_yellow_with_its_values(book, export_de):
    assert cli("import-schulden", book, export_de, *NOW).exit_code == 0
    m = master(book)
    new = m["10000009"]
    assert int(new[S.M_VENDOR_ID]) == 1006 and new[S.M_AMOUNT] == 99.5 and new[S.M_FIRST_NAME] == "Max"
    assert new[S.M_DEBT_STATUS] == "Gesperrt"
    rows = rows_of(book, S.SHEET_MASTER)
    row = next(i for i, r in enumerate(rows, start=1) if r[1] in (10000009, 10000009.0, "10000009"))
    assert row == 10                                   # right below the last order (row 9)
    ws = openpyxl_load(book)[S.SHEET_MASTER]
    assert ws.cell(row, 1).fill.fgColor.rgb.endswith("FFFF00")
    added = [p for p in protocol(book) if p["Schlüssel"] == "10000009"]
    assert added and added[0]["Zelle"].startswith(f"A{row}:")


def test_an_inactive_vendors_order_is_ignored_and_said_once(book, export_de):
    res = cli("import-schulden", book, export_de, *NOW)
    assert "10000010" not in master(book)
    assert "Vendor 3003 nicht hinzugefügt" in res.output and "nicht aktiv" in res.output


def test_orders_the_export_lacks_are_information_and_never_deleted(book, export_de):
    res = cli("import-schulden", book, export_de, *NOW)
    m = master(book)
    assert {"10000003", "10000005", "10000006", "10000007"} <= set(m)
    line = next(ln for ln in res.output.splitlines() if "fehlen in 'schulden_export_1006.csv'" in ln)
    assert line.strip().startswith("info") and "10000003" in line and "Vendor 1006" in line
    assert "Vendor 2001" not in res.output          # not in this export: not reported


def test_an_unknown_status_names_the_source_row_and_column_and_the_nearest_value(book, export_de):
    res = cli("import-schulden", book, export_de, *NOW)
    line = next(ln for ln in res.output.splitlines() if "bezalt" in ln)
    assert "schulden_export_1006.csv!C6" in line and "meinten Sie 'Bezahlt'" in line
    assert any(r[2] == "schulden_export_1006.csv!C6" and r[5] == "Bezahlt" for r in checks(book))


def test_english_statuses_comma_no_bom_float_ids_and_leading_zeros(book, tmp_path):
    src = write_csv(tmp_path / "debts.csv", [
        "order_id|vendor_id|incasso_state|first_dunning_letter",
        "10000004.0|2001.0|sent_for_collection|2026-10-01",
        "00123|2001|paid|",
        "10000003|1006|on_hold|",
    ], ",", bom=False)
    res = cli("import-schulden", book, src, *NOW)
    assert res.exit_code == 0, res.output
    m = master(book)
    assert m["10000004"][S.M_DEBT_STATUS] == "Ans Inkasso übergeben"       # through the SPEC's pairs
    assert day(m["10000004"][S.M_FIRST_LETTER]) == date(2026, 10, 1)
    assert m["00123"][S.M_DEBT_STATUS] == "Bezahlt"                        # the text id kept its zeros
    assert "00123" not in {p["Schlüssel"] for p in protocol(book) if "hinzugefügt" in p["Aktion"]}
    assert m["10000003"][S.M_DEBT_STATUS] == "Ans Inkasso übergeben"       # on_hold: no pair, unchanged
    assert "debts.csv!C4" in res.output and "on_hold" in res.output


def test_an_xlsx_export_with_numbers_and_real_dates(book, tmp_path):
    src = write_source_xlsx(tmp_path / "schulden.xlsx", [
        ["ID", "Schulden-Status", "2. Mahnung", "Offener Betrag"],
        [10000002.0, "Laufend", datetime(2026, 11, 2), 199],
    ])
    assert cli("import-schulden", book, src, *NOW).exit_code == 0
    m = master(book)
    assert m["10000002"][S.M_DEBT_STATUS] == "Laufend"
    assert day(m["10000002"][S.M_SECOND_LETTER]) == date(2026, 11, 2)


def test_a_windows_1252_csv_is_read_and_said(book, tmp_path):
    src = write_csv(tmp_path / "excel.csv", ["Bestell-ID|Status", "10000002|Ans Inkasso übergeben"], ";",
                    bom=False, encoding="cp1252")
    res = cli("import-schulden", book, src, *NOW)
    assert master(book)["10000002"][S.M_DEBT_STATUS] == "Ans Inkasso übergeben"
    assert "Windows-1252" in res.output


def test_columns_by_the_settings_aliases(tmp_path):
    wb = inkasso_data([order(**{S.M_ORDER_ID: 10000001, S.M_DEBT_STATUS: "Gesperrt"})],
                      settings={"Alias order_id": "Auftragsnummer; Order"})
    path = write_xlsx(wb, tmp_path / "Inkasso.xlsx")
    src = write_csv(tmp_path / "export.csv", ["Order|Status", "10000001|Laufend"], ";", bom=False)
    assert cli("import-schulden", path, src, *NOW).exit_code == 0
    assert master(path)["10000001"][S.M_DEBT_STATUS] == "Laufend"


def test_a_file_without_an_order_column_changes_nothing_and_says_why(book, tmp_path):
    src = write_csv(tmp_path / "falsch.csv", ["Kunde|Status", "Max|Laufend"], ";", bom=False)
    before = book.read_bytes()
    res = cli("import-schulden", book, src, *NOW)
    assert res.exit_code == 1 and book.read_bytes() == before
    assert "'falsch.csv': keine Spalte 'order_id', 'Bestell-ID', 'ID'" in res.output
    assert "gefunden: 'Kunde', 'Status'" in res.output


@pytest.mark.parametrize("name", ["fehlt.csv", "export.pdf"])
def test_a_missing_or_foreign_file_is_one_line(book, tmp_path, name):
    if name.endswith(".pdf"):
        (tmp_path / name).write_bytes(b"%PDF")
    res = cli("import-schulden", book, tmp_path / name, *NOW)
    assert res.exit_code == 1 and len(res.output.strip().splitlines()) == 1 and name in res.output


def test_a_workbook_open_in_excel_is_not_touched(book, export_de):
    (book.parent / ("~$" + book.name)).write_bytes(b"anna")
    before = book.read_bytes()
    res = cli("import-schulden", book, export_de, *NOW)
    assert res.exit_code == 1 and "Excel" in res.output and book.read_bytes() == before


def test_importing_in_another_workbook_kind_says_where_it_works(tmp_path, export_de):
    from openpyxl import Workbook as WB
    p = tmp_path / "Diagonal.xlsx"
    x = WB()
    x.active.title = "Fälle"
    x.create_sheet("Vendoren")
    x.save(p)
    res = cli("import-schulden", p, export_de, *NOW)
    assert res.exit_code == 1 and "Inkasso - Cancelled Installments" in res.output


# ---------------------------------------------------------------- Diagonal's monthly feedback

FEEDBACK = [
    ["Aktenzeichen Gläubiger", "Ereignis", "Zahlung", "Datum"],
    [10000003, "bezahlt", 199, datetime(2026, 10, 28)],
    [10000005, "teilbezahlt", 50, datetime(2026, 10, 15)],
    [10000006, "Ratenzahlung", None, datetime(2026, 10, 20)],
    [10000007, "uneinbringlich", None, datetime(2026, 10, 31)],
    [99999999, "bezahlt", 10, datetime(2026, 10, 31)],
    [10000001, "teilbezahlt", 20, datetime(2026, 10, 31)],
    [10000005, "storno", None, datetime(2026, 10, 31)],
]


@pytest.fixture
def feedback(tmp_path) -> Path:
    return write_source_xlsx(tmp_path / "diagonal_2026-10.xlsx", FEEDBACK, sheet="Rückmeldung")


def test_paid_in_full_notes_and_sets_paid_and_bezahlt(book, feedback):
    res = cli("import-diagonal", book, feedback, *NOW)
    assert res.exit_code == 0, res.output
    m = master(book)["10000003"]
    assert m[S.M_NOTES] == "Diagonal 10/2026: bezahlt 199,00 € (28.10.2026)"
    assert m[S.M_INCASSO_STATE] == "paid" and m[S.M_DEBT_STATUS] == "Bezahlt"
    assert m[S.M_FOLLOW] == "Nein" and m[S.M_NEXT_STEP] == S.STEP_NONE          # recomputed: grey, closed
    logged = {p["Zelle"]: p for p in protocol(book) if p["Schlüssel"] == "10000003"}
    assert logged["O4"]["Alt"] == "sent_for_collection" and logged["O4"]["Neu"] == "paid"
    assert "diagonal_2026-10.xlsx" in logged["S4"]["Aktion"]


def test_partly_paid_adds_a_note_under_the_agents_own_and_keeps_the_open_amount(book, feedback):
    cli("import-diagonal", book, feedback, *NOW)
    m = master(book)["10000005"]
    assert m[S.M_NOTES] == "Kunde hat angerufen\nDiagonal 10/2026: teilbezahlt 50,00 € (15.10.2026)"
    assert m[S.M_AMOUNT] == 120 and m[S.M_INCASSO_STATE] == "sent_for_collection"


@pytest.mark.parametrize("oid, note", [("10000006", "Diagonal 10/2026: Ratenzahlung (20.10.2026)"),
                                       ("10000007", "Diagonal 10/2026: uneinbringlich (31.10.2026)")])
def test_instalments_and_uncollectable_add_the_note_only(book, feedback, oid, note):
    cli("import-diagonal", book, feedback, *NOW)
    m = master(book)[oid]
    assert m[S.M_NOTES] == note and m[S.M_DEBT_STATUS] == "Ans Inkasso übergeben"


def test_unknown_order_and_order_not_at_the_agency_are_findings_and_change_nothing(book, feedback):
    res = cli("import-diagonal", book, feedback, *NOW)
    assert "99999999" not in master(book)
    assert master(book)["10000001"][S.M_NOTES] in (None, "")
    out = res.output
    assert "[diagonal_2026-10.xlsx]Rückmeldung!A6" not in out        # the only sheet: named by the file
    assert "diagonal_2026-10.xlsx!A6" in out and "99999999 steht nicht in der Masterliste" in out
    assert "diagonal_2026-10.xlsx!A7" in out and "nicht beim Inkasso" in out


def test_an_unknown_event_names_its_cell_and_the_nearest_event(book, feedback):
    res = cli("import-diagonal", book, feedback, *NOW)
    line = next(ln for ln in res.output.splitlines() if "'storno'" in ln)
    assert "diagonal_2026-10.xlsx!B8" in line and line.strip().startswith("error")


def test_configured_spellings_of_events(tmp_path):
    wb = inkasso_data([order(**{S.M_ORDER_ID: 10000005, **AT_AGENCY})],
                      settings={"Ereignis teilbezahlt": "Teilzahlung eingegangen"})
    path = write_xlsx(wb, tmp_path / "Inkasso.xlsx")
    src = write_csv(tmp_path / "diagonal.csv", ["Bestell-ID|Status|Betrag|Datum",
                                                "10000005|Teilzahlung eingegangen|25,00|03.11.2026"], ";", bom=True)
    assert cli("import-diagonal", path, src, *NOW).exit_code == 0
    assert master(path)["10000005"][S.M_NOTES] == "Diagonal 11/2026: teilbezahlt 25,00 € (03.11.2026)"


# ---------------------------------------------------------------- idempotence and preview

def test_importing_the_same_files_twice_changes_nothing_the_second_time(book, export_de, feedback):
    assert cli("import-schulden", book, export_de, *NOW).exit_code == 0
    assert cli("import-diagonal", book, feedback, *NOW).exit_code == 0
    before = book.read_bytes()
    notes = {k: v[S.M_NOTES] for k, v in master(book).items()}
    second = cli("import-schulden", book, export_de, *NOW)
    third = cli("import-diagonal", book, feedback, *NOW)
    assert "nichts zu übernehmen" in second.output and "nichts zu übernehmen" in third.output
    assert book.read_bytes() == before
    assert {k: v[S.M_NOTES] for k, v in master(book).items()} == notes
    assert "schon eingetragen: 4" in third.output


def test_preview_lists_the_changes_cell_by_cell_and_writes_nothing(book, export_de):
    before = book.read_bytes()
    res = cli("import-schulden", book, export_de, *NOW, "--preview")
    assert res.exit_code == 0 and book.read_bytes() == before
    out = res.output
    assert "Vorschau" in out and "nichts geschrieben" in out
    assert "S2" in out and "Gesperrt" in out and "Laufend" in out
    assert "Zeile neu" in out and "A10:W10" in out and "gelb" in out


def test_preview_json_is_machine_readable(book, feedback):
    before = book.read_bytes()
    res = cli("import-diagonal", book, feedback, *NOW, "--preview", "--json")
    assert book.read_bytes() == before
    data = json.loads(res.output)
    assert data["preview"] is True and data["written"] is False
    notes = [c for c in data["changes"] if c["sheet"] == S.SHEET_MASTER and c["cell"] == "T4"]
    assert notes and notes[0]["old"] is None and notes[0]["new"].startswith("Diagonal 10/2026: bezahlt")
    fills = [c for c in data["changes"] if c["kind"] == "fill" and c["cell"].startswith("A4:")]
    assert fills and fills[0]["new"] == "grau"
    assert any(p["cell"] == "O4" and p["new"] == "paid" for p in data["protocol"])
    assert any(f["location"] == "diagonal_2026-10.xlsx!B8" for f in data["findings"])


def test_json_after_writing_names_the_backup(book, export_de):
    data = json.loads(cli("import-schulden", book, export_de, *NOW, "--json").output)
    assert data["written"] is True and data["backup"] and Path(data["backup"]).exists()
    assert data["imported"] == len([p for p in data["protocol"] if p["action"].startswith("Import")]) == 5

