"""What a reader hands the core: each sheet's cell values, and which of them are formulas — of the
sheets an action needs; the others are known by name only (``WorkbookData.unread``)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .plan import CellValue, CellWrite


def sheet_key(name: str) -> str:
    """A sheet name as it is matched: case, surrounding and repeated blanks ignored."""
    return " ".join(name.split()).casefold()


def find_sheet(names: Iterable[str], name: str) -> str | None:
    """The sheet among ``names`` that ``name`` means: the exact name first, then the first whose
    ``sheet_key`` is the same; None when there is none."""
    candidates = list(names)
    if name in candidates:
        return name
    want = sheet_key(name)
    return next((n for n in candidates if sheet_key(n) == want), None)


class SheetNotRead(LookupError):
    """A sheet the workbook has was asked for, but the reader was told not to read it: the kind did not
    declare it among the sheets its actions read (``Kind.reads``) — a defect of the kind, not of the file."""


@dataclass
class SheetData:
    name: str
    # rows[0] is row 1; rows may be ragged and may be shorter than the sheet
    rows: list[list[CellValue]]
    state: str = "visible"   # "visible" | "hidden" | "veryHidden"
    # (row, col) of formula cells the file keeps no computed value for (saved by a program that
    # does not calculate, e.g. openpyxl): their value reads as None, which they are not
    formulas_without_value: frozenset[tuple[int, int]] = frozenset()
    # (row, col) of every cell that holds a formula: its value is the cached result of the
    # last calculation, not something an agent typed (the package reader fills it in)
    formulas: frozenset[tuple[int, int]] = frozenset()

    def has_formula_without_value(self, row: int, col: int) -> bool:
        return (row, col) in self.formulas_without_value

    def is_formula(self, row: int, col: int) -> bool:
        """Whether the cell at (row, col), 1-based, holds a formula."""
        return (row, col) in self.formulas

    def value(self, row: int, col: int) -> CellValue:
        """1-based access; None outside the data."""
        if row < 1 or row > len(self.rows):
            return None
        r = self.rows[row - 1]
        return r[col - 1] if 0 < col <= len(r) else None

    @property
    def max_row(self) -> int:
        return len(self.rows)


@dataclass
class WorkbookData:
    sheets: dict[str, SheetData] = field(default_factory=dict)  # in workbook order
    source: str = ""  # path or description, for messages
    # sheets the workbook has whose cells were not read, because no action of its kind needs them
    # (the append-only Protokoll, the agents' own sheets); asking for one raises SheetNotRead
    unread: tuple[str, ...] = ()

    def sheet(self, name: str) -> SheetData | None:
        """Exact name first, then case/blank-insensitive (``find_sheet``); None when the workbook
        has no such sheet, SheetNotRead when it has one that was not read."""
        if name in self.sheets:
            return self.sheets[name]
        found = find_sheet(self.sheets, name)
        if found is not None:
            return self.sheets[found]
        unread = find_sheet(self.unread, name) if self.unread else None
        if unread is not None:
            raise SheetNotRead(f"Blatt '{unread}' von '{self.source}' wurde nicht gelesen "
                               f"(die Art der Arbeitsmappe nennt es nicht unter den Blättern, die sie liest)")
        return None

    def has_sheet(self, name: str) -> bool:
        """Whether the workbook has the sheet ``name`` (as ``sheet`` matches it), read or not."""
        return find_sheet(self.sheets, name) is not None or find_sheet(self.unread, name) is not None

    def with_cells(self, sheet: str, cells: Mapping[tuple[int, int], CellValue]) -> WorkbookData:
        """A copy whose ``sheet`` holds the given values at (row, col) — what the tables will
        read like once a plan's writes are applied; rows and columns grow as needed. The sheets
        themselves are not changed."""
        src = self.sheet(sheet)
        if src is None or not cells:
            return self
        rows = list(src.rows)
        copied: set[int] = set()
        for (r, c), value in cells.items():
            while len(rows) < r:
                rows.append([])
            if r not in copied:
                rows[r - 1] = list(rows[r - 1])
                copied.add(r)
            row = rows[r - 1]
            if len(row) < c:
                row.extend([None] * (c - len(row)))
            row[c - 1] = value
        sheets = dict(self.sheets)
        # a written cell holds the written value, no longer a formula
        sheets[src.name] = SheetData(src.name, rows, src.state,
                                     formulas_without_value=src.formulas_without_value.difference(cells),
                                     formulas=src.formulas.difference(cells))
        return WorkbookData(sheets, self.source, self.unread)

    def with_writes(self, writes: Iterable[CellWrite]) -> WorkbookData:
        """A copy with the cell writes applied (later writes to a cell win)."""
        by_sheet: dict[str, dict[tuple[int, int], CellValue]] = {}
        for w in writes:
            cells = by_sheet.get(w.sheet)
            if cells is None:                   # not setdefault: no new dict per write
                cells = by_sheet[w.sheet] = {}
            cells[(w.row, w.col)] = w.value
        out = self
        for sheet, cells in by_sheet.items():
            out = out.with_cells(sheet, cells)
        return out
