"""A worksheet's rows kept as the bytes they were read as.

A run changes a few cells of most rows (a status, a computed column, a fill) and nothing of the
rest; parsing the whole sheet into a tree, editing it and serialising it again costs time and
memory in proportion to the rows present. Here the part is cut into a *skeleton* (everything
but the rows, parsed as usual) and the rows of ``<sheetData>`` as byte spans. A row the run
does not touch is copied as it is; a row it touches in a plain way (a cell's format, a value in
a cell without formula, new cells) is edited as bytes (``RawRow``); anything else parses that
one row into the tree (``SheetPatcher._need``).

Only plainly written parts take this path (``split``): UTF-8, the main namespace unprefixed,
nothing but ``<row>`` elements in ``<sheetData>`` (no comments, processing instructions or
CDATA sections), every row with its number. Anything else is parsed whole, as before.
"""
from __future__ import annotations

import operator
import re
from array import array
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field

from ..core.cells import col_letter, col_number
from . import memsearch

SHEET_DATA_OPEN = re.compile(rb"<sheetData(\s[^>]*)?(/?)>")
_AFTER_NAME = frozenset(b" \t\r\n/>")
_ROW_NUMBER = re.compile(rb'\sr=(?:"(\d+)"|\'(\d+)\')')
_ROW_NUMBER_ATTR = re.compile(rb'(\sr=)(?:"\d+"|\'\d+\')')
# A cell as Excel, LibreOffice, openpyxl and XlsxWriter write it: r= first, then maybe s=, then
# other attributes (double-quoted, without '/' or '>'), then its content (possessive: no
# backtracking). Cells written otherwise make the row parse into the tree.
_CELL = re.compile(rb'(<c r="([A-Z]{1,3})(\d+)"(?: s="(\d+)")?([^>/]*+)'
                   rb'(?:/>|>([^<]*+(?:<(?!/c>)[^<]*+)*+)</c>))')
_CELL_HEAD = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"(?: s="(\d+)")?([^>/]*+)')   # _CELL's start
# A cell's content after a start tag ending '">', through the '</c>' that ends it (as _CELL reads it):
# a row with these left out is its cells' start tags (``RawRow._read_start_tags``).
_CONTENT = re.compile(rb'">[^<]*+(?:<(?!/c>)[^<]*+)*+</c>')
_ATTR = re.compile(rb'\s([\w:.-]+)="([^"<]*)"')
_PLAIN_ATTRS = re.compile(rb'(?:\s[\w:.-]+="[^"<]*")*\s*')
_STYLE_ATTR = STYLE_ATTR = re.compile(rb'\ss="(\d+)"')
_SPANS = re.compile(rb'\sspans="(\d+):(\d+)"')
_CUSTOM_FORMAT = re.compile(rb'\scustomFormat="(1|true)"')
_HAS_VALUE = re.compile(rb"<(?:f|is)[\s/>]|<v(?:\s[^>]*)?>[^<]")
# Rows exactly as the product writes rows of texts (``SheetPatcher._row_texts``): no attribute
# but r=, each cell of its row with a non-empty inline string and nothing else — no format, no
# formula, no rich text, no raw carriage return (the encoder writes '&#13;').
_TEXT_ROWS = re.compile(rb'(?:<row r="([1-9]\d*)">(?:<c r="[A-Z]{1,3}\1" t="inlineStr"><is>'
                        rb'<t xml:space="preserve">[^<\r]++</t></is></c>)++</row>)++')


@dataclass
class RawSheet:
    """A part cut apart: ``skeleton`` (the part with an empty ``<sheetData>``), ``body`` (the
    part's bytes, kept whole: no copy of its rows) and, per row in order, its number and span
    in ``body``. ``prefix``: the span of the rows before the first of them, not cut yet
    (``split``'s ``tail``; ``rows_in`` cuts them)."""
    skeleton: bytes
    body: bytes
    numbers: list[int]
    spans: list[tuple[int, int]]
    prefix: tuple[int, int] | None = None


def split(data: bytes, tail: int | None = None) -> RawSheet | None:
    """The part as a RawSheet, or None when it is not written plainly (see module doc). With
    ``tail``, only the last ``tail`` rows are cut; the rows before them are left as one span (a
    long log that a run only appends to costs what its last rows cost)."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return None
    head = data[:200]
    if head.startswith(b"<?xml") and b"encoding" in head.split(b"?>", 1)[0] and not re.search(
            rb'encoding=["\'](?i:utf-8)["\']', head.split(b"?>", 1)[0]):
        return None
    found = SHEET_DATA_OPEN.search(data)
    if found is None:
        return None
    if found.group(1) and b"xmlns" in found.group(1):
        return None
    if found.group(2):                                   # <sheetData/>
        return None if data.find(b"<sheetData", found.end()) >= 0 else RawSheet(data, b"", [], [])
    close = data.rfind(b"</sheetData>")
    if close < found.end() or data.find(b"<sheetData", close) >= 0:
        return None
    body = data
    first = pos = found.end()
    if tail is not None:                                 # the start of the tail-th row from the end
        pos = close
        for _ in range(tail):
            pos = body.rfind(b"<row", first, pos)
            if pos < 0:
                pos = first
                break
    if not plain_between(body, pos, close):
        return None
    cut = rows_in(body, pos, close)
    if cut is None:
        return None
    prefix = (first, pos) if pos > first else None
    return RawSheet(data[:found.end()] + data[close:], body, *cut, prefix=prefix)


def plain_between(body: bytes, start: int, end: int) -> bool:
    """Nothing in ``body[start:end]`` (rows) that cutting it into rows could misread: no
    comment, processing instruction or CDATA section, no other sheetData."""
    ahead = _ahead
    if ahead is not None and ahead.body is body and ahead.first <= start <= end <= ahead.close:
        return True                                      # (a stretch of a plain one)
    return not any(memsearch.find(body, mark, start, end) >= 0 for mark in (b"<!--", b"<?", b"<![CDATA[", b"sheetData"))


@dataclass(frozen=True)
class _Ahead:
    """All rows of a sheet's text, cut before the writer asks (``cut_ahead``), and the first
    of them read as the writer reads them (``looked``: a row's first byte -> its RawRow, read
    from its cells' start tags; each given out once, ``looked_ahead``)."""
    body: bytes
    first: int                       # just after <sheetData>
    close: int                       # </sheetData>
    numbers: list[int]
    spans: list[tuple[int, int]]
    starts: array                    # each row's first byte
    looked: dict[int, RawRow] = field(default_factory=dict)

    def rows(self, pos: int, close: int) -> tuple[list[int], list[tuple[int, int]]] | None:
        """``rows_in(body, pos, close)`` from the rows cut — when ``pos`` and ``close`` lie
        where a row begins (or at the stretch's ends); else None."""
        i = 0 if pos == self.first else bisect_left(self.starts, pos)
        j = len(self.starts) if close == self.close else bisect_left(self.starts, close)
        if (pos != self.first and (i == len(self.starts) or self.starts[i] != pos)) or \
                (close != self.close and (j == len(self.starts) or self.starts[j] != close)) or i > j:
            return None
        return self.numbers[i:j], self.spans[i:j]


LOOK_STRIDE = 64         # rows read ahead between two questions whether there is time for more
# The rows of the one sheet cut ahead (``cut_ahead``): the reader cuts the biggest sheet's text
# while it waits for calamine to build its grid; the writer's ``split`` and ``rows_in`` take
# them from here (``forget_ahead`` when the run is done).
_ahead: _Ahead | None = None


def cut_ahead(data: bytes, stop: Callable[[], bool] | None = None) -> None:
    """Cut the rows of the sheet text ``data`` now, for the writer to take them (what
    ``rows_in`` and ``plain_between`` would find on any stretch of them); nothing kept when its
    rows cannot be cut (the writer reads it its own way). With ``stop``: its rows are then read
    as the writer reads them (``RawRow`` from the cells' start tags), in order, until ``stop()``
    says there is no more time."""
    global _ahead
    _ahead = None
    found = SHEET_DATA_OPEN.search(data)
    if found is None or found.group(2) or (found.group(1) and b"xmlns" in found.group(1)):
        return
    first, close = found.end(), data.rfind(b"</sheetData>")
    if close < first or not plain_between(data, first, close):
        return
    cut = rows_in(data, first, close)
    if cut is None:
        return
    ahead = _ahead = _Ahead(data, first, close, *cut, array("q", (start for start, _ in cut[1])))
    if stop is None:
        return
    looked = ahead.looked
    for i, (number, (start, end)) in enumerate(zip(*cut, strict=True)):
        if not i % LOOK_STRIDE and stop():
            break
        row = RawRow(data[start:end], number, False)
        if row.cells is not None:                     # (cut to be read: as the writer keeps it)
            row.compact()
        looked[start] = row


def looked_ahead(body: bytes, start: int, number: int) -> RawRow | None:
    """The row ``number`` beginning at ``start`` of ``body``, read ahead (``cut_ahead``) — given
    out once; None when it was not."""
    ahead = _ahead
    if ahead is None or ahead.body is not body:
        return None
    row = ahead.looked.pop(start, None)
    return row if row is not None and row.number == number else None


def forget_ahead() -> None:
    global _ahead
    _ahead = None


def rows_in(body: bytes, pos: int, close: int) -> tuple[list[int], list[tuple[int, int]]] | None:
    """The numbers and spans of the rows in ``body[pos:close]``, in order; None when it holds
    anything but rows (each with its number)."""
    ahead = _ahead
    if ahead is not None and ahead.body is body and ahead.first <= pos <= close <= ahead.close:
        taken = ahead.rows(pos, close)
        if taken is not None:
            return taken
    numbers: list[int] = []
    spans: list[tuple[int, int]] = []
    find, search = body.find, _ROW_NUMBER.search
    while (start := find(b"<row", pos, close)) >= 0:
        if start != pos and body[pos:start].strip():
            return None                                  # something other than rows
        tag_end = find(b">", start, close)
        if tag_end < 0 or body[start + 4] not in _AFTER_NAME:
            return None
        if body[tag_end - 1] == 0x2F:                    # <row …/>
            end = tag_end + 1
        else:
            end = find(b"</row>", tag_end, close)
            if end < 0:
                return None
            end += 6
        number = search(body, start, tag_end)
        if number is None:
            return None
        numbers.append(int(number.group(1) or number.group(2)))
        spans.append((start, end))
        pos = end
    if body[pos:close].strip():
        return None
    return numbers, spans


def moved_row(data: bytes, old: int, new: int) -> bytes:
    """A plain row's bytes (every cell ``<c r="…old"``, see ``RawRow.cut``) as row ``new``."""
    end = data.find(b">")
    head = data[:end]
    found = _ROW_NUMBER_ATTR.search(head)
    if found is not None:                                 # its r=, the whitespace before it kept
        head = head[:found.end(1)] + b'"%d"' % new + head[found.end():]
    cells = data[end:].split(b'<c r="')
    was, now = b'%d"' % old, b'%d"' % new
    for i in range(1, len(cells)):                        # each begins with its letters, then old"
        cells[i] = cells[i].replace(was, now, 1)
    return head + b'<c r="'.join(cells)


def moved_text_rows(text: str, new_row: Callable[[int], int | None]) -> str:
    """Rows written as text by the writer itself (values only: ``<row r="…">`` and cells
    ``<c r="…">``) with each row number ``n`` made ``new_row(n)``."""
    rows = text.split('<row r="')
    for i in range(1, len(rows)):                         # each begins with its number, then '"'
        row = rows[i]
        n = row[:row.index('"')]
        was, now = f'{n}"', f'{new_row(int(n))}"'
        cells = row.split('<c r="')
        cells[0] = now + cells[0][len(was):]
        for k in range(1, len(cells)):                    # each begins with its letters, then n"
            cells[k] = cells[k].replace(was, now, 1)
        rows[i] = '<c r="'.join(cells)
    return '<row r="'.join(rows)


class _ColumnLetters(dict):
    """'AB' -> 28, filled on demand (None for what is not column letters)."""

    def __missing__(self, letters: str) -> int | None:
        if not letters or not letters.isalpha() or len(letters) > 3 or not letters.isupper():
            return None
        col = self[letters] = col_number(letters)
        return col


class _ColumnLetterBytes(dict):
    """b'AB' -> 28, filled on demand (None for what is not column letters)."""

    def __missing__(self, letters: bytes) -> int | None:
        col = self[letters] = LETTER_COLUMNS[letters.decode("latin-1")]
        return col


class _LetterBytes(dict):
    """28 -> b'AB', filled on demand."""

    def __missing__(self, col: int) -> bytes:
        letters = self[col] = col_letter(col).encode()
        return letters


LETTER_COLUMNS = _ColumnLetters()
LETTERS = _LetterBytes()
COLUMNS = _ColumnLetterBytes()


# Row shapes met, each kept once: a RawRow keeps its shape after its cells are dropped (a fill
# that follows the row's writes needs it) when it is one of these — 20,000 rows of an agent's
# sheet have a few hundred to two thousand shapes; past the limit, rows keep none (as before).
# Its columns are worked out once too, one array for every row of the shape (never changed).
_SHAPES: dict[tuple, tuple] = {}       # shape -> (it, its columns, are they columns in ascending order)
_MAX_SHAPES = 10_000
# The start tags of a plain row's cells, '/>' read as '>', without its number -> (its shape and
# columns, the start tags with the number as %s): a row of a shape met is read from them.
_START_TAGS: dict[bytes, tuple] = {}
# (a row's columns, its new cells' columns) -> how ``RawRow._place`` makes the row
_MERGES: dict[tuple, tuple] = {}


class RawRow:
    """One row's bytes: its start tag ``open`` and the bytes of its cells ``inner``, edits
    applied. While a row is worked on, ``cells`` holds it cut into cells (``_CELL`` groups: the
    whole cell, column letters, row digits, s=, other attributes, content) and ``cols`` their
    columns; ``compact`` joins them back (a run touches 100,000s of rows: their cells are not
    kept as objects). ``plain`` is False when the row holds anything but such cells (an
    <extLst>, whitespace, another attribute layout, a cell of another row): the caller parses
    it into the tree, which names what is wrong."""
    __slots__ = ("cells", "cols", "edited", "inner", "last", "number", "open", "plain", "shape", "shared_shape",
                 "spans", "style")

    def __init__(self, data: bytes, number: int, cut: bool = True) -> None:
        end = data.find(b">")
        self.edited = False
        self.number = number
        if data[end - 1] == 0x2F:                        # <row …/>
            self.open = data[:end - 1] + b">"
            self.inner = b""
        else:
            self.open = data[:end + 1]
            self.inner = data[end + 1:-6]
        self.style = row_style(self.open) if b"customFormat" in self.open else None
        self.spans: tuple[int, int] | None = None        # its spans= once read (``grow_spans``)
        self.cells: list[tuple] | None = None
        self.cols: list[int] = []
        self.last = 0                                    # the column of the last cell (0: none)
        # (column letters, s=, other attributes) of the cells: rows of the same shape get the
        # same formats from the same fill
        self.shape: tuple[tuple[bytes, ...], ...] = ()
        self.shared_shape = False
        self.plain = True
        if cut:
            self.cut()
        else:
            self._read_start_tags()

    def _read_start_tags(self) -> None:
        """The row as ``cut`` and ``compact`` leave a plain row (no cells; ``shape``, ``cols``,
        ``last``), read from its cells' start tags when they are those of a plain row cut before,
        with this row's number, each ending '/>' or '">' and a content through its '</c>' — what
        ``_CELL`` reads, for half of what cutting costs. Else cut (its start tags remembered when
        it is plain)."""
        inner = self.inner
        tags = _CONTENT.sub(b'">', inner)                 # '<c r="A7" s="2"><c r="B7"/>…'
        key = tags.replace(b'"/>', b'">')
        digits = b"%d" % self.number
        known = _START_TAGS.get(key.replace(digits + b'"', b'"'))
        if known is not None:
            shape, cols, template = known
            if key == template % ((digits,) * len(cols)) and inner.count(b"</c>") == tags.count(b'">'):
                self.shape, self.cols, self.last, self.shared_shape = shape, cols, cols[-1], True
                return
        self.cut()
        if (known is None and self.plain and self.shared_shape and self.cells
                and len(_START_TAGS) < _MAX_SHAPES):
            template = _start_tags(self.shape)
            if key == template % ((digits,) * len(self.cells)):
                _START_TAGS[key.replace(digits + b'"', b'"')] = (self.shape, self.cols, template)

    def cut(self) -> None:
        """``cells`` and ``cols`` from ``inner`` (again, after ``compact``)."""
        if self.cells is not None:
            return
        inner = self.inner
        cells = self.cells = _CELL.findall(inner)
        if not cells:
            self.cols = []
            self.last = 0
            self.shape = ((), (), ())
            self.plain = not inner
            return
        wholes, letters, digits, styles, rests, _ = zip(*cells, strict=True)
        shape = (letters, styles, rests)
        known = _SHAPES.get(shape)
        self.shared_shape = known is not None
        if known is None:
            found = list(map(COLUMNS.__getitem__, letters))
            ordered = None not in found and all(map(operator.lt, found, found[1:]))
            known = (shape, array("H", found) if ordered else found, ordered)
            if len(_SHAPES) < _MAX_SHAPES:
                _SHAPES[shape] = known
                self.shared_shape = True
        self.shape, cols, ordered = known
        self.cols = cols
        self.last = cols[-1] or 0
        if self.plain and not self.edited and (     # checked once: edits keep a row plain
                sum(map(len, wholes)) != len(inner)    # the cells tile the row: nothing else in it
                or digits.count(b"%d" % self.number) != len(digits) or not ordered):
            self.plain = False

    def compact(self) -> None:
        """Drop the cut cells (``inner`` holds them); ``cols`` stay right (edits keep columns), as
        two bytes a column; ``shape`` stays (a shared tuple) until ``inner`` changes."""
        self.cells = None
        if not self.shared_shape:                       # a row's own shape costs a few KB
            self.shape = ()
        if type(self.cols) is list:
            self.cols = array("H", self.cols)              # type: ignore[assignment]

    def _changed(self) -> None:
        """``inner`` from the edited cells; cut again when next needed (``shape`` follows)."""
        assert self.cells is not None
        self.inner = b"".join(c[0] for c in self.cells)
        self.edited = True
        self.shape = ()
        self.compact()

    def style_of(self, i: int) -> str | None:
        """The s= of cell ``i`` (None when it has none)."""
        assert self.cells is not None
        cell = self.cells[i]
        if cell[3]:
            return cell[3].decode()
        if b' s="' in cell[4] and (found := _STYLE_ATTR.search(cell[4])):
            return found.group(1).decode()
        return None

    def simple(self, i: int) -> bool:
        """Cell ``i`` holds at most a value (no formula, no extension) and its attributes are
        plain: a new value can replace it as bytes."""
        assert self.cells is not None
        cell = self.cells[i]
        content = cell[5]
        rest = cell[4]
        if rest and (b' s="' in rest or _PLAIN_ATTRS.fullmatch(rest) is None):
            return False
        return b"<f" not in content and b"<extLst" not in content

    def set_styles(self, styles: dict[int, bytes]) -> None:
        """Cells ``i`` get s= ``styles[i]`` (``style_attrs``)."""
        cells = self.cells
        assert cells is not None
        wholes = [c[0] for c in cells]
        for i, s in styles.items():
            whole, letters, digits, old, rest, _ = cells[i]
            at = 7 + len(letters) + len(digits)              # after '<c r="A1"'
            wholes[i] = whole[:at] + style_attrs(old, rest, s) + whole[at + attrs_length(old, rest):]
        self.inner = b"".join(wholes)
        self.edited = True
        self.shape = ()
        self.compact()

    def set_cell(self, i: int, whole: bytes) -> None:
        """Cell ``i`` replaced by ``whole`` (a rendered cell of the same column)."""
        found = _CELL.fullmatch(whole)
        assert found is not None and self.cells is not None, whole
        self.cells[i] = tuple(g or b"" for g in found.groups())    # as findall gives them
        self._changed()

    def kept_attrs(self, i: int) -> list[tuple[str, str]]:
        """Cell ``i``'s attributes but r= and s=, in order (values as written, unescaped
        entities kept)."""
        assert self.cells is not None
        rest = self.cells[i][4]
        return [(k.decode(), v.decode()) for k, v in _ATTR.findall(rest)]

    def grow_spans(self, lo: int, hi: int) -> None:
        """The row's spans= (if it has one) widened to columns ``lo``..``hi``."""
        spans = self.spans
        if spans is not None and spans[0] <= lo and hi <= spans[1]:
            return                                       # (a row's cells grow it a few times)
        found = _SPANS.search(self.open)
        if found is None:
            return
        a, b = int(found.group(1)), int(found.group(2))
        if not (a <= lo and hi <= b):
            a, b = min(a, lo), max(b, hi)
            self.open = self.open[:found.start()] + b' spans="%d:%d"' % (a, b) + self.open[found.end():]
            self.edited = True
        self.spans = (a, b)

    def render(self, cols: list[int] | None = None, rests: list[bytes] | None = None) -> bytes:
        """The row's bytes with its edits and new cells in the columns ``cols`` (ascending), each
        given by its XML after its reference (``rests``, ``"`` included: the cell is ``<c r="``
        + letters + number + rest)."""
        if not cols or rests is None:
            return self.open + self.inner + b"</row>"
        if self.cells is None and self.cols:            # put in by a template, not cut
            placed = self._place(cols, rests)
            if placed is not None:
                return placed
        tail = b'%d"' % self.number
        new = [(col, b'<c r="' + LETTERS[col] + tail + rest) for col, rest in zip(cols, rests, strict=True)]
        if new[0][0] > self.last:                        # new cells after the row's last one
            return self.open + self.inner + b"".join([cell for _, cell in new]) + b"</row>"
        was_cut = self.cells is not None
        self.cut()
        assert self.cells is not None
        parts = [self.open]
        own = self.cols
        j = 0
        for i, cell in enumerate(self.cells):
            while j < len(new) and new[j][0] < own[i]:
                parts.append(new[j][1])
                j += 1
            parts.append(cell[0])
        parts += [cell for _, cell in new[j:]]
        parts.append(b"</row>")
        if not was_cut:
            self.compact()
        return b"".join(parts)

    def _place(self, cols: list[int], rests: list[bytes]) -> bytes | None:
        """The row (not cut) with the new cells put between its cells in column order, by a
        template per (its columns, the new cells' columns) (``_merge_template``): its cells split
        at their '<c r="', its start tag, its number and the new cells' rests as the template's
        values. None when a cell new ones go next to does not begin with its reference."""
        key = (tuple(self.cols), tuple(cols))
        made = _MERGES.get(key)
        if made is None:
            made = _merge_template(self.cols, cols)
            if len(_MERGES) < _MAX_SHAPES:
                _MERGES[key] = made
        template, order, checks = made
        cells = self.inner.split(b'<c r="')
        if len(cells) != len(self.cols) + 1 or cells[0]:
            return None
        tail = b'%d"' % self.number
        for k, letters in checks:
            if not cells[k].startswith(letters + tail):
                return None
        cells[0] = self.open
        cells.append(tail)
        cells += rests
        return template % order(cells)


def _merge_template(cols, new_cols: list[int]) -> tuple[bytes, operator.itemgetter, tuple[tuple[int, bytes], ...]]:
    """``RawRow._place``'s way of making a row of cells in columns ``cols`` with new cells in
    ``new_cols``: a %-template (the row's start tag, each cell as '<c r="' and what follows it,
    each new cell as '<c r="' + its letters, the row number and its rest, '</row>'), the getter
    that orders the values [start tag, cell 1 … cell n, row number, rest 1 … rest m] for it, and
    (index of a cell in those values, its letters) for each cell new ones go after or before —
    what ``_place`` checks."""
    n = len(cols)
    segments, order, checks = [b"%s"], [0], set()
    j = 0
    for i, col in enumerate(cols):
        if j < len(new_cols) and new_cols[j] < col:
            checks.add(i + 1)
        while j < len(new_cols) and new_cols[j] < col:
            segments.append(b'<c r="' + LETTERS[new_cols[j]] + b"%s%s")
            order += [n + 1, n + 2 + j]
            j += 1
        segments.append(b'<c r="%s')
        order.append(i + 1)
    if j < len(new_cols) and n:
        checks.add(n)
    while j < len(new_cols):
        segments.append(b'<c r="' + LETTERS[new_cols[j]] + b"%s%s")
        order += [n + 1, n + 2 + j]
        j += 1
    segments.append(b"</row>")
    return (b"".join(segments), operator.itemgetter(*order),
            tuple((k, LETTERS[cols[k - 1]]) for k in sorted(checks)))


def style_attrs(old: bytes, rest: bytes, new: bytes) -> bytes:
    """A cell's attributes after r= — its s= ``old`` when that stands first (else empty) and the
    others ``rest`` — with s= ``new``: in place of its s=, else as its last attribute."""
    if old:
        return b' s="' + new + b'"' + rest
    if b' s="' in rest and _STYLE_ATTR.search(rest):
        return _STYLE_ATTR.sub(b' s="' + new + b'"', rest, count=1)
    return rest + b' s="' + new + b'"'


def attrs_length(old: bytes, rest: bytes) -> int:
    """The length of the attributes ``style_attrs`` replaces."""
    return len(rest) + (len(old) + 5 if old else 0)        # ' s="' old '"'


def _start_tags(shape: tuple) -> bytes:
    """The start tags of the cells of a row of ``shape``, each ending '>', its number %s."""
    return b"".join(b'<c r="' + letters + b'%s"' + (style_attrs(style, rest, style) if style else rest
                                                      ).replace(b"%", b"%%") + b">"
                    for letters, style, rest in zip(*shape, strict=True))


def forget_shapes() -> None:
    """Let go of the row shapes met (a run's end)."""
    _SHAPES.clear()
    _START_TAGS.clear()
    _MERGES.clear()


def shape_of(body: bytes, start: int, end: int, number: int) -> tuple | None:
    """The ``shape`` the row ``body[start:end]`` would have when cut, read from its cells' start
    tags only (None when a cell is not written as ``_CELL`` reads it, or names another row)."""
    heads = _CELL_HEAD.findall(body, start, end)
    if not heads or len(heads) != body.count(b"<c ", start, end):
        return None
    letters, digits, styles, rests = zip(*heads, strict=True)
    if digits.count(b"%d" % number) != len(digits):
        return None
    return (letters, styles, rests)


def row_style(open_tag: bytes) -> int | None:
    """The row's own format (customFormat) from its start tag, else None."""
    if _CUSTOM_FORMAT.search(open_tag) and (found := _STYLE_ATTR.search(open_tag)):
        return int(found.group(1))
    return None


def text_rows(body: bytes, start: int, end: int, cells: int) -> bool:
    """Are ``body[start:end]`` rows written as the product writes rows of texts, ``cells`` cells
    in all, none with an ``_xHHHH_`` escape? Then the values a reader finds in them are the texts
    that would be written there again, as the same cells without format."""
    return (_TEXT_ROWS.fullmatch(body, start, end) is not None and body.find(b"_x", start, end) < 0
            and body.count(b"<c ", start, end) == cells)


def renumbered(body: bytes, numbers: list[int], spans: list[tuple[int, int]], shift: int,
               cells: int) -> list[bytes | memoryview] | None:
    """The rows ``numbers`` of ``body`` (at ``spans``; ``text_rows`` with ``cells`` cells)
    ``shift`` rows up; None when a text holds what looks like its row's number (then they are
    written anew). Without a '"' in any text (the quotes are the attributes': 2 a row, 6 a
    cell) every 'N"' in row N is one of its references."""
    start, end = spans[0][0], spans[-1][1]
    checked = body.count(b'"', start, end) != 2 * len(numbers) + 6 * cells
    out: list[bytes | memoryview] = []
    for n, (a, b) in zip(numbers, spans, strict=True):
        row, mark = body[a:b], b'%d"' % n
        if checked and row.count(mark) != row.count(b"<c ") + 1:
            return None
        out.append(row.replace(mark, b'%d"' % (n - shift)))
    return out


# A cell formula's start tag, unprefixed or prefixed (each led by a literal: a fast search).
FORMULA_MARKERS = (re.compile(rb"<f[\s>/]"), re.compile(rb":f[\s>/]"))


def has_formula(data: bytes) -> bool:
    """Could ``data`` (rows, or a whole part) hold a cell formula (``<f>``, prefixed or not)?"""
    return any(marker.search(data) for marker in FORMULA_MARKERS)


def has_value(data: bytes) -> bool:
    """Does the row (bytes) hold a value, a formula or an inline string?"""
    return _HAS_VALUE.search(data) is not None


# A row's attributes that say nothing about its cells' formats (no s=, no customFormat).
_LAYOUT_ATTRS = (rb'(?: (?:spans|ht|customHeight|hidden|outlineLevel|collapsed|thickTop|thickBot|x14ac:dyDescent)'
                 rb'="[^"<&]*+")*+')
_CELL_TYPE = rb'(?: t="(?:s(?:tr)?|n|b|e|d|inlineStr)")?+'
# What a plain cell holds: nothing, a value or an inline string without rich text.
_PLAIN_CONTENT = rb'(?>/>|>(?><v>[^<]*+</v>|<is><t(?: xml:space="preserve")?+>[^<]*+</t></is>)?+</c>)'


def plain_rows_pattern(cols: dict[int, bool], styles: list[bytes], bare: bool) -> re.Pattern[bytes]:
    """A pattern that matches a row written plainly — r= first, then only layout attributes (no
    format of its own); cells ``<c r="…">`` of its own row in column order, none right of the
    last of ``cols``, each with at most t= and s= (in either order), holding at most a value or a
    plain inline string — whose cells in ``cols`` have an s= of ``styles`` (or none, when ``bare``).
    ``cols``: column -> may the row lack that cell. Cells in other columns may have any s=. A row
    it does not match may be anything (the caller looks at it the usual way). Possessive: what
    matched is never given back (the parts cannot be read another way)."""
    if styles:
        some = _CELL_TYPE + rb'(?: s="' + _alternation(sorted(set(styles))) + rb'"' + _CELL_TYPE + (
            rb')?+' if bare else rb')')
    else:
        some = _CELL_TYPE if bare else rb'(?!)'
    any_s = _CELL_TYPE + rb'(?: s="\d++"' + _CELL_TYPE + rb')?+'
    parts = [rb'<row r="([1-9]\d*+)"', _LAYOUT_ATTRS, rb'>']
    for col in range(1, max(cols) + 1):
        cell = rb'<c r="' + LETTERS[col] + rb'\1"' + (some if col in cols else any_s) + _PLAIN_CONTENT
        parts.append(rb'(?:' + cell + rb')?+' if cols.get(col, True) else cell)
    parts.append(rb'</row>')
    return re.compile(b"".join(parts))


def _alternation(words: list[bytes]) -> bytes:
    """A pattern that matches exactly ``words`` (sorted), as a tree of their common beginnings:
    shorter to read and to match than the words one after the other."""
    heads: dict[bytes, list[bytes]] = {}
    for w in words:
        if w:
            heads.setdefault(w[:1], []).append(w[1:])
    alts = [re.escape(h) + _alternation(rest) for h, rest in heads.items()]
    body = b"|".join(alts)
    if b"" in words:
        return b"(?:" + body + b")?" if body else b""
    return body if len(alts) == 1 else b"(?:" + body + b")"
