"""Issue 11, defect 5: the agents format the Masterliste as an Excel table with a totals row
("Summe" under order_id, a SUBTOTAL under the amount). The totals row was read as an order —
findings "order_id fehlt"/vendor unknown on it, computed values and a row colour written into
it. Rows of a table that are not data (its totals rows, header rows below row 1) are no orders:
no finding, nothing written, on every run."""
from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
import python_calamine
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo

from xl_addin import actions
from xl_addin.package import read_workbook

from . import ooxml_validate as V

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "workbooks" / "demo" / "Inkasso - Cancelled Installments.xlsx"
NOW = datetime(2026, 11, 22, 12, 0)


def masterliste_as_table(path: Path, *, second_header_at: int | None = None) -> int:
    """The demo re-saved by an agent with the Masterliste as table 'Bestellungen' and a totals
    row; returns the totals row's number."""
    wb = openpyxl.load_workbook(DEMO)
    ws = wb["Masterliste"]
    headers = [c.value for c in ws[1]]
    last = max(r for r in range(1, ws.max_row + 1) if any(c.value is not None for c in ws[r]))
    total = last + 1
    amount = headers.index("Offener Betrag") + 1
    ws.cell(total, 2, "Summe")
    ws.cell(total, amount, "=SUBTOTAL(109,Bestellungen[Offener Betrag])")
    table = Table(displayName="Bestellungen", ref=f"A1:{get_column_letter(len(headers))}{total}",
                  totalsRowCount=1)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    table._initialise_columns()
    for col, name in zip(table.tableColumns, headers, strict=True):
        col.name = name
    table.tableColumns[1].totalsRowLabel = "Summe"
    table.tableColumns[amount - 1].totalsRowFunction = "sum"
    table.autoFilter = None
    ws.auto_filter.ref = None                 # Excel: a table takes the sheet's filter over
    ws.add_table(table)
    if second_header_at is not None:          # a second small table further down, header included
        wf = wb["Statistik"]
        wf.cell(second_header_at, 1, "Monat")
        wf.cell(second_header_at, 2, "Anzahl")
        wf.cell(second_header_at + 1, 1, "Okt")
        wf.cell(second_header_at + 1, 2, 3)
        wf.add_table(Table(displayName="Monate", ref=f"A{second_header_at}:B{second_header_at + 1}"))
    wb.save(path)
    return total


def calamine_row(path: Path, sheet: str, row: int) -> list:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    return rows[row - 1] if row <= len(rows) else []


def test_the_reader_hands_over_a_totals_row_empty(tmp_path):
    book = tmp_path / "Inkasso.xlsx"
    total = masterliste_as_table(book, second_header_at=30)
    data = read_workbook(book)
    master = data.sheets["Masterliste"]
    assert not any(master.rows[total - 1])
    assert master.value(total - 1, 2) is not None           # the last order is still there
    assert master.value(1, 2) == "order_id"                 # row 1 stays the header
    assert data.sheets["Statistik"].value(30, 1) is None    # a table header below row 1 is no data
    assert data.sheets["Statistik"].value(31, 1) == "Okt"


def test_a_totals_row_is_no_order_over_two_runs(tmp_path):
    book = tmp_path / "Inkasso.xlsx"
    total = masterliste_as_table(book)
    original_total_row = calamine_row(book, "Masterliste", total)
    assert "Summe" in original_total_row
    for attempt in (1, 2):
        before = V.members(book)
        result = actions.run_file(book, now=NOW, backups=0)
        assert not result.error, result.error
        on_total = [f for f in result.plan.findings if f.sheet == "Masterliste" and f.cell
                    and f.cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ") == str(total)]
        assert on_total == [], (attempt, [f.message for f in on_total])
        assert not [w for w in result.plan.writes if w.sheet == "Masterliste" and w.row == total]
        assert not [f for f in result.plan.fills if f.sheet == "Masterliste" and f.row == total]
        assert calamine_row(book, "Masterliste", total) == original_total_row, attempt
        assert V.check_written(before, book) == [], attempt


@pytest.mark.parametrize("headers", [0, 1])
def test_a_table_without_totals_keeps_all_its_rows(headers, tmp_path):
    book = tmp_path / "Inkasso.xlsx"
    shutil.copy(DEMO, book)
    wb = openpyxl.load_workbook(book)
    ws = wb["Statistik"]
    ws["A40"], ws["B40"] = "Zeile", 1
    ws.add_table(Table(displayName="Ohne", ref="A40:B40" if not headers else "A39:B40",
                       headerRowCount=headers))
    if headers:
        ws["A39"], ws["B39"] = "Kopf A", "Kopf B"
    wb.save(book)
    assert read_workbook(book).sheets["Statistik"].value(40, 1) == "Zeile"
