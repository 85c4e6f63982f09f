"""An open Excel workbook in memory: the tests' implementation of the live adapter's protocol
(``LiveBook`` and ``LiveUI`` of :mod:`xl_addin.excel.adapter`), standing in for ``XlwingsBook``.

It behaves like Excel where the adapter relies on it (a date written into a cell without a date
format gets one; a font colour on an empty cell shows nothing; deleting rows moves the rows below
up; a protected sheet or a merged cell refuses a write) and records every protocol call, so tests
can see how the adapter talks to Excel.

``com_calls`` counts what the same call costs ``XlwingsBook`` in cross-process COM calls (each
property read or write, each method, each object fetched: ``Range(…)`` is one, ``.Value = …`` one
more), by the table ``COM_COST`` and, for a list of blocks, as ``XlwingsBook`` gets its ranges
(``multi_area_calls``: one address of 255 characters, else temporary names and their unions).
``fail_at = ("set_fill", 2)`` makes the second
``set_fill`` raise like a COM error, to see that a failure half-way leaves the workbook as it was.
"""
from __future__ import annotations

import bisect
import contextlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from xl_addin.core.plan import DATE_FORMAT, DATETIME_FORMAT, CellValue
from xl_addin.core.workbook_data import WorkbookData
from xl_addin.excel.adapter import XML_CHUNK_ROWS, multi_area_calls

# COM calls per protocol call in XlwingsBook (sheet objects are fetched once and cached there)
COM_COST = {
    "sheet_names": 2, "sheet_state": 1, "read_values": 5, "write_block": 2, "has_formulas": 2,
    "has_merged_cells": 2, "is_protected": 1, "structure_protected": 1, "last_value_row": 2,
    "add_sheet": 3, "delete_sheet": 3, "set_sheet_state": 1, "clear_sheet": 2, "set_bold": 3,
    "delete_rows": 3, "insert_rows": 2, "save_copy": 1, "batch": 12,
}


class FakeComError(Exception):
    """Stand-in for pywintypes.com_error: Excel refused a call."""


def _is_date_format(fmt: str | None) -> bool:
    if not fmt:
        return False
    bare = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", fmt.split(";")[0]).lower()
    return any(ch in bare for ch in "dmyhs") and "general" not in bare


def _halvings(column: list, needed: list[bool] | None = None) -> int:
    """Reads of NumberFormat to learn every cell of ``column`` (or the ``needed`` ones): one per
    part, halving a mixed part; a part without a needed cell is not read."""
    if needed is not None and not any(needed):
        return 0
    if len(column) <= 1 or all(v == column[0] for v in column):
        return 1
    mid = len(column) // 2
    return (1 + _halvings(column[:mid], needed and needed[:mid])
            + _halvings(column[mid:], needed and needed[mid:]))


@dataclass
class FakeSheet:
    name: str
    state: str = "visible"
    values: dict[tuple[int, int], CellValue] = field(default_factory=dict)
    fills: dict[tuple[int, int], str] = field(default_factory=dict)
    font_colours: dict[tuple[int, int], str] = field(default_factory=dict)
    formats: dict[tuple[int, int], str] = field(default_factory=dict)
    bold: set[tuple[int, int]] = field(default_factory=set)
    widths: dict[int, float] = field(default_factory=dict)
    formulas: set[tuple[int, int]] = field(default_factory=set)    # cells holding a formula
    one_page_wide: bool = False                                     # PageSetup fit to 1 page wide

    @property
    def max_row(self) -> int:
        return max((r for r, _ in self.values), default=0)

    @property
    def max_col(self) -> int:
        return max((c for _, c in self.values), default=0)

    def rows(self) -> list[list[CellValue]]:
        n_rows, n_cols = self.max_row, self.max_col
        return [[self.values.get((r, c)) for c in range(1, n_cols + 1)] for r in range(1, n_rows + 1)]


class FakeBook:
    """An open workbook in memory. Records every protocol call in ``calls`` (name, sheet, …)
    so tests can see how the adapter talks to Excel; UI answers come from ``answers``."""

    def __init__(self, name: str = "Mappe.xlsx", sheets: list[FakeSheet] | None = None):
        self.name = name
        self.sheets: dict[str, FakeSheet] = {s.name: s for s in sheets or []}
        self.calls: list[tuple] = []
        self.charts: dict[tuple[str, str], object] = {}    # (sheet, chart name) -> SheetChart
        self.com_calls = 0
        self.fail_at: tuple[str, int] | None = None
        self.protected: set[str] = set()
        self.structure_locked = False
        self.merged: set[tuple[str, int, int]] = set()
        self.copies: list[Path] = []
        # UI
        self.answers: list[str | None] = []
        self.asked: list[str] = []
        self.alerts: list[tuple[str, str, bool]] = []
        self.statuses: list[str | None] = []
        self.selected: tuple[str, list[int]] = ("", [])
        self.path: Path | None = None
        self.user_name = "Test"
        self.picked: list[Path | None] = []          # what the file dialog answers, in turn
        self.picks: list[tuple[str, str]] = []       # (title, filter) of each dialog shown
        self.confirmations: list[bool] = []          # what Ja/Nein questions answer, in turn
        self.questions: list[tuple[str, str]] = []   # (text, title) of each question shown

    @classmethod
    def from_workbook(cls, wb: WorkbookData, fills: dict[str, dict[tuple[int, int], str]] | None = None,
                      name: str = "Mappe.xlsx") -> FakeBook:
        book = cls(name)
        for sname, sheet in wb.sheets.items():
            fs = FakeSheet(sname, sheet.state)
            for r, row in enumerate(sheet.rows, start=1):
                for c, v in enumerate(row, start=1):
                    if v is not None and v != "":
                        fs.values[(r, c)] = v
            fs.fills.update((fills or {}).get(sname, {}))
            fs.formulas.update(sheet.formulas)
            book.sheets[sname] = fs
        return book

    # --- LiveBook -------------------------------------------------------------------
    def _call(self, name: str, *args, cost: int | None = None) -> None:
        self.calls.append((name, *args))
        self.com_calls += COM_COST.get(name, 1) if cost is None else cost
        if self.fail_at is not None and self.fail_at[0] == name:
            n = sum(1 for c in self.calls if c[0] == name)
            if n == self.fail_at[1]:
                raise FakeComError(f"Excel lehnt {name} ab (Testfehler)")

    def _s(self, sheet: str) -> FakeSheet:
        return self.sheets[sheet]

    def sheet_names(self) -> list[str]:
        self._call("sheet_names", cost=1 + len(self.sheets))
        return list(self.sheets)

    def sheet_state(self, sheet: str) -> str:
        self._call("sheet_state", sheet)
        return self._s(sheet).state

    def read_values(self, sheet: str) -> list[list[CellValue]]:
        self._call("read_values", sheet)
        return self._s(sheet).rows()

    def formula_cells(self, sheet: str) -> set[tuple[int, int]]:
        self.calls.append(("formula_cells", sheet))
        return set(self._s(sheet).formulas)

    def write_block(self, sheet, row, col, values) -> None:
        self._call("write_block", sheet, row, col, len(values), len(values[0]) if values else 0)
        s = self._s(sheet)
        if sheet in self.protected:
            raise FakeComError(f"{sheet} ist geschützt")
        for i, line in enumerate(values):
            for j, v in enumerate(line):
                key = (row + i, col + j)
                if (sheet, *key) in self.merged:
                    raise FakeComError("Teil einer verbundenen Zelle")
                s.formulas.discard(key)                   # a value written over a formula replaces it
                if v is None or v == "":
                    s.values.pop(key, None)
                    continue
                s.values[key] = v
                if isinstance(v, (date, datetime)) and not _is_date_format(s.formats.get(key)):
                    s.formats[key] = DATETIME_FORMAT if isinstance(v, datetime) else DATE_FORMAT

    def _any(self, marks: set, sheet: str, block) -> bool:
        r1, c1, r2, c2 = block
        return any(sh == sheet and r1 <= r <= r2 and c1 <= c <= c2 for sh, r, c in marks)

    def has_formulas(self, sheet, block) -> bool:
        self._call("has_formulas", sheet, block)
        r1, c1, r2, c2 = block
        return any(r1 <= r <= r2 and c1 <= c <= c2 for r, c in self._s(sheet).formulas)

    def has_merged_cells(self, sheet, block) -> bool:
        self._call("has_merged_cells", sheet, block)
        return self._any(self.merged, sheet, block)

    def is_protected(self, sheet) -> bool:
        self._call("is_protected", sheet)
        return sheet in self.protected

    def structure_protected(self) -> bool:
        self._call("structure_protected")
        return self.structure_locked

    def _grid(self, d: dict, block) -> list[list]:
        r1, c1, r2, c2 = block
        return [[d.get((r, c)) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]

    def read_number_formats(self, sheet, block, rows=None) -> list[list[str | None]]:
        """XlwingsBook reads NumberFormat per column and halves a column while it is mixed; with
        ``rows`` only parts holding one of them (the other cells come back None)."""
        s = self._s(sheet)
        r1, c1, r2, c2 = block
        needed = None if rows is None else [r in rows for r in range(r1, r2 + 1)]
        cost = 0
        for c in range(c1, c2 + 1):
            cost += 2 * _halvings([s.formats.get((r, c)) or "General" for r in range(r1, r2 + 1)], needed)
        self._call("read_number_formats", sheet, block, cost=cost)
        return [[(s.formats.get((r, c)) or "General") if rows is None or r in rows else None
                 for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]

    def set_number_format(self, sheet, blocks, number_format) -> None:
        get, ranges = multi_area_calls(sheet, blocks)
        self._call("set_number_format", sheet, len(blocks), number_format, cost=get + ranges)
        s = self._s(sheet)
        for r1, c1, r2, c2 in blocks:
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    if number_format == "General":
                        s.formats.pop((r, c), None)
                    else:
                        s.formats[(r, c)] = number_format

    def _xml_cost(self, block) -> int:
        r1, _, r2, _ = block
        return 2 * -(-(r2 - r1 + 1) // XML_CHUNK_ROWS)

    def read_fills(self, sheet, block) -> list[list[str | None]]:
        self._call("read_fills", sheet, block, cost=self._xml_cost(block))
        return self._grid(self._s(sheet).fills, block)

    def _paint(self, sheet, blocks, rgb, target: dict, only_values: bool) -> None:
        if sheet in self.protected:
            raise FakeComError(f"{sheet} ist geschützt")
        s = self._s(sheet)
        for r1, c1, r2, c2 in blocks:
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    if rgb is None or (only_values and (r, c) not in s.values):
                        target.pop((r, c), None)
                    else:
                        target[(r, c)] = rgb

    def set_fill(self, sheet, blocks, rgb) -> None:
        get, ranges = multi_area_calls(sheet, blocks)
        self._call("set_fill", sheet, len(blocks), rgb, cost=get + 2 * ranges)
        self._paint(sheet, blocks, rgb, self._s(sheet).fills, False)

    def read_font_colours(self, sheet, block) -> list[list[str | None]]:
        self._call("read_font_colours", sheet, block, cost=self._xml_cost(block))
        return self._grid(self._s(sheet).font_colours, block)

    def set_font_colour(self, sheet, blocks, rgb) -> None:
        """Like Excel: a colour on an empty cell is kept but shows nothing; the package writer
        only colours cells with a value, so the fake records only those."""
        get, ranges = multi_area_calls(sheet, blocks)
        self._call("set_font_colour", sheet, len(blocks), rgb, cost=get + 2 * ranges)
        self._paint(sheet, blocks, rgb, self._s(sheet).font_colours, True)

    def last_value_row(self, sheet) -> int:
        self._call("last_value_row", sheet)
        return self._s(sheet).max_row

    def add_sheet(self, sheet, state) -> None:
        self._call("add_sheet", sheet)
        self.sheets[sheet] = FakeSheet(sheet, state)

    def delete_sheet(self, sheet) -> None:
        self._call("delete_sheet", sheet)
        del self.sheets[sheet]

    def set_sheet_state(self, sheet, state) -> None:
        self._call("set_sheet_state", sheet, state)
        self._s(sheet).state = state

    def clear_sheet(self, sheet) -> None:
        self._call("clear_sheet", sheet)
        if sheet in self.protected:
            raise FakeComError(f"{sheet} ist geschützt")
        s = self._s(sheet)
        self.sheets[sheet] = FakeSheet(s.name, s.state)

    def clear_columns(self, sheet, first, last) -> None:
        self._call("clear_columns", sheet, first, last)
        s = self._s(sheet)
        for d in (s.values, s.fills, s.font_colours, s.formats):
            for key in [k for k in d if first <= k[1] <= last]:
                del d[key]
        s.bold = {k for k in s.bold if not first <= k[1] <= last}

    def set_chart(self, sheet, chart) -> None:
        self._call("set_chart", sheet, chart.name)
        self.charts[(self._s(sheet).name, chart.name)] = chart

    def print_one_page_wide(self, sheet) -> None:
        self._call("print_one_page_wide", sheet, cost=6)   # sheet, PageSetup, 4 settings
        self._s(sheet).one_page_wide = True

    def set_column_widths(self, sheet, widths) -> None:
        self._call("set_column_widths", sheet, cost=2 * len(widths))
        self._s(sheet).widths.update(widths)

    def set_bold(self, sheet, block) -> None:
        self._call("set_bold", sheet, block)
        r1, c1, r2, c2 = block
        self._s(sheet).bold.update((r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1))

    def delete_rows(self, sheet, runs) -> None:
        """Like ``Range("5:5,9:11").EntireRow.Delete()``: every area goes at once and each row
        below moves up by the number of deleted rows above it; Excel refuses an address longer
        than 255 characters and areas that overlap."""
        runs = [tuple(run) for run in runs]
        self._call("delete_rows", sheet, tuple(runs))
        address = ",".join(f"{first}:{last}" for first, last in runs)
        if len(address) > 255:
            raise FakeComError(f"Range('{address[:30]}…'): Adresse länger als 255 Zeichen")
        doomed: set[int] = set()
        for first, last in runs:
            rows = set(range(first, last + 1))
            if first < 1 or last < first or rows & doomed:
                raise FakeComError(f"Range('{address}'): Bereiche überlappen oder sind ungültig")
            doomed |= rows
        order = sorted(doomed)
        s = self._s(sheet)

        def shift(d: dict) -> dict:
            return {(r - bisect.bisect_left(order, r), c): v for (r, c), v in d.items() if r not in doomed}
        s.values, s.fills, s.formats = shift(s.values), shift(s.fills), shift(s.formats)
        s.font_colours = shift(s.font_colours)
        s.bold = set(shift({k: True for k in s.bold}))

    def insert_rows(self, sheet, first, count) -> None:
        self._call("insert_rows", sheet, first, count)
        s = self._s(sheet)

        def shift(d: dict) -> dict:
            return {((r + count if r >= first else r), c): v for (r, c), v in d.items()}
        s.values, s.fills, s.formats = shift(s.values), shift(s.fills), shift(s.formats)
        s.font_colours = shift(s.font_colours)
        s.bold = set(shift({k: True for k in s.bold}))

    def save_copy(self, path) -> None:
        self._call("save_copy", path)
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_bytes(b"copy of " + self.name.encode())
        self.copies.append(Path(path))

    def batch(self):
        self._call("batch")
        return contextlib.nullcontext()

    def snapshot(self) -> dict:
        """Everything a test compares to see the workbook unchanged."""
        return {name: (s.state, dict(s.values), dict(s.fills), dict(s.font_colours), dict(s.formats))
                for name, s in self.sheets.items()}

    # --- LiveUI ---------------------------------------------------------------------
    def status(self, text):
        self.statuses.append(text)

    def alert(self, text, title, critical=False):
        self.alerts.append((text, title, critical))

    def ask(self, prompt, title, default=""):
        self.asked.append(prompt)
        return self.answers.pop(0) if self.answers else None

    def selection(self):
        return self.selected

    def folder(self):
        return self.path

    def user(self):
        return self.user_name

    def pick_file(self, title, file_filter):
        self.picks.append((title, file_filter))
        return self.picked.pop(0) if self.picked else None

    def confirm(self, text, title):
        self.questions.append((text, title))
        return self.confirmations.pop(0) if self.confirmations else False
