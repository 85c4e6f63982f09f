"""Cell values that used to kill a run (issue 12, item 10): a date cell of −1e15 or −inf
(calamine panics — a ``BaseException``), NaN (calamine makes 30.12.1899 of it), a serial one
ten-millionth of a second before 01.01.10000 (OverflowError), dates at the very end of Excel's
calendar, and the error values newer Excel writes (`#SPILL!`, `#CALC!`, `#GETTING_DATA`) that
calamine does not know. Each is a finding on its cell — the workbook is still run, and nothing
but the product's own cells changes."""
from __future__ import annotations

import re
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from tests.hostile.files import cell_style, inkasso_book, set_cell_xml, sheet_parts
from xl_addin import actions
from xl_addin.core import values as V
from xl_addin.kinds.inkasso import schema as S
from xl_addin.package import read_workbook

FIRST = "I3"       # first_dunning_letter of the second order (a date-formatted cell)


def sheet_xml(path: Path, sheet: str) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read(sheet_parts(path)[sheet])


def findings_at(res: actions.FileResult, cell: str) -> list[str]:
    assert res.plan is not None
    return [f.message for f in res.plan.findings if f.sheet == S.SHEET_MASTER and f.cell == cell]


@pytest.mark.parametrize("number", ["-1E+15", "-1e12", "-inf", "-INF", "inf", "nan", "NaN", "1e308",
                                    "2958465.9999999", "2958466", "-1"])
def test_a_date_cell_out_of_excels_range_is_a_finding_not_a_crash(tmp_path, number, capfd):
    path = inkasso_book(tmp_path / "Inkasso.xlsx")
    style = cell_style(path, S.SHEET_MASTER, FIRST)
    set_cell_xml(path, S.SHEET_MASTER, FIRST, f'<c r="{FIRST}" s="{style}"><v>{number}</v></c>')
    for write in (False, True):
        res = actions.run_file(path, user="test", write=write)
        assert res.ok, res.error
        found = findings_at(res, FIRST)
        assert found and "Datum" in found[0], found
        assert res.plan is not None and not any(w.sheet == S.SHEET_MASTER and (w.row, w.col) == (3, 9)
                                                for w in res.plan.writes)
    assert res.written
    # the input cell itself is never rewritten: its value is still there as it was (its fill is the row's)
    assert re.search(rb'<c r="%s"[^>]*><v>%s</v></c>' % (FIRST.encode(), re.escape(number.encode())),
                     sheet_xml(path, S.SHEET_MASTER))
    assert "panicked" not in capfd.readouterr().err      # no Rust panic message on the terminal


def test_a_serial_rounding_up_to_the_year_10000_is_not_a_date():
    """It used to raise OverflowError (the fraction rounds up to 86,400 seconds)."""
    with pytest.raises(V.ParseError):
        V.parse_date(2958465.9999999)
    assert V.parse_date(2921941.5) == datetime(9899, 12, 31, 12, 0)   # the last usable day
    with pytest.raises(V.ParseError):
        V.parse_date(2921942)                                          # 01.01.9900


@pytest.mark.parametrize("text", ["31.12.9999", "9999-12-31", "31.12.9950", "01.01.0001", "31.12.1899"])
def test_dates_excel_cannot_take_a_deadline_from_are_findings(tmp_path, text):
    """A deadline is computed from them (+14 days, next month's run day…): from 31.12.9999 it
    would overflow, from 01.01.0001 it cannot be written into Excel — the whole workbook was
    refused. Now a finding on the cell, and the run goes on."""
    path = inkasso_book(tmp_path / "Inkasso.xlsx")
    set_cell_xml(path, S.SHEET_MASTER, FIRST, f'<c r="{FIRST}" t="inlineStr"><is><t>{text}</t></is></c>')
    res = actions.run_file(path, user="test")
    assert res.ok, res.error
    assert any("verwendbares Datum" in m for m in findings_at(res, FIRST))
    assert res.written


@pytest.mark.parametrize("error", ["#SPILL!", "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#N/A"])
def test_new_excel_error_values_are_error_values_not_a_damaged_file(tmp_path, error):
    path = inkasso_book(tmp_path / "Inkasso.xlsx")
    set_cell_xml(path, S.SHEET_MASTER, FIRST, f'<c r="{FIRST}" t="e"><f>SEQUENCE(0)</f><v>{error}</v></c>')
    wb = read_workbook(path)
    assert wb.sheets[S.SHEET_MASTER].value(3, 9) == error
    assert wb.sheets[S.SHEET_MASTER].value(3, 2) == wb.sheets[S.SHEET_MASTER].value(3, 2)
    res = actions.run_file(path, user="test")
    assert res.ok, res.error
    assert any(error in m for m in findings_at(res, FIRST))


def test_a_panic_the_text_scan_misses_is_still_caught_at_the_reader(tmp_path, monkeypatch):
    """The scan for such numbers is the first line; calamine's PanicException (a BaseException)
    is caught at the reader all the same and the sheet read cell by cell, defused."""
    from xl_addin.package import reader
    monkeypatch.setattr(reader, "_UNSAFE_NUMBER", re.compile(rb"(?!)"))
    path = inkasso_book(tmp_path / "Inkasso.xlsx")
    style = cell_style(path, S.SHEET_MASTER, FIRST)
    set_cell_xml(path, S.SHEET_MASTER, FIRST, f'<c r="{FIRST}" s="{style}"><v>-1E+15</v></c>')
    res = actions.run_file(path, user="test")
    assert res.ok, res.error
    assert any("Datum" in m for m in findings_at(res, FIRST))
    wb = read_workbook(path)
    assert wb.sheets[S.SHEET_MASTER].value(3, 9) == -1e15


@pytest.mark.parametrize("column", [S.M_INCASSO_STATE, S.M_VENDOR_ID, S.M_FIRST_LETTER, S.M_LAST_NAME])
def test_a_cell_of_32767_characters_is_reported_and_the_run_still_writes(tmp_path, column):
    """The finding quoting it made the 'Prüfung' cell longer than Excel allows, and the run
    refused the whole workbook (check had found it). Messages quote a long value shortened."""
    from tests.builders import order
    longest = "x" * 32767
    path = inkasso_book(tmp_path / "Inkasso.xlsx", [order(**{S.M_FIRST_LETTER: datetime(2026, 9, 1)}),
                                                    order(**{column: longest})])
    res = actions.run_file(path, user="test")
    assert res.ok, res.error
    assert res.written
    wb = read_workbook(path)
    assert wb.sheets[S.SHEET_MASTER].value(3, S.MASTER_HEADERS.index(column) + 1) == longest
    check = wb.sheets[S.SHEET_FINDINGS]
    texts = [str(v) for row in check.rows for v in row if v is not None]
    assert all(len(t) <= 32767 for t in texts)
    if column != S.M_LAST_NAME:              # a name may be as long as it likes
        assert any("32.767 Zeichen" in t for t in texts), texts[:8]
