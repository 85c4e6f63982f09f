"""The reader tells which cells hold formulas (``SheetData.formulas``): calamine hands over only
the cached results, and an export must never pass a cached result on as if an agent had typed
it (issue 12, item 12). Real files: XlsxWriter-made (formulas with cached text, array formulas,
dynamic arrays) and hand-made sheet XML (shared formulas, cells without ``r``, prefixed tags)."""
from __future__ import annotations

import zipfile

import xlsxwriter

from xl_addin.core.workbook_data import SheetData
from xl_addin.package.reader import read_workbook


def _sheet(path, name: str) -> SheetData:
    sheet = read_workbook(path).sheet(name)
    assert sheet is not None, name
    return sheet


def test_formula_cells_of_an_xlsxwriter_workbook(tmp_path):
    path = tmp_path / "f.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("Daten")
    ws.write_row(0, 0, ["A", "B", "C"])
    ws.write(1, 0, "getippt")
    ws.write_formula(1, 1, "=A25", None, "Geheimnis aus Zeile 25")     # cached text
    ws.write_formula(2, 2, "=1+1", None, 2)
    ws.write_array_formula(3, 0, 4, 1, "{=A2:B3}", None, "x")            # A4:B5, one <f> in A4
    ws.write_dynamic_array_formula(6, 0, 6, 0, "=SORT(A2:A3)", None, "y")
    ws.write_string(7, 2, "=nur Text")                                   # a string, not a formula
    other = book.add_worksheet("Leer")
    other.write(0, 0, "nichts")
    book.close()

    sheet = _sheet(path, "Daten")
    assert sheet.value(2, 2) == "Geheimnis aus Zeile 25"                # the value is still read
    assert sorted(sheet.formulas) == [(2, 2), (3, 3), (4, 1), (4, 2), (5, 1), (5, 2), (7, 1)]
    assert sheet.is_formula(2, 2) and not sheet.is_formula(2, 1) and not sheet.is_formula(8, 3)
    assert _sheet(path, "Leer").formulas == frozenset()


def _write_raw(path, sheet_xml: str) -> None:
    """A minimal package with one sheet whose XML is given as it is."""
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                   '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" '
                   'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                   '<Override PartName="/xl/worksheets/sheet1.xml" '
                   'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                   '</Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                   'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml",
                   f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{ns}" '
                   f'xmlns:r="{rel}"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                   'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)


def test_shared_formulas_cells_without_address_and_prefixed_tags(tmp_path):
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    path = tmp_path / "raw.xlsx"
    _write_raw(path, f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><x:worksheet xmlns:x="{ns}">'
               '<x:sheetData>'
               '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>h</x:t></x:is></x:c></x:row>'
               '<x:row r="2"><x:c r="A2"><x:f t="shared" ref="A2:A4" si="0">B2</x:f><x:v>1</x:v></x:c>'
               '<x:c><x:v>5</x:v></x:c></x:row>'                                # B2, typed
               '<x:row r="3"><x:c r="A3"><x:f t="shared" si="0"/><x:v>2</x:v></x:c></x:row>'
               '<x:row><x:c><x:v>3</x:v></x:c><x:c t="str"><x:f>A1</x:f><x:v>h</x:v></x:c></x:row>'   # row 4
               '</x:sheetData></x:worksheet>')
    sheet = _sheet(path, "S")
    assert sheet.value(4, 2) == "h" and sheet.value(2, 2) == 5
    assert sorted(sheet.formulas) == [(2, 1), (3, 1), (4, 2)]     # A4 lies in the shared ref but is typed


def test_an_array_formula_over_a_whole_column_costs_only_the_rows_that_hold_values(tmp_path):
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    path = tmp_path / "col.xlsx"
    _write_raw(path, f'<worksheet xmlns="{ns}"><sheetData>'
               '<row r="1"><c r="A1"><f t="array" ref="A1:XFD1048576">B1</f><v>1</v></c></row>'
               '<row r="2"><c r="A2"><v>2</v></c></row></sheetData></worksheet>')
    sheet = _sheet(path, "S")
    assert sheet.formulas == frozenset({(1, 1), (2, 1)})
