"""The Plan: everything a run wants to change in a workbook, as plain data.

The core produces a Plan from the tables it was given; an adapter applies it (the package
writer for files on disk, the xlwings adapter for a live workbook). ``check`` is "make the
Plan, apply nothing".

Coordinates are 1-based and refer to the sheet **as it was read**. An adapter applies, per
sheet: cell writes and fills, then appends (after the last row that holds a value), then
row deletions (which shift the rows below up, appended ones included).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

CellValue = None | str | int | float | bool | date | datetime

DATE_FORMAT = "DD.MM.YYYY"
DATETIME_FORMAT = "DD.MM.YYYY HH:MM"


# CellWrite and RowFill are made once per cell and per row of a run (76,000 on a first run of
# 20,000 orders): they are frozen dataclasses whose __init__ fills the instance's __dict__
# directly — half the cost of the generated one, which goes through object.__setattr__ per field
# to get past the frozen __setattr__. Fields, defaults, equality, hash, repr, replace() and
# immutability are the dataclass's (tests/core/test_plan_types.py).

@dataclass(frozen=True, init=False)
class CellWrite:
    """Set one cell's value. ``number_format`` (e.g. DATE_FORMAT) is applied on top of the
    cell's existing style; ``None`` keeps the style as it is. A value of ``None`` clears
    the cell's value but keeps its style."""
    sheet: str
    row: int
    col: int
    value: CellValue
    number_format: str | None = None

    def __init__(self, sheet: str, row: int, col: int, value: CellValue, number_format: str | None = None) -> None:
        d = self.__dict__
        d["sheet"], d["row"], d["col"], d["value"], d["number_format"] = sheet, row, col, value, number_format


@dataclass(frozen=True, init=False)
class RowFill:
    """Colour the given columns of one row (``rgb`` like "FFFF00"; ``None`` removes the
    product's colour). A cell whose current fill is neither empty nor one of
    ``Plan.product_colours`` was coloured by an agent and keeps its fill."""
    sheet: str
    row: int
    cols: tuple[int, ...]
    rgb: str | None

    def __init__(self, sheet: str, row: int, cols: tuple[int, ...], rgb: str | None) -> None:
        d = self.__dict__
        d["sheet"], d["row"], d["cols"], d["rgb"] = sheet, row, cols, rgb


@dataclass(frozen=True)
class RowFont:
    """Set the text colour of the given columns of one row (``rgb`` like "000000"; ``None``
    removes the product's colour). Cells without a value are left alone. A cell whose text
    colour is neither automatic nor one of ``Plan.product_font_colours`` keeps it."""
    sheet: str
    row: int
    cols: tuple[int, ...]
    rgb: str | None


@dataclass
class SheetRewrite:
    """A sheet the product owns entirely (Prüfung, the hidden state sheet): its cell
    content is replaced by ``rows`` (row 1 = header). Created when missing."""
    sheet: str
    rows: list[list[CellValue]]
    state: str = "visible"          # "visible" | "hidden" | "veryHidden"
    column_widths: dict[int, float] = field(default_factory=dict)
    bold_header: bool = True
    # None: the whole sheet is the product's. A number n: only columns 1..n are (the overview's
    # block); the agents' cells right of it and their column widths there are kept as they are.
    owned_cols: int | None = None
    bold_rows: tuple[int, ...] = ()                     # further header rows (1-based), bold
    cell_formats: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) -> number format
    # The columns (1-based, in ``rows``) whose values identify a row from one run to the next:
    # the agents' own columns on the sheet (an `Erledigt` tick) stay with the row of that identity.
    key_columns: tuple[int, ...] = (1,)
    # Printed one page wide (portrait A4, as many pages down as needed) — set where the sheet has
    # no page setup of its own (a new sheet; Excel keeps it, and what the agents set stays).
    print_one_page_wide: bool = False
    # The rows as the plan read them from the sheet (row 1 first), when it did: the writer keeps
    # the rows that stay the same as the bytes they are instead of encoding them again (values and
    # formats as without). Valid for the file as read only (apply_plan(read_as=…) makes sure).
    shown: list[list[CellValue]] | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class SheetChart:
    """"This sheet holds a chart of these ranges": a clustered bar chart of the values in
    ``values`` (a column range of ``sheet``, rows ``first_row``..``last_row``) labelled by
    ``categories`` (same rows), anchored over the cells ``anchor`` = (first col, first row, last
    col, last row), 1-based. ``name`` identifies the product's chart on the sheet: a run replaces
    the chart of that name (a second run adds no second chart) and leaves every other drawing
    object alone. ``category_values``/``value_values`` are the cells' values as the run writes
    them (the chart's cache, so that a reader that does not calculate shows them)."""
    sheet: str
    name: str
    title: str
    series_name: str
    categories_col: int
    values_col: int
    first_row: int
    last_row: int
    anchor: tuple[int, int, int, int]
    category_values: tuple[str, ...] = ()
    value_values: tuple[float, ...] = ()


@dataclass
class RowAppend:
    """Add rows below the last row of ``sheet`` that holds a value. When the sheet does
    not exist it is created with ``header`` as row 1."""
    sheet: str
    rows: list[list[CellValue]]
    header: list[str] | None = None
    column_widths: dict[int, float] = field(default_factory=dict)
    number_formats: dict[int, str] = field(default_factory=dict)  # col -> format for appended cells
    # a log that may go on: rows past Excel's last row continue on '<sheet> 2', '<sheet> 3' … (made
    # with ``header``), and later appends go to the last of them; any other list is refused there
    continues: bool = False


@dataclass(frozen=True)
class RowDelete:
    """Remove whole rows (shifting the rows below up)."""
    sheet: str
    rows: tuple[int, ...]


@dataclass(frozen=True)
class ProtocolEntry:
    """One line of the Protokoll sheet: an input value the product changed, or a row it
    added to or removed from a list."""
    time: datetime
    user: str
    action: str
    sheet: str
    key: str
    cell: str
    old: CellValue
    new: CellValue


@dataclass
class Plan:
    kind: str = ""
    writes: list[CellWrite] = field(default_factory=list)
    fills: list[RowFill] = field(default_factory=list)
    product_colours: frozenset[str] = frozenset()
    fonts: list[RowFont] = field(default_factory=list)
    product_font_colours: frozenset[str] = frozenset()
    rewrites: list[SheetRewrite] = field(default_factory=list)
    charts: list[SheetChart] = field(default_factory=list)
    appends: list[RowAppend] = field(default_factory=list)
    deletions: list[RowDelete] = field(default_factory=list)
    protocol: list[ProtocolEntry] = field(default_factory=list)
    findings: list = field(default_factory=list)
    summary: dict[str, int] = field(default_factory=dict)
    # True when inputs of formulas may have changed: the writer drops calcChain.xml and
    # asks Excel to recalculate fully on load.
    full_recalc: bool = True
    keep_backups: int = 3   # from the settings sheet ("Backups")

    def is_empty(self) -> bool:
        return not (self.writes or self.fills or self.fonts or self.rewrites or self.charts
                    or self.appends or self.deletions)


# --- a SheetRewrite over a sheet the agents added columns to: which row is which -------------
def header_key(value: object) -> str:
    """A header as the layout contract compares it: case, surrounding and repeated blanks ignored."""
    return " ".join(str(value).split()).casefold() if value is not None else ""


def value_key(value: object) -> str:
    """A cell value as text for recognising a row (a number without a needless '.0')."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    return str(value)


def agents_columns(rw: SheetRewrite, old_header: Mapping[int, str]) -> dict[int, int] | None:
    """The agents' columns of the sheet ``rw`` rewrites (``old_header``: column -> row-1 text
    as it is) and the column each goes to: headers that are not the product's, right of the
    product's block — in its old column when that lies there. None when there are none, or when
    row 1 is not in the product's layout (the headers of ``rw.key_columns`` missing)."""
    if not rw.rows:
        return None
    product = {header_key(h) for h in rw.rows[0] if header_key(h)}
    found = {header_key(t) for t in old_header.values()}
    if any(header_key(rw.rows[0][k - 1]) not in found for k in rw.key_columns if k - 1 < len(rw.rows[0])):
        return None
    agents = [c for c in sorted(old_header) if header_key(old_header[c])
              and header_key(old_header[c]) not in product]
    if not agents:
        return None
    width = max(len(r) for r in rw.rows)
    out: dict[int, int] = {}
    nxt = width + 1
    for c in agents:
        out[c] = max(c, nxt)
        nxt = out[c] + 1
    return out


def carried_rows(rw: SheetRewrite, old_rows: Mapping[int, Sequence[str]]) -> dict[int, int]:
    """New row number -> the old row whose agents' cells it takes. ``old_rows``: old row number
    -> its product values as text (``value_key``), in the product's column order. A row is the
    same row when its values in ``rw.key_columns`` are (blank keys match nothing); among old
    rows of one identity the one equal in every product column is taken first, then the others
    in their order. An old row no new row takes is gone with its cells."""
    keys = tuple(rw.key_columns)
    width = max((len(r) for r in rw.rows), default=0)

    def at(values: Sequence[object], k: int) -> str:
        return value_key(values[k - 1]) if k - 1 < len(values) else ""

    groups: dict[tuple[str, ...], list[tuple[int, tuple[str, ...]]]] = {}
    for r in sorted(old_rows):
        old = old_rows[r]
        key = tuple(at(old, k) for k in keys)
        if any(key):
            groups.setdefault(key, []).append((r, tuple(at(old, p) for p in range(1, width + 1))))
    out: dict[int, int] = {}
    for new_r, values in enumerate(rw.rows[1:], start=2):
        key = tuple(at(values, k) for k in keys)
        candidates = groups.get(key)
        if not candidates or not any(key):
            continue
        full = tuple(at(values, p) for p in range(1, width + 1))
        pick = next((i for i, (_, f) in enumerate(candidates) if f == full), 0)
        out[new_r] = candidates.pop(pick)[0]
    return out


def auto_column_widths(rows: Sequence[Sequence[CellValue]]) -> dict[int, float]:
    """Widths (in characters) for the columns of a sheet the product creates without giving
    widths: the longest text per column (of a text's lines; a moment as TT.MM.JJJJ HH:MM) plus 2,
    between 8 and 60; the first 2,000 rows decide. Headless and in Excel alike."""
    longest: dict[int, int] = {}
    for values in rows[:2000]:
        for col, value in enumerate(values, start=1):
            if value is None:
                continue
            text = value.strftime("%d.%m.%Y %H:%M") if isinstance(value, datetime) else str(value)
            length = max((len(line) for line in text.splitlines()), default=0)
            longest[col] = max(longest.get(col, 0), length)
    return {col: float(min(60, max(8, n + 2))) for col, n in longest.items()}
