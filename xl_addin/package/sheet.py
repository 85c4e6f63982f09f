"""One worksheet part, patched in place: only the cells a Plan writes change; element order,
unknown elements/attributes (extLst, mc:AlternateContent, cm=, legacyDrawing, controls ...)
stay as they are."""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from itertools import accumulate, groupby, islice, pairwise, repeat, takewhile
from operator import attrgetter, eq, getitem, truth
from typing import Literal, NoReturn, overload

from lxml import etree

from ..core.cells import col_letter, excel_serial
from ..core.plan import DATE_FORMAT, DATETIME_FORMAT, CellValue, auto_column_widths
from . import rawrows
from .blocks import Kept
from .errors import WorkbookError
from .opc import MAIN_NS, m, serialize
from .refs import RowInsert, RowShift, cell_ref, is_single_cell, shift_formula, split_cell_ref
from .safety import parse_xml
from .styles import AGENT_FILL, Styles, normalise_rgb
from .values import MAX_TEXT_LENGTH, escape_text, number_text

C, ROW, V, F, IS, T = m("c"), m("row"), m("v"), m("f"), m("is"), m("t")
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
XM_NS = "http://schemas.microsoft.com/office/excel/2006/main"
_VALUE_TAGS = (V, IS, F)
INLINE = "inlineStr"
MAX_ROW, MAX_COL = 1_048_576, 16_384


_COLS = rawrows.LETTER_COLUMNS
_SMALL_RUN = 8         # rows a rewrite encodes rather than look further into whether to keep them
_MOVES = 64            # times a rewrite finds rows moved before it encodes the rest
_CLEARED_ATTRS = ("t", "cm", "vm")
# Sheet-level elements whose @sqref/@ref name cells of this sheet: (container, item, attribute).
_RANGE_ITEMS = (
    ("mergeCells", "mergeCell", "ref"),
    ("dataValidations", "dataValidation", "sqref"),
    ("hyperlinks", "hyperlink", "ref"),
    ("ignoredErrors", "ignoredError", "sqref"),
    ("protectedRanges", "protectedRange", "sqref"),
)
# Elements of CT_Worksheet that follow <sheetData> start with these; <cols> comes just before it.
NEW_SHEET_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<dimension ref="A1"/>'
    b'<sheetViews><sheetView workbookViewId="0">'
    b'<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    b'<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
    b'</sheetView></sheetViews>'
    b'<sheetFormatPr defaultRowHeight="15"/>'
    b'<sheetData/>'
    b'<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
    b'</worksheet>'
)


def _fill_key(cols, shape: tuple, row_style: int | None, pending: dict | None) -> tuple:
    """What a fill of ``cols`` does to a row follows from: its cells' shape, the row's format and
    the formats of its new cells kept as text (``_fill_shape`` works it out once per key)."""
    return cols, shape, row_style, tuple([(col, hit[2]) for col, hit in pending.items()]) if pending else None


# ``_plain_unchanged``: its pattern is made after 16 rows it could not read, made anew after 128,
# 1024 … when the fill has learnt more (making one costs ~4-10 ms, as much as cutting ~500 rows;
# the first rows teach most of what a sheet holds).
PLAIN_PATTERN_AFTER = 16
PLAIN_PATTERN_GROWTH = 8

_ROW_OF = attrgetter("row")
CUT_FIRST = 64          # rows at the end of a part cut into rows when it is opened (the rest on demand)


class _RawSpans(dict):
    """Row -> span in the part's bytes, for the rows kept as bytes. While ``prefix`` is set, the
    rows before ``first`` are one span not cut into rows yet (``rawrows.split``'s ``tail``):
    asking for one of them, or for all rows, cuts them first (``cut``) — nothing can miss a row.
    ``holds_rows`` says whether there are any, without cutting."""

    def __init__(self, items=(), prefix: tuple[int, int] | None = None, first: int = 0, cut=None):
        super().__init__(items)
        self.prefix, self.first, self.cut = prefix, first, cut

    def _cut_before(self, r) -> None:
        if self.prefix is not None and (r is None or r < self.first):
            self.cut()

    def __contains__(self, r) -> bool:
        self._cut_before(r)
        return dict.__contains__(self, r)

    def __getitem__(self, r):
        self._cut_before(r)
        return dict.__getitem__(self, r)

    def get(self, r, default=None):
        self._cut_before(r)
        return dict.get(self, r, default)

    def __iter__(self):
        self._cut_before(None)
        return dict.__iter__(self)

    def __len__(self) -> int:
        self._cut_before(None)
        return dict.__len__(self)

    def keys(self):
        self._cut_before(None)
        return dict.keys(self)

    def values(self):
        self._cut_before(None)
        return dict.values(self)

    def items(self):
        self._cut_before(None)
        return dict.items(self)

    def clear(self) -> None:
        self.prefix = self.cut = None                     # ``cut`` is the patcher's: no cycle left
        dict.clear(self)

    def holds_rows(self) -> bool:
        return self.prefix is not None or dict.__len__(self) > 0

    def cut_numbers(self) -> list[int]:
        """The rows cut so far (those after the prefix), in order."""
        return list(dict.keys(self))


class _KeptSlicer:
    """``[start:end]`` -> ``Kept(start, end)``: a stretch of rows as read, as ``_raw_pieces``
    gives it with ``kept``."""

    def __getitem__(self, span: slice) -> Kept:
        return Kept(span.start, span.stop)


class SheetPatcher:
    """Index of one parsed worksheet (row number -> <row>, per row col -> <c>) and the edits."""

    def __init__(self, root: etree._Element, *, sheet: str, styles: Styles, date1904: bool,
                 file: str, defer_cells: bool = True, raw: rawrows.RawSheet | None = None):
        self.root = root
        self.sheet = sheet
        self.styles = styles
        self.date1904 = date1904
        self.file = file
        data = root.find(m("sheetData")) if root.tag == m("worksheet") else None
        if data is None:
            self._layout_error("kein <sheetData>")
        self.sheet_data: etree._Element = data
        self._released = False
        self.cells_written = 0
        self.cells_filled = 0
        self.formulas_removed = 0
        self.changed = False
        self.upcoming: list = []             # the CellWrites of this run (for un-sharing formulas)
        self._protected: set[tuple[int, int]] | None = None
        self.delete_mode = ""
        self.rows_moved = False          # rows deleted/inserted or references moved: calcChain is stale
        self._extent: list[int] | None = None           # min_r, min_c, max_r, max_c touched
        self._shared: dict[str, list[etree._Element]] | None = None
        # ("fill" or "font", rgb, product) -> the s= of a cell's own format (text) or of its
        # row's/column's format (number) -> the s= it gets
        self._fill_cache: dict[tuple[str, str | None, frozenset[str]], dict[str | int | None, str | None]] = {}
        self._fills: dict[tuple, tuple] = {}      # (rgb as a fill gives it, product) -> (rgb, its _fill_cache entry)
        self._fill_shapes: dict[int, dict[tuple, tuple]] = {}     # id(a _fill_cache entry) -> row shape -> fill
        self._ordered_letters: dict[tuple[bytes, ...], bool] = {}   # a shape's columns ascending?
        # (id(a _fill_cache entry), cols) -> [pattern of rows it leaves as they are, len(cache) when
        # made, misses since, misses to wait for before making it anew] (``_plain_unchanged``)
        self._plain_patterns: dict[tuple, list] = {}
        # (id of a fill's outcome for a shape, digits of a row number) -> _restyled's template
        self._restyles: dict[tuple[int, int], tuple[bytes, tuple[slice, ...]]] = {}
        # New cells past the end of a row (written values) or in a row's gaps (a fill's format-
        # only cells) are kept as text, row -> column -> (t=, text, s=, s= before t=): written
        # into the serialised sheet (``to_xml``), or made elements (``_materialize``) before
        # anything else looks at their row — making 100,000s of elements costs more.
        self.defer_cells = defer_cells
        self._pending: dict[int, dict[int, tuple]] = {}
        # Whole rows below every row of the tree (appended, or an owned sheet's), likewise:
        # (their numbers, their XML).
        self._pending_rows: list[tuple[list[int], str]] = []
        # Rows still as the bytes they were read as (``rawrows``; only when made by ``of_part``):
        # row -> its span in ``_raw_body``; those looked into or edited as bytes -> RawRow.
        # ``_parsed``: the numbers of the rows in the tree, in order.
        self._raw = _RawSpans()
        self._row_numbers: list[int] = []              # every row's, in order (see ``row_numbers``)
        self._raw_body = b""
        self._raw_rows: dict[int, rawrows.RawRow] = {}
        self._hot: rawrows.RawRow | None = None          # the one whose cells are cut
        self._rests: dict[tuple, bytes] = {}             # a new cell (as kept) -> its XML after r=
        self._set_col_styles()
        self._index_rows()
        if raw is not None and (raw.numbers or raw.prefix):
            if len(self.sheet_data):
                self._layout_error("Zeilen im Gerüst")
            self._ascending(raw.numbers)
            self._raw = _RawSpans(zip(raw.numbers, raw.spans, strict=True), raw.prefix,
                                  raw.numbers[0] if raw.numbers else MAX_ROW + 1, self._cut_prefix)
            self._raw_body = raw.body
            self._row_numbers.extend(raw.numbers)           # the tree holds none of them

    def _ascending(self, numbers: list[int], prev: int = 0) -> None:
        for n in numbers:
            if n <= prev:
                self._layout_error(f"Zeile {n} steht nicht in aufsteigender Reihenfolge")
            prev = n

    def _cut_prefix(self) -> None:
        """The rows of the part not cut yet (``_RawSpans.prefix``) cut into rows kept as bytes,
        before the others."""
        raw = self._raw
        assert raw.prefix is not None
        start, end = raw.prefix
        raw.prefix = None
        cut = rawrows.rows_in(self._raw_body, start, end) if rawrows.plain_between(self._raw_body, start, end) \
            else None
        if cut is None:
            self._parse_prefix(start, end)
            return
        numbers, spans = cut
        self._ascending(numbers)
        if numbers and numbers[-1] >= raw.first:
            self._layout_error(f"Zeile {raw.first} steht nicht in aufsteigender Reihenfolge")
        after = list(dict.items(raw))
        dict.clear(raw)
        dict.update(raw, zip(numbers, spans, strict=True))
        dict.update(raw, after)
        self._row_numbers[:0] = numbers

    def _parse_prefix(self, start: int, end: int) -> None:
        """The rows not cut yet (``_RawSpans.prefix``) into the tree, before its rows: they hold
        what cutting cannot read (a comment, a row without its number) — as a part not written
        plainly is parsed whole."""
        decls = "".join(f' xmlns:{p}="{uri}"' for p, uri in self.root.nsmap.items() if p)
        fragment = parse_xml(f'<sheetData xmlns="{MAIN_NS}"{decls}>'.encode() + self._raw_body[start:end]
                             + b"</sheetData>", "Zeilen", self.file)
        nodes = list(fragment)
        for i, node in enumerate(nodes):
            self.sheet_data.insert(i, node)              # lxml re-binds them to this sheet's namespaces
        first = self._raw.first
        self._index_rows()                               # the tree's rows, checked and numbered
        if any(int(node.get("r", "0")) >= first for node in nodes if node.tag == ROW):
            self._layout_error(f"Zeile {first} steht nicht in aufsteigender Reihenfolge")
        self._row_numbers = sorted([*self._row_numbers, *dict.keys(self._raw)])

    @property
    def row_numbers(self) -> list[int]:
        """Every row's number, in order (the rows not cut yet are cut for it)."""
        if self._raw.prefix is not None:
            self._cut_prefix()
        return self._row_numbers

    @classmethod
    def of_part(cls, data: bytes, *, member: str, sheet: str, styles: Styles, date1904: bool,
                file: str) -> SheetPatcher:
        """The patcher of a sheet part's bytes: its rows kept as bytes until needed when the
        part is written plainly (``rawrows.split``), else parsed whole. Only its last rows are
        cut into rows at first (a log the run only appends to is not cut at all); the others
        when something asks for them (``_RawSpans``)."""
        raw = rawrows.split(data, tail=CUT_FIRST)
        if raw is not None:
            root = parse_xml(raw.skeleton, member, file)
            data_el = root.find(m("sheetData")) if root.tag == m("worksheet") else None
            if (root.nsmap.get(None) == MAIN_NS and data_el is not None and not len(data_el)
                    and not (data_el.text or "").strip()):
                return cls(root, sheet=sheet, styles=styles, date1904=date1904, file=file, raw=raw)
        return cls(parse_xml(data, member, file), sheet=sheet, styles=styles, date1904=date1904,
                   file=file)

    # --- index ---------------------------------------------------------------------------
    def _layout_error(self, why: str) -> NoReturn:
        raise WorkbookError(f"Datei '{self.file}': Blatt '{self.sheet}' hat einen unbekannten "
                            f"Aufbau ({why}) — nichts geändert")

    def _index_rows(self) -> None:
        self.rows: dict[int, etree._Element] = {}
        self._row_numbers = []
        self._cells: dict[int, tuple[dict[int, etree._Element], list[int]]] = {}
        prev = 0
        for el in self.sheet_data.iterchildren(ROW):
            r = el.get("r")
            try:
                n = int(r) if r is not None else prev + 1
            except ValueError:
                self._layout_error(f"Zeilennummer '{r}'")
            if r is None:
                el.set("r", str(n))
            if n <= prev:
                self._layout_error(f"Zeile {n} steht nicht in aufsteigender Reihenfolge")
            self.rows[n] = el
            self._row_numbers.append(n)
            prev = n
        self._parsed: list[int] = list(self._row_numbers)

    # --- rows kept as bytes ------------------------------------------------------------------
    def _look(self, r: int, cut: bool = True) -> rawrows.RawRow | None:
        """Row ``r`` (kept as bytes) cut into its cells (``cut`` False: not where its cells' start
        tags tell all, ``RawRow._read_start_tags``); None when it is not plain — then it is in
        the tree now."""
        raw = self._raw_rows.get(r)
        hot = self._hot
        if raw is None:
            start, end = self._raw[r]
            raw = rawrows.looked_ahead(self._raw_body, start, r)
            if raw is None:
                raw = rawrows.RawRow(self._raw_body[start:end], r, cut)
            elif cut:
                raw.cut()
            if not raw.plain:
                self._need(r)
                return None
            self._raw_rows[r] = raw
        elif cut:
            raw.cut()
        if hot is not raw and raw.cells is not None:
            if hot is not None:
                hot.compact()
            self._hot = raw
        return raw

    def _raw_bytes(self, r: int) -> bytes:
        """Row ``r`` (kept as bytes) with its edits and new cells."""
        pending = self._pending.get(r)
        raw = self._raw_rows.get(r)
        if raw is None and pending:
            raw = self._look(r)
            assert raw is not None, "a row given new cells as bytes is plain"
        if raw is None:
            start, end = self._raw[r]
            return self._raw_body[start:end]
        if not raw.edited and not pending:
            start, end = self._raw[r]
            return self._raw_body[start:end]
        if not pending:
            return raw.render()
        cols = sorted(pending)
        cells = list(map(pending.__getitem__, cols))
        cache = self._rests
        rests: list = list(map(cache.get, cells))
        if None in rests:
            for i, cell in enumerate(cells):
                if rests[i] is None:
                    rests[i] = cache[cell] = cell_xml_rest(*cell).encode()
        return raw.render(cols, rests)

    def _need(self, r: int) -> None:
        """Row ``r`` into the tree (when it is kept as bytes)."""
        if r in self._raw:
            self._parse_raw([r])

    def _need_all(self) -> None:
        if self._raw:
            self._parse_raw(list(self._raw))

    def _parse_raw(self, numbers: list[int]) -> None:
        """The rows ``numbers`` (kept as bytes, in order) parsed into the tree, their edits and
        new cells with them."""
        texts = [self._raw_bytes(r) for r in numbers]
        decls = "".join(f' xmlns:{p}="{uri}"' for p, uri in self.root.nsmap.items() if p)
        fragment = parse_xml(f'<sheetData xmlns="{MAIN_NS}"{decls}>'.encode() + b"".join(texts)
                             + b"</sheetData>", "Zeilen", self.file)
        elements = list(fragment)
        if len(elements) != len(numbers):
            self._layout_error("Zeilen lassen sich nicht einzeln lesen")
        parsed, rows, data = self._parsed, self.rows, self.sheet_data
        for r, el in zip(numbers, elements, strict=True):
            del self._raw[r]
            if self._raw_rows.pop(r, None) is self._hot:
                self._hot = None
            self._pending.pop(r, None)
            self._cells.pop(r, None)
            i = bisect_left(parsed, r)
            if i == len(parsed):
                data.append(el)                 # lxml re-binds it to this sheet's namespaces
            else:
                rows[parsed[i]].addprevious(el)
            parsed.insert(i, r)
            rows[r] = el
        if not self._raw.holds_rows():
            self._raw_body = b""

    def has_value(self, r: int) -> bool:
        """Does row ``r`` hold a value, a formula or an inline string?"""
        if r in self._raw:
            return rawrows.has_value(self._raw_bytes(r))
        self._materialize(r)
        row_el = self.rows.get(r)
        return row_el is not None and self._has_value(row_el)

    def _row_cells(self, r: int, row_el: etree._Element):
        hit = self._cells.get(r)
        if hit is not None:
            return hit
        cells: dict[int, etree._Element] = {}
        cols: list[int] = []
        prev = 0
        suffix = str(r)
        cut = -len(suffix)
        letters_map = _COLS
        for c in row_el.iterchildren(C):
            ref = c.get("r")
            if ref is None:
                col = prev + 1
                c.set("r", cell_ref(r, col))
            elif ref.endswith(suffix) and (col := letters_map[ref[:cut]]) is not None:
                pass
            else:
                try:
                    ref_row, col = split_cell_ref(ref)
                except ValueError:
                    self._layout_error(f"Zellbezug '{ref}'")
                if ref_row != r:
                    self._layout_error(f"Zelle {ref} steht in Zeile {r}")
            if col <= prev:
                self._layout_error(f"Zelle {ref} steht nicht in Spaltenreihenfolge")
            cells[col] = c
            cols.append(col)
            prev = col
        hit = self._cells[r] = (cells, cols)
        return hit

    def _read_col_styles(self) -> list[tuple[int, int, int]]:
        out = []
        cols = self.root.find(m("cols"))
        if cols is not None:
            for col in cols.iterchildren(m("col")):
                try:
                    out.append((int(col.get("min", "")), int(col.get("max", "")), int(col.get("style", "0"))))
                except ValueError:
                    continue
        out.sort()
        return out

    def _set_col_styles(self) -> None:
        self._col_styles = self._read_col_styles()
        self._col_style_cache: dict[int, int] = {}

    def base_style(self, row_el: etree._Element | None, col: int) -> int:
        """The format an absent cell shows: its row's (customFormat) or its column's."""
        row_style = self._row_style(row_el) if row_el is not None else None
        return self._col_style(col) if row_style is None else row_style

    @staticmethod
    def _row_style(row_el: etree._Element) -> int | None:
        """The row's own format (customFormat), else None."""
        if row_el.get("customFormat") in ("1", "true") and (s := row_el.get("s")):
            return int(s)
        return None

    def _col_style(self, col: int) -> int:
        hit = self._col_style_cache.get(col)
        if hit is None:
            hit = 0
            i = bisect_right(self._col_styles, (col, 1 << 30, 0)) - 1
            if i >= 0:
                lo, hi, style = self._col_styles[i]
                if lo <= col <= hi:
                    hit = style
            self._col_style_cache[col] = hit
        return hit

    def _touch(self, r: int, col: int) -> None:
        e = self._extent
        if e is None:
            self._extent = [r, col, r, col]
        else:
            if r < e[0]:
                e[0] = r
            if col < e[1]:
                e[1] = col
            if r > e[2]:
                e[2] = r
            if col > e[3]:
                e[3] = col

    @overload
    def row_el(self, r: int, create: Literal[True] = ...) -> etree._Element: ...
    @overload
    def row_el(self, r: int, create: bool) -> etree._Element | None: ...

    def row_el(self, r: int, create: bool = True) -> etree._Element | None:
        self._need(r)
        el = self.rows.get(r)
        if el is None and self._pending_rows:
            self._materialize(r)
            el = self.rows.get(r)
        if el is None and create:
            if not 1 <= r <= MAX_ROW:
                self._outside(r, 1)
            el = self.sheet_data.makeelement(ROW, {"r": str(r)})
            i = bisect_left(self._parsed, r)
            if i == len(self._parsed):
                self.sheet_data.append(el)
            else:
                self.rows[self._parsed[i]].addprevious(el)
            self._parsed.insert(i, r)
            self.row_numbers.insert(bisect_left(self.row_numbers, r), r)
            self.rows[r] = el
            self.changed = True
        return el

    def cell(self, r: int, col: int, create: bool = True, style: int | None = None):
        """The <c> at (r, col); created (with the row's/column's format) when missing."""
        self._need(r)
        self._materialize(r)
        row_el = self.rows.get(r)
        if row_el is None:
            if not create:
                return None
            row_el = self.row_el(r)
        cells, cols = self._row_cells(r, row_el)
        c = cells.get(col)
        if c is None and create:
            s = self.base_style(row_el, col) if style is None else style
            c = self._new_cell(r, col, row_el, cells, cols, str(s) if s else None)
        return c

    def _outside(self, r: int, col: int) -> NoReturn:
        raise WorkbookError(f"Datei '{self.file}': Zeile {r}, Spalte {col} liegt außerhalb "
                            f"eines Excel-Blatts ('{self.sheet}')")

    def _new_cell(self, r: int, col: int, row_el, cells, cols, s: str | None,
                  track: bool = True):
        if not 1 <= col <= MAX_COL:
            self._outside(r, col)
        c = row_el.makeelement(C)
        c.set("r", f"{_LETTERS[col]}{r}")                # attributes one by one: lxml is
        if s:                                             # quicker at that than with a dict
            c.set("s", s)
        self._place(row_el, cells, cols, col, c)
        if track:
            self._created(r, row_el, col, col)
        return c

    @staticmethod
    def _place(row_el, cells, cols, col: int, c: etree._Element) -> None:
        """Put cell ``c`` (column ``col``) into its row, in column order (an <extLst> stays
        last), and into the row's index."""
        if not cols or col > cols[-1]:
            if len(row_el) == len(cols):                  # only <c> children: append
                row_el.append(c)
            elif cols:
                cells[cols[-1]].addnext(c)
            else:
                row_el.insert(0, c)
            cols.append(col)
        else:
            i = bisect_left(cols, col)
            if i == 0:
                row_el.insert(0, c)
            else:
                cells[cols[i - 1]].addnext(c)
            cols.insert(i, col)
        cells[col] = c

    def _created(self, r: int, row_el, lo: int, hi: int) -> None:
        """Bookkeeping after creating cells in columns lo..hi of row r (``row_el`` None: a
        row kept as bytes)."""
        if row_el is None:
            self._raw_rows[r].grow_spans(lo, hi)
            spans = None
        else:
            spans = row_el.get("spans")
        if spans is not None:
            self._grow_spans(row_el, spans, lo)
            if hi != lo:
                self._grow_spans(row_el, row_el.get("spans"), hi)
        self._touch(r, lo)
        if hi != lo:
            self._touch(r, hi)
        self.changed = True

    @staticmethod
    def _grow_spans(row_el: etree._Element, spans: str, col: int) -> None:
        lo, _, hi = spans.partition(":")
        if lo.isdecimal() and hi.isdecimal() and not int(lo) <= col <= int(hi):
            row_el.set("spans", f"{min(int(lo), col)}:{max(int(hi), col)}")

    # --- values --------------------------------------------------------------------------
    def write(self, r: int, col: int, value: CellValue, number_format: str | None = None,
              style: int | None = None) -> None:
        """Set one cell's value (None/'' clears it); keeps its format unless told otherwise."""
        self._need(r)
        self._materialize(r)
        row_el = self.rows.get(r)
        if row_el is None:
            row_el = self.row_el(r)
        cells, cols = self._row_cells(r, row_el)
        c = cells.get(col)
        if c is None:                                     # new: nothing to clear
            base = self.base_style(row_el, col) if style is None else style
            s = str(base) if base else None
            c = self._new_cell(r, col, row_el, cells, cols, s)
        else:
            self._touch(r, col)
            if len(c):
                for child in list(c):
                    tag = child.tag
                    if tag == F:
                        self._formula_removed(c, child)
                        c.remove(child)
                    elif tag in (V, IS):
                        c.remove(child)
            attrib = c.attrib
            for a in _CLEARED_ATTRS:
                if a in attrib:
                    del attrib[a]
            s = attrib.get("s")
        xf = style if style is not None else (int(s) if s else 0)
        if number_format:
            xf = self.styles.with_number_format(xf, number_format)
        try:
            self._put_value(c, value, xf_ref := [xf])
        except (ValueError, OverflowError, TypeError) as exc:
            raise WorkbookError(f"Datei '{self.file}': {self.sheet}!{cell_ref(r, col)} — Wert "
                                f"{value!r} kann nicht geschrieben werden ({exc})") from None
        xf = xf_ref[0]
        if xf or s is not None:
            c.set("s", str(xf))
        self.cells_written += 1
        self.changed = True

    def write_all(self, writes) -> None:
        """``write`` for each CellWrite, in order. A value for a new cell past the end of an
        existing row (the product's computed columns, mostly) is encoded at its turn — same
        encoder, formats derived in the same order — and kept as text (see ``__init__``;
        byte-identical to ``write``: tests/package/test_bulk_equivalence.py)."""
        if self._pending_rows:
            self._materialize()
        spans: dict[int, list[int]] = {}                  # row -> [lo, hi] of the kept cells
        raw_rows, looked = self._raw, self._raw_rows
        encoded: dict[tuple, tuple] = {}                  # see _new_raw_cells
        for r, group in groupby(writes, _ROW_OF):         # a row's writes in one go, where plain
            ws = list(group)
            if r in raw_rows:
                raw = looked.get(r) or self._look(r, cut=False)
                if raw is not None and self._new_raw_cells(r, raw, ws, spans, encoded):
                    continue
            self._write_one_by_one(ws, spans)
        for r, (lo, hi) in spans.items():
            if r in self._raw:
                self._created(r, None, lo, hi)
            else:
                self._created(r, self.rows[r], lo, hi)

    def _write_one_by_one(self, writes, spans: dict[int, list[int]]) -> None:
        """``write_all``'s writes (of one row), each at its turn."""
        raw_rows, looked = self._raw, self._raw_rows
        for w in writes:
            r, col, value = w.row, w.col, w.value
            if r in raw_rows:
                raw = looked.get(r)
                if raw is None or raw is not self._hot or raw.cells is None:
                    raw = self._look(r)
                if raw is not None and self._write_raw(r, raw, w, spans):
                    continue
                self._need(r)
            row_el = self.rows.get(r)
            if (row_el is not None and self.defer_cells and 1 <= col <= MAX_COL
                    and value is not None and not (isinstance(value, str) and not value)):
                _cells, cols = self._row_cells(r, row_el)
                pending = self._pending.get(r)
                if pending:
                    at_end = col > max(pending) and (not cols or col > cols[-1])
                else:                                     # only <c> children, col past them
                    at_end = (not cols or col > cols[-1]) and len(row_el) == len(cols)
                if at_end:
                    self._keep_new_cell(r, w, self.base_style(row_el, col), spans)
                    self.cells_written += 1
                    continue
            self.write(r, col, value, w.number_format)

    def _new_raw_cells(self, r: int, raw: rawrows.RawRow, writes: list, spans: dict[int, list[int]],
                       encoded: dict[tuple, tuple]) -> bool:
        """``write_all``'s writes of row ``r`` (kept as bytes, not necessarily cut) when each is a
        value for a new cell, in column order — the product's computed columns, mostly past the
        row's last cell: kept as text as ``_keep_new_cell`` keeps them, the row's bookkeeping once.
        A value of a type met before with the same formats is the same cell (``encoded``: (type,
        value, base format, number format) -> kept cell; formats derived in the same order).
        False, nothing done, for anything else."""
        prev, last, cols = 0, raw.last, raw.cols
        pending = self._pending.get(r)
        for w in writes:
            col, value = w.col, w.value
            if col <= prev or value is None or value == "" or (pending is not None and col in pending):
                return False
            if col <= last and cols[bisect_left(cols, col)] == col:
                return False                              # a cell of the row
            prev = col
        if prev > MAX_COL:
            return False
        if pending is None:
            pending = self._pending[r] = {}
        row_style = raw.style
        for w in writes:
            col, value, code = w.col, w.value, w.number_format
            base = self._col_style(col) if row_style is None else row_style
            key = (value.__class__, value, base, code)
            try:
                cell = encoded.get(key)
            except TypeError:                              # not hashable: _encode names it
                cell = None
            if cell is None:
                xf = self.styles.with_number_format(base, code) if code else base
                try:
                    kind, text, xf = self._encode(value, xf)
                except (ValueError, OverflowError, TypeError) as exc:
                    raise WorkbookError(f"Datei '{self.file}': {self.sheet}!{cell_ref(r, col)} — Wert "
                                        f"{value!r} kann nicht geschrieben werden ({exc})") from None
                cell = encoded[key] = (kind, text, *_new_cell_s(xf, base))
            pending[col] = cell
        lo, hi = writes[0].col, prev
        span = spans.get(r)
        if span is None:
            spans[r] = [lo, hi]
        else:
            span[0], span[1] = min(span[0], lo), max(span[1], hi)
        self.cells_written += len(writes)
        self.changed = True
        return True

    def _keep_new_cell(self, r: int, w, base: int, spans: dict[int, list[int]]) -> None:
        """The value of ``w`` for a new cell of row ``r`` (format ``base``) kept as text (see
        ``__init__``) — encoded at its turn, formats derived in the same order — and its column
        noted for the row's spans."""
        col = w.col
        xf = self.styles.with_number_format(base, w.number_format) if w.number_format else base
        try:
            kind, text, xf = self._encode(w.value, xf)
        except (ValueError, OverflowError, TypeError) as exc:
            raise WorkbookError(f"Datei '{self.file}': {self.sheet}!{cell_ref(r, col)} — Wert "
                                f"{w.value!r} kann nicht geschrieben werden ({exc})") from None
        pending = self._pending.get(r)
        if pending is None:
            pending = self._pending[r] = {}
        pending[col] = (kind, text, *_new_cell_s(xf, base))
        span = spans.get(r)
        if span is None:
            spans[r] = [col, col]
        else:
            span[0], span[1] = min(span[0], col), max(span[1], col)

    def _write_raw(self, r: int, raw: rawrows.RawRow, w, spans: dict[int, list[int]]) -> bool:
        """``write`` of ``w`` into a row kept as bytes — the same cell bytes the tree would
        give (tests/package/test_raw_rows.py); False when it takes the tree (a formula, a
        cleared new cell, an unusual cell)."""
        col, value = w.col, w.value
        if not 1 <= col <= MAX_COL:
            return False
        clear = value is None or (isinstance(value, str) and not value)
        cols = raw.cols
        i = bisect_left(cols, col)
        exists = i < len(cols) and cols[i] == col
        pending = self._pending.get(r)
        if (not exists and clear) or (pending is not None and col in pending):
            return False                                  # a new cell written again: the tree
        if exists and not raw.simple(i):
            return False
        try:
            if exists:
                s = raw.style_of(i)
                xf = int(s) if s else 0
                if w.number_format:
                    xf = self.styles.with_number_format(xf, w.number_format)
                kind, text = None, None
                if not clear:
                    kind, text, xf = self._encode(value, xf)
                s_out = str(xf) if xf or s is not None else None
                attrs = "".join(f' {k}="{v}"' for k, v in raw.kept_attrs(i) if k not in _CLEARED_ATTRS)
                head = f' s="{s_out}"' if s is not None else ""
                tail = cell_xml_rest(kind, text, None if s is not None else s_out, False)
                if s is not None and kind is None and text is None:
                    tail = "/>"
                raw.set_cell(i, b'<c r="' + _LETTER_BYTES[col] + b'%d"' % r
                             + (head + attrs + tail).encode())
                self._touch(r, col)
            else:
                self._keep_new_cell(r, w, self._raw_base_style(raw, col), spans)
        except (ValueError, OverflowError, TypeError) as exc:
            raise WorkbookError(f"Datei '{self.file}': {self.sheet}!{cell_ref(r, col)} — Wert "
                                f"{value!r} kann nicht geschrieben werden ({exc})") from None
        self.cells_written += 1
        self.changed = True
        return True

    def _raw_base_style(self, raw: rawrows.RawRow, col: int) -> int:
        """``base_style`` of a row kept as bytes."""
        row_style = raw.style
        return self._col_style(col) if row_style is None else row_style

    def _encode(self, value: CellValue, xf: int) -> tuple[str | None, str, int]:
        """The one value encoder: (t= of the cell or None, the text of its <v> or of its inline
        string's <t>, its s=). ``value`` is neither None nor ''. Raises ValueError,
        OverflowError or TypeError for what a cell cannot hold."""
        if isinstance(value, str):
            if len(value) > MAX_TEXT_LENGTH:
                raise ValueError(f"Text länger als {MAX_TEXT_LENGTH} Zeichen")
            return INLINE, escape_text(value), xf
        if isinstance(value, bool):
            return "b", "1" if value else "0", xf
        if isinstance(value, (int, float)):
            return None, number_text(value), xf
        if isinstance(value, (date, datetime)):
            text = number_text(excel_serial(value, self.date1904))
            if not self.styles.is_date(xf):
                code = DATETIME_FORMAT if isinstance(value, datetime) else DATE_FORMAT
                xf = self.styles.with_number_format(xf, code)
            return None, text, xf
        raise TypeError(f"Typ {type(value).__name__} wird nicht unterstützt")

    def _put_value(self, c: etree._Element, value: CellValue, xf_ref: list[int]) -> None:
        """``value`` into a cell without value children; xf_ref[0] becomes its format."""
        if value is None or (isinstance(value, str) and not value):
            return
        kind, text, xf_ref[0] = self._encode(value, xf_ref[0])
        if kind == INLINE:
            c.set("t", INLINE)
            if len(c):                                    # an <extLst> stays last
                inline = c.makeelement(IS, {})
                c.insert(0, inline)
            else:
                inline = etree.SubElement(c, IS)
            t = etree.SubElement(inline, T)
            t.set(XML_SPACE, "preserve")
            t.text = text
            return
        if kind is not None:
            c.set("t", kind)
        if len(c):
            c.insert(0, c.makeelement(V, {}))
            c[0].text = text
        else:
            etree.SubElement(c, V).text = text

    def _formula_removed(self, c: etree._Element, f: etree._Element) -> None:
        self.formulas_removed += 1
        if f.get("t") == "shared" and f.get("ref") is not None and (f.text or "").strip():
            self._unshare(c, f)

    def _shared_groups(self) -> dict[str, list[etree._Element]]:
        if self._shared is None:
            self._need_all()
            self._shared = {}
            for f in self.sheet_data.iter(F):
                if f.get("t") == "shared" and (si := f.get("si")) is not None:
                    self._shared.setdefault(si, []).append(f)
        return self._shared

    def _protected_cells(self) -> set[tuple[int, int]]:
        if self._protected is None:
            self._protected = {(w.row, w.col) for w in self.upcoming}
        return self._protected

    def _unshare(self, master_c: etree._Element, master_f: etree._Element) -> None:
        """The master of a shared formula is overwritten: give every other cell of the group
        its own (translated) formula, so they keep computing what they computed."""
        from openpyxl.formula.translate import Translator  # tokenizer only, no load/save

        origin = master_c.get("r")
        translator = Translator("=" + (master_f.text or ""), origin=origin)
        si = master_f.get("si")
        for f in self._shared_groups().get(si, []) if si is not None else []:
            if f is master_f:
                continue
            c = f.getparent()
            if c is None:
                continue
            ref = c.get("r")
            if ref is None:
                self._layout_error("Zelle ohne Adresse in einer gemeinsamen Formel")
            if split_cell_ref(ref) in self._protected_cells():
                continue
            try:
                f.text = translator.translate_formula(ref)[1:]
            except Exception as exc:  # any tokenizer failure: refuse
                raise WorkbookError(f"Datei '{self.file}': gemeinsame Formel in {self.sheet}!"
                                    f"{ref} lässt sich nicht übernehmen ({exc})") from None
            attrib = f.attrib
            for a in ("t", "si", "ref"):
                if a in attrib:
                    del attrib[a]

    # --- fills ---------------------------------------------------------------------------
    def fill(self, r: int, cols, rgb: str | None, product: frozenset[str]) -> None:
        """Colour the cells unless an agent coloured them; cells that don't exist are created
        with only their new format."""
        if self._pending_rows:
            self._materialize()
        hit = self._fills.get((rgb, product))
        if hit is None:
            rgb_as_given = rgb
            rgb = normalise_rgb(rgb)
            cache = self._fill_cache.get(("fill", rgb, product))
            if cache is None:
                cache = self._fill_cache[("fill", rgb, product)] = {}
            self._fills[(rgb_as_given, product)] = (rgb, cache)
        else:
            rgb, cache = hit
        if r in self._raw:
            raw = self._raw_rows.get(r)
            if raw is None:
                if r not in self._pending and (self._plain_unchanged(r, cols, cache)
                                               or self._fill_changes_nothing(r, cols, cache)):
                    return
            elif raw.cells is None and self._fill_known_shape(r, raw, cols, cache):
                return
            if (raw := self._look(r)) is not None:
                self._fill_raw(r, raw, cols, rgb, product, cache)
                return
        row_el = self.rows.get(r)
        if row_el is None:
            row_cells, row_cols, row_style = {}, [], None
        else:
            row_cells, row_cols = self._row_cells(r, row_el)
            row_style = self._row_style(row_el)
        pending = self._pending.get(r)
        filled = 0
        lo: int | None = None
        hi: int | None = None
        at_end = None                 # only <c> children: new cells can be kept as text
        for col in cols:
            c = row_cells.get(col)
            if c is not None:
                s = c.get("s")
                new = self._fill_style(cache, s, rgb, product)
                if new is not None:
                    c.set("s", new)
                    filled += 1
                continue
            hit = pending.get(col) if pending is not None else None
            if pending is not None and hit is not None:              # a new cell kept as text
                s = hit[2]
                new = self._fill_style(cache, s, rgb, product)
                if new is not None:
                    pending[col] = (hit[0], hit[1], new, hit[3])
                    filled += 1
                continue
            base = self._col_style(col) if row_style is None else row_style
            new = self._fill_style(cache, base, rgb, product)
            if new is None:
                continue
            if row_el is None:
                row_el = self.row_el(r)
                row_cells, row_cols = self._row_cells(r, row_el)
            if at_end is None:
                at_end = len(row_el) == len(row_cols)
            if not 1 <= col <= MAX_COL:
                self._outside(r, col)
            if at_end and self.defer_cells:
                if pending is None:
                    pending = self._pending[r] = {}
                pending[col] = (None, None, new, True)
            else:
                self._new_cell(r, col, row_el, row_cells, row_cols, new, track=False)
            lo = col if lo is None or col < lo else lo
            hi = col if hi is None or col > hi else hi
            filled += 1
        if lo is not None and hi is not None:
            self._created(r, row_el, lo, hi)
        if filled:
            self.cells_filled += filled
            self.changed = True

    def fill_all(self, fills: Iterable, product: frozenset[str]) -> None:
        """``fill`` for each RowFill (of this sheet), in order — where ``_plain_unchanged`` would find
        a row (kept as bytes, untouched) left as it is by its pattern, or ``_fill_known_shape`` fill
        a row kept as bytes and edited, without the call: a second run re-colours 20,000 rows and
        finds nearly all of them right (~7 µs a row through ``fill``, ~2 µs here), a first run fills
        20,000 rows it has written. The same bytes and formats as ``fill`` row by row
        (tests/package/test_raw_rows.py)."""
        if self._pending_rows:
            self._materialize()
        raw_rows, pending, patterns = self._raw_rows, self._pending, self._plain_patterns
        last: tuple | None = None                      # (cols, rgb) the pattern below is for
        pattern = cache = None
        for f in fills:
            r, cols, rgb = f.row, f.cols, f.rgb
            if last is None or cols is not last[0] or rgb != last[1]:
                hit = self._fills.get((rgb, product))
                cache = hit[1] if hit is not None else None
                entry = patterns.get((id(cache), cols)) if cache is not None else None
                pattern = entry[0] if entry is not None else None
                last = (cols, rgb)
            raw = raw_rows.get(r)
            if raw is None:
                if pattern is not None and r not in pending:
                    spans = self._raw
                    span = spans.get(r) if spans.prefix is not None else dict.get(spans, r)
                    if span is not None and pattern.fullmatch(self._raw_body, span[0], span[1]) is not None:
                        continue
            elif cache is not None and raw.cells is None and self._fill_known_shape(r, raw, cols, cache):
                continue                                 # (a row written or read: as ``fill`` does it)
            self.fill(r, cols, rgb, product)
            last = None                                  # (it may have made the pattern anew)

    def _fill_raw(self, r: int, raw: rawrows.RawRow, cols, rgb: str | None, product: frozenset[str],
                  cache: dict) -> None:
        """``fill`` of a row kept as bytes: the same formats, new cells kept as text. What a fill
        does to a row follows from the row's shape (its cells' columns and formats, the new
        cells' formats, the row's format): worked out once per shape."""
        pending = self._pending.get(r)
        row_style = raw.style
        key = _fill_key(cols, raw.shape, row_style, pending)
        shapes = self._fill_shapes.setdefault(id(cache), {})
        done = shapes.get(key)
        if done is None:
            done = shapes[key] = self._fill_shape(raw, cols, rgb, product, cache, pending, row_style, raw.shape)
        if done[0]:
            raw.set_styles(done[0])
        self._fill_rest(r, done)

    def _fill_known_shape(self, r: int, raw: rawrows.RawRow, cols, cache: dict) -> bool:
        """``_fill_raw`` of a row kept as bytes and edited (not cut now) whose shape this fill
        has met before: the cells' start tags edited in place (a cell begins with ``<c r="``, which
        no text can hold), without cutting the row into cells. False: not met, cut the row."""
        shapes = self._fill_shapes.get(id(cache))
        if not shapes:
            return False
        inner = raw.inner
        shape = raw.shape or rawrows.shape_of(inner, 0, len(inner), r)
        if shape is None:
            return False
        pending = self._pending.get(r)
        key = _fill_key(cols, shape, raw.style, pending)
        done = shapes.get(key)
        if done is None:                                 # a shape not met: from its start tags
            rgb, product = next((k[1], k[2]) for k, known in self._fill_cache.items()
                                if known is cache and k[0] == "fill")
            done = shapes[key] = self._fill_shape(raw, cols, rgb, product, cache, pending, raw.style, shape)
        if done[0]:
            cells = inner.split(b'<c r="')              # [what precedes the first cell, cell, …]
            if len(cells) != len(shape[0]) + 1 or cells[0]:
                return False                             # a '<c r="' inside a cell: cut the row
            digits = b"%d" % r
            template, contents = self._restyles.get((id(done), len(digits))) or self._restyle(
                done, shape, len(digits))
            parts = [digits] * (2 * len(contents))
            parts[1::2] = map(getitem, islice(cells, 1, None), contents)   # type: ignore[arg-type]
            raw.inner = template % tuple(parts)
            raw.edited = True
            raw.shape = ()                               # its formats changed
        self._fill_rest(r, done)
        return True

    def _restyle(self, done: tuple, shape: tuple, digits: int) -> tuple[bytes, tuple[slice, ...]]:
        """How ``_fill_known_shape`` makes a row of ``shape`` whose number has ``digits`` digits
        with a fill's new formats ``done``: a template of the row's cells, each
        ``<c r="`` + its letters + the row number + '"' + its new attributes + the rest of the cell
        (``%`` their places), and where the rest of each cell begins after ``<c r="``."""
        new = dict((i, attrs) for i, _, _, attrs in done[6])
        segments, contents = [], []
        for i, (letters, style, rest) in enumerate(zip(*shape, strict=True)):
            old = rawrows.style_attrs(style, rest, style) if style else rest
            attrs = new.get(i, old)
            segments.append(b'<c r="' + letters + b'%s"' + attrs.replace(b"%", b"%%") + b"%s")
            contents.append(slice(len(letters) + digits + 1 + len(old), None))
        made = self._restyles[(id(done), digits)] = (b"".join(segments), tuple(contents))
        return made

    def _fill_rest(self, r: int, done: tuple) -> None:
        """What a fill worked out for a row's shape (``_fill_shape``), but its cells' formats: the
        new cells kept as text, the spans, the counts."""
        _, renewed, new_cells, lo, hi, filled, _ = done
        if renewed or new_cells:
            pending = self._pending.get(r)
            if pending is None:
                pending = self._pending[r] = {}
            for col, new in renewed:
                hit = pending[col]
                pending[col] = (hit[0], hit[1], new, hit[3])
            for col, cell in new_cells:
                pending[col] = cell
        if lo is not None and hi is not None:
            self._created(r, None, lo, hi)
        if filled:
            self.cells_filled += filled
            self.changed = True

    def _plain_unchanged(self, r: int, cols, cache: dict) -> bool:
        """Is row ``r`` (kept as bytes, untouched) written plainly and left as it is by the fill —
        read by one pattern (``rawrows.plain_rows_pattern``) made of what this fill has worked out
        so far: the s= its cells keep, the columns it need not have? Reading a row so costs a
        fraction of cutting out its cells' start tags (``_fill_changes_nothing``)."""
        entry = self._plain_patterns.get((id(cache), cols))
        if entry is None:
            entry = self._plain_patterns[(id(cache), cols)] = [None, -1, 0, PLAIN_PATTERN_AFTER]
        pattern = entry[0]
        if pattern is not None:
            start, end = self._raw[r]
            if pattern.fullmatch(self._raw_body, start, end) is not None:
                return True
        # Made anew when the fill has learnt more, after 16, 128, 1024 … rows it did not match.
        entry[2] += 1
        if entry[2] >= entry[3] and len(cache) != entry[1]:
            entry[:] = [self._plain_pattern(cols, cache), len(cache), 0, PLAIN_PATTERN_GROWTH * entry[3]]
        return False

    def _plain_pattern(self, cols, cache: dict):
        """``rawrows.plain_rows_pattern`` of what ``cache`` holds: the s= this fill keeps (None:
        nothing known)."""
        if not cols or min(cols) < 1 or max(cols) > MAX_COL:
            return None
        kept = [s.encode() for s, new in cache.items() if type(s) is str and new is None and s.isascii()
                and s.isdigit()]
        bare = None in cache and cache[None] is None
        lacking = {col: cache.get(self._col_style(col), "") is None for col in cols}
        if not kept and not bare and not any(lacking.values()):
            return None
        return rawrows.plain_rows_pattern(lacking, kept, bare)

    def _fill_changes_nothing(self, r: int, cols, cache: dict) -> bool:
        """Is the fill of row ``r`` (kept as bytes, untouched) known to change nothing — a row of
        its shape came out of this fill unchanged? Decided from the cells' start tags, without
        cutting the row (a second run re-colours every row, and nearly all are right)."""
        shapes = self._fill_shapes.get(id(cache))
        if not shapes:
            return False
        body = self._raw_body
        start, end = self._raw[r]
        shape = rawrows.shape_of(body, start, end, r)
        if shape is None:
            return False
        ordered = self._ordered_letters.get(shape[0])
        if ordered is None:
            found = [_COLS[x.decode()] for x in shape[0]]
            ordered = self._ordered_letters[shape[0]] = None not in found and all(
                a < b for a, b in pairwise(found))
        if not ordered:
            return False
        open_tag = body[start:body.find(b">", start, end) + 1]
        style = rawrows.row_style(open_tag) if b"customFormat" in open_tag else None
        done = shapes.get(_fill_key(cols, shape, style, None))
        return done is not None and not (done[0] or done[1] or done[2] or done[5])

    def _fill_shape(self, raw: rawrows.RawRow, cols, rgb: str | None, product: frozenset[str], cache: dict,
                    pending, row_style: int | None, shape: tuple):
        """What ``fill`` does to a row of this shape (``shape``, its columns ``raw.cols``; its cells
        need not be cut): (new s= by cell index, new s= of new cells kept as text, format-only
        cells to make (column, kept cell), lo, hi, cells filled, ``_style_edits``)."""
        index = dict(zip(raw.cols, range(len(raw.cols)), strict=True))
        styles: dict[int, bytes] = {}
        renewed: list[tuple[int, str]] = []
        new_cells: list[tuple[int, tuple]] = []
        filled = 0
        lo: int | None = None
        hi: int | None = None
        for col in cols:
            i = index.get(col)
            if i is not None:
                s = _style_in(shape, i)
                new = self._fill_style(cache, s, rgb, product)
                if new is not None:
                    styles[i] = new.encode()
                    filled += 1
                continue
            hit = pending.get(col) if pending is not None else None
            if pending is not None and hit is not None:              # a new cell kept as text
                s = hit[2]
                new = self._fill_style(cache, s, rgb, product)
                if new is not None:
                    renewed.append((col, new))
                    filled += 1
                continue
            base = self._col_style(col) if row_style is None else row_style
            new = self._fill_style(cache, base, rgb, product)
            if new is None:
                continue
            if not 1 <= col <= MAX_COL:
                self._outside(raw.number, col)
            new_cells.append((col, (None, None, new, True)))    # one tuple for every row of the shape
            lo = col if lo is None or col < lo else lo
            hi = col if hi is None or col > hi else hi
            filled += 1
        return styles, renewed, new_cells, lo, hi, filled, self._style_edits(shape, styles)

    @staticmethod
    def _style_edits(shape: tuple, styles: dict[int, bytes]) -> tuple[tuple[int, int, int, bytes], ...]:
        """``styles`` (new s= by cell index) as edits of the cells' start tags in a row of this
        shape, as ``RawRow.set_styles`` makes them: (index, where the attributes begin in the cell
        after ``<c r="`` and the row number's digits, their old length, the new attributes)."""
        edits = []
        for i, new in sorted(styles.items()):
            letters, old, rest = shape[0][i], shape[1][i], shape[2][i]
            edits.append((i, len(letters) + 1, rawrows.attrs_length(old, rest), rawrows.style_attrs(old, rest, new)))
        return tuple(edits)

    def font_colour(self, r: int, cols, rgb: str | None, product: frozenset[str]) -> None:
        """Text colour for the row's cells that hold something, unless an agent chose another
        colour; empty cells are not created for it."""
        self._need(r)
        self._materialize(r)
        row_el = self.rows.get(r)
        if row_el is None:
            return
        row_cells, _ = self._row_cells(r, row_el)
        rgb = normalise_rgb(rgb)
        cache = self._fill_cache.setdefault(("font", rgb, product), {})
        for col in cols:
            c = row_cells.get(col)
            if c is None or not len(c):
                continue
            s = c.get("s")
            try:
                new = cache[s]
            except KeyError:
                xf = int(s) if s else 0
                if self.styles.font_colour_state(xf, product) == AGENT_FILL:
                    new = None
                else:
                    derived = self.styles.with_font_colour(xf, rgb)
                    new = None if derived == xf else str(derived)
                cache[s] = new
            if new is not None:
                c.set("s", new)
                self.changed = True

    def _fill_style(self, cache: dict, s: str | int | None, rgb: str | None, product: frozenset[str]) -> str | None:
        """``_filled_style`` of a cell's s= text (or of a row's/column's format), remembered in
        ``cache`` (one per colour)."""
        try:
            return cache[s]
        except KeyError:
            new = cache[s] = self._filled_style(int(s) if s else 0, rgb, product)
            return new

    def _filled_style(self, xf: int, rgb: str | None, product: frozenset[str]) -> str | None:
        """The s= a cell with format ``xf`` gets; None when it keeps its format."""
        if self.styles.fill_state(xf, product) == AGENT_FILL:
            return None
        new = self.styles.with_fill(xf, rgb)
        return None if new == xf else str(new)

    # --- appends / rewrites ----------------------------------------------------------------
    @staticmethod
    def _has_value(row_el: etree._Element) -> bool:
        for c in row_el.iterchildren(C):
            for child in c:
                tag = child.tag
                if tag in (F, IS) or (tag == V and child.text):
                    return True
        return False

    def last_value_row(self) -> int:
        """The last row holding a value (0: none), looked for from the end: the rows of a long
        log not cut yet (``_RawSpans.prefix``) are cut only when every row after them is empty."""
        self._materialize()
        raw = self._raw
        looked_at = 0                                     # rows at the end already looked at
        while True:
            numbers = self._row_numbers
            for r in reversed(numbers[:len(numbers) - looked_at]):
                if dict.__contains__(raw, r):
                    if rawrows.has_value(self._raw_bytes(r)):
                        return r
                elif self._has_value(self.rows[r]):
                    return r
            if raw.prefix is None:
                return 0
            looked_at = len(numbers)
            self._cut_prefix()

    def append(self, rows: list[list[CellValue]], number_formats: dict[int, str],
               start: int | None = None) -> int:
        """Rows below the last row holding a value (or from ``start``, rows the writer made room
        for); returns the first new row number. Rows that already exist there (formatting
        prepared in advance) keep their cells' formats; new cells take the format of the row
        above (a data row, not the header) or their column's — ``number_formats`` only where
        that format is General (an agent's '#,##0.00 €' stays)."""
        self._materialize()
        if start is None:
            start = self.last_value_row() + 1
            numbers = self._row_numbers                   # the last row is never among those not cut yet
            beyond = (numbers[-1] + 1) if numbers else 1
        else:
            beyond = MAX_ROW + 1                          # rows may exist below: no bulk path
        above = self._styles_of(start - 1)
        split = max(0, min(len(rows), beyond - start))
        for i, values in enumerate(rows[:split]):
            r = start + i
            self._need(r)
            row_el = self.rows.get(r)
            cells = self._row_cells(r, row_el)[0] if row_el is not None else {}
            for col, value in enumerate(values, start=1):
                if value is None or (isinstance(value, str) and not value):
                    continue
                c = cells.get(col)
                if c is not None:
                    base = int(c.get("s") or 0)
                    self.write(r, col, value, self._format_for(base, number_formats.get(col)))
                else:
                    base = above(col) if above is not None else self.base_style(row_el, col)
                    self.write(r, col, value, self._format_for(base, number_formats.get(col)), style=base)
        self._bulk_rows(start + split, rows[split:], number_formats, base_for=above)
        return start

    def _format_for(self, base: int, code: str | None) -> str | None:
        """The plan's number format, unless the cell's own format has one."""
        if not code or self.styles.number_format(base)[0] != 0:
            return None
        return code

    def _styles_of(self, r: int):
        """col -> the format a new cell below row ``r`` gets: its column's (or an empty row's),
        with the number format of row ``r``'s cell where that is General — when row ``r`` is a
        data row holding a value; else None. Fills, fonts and borders of the row above are not
        taken: an agent's marking of one order is not the next order's."""
        self._need(r)
        row_el = self.rows.get(r)
        if r < 2 or row_el is None or not self._has_value(row_el):
            return None
        cells = self._row_cells(r, row_el)[0]
        cache: dict[int, int] = {}

        def style(col: int) -> int:
            hit = cache.get(col)
            if hit is not None:
                return hit
            base = self.base_style(None, col)
            c = cells.get(col)
            if c is not None and self.styles.number_format(base)[0] == 0:
                num_id, code = self.styles.number_format(int(c.get("s") or 0))
                if num_id and code:
                    base = self.styles.with_number_format(base, code)
            cache[col] = base
            return base
        return style

    def formula_at(self, r: int, col: int) -> str | None:
        """The formula text of a cell, when it has its own (not a shared formula's member)."""
        c = self.cell(r, col, create=False)
        f = c.find(F) if c is not None else None
        if f is None or not (f.text or "").strip() or f.get("t") in ("array", "dataTable"):
            return None
        return f.text

    def write_formula(self, r: int, col: int, formula: str, origin: tuple[int, int]) -> None:
        """A formula (written for the cell ``origin``, e.g. a table's calculated column) into an
        empty cell, translated as Excel fills it down; Excel computes it on load."""
        from openpyxl.formula.translate import Translator  # tokenizer only, no load/save

        text = formula
        if (r, col) != origin:
            try:
                text = Translator("=" + formula, origin=cell_ref(*origin)).translate_formula(
                    cell_ref(r, col))[1:]
            except Exception:  # a formula the tokenizer cannot read stays as it is written
                text = formula
        c = self.cell(r, col)
        if c.find(F) is not None or c.find(V) is not None or c.find(IS) is not None:
            return
        f = c.makeelement(F, {})
        f.text = text
        c.insert(0, f)
        self.formulas_removed += 1                        # calcChain: Excel rebuilds it
        self._touch(r, col)
        self.changed = True

    def _bulk_rows(self, start: int, rows: list[list[CellValue]],
                   number_formats: dict[int, str] | None = None, first_row_style: int | None = None,
                   base_for=None) -> None:
        """Fast path for rows below every existing <row>: rendered as XML text with the encoder
        ``write`` uses (byte-identical to what ``write`` gives a new cell, see
        tests/package/test_bulk_equivalence.py) and parsed in one go."""
        if not rows:
            return
        present = self._row_numbers                       # the last row is never among those not cut yet
        if self._pending_rows or (present and start <= present[-1]) or (not present and self._raw.prefix):
            raise AssertionError("bulk rows must lie below every existing row")
        numbers, texts = self._row_texts(start, rows, number_formats, first_row_style, base_for)
        if not numbers:
            return
        self._pending_rows.append((numbers, "".join(texts)))
        if not self.defer_cells:
            self._materialize()

    def _row_texts(self, start: int, rows: list[list[CellValue]], number_formats: dict[int, str] | None,
                   first_row_style: int | None, base_for) -> tuple[list[int], list[str]]:
        """The rows (numbered from ``start``) as XML text, one ``<row>`` each, as ``write`` makes
        their cells; rows without a value are left out. Their numbers, their texts; the cells
        count as written (``cells_written``, the extent)."""
        styles, encode, formats = self.styles, self._encode, number_formats or {}
        # col -> ('<c r="' + its letters, format of the new cell, with the plan's number format,
        # {text -> the cell's XML after r=} for its texts); the first row's apart (it may be a header)
        first_cols: dict[int, tuple[str, int, int, dict[str, str]]] = {}
        other_cols: dict[int, tuple[str, int, int, dict[str, str]]] = {}
        rendered: dict[tuple, str] = {}     # (type, value, formats) -> the cell's XML after r=
        texts: list[str] = []
        numbers: list[int] = []
        written = 0
        for i, values in enumerate(rows):
            r = start + i
            tail = f'{r}"'
            known = other_cols if i else first_cols
            parts = [f'<row r="{r}">']
            append = parts.append
            for col, value in enumerate(values, start=1):
                if value is None or value == "":
                    continue
                hit = known.get(col)
                if hit is None:               # (format of the new cell, with the column's number format)
                    if i == 0 and first_row_style is not None:
                        base = first_row_style
                    elif base_for is not None:
                        base = base_for(col)
                    else:
                        base = self.base_style(None, col)
                    code = self._format_for(base, formats.get(col))
                    if col > MAX_COL:
                        self._outside(r, col)
                    hit = known[col] = ('<c r="' + _LETTERS[col], base,
                                        styles.with_number_format(base, code) if code else base, {})
                if value.__class__ is str:                   # a text: its cell by the column's texts
                    rest = hit[3].get(value)
                    if rest is None and len(value) <= MAX_TEXT_LENGTH:
                        rest = hit[3][value] = cell_xml_rest(INLINE, escape_text(value), *_new_cell_s(hit[2], hit[1]))
                    if rest is not None:
                        append(hit[0] + tail + rest)
                        continue
                prefix, base, xf, _ = hit
                memo = (value.__class__, value, base, xf)
                rest = rendered.get(memo)
                if rest is None:
                    try:
                        kind, text, xf = encode(value, xf)
                    except (ValueError, OverflowError, TypeError) as exc:
                        raise WorkbookError(f"Datei '{self.file}': {self.sheet}!{_LETTERS[col]}{r} — Wert "
                                            f"{value!r} kann nicht geschrieben werden ({exc})") from None
                    rest = rendered[memo] = cell_xml_rest(kind, text, *_new_cell_s(xf, base))
                append(prefix + tail + rest)
            if len(parts) > 1:
                written += len(parts) - 1
                append("</row>")
                texts.append("".join(parts))
                numbers.append(r)
        if numbers:
            used = first_cols.keys() | other_cols.keys()
            self._touch(numbers[0], min(used))
            self._touch(numbers[-1], max(used))
            self.cells_written += written
            self.changed = True
        return numbers, texts

    def replace_content(self, rows: list[list[CellValue]], widths: dict[int, float],
                        bold_header: bool, shown: list[list[CellValue]] | None = None) -> None:
        """The product owns the sheet: new sheetData and column widths. The new rows are kept
        as bytes (``_raw``) like rows read from a part: later edits (a carried agents' cell, a
        table's header) parse only the rows they touch.

        ``shown``: the rows as a reader found them in this part (``SheetRewrite.shown``). A row
        equal to the one the sheet shows at its place — or a few rows up or down, when rows came
        or went — is not encoded again: where its bytes are as the product writes rows of texts
        (``rawrows.text_rows``) they are kept (renumbered when the row moved). Everything else is
        written as without ``shown``; values and formats are the same either way."""
        old = None
        if (shown is not None and self._raw and not self._raw_rows and not self._pending
                and not self._pending_rows and all(r == 1 for r in self._parsed)):
            old = (list(self._raw), list(self._raw.values()), self._raw_body)     # as read
        self._pending.clear()
        self._pending_rows.clear()
        self._raw.clear()
        self._raw_rows.clear()
        self._hot = None
        self._raw_body = b""
        for el in list(self.sheet_data):
            self.sheet_data.remove(el)
        self._index_rows()
        self._set_widths(widths or auto_column_widths(rows))
        self._set_col_styles()
        self._extent = None
        bold = self.styles.bold(0) if bold_header and rows else 0
        if old is not None and shown is not None and len(rows) > 1:
            numbers, pieces, lengths = self._rows_keeping(rows, shown, *old, bold or None)
        else:
            numbers, texts = self._row_texts(1, rows, None, bold or None, None)
            pieces = list(map(str.encode, texts))
            lengths = list(map(len, pieces))
        if numbers:
            ends = list(accumulate(lengths))
            self._raw = _RawSpans(zip(numbers, zip([0, *ends[:-1]], ends, strict=True), strict=True))
            self._raw_body = b"".join(pieces)
            self._row_numbers.extend(numbers)
            if not self.defer_cells:
                self._need_all()
        dim = self.root.find(m("dimension"))
        if dim is not None:
            e = self._extent
            dim.set("ref", "A1" if e is None else _range_text(*e))
        self.changed = True

    def _rows_keeping(self, rows: list[list[CellValue]], shown: list[list[CellValue]], old_numbers: list[int],
                      old_spans: list[tuple[int, int]], body: bytes,
                      bold: int | None) -> tuple[list[int], list[bytes | memoryview], list[int]]:
        """``replace_content``'s rows with ``shown``: the numbers of the rows written, their
        bytes in pieces — a run of rows kept as they are is one piece of ``body`` (the part
        read: its rows ``old_numbers`` at ``old_spans``) — and each row's length. Row 1 (the
        header) is always written."""
        numbers: list[int] = []
        pieces: list[bytes | memoryview] = []
        lengths: list[int] = []
        view = memoryview(body)

        def write(i: int, j: int) -> None:                # rows[i:j] encoded
            got, texts = self._row_texts(i + 1, rows[i:j], None, bold if i == 0 else None, None)
            numbers.extend(got)
            encoded = list(map(str.encode, texts))
            pieces.extend(encoded)
            lengths.extend(map(len, encoded))

        kept = 0
        first_of: dict[CellValue, int] | None = None      # first value -> its first row in shown
        moves = 0
        i, shift, todo = 1, 0, 1                # rows[todo:i] are still to be encoded; shown[0] is not compared
        write(0, 1)
        while i < len(rows):
            run = len(list(takewhile(truth, map(eq, map(rows.__getitem__, range(i, len(rows))),
                                                map(shown.__getitem__, range(i + shift, len(shown)))))))
            if not run:                                   # moved? the row of the same first value
                if first_of is None:
                    first_of = {}
                    for j in range(len(shown) - 1, 0, -1):
                        if shown[j]:
                            first_of[shown[j][0]] = j
                at = first_of.get(rows[i][0]) if rows[i] else None
                if at is not None and at - i != shift and rows[i] == shown[at]:   # at >= 1
                    if moves == _MOVES:
                        break                     # rows shuffled (a list sorted anew): the rest encoded
                    moves += 1
                    shift = at - i
                    continue
                i += 1
                continue
            if shift and run < _SMALL_RUN:          # a few rows moved: encoded, cheaper than renumbered
                i += run
                continue
            while True:                     # a run not kept is tried by halves: one odd row costs little
                lo = bisect_left(old_numbers, i + 1 + shift)
                hi = bisect_right(old_numbers, i + run + shift)
                part = rows[i:i + run]            # lists: equal to rows as read
                cells = (sum(map(len, part)) - sum(map(list.count, part, repeat(None)))
                         - sum(map(list.count, part, repeat(""))))
                taken = self._take_rows(old_numbers[lo:hi], old_spans[lo:hi], body, view, shift, cells)
                if taken is not None or run <= _SMALL_RUN:
                    break
                run //= 2
            if taken is not None:
                if todo < i:
                    write(todo, i)
                numbers.extend(taken[0])
                pieces.extend(taken[1])
                lengths.extend(taken[2])
                kept += cells
                todo = i + run
            i += run
        if todo < len(rows):
            write(todo, len(rows))
        if numbers:
            first, last = _used_columns(rows)
            self._extent = [numbers[0], first, numbers[-1], last]
        self.cells_written += kept
        return numbers, pieces, lengths

    @staticmethod
    def _take_rows(numbers: list[int], spans: list[tuple[int, int]], body: bytes, view: memoryview,
                   shift: int, cells: int) -> tuple[list[int], list[bytes | memoryview], list[int]] | None:
        """The old rows ``numbers`` (at ``spans`` of ``body``), ``shift`` rows up: their new
        numbers, their bytes in pieces, each one's length; None when they are not as the
        product writes rows of texts with ``cells`` cells in all."""
        if not numbers:
            return ([], [], []) if not cells else None
        start, end = spans[0][0], spans[-1][1]
        if not rawrows.text_rows(body, start, end, cells):
            return None
        if not shift:
            return numbers, [view[start:end]], [b - a for a, b in spans]
        moved = rawrows.renumbered(body, numbers, spans, shift, cells)
        if moved is None:
            return None
        return [n - shift for n in numbers], moved, list(map(len, moved))

    def materialize_all(self) -> None:
        """Every row kept as text into the tree (before another part edits the sheet's XML)."""
        self._need_all()
        self._materialize()

    def replace_block(self, rows: list[list[CellValue]], widths: dict[int, float], owned_cols: int,
                      bold_rows: tuple[int, ...], cell_formats: dict[tuple[int, int], str]) -> None:
        """The product owns columns 1..``owned_cols`` (every row): their cells are replaced by
        ``rows`` (row 1 and ``bold_rows`` bold, ``cell_formats`` per cell); the cells right of
        them, and the column widths there, are the agents' and stay as they are."""
        self._need_all()
        self._materialize()
        for r in list(self.row_numbers):
            row_el = self.rows[r]
            cells, cols = self._row_cells(r, row_el)
            for col in [c for c in cols if c <= owned_cols]:
                c = cells.pop(col)
                cols.remove(col)
                row_el.remove(c)
            if not cols:
                self.sheet_data.remove(row_el)
                del self.rows[r]
                self._cells.pop(r, None)
        self._index_rows()
        self._set_widths(widths, keep_from=owned_cols + 1)
        self._set_col_styles()
        self._extent = None
        bold = self.styles.bold(0)
        heads = {1, *bold_rows}
        if not self.row_numbers:
            self._bulk_rows(1, rows)
            self._materialize()
        else:
            for r, values in enumerate(rows, start=1):
                for col, value in enumerate(values, start=1):
                    if value is not None and value != "":
                        self.write(r, col, value)
        for r in sorted(heads):
            for col, value in enumerate(rows[r - 1] if r <= len(rows) else [], start=1):
                if value is not None and value != "":
                    self.write(r, col, value, style=bold or None)
        for (r, col), fmt in sorted(cell_formats.items()):
            value = rows[r - 1][col - 1] if r <= len(rows) and col <= len(rows[r - 1]) else None
            if value is not None:
                self.write(r, col, value, number_format=fmt)
        self.cells_written = sum(1 for values in rows for v in values if v is not None and v != "")
        self.changed = True

    def _set_widths(self, widths: dict[int, float], keep_from: int | None = None) -> None:
        """New column widths; ``keep_from``: the <col> entries from that column on are kept
        (one reaching into the product's columns is cut at ``keep_from``)."""
        old = self.root.find(m("cols"))
        kept: list[etree._Element] = []
        if old is not None:
            if keep_from is not None:
                for col_el in old.iterchildren(m("col")):
                    try:
                        lo, hi = int(col_el.get("min", "")), int(col_el.get("max", ""))
                    except ValueError:
                        continue
                    if hi >= keep_from:
                        if lo < keep_from:
                            col_el.set("min", str(keep_from))
                        kept.append(col_el)
            self.root.remove(old)
        if not widths and not kept:
            return
        cols = self.root.makeelement(m("cols"), {})
        for col in sorted(widths):
            if keep_from is None or col < keep_from:
                etree.SubElement(cols, m("col"), min=str(col), max=str(col),
                                 width=f"{float(widths[col]):g}", customWidth="1")
        for col_el in kept:
            cols.append(col_el)
        self.sheet_data.addprevious(cols)

    def set_widths_if_new(self, widths: dict[int, float]) -> None:
        if widths:
            self._set_widths(widths)
            self._set_col_styles()

    # --- deletions and insertions -----------------------------------------------------------
    def delete_rows(self, rows) -> RowShift | None:
        """Remove whole rows as Excel's "delete row" does: the rows below move up with
        everything on them (cells, formats, height, hidden), and every range and formula of
        the sheet follows (see ``move_rows``). The writer adjusts the other parts."""
        shift = RowShift(r for r in rows if r >= 1)
        if not shift.deleted:
            return None
        self.move_rows(shift)
        self.delete_mode = "shift"
        return shift

    def insert_rows(self, at: int, count: int) -> RowInsert | None:
        """Insert ``count`` empty rows before row ``at`` (Excel's "insert row")."""
        if count <= 0:
            return None
        shift = RowInsert(at, count)
        self.move_rows(shift)
        return shift

    def move_rows(self, shift: RowShift | RowInsert) -> None:
        if self._raw or self._pending_rows:
            self._move_kept_rows(shift)                   # what is left as bytes holds no formula
            self._unshare_all(tree_only=True)
        else:
            self._need_all()
            self._materialize()
            self._unshare_all()
        first = shift.first
        for r in list(self._parsed):
            if r < first:
                continue
            el = self.rows[r]
            new = shift.new_row(r)
            if new is None:
                self.sheet_data.remove(el)
                continue
            if new > MAX_ROW:
                self._outside(new, 1)
            el.set("r", str(new))
            for c in el.iterchildren(C):
                ref = c.get("r")
                if ref is not None:
                    c.set("r", ref.rstrip("0123456789") + str(new))
        self._index_rows()
        if self._raw:
            self._row_numbers = sorted([*self._parsed, *self._raw])
        self._cells.clear()
        for f in self.sheet_data.iter(F):
            text = shift_formula(f.text, shift, self.sheet, on_sheet=True)
            if text != f.text:
                f.text = text
            if (ref := f.get("ref")) is not None:         # an array formula's range
                f.set("ref", shift.range(ref) or ref)
        dim = self.root.find(m("dimension"))
        if dim is not None and (ref := dim.get("ref")):
            dim.set("ref", shift.sqref(ref) or "A1")
        self._shift_ranges(shift)
        self._extent = None
        self.rows_moved = True
        self.changed = True

    def _move_kept_rows(self, shift: RowShift | RowInsert) -> None:
        """``move_rows`` for the rows kept as bytes and as text: renumbered as bytes, never
        parsed — a 40,000-row sheet losing a few rows costs no tree (~370 MB on the bench's
        'Warten auf Freigabe' at 200,000 orders). A row with a formula (formulas follow the
        move), one not written plainly and rows kept as text one of which goes are put into
        the tree first, which moves them as before; new cells of rows in the tree are made
        elements. Same bytes as the tree's (tests/package/test_raw_rows.py)."""
        body, spans = self._raw_body, self._raw
        if b"<f" in body:                                 # (the part's other elements too)
            formulas = [r for r, (start, end) in spans.items() if body.find(b"<f", start, end) >= 0]
            if formulas:
                self._parse_raw(formulas)
        for r in [r for r in self._raw if r >= shift.first]:
            self._look(r)                                 # not plain: into the tree
        self._hot = None
        text_rows: list[tuple[list[int], str]] = []
        if not any(shift.new_row(n) is None for numbers, _ in self._pending_rows for n in numbers):
            text_rows, self._pending_rows = self._pending_rows, []
        self._materialize()                               # new cells of rows in the tree (and rows)
        self._pending_rows = [([new for n in numbers if (new := shift.new_row(n)) is not None],
                               rawrows.moved_text_rows(text, shift.new_row)) for numbers, text in text_rows]
        if self._pending_rows and self._pending_rows[-1][0][-1] > MAX_ROW:
            self._outside(self._pending_rows[-1][0][-1], 1)
        pieces: list[bytes] = []
        moved: dict[int, tuple[int, int]] = {}
        at = 0
        for r in list(self._raw):
            new = shift.new_row(r)
            data = self._raw_bytes(r)
            self._raw_rows.pop(r, None)
            self._pending.pop(r, None)
            del self._raw[r]
            if new is None:
                continue
            if new != r:
                if new > MAX_ROW:
                    self._outside(new, 1)
                data = rawrows.moved_row(data, r, new)
            pieces.append(data)
            moved[new] = (at, at + len(data))
            at += len(data)
        self._raw, self._raw_body = _RawSpans(moved.items()), b"".join(pieces)

    def _unshare_all(self, tree_only: bool = False) -> None:
        """Every shared formula becomes one formula per cell: rows that move apart (or go)
        would otherwise compute something else. ``tree_only``: the rows kept as bytes hold
        no formula (``_move_kept_rows``)."""
        if not tree_only:
            self._need_all()
        masters = [f for f in self.sheet_data.iter(F)
                   if f.get("t") == "shared" and f.get("ref") is not None and (f.text or "").strip()]
        if not masters:
            return
        for f in masters:
            self._unshare_group(f)

    def _unshare_group(self, f: etree._Element) -> None:
        """The shared formula whose master is ``f``: every cell its own formula."""
        c = f.getparent()
        if c is None:
            return
        self._shared = None
        self._protected = set()
        self._unshare(c, f)
        self._protected = None
        for a in ("t", "si", "ref"):
            if a in f.attrib:
                del f.attrib[a]

    def shift_references(self, shift: RowShift | RowInsert, sheet: str) -> bool:
        """Formulas of this (another) sheet that point into ``sheet``: moved. True if any."""
        self._need_all()
        self._materialize()
        changed = False
        for f in list(self.sheet_data.iter(F)):
            text = f.text or ""
            if f.get("t") == "shared" and f.get("ref") is not None and sheet.casefold() in text.casefold():
                self._unshare_group(f)
        for f in self.sheet_data.iter(F):
            new = shift_formula(f.text, shift, sheet, on_sheet=False)
            if new != f.text:
                f.text = new
                changed = True
        for el in self.root.iter(m("formula"), m("formula1"), m("formula2"), f"{{{XM_NS}}}f"):
            new = shift_formula(el.text, shift, sheet, on_sheet=False)
            if new != el.text:
                el.text = new
                changed = True
        if changed:
            self.rows_moved = True                        # calcChain positions are stale
            self.changed = True
        return changed

    def clear_row(self, r: int, cols: range) -> None:
        """Values (not formulas, not formats) of ``cols`` in row ``r`` go — a table's last row
        that Excel keeps empty."""
        self._need(r)
        row_el = self.rows.get(r)
        if row_el is None:
            return
        cells, _ = self._row_cells(r, row_el)
        for col in cols:
            c = cells.get(col)
            if c is None or c.find(F) is not None:
                continue
            for child in list(c):
                if child.tag in (V, IS):
                    c.remove(child)
            for a in _CLEARED_ATTRS:
                c.attrib.pop(a, None)
        self.changed = True

    def _shift_ranges(self, shift: RowShift | RowInsert) -> None:
        for container_tag, item_tag, attr in _RANGE_ITEMS:
            container = self.root.find(m(container_tag))
            if container is None:
                continue
            for item in list(container.iterchildren(m(item_tag))):
                old = item.get(attr)
                if not old:
                    continue
                new = shift.sqref(old)
                if not new or (container_tag == "mergeCells" and is_single_cell(new)):
                    container.remove(item)
                    continue
                if new != old:
                    item.set(attr, new)
                if container_tag == "dataValidations":
                    self._shift_rule_formulas(item, shift, old, new)
            _fix_count(container, m(item_tag))
        for cf in list(self.root.iterchildren(m("conditionalFormatting"))):
            old = cf.get("sqref", "")
            new = shift.sqref(old)
            if not new:
                self.root.remove(cf)
                continue
            if new != old:
                cf.set("sqref", new)
            self._shift_rule_formulas(cf, shift, old, new)
        for sq in list(self.root.iter(f"{{{XM_NS}}}sqref")):
            old = sq.text or ""
            new = shift.sqref(old)
            owner = sq.getparent()
            if new:
                sq.text = new
                if owner is not None:
                    self._shift_rule_formulas(owner, shift, old, new)
                continue
            holder = owner.getparent() if owner is not None else None
            if owner is not None and holder is not None:
                holder.remove(owner)
                _fix_count(holder, owner.tag)
        _drop_empty_extensions(self.root)
        auto = self.root.find(m("autoFilter"))
        if auto is not None and (ref := auto.get("ref")):
            auto.set("ref", shift.range(ref) or ref)
        for sort in self.root.iter(m("sortState"), m("sortCondition")):
            if (ref := sort.get("ref")) is not None:
                sort.set("ref", shift.range(ref) or ref)
        breaks = self.root.find(m("rowBreaks"))
        if breaks is not None:
            for brk in list(breaks.iterchildren(m("brk"))):
                new_row = shift.new_row(int(brk.get("id", "0")))
                if new_row is None:
                    breaks.remove(brk)
                else:
                    brk.set("id", str(new_row))
            _fix_count(breaks, m("brk"))
            if breaks.get("manualBreakCount") is not None:
                breaks.set("manualBreakCount", str(len(breaks)))

    def _shift_rule_formulas(self, rule_owner: etree._Element, shift, old_sqref: str,
                             new_sqref: str) -> None:
        """Formulas of a validation / conditional format: references with '$' move as in a
        cell; relative ones keep their distance to the range's first cell (Excel keeps them
        as offsets)."""
        try:
            old_anchor = min(_first_row(p) for p in old_sqref.split())
            new_anchor = min(_first_row(p) for p in new_sqref.split())
        except ValueError:
            return
        for el in rule_owner.iter(m("formula"), m("formula1"), m("formula2"), f"{{{XM_NS}}}f"):
            new = shift_formula(el.text, shift, self.sheet, on_sheet=True,
                                anchor=(old_anchor, new_anchor))
            if new != el.text:
                el.text = new

    # --- finish --------------------------------------------------------------------------
    def to_xml(self) -> bytes:
        """The part's bytes (``opc.serialize``), the cells and rows kept as text included."""
        return b"".join(self.iter_xml())

    def keeps(self, text: bytes) -> bool:
        """Are the rows kept as bytes spans of ``text`` (the part's text as read)? (``Kept``)"""
        return self._raw_body is text

    @overload
    def iter_xml(self, consume: bool = ..., kept: Literal[False] = ...) -> Iterator[bytes | memoryview]: ...

    @overload
    def iter_xml(self, consume: bool, kept: Literal[True]) -> Iterator[bytes | memoryview | Kept]: ...

    def iter_xml(self, consume: bool = False, kept: bool = False) -> Iterator[bytes | memoryview | Kept]:
        """The part's bytes in pieces (joined: ``to_xml``) — the rows kept as bytes one stretch
        or one edited row at a time, so a big sheet is never held twice (``deflate_stream``).
        ``consume``: the last use of the patcher (``release`` follows) — an edited row's
        bytes and new cells are let go once given out, so a sheet being written shrinks as it
        goes (the 200,000-order Masterliste holds ~300 MB of them). ``kept``: a stretch of rows
        as read comes as where it lies in ``text`` (``Kept``), not as its bytes."""
        data = serialize(self.root)
        raw = self._raw
        holds = raw.holds_rows()
        pending = self._pending
        if holds:                 # the new cells of rows in the tree (the rows cut so far: a set's speed)
            outside = {r for r in pending.keys() - dict.keys(raw) if r not in raw}
            pending = {r: kept for r, kept in pending.items() if r in outside} if outside else {}
        if not (pending or self._pending_rows or holds):
            yield data
            return
        # Only elements can hold '<row r="…' or '<c r="…' in lxml's output — unless a
        # comment or processing instruction does: then make elements of them.
        plain = b"<!--" not in data and b"<?" not in data[2:]
        merged = self._with_pending(data, pending) if plain else None
        segments: list | None = None
        if merged is not None:
            segments = self._raw_segments(merged) if holds else [merged[:0], merged]
        if segments is not None:
            tail = self._with_pending_rows(segments[-1])   # new rows below the ones kept as bytes
            if tail is not None:
                for segment in segments[:-1]:
                    if isinstance(segment, list):
                        yield from self._raw_pieces(segment, consume, kept)
                    elif isinstance(segment, Kept):
                        yield segment if kept else memoryview(self._raw_body)[segment.start:segment.end]
                    elif segment:
                        yield segment
                yield tail
                return
        self._need_all()                          # not laid out as expected: use elements
        self._materialize()
        yield serialize(self.root)

    def _raw_segments(self, data: bytes) -> list | None:
        """``data`` (the tree's rows) cut where the rows kept as bytes go: bytes, and lists of
        those rows' numbers, in order; the last piece starts at ``</sheetData>``. None when
        <sheetData> or a row of the tree is not found unprefixed."""
        found = rawrows.SHEET_DATA_OPEN.search(data)
        if found is None:
            return None
        numbers = self._raw.cut_numbers()
        # the rows not cut yet come first: every row of the tree lies after them
        prefix = self._raw.prefix
        before: list = [Kept(*prefix)] if prefix else []
        if found.group(2):                                # <sheetData/>: no row in the tree
            return [data[:found.start()] + b"<sheetData" + (found.group(1) or b"") + b">", *before, numbers,
                    b"</sheetData>" + data[found.end():]]
        out: list = [data[:found.end()], *before]
        pos = found.end()
        k = 0
        for p in self._parsed:
            j = k
            while j < len(numbers) and numbers[j] < p:
                j += 1
            if j == k:
                continue
            at = data.find(b'<row r="%d"' % p, pos)
            if at < 0:
                return None
            out += [data[pos:at], numbers[k:j]]
            pos, k = at, j
        end = data.find(b"</sheetData>", pos)
        if end < 0:
            return None
        out += [data[pos:end], numbers[k:], data[end:]]
        return out

    def _raw_pieces(self, numbers: list[int], consume: bool = False,
                    kept: bool = False) -> Iterator[bytes | memoryview | Kept]:
        """The bytes of the rows ``numbers`` (kept as bytes, in order): rows nobody touched as
        one view of the part per stretch (``kept``: as where it lies, ``Kept``), the others
        rendered one by one (``consume``: and then forgotten, see ``iter_xml``)."""
        body: memoryview | _KeptSlicer = _KeptSlicer() if kept else memoryview(self._raw_body)
        spans, looked, pending = self._raw, self._raw_rows, self._pending
        run_start = run_end = -1
        for r in numbers:
            raw = looked.get(r)
            if (raw is None or not raw.edited) and r not in pending:
                start, end = spans[r]
                if start != run_end:
                    if run_end >= 0:
                        yield body[run_start:run_end]
                    run_start = start
                run_end = end
                continue
            if run_end >= 0:
                yield body[run_start:run_end]
                run_start = run_end = -1
            yield self._raw_bytes(r)
            if consume:
                if looked.pop(r, None) is self._hot:
                    self._hot = None
                pending.pop(r, None)
        if run_end >= 0:
            yield body[run_start:run_end]

    def _with_pending_rows(self, data: bytes) -> bytes | None:
        """``data`` with the rows kept as text at the end of <sheetData>, or None when it is
        not found unprefixed (as ``</sheetData>`` or ``<sheetData/>``)."""
        if not self._pending_rows:
            return data
        rows = "".join(text for _, text in self._pending_rows).encode()
        end = data.find(b"</sheetData>")
        if end >= 0:
            return data[:end] + rows + data[end:]
        empty = data.find(b"<sheetData/>")
        if empty < 0:
            return None
        return data[:empty] + b"<sheetData>" + rows + b"</sheetData>" + data[empty + 12:]

    def _with_pending(self, data: bytes, pending: dict[int, dict[int, tuple]]) -> bytes | None:
        """``data`` with the cells kept as text written in where lxml would put them, or None
        when a row or neighbouring cell is not found as ``<row r="…"``/``<c r="…"`` (another
        attribute first, a namespace prefix): then the caller makes elements of them."""
        if not pending:
            return data
        out: list[bytes] = []
        pos = 0
        letters = _LETTER_BYTES
        rests: dict[tuple, bytes] = {}                # the same cells recur (formats, Ja/Nein)
        for r in sorted(pending):
            start = data.find(b'<row r="%d"' % r, pos)
            tag_end = data.find(b">", start) if start >= 0 else -1
            if tag_end < 0:
                return None
            cols = self._row_cells(r, self.rows[r])[1]
            tail = b'%d"' % r
            before: dict[int, list[bytes]] = {}      # index of the next cell in the tree -> new
            for col, cell in sorted(pending[r].items()):
                rest = rests.get(cell)
                if rest is None:
                    rest = rests[cell] = cell_xml_rest(*cell).encode()
                before.setdefault(bisect_left(cols, col), []).append(
                    b'<c r="' + letters[col] + tail + rest)
            if data[tag_end - 1] == 0x2F:                 # <row …/>: no cells in the tree
                if cols:
                    return None
                out += [data[pos:tag_end - 1], b">", *before[0], b"</row>"]
                pos = tag_end + 1
                continue
            row_end = data.find(b"</row>", tag_end)
            if row_end < 0:
                return None
            pos_in_row = tag_end + 1
            for i, cells in before.items():
                if i < len(cols):
                    at = data.find(b'<c r="' + letters[cols[i]] + tail, pos_in_row, row_end)
                    if at < 0:
                        return None
                else:
                    at = row_end
                out.append(data[pos:at])
                out += cells
                pos = pos_in_row = at
        out.append(data[pos:])
        return b"".join(out)

    def _materialize(self, row: int | None = None) -> None:
        """The rows and cells kept as text (all, or those of ``row``) into the tree, before
        anything reads or moves the cells of their row."""
        if self._pending_rows and (row is None or row >= self._pending_rows[0][0][0]):
            chunks, self._pending_rows = self._pending_rows, []
            for numbers, text in chunks:
                fragment = parse_xml(f'<sheetData xmlns="{MAIN_NS}">{text}</sheetData>'.encode(),
                                     "neue Zeilen", self.file)
                new_rows = list(fragment)
                self.sheet_data.extend(new_rows)  # lxml re-binds them to this sheet's namespace
                self.rows.update(zip(numbers, new_rows, strict=True))
                self._row_numbers.extend(numbers)         # below every row, those not cut yet too
                self._parsed.extend(numbers)
        if not self._pending or (row is not None and row not in self._pending):
            return
        if row is not None and row in self._raw:
            return                                        # rendered with its row's bytes
        if row is not None:
            rows = {row: self._pending.pop(row)}
        elif self._raw.holds_rows():                      # (no row not cut yet has new cells)
            rows = {r: kept for r, kept in self._pending.items() if r not in self._raw}
            self._pending = {r: kept for r, kept in self._pending.items() if r in self._raw}
            if not rows:
                return
        else:
            rows, self._pending = self._pending, {}
        parts = []
        for r, kept in rows.items():
            parts.append("<row>")
            parts += [f'<c r="{_LETTERS[col]}{r}"{cell_xml_rest(*cell)}'
                      for col, cell in sorted(kept.items())]
            parts.append("</row>")
        text = "".join(parts)
        fragment = parse_xml(f'<sheetData xmlns="{MAIN_NS}">{text}</sheetData>'.encode(),
                             "neue Zellen", self.file)
        for (r, kept), new_row in zip(rows.items(), fragment, strict=True):
            row_el = self.rows[r]
            cells, cols = self._row_cells(r, row_el)
            for col, c in zip(sorted(kept), list(new_row), strict=True):
                self._place(row_el, cells, cols, col, c)   # lxml re-binds it to this sheet

    def release(self) -> None:
        """The patcher is done (its sheet serialised): drop the index and free the rows one at
        a time. Freeing a big tree in one call holds the GIL for a tenth of a second or more;
        the worker thread, deflating meanwhile, needs it every few megabytes."""
        self._shared = self._protected = None
        self._pending.clear()
        self._pending_rows.clear()
        self._raw.clear()
        self._raw_rows.clear()
        self._hot = None
        self._raw_body = b""
        if self._released:
            return
        cells, rows, data = self._cells, self.rows, self.sheet_data
        for r in self._parsed:
            cells.pop(r, None)
            row = rows.pop(r, None)
            if row is not None and row.getparent() is data:
                data.remove(row)
        cells.clear()
        rows.clear()
        self._released = True
        del self.root, self.sheet_data                    # the tree goes with them

    def grow_dimension(self) -> None:
        """Widen <dimension ref> to include every cell this run touched."""
        dim = self.root.find(m("dimension"))
        e = self._extent
        if dim is None or e is None:
            return
        old = dim.get("ref", "")
        box = list(e)
        for part in old.split(":") if old else []:
            try:
                r, c = split_cell_ref(part)
            except ValueError:
                return                                       # unusual ref: leave it alone
            box = [min(box[0], r), min(box[1], c), max(box[2], r), max(box[3], c)]
        new = _range_text(*box)
        if new != old:
            dim.set("ref", new)


class _LetterCache(dict):
    """3 -> 'C', filled on demand."""

    def __missing__(self, col: int) -> str:
        letters = self[col] = col_letter(col)
        return letters


_LETTERS = _LetterCache()


class _LetterBytes(dict):
    """3 -> b'C', filled on demand."""

    def __missing__(self, col: int) -> bytes:
        letters = self[col] = col_letter(col).encode()
        return letters


_LETTER_BYTES = _LetterBytes()
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})


def _style_in(shape: tuple, i: int) -> str | None:
    """The s= of cell ``i`` of a row of ``shape`` (None when it has none), as ``RawRow.style_of``."""
    if shape[1][i]:
        return shape[1][i].decode()
    rest = shape[2][i]
    if b' s="' in rest and (found := rawrows.STYLE_ATTR.search(rest)):
        return found.group(1).decode()
    return None


def _new_cell_s(xf: int, base: int) -> tuple[str | None, bool]:
    """(s= of a new cell made with format ``base`` and given format ``xf``, does s= come
    before t=): ``write`` sets s= when making the cell if it has a format, else after t=."""
    return (str(xf) if xf or base else None), bool(base)


def cell_xml_rest(kind: str | None, text: str | None, s: str | None, s_first: bool) -> str:
    """A new cell after its ``<c r="…"`` as lxml serialises what ``write`` builds from an
    encoded value (``_encode``), or a format-only cell (``text`` None)."""
    t = "" if kind is None else f' t="{kind}"'
    attrs = f' s="{s}"{t}' if s_first and s is not None else (f'{t} s="{s}"' if s is not None else t)
    if text is None:
        return f'{attrs}/>'
    if kind == INLINE:
        if "&" in text or "<" in text or ">" in text or "\r" in text:
            text = text.translate(_TEXT_ESCAPES)
        return f'{attrs}><is><t xml:space="preserve">{text}</t></is></c>'
    return f'{attrs}><v>{text}</v></c>'


def _used_columns(rows: list[list[CellValue]]) -> tuple[int, int]:
    """The first and the last column (1-based) holding a value in ``rows`` ((0, 0): none);
    looked for column by column from the edges (a header row usually answers at once)."""
    width = max(map(len, rows), default=0)

    def used(c: int) -> bool:
        return any(len(r) > c and r[c] is not None and r[c] != "" for r in rows)

    first = next((c for c in range(width) if used(c)), None)
    if first is None:
        return 0, 0
    last = next(c for c in range(width - 1, first - 1, -1) if used(c))
    return first + 1, last + 1


def _range_text(r1: int, c1: int, r2: int, c2: int) -> str:
    a, b = cell_ref(r1, c1), cell_ref(r2, c2)
    return a if a == b else f"{a}:{b}"


def _fix_count(container: etree._Element, item_tag: str) -> None:
    n = sum(1 for _ in container.iterchildren(item_tag))
    parent = container.getparent()
    if n == 0 and parent is not None:
        parent.remove(container)
    elif container.get("count") is not None:
        container.set("count", str(n))


def _drop_empty_extensions(root: etree._Element) -> None:
    """Remove the sheet's extensions left without content (an <ext> whose x14 data validations
    or conditional formats all went with removed rows), then an <extLst> left without any: the
    schema wants at least one child in each, and Excel repairs a file that has an empty one."""
    ext_lst = root.find(m("extLst"))
    if ext_lst is None:
        return
    for ext in list(ext_lst.iterchildren(m("ext"))):
        if next(ext.iterchildren(etree.Element), None) is None:
            ext_lst.remove(ext)
    if next(ext_lst.iterchildren(etree.Element), None) is None:
        root.remove(ext_lst)


def _first_row(ref: str) -> int:
    """First row of a range ('B3:C9' -> 3; whole columns -> 1)."""
    digits = "".join(ch for ch in ref.split(":")[0] if ch.isdecimal())
    return int(digits) if digits else 1


def new_sheet_root(file: str, frozen_header: bool) -> etree._Element:
    """A fresh worksheet (first row frozen when it is a header)."""
    root = parse_xml(NEW_SHEET_XML, "neues Blatt", file)
    if not frozen_header:
        view = root.find(f"{m('sheetViews')}/{m('sheetView')}")
        assert view is not None, "NEW_SHEET_XML has a sheet view"
        for child in list(view):
            view.remove(child)
    return root


__all__ = ["MAIN_NS", "NEW_SHEET_XML", "SheetPatcher", "new_sheet_root"]
