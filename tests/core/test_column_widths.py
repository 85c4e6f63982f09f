"""A sheet the product creates without given widths is sized by one heuristic
(core.plan.auto_column_widths), headless (package writer) and in Excel (live adapter) alike."""
from __future__ import annotations

import re
import zipfile
from datetime import date, datetime

import xlsxwriter

from tests.excel.fakebook import FakeBook, FakeSheet
from xl_addin.core.plan import Plan, RowAppend, auto_column_widths
from xl_addin.excel.adapter import apply_plan_live
from xl_addin.package.writer import apply_plan

ROWS = [["Zeit", "Meldung", "Betrag", "Notiz"],
        [datetime(2026, 11, 22, 12, 0), "x" * 80, 12.5, "erste Zeile\nzweite, längere Zeile"],
        [date(2026, 11, 22), "kurz", None, True]]


def test_the_heuristic():
    assert auto_column_widths(ROWS) == {1: 18.0, 2: 60.0, 3: 8.0, 4: 23.0}
    assert auto_column_widths([]) == {}


def test_headless_and_excel_size_a_new_sheet_the_same(tmp_path):
    plan = Plan(appends=[RowAppend("Neu", ROWS[1:], header=ROWS[0])])
    path = tmp_path / "Mappe.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("Alt").write(0, 0, "x")
    book.close()
    apply_plan(path, plan, backups=0)
    with zipfile.ZipFile(path) as zf:
        xml = next(zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/worksheets/sheet2"))
    headless = {int(m[1]): float(m[2]) for m in re.finditer(r'<col min="(\d+)" max="\d+" width="([\d.]+)"', xml)}

    live = FakeBook("Mappe.xlsx", [FakeSheet("Alt")])
    apply_plan_live(live, plan)
    assert headless == live.sheets["Neu"].widths == auto_column_widths(ROWS)
