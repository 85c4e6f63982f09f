"""The live-workbook adapter: read a workbook that is open in Excel and apply a Plan to it.

Written against a small protocol (``LiveBook``: read a sheet's used range in one call, write a
block of cells in one range assignment, read/set fills, append, rewrite a sheet, delete rows)
implemented here by ``XlwingsBook``, a thin layer over an ``xlwings.Book`` (BSD part only;
imported lazily, never ``xlwings.pro``, Server, the remote interpreter or the calamine reader).
The tests implement it in memory (``tests/excel/fakebook.py``), which also proves that the
ribbon path and the headless package writer give the same cells on the same Plan.

``apply_plan_live`` follows the Plan's semantics (xl_addin.core.plan) in the package writer's
order: sheet rewrites, cell writes, fills, appends (below the last row holding a value), row
deletions (bottom up). Cell writes are grouped per column into runs of consecutive rows, and
each run is one range assignment — a computed column that is written on every row is one
assignment, never cell by cell; cells the Plan does not name are never touched (a formula or
an agent's entry between two written cells stays as it is).
"""
from __future__ import annotations

import contextlib
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from ..core.com_values import from_com
from ..core.plan import CellValue, Plan, auto_column_widths
from ..core.values import as_excel_datetime, from_excel_datetime
from ..core.workbook_data import SheetData, WorkbookData, find_sheet

OTHER_FILL = "*"      # a fill that is not a plain solid colour (pattern, gradient): the agent's
_STATES = ("visible", "hidden", "veryHidden")
Block = tuple[int, int, int, int]   # first row, first col, last row, last col (1-based, inclusive)


# ====================================================================== the protocol

@runtime_checkable
class LiveBook(Protocol):
    """What the adapter needs from a live workbook. Coordinates are 1-based."""

    name: str

    def sheet_names(self) -> list[str]: ...
    def sheet_state(self, sheet: str) -> str: ...                 # "visible" | "hidden" | "veryHidden"
    def read_values(self, sheet: str) -> list[list[Any]]: ...   # used range from A1, as COM gives it
    def formula_cells(self, sheet: str) -> set[tuple[int, int]]: ...  # (row, col) holding a formula
    def write_block(self, sheet: str, row: int, col: int, values: list[list[CellValue]]) -> None: ...
    def set_number_format(self, sheet: str, block: Block, number_format: str) -> None: ...
    def read_fills(self, sheet: str, row: int, cols: Sequence[int]) -> list[str | None]: ...
    def set_fill(self, sheet: str, blocks: list[Block], rgb: str | None) -> None: ...
    def read_font_colours(self, sheet: str, row: int, cols: Sequence[int]) -> list[str | None]: ...
    def set_font_colour(self, sheet: str, blocks: list[Block], rgb: str | None) -> None: ...
    def last_value_row(self, sheet: str) -> int: ...
    def add_sheet(self, sheet: str, state: str) -> None: ...
    def set_sheet_state(self, sheet: str, state: str) -> None: ...
    def clear_sheet(self, sheet: str) -> None: ...
    def set_column_widths(self, sheet: str, widths: dict[int, float]) -> None: ...
    def set_bold(self, sheet: str, block: Block) -> None: ...
    def delete_rows(self, sheet: str, first: int, last: int) -> None: ...
    def batch(self) -> contextlib.AbstractContextManager: ...      # screen updating off etc.


class LiveUI(Protocol):
    """What the ribbon's entry points need from Excel besides the cells."""

    def status(self, text: str | None) -> None: ...
    def alert(self, text: str, title: str, critical: bool = False) -> None: ...
    def ask(self, prompt: str, title: str, default: str = "") -> str | None: ...
    def selection(self) -> tuple[str, list[int]]: ...     # sheet name, selected row numbers
    def folder(self) -> Path | None: ...                  # the workbook's folder, when on disk
    def user(self) -> str: ...
    def pick_file(self, title: str, file_filter: str) -> Path | None: ...   # None: cancelled
    def confirm(self, text: str, title: str) -> bool: ...                  # a Ja/Nein question


# ====================================================================== reading

def read_workbook_live(book: LiveBook, formulas: bool = False) -> WorkbookData:
    """Every sheet's values, one read per sheet, as the core expects them; with ``formulas``
    also which cells hold formulas (one more read per sheet) — what an export that must pass on
    only typed values needs (the VPA file)."""
    wb = WorkbookData(source=book.name)
    for name in book.sheet_names():
        cells = frozenset(book.formula_cells(name)) if formulas else frozenset()
        rows = [[_from_excel(v) for v in row] for row in book.read_values(name)]
        while rows and all(v is None for v in rows[-1]):
            rows.pop()
        wb.sheets[name] = SheetData(name, rows, book.sheet_state(name), formulas=cells)
    return wb


# ====================================================================== applying a plan

def resolve_sheet(book: LiveBook, name: str) -> str | None:
    """The sheet's name as the book spells it (exact, then case/blank-insensitive)."""
    return find_sheet(book.sheet_names(), name)


def _norm_rgb(rgb: str | None) -> str | None:
    if rgb is None:
        return None
    s = rgb.strip().upper().lstrip("#")
    return s[-6:] if len(s) == 8 else s


def _runs(cells: list[tuple[int, CellValue, str | None]]) -> Iterator[tuple[int, list, str | None]]:
    """(row, value, format) sorted by row -> (first row, values, format) of consecutive rows."""
    start, values, fmt = None, [], None
    for row, value, number_format in cells:
        if start is not None and row == start + len(values) and number_format == fmt:
            values.append(value)
            continue
        if start is not None:
            yield start, values, fmt
        start, values, fmt = row, [value], number_format
    if start is not None:
        yield start, values, fmt


def merge_blocks(cells: Sequence[tuple[int, int]]) -> list[Block]:
    """Cells -> few rectangles: runs of columns per row, stacked over consecutive rows."""
    by_row: dict[int, list[int]] = defaultdict(list)
    for r, c in cells:
        by_row[r].append(c)
    open_blocks: dict[tuple[int, int], list[int]] = {}   # (c1, c2) -> [r1, r2]
    done: list[Block] = []
    for r in sorted(by_row):
        cols = sorted(set(by_row[r]))
        spans: list[tuple[int, int]] = []        # runs of consecutive columns: (first, last)
        first = last = cols[0]
        for c in cols[1:]:
            if c != last + 1:
                spans.append((first, last))
                first = c
            last = c
        spans.append((first, last))
        for key in list(open_blocks):
            if key not in spans or open_blocks[key][1] != r - 1:
                r1, r2 = open_blocks.pop(key)
                done.append((r1, key[0], r2, key[1]))
        for key in spans:
            if key in open_blocks:
                open_blocks[key][1] = r
            else:
                open_blocks[key] = [r, r]
    done += [(r1, c1, r2, c2) for (c1, c2), (r1, r2) in open_blocks.items()]
    return sorted(done)


def _rectangle(rows: list[list[CellValue]]) -> list[list[CellValue]]:
    width = max((len(r) for r in rows), default=0)
    return [list(r) + [None] * (width - len(r)) for r in rows]


@dataclass
class LiveResult:
    cells_written: int = 0
    range_writes: int = 0            # range assignments made for cell writes
    cells_filled: int = 0
    rows_appended: int = 0
    rows_deleted: int = 0
    sheets_created: list[str] = field(default_factory=list)


class LiveApplyError(Exception):
    """A Plan names a sheet the workbook does not have (one German line)."""


def _recolour(ops, product: frozenset, read_current, sheet_of) -> dict[tuple[str, str | None], list[tuple[int, int]]]:
    """The cells each RowFill/RowFont really changes, grouped by (sheet, colour): a cell keeps a
    colour the agent chose (neither none nor one of ``product``) and is skipped when it already
    shows the wanted one."""
    targets: dict[tuple[str, str | None], list[tuple[int, int]]] = defaultdict(list)
    for op in ops:
        cols = list(op.cols)
        if not cols:
            continue
        sheet = sheet_of(op.sheet)
        want = _norm_rgb(op.rgb)
        for col, current in zip(cols, read_current(sheet, op.row, cols), strict=True):
            now = _norm_rgb(current) if current != OTHER_FILL else OTHER_FILL
            if now is not None and now not in product:
                continue                      # the agent's colour stays
            if now != want:
                targets[(sheet, want)].append((op.row, col))
    return targets


def apply_plan_live(book: LiveBook, plan: Plan,
                    progress: Callable[[str], None] | None = None) -> LiveResult:
    """Apply ``plan`` to the open workbook ``book`` (see the module docstring)."""
    res = LiveResult()
    say = progress or (lambda _text: None)
    if plan.is_empty():
        return res
    product = frozenset(_norm_rgb(c) for c in plan.product_colours)

    def existing(name: str, what: str) -> str:
        hit = resolve_sheet(book, name)
        if hit is None:
            raise LiveApplyError(f"Blatt '{name}' fehlt in '{book.name}' — {what} nicht möglich")
        return hit

    with book.batch():
        # 1. sheets the product owns entirely
        for rw in plan.rewrites:
            say(f"Blatt '{rw.sheet}' schreiben")
            name = resolve_sheet(book, rw.sheet)
            if name is None:
                book.add_sheet(rw.sheet, rw.state)
                res.sheets_created.append(rw.sheet)
                name = rw.sheet
            else:
                book.set_sheet_state(name, rw.state)
                book.clear_sheet(name)
            rows = _rectangle(rw.rows)
            if rows and rows[0]:
                book.write_block(name, 1, 1, rows)
                if rw.bold_header:
                    book.set_bold(name, (1, 1, 1, len(rows[0])))
            book.set_column_widths(name, rw.column_widths or auto_column_widths(rows))

        # 2. cell writes: one range assignment per run of consecutive rows of a column
        say("Berechnete Spalten schreiben")
        latest: dict[tuple[str, int, int], tuple[CellValue, str | None]] = {}
        for w in plan.writes:
            latest[(existing(w.sheet, f"Schreiben in {w.sheet}!"), w.row, w.col)] = (w.value, w.number_format)
        columns: dict[tuple[str, int], list[tuple[int, CellValue, str | None]]] = defaultdict(list)
        for (sheet, row, col), (value, fmt) in latest.items():
            columns[(sheet, col)].append((row, value, fmt))
        for (sheet, col), cells in columns.items():
            for start, values, fmt in _runs(sorted(cells, key=lambda x: x[0])):
                book.write_block(sheet, start, col, [[v] for v in values])
                if fmt:
                    book.set_number_format(sheet, (start, col, start + len(values) - 1, col), fmt)
                res.range_writes += 1
                res.cells_written += len(values)

        # 3. fills, then text colours: only cells showing none or one of the product's colours
        say("Farben setzen")
        for (sheet, rgb), coloured in _recolour(plan.fills, product, book.read_fills,
                                                lambda n: existing(n, "Einfärben")).items():
            book.set_fill(sheet, merge_blocks(coloured), rgb)
            res.cells_filled += len(coloured)
        font_product = frozenset(_norm_rgb(c) for c in plan.product_font_colours)
        for (sheet, rgb), coloured in _recolour(plan.fonts, font_product, book.read_font_colours,
                                                lambda n: existing(n, "Schriftfarbe")).items():
            book.set_font_colour(sheet, merge_blocks(coloured), rgb)

        # 4. appends below the last row that holds a value
        for ap in plan.appends:
            say(f"Zeilen an '{ap.sheet}' anhängen")
            name = resolve_sheet(book, ap.sheet)
            if name is None:
                book.add_sheet(ap.sheet, "visible")
                res.sheets_created.append(ap.sheet)
                name = ap.sheet
                if ap.header:
                    book.write_block(name, 1, 1, [list(ap.header)])
                    book.set_bold(name, (1, 1, 1, len(ap.header)))
                    book.set_column_widths(name, ap.column_widths or auto_column_widths([ap.header, *ap.rows]))
                elif ap.column_widths:
                    book.set_column_widths(name, ap.column_widths)
            rows = _rectangle(ap.rows)
            if not rows or not rows[0]:
                continue
            start = book.last_value_row(name) + 1
            book.write_block(name, start, 1, rows)
            for col, fmt in sorted(ap.number_formats.items()):
                book.set_number_format(name, (start, col, start + len(rows) - 1, col), fmt)
            res.rows_appended += len(rows)

        # 5. deletions, bottom up, one call per block of consecutive rows
        for d in plan.deletions:
            name = existing(d.sheet, "Zeilen löschen")
            doomed = sorted({r for r in d.rows if r >= 1}, reverse=True)
            i = 0
            while i < len(doomed):
                last = first = doomed[i]
                while i + 1 < len(doomed) and doomed[i + 1] == first - 1:
                    i += 1
                    first = doomed[i]
                book.delete_rows(name, first, last)
                i += 1
            res.rows_deleted += len(doomed)
    return res


# ====================================================================== xlwings

XL_NONE = -4142            # xlNone / xlColorIndexNone
XL_SOLID = 1
XL_AUTOMATIC = -4105       # xlColorIndexAutomatic
_VISIBLE = {"visible": -1, "hidden": 0, "veryHidden": 2}
_TEXT_EXCEL_WOULD_CONVERT = re.compile(r"^\s*([-+=@]|[\d.,:/%\s-]+\s*$|(true|false|wahr|falsch)\s*$)",
                                       re.IGNORECASE)


def _to_excel(value: CellValue) -> Any:
    """A Plan value as Excel should store it: text stays text (a leading apostrophe keeps
    Excel from turning '00123', '1.2' or '=x' into a number, date or formula)."""
    if value is None or (isinstance(value, str) and not value):
        return None
    if isinstance(value, str):
        return "'" + value if _TEXT_EXCEL_WOULD_CONVERT.match(value) else value
    if isinstance(value, date):
        return as_excel_datetime(value)
    return value


def _from_excel(value: Any) -> CellValue:
    """What Excel hands over -> what the package reader gives: integral floats as int, ''
    as None, a date at midnight as date; Currency (Decimal) as a number, #SPILL!/#CALC! … (error
    codes) as their text, like #N/A."""
    value = from_com(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 53:
        return int(value)
    if isinstance(value, str) and not value:
        return None
    if isinstance(value, datetime):
        return from_excel_datetime(value)
    return value


def _merge_value2(values: list[list[Any]], value2: Any) -> list[list[Any]]:
    """``Range.Value`` (dates as datetimes) with every other cell taken from ``Range.Value2`` —
    numbers exactly as Excel holds them (``Value`` turns a Currency cell into a Decimal rounded
    to four places)."""
    if not isinstance(value2, (tuple, list)):
        value2 = ((value2,),)
    out = []
    for row, raw_row in zip(values, value2, strict=False):
        out.append([v if isinstance(v, datetime) else raw for v, raw in zip(row, raw_row, strict=False)])
    return out


def _bgr_hex(color: Any) -> str | None:
    if color is None:
        return None
    n = int(color)
    return f"{n & 0xFF:02X}{(n >> 8) & 0xFF:02X}{(n >> 16) & 0xFF:02X}"


def _hex_bgr(rgb: str) -> int:
    s = _norm_rgb(rgb) or "000000"
    return int(s[4:6], 16) << 16 | int(s[2:4], 16) << 8 | int(s[0:2], 16)


def _address(block: Block) -> str:
    from ..core.cells import col_letter
    r1, c1, r2, c2 = block
    a = f"{col_letter(c1)}{r1}"
    return a if (r1, c1) == (r2, c2) else f"{a}:{col_letter(c2)}{r2}"


def _address_batches(blocks: list[Block], limit: int = 240) -> Iterator[str]:
    """Comma-joined multi-area addresses short enough for Excel's Range() (255 chars)."""
    batch = ""
    for b in blocks:
        a = _address(b)
        if batch and len(batch) + 1 + len(a) > limit:
            yield batch
            batch = ""
        batch = f"{batch},{a}" if batch else a
    if batch:
        yield batch


class XlwingsBook:
    """A workbook open in Excel, through xlwings (BSD part). Construct with an ``xlwings.Book``
    or ``XlwingsBook.caller()`` inside a RunPython call."""

    def __init__(self, book: Any):
        self.book = book
        self.name = book.name

    @classmethod
    def caller(cls) -> XlwingsBook:
        import xlwings as xw
        return cls(xw.Book.caller())

    def _sheet(self, name: str):
        return self.book.sheets[name]

    # --- LiveBook -------------------------------------------------------------------
    def sheet_names(self) -> list[str]:
        return [s.name for s in self.book.sheets]

    def sheet_state(self, sheet: str) -> str:
        v = self._sheet(sheet).api.Visible
        return {-1: "visible", 0: "hidden", 2: "veryHidden"}.get(int(v), "visible")

    def read_values(self, sheet: str) -> list[list[CellValue]]:
        sh = self._sheet(sheet)
        last = sh.used_range.last_cell
        rng = sh.range((1, 1), (last.row, last.column))
        values = rng.options(ndim=2, err_to_str=True).value     # dates as datetimes
        return _merge_value2(values or [], rng.api.Value2)

    def formula_cells(self, sheet: str) -> set[tuple[int, int]]:
        """Cells whose formula text starts with '=' and is not the cell's own text value (a text
        typed as "=…" with a leading apostrophe reads back as that text: not a formula)."""
        sh = self._sheet(sheet)
        last = sh.used_range.last_cell
        rng = sh.range((1, 1), (last.row, last.column))
        formulas = rng.formula
        values = rng.options(ndim=2).value or []
        if isinstance(formulas, str):
            formulas = ((formulas,),)
        out: set[tuple[int, int]] = set()
        for r, (frow, vrow) in enumerate(zip(formulas or (), values, strict=False), start=1):
            for c, (f, v) in enumerate(zip(frow, vrow, strict=False), start=1):
                if isinstance(f, str) and f.startswith("=") and f != v:
                    out.add((r, c))
        return out

    def write_block(self, sheet, row, col, values) -> None:
        if not values or not values[0]:
            return
        rng = self._sheet(sheet).range((row, col), (row + len(values) - 1, col + len(values[0]) - 1))
        rng.value = [[_to_excel(v) for v in line] for line in values]

    def set_number_format(self, sheet, block, number_format) -> None:
        r1, c1, r2, c2 = block
        self._sheet(sheet).range((r1, c1), (r2, c2)).number_format = number_format

    def read_fills(self, sheet, row, cols) -> list[str | None]:
        sh = self._sheet(sheet)
        interior = sh.range((row, min(cols)), (row, max(cols))).api.Interior
        pattern = interior.Pattern
        if pattern == XL_NONE:
            return [None] * len(cols)
        if pattern == XL_SOLID and interior.Color is not None:
            return [_bgr_hex(interior.Color)] * len(cols)
        out: list[str | None] = []
        for c in cols:                                   # mixed row: cell by cell
            cell = sh.range((row, c)).api.Interior
            p = cell.Pattern
            out.append(None if p == XL_NONE else _bgr_hex(cell.Color) if p == XL_SOLID else OTHER_FILL)
        return out

    def set_fill(self, sheet, blocks, rgb) -> None:
        self._set_colour(sheet, blocks, rgb, "Interior", ("Pattern", XL_NONE))

    def read_font_colours(self, sheet, row, cols) -> list[str | None]:
        sh = self._sheet(sheet)
        out: list[str | None] = []
        for c in cols:                                   # fonts: cell by cell (rare: Kundenakten)
            font = sh.range((row, c)).api.Font
            index = font.ColorIndex
            out.append(None if index == XL_AUTOMATIC else _bgr_hex(font.Color))
        return out

    def set_font_colour(self, sheet, blocks, rgb) -> None:
        self._set_colour(sheet, blocks, rgb, "Font", ("ColorIndex", XL_AUTOMATIC))

    def _set_colour(self, sheet, blocks, rgb, part: str, default: tuple[str, int]) -> None:
        """Colour ``part`` of the cells of ``blocks`` (``Interior``: the fill; ``Font``) with
        ``rgb``, a few hundred cells per COM call; None: back to Excel's default, the property
        and value ``default`` (no fill: Pattern = xlNone; automatic text colour)."""
        sh = self._sheet(sheet)
        for address in _address_batches(blocks):
            target = getattr(sh.api.Range(address), part)
            if rgb is None:
                setattr(target, *default)
            else:
                target.Color = _hex_bgr(rgb)

    def last_value_row(self, sheet) -> int:
        found = self._sheet(sheet).api.Cells.Find(What="*", LookIn=-4123, SearchOrder=1, SearchDirection=2)
        return int(found.Row) if found is not None else 0

    def add_sheet(self, sheet, state) -> None:
        new = self.book.sheets.add(sheet, after=self.book.sheets[len(self.book.sheets) - 1])
        new.api.Visible = _VISIBLE.get(state, -1)

    def set_sheet_state(self, sheet, state) -> None:
        self._sheet(sheet).api.Visible = _VISIBLE.get(state, -1)

    def clear_sheet(self, sheet) -> None:
        self._sheet(sheet).clear()

    def set_column_widths(self, sheet, widths) -> None:
        sh = self._sheet(sheet)
        for col, width in widths.items():
            sh.range((1, col)).column_width = width

    def set_bold(self, sheet, block) -> None:
        r1, c1, r2, c2 = block
        self._sheet(sheet).range((r1, c1), (r2, c2)).font.bold = True

    def delete_rows(self, sheet, first, last) -> None:
        self._sheet(sheet).api.Rows(f"{first}:{last}").Delete()

    @contextlib.contextmanager
    def batch(self):
        app = self.book.app
        updating, calculation = app.screen_updating, app.calculation
        app.screen_updating = False
        app.calculation = "manual"
        try:
            yield
        finally:
            app.calculation = calculation
            app.screen_updating = updating

    # --- LiveUI ---------------------------------------------------------------------
    def status(self, text):
        self.book.app.status_bar = text if text else False

    def alert(self, text, title, critical=False):
        self.book.app.alert(text, title=title, mode="critical" if critical else "info")

    def ask(self, prompt, title, default=""):
        answer = self.book.app.api.InputBox(prompt, title, default, Type=2)
        return None if answer is False else str(answer)

    def selection(self):
        sel = self.book.selection
        if sel is None:
            return "", []
        sheet = sel.sheet.name
        last = self._sheet(sheet).used_range.last_cell.row
        rows: list[int] = []
        for area in sel.api.Areas:
            first = int(area.Row)
            rows += range(first, min(first + int(area.Rows.Count), last + 1))
        return sheet, sorted(set(rows))

    def folder(self):
        full = self.book.fullname
        if "://" in full:
            return None
        p = Path(full)
        return p.parent if p.parent.is_dir() else None

    def user(self):
        try:
            return str(self.book.app.api.UserName) or ""
        except Exception:   # the name is a nicety for the protocol sheet
            return ""

    def pick_file(self, title, file_filter):
        """Excel's own "open file" dialog (Application.GetOpenFilename): the chosen path, or None.
        ``file_filter`` as Excel spells it: 'CSV oder Excel (*.csv;*.xlsx),*.csv;*.xlsx'."""
        answer = self.book.app.api.GetOpenFilename(FileFilter=file_filter, Title=title)
        return None if answer is False or not answer else Path(str(answer))

    def confirm(self, text, title):
        return self.book.app.alert(text, title=title, buttons="yes_no", mode="info") == "yes"
