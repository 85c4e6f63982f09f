"""Files made by Excel itself (from XlsxWriter's comparison suite, BSD-2 licence, see
data/XLSXWRITER_LICENSE.txt) survive a run; and what Excel writes into sheets and the product
does not understand — dynamic-array cells (cm=), extLst, mc:AlternateContent, foreign
namespaces — stays exactly as it was."""
from __future__ import annotations

import shutil
from datetime import date

import openpyxl
import pytest
from lxml import etree

from xl_addin.core.plan import CellWrite, Plan, RowAppend, RowFill, SheetRewrite
from xl_addin.package import apply_plan, read_workbook

from .conftest import (
    EXCEL_MADE,
    NS,
    canon,
    cell_without,
    cells_by_ref,
    member_names,
    members,
    raw_member,
    sheet_part_names,
    xml,
)

WIRING = {"xl/styles.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml"}
EXCEL_FILES = sorted(p.name for p in EXCEL_MADE.iterdir())


@pytest.mark.parametrize("name", EXCEL_FILES)
def test_excel_made_workbook_survives_a_run(name, tmp_path):
    book = tmp_path / name
    shutil.copy(EXCEL_MADE / name, book)
    before = read_workbook(book)
    first = next(iter(before.sheets))
    part = sheet_part_names(book)[first]
    free = before.sheets[first].max_row + 3             # a row below the data
    plan = Plan(writes=[CellWrite(first, free, 1, "xl_addin"),
                        CellWrite(first, free, 2, date(2026, 11, 22))],
                fills=[RowFill(first, 1, (1, 2, 3), "FFFF00")], product_colours=frozenset({"FFFF00"}),
                rewrites=[SheetRewrite("Prüfung", [["Ort", "Meldung"], ["A1", "ok"]])])
    result = apply_plan(book, plan, backups=0)
    assert result.written

    original = EXCEL_MADE / name
    old_names = member_names(original)
    assert member_names(book)[:len(old_names)] == old_names
    for member in old_names:
        if member not in WIRING and member != part:
            assert raw_member(book, member) == raw_member(original, member), member
    old_sheet, new_sheet = xml(members(original)[part]), xml(members(book)[part])
    skip = {f"{{{NS['x']}}}sheetData", f"{{{NS['x']}}}dimension"}
    assert [canon(e) for e in old_sheet if e.tag not in skip] == \
        [canon(e) for e in new_sheet if e.tag not in skip]

    after = read_workbook(book)
    assert after.sheets[first].value(free, 1) == "xl_addin"
    assert after.sheets[first].value(free, 2) == date(2026, 11, 22)
    for sheet, data in before.sheets.items():
        rows = after.sheets[sheet].rows
        if sheet == first:
            rows = rows[:len(data.rows)]
            rows = [r[:len(o)] for r, o in zip(rows, data.rows, strict=False)]
        assert rows == data.rows, sheet
    wb = openpyxl.load_workbook(book, read_only=True, data_only=True)
    assert wb[first].cell(free, 1).value == "xl_addin"
    assert wb.sheetnames[-1] == "Prüfung"
    wb.close()


MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
X14AC = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"
UNKNOWN_TAIL = (
    f'<mc:AlternateContent xmlns:mc="{MC}"><mc:Choice Requires="x14"><controls>'
    f'<mc:AlternateContent xmlns:mc="{MC}"><mc:Choice Requires="x14">'
    '<control shapeId="1025" name="Button 1"><controlPr defaultSize="0" autoPict="0" '
    'macro="[0]!say_hello"/></control></mc:Choice></mc:AlternateContent></controls>'
    '</mc:Choice></mc:AlternateContent>'
    '<extLst><ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    '<x14:conditionalFormattings><x14:conditionalFormatting '
    'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    '<x14:cfRule type="dataBar" id="{00000000-0001-0000-0000-000000000000}">'
    '<x14:dataBar minLength="0" maxLength="100"><x14:cfvo type="autoMin"/>'
    '<x14:cfvo type="autoMax"/></x14:dataBar></x14:cfRule><xm:sqref>B1:B5</xm:sqref>'
    '</x14:conditionalFormatting></x14:conditionalFormattings></ext>'
    '<ext uri="{FFFFFFFF-unknown}" xmlns:zz="urn:example:unknown"><zz:thing zz:a="1">'
    'keep me</zz:thing></ext></extLst>'
)


def craft_dynamic_array_book(path):
    """Excel's dynamic_array01.xlsx with the sheet XML extended the way Excel 365 writes it."""
    import zipfile
    src = EXCEL_MADE / "dynamic_array01.xlsx"
    with zipfile.ZipFile(src) as zin:
        items = [(i, zin.read(i.filename)) for i in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in items:
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                text = text.replace(
                    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">',
                    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
                    f'xmlns:mc="{MC}" xmlns:x14ac="{X14AC}" mc:Ignorable="x14ac">')
                text = text.replace('<sheetFormatPr defaultRowHeight="15"/>',
                                    '<sheetFormatPr defaultRowHeight="15" x14ac:dyDescent="0.25"/>')
                text = text.replace('<row r="1" spans="1:2">',
                                    '<row r="1" spans="1:2" x14ac:dyDescent="0.25">')
                text = text.replace("</worksheet>", UNKNOWN_TAIL + "</worksheet>")
                data = text.encode()
            zout.writestr(info, data)
    return path


def test_dynamic_array_extlst_and_alternate_content_survive(tmp_path):
    book = craft_dynamic_array_book(tmp_path / "Dynamisch.xlsx")
    original = tmp_path / "original.xlsx"
    shutil.copy(book, original)
    plan = Plan(writes=[CellWrite("Sheet1", 1, 3, "neu in C1"), CellWrite("Sheet1", 3, 2, 42)],
                fills=[RowFill("Sheet1", 1, (1, 2, 3), "FFFF00")], product_colours=frozenset({"FFFF00"}),
                appends=[RowAppend("Sheet1", [["angehängt"]])])
    apply_plan(book, plan, backups=0)

    old, new = xml(members(original)["xl/worksheets/sheet1.xml"]), xml(members(book)["xl/worksheets/sheet1.xml"])
    assert new.nsmap == old.nsmap
    assert new.get(f"{{{MC}}}Ignorable") == "x14ac"
    assert [e.tag for e in new] == [e.tag for e in old]
    for tag in ("sheetFormatPr", "extLst", "pageMargins", "sheetViews"):
        assert canon(new.find(f"x:{tag}", NS)) == canon(old.find(f"x:{tag}", NS)), tag
    assert canon(new.find(f"{{{MC}}}AlternateContent")) == canon(old.find(f"{{{MC}}}AlternateContent"))
    a1_old, a1_new = cells_by_ref(old)["A1"], cells_by_ref(new)["A1"]
    assert a1_new.get("cm") == "1"
    assert cell_without(a1_new, "s") == cell_without(a1_old, "s")      # only the fill changed
    row1 = new.find("x:sheetData/x:row", NS)
    assert row1.get(f"{{{X14AC}}}dyDescent") == "0.25"
    assert [c.get("r") for c in row1] == ["A1", "B1", "C1"]
    assert row1.get("spans") == "1:3"
    for member in member_names(original):
        if member not in WIRING | {"xl/worksheets/sheet1.xml"}:
            assert raw_member(book, member) == raw_member(original, member), member

    data = read_workbook(book).sheets["Sheet1"]
    assert data.value(1, 3) == "neu in C1" and data.value(3, 2) == 42
    assert data.value(4, 1) == "angehängt"
    wb = openpyxl.load_workbook(book, read_only=True)
    assert wb["Sheet1"].cell(1, 3).value == "neu in C1"
    wb.close()
    assert etree.fromstring(members(book)["xl/metadata.xml"]) is not None
