"""What each Plan operation does to the agent's sheet, scenario by scenario: colours that only
replace the product's own colours, number formats, formulas the product takes over, appends
below the last order, removed rows, owned sheets, 1904 dates, and what the reader hands over."""
from __future__ import annotations

import zipfile
from datetime import date, datetime

import openpyxl
import xlsxwriter

from xl_addin.core.plan import DATE_FORMAT, CellWrite, Plan, RowAppend, RowDelete, RowFill, SheetRewrite
from xl_addin.package import apply_plan, read_workbook

from .conftest import NS, canon, cells_by_ref, members, xml

YELLOW, GREY = "FFFF00", "BFBFBF"
PRODUCT = frozenset({YELLOW, GREY})


def book(path, build, **options):
    wb = xlsxwriter.Workbook(str(path), options)
    build(wb)
    wb.close()
    return path


def fills(path, sheet="Liste"):
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    out = {}
    for row in ws.iter_rows():
        for c in row:
            fg = c.fill.fgColor
            out[c.coordinate] = (c.fill.fill_type, fg.rgb if fg.type == "rgb" else f"{fg.type}:{fg.value}")
    wb.close()
    return out


# --- colours ---------------------------------------------------------------------------------
def test_row_colour_replaces_only_the_products_own_colours(tmp_path):
    def build(wb):
        ws = wb.add_worksheet("Liste")
        bold = wb.add_format({"bold": True})
        ws.write_row(0, 0, ["a", "b", "c", "d", "e", "f"])
        ws.write("A2", "frei")                                             # no fill
        ws.write("B2", "alt", wb.add_format({"bg_color": "#ffff00", "bold": True}))  # ours, bold
        ws.write("C2", "agent", wb.add_format({"bg_color": "#FF0000"}))   # agent's red
        ws.write("D2", "muster", wb.add_format({"pattern": 2, "fg_color": "#BFBFBF"}))  # agent pattern
        ws.write("E2", "theme", wb.add_format({"bg_color": "#FFFF00"}))
        ws.write("F2", 5, bold)
    path = book(tmp_path / "Farben.xlsx", build)
    apply_plan(path, Plan(fills=[RowFill("Liste", 2, (1, 2, 3, 4, 5, 6, 7), GREY)],
                          product_colours=frozenset({"ffFFFF00", "BFBFBF"})), backups=0)
    f = fills(path)
    assert f["A2"] == ("solid", "FF" + GREY)
    assert f["B2"] == ("solid", "FF" + GREY)                   # product's yellow -> grey
    assert f["C2"] == ("solid", "FFFF0000")                    # agent's red stays
    assert f["D2"][0] == "mediumGray"                          # agent's pattern stays
    assert f["F2"] == ("solid", "FF" + GREY)
    assert f["G2"] == ("solid", "FF" + GREY)                   # created: G2 had no cell
    wb = openpyxl.load_workbook(path)
    assert wb["Liste"]["B2"].font.b and wb["Liste"]["F2"].font.b   # other formatting kept
    wb.close()

    apply_plan(path, Plan(fills=[RowFill("Liste", 2, (1, 2, 3, 6), None)],
                          product_colours=PRODUCT), backups=0)
    f = fills(path)
    assert f["A2"][0] is None and f["B2"][0] is None and f["F2"][0] is None
    assert f["C2"] == ("solid", "FFFF0000")


def test_fill_of_absent_cells_respects_column_and_row_formats(tmp_path):
    def build(wb):
        ws = wb.add_worksheet("Liste")
        ws.set_column("C:C", 12, wb.add_format({"bg_color": "#00B050"}))   # agent's green column
        ws.set_column("D:D", 12, wb.add_format({"num_format": "dd.mm.yyyy"}))
        ws.write("A2", 1)
    path = book(tmp_path / "Spalten.xlsx", build)
    apply_plan(path, Plan(fills=[RowFill("Liste", 2, (2, 3, 4), YELLOW)], product_colours=PRODUCT),
               backups=0)
    sheet = xml(members(path)["xl/worksheets/sheet1.xml"])
    cells = cells_by_ref(sheet)
    assert "C2" not in cells                                   # agent's column colour: untouched
    wb = openpyxl.load_workbook(path)
    assert wb["Liste"]["D2"].number_format == "dd.mm.yyyy"    # column format kept under the fill
    assert wb["Liste"]["D2"].fill.fgColor.rgb == "FF" + YELLOW
    wb.close()


# --- values and formats ----------------------------------------------------------------------
def test_number_formats_combine_with_the_cells_format_and_are_reused(tmp_path):
    def build(wb):
        ws = wb.add_worksheet("Liste")
        ws.write("A1", 1, wb.add_format({"bold": True}))
        ws.write("A2", 2, wb.add_format({"num_format": "DD.MM.YYYY"}))
    path = book(tmp_path / "Formate.xlsx", build)
    styles_before = xml(members(path)["xl/styles.xml"])
    apply_plan(path, Plan(writes=[CellWrite("Liste", 1, 1, 3.5, "0.00"),
                                  CellWrite("Liste", 3, 1, date(2026, 1, 31), DATE_FORMAT),
                                  CellWrite("Liste", 4, 1, datetime(2026, 1, 31, 8, 15)),
                                  CellWrite("Liste", 5, 1, date(2026, 2, 1))]), backups=0)
    wb = openpyxl.load_workbook(path)
    ws = wb["Liste"]
    assert ws["A1"].number_format == "0.00" and ws["A1"].font.b
    assert ws["A3"].number_format == DATE_FORMAT and ws["A5"].number_format == DATE_FORMAT
    assert ws["A4"].number_format == "DD.MM.YYYY HH:MM"
    wb.close()
    after = xml(members(path)["xl/styles.xml"])
    codes = [n.get("formatCode") for n in after.iterfind("x:numFmts/x:numFmt", NS)]
    assert codes.count("DD.MM.YYYY") == 1                      # the agent's format reused
    assert len(after.find("x:numFmts", NS)) == len(styles_before.find("x:numFmts", NS)) + 1
    data = read_workbook(path).sheets["Liste"]
    assert data.value(3, 1) == date(2026, 1, 31) and data.value(4, 1) == datetime(2026, 1, 31, 8, 15)


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    path = book(tmp_path / "Text.xlsx", lambda wb: wb.add_worksheet("Liste").write("A1", "x"))
    apply_plan(path, Plan(writes=[CellWrite("Liste", 1, 2, "=SUM(A1:A9)"),
                                  CellWrite("Liste", 1, 3, "  zwei Zeilen\nund Leerzeichen  "),
                                  CellWrite("Liste", 1, 4, True), CellWrite("Liste", 1, 5, "")]),
               backups=0)
    data = read_workbook(path).sheets["Liste"]
    assert data.rows[0] == ["x", "=SUM(A1:A9)", "  zwei Zeilen\nund Leerzeichen  ", True]
    cell = cells_by_ref(xml(members(path)["xl/worksheets/sheet1.xml"]))["B1"]
    assert cell.get("t") == "inlineStr" and cell.find("x:f", NS) is None


def test_writing_a_formula_cell_takes_it_over_and_keeps_shared_formulas_working(tmp_path):
    def build(wb):
        ws = wb.add_worksheet("Liste")
        for r in range(1, 5):
            ws.write_number(r - 1, 0, r)
    path = book(tmp_path / "Formeln.xlsx", build)
    # Excel fills a column down as one shared formula: master in B1, dependents B2:B4
    with zipfile.ZipFile(path) as zin:
        items = [(i, zin.read(i.filename)) for i in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in items:
            if info.filename == "xl/worksheets/sheet1.xml":
                for r in range(1, 5):
                    f = ('<f t="shared" ref="B1:B4" si="0">A1*2</f>' if r == 1
                         else '<f t="shared" si="0"/>')
                    data = data.replace(f'<c r="A{r}"><v>{r}</v></c>'.encode(),
                                        f'<c r="A{r}"><v>{r}</v></c><c r="B{r}">{f}<v>{2 * r}</v></c>'.encode())
            zout.writestr(info, data)
    apply_plan(path, Plan(writes=[CellWrite("Liste", 1, 2, "manuell"), CellWrite("Liste", 3, 2, 0)],
                          full_recalc=False), backups=0)
    cells = cells_by_ref(xml(members(path)["xl/worksheets/sheet1.xml"]))
    assert cells["B1"].find("x:f", NS) is None and cells["B3"].find("x:f", NS) is None
    assert cells["B2"].find("x:f", NS).text == "A2*2" and cells["B2"].find("x:f", NS).get("t") is None
    assert cells["B4"].find("x:f", NS).text == "A4*2"
    data = read_workbook(path).sheets["Liste"]
    assert [data.value(r, 2) for r in range(1, 5)] == ["manuell", 4, 0, 8]


def test_reader_hands_over_values_as_the_core_expects(tmp_path):
    def build(wb):
        ws = wb.add_worksheet("Daten")
        ws.write("C3", "erste Zelle")
        ws.write_formula("D3", "=NA()", None, "#N/A")
        ws.write("E3", 7.0)
        ws.write("F3", 7.25)
        ws.write("G3", "")
        ws.write_boolean("H3", False)
        ws.write_datetime("I3", datetime(2026, 1, 31), wb.add_format({"num_format": "dd.mm.yyyy"}))
        wb.add_worksheet("Versteckt").hide()
        wb.add_chartsheet("Diagramm").set_chart(_chart(wb))
    path = book(tmp_path / "Lesen.xlsx", build)
    data = read_workbook(path)
    assert list(data.sheets) == ["Daten", "Versteckt"]
    rows = data.sheets["Daten"].rows
    assert rows[0] == [None] * 9 and rows[1] == [None] * 9
    assert rows[2] == [None, None, "erste Zelle", "#N/A", 7, 7.25, None, False, date(2026, 1, 31)]
    assert type(rows[2][4]) is int
    assert data.sheets["Versteckt"].state == "hidden"
    assert data.source == str(path)


def _chart(wb):
    chart = wb.add_chart({"type": "line"})
    chart.add_series({"values": "=Daten!$E$3:$F$3"})
    return chart


def test_1904_workbooks_get_1904_serials(tmp_path):
    path = book(tmp_path / "Mac.xlsx", lambda wb: wb.add_worksheet("Liste").write("A1", "x"),
                date_1904=True)
    apply_plan(path, Plan(writes=[CellWrite("Liste", 2, 1, date(2026, 1, 31))]), backups=0)
    cell = cells_by_ref(xml(members(path)["xl/worksheets/sheet1.xml"]))["A2"]
    assert cell.find("x:v", NS).text == str((date(2026, 1, 31) - date(1904, 1, 1)).days)
    assert read_workbook(path).sheets["Liste"].value(2, 1) == date(2026, 1, 31)


# --- appends -----------------------------------------------------------------------------------
def test_append_goes_below_the_last_order_not_below_prepared_formatting(tmp_path):
    def build(wb):
        ws = wb.add_worksheet("Liste")
        ws.write_row(0, 0, ["order_id", "Datum"])
        ws.write("A2", 1)
        ws.write("A4", 3)                                      # row 3 blank: not the end
        grey = wb.add_format({"bg_color": "#D9D9D9", "num_format": "dd.mm.yyyy"})
        for r in range(4, 8):
            ws.write_blank(r, 1, None, grey)                   # rows 5-8 prepared
    path = book(tmp_path / "Anhang.xlsx", build)
    before = cells_by_ref(xml(members(path)["xl/worksheets/sheet1.xml"]))
    apply_plan(path, Plan(appends=[RowAppend("Liste", [[4, date(2026, 3, 1)], [5, None]])]), backups=0)
    data = read_workbook(path).sheets["Liste"]
    assert data.value(5, 1) == 4 and data.value(5, 2) == date(2026, 3, 1) and data.value(6, 1) == 5
    after = cells_by_ref(xml(members(path)["xl/worksheets/sheet1.xml"]))
    assert after["B5"].get("s") == before["B5"].get("s")       # prepared format reused
    assert canon(after["B6"]) == canon(before["B6"])
    assert xml(members(path)["xl/worksheets/sheet1.xml"]).find("x:dimension", NS).get("ref") == "A1:B8"


def test_append_creates_a_missing_sheet_with_header(tmp_path):
    path = book(tmp_path / "Neu.xlsx", lambda wb: wb.add_worksheet("Liste").write("A1", "x"))
    apply_plan(path, Plan(appends=[RowAppend("Protokoll", [["a", 1]], header=["Aktion", "Wert"],
                                             column_widths={1: 30})]), backups=0)
    wb = openpyxl.load_workbook(path)
    ws = wb["Protokoll"]
    assert [c.value for c in ws[1]] == ["Aktion", "Wert"] and ws["A1"].font.b
    assert ws["A2"].value == "a" and ws.column_dimensions["A"].width == 30
    wb.close()


# --- deletions -------------------------------------------------------------------------------
def build_waiting_list(wb, referenced=False):
    ws = wb.add_worksheet("Warten")
    ws.write_row(0, 0, ["order_id", "Status", "Notiz"])
    for r in range(1, 8):
        ws.write_row(r, 0, [100 + r, "Freigabe" if r % 2 else "offen"])
    ws.merge_range("C6:C7", "zusammen")
    ws.write_url("A7", "https://example.org/106", None, "106")
    ws.data_validation("B2:B20", {"validate": "list", "source": ["Freigabe", "Kündigung", "offen"]})
    ws.conditional_format("A3:B8", {"type": "cell", "criteria": ">", "value": 104,
                                    "format": wb.add_format({"bold": True})})
    ws.autofilter("A1:C8")
    if referenced:                                       # a formula elsewhere reads this list
        wb.add_worksheet("Zahlen").write_formula("A1", "=COUNTIF(Warten!B2:B8,\"offen\")", None, 3)


def test_rows_are_removed_and_everything_below_moves_up(tmp_path):
    path = book(tmp_path / "Loeschen.xlsx", build_waiting_list)
    result = apply_plan(path, Plan(deletions=[RowDelete("Warten", (3, 5))]), backups=0)
    assert result.delete_modes == {"Warten": "shift"}
    data = read_workbook(path).sheets["Warten"]
    assert [data.value(r, 1) for r in range(2, 7)] == [101, 103, 105, "106", 107]
    sheet = xml(members(path)["xl/worksheets/sheet1.xml"])
    assert [m.get("ref") for m in sheet.iterfind("x:mergeCells/x:mergeCell", NS)] == ["C4:C5"]
    assert sheet.find("x:dataValidations/x:dataValidation", NS).get("sqref") == "B2:B18"
    assert sheet.find("x:conditionalFormatting", NS).get("sqref") == "A3:B6"
    assert sheet.find("x:hyperlinks/x:hyperlink", NS).get("ref") == "A5"
    assert sheet.find("x:autoFilter", NS).get("ref") == "A1:C6"
    assert sheet.find("x:dimension", NS).get("ref") == "A1:C6"
    names = {n.get("name"): n.text for n in xml(members(path)["xl/workbook.xml"]).iterfind(
        "x:definedNames/x:definedName", NS)}
    assert names["_xlnm._FilterDatabase"] == "Warten!$A$1:$C$6"      # moves with the autofilter
    wb = openpyxl.load_workbook(path)
    assert wb["Warten"]["A5"].hyperlink.target == "https://example.org/106"
    wb.close()


def test_a_sheet_other_formulas_read_moves_like_excel_and_the_formulas_follow(tmp_path):
    path = book(tmp_path / "Bezug.xlsx", lambda wb: build_waiting_list(wb, referenced=True))
    result = apply_plan(path, Plan(deletions=[RowDelete("Warten", (3,))]), backups=0)
    assert result.delete_modes["Warten"] == "shift"
    data = read_workbook(path).sheets["Warten"]
    assert [data.value(r, 1) for r in range(2, 8)] == [101, 103, 104, 105, "106", 107]
    assert data.value(8, 1) is None
    after = xml(members(path)["xl/worksheets/sheet1.xml"])
    assert [m.get("ref") for m in after.iterfind("x:mergeCells/x:mergeCell", NS)] == ["C5:C6"]
    assert after.find("x:hyperlinks/x:hyperlink", NS).get("ref") == "A6"   # moves with 106
    other = xml(members(path)["xl/worksheets/sheet2.xml"])
    assert other.find(".//x:f", NS).text == 'COUNTIF(Warten!B2:B7,"offen")'


def test_formulas_in_the_moving_rows_are_adjusted_not_refused(tmp_path):
    def build(wb):
        build_waiting_list(wb, referenced=True)
        ws = wb.get_worksheet_by_name("Warten")
        ws.write_formula("D8", "=A8*2", None, 214)
        ws.write_formula("D3", "=A3*2", None, 204)
        ws.write_formula("E1", "=SUM(D2:D8)+A3", None, 418)
    path = book(tmp_path / "Formel.xlsx", build)
    apply_plan(path, Plan(deletions=[RowDelete("Warten", (3,))]), backups=0)
    cells = cells_by_ref(xml(members(path)["xl/worksheets/sheet1.xml"]))
    assert cells["D7"].find("x:f", NS).text == "A7*2"
    assert cells["E1"].find("x:f", NS).text == "SUM(D2:D7)+#REF!"   # as Excel writes it
    assert "D8" not in cells and "xl/calcChain.xml" not in members(path)


# --- owned sheets ----------------------------------------------------------------------------
def test_rewrite_replaces_an_existing_owned_sheet(tmp_path):
    def build(wb):
        wb.add_worksheet("Liste").write("A1", "x")
        ws = wb.add_worksheet("Prüfung")
        ws.activate()
        for r in range(10):
            ws.write_row(r, 0, ["alt", r, "alt"])
        ws.set_column("A:A", 50)
    path = book(tmp_path / "Pruefung.xlsx", build)
    apply_plan(path, Plan(rewrites=[SheetRewrite("Prüfung", [["Ort", "Meldung"], ["A1", "neu"]],
                                                 state="hidden", column_widths={2: 40})]), backups=0)
    data = read_workbook(path)
    assert data.sheets["Prüfung"].rows == [["Ort", "Meldung"], ["A1", "neu"]]
    assert data.sheets["Prüfung"].state == "hidden"
    wb = openpyxl.load_workbook(path)
    assert wb["Prüfung"].column_dimensions["B"].width == 40
    assert wb["Prüfung"].column_dimensions["A"].width != 50
    assert wb.active.title == "Liste"                          # a hidden sheet is not the active tab
    wb.close()
