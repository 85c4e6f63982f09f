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

import bisect
import contextlib
import functools
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from ..core.cells import col_letter
from ..core.com_values import as_read, excel_error
from ..core.plan import CellValue, Plan, SheetChart, SheetRewrite, auto_column_widths
from ..core.values import as_excel_datetime
from ..core.workbook_data import SheetData, WorkbookData, find_sheet

OTHER_FILL = "*"      # a fill that is not a plain solid colour (pattern, gradient): the agent's
_STATES = ("visible", "hidden", "veryHidden")
Block = tuple[int, int, int, int]   # first row, first col, last row, last col (1-based, inclusive)


# ====================================================================== the protocol

@runtime_checkable
class LiveBook(Protocol):
    """What the adapter needs from a live workbook. Coordinates are 1-based. Every method is a
    bounded number of cross-process calls in ``XlwingsBook`` — whatever the size of the block —
    except where a list of blocks goes in (``multi_area_calls``)."""

    name: str

    def sheet_names(self) -> list[str]: ...
    def sheet_state(self, sheet: str) -> str: ...                 # "visible" | "hidden" | "veryHidden"
    def read_values(self, sheet: str) -> list[list[Any]]: ...   # used range from A1, as COM gives it
    def formula_cells(self, sheet: str) -> set[tuple[int, int]]: ...  # (row, col) holding a formula
    def write_block(self, sheet: str, row: int, col: int, values: list[list[Any]]) -> None: ...
    def has_formulas(self, sheet: str, block: Block) -> bool: ...       # any formula in the block
    def has_merged_cells(self, sheet: str, block: Block) -> bool: ...   # any merged cell in the block
    def is_protected(self, sheet: str) -> bool: ...                     # sheet protection on
    def structure_protected(self) -> bool: ...                          # no sheet can be added
    def read_number_formats(self, sheet: str, block: Block, rows: frozenset[int] | None = None
                            ) -> list[list[str | None]]: ...   # rows: only these needed (else None)
    def set_number_format(self, sheet: str, blocks: list[Block], number_format: str) -> None: ...
    def read_fills(self, sheet: str, block: Block) -> list[list[str | None]]: ...
    def set_fill(self, sheet: str, blocks: list[Block], rgb: str | None) -> None: ...
    def read_font_colours(self, sheet: str, block: Block) -> list[list[str | None]]: ...
    def set_font_colour(self, sheet: str, blocks: list[Block], rgb: str | None) -> None: ...
    def last_value_row(self, sheet: str) -> int: ...
    def add_sheet(self, sheet: str, state: str) -> None: ...
    def delete_sheet(self, sheet: str) -> None: ...
    def set_sheet_state(self, sheet: str, state: str) -> None: ...
    def clear_sheet(self, sheet: str) -> None: ...
    def clear_columns(self, sheet: str, first: int, last: int) -> None: ...   # values and formats
    def set_chart(self, sheet: str, chart: SheetChart) -> None: ...   # replaces the chart of chart.name
    def print_one_page_wide(self, sheet: str) -> None: ...   # PageSetup: 1 page wide, pages down as needed
    def set_column_widths(self, sheet: str, widths: dict[int, float]) -> None: ...
    def set_bold(self, sheet: str, block: Block) -> None: ...
    def delete_rows(self, sheet: str, runs: list[tuple[int, int]]) -> None: ...  # all at once, rows below
    # shift up; runs (first, last) ascending, apart, one address of <= 255 characters (row_batches)
    def insert_rows(self, sheet: str, first: int, count: int) -> None: ...
    def save_copy(self, path: Path) -> None: ...                  # Workbook.SaveCopyAs
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


def _runs(rows: list[int]) -> Iterator[tuple[int, int]]:
    """Sorted row numbers -> (first, last) of each run of consecutive rows."""
    if not rows:
        return
    start = prev = rows[0]
    for r in rows[1:]:
        if r != prev + 1:
            yield start, prev
            start = r
        prev = r
    yield start, prev


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


def address_calls(blocks: list[Block]) -> int:
    """How many multi-area ranges (Excel's 255-character limit) ``blocks`` take."""
    return sum(1 for _ in _address_batches(blocks))


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
    backup: Path | None = None       # the copy saved before the first change


class LiveApplyError(Exception):
    """The Plan cannot be applied (a sheet missing, protected, merged cells in the way) or a
    write failed and was taken back; ``str(e)`` is one German line."""


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class _Journal:
    """What was changed, as the steps that take it back (pushed before each change is made)."""

    def __init__(self) -> None:
        self.undo: list[Callable[[], None]] = []

    def do(self, change: Callable[[], None], undo: Callable[[], None], repeatable: bool = True) -> None:
        """``repeatable``: taking back is right whether or not the change got through (writing the
        old values again), so it is noted first — a change that fails half-way is taken back too;
        otherwise (inserting deleted rows again, deleting an added sheet) only once it is made."""
        if repeatable:
            self.undo.append(undo)
            change()
        else:
            change()
            self.undo.append(undo)

    def rollback(self) -> int:
        """Take back every change, newest first; the number of steps that failed."""
        failed = 0
        for step in reversed(self.undo):
            try:
                step()
            except Exception:   # keep taking back what can be
                failed += 1
        self.undo.clear()
        return failed


def _paint_plan(changes: dict[tuple[int, int], str | None], unchanged: dict[tuple[int, int], str | None]
                ) -> list[tuple[str | None, list[Block]]]:
    """The fewest multi-area calls that give each cell of ``changes`` its colour: either one
    call group per colour, or one colour painted as background over every changing cell (and the
    cells that keep it anyway) and the others on top. ``unchanged``: product cells already right."""
    by_colour: dict[str | None, list[tuple[int, int]]] = defaultdict(list)
    for cell, rgb in changes.items():
        by_colour[rgb].append(cell)
    plain = [(rgb, merge_blocks(cells)) for rgb, cells in by_colour.items()]
    best, best_cost = plain, sum(address_calls(b) for _, b in plain)
    if len(by_colour) < 2:
        return best
    for background in by_colour:
        cells = list(changes) + [c for c, rgb in unchanged.items() if rgb == background]
        layered = [(background, merge_blocks(cells))] + [(rgb, b) for rgb, b in plain if rgb != background]
        cost = sum(address_calls(b) for _, b in layered)
        if cost < best_cost:
            best, best_cost = layered, cost
    return best


def _colour_changes(ops, product: frozenset, current: dict[tuple[int, int], str | None]
                    ) -> tuple[dict[tuple[int, int], str | None], dict[tuple[int, int], str | None]]:
    """(cells whose colour changes -> wanted, product cells already right -> their colour): a cell
    keeps a colour the agent chose (neither none nor one of ``product``)."""
    changes: dict[tuple[int, int], str | None] = {}
    unchanged: dict[tuple[int, int], str | None] = {}
    for op in ops:
        want = _norm_rgb(op.rgb)
        for col in op.cols:
            now = current.get((op.row, col))
            now = _norm_rgb(now) if now != OTHER_FILL else OTHER_FILL
            if now is not None and now not in product:
                continue                      # the agent's colour stays
            if now != want:
                changes[(op.row, col)] = want
            else:
                unchanged[(op.row, col)] = want
    return changes, unchanged


def _grid(book_read, sheet: str, block: Block) -> dict[tuple[int, int], Any]:
    r1, c1, _, _ = block
    return {(r1 + i, c1 + j): v for i, line in enumerate(book_read(sheet, block)) for j, v in enumerate(line)}


def apply_plan_live(book: LiveBook, plan: Plan, progress: Callable[[str], None] | None = None,
                    backup_to: Path | None = None) -> LiveResult:
    """Apply ``plan`` to the open workbook ``book``, all or nothing.

    First everything is read and decided — the sheets' values (one read per sheet), the colours
    and number formats of the cells the Plan colours or formats (one read per block), whether a
    target is protected or holds merged cells — and nothing is written while anything is in the
    way. Then ``backup_to`` (if given) gets a copy of the workbook (``SaveCopyAs``), and the
    changes are made with screen updating, calculation and events off, each after the step
    that takes it back has been noted: should Excel refuse a write half-way, every change made
    so far is taken back and one line says so.

    Calls: a computed column is one range assignment from its first to its last written row
    (the rows between keep their values, written back as they are; a column with a formula or an
    error value between falls back to one assignment per run); fills, text colours and number
    formats go per colour as multi-area ranges of whole blocks, and only to cells that do not
    already show them."""
    res = LiveResult()
    say = progress or (lambda _text: None)
    if plan.is_empty():
        return res
    names = book.sheet_names()

    def existing(name: str, what: str) -> str:
        hit = find_sheet(names, name)
        if hit is None:
            raise LiveApplyError(f"Blatt '{name}' fehlt in '{book.name}' — {what} nicht möglich")
        return hit

    values: dict[str, list[list[Any]]] = {}

    def current(sheet: str) -> list[list[Any]]:
        if sheet not in values:
            values[sheet] = book.read_values(sheet)
        return values[sheet]

    def value_at(sheet: str, row: int, col: int) -> Any:
        rows = current(sheet)
        return rows[row - 1][col - 1] if row <= len(rows) and col <= len(rows[row - 1]) else None

    def old_block(sheet: str, block: Block) -> list[list[Any]]:
        r1, c1, r2, c2 = block
        return [[value_at(sheet, r, c) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]

    steps: list[tuple[Any, ...]] = []     # (change, undo[, repeatable]) for _Journal.do
    touched: set[str] = set()
    new_sheets: list[str] = []

    def restore_formats(sheet: str, old: dict[tuple[int, int], str | None]) -> Callable[[], None]:
        def undo() -> None:
            groups: dict[str, list[tuple[int, int]]] = defaultdict(list)
            for cell, fmt in old.items():
                groups[fmt or "General"].append(cell)
            for fmt, cells in groups.items():
                book.set_number_format(sheet, merge_blocks(cells), fmt)
        return undo

    def add_rewrite(rw: SheetRewrite) -> None:
        """The steps that rewrite one sheet the product owns (an overview owns columns
        1..owned_cols only: the agents' columns right of it stay)."""
        rows = _rectangle(rw.rows)
        name = find_sheet(names + new_sheets, rw.sheet)
        if name is None:
            name = rw.sheet
            new_sheets.append(name)
            steps.append((functools.partial(book.add_sheet, name, rw.state),
                          functools.partial(book.delete_sheet, name), False))
            res.sheets_created.append(name)
            if rw.print_one_page_wide:      # a new sheet only: a print setup of the agents' stays
                steps.append((functools.partial(book.print_one_page_wide, name), lambda: None))
        elif name in names:
            touched.add(name)
            old_rows, old_state = current(name), book.sheet_state(name)
            old_formats = {}
            if old_rows and old_rows[0]:
                old_formats = _grid(book.read_number_formats, name, (1, 1, len(old_rows), len(old_rows[0])))

            def undo_rewrite(name=name, old_rows=old_rows, old_state=old_state, old_formats=old_formats):
                book.clear_sheet(name)
                if old_rows and old_rows[0]:
                    book.write_block(name, 1, 1, old_rows)
                    restore_formats(name, old_formats)()
                book.set_sheet_state(name, old_state)

            def rewrite(name=name, state=rw.state, owned=rw.owned_cols):
                book.set_sheet_state(name, state)
                if owned is None:
                    book.clear_sheet(name)
                else:
                    book.clear_columns(name, 1, owned)
            steps.append((rewrite, undo_rewrite))
        if rows and rows[0]:
            steps.append((functools.partial(book.write_block, name, 1, 1, rows), lambda: None))
            if rw.bold_header:
                steps.append((functools.partial(book.set_bold, name, (1, 1, 1, len(rows[0]))), lambda: None))
            for r in rw.bold_rows:
                width = len([v for v in rw.rows[r - 1] if v is not None])
                if width:
                    steps.append((functools.partial(book.set_bold, name, (r, 1, r, width)), lambda: None))
        by_format: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for cell, code in sorted(rw.cell_formats.items()):
            by_format[code].append(cell)
        for code, cells in by_format.items():      # one call per format
            steps.append((functools.partial(book.set_number_format, name, merge_blocks(cells), code), lambda: None))
        widths = rw.column_widths or auto_column_widths(rows)
        widths = {c: w for c, w in widths.items() if rw.owned_cols is None or c <= rw.owned_cols}
        steps.append((functools.partial(book.set_column_widths, name, widths), lambda: None))


    # ---- 1. sheets the product owns entirely (an overview, owning a block only, comes last)
    for rw in plan.rewrites:
        if rw.owned_cols is None:
            add_rewrite(rw)

    # ---- 2. cell writes: per column one assignment from the first to the last written row
    latest: dict[tuple[str, int, int], tuple[CellValue, str | None]] = {}
    for w in plan.writes:
        latest[(existing(w.sheet, f"Schreiben in {w.sheet}!"), w.row, w.col)] = (w.value, w.number_format)
    columns: dict[tuple[str, int], dict[int, tuple[CellValue, str | None]]] = defaultdict(dict)
    for (sheet, row, col), cell in latest.items():
        columns[(sheet, col)][row] = cell
    for (sheet, col), cells in sorted(columns.items()):
        touched.add(sheet)
        rows_written = sorted(cells)
        first, last = rows_written[0], rows_written[-1]
        gaps = [r for r in range(first, last + 1) if r not in cells]
        whole = not gaps or (
            not any(isinstance(value_at(sheet, r, col), str) and excel_error(value_at(sheet, r, col))
                    for r in gaps)
            and not book.has_formulas(sheet, (first, col, last, col)))
        spans = [(first, last)] if whole else list(_runs(rows_written))
        for r1, r2 in spans:
            block = (r1, col, r2, col)
            if book.has_merged_cells(sheet, block):
                raise LiveApplyError(f"{sheet}!{_address(block)} enthält verbundene Zellen — bitte die "
                                     "Verbindung aufheben; nichts geändert")
            new = [[cells[r][0] if r in cells else value_at(sheet, r, col)] for r in range(r1, r2 + 1)]
            steps.append((functools.partial(book.write_block, sheet, r1, col, new),
                          functools.partial(book.write_block, sheet, r1, col, old_block(sheet, block))))
            res.range_writes += 1
        res.cells_written += len(cells)
        # number formats: the most common one over the span (where no number between would change
        # its look), the others on top; only cells that do not show them already
        wanted = {r: fmt for r, (_, fmt) in cells.items() if fmt}
        if not wanted:
            continue
        now_fmt = {r: f for (r, _c), f in _grid(book.read_number_formats, sheet, (first, col, last, col)).items()}
        counts: dict[str, int] = defaultdict(int)
        for fmt in wanted.values():
            counts[fmt] += 1
        major = max(counts, key=lambda f: counts[f])
        final = {r: (cells[r][0] if r in cells else value_at(sheet, r, col)) for r in range(first, last + 1)}
        span = range(first, last + 1)
        span_ok = whole and all(r in wanted or not _is_number(final[r]) for r in span)
        painted_major = span_ok and any(now_fmt.get(r) != major for r in span if wanted.get(r) == major)
        plan_fmt: list[tuple[str, list[Block]]] = []
        changed: dict[tuple[int, int], str | None] = {}
        if painted_major:
            plan_fmt.append((major, [(first, col, last, col)]))
            changed.update({(r, col): now_fmt.get(r) for r in range(first, last + 1) if now_fmt.get(r) != major})
        for fmt in sorted(counts, key=lambda f: -counts[f]):
            if fmt == major and painted_major:
                continue
            need = [r for r, f in wanted.items() if f == fmt and (now_fmt.get(r) != fmt or painted_major)]
            if need:
                plan_fmt.append((fmt, merge_blocks([(r, col) for r in need])))
                changed.update({(r, col): now_fmt.get(r) for r in need if (r, col) not in changed})
        for fmt, blocks in plan_fmt:
            steps.append((functools.partial(book.set_number_format, sheet, blocks, fmt),
                          restore_formats(sheet, changed)))

    # ---- 3. fills, then text colours: only cells showing none or one of the product's colours
    for ops, product, read, paint in (
            (plan.fills, frozenset(_norm_rgb(c) for c in plan.product_colours), book.read_fills, book.set_fill),
            (plan.fonts, frozenset(_norm_rgb(c) for c in plan.product_font_colours), book.read_font_colours,
             book.set_font_colour)):
        by_sheet: dict[str, list] = defaultdict(list)
        for op in ops:
            if op.cols:
                by_sheet[existing(op.sheet, "Einfärben")].append(op)
        for sheet, sheet_ops in sorted(by_sheet.items()):
            touched.add(sheet)
            block = (min(o.row for o in sheet_ops), min(min(o.cols) for o in sheet_ops),
                     max(o.row for o in sheet_ops), max(max(o.cols) for o in sheet_ops))
            now = _grid(read, sheet, block)
            changes, unchanged = _colour_changes(sheet_ops, product, now)
            if paint is book.set_fill:
                res.cells_filled += len(changes)
            if not changes:
                continue

            old_colours = {c: now.get(c) for c in changes}

            def undo_colours(sheet=sheet, old=old_colours, paint=paint):
                groups: dict[str | None, list[tuple[int, int]]] = defaultdict(list)
                for cell, rgb in old.items():
                    groups[_norm_rgb(rgb)].append(cell)
                for rgb, cells in groups.items():
                    paint(sheet, merge_blocks(cells), rgb)
            first_step = True
            for rgb, blocks in _paint_plan(changes, unchanged):
                steps.append((functools.partial(paint, sheet, blocks, rgb),
                              undo_colours if first_step else (lambda: None)))
                first_step = False

    # ---- 4. appends below the last row that holds a value
    for ap in plan.appends:
        rows = _rectangle(ap.rows)
        name = find_sheet(names + new_sheets, ap.sheet)
        if name is None:
            name = ap.sheet
            new_sheets.append(name)
            res.sheets_created.append(name)
            steps.append((functools.partial(book.add_sheet, name, "visible"),
                          functools.partial(book.delete_sheet, name), False))
            if ap.header:
                steps.append((functools.partial(book.write_block, name, 1, 1, [list(ap.header)]), lambda: None))
                steps.append((functools.partial(book.set_bold, name, (1, 1, 1, len(ap.header))), lambda: None))
                widths = ap.column_widths or auto_column_widths([ap.header, *ap.rows])
                steps.append((functools.partial(book.set_column_widths, name, widths), lambda: None))
            elif ap.column_widths:
                steps.append((functools.partial(book.set_column_widths, name, ap.column_widths), lambda: None))
        elif name in names:
            touched.add(name)
        if not rows or not rows[0]:
            continue
        res.rows_appended += len(rows)
        steps.append(_append_step(book, name, rows, ap.number_formats, name in new_sheets))

    # ---- 5. deletions, bottom up: per sheet one read of the doomed rows' number formats and fills
    # and one multi-area deletion per 255 characters of row addresses ("5:5,9:11"), not one per block
    for d in plan.deletions:
        name = existing(d.sheet, "Zeilen löschen")
        touched.add(name)
        doomed = sorted({r for r in d.rows if r >= 1})
        if not doomed:
            continue
        width = max((len(r) for r in current(name)), default=1)
        runs = list(_runs(doomed))
        old = {run: old_block(name, (run[0], 1, run[1], width)) for run in runs}
        steps += [(*step, False) for step in _delete_steps(book, name, runs, width, old)]
        res.rows_deleted += len(doomed)

    # ---- 6. the overview and its chart, after the run's other sheets (as the package writer does)
    for rw in plan.rewrites:
        if rw.owned_cols is not None:
            add_rewrite(rw)
    for chart in plan.charts:
        chart_sheet = find_sheet(names + new_sheets, chart.sheet)
        if chart_sheet is None:
            raise LiveApplyError(f"Blatt '{chart.sheet}' fehlt in '{book.name}' — Diagramm nicht möglich")
        steps.append((functools.partial(book.set_chart, chart_sheet, chart), lambda: None))

    # ---- nothing is written while anything is in the way
    for sheet in sorted(touched):
        if book.is_protected(sheet):
            raise LiveApplyError(f"Blatt '{sheet}' ist geschützt — bitte den Blattschutz aufheben "
                                 "(Überprüfen › Blatt schützen); nichts geändert")
    if new_sheets and book.structure_protected():
        raise LiveApplyError(f"die Arbeitsmappe ist geschützt, Blatt '{new_sheets[0]}' kann nicht angelegt "
                             "werden — bitte den Mappenschutz aufheben; nichts geändert")
    if backup_to is not None:
        book.save_copy(backup_to)
        res.backup = backup_to

    journal = _Journal()
    say("Änderungen schreiben")
    with book.batch():
        try:
            for step in steps:
                journal.do(*step)
        except Exception as e:
            failed = journal.rollback()
            why = f"{type(e).__name__}: {e}"[:160]
            if failed:
                where = f"; Sicherung: {backup_to}" if backup_to else ""
                raise LiveApplyError(f"Excel hat eine Änderung abgelehnt ({why}); {failed} Schritte ließen "
                                     f"sich nicht zurücknehmen{where}") from e
            raise LiveApplyError(f"Excel hat eine Änderung abgelehnt ({why}) — alles Geschriebene ist "
                                 "zurückgenommen, die Mappe ist unverändert") from e
    return res


def row_batches(runs: list[tuple[int, int]], limit: int = 240) -> list[list[tuple[int, int]]]:
    """Runs of rows (first, last; ascending) -> the batches one ``Range("5:5,9:11")`` address of at
    most ``limit`` characters takes (Excel refuses longer than 255), the bottom batch first."""
    batches: list[list[tuple[int, int]]] = []
    length = 0
    for first, last in reversed(runs):
        part = len(f"{first}:{last}")
        if batches and length + 1 + part <= limit:
            batches[-1].insert(0, (first, last))
            length += 1 + part
        else:
            batches.append([(first, last)])
            length = part
    return batches


def _delete_steps(book: LiveBook, name: str, runs: list[tuple[int, int]], width: int,
                  old: dict[tuple[int, int], list[list[Any]]]
                  ) -> list[tuple[Callable[[], None], Callable[[], None]]]:
    """Deleting the rows of ``runs`` (ascending) — one multi-area deletion per address batch,
    bottom up, so the rows of the batches above keep their numbers — and taking each back: its
    runs inserted again top down, with their values (``old``), number formats and fills. The
    formats and fills of every doomed row are read once, in two reads over the rows from the
    first to the last run, just before the first deletion (after the Plan's fills are made)."""
    kept: dict[str, dict[tuple[int, int], Any]] = {}
    span = (runs[0][0], 1, runs[-1][1], width)

    def read_once() -> None:
        if not kept:
            doomed = {r for first, last in runs for r in range(first, last + 1)}
            formats = book.read_number_formats(name, span, frozenset(doomed))
            for what, grid in (("formats", formats), ("fills", book.read_fills(name, span))):
                kept[what] = {(span[0] + i, 1 + j): v for i, line in enumerate(grid) if span[0] + i in doomed
                              for j, v in enumerate(line)}

    def step(batch: list[tuple[int, int]]) -> tuple[Callable[[], None], Callable[[], None]]:
        def delete() -> None:
            read_once()
            book.delete_rows(name, batch)

        def undo() -> None:
            for first, last in batch:                 # top down: each at its own row number again
                book.insert_rows(name, first, last - first + 1)
            for first, _last in batch:
                book.write_block(name, first, 1, old[(first, _last)])
            rows = {r for first, last in batch for r in range(first, last + 1)}
            for what in ("formats", "fills"):
                groups: dict[Any, list[tuple[int, int]]] = defaultdict(list)
                for cell, v in kept.get(what, {}).items():
                    if cell[0] in rows:
                        groups[v].append(cell)
                for v, cells in groups.items():
                    if what == "formats":
                        book.set_number_format(name, merge_blocks(cells), v or "General")
                    elif v != OTHER_FILL:      # an agent's pattern cannot be set again; a colour can
                        book.set_fill(name, merge_blocks(cells), v)
        return delete, undo
    return [step(batch) for batch in row_batches(runs)]


def _append_step(book: LiveBook, name: str, rows: list[list[CellValue]], number_formats: dict[int, str],
                 created: bool) -> tuple[Callable[[], None], Callable[[], None]]:
    """Appending ``rows`` below the sheet's last value (found when the step runs, after the
    writes), and taking it back: the values cleared, the number formats as they were."""
    done: dict[str, Any] = {}

    def append() -> None:
        start = book.last_value_row(name) + 1
        block = (start, 1, start + len(rows) - 1, len(rows[0]))
        if book.has_merged_cells(name, block):
            raise LiveApplyError(f"{name}!{_address(block)} enthält verbundene Zellen")
        done["block"] = block
        if not created:     # Excel gives a date written into a General cell a date format
            done["formats"] = _grid(book.read_number_formats, name, block)
        book.write_block(name, start, 1, rows)
        for col, fmt in sorted(number_formats.items()):
            book.set_number_format(name, [(start, col, start + len(rows) - 1, col)], fmt)

    def undo() -> None:
        block = done.get("block")
        if block is None:
            return
        r1, c1, r2, c2 = block
        book.write_block(name, r1, c1, [[None] * (c2 - c1 + 1) for _ in range(r1, r2 + 1)])
        groups: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for cell, fmt in done.get("formats", {}).items():
            groups[fmt or "General"].append(cell)
        for fmt, cells in groups.items():
            book.set_number_format(name, merge_blocks(cells), fmt)
    return append, undo


# ====================================================================== xlwings

XL_NONE = -4142            # xlNone / xlColorIndexNone
XML_CHUNK_ROWS = 5000      # rows per Range.Value(xlRangeValueXMLSpreadsheet) read
XL_XML_SPREADSHEET = 11    # xlRangeValueXMLSpreadsheet
_SS = "{urn:schemas-microsoft-com:office:spreadsheet}"
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


# What Excel hands over -> what the package reader gives (one rule with the tabular UDFs)
_from_excel = as_read


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


def _any_between(ordered: list[int], first: int, last: int) -> bool:
    """Whether the sorted ``ordered`` holds a number from ``first`` to ``last``."""
    i = bisect.bisect_left(ordered, first)
    return i < len(ordered) and ordered[i] <= last


def _address(block: Block) -> str:
    from ..core.cells import col_letter
    r1, c1, r2, c2 = block
    a = f"{col_letter(c1)}{r1}"
    return a if (r1, c1) == (r2, c2) else f"{a}:{col_letter(c2)}{r2}"


REFERENCE_LIMIT = 8000     # characters of a defined name's reference (a formula: up to 8,192)
TEMP_NAME = "xl_addin_Bereich"


def _reference_batches(sheet: str, blocks: list[Block]) -> Iterator[str]:
    """``='Sheet'!$A$2:$W$2,'Sheet'!$A$5:$W$9,…`` — references for a temporary defined name,
    each within ``REFERENCE_LIMIT`` characters."""
    from ..core.cells import col_letter
    quoted = "'" + sheet.replace("'", "''") + "'!"
    batch = ""
    for r1, c1, r2, c2 in blocks:
        a = f"{quoted}${col_letter(c1)}${r1}:${col_letter(c2)}${r2}"
        if batch and len(batch) + 1 + len(a) > REFERENCE_LIMIT:
            yield "=" + batch
            batch = ""
        batch = f"{batch},{a}" if batch else a
    if batch:
        yield "=" + batch


NAMES_PER_UNION = 12       # "xl_addin_Bereich12," is 19 characters: twelve names in one Range()


def multi_area_calls(sheet: str, blocks: list[Block]) -> tuple[int, int]:
    """(COM calls to get the ranges, number of ranges) for ``blocks`` as ``XlwingsBook`` gets
    them: one ``Range(address)`` when the addresses fit in Excel's 255 characters, else per
    ~8,000 characters a temporary defined name (add it, delete it) and one ``Range()`` over the
    union of up to ``NAMES_PER_UNION`` names."""
    short = address_calls(blocks)
    if short <= 1:
        return short, short
    n = sum(1 for _ in _reference_batches(sheet, blocks))
    unions = -(-n // NAMES_PER_UNION)
    return 2 * n + unions, unions


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


def styles_from_xml(xml: str, n_rows: int, n_cols: int) -> list[list[tuple[str | None, str | None]]]:
    """(fill, text colour) per cell from Excel's XML Spreadsheet 2003 text of a range: a cell's
    style is its own ``ss:StyleID``, else its row's, else its column's, else ``Default``; a style
    inherits from ``ss:Parent``. Fill: a solid colour as RRGGBB, ``OTHER_FILL`` for a pattern,
    None for none; text colour: RRGGBB or None."""
    from xml.etree import ElementTree as ET
    root = ET.fromstring(xml)
    raw: dict[str, tuple[str | None, dict, dict]] = {}
    for st in root.iter(f"{_SS}Style"):
        interior = st.find(f"{_SS}Interior")
        font = st.find(f"{_SS}Font")
        raw[st.get(f"{_SS}ID", "")] = (st.get(f"{_SS}Parent"),
                                       dict(interior.attrib) if interior is not None else {},
                                       dict(font.attrib) if font is not None else {})

    def resolve(style_id: str, seen: tuple = ()) -> tuple[str | None, str | None]:
        if style_id in seen or style_id not in raw:
            return None, None                 # unknown: no fill, automatic text colour
        parent, interior, font = raw[style_id]
        inherit = parent or ("Default" if style_id != "Default" else None)
        base = resolve(inherit, (*seen, style_id)) if inherit else (None, None)
        pattern, colour = interior.get(f"{_SS}Pattern"), interior.get(f"{_SS}Color")
        if pattern is None and colour is None:
            fill = base[0]
        elif pattern in (None, "Solid") and colour:
            fill = _norm_rgb(colour)
        elif pattern == "None" or not colour:
            fill = None
        else:
            fill = OTHER_FILL
        text = _norm_rgb(font[f"{_SS}Color"]) if f"{_SS}Color" in font else base[1]
        return fill, text

    memo: dict[str | None, tuple[str | None, str | None]] = {}

    def style(style_id: str | None) -> tuple[str | None, str | None]:
        if style_id not in memo:
            memo[style_id] = resolve(style_id or "Default")
        return memo[style_id]

    table = root.find(f".//{_SS}Table")
    column_style: dict[int, str] = {}
    grid = [[style(None)] * n_cols for _ in range(n_rows)]
    if table is None:
        return grid
    col = 0
    for c in table.findall(f"{_SS}Column"):
        col = int(c.get(f"{_SS}Index", col + 1))
        span = int(c.get(f"{_SS}Span", 0))
        for k in range(col, col + span + 1):
            if c.get(f"{_SS}StyleID"):
                column_style[k] = c.get(f"{_SS}StyleID", "")
        col += span
    present: set[int] = set()
    row = 0
    for r in table.findall(f"{_SS}Row"):
        row = int(r.get(f"{_SS}Index", row + 1))
        span = int(r.get(f"{_SS}Span", 0))
        row_style = r.get(f"{_SS}StyleID")
        cells: dict[int, str | None] = {}
        col = 0
        for cell in r.findall(f"{_SS}Cell"):
            col = int(cell.get(f"{_SS}Index", col + 1))
            across = int(cell.get(f"{_SS}MergeAcross", 0))
            for k in range(col, col + across + 1):
                cells[k] = cell.get(f"{_SS}StyleID")
            col += across
        for rr in range(row, row + span + 1):
            if 1 <= rr <= n_rows:
                present.add(rr)
                grid[rr - 1] = [style(cells.get(k) or row_style or column_style.get(k)) for k in range(1, n_cols + 1)]
        row += span
    for rr in range(1, n_rows + 1):            # rows the XML leaves out take their columns' styles
        if rr not in present:
            grid[rr - 1] = [style(column_style.get(k)) for k in range(1, n_cols + 1)]
    return grid


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

    def has_formulas(self, sheet, block) -> bool:
        return self._range(sheet, block).api.HasFormula is not False      # None: some cells

    def has_merged_cells(self, sheet, block) -> bool:
        return self._range(sheet, block).api.MergeCells is not False      # None: some cells

    def is_protected(self, sheet) -> bool:
        return bool(self._sheet(sheet).api.ProtectContents)

    def structure_protected(self) -> bool:
        return bool(self.book.api.ProtectStructure)

    def _range(self, sheet, block):
        r1, c1, r2, c2 = block
        return self._sheet(sheet).range((r1, c1), (r2, c2))

    def read_number_formats(self, sheet, block, rows=None) -> list[list[str | None]]:
        """Per column: Range.NumberFormat is the format of every cell, or None when they differ —
        then each half is asked (a formatted column is one call); with ``rows``, a part holding
        none of them is not asked (its cells stay None)."""
        r1, c1, r2, c2 = block
        sh = self._sheet(sheet).api
        grid: list[list[str | None]] = [[None] * (c2 - c1 + 1) for _ in range(r1, r2 + 1)]
        needed = sorted(rows) if rows is not None else None

        def fill(col: int, first: int, last: int) -> None:
            if needed is not None and not _any_between(needed, first, last):
                return
            fmt = sh.Range(_address((first, col, last, col))).NumberFormat
            if fmt is not None or first == last:
                for r in range(first, last + 1):
                    grid[r - r1][col - c1] = fmt if fmt is not None else "General"
                return
            mid = (first + last) // 2
            fill(col, first, mid)
            fill(col, mid + 1, last)
        for col in range(c1, c2 + 1):
            fill(col, r1, r2)
        return grid

    def _ranges(self, sheet, blocks) -> list[Any]:
        """Multi-area ranges covering ``blocks``: one ``Range(address)`` when the addresses fit
        in 255 characters; else a temporary (hidden) defined name per ~8,000 characters of
        references — hundreds of areas each — and one ``Range("name1,name2,…")`` over up to
        ``NAMES_PER_UNION`` of them (the union of the names; they are deleted once it is
        taken), so thousands of areas are one range; should Excel refuse the names, ``Range()``
        per 255 characters."""
        sh = self._sheet(sheet).api
        if address_calls(blocks) > 1 and not getattr(self, "_names_refused", False):
            try:
                return self._named_unions(sh, sheet, blocks)
            except Exception:   # an older Excel: addresses of 255 characters
                self._names_refused = True
        return [sh.Range(address) for address in _address_batches(blocks)]

    def _named_unions(self, sh, sheet, blocks) -> list[Any]:
        refs = list(_reference_batches(sheet, blocks))
        out = []
        for start in range(0, len(refs), NAMES_PER_UNION):
            added = []
            try:
                for i, refers in enumerate(refs[start:start + NAMES_PER_UNION], start=1):
                    added.append(self.book.api.Names.Add(Name=f"{TEMP_NAME}{i}", RefersTo=refers, Visible=False))
                out.append(sh.Range(",".join(f"{TEMP_NAME}{i}" for i in range(1, len(added) + 1))))
            finally:
                for name in added:
                    name.Delete()
        return out

    def set_number_format(self, sheet, blocks, number_format) -> None:
        for rng in self._ranges(sheet, blocks):
            rng.NumberFormat = number_format

    def _styles(self, sheet, block) -> list[list[tuple[str | None, str | None]]]:
        """(fill, text colour) of every cell of ``block``: Excel's XML Spreadsheet form of the
        range (Range.Value(11)) carries the style of every cell — one call per 5,000 rows."""
        r1, c1, r2, c2 = block
        sh = self._sheet(sheet).api
        out: list[list[tuple[str | None, str | None]]] = []
        for first in range(r1, r2 + 1, XML_CHUNK_ROWS):
            last = min(r2, first + XML_CHUNK_ROWS - 1)
            xml = sh.Range(_address((first, c1, last, c2))).GetValue(XL_XML_SPREADSHEET)
            out += styles_from_xml(str(xml), last - first + 1, c2 - c1 + 1)
        return out

    def read_fills(self, sheet, block) -> list[list[str | None]]:
        return [[fill for fill, _ in row] for row in self._styles(sheet, block)]

    def set_fill(self, sheet, blocks, rgb) -> None:
        self._set_colour(sheet, blocks, rgb, "Interior", ("Pattern", XL_NONE))

    def read_font_colours(self, sheet, block) -> list[list[str | None]]:
        return [[font for _, font in row] for row in self._styles(sheet, block)]

    def set_font_colour(self, sheet, blocks, rgb) -> None:
        self._set_colour(sheet, blocks, rgb, "Font", ("ColorIndex", XL_AUTOMATIC))

    def _set_colour(self, sheet, blocks, rgb, part: str, default: tuple[str, int]) -> None:
        """Colour ``part`` of the cells of ``blocks`` (``Interior``: the fill; ``Font``) with
        ``rgb``, a few hundred cells per COM call; None: back to Excel's default, the property
        and value ``default`` (no fill: Pattern = xlNone; automatic text colour)."""
        for rng in self._ranges(sheet, blocks):
            target = getattr(rng, part)
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

    def delete_sheet(self, sheet) -> None:
        app = self.book.app.api
        alerts = app.DisplayAlerts
        app.DisplayAlerts = False
        try:
            self._sheet(sheet).api.Delete()
        finally:
            app.DisplayAlerts = alerts

    def insert_rows(self, sheet, first, count) -> None:
        self._sheet(sheet).api.Rows(f"{first}:{first + count - 1}").Insert()

    def save_copy(self, path) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.book.api.SaveCopyAs(str(path))

    def set_sheet_state(self, sheet, state) -> None:
        self._sheet(sheet).api.Visible = _VISIBLE.get(state, -1)

    def clear_sheet(self, sheet) -> None:
        self._sheet(sheet).clear()

    def clear_columns(self, sheet, first, last) -> None:
        self._sheet(sheet).api.Range(f"{col_letter(first)}:{col_letter(last)}").Clear()

    def set_chart(self, sheet, chart) -> None:
        """The chart through COM (sheet.charts.add): any chart of the same name goes first, so a
        second run leaves one chart."""
        sh = self._sheet(sheet)
        for old in list(sh.charts):
            if old.name == chart.name:
                old.delete()
        c1, r1, c2, r2 = chart.anchor
        top_left, below_right = sh.range((r1, c1)), sh.range((r2 + 1, c2 + 1))
        new = sh.charts.add(left=top_left.left, top=top_left.top, width=below_right.left - top_left.left,
                            height=below_right.top - top_left.top)
        new.name = chart.name
        new.chart_type = "bar_clustered"
        new.set_source_data(sh.range((chart.first_row - 1, chart.categories_col),
                                     (max(chart.last_row, chart.first_row), chart.values_col)))
        com = new.api[1]
        com.HasTitle = True
        com.ChartTitle.Text = chart.title

    def print_one_page_wide(self, sheet) -> None:
        """Fit to 1 page wide by automatic tall, portrait (the printer's paper: A4 here)."""
        setup = self._sheet(sheet).api.PageSetup
        setup.Orientation = 1              # xlPortrait
        setup.Zoom = False
        setup.FitToPagesWide = 1
        setup.FitToPagesTall = False

    def set_column_widths(self, sheet, widths) -> None:
        sh = self._sheet(sheet)
        for col, width in widths.items():
            sh.range((1, col)).column_width = width

    def set_bold(self, sheet, block) -> None:
        r1, c1, r2, c2 = block
        self._sheet(sheet).range((r1, c1), (r2, c2)).font.bold = True

    def delete_rows(self, sheet, runs) -> None:
        """All runs in one call: ``Range("5:5,9:11").EntireRow.Delete()`` deletes every area at
        once, the rows below shift up (``row_batches`` keeps the address within 255 characters)."""
        address = ",".join(f"{first}:{last}" for first, last in runs)
        if len(address) > 255:
            raise ValueError(f"Adresse länger als 255 Zeichen: {address[:40]}…")
        self._sheet(sheet).api.Range(address).EntireRow.Delete()

    @contextlib.contextmanager
    def batch(self):
        """Screen updating, automatic calculation and events (agents' Worksheet_Change macros)
        off while the adapter writes; each restored on every path."""
        app = self.book.app
        updating, calculation, events = app.screen_updating, app.calculation, app.api.EnableEvents
        app.screen_updating = False
        try:
            app.calculation = "manual"
            try:
                app.api.EnableEvents = False
                try:
                    yield
                finally:
                    app.api.EnableEvents = events
            finally:
                app.calculation = calculation
        finally:
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
