"""An open Excel workbook in memory: the tests' implementation of the live adapter's protocol
(``LiveBook`` and ``LiveUI`` of :mod:`xl_addin.excel.adapter`), standing in for ``XlwingsBook``.

It behaves like Excel where the adapter relies on it (a date written into a cell without a date
format gets one; a font colour on an empty cell shows nothing; deleting rows moves the rows below
up) and records every protocol call, so tests can see how the adapter talks to Excel.
"""
from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from xl_addin.core.plan import DATE_FORMAT, DATETIME_FORMAT, CellValue
from xl_addin.core.workbook_data import WorkbookData


def _is_date_format(fmt: str | None) -> bool:
    if not fmt:
        return False
    bare = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", fmt.split(";")[0]).lower()
    return any(ch in bare for ch in "dmyhs") and "general" not in bare


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

    @property
    def max_row(self) -> int:
        return max((r for r, _ in self.values), default=0)

    @property
    def max_col(self) -> int:
        return max((c for _, c in self.values), default=0)

    def rows(self) -> list[list[CellValue]]:
        return [[self.values.get((r, c)) for c in range(1, self.max_col + 1)]
                for r in range(1, self.max_row + 1)]


class FakeBook:
    """An open workbook in memory. Records every protocol call in ``calls`` (name, sheet, …)
    so tests can see how the adapter talks to Excel; UI answers come from ``answers``."""

    def __init__(self, name: str = "Mappe.xlsx", sheets: list[FakeSheet] | None = None):
        self.name = name
        self.sheets: dict[str, FakeSheet] = {s.name: s for s in sheets or []}
        self.calls: list[tuple] = []
        self.charts: dict[tuple[str, str], object] = {}    # (sheet, chart name) -> SheetChart
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
    def _s(self, sheet: str) -> FakeSheet:
        return self.sheets[sheet]

    def sheet_names(self) -> list[str]:
        return list(self.sheets)

    def sheet_state(self, sheet: str) -> str:
        return self._s(sheet).state

    def read_values(self, sheet: str) -> list[list[CellValue]]:
        self.calls.append(("read_values", sheet))
        return self._s(sheet).rows()

    def formula_cells(self, sheet: str) -> set[tuple[int, int]]:
        self.calls.append(("formula_cells", sheet))
        return set(self._s(sheet).formulas)

    def write_block(self, sheet, row, col, values) -> None:
        self.calls.append(("write_block", sheet, row, col, len(values), len(values[0]) if values else 0))
        s = self._s(sheet)
        for i, line in enumerate(values):
            for j, v in enumerate(line):
                key = (row + i, col + j)
                s.formulas.discard(key)                   # a value written over a formula replaces it
                if v is None or v == "":
                    s.values.pop(key, None)
                    continue
                s.values[key] = v
                if isinstance(v, (date, datetime)) and not _is_date_format(s.formats.get(key)):
                    s.formats[key] = DATETIME_FORMAT if isinstance(v, datetime) else DATE_FORMAT

    def set_number_format(self, sheet, block, number_format) -> None:
        self.calls.append(("set_number_format", sheet, block, number_format))
        r1, c1, r2, c2 = block
        s = self._s(sheet)
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                s.formats[(r, c)] = number_format

    def read_fills(self, sheet, row, cols) -> list[str | None]:
        self.calls.append(("read_fills", sheet, row))
        s = self._s(sheet)
        return [s.fills.get((row, c)) for c in cols]

    def set_fill(self, sheet, blocks, rgb) -> None:
        self.calls.append(("set_fill", sheet, len(blocks), rgb))
        s = self._s(sheet)
        for r1, c1, r2, c2 in blocks:
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    if rgb is None:
                        s.fills.pop((r, c), None)
                    else:
                        s.fills[(r, c)] = rgb

    def read_font_colours(self, sheet, row, cols) -> list[str | None]:
        self.calls.append(("read_font_colours", sheet, row))
        s = self._s(sheet)
        return [s.font_colours.get((row, c)) for c in cols]

    def set_font_colour(self, sheet, blocks, rgb) -> None:
        """Like Excel: a colour on an empty cell is kept but shows nothing; the package writer
        only colours cells with a value, so the fake records only those."""
        self.calls.append(("set_font_colour", sheet, len(blocks), rgb))
        s = self._s(sheet)
        for r1, c1, r2, c2 in blocks:
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    if rgb is None or (r, c) not in s.values:
                        s.font_colours.pop((r, c), None)
                    else:
                        s.font_colours[(r, c)] = rgb

    def last_value_row(self, sheet) -> int:
        return self._s(sheet).max_row

    def add_sheet(self, sheet, state) -> None:
        self.calls.append(("add_sheet", sheet))
        self.sheets[sheet] = FakeSheet(sheet, state)

    def set_sheet_state(self, sheet, state) -> None:
        self._s(sheet).state = state

    def clear_sheet(self, sheet) -> None:
        self.calls.append(("clear_sheet", sheet))
        s = self._s(sheet)
        self.sheets[sheet] = FakeSheet(s.name, s.state)

    def clear_columns(self, sheet, first, last) -> None:
        self.calls.append(("clear_columns", sheet, first, last))
        s = self._s(sheet)
        for d in (s.values, s.fills, s.font_colours, s.formats):
            for key in [k for k in d if first <= k[1] <= last]:
                del d[key]
        s.bold = {k for k in s.bold if not first <= k[1] <= last}

    def set_chart(self, sheet, chart) -> None:
        self.calls.append(("set_chart", sheet, chart.name))
        self.charts[(self._s(sheet).name, chart.name)] = chart

    def set_column_widths(self, sheet, widths) -> None:
        self._s(sheet).widths.update(widths)

    def set_bold(self, sheet, block) -> None:
        r1, c1, r2, c2 = block
        self._s(sheet).bold.update((r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1))

    def delete_rows(self, sheet, first, last) -> None:
        self.calls.append(("delete_rows", sheet, first, last))
        s = self._s(sheet)
        n = last - first + 1

        def shift(d: dict) -> dict:
            return {((r - n if r > last else r), c): v for (r, c), v in d.items() if not first <= r <= last}
        s.values, s.fills, s.formats = shift(s.values), shift(s.fills), shift(s.formats)
        s.bold = set(shift({k: True for k in s.bold}))

    def batch(self):
        return contextlib.nullcontext()

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
