"""Whatever the core asks to write comes back when the file is read again — text with XML
specials and control characters, huge and tiny floats, dates, booleans, None — and removing
any rows leaves exactly the other rows, in order.

Documented normalisations (what Excel itself stores):
- "" and None both clear a cell (read back as None);
- integral floats come back as int (7.0 -> 7); ints beyond 2**53 as the nearest float;
- datetimes come back rounded to the millisecond (Excel stores days as a double); one at
  exactly midnight comes back as a date (python-calamine's reading);
- U+FFFE/U+FFFF cannot be stored in XML: written as Excel's escape '_xFFFE_', read back so;
- other control characters are stored as '_xHHHH_' escapes and read back as the character."""
from __future__ import annotations

import shutil
import tempfile
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings, strategies as st
from lxml import etree

from xl_addin.core.plan import CellWrite, Plan, RowDelete
from xl_addin.package import apply_plan, read_workbook

from .conftest import MAIN

BASE_ROWS = [["order_id", "Name", "Betrag"], [1, "Kunde A", 10.5], [2, None, 3], [None, "leer"],
             [5, "E", 7.25]]

values = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8", max_codepoint=0x3F), max_size=10),
    st.sampled_from(["_x0041_", "a_x005F_b", " vorne", "hinten ", "x\r\ny", "<&>\"'", "=SUM(A1)",
                     "\ufffe", "\x00\x1f"]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1),
    st.booleans(),
    st.dates(min_value=date(1900, 1, 1), max_value=date(9999, 12, 31)),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 12, 30)),
)
positions = st.tuples(st.integers(1, 12), st.integers(1, 6))


@pytest.fixture(scope="module")
def base_book(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("props") / "Basis.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Masterliste")
    for r, row in enumerate(BASE_ROWS):
        ws.write_row(r, 0, row)
    wb.add_worksheet("Andere").write("A1", "bleibt")
    wb.close()
    return path


def expected(value):
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def same(got, want) -> bool:
    if isinstance(want, datetime):
        if type(got) is date:
            got = datetime(got.year, got.month, got.day)
        return isinstance(got, datetime) and abs(got - want) <= timedelta(milliseconds=1)
    if isinstance(want, bool) or isinstance(got, bool):
        return type(got) is type(want) and got == want
    if isinstance(want, date):
        return type(got) is date and got == want
    return got == want and type(got) is type(want)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(positions, values, min_size=1, max_size=25))
def test_written_values_read_back_equal(base_book, cells):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "Mappe.xlsx"
        shutil.copy(base_book, path)
        plan = Plan(writes=[CellWrite("Masterliste", r, c, v) for (r, c), v in cells.items()])
        apply_plan(path, plan, backups=0)
        sheet = read_workbook(path).sheets["Masterliste"]
        for (r, c), v in cells.items():
            got, want = sheet.value(r, c), expected(v)
            assert same(got, want), (r, c, v, got)
        for r, row in enumerate(BASE_ROWS, start=1):           # cells not written: unchanged
            for c, v in enumerate(row, start=1):
                if (r, c) not in cells:
                    assert sheet.value(r, c) == v
        with zipfile.ZipFile(path) as zf:
            assert zf.testzip() is None
        wb = openpyxl.load_workbook(path, read_only=True)       # a second parser agrees it is valid
        assert wb["Andere"]["A1"].value == "bleibt"
        wb.close()


rows_strategy = st.lists(st.lists(st.one_of(st.none(), st.integers(0, 999), st.text(max_size=5)),
                                  min_size=3, max_size=3), min_size=1, max_size=15)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows_strategy, st.sets(st.integers(1, 18), min_size=1, max_size=6), st.booleans())
def test_deleting_rows_leaves_exactly_the_other_rows(rows, deleted, referenced):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "Warten.xlsx"
        wb = xlsxwriter.Workbook(str(path))
        ws = wb.add_worksheet("Warten")
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if isinstance(v, str) and v:
                    ws.write_string(r, c, v)                 # '=' is text, not a formula
                elif isinstance(v, int):
                    ws.write_number(r, c, v)
        ws.merge_range("E2:F3", "zusammen")
        ws.data_validation("B1:B30", {"validate": "list", "source": ["a", "b"]})
        if referenced:            # another sheet reads this one: its formula follows the rows
            wb.add_worksheet("Zahlen").write_formula("A1", "=COUNTA(Warten!A2:A16)", None, 0)
        wb.close()
        result = apply_plan(path, Plan(deletions=[RowDelete("Warten", tuple(deleted))]), backups=0)
        assert result.delete_modes["Warten"] == "shift"
        sheet = read_workbook(path).sheets["Warten"]
        model = [[None if v == "" else v for v in row] + [None, None, None]
                 for i, row in enumerate(rows, start=1) if i not in deleted]
        for r, row in enumerate(model, start=1):
            assert [sheet.value(r, c) for c in range(1, 4)] == row[:3], r
        for r in range(len(model) + 1, len(rows) + 2):
            assert [sheet.value(r, c) for c in range(1, 4)] == [None] * 3
        root = etree.fromstring(zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml"))
        merges = [c.get("ref") for c in root.iter(f"{{{MAIN}}}mergeCell")]
        alive = [r - sum(1 for d in deleted if d < r) for r in (2, 3) if r not in deleted]
        assert merges == ([f"E{alive[0]}:F{alive[-1]}"] if alive else [])   # E2:F3 loses deleted rows
        if referenced:
            left = [r for r in range(2, 17) if r not in deleted]
            formula = etree.fromstring(zipfile.ZipFile(path).read("xl/worksheets/sheet2.xml")).find(
                f".//{{{MAIN}}}f").text
            n1 = left[0] - sum(1 for d in deleted if d < left[0]) if left else None
            assert formula == (f"COUNTA(Warten!A{n1}:A{n1 + len(left) - 1})" if left else "COUNTA(Warten!#REF!)")
