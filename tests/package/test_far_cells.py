"""Issue 11, defect 6: one value in a far cell (XFD1048576) made calamine lay the sheet out as a
grid of its used range — 512 GiB — and the process aborted (SIGABRT; a batch died at that
file). The reader reads such a sheet sparse: memory follows the cells, never the area they
span. Proven under an address-space limit in a child process, and by reading ordinary
workbooks both ways and getting the same values."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
import xlsxwriter

from xl_addin.package import reader
from xl_addin.package.reader import read_workbook

from . import ooxml_validate as V
from .conftest import EXCEL_MADE, sheet_part_names

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "workbooks" / "demo" / "Inkasso - Cancelled Installments.xlsx"
LIMIT = 1536 << 20          # 1.5 GiB of address space: a grid of the far sheet needs 512 GiB


def with_far_cell(src: Path, out: Path, sheet: str, text: str = "weit weg") -> Path:
    """``src`` with one text in XFD1048576 of ``sheet`` (as an agent's stray paste leaves it)."""
    part = sheet_part_names(src)[sheet]
    with zipfile.ZipFile(src) as z:
        items = [(i, z.read(i)) for i in z.infolist()]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in items:
            if info.filename == part:
                data = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', data)
                data = data.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr">'
                                    + f"<is><t>{text}</t></is></c></row></sheetData>".encode())
            z.writestr(info, data)
    return out


def run_limited(code: str) -> subprocess.CompletedProcess:
    """``code`` in a fresh interpreter that may use at most LIMIT bytes of address space."""
    prelude = f"import resource; resource.setrlimit(resource.RLIMIT_AS, ({LIMIT}, {LIMIT}))\n"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=300, env=env, cwd=REPO)


def test_a_far_cell_is_read_without_a_grid(tmp_path):
    book = with_far_cell(DEMO, tmp_path / "far.xlsx", "Overview_Cancelled_Installments")
    done = run_limited(f"""
        import json
        from xl_addin.package import read_workbook
        data = read_workbook({str(book)!r})
        s = data.sheets["Overview_Cancelled_Installments"]
        print(json.dumps([s.max_row, s.value(1048576, 16384), s.value(1, 1), len(data.sheets["Masterliste"].rows)]))
    """)
    assert done.returncode == 0, done.stderr[-2000:]
    max_row, far, header, master_rows = json.loads(done.stdout)
    assert (max_row, far, header) == (1048576, "weit weg", "User-ID")
    assert master_rows == read_workbook(DEMO).sheets["Masterliste"].max_row


@pytest.mark.parametrize("sheet", ["Masterliste", "Overview_Cancelled_Installments"])
def test_a_run_over_a_workbook_with_a_far_cell_completes_twice(sheet, tmp_path):
    """The far cell on the order list is a row with a value and no order: a finding naming the
    cell; on another sheet it changes nothing. Either way the run writes, twice."""
    book = with_far_cell(DEMO, tmp_path / "far.xlsx", sheet)
    for attempt in (1, 2):
        before = V.members(book)
        done = run_limited(f"""
            from datetime import datetime
            from xl_addin import actions
            r = actions.run_file({str(book)!r}, now=datetime(2026, 11, 22, 12), backups=0)
            print(r.error or "ok")
            print("\\n".join(f.cell for f in r.plan.findings if f.sheet == "Masterliste" and f.cell))
        """)
        assert done.returncode == 0, done.stderr[-2000:]
        status, *cells = done.stdout.splitlines()
        assert status == "ok", (attempt, status)
        assert ("A1048576" in cells) == (sheet == "Masterliste"), attempt
        assert V.check_written(before, book) == []
    assert read_workbook(book).sheet(sheet).value(1048576, 16384) == "weit weg"


def test_formatting_only_far_cells_do_not_lengthen_the_sheet(tmp_path):
    wb = xlsxwriter.Workbook(str(tmp_path / "f.xlsx"))
    ws = wb.add_worksheet("S")
    ws.write_row(0, 0, ["a", "b"])
    ws.write_blank("XFD1048576", None, wb.add_format({"bg_color": "#FFFF00"}))
    wb.close()
    s = read_workbook(tmp_path / "f.xlsx").sheets["S"]
    assert s.rows == [["a", "b"]]


def types_book(path: Path, *, date1904: bool = False) -> Path:
    """Every kind of value calamine converts: dates by format, times, durations, 1904,
    booleans, errors, rich and escaped text, formulas with cached results, empty strings."""
    wb = xlsxwriter.Workbook(str(path), {"date_1904": date1904})
    ws = wb.add_worksheet("Werte")

    def f(fmt):
        return wb.add_format({"num_format": fmt})
    ws.write_datetime(0, 0, datetime(2026, 1, 31), f("dd.mm.yyyy"))
    ws.write_datetime(0, 1, datetime(2026, 1, 31, 13, 5), f("dd.mm.yyyy hh:mm"))
    ws.write_number(0, 2, 0.5, f("hh:mm"))
    ws.write_number(0, 3, 1.5, f("[h]:mm"))
    ws.write_number(0, 4, 45000, f("#,##0.00 €"))
    ws.write_number(0, 5, 45000.25, f('"Datum" dd/mm/yy'))
    ws.write_number(0, 6, 45000, wb.add_format({"num_format": 14}))
    ws.write_boolean(0, 7, True)
    ws.write_string(0, 8, "a_x000D_b")
    ws.write_formula(0, 9, "=1/0", None, "#DIV/0!")
    ws.write_formula(0, 10, '="x"', None, "x")
    ws.write_number(0, 11, 10000001)
    ws.write_number(0, 12, 3.25)
    ws.write_rich_string(0, 13, "ab", wb.add_format({"bold": True}), "cd")
    ws.write_string(2, 3, "  Leerzeichen  ")
    ws.write_string(5, 20, "Zeile 6")
    wb.close()
    return path


def both_ways(path: Path, monkeypatch) -> tuple[dict, dict]:
    dense = {n: s.rows for n, s in read_workbook(path).sheets.items()}
    with monkeypatch.context() as mp:
        mp.setattr(reader, "DENSE_LIMIT", -1)       # every sheet the sparse way
        sparse = {n: s.rows for n, s in read_workbook(path).sheets.items()}
    return dense, sparse


def trimmed(rows: list[list]) -> list[list]:
    """Rows without trailing empty cells and trailing empty rows (a dense read pads both)."""
    out = [list(r) for r in rows]
    for r in out:
        while r and r[-1] is None:
            r.pop()
    while out and not out[-1]:
        out.pop()
    return out


@pytest.mark.parametrize("book", sorted(EXCEL_MADE.iterdir()) + sorted((REPO / "workbooks" / "demo").glob("*.xlsx")),
                         ids=lambda p: p.name)
def test_sparse_and_dense_reads_agree(book, monkeypatch):
    dense, sparse = both_ways(book, monkeypatch)
    assert {n: trimmed(r) for n, r in sparse.items()} == {n: trimmed(r) for n, r in dense.items()}


@pytest.mark.parametrize("date1904", [False, True])
def test_sparse_and_dense_agree_on_every_kind_of_value(date1904, tmp_path, monkeypatch):
    book = types_book(tmp_path / "t.xlsx", date1904=date1904)
    dense, sparse = both_ways(book, monkeypatch)
    assert trimmed(sparse["Werte"]) == trimmed(dense["Werte"])
    row = dense["Werte"][0]
    assert row[0] == date(2026, 1, 31) and row[1] == datetime(2026, 1, 31, 13, 5)
    assert row[2] == time(12, 0) and row[3] == timedelta(days=1.5)
    assert row[7] is True and row[8] == "a_x000D_b" and row[9] == "#DIV/0!" and row[11] == 10000001


def test_the_check_is_cheap_and_exact_for_ordinary_sheets(tmp_path):
    book = types_book(tmp_path / "t.xlsx")
    with zipfile.ZipFile(book) as z:
        data = z.read("xl/worksheets/sheet1.xml")
    assert reader._grid_cells(data) == 6 * 21
    far = with_far_cell(book, tmp_path / "far.xlsx", "Werte")
    with zipfile.ZipFile(far) as z:
        assert reader._grid_cells(z.read("xl/worksheets/sheet1.xml")) == 1048576 * 16384
    assert reader._grid_cells(data.replace(b'<c r="A1"', b"<c")) is None      # not every cell says where


def test_a_sheet_without_cell_references_is_read_sparse_and_right(tmp_path, monkeypatch):
    book = types_book(tmp_path / "t.xlsx")
    shutil.copy(book, tmp_path / "noref.xlsx")
    noref = tmp_path / "noref.xlsx"
    with zipfile.ZipFile(book) as z:
        items = [(i, z.read(i)) for i in z.infolist()]
    with zipfile.ZipFile(noref, "w") as z:
        for info, data in items:
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b' r="A1"', b"").replace(b' r="B1"', b"")
            z.writestr(info, data)
    assert trimmed(read_workbook(noref).sheets["Werte"].rows) == trimmed(read_workbook(book).sheets["Werte"].rows)
