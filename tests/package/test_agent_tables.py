"""Issue 11, defects 1–4 and 10: the Inkasso workbook as agents really keep it — the Masterliste
and 'Warten auf Freigabe' as Excel tables (with and without a totals row, with a calculated
column) or as a plain list with an active filter, hidden rows, a helper formula column, merged
cells, notes on waiting rows, drop-downs and a rule over the rows, formulas and a name elsewhere
that read the waiting list. A full run (twice) removes the 'Kündigung' row with everything that
belongs to it, puts the new waiting row inside the agents' table and filter with the column's
formats, and extends the Masterliste table over the computed columns. Read back cell by cell
with python-calamine and openpyxl."""
from __future__ import annotations

import zipfile
from datetime import date, datetime

import openpyxl
import pytest
import xlsxwriter
from lxml import etree
from python_calamine import load_workbook

from tests.builders import DEFAULT_VENDORS
from xl_addin.actions import run_file
from xl_addin.kinds.inkasso import schema as S

from . import ooxml_validate as V

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS = {"x": MAIN}
NOW = datetime(2026, 11, 22, 12, 0)
EURO = '#,##0.00 "€"'
NEW, KEEP_A, GONE, KEEP_B, KEEP_C = 10000001, 10000002, 10000003, 10000004, 10000005


def order_row(oid: int, amount) -> list:
    values = {S.M_VENDOR_ID: 1006, S.M_ORDER_ID: oid, S.M_INVOICE_NO: f"RE-{oid}", S.M_FIRST_NAME: "Erika",
              S.M_LAST_NAME: f"Muster{oid % 100}", S.M_PRODUCT: "Kurs", S.M_AMOUNT: amount,
              S.M_REASON: "Chargeback", S.M_FIRST_LETTER: date(2026, 9, 1),
              S.M_SECOND_LETTER: date(2026, 9, 15),
              S.M_INCASSO_STATE: None if oid == NEW else "on_hold"}
    return [values.get(h) for h in S.MASTER_INPUT_HEADERS]


def build(path, *, table: bool, totals: bool = False):
    wb = xlsxwriter.Workbook(str(path))
    euro = wb.add_format({"num_format": EURO})
    day = wb.add_format({"num_format": "dd.mm.yyyy"})
    ov = wb.add_worksheet(S.SHEET_OVERVIEW)
    ov.write_row(0, 0, S.OVERVIEW_HEADERS)
    for r, v in enumerate(DEFAULT_VENDORS, start=1):
        ov.write_row(r, 0, [v.get(h) for h in S.OVERVIEW_HEADERS])

    ml = wb.add_worksheet(S.SHEET_MASTER)
    orders = [order_row(NEW, "1.234,50"), *(order_row(o, 100.0 + i) for i, o in
                                            enumerate((KEEP_A, GONE, KEEP_B, KEEP_C)))]
    n_cols = len(S.MASTER_INPUT_HEADERS)
    if table:
        ml.add_table(0, 0, len(orders), n_cols - 1, {
            "name": "Masterliste", "style": "Table Style Medium 2",
            "columns": [{"header": h} for h in S.MASTER_INPUT_HEADERS]})
    else:
        ml.write_row(0, 0, S.MASTER_INPUT_HEADERS)
    for r, row in enumerate(orders, start=1):
        for c, v in enumerate(row):
            if isinstance(v, date):
                ml.write_datetime(r, c, datetime(v.year, v.month, v.day), day)
            elif v is not None:
                ml.write(r, c, v)

    wf = wb.add_worksheet(S.SHEET_WAITING)
    waiting = [(KEEP_A, "Lernwerk GmbH"), (GONE, "Kündigung"), (KEEP_B, "Freigabe"), (KEEP_C, "Lernwerk GmbH")]
    headers = [*S.WAITING_HEADERS, "Brutto"]
    for r, (oid, status) in enumerate(waiting, start=1):
        wf.write_row(r, 0, [f"RE-{oid}", 1006, "Lernwerk GmbH", "kontakt@lernwerk.de", oid, "Erika",
                            f"Muster{oid % 100}"])
        wf.write_number(r, 7, 100.0 + r, euro)
        wf.write_string(r, 8, "Kurs")
        wf.write_datetime(r, 9, datetime(2026, 9, 1), day)
        wf.write_datetime(r, 10, datetime(2026, 9, 15), day)
        wf.write_string(r, 11, status)
        wf.write_comment(r, 4, f"Notiz zu {oid}")                    # a note on each order
        if not table:
            wf.write_formula(r, 13, f"=H{r + 1}*1.19", None, (100.0 + r) * 1.19)   # helper column
    if table:
        columns = [{"header": h} for h in S.WAITING_HEADERS]
        columns[7]["format"] = euro
        columns.append({"header": "Brutto", "formula": "=[@[Offener Betrag]]*1.19"})
        if totals:
            columns[0]["total_string"] = "Summe"
            columns[7]["total_function"] = "sum"
        wf.add_table(0, 0, len(waiting) + (1 if totals else 0), len(headers) - 1, {
            "name": "Wartende", "columns": columns, "total_row": totals})
    else:
        wf.write_row(0, 0, headers)
        wf.autofilter(0, 0, len(waiting), len(headers) - 1)
        wf.filter_column_list("C", ["Lernwerk GmbH"])
        wf.merge_range("M4:M5", "WA-Gruppe informiert")
        wf.set_row(3, None, None, {"hidden": True})                  # KEEP_B filtered out
        wf.set_row(4, 30)                                            # KEEP_C: a taller row
    wf.data_validation("L2:L50", {"validate": "list", "source": ["Freigabe", "Kündigung"]})
    wf.conditional_format("A2:M50", {"type": "formula", "criteria": '=$L2="Freigabe"',
                                     "format": wb.add_format({"bg_color": "#C6EFCE"})})

    z = wb.add_worksheet("Zahlen")
    z.write_formula("A1", "=SUM('Warten auf Freigabe'!H2:H5)", None, 410)
    z.write_formula("A2", "='Warten auf Freigabe'!E4", None, KEEP_B)
    z.write_formula("A3", "='Warten auf Freigabe'!E3", None, GONE)
    wb.define_name("Wartende_IDs", "='Warten auf Freigabe'!$E$2:$E$5")
    wb.close()
    return path


def rows_of(path, sheet):
    return load_workbook(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def part(path, name) -> etree._Element:
    with zipfile.ZipFile(path) as zf:
        return etree.fromstring(zf.read(name))


def parts(path) -> list[str]:
    with zipfile.ZipFile(path) as zf:
        return zf.namelist()


def tables_of(path) -> dict[str, etree._Element]:
    return {t.get("name"): t for t in (part(path, n) for n in parts(path) if n.startswith("xl/tables/"))}


def assert_tables_agree_with_their_sheets(path):
    """Excel's rules the schema cannot say: header cells equal the column names, the ref's width
    equals the column count, names and ids unique, the filter inside the table."""
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for t in ws.tables.values():
            (c1, r1, c2, r2) = openpyxl.utils.cell.range_boundaries(t.ref)
            names = [c.name for c in t.tableColumns]
            assert len(names) == c2 - c1 + 1, t.name
            assert len({n.casefold() for n in names}) == len(names)
            assert len({c.id for c in t.tableColumns}) == len(names)
            assert [ws.cell(r1, c).value for c in range(c1, c2 + 1)] == names, t.name
            if t.autoFilter is not None:
                fc1, fr1, fc2, fr2 = openpyxl.utils.cell.range_boundaries(t.autoFilter.ref)
                assert (fc1, fr1, fc2) == (c1, r1, c2) and fr2 == r2 - (t.totalsRowCount or 0)
    wb.close()
    for t in tables_of(path).values():
        cols = t.find("x:tableColumns", NS)
        assert cols.get("count") == str(len(cols)), t.get("name")


@pytest.fixture(params=["plain", "table", "table+totals"])
def book(request, tmp_path):
    kind = request.param
    path = build(tmp_path / f"Inkasso {kind}.xlsx", table=kind != "plain", totals=kind.endswith("totals"))
    return kind, path


def test_a_full_run_twice_on_the_agents_real_layout(book):
    kind, path = book
    assert V.check_package(path) == []
    for attempt in (1, 2):
        before = V.members(path)
        res = run_file(path, now=NOW, backups=0)
        assert res.ok, res.error
        assert V.check_written(before, path) == [], f"run {attempt}"   # schemas + Excel's rules
        waiting = rows_of(path, S.SHEET_WAITING)
        ids = [r[4] for r in waiting[1:] if r[4] not in ("", None)]
        assert ids == [KEEP_A, KEEP_B, KEEP_C, NEW], ids      # Kündigung gone, new one appended once
        assert_tables_agree_with_their_sheets(path)

    wb = openpyxl.load_workbook(path)
    ws = wb[S.SHEET_WAITING]
    # notes stay on their orders; the removed order's note went with it
    notes = {ws.cell(r, 5).value: ws.cell(r, 5).comment.text.strip() for r in range(2, 5)
             if ws.cell(r, 5).comment is not None}
    assert notes == {KEEP_A: f"Notiz zu {KEEP_A}", KEEP_B: f"Notiz zu {KEEP_B}", KEEP_C: f"Notiz zu {KEEP_C}"}
    assert all(f"Notiz zu {GONE}" not in (c.comment.text if c.comment else "") for row in ws.iter_rows()
               for c in row)
    # formulas that read the list follow it; the reference to the removed row is #REF! as in Excel
    cells = {c.get("r"): c for c in part(path, "xl/worksheets/sheet4.xml").iter(f"{{{MAIN}}}c")}
    f = {ref: c.find("x:f", NS).text for ref, c in cells.items() if c.find("x:f", NS) is not None}
    assert f["A1"] == "SUM('Warten auf Freigabe'!H2:H4)"
    assert f["A2"] == "'Warten auf Freigabe'!E3"
    assert f["A3"] == "'Warten auf Freigabe'!#REF!"
    names = {n.get("name"): n.text for n in part(path, "xl/workbook.xml").iter(f"{{{MAIN}}}definedName")}
    assert names["Wartende_IDs"] == "'Warten auf Freigabe'!$E$2:$E$4"
    # drop-down and rule ranges shrink by the removed row (and grow by a row inserted before a
    # totals row); the rule still reads its own row
    end = 50 if kind.endswith("totals") else 49
    sheet = part(path, "xl/worksheets/sheet3.xml")
    assert sheet.find("x:dataValidations/x:dataValidation", NS).get("sqref") == f"L2:L{end}"
    cf = sheet.find("x:conditionalFormatting", NS)
    assert cf.get("sqref") == f"A2:M{end}" and cf.find("x:cfRule/x:formula", NS).text == '$L2="Freigabe"'
    # the new row takes the column's format, and the text amount became the amount it means
    assert ws.cell(5, 5).value == NEW
    assert ws.cell(5, 8).value == 1234.5 and ws.cell(5, 8).number_format == EURO
    assert ws.cell(5, 10).number_format == "dd.mm.yyyy"

    if kind == "plain":
        assert ws.row_dimensions[3].hidden and not ws.row_dimensions[2].hidden   # KEEP_B's row
        assert ws.row_dimensions[4].height == 30                                 # KEEP_C's row
        assert [str(m) for m in ws.merged_cells.ranges] == ["M3:M4"]
        assert ws.auto_filter.ref == "A1:N5"                                      # the new row inside
        assert cells_formula(path, "N3") == "H3*1.19"                            # helper column moved
        assert names["_xlnm._FilterDatabase"] == "'Warten auf Freigabe'!$A$1:$N$5"
    else:
        t = tables_of(path)["Wartende"]
        last = 6 if kind.endswith("totals") else 5
        assert t.get("ref") == f"A1:N{last}"
        assert cells_formula(path, "N5") == cells_formula(path, "N4")             # calculated column
        assert "[Offener Betrag]]*1.19" in cells_formula(path, "N5")              # continues
        if kind.endswith("totals"):
            values = rows_of(path, S.SHEET_WAITING)
            assert values[5][0] == "Summe"                   # the totals row stays the last row
    m = tables_of(path).get("Masterliste")
    if m is not None:                                        # the computed columns joined the table
        names_m = [c.get("name") for c in m.iter(f"{{{MAIN}}}tableColumn")]
        assert names_m[-3:] == [S.M_FOLLOW, S.M_NEXT_STEP, S.M_DUE]
    findings = rows_of(path, "Prüfung")
    assert any("1.234,50" not in str(r) for r in findings)
    wb.close()


def cells_formula(path, ref):
    for c in part(path, "xl/worksheets/sheet3.xml").iter(f"{{{MAIN}}}c"):
        if c.get("r") == ref:
            f = c.find("x:f", NS)
            return f.text if f is not None else None
    return None


def test_a_text_that_is_no_amount_is_copied_as_text_with_a_finding(tmp_path):
    path = build(tmp_path / "Betrag.xlsx", table=False)
    wb = openpyxl.load_workbook(path)
    col = S.MASTER_INPUT_HEADERS.index(S.M_AMOUNT) + 1
    wb[S.SHEET_MASTER].cell(2, col).value = "zwölf Euro"
    wb.save(path)
    res = run_file(path, now=NOW, backups=0)
    assert res.ok, res.error
    waiting = rows_of(path, S.SHEET_WAITING)
    assert waiting[4][7] == "zwölf Euro"
    hits = [f for f in res.plan.findings if f.code == "INK-WAITING-AMOUNT-TEXT"]
    assert hits and hits[0].cell == f"{openpyxl.utils.get_column_letter(col)}2"
