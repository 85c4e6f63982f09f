"""When a run deletes rows of a sheet, the other sheets whose formulas point into it follow — and
only those: a log of values that names the sheet in its text (the Protokoll's 'Blatt' column) is
neither held back nor parsed into a tree for it."""
from __future__ import annotations

import zipfile

import xlsxwriter
from lxml import etree

from xl_addin.core.plan import Plan, RowAppend, RowDelete
from xl_addin.package import apply_plan
from xl_addin.package.sheet import SheetPatcher

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def test_only_sheets_with_formulas_follow_the_rows_that_move(tmp_path, monkeypatch):
    path = tmp_path / "w.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    warten = wb.add_worksheet("Warten")
    for r in range(12):
        warten.write_string(r, 0, f"Bestellung {r}")
    wb.add_worksheet("Protokoll")
    lists = wb.add_worksheet("Listen")                     # a drop-down whose list lies on Warten
    lists.data_validation("A1:A5", {"validate": "list", "source": "=Warten!$A$5:$A$12"})
    wb.close()
    # the Protokoll as the product appends to it: inline strings naming 'Warten', no formula
    rows = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>Warten</t></is></c><c r="B{r}"><v>{r}</v></c></row>'
                   for r in range(1, 301))
    log = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}">'
           f'<dimension ref="A1:B300"/><sheetData>{rows}</sheetData></worksheet>').encode()
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    parts["xl/worksheets/sheet2.xml"] = log
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    followed: list[str] = []
    real = SheetPatcher.shift_references

    def spy(self, shift, sheet):
        followed.append(self.sheet)
        return real(self, shift, sheet)
    monkeypatch.setattr(SheetPatcher, "shift_references", spy)
    plan = Plan(deletions=[RowDelete("Warten", (2, 3))], appends=[RowAppend("Protokoll", [["Warten", 300]])])
    apply_plan(path, plan, backups=0)
    assert followed == ["Listen"]
    with zipfile.ZipFile(path) as zf:
        listen = etree.fromstring(zf.read("xl/worksheets/sheet3.xml"))
    assert listen.find(f".//{{{MAIN}}}formula1").text == "Warten!$A$3:$A$10"
