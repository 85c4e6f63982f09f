"""read_workbook: every worksheet's values via python-calamine, states from workbook.xml.

What calamine does not know and the reader adds: which cells hold formulas (their values are
cached results — ``SheetData.formulas``, so that an export never passes one on as if typed); the
rows of Excel tables that are not data (a table's header rows below row 1 and its totals rows)
are handed over empty, so no kind takes them for an order; and a sheet whose cells span a huge
grid (one value in XFD1048576) is read sparse — calamine lays every sheet out as a dense grid of
its used range, which for such a sheet is 512 GiB."""
from __future__ import annotations

import contextlib
import io
import math
import queue
import re
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import python_calamine as calamine
from lxml import etree

from ..core.workbook_data import SheetData, WorkbookData, sheet_key
from . import blocks, limits, rawrows
from .archive import COPY_BLOCKS_FROM, Archive
from .blocks import MarkedText, inflate_marked
from .errors import WorkbookError
from .guard import FileIdentity
from .memsearch import contains
from .opc import MAIN_NS, REL_NS, SheetEntry, WorkbookParts, m, rels_part_of, resolve_target
from .rawrows import FORMULA_MARKERS, has_formula
from .refs import split_cell_ref

_EXACT_INT = 2 ** 53
_ERROR_MARKER = re.compile(rb"""t=["']e["']""")
C_TAG, V_TAG, F_TAG, ROW_TAG = m("c"), m("v"), m("f"), m("row")
# a formula (closing tag, or empty element) followed by no value or an empty one, then the cell's end
_FORMULA_WITHOUT_VALUE = re.compile(
    rb"(?:</(?:\w+:)?f>|<(?:\w+:)?f\b[^>]*/>)\s*(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*"
    rb"(?:<(?:\w+:)?extLst>|</(?:\w+:)?c>)")
# a formula element, plain or with a namespace prefix: two patterns, each led by a literal that the
# regex engine finds as fast as bytes.find (one pattern led by a character class is ~8x slower)
RT_TABLE = REL_NS + "/table"
# Cells calamine may lay out as one sheet's grid (rows x columns of the used range, ~32 bytes
# each plus a Python object per cell). The 20,000-order benchmark sheet has ~0.5 million.
DENSE_LIMIT = 4_000_000
# ... or more when the grid is mostly cells the sheet has anyway: a grid of up to this many times
# the sheet's cells costs less than reading them one by one (which takes ~1 KB and ~30 µs a cell),
# so a 200,000-order Masterliste (4.6 million cells) is read as a grid too. A negative
# DENSE_LIMIT reads every sheet cell by cell (tests).
DENSE_PER_CELL = 4
_ROW_NUMBER = re.compile(rb'<row r="(\d+)"')
_WIDE_COLUMN = (re.compile(rb' r="([A-Z]{3})\d'), re.compile(rb' r="([A-Z]{2})\d'))
_NO_CELLS: list = []      # the one row object of every empty row of a sparse sheet; never mutated
# A biggest sheet from this size (its text) is built last; the others, when they come to this
# size together, from a second calamine book (``_read_sheets``).
SECOND_BOOK_FROM = 2 << 20
# A log's blocks are marked this far from its text's ends (``blocks.inflate_marked``): its rows are
# appended at the end, its dimension at the start changes, the rest is kept and copied.
LOG_MARKED_ENDS = 1 << 20
# A sheet's text from this size is looked at while it is inflated (``_inflate_looking``), this
# many bytes of it at a time.
LOOK_WHILE_INFLATING_FROM = 4 << 20
LOOK_STEP = 2 << 20
# A sheet's text up to this size is kept for the writer when the caller asks (``texts``): a run
# writes what it read, and the writer need not inflate it again (the 20,000-order Masterliste, 20
# MB). A 200,000-order workbook's big sheets are not kept: they would be held through the plan, on
# top of the values read (its peak memory +80 MB with 64 MB here).
KEEP_TEXT_UP_TO = 32 << 20
# Numbers calamine cannot turn into a date: in a date-formatted cell a value below about -1.07e11
# days overflows its millisecond count and panics (a BaseException from Rust, with a message on
# stderr); inf/nan likewise, or become 30.12.1899. Found in the text before calamine sees them.
_UNSAFE_NUMBER = re.compile(
    rb"<v>\s*(?:[+-]?(?:inf|nan)|-\s*0*(?:\d{12,}|\d[\d.]*[eE]\+?0*(?:1[1-9]|[2-9]\d|\d{3,})))", re.I)
_SAFE_DATE_LOW = -1e11
# what every match of _UNSAFE_NUMBER starts with (led by a literal: as fast as bytes.find); the
# full pattern is tried only when this is found — on ordinary sheets it is not
_UNSAFE_NUMBER_START = re.compile(rb"<v>[\s+\-iInN]")


def _calamine_ok(exc: BaseException) -> None:
    """Re-raise what must end the process (Ctrl-C, SIGTERM, exit); anything else calamine raised
    — its own errors and Rust panics — the caller deals with."""
    if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
        raise exc


def _clean(value):
    """calamine value -> CellValue: '' -> None, integral floats -> int."""
    t = type(value)
    if t is float:
        if value.is_integer() and -_EXACT_INT < value < _EXACT_INT:
            return int(value)
        return value
    if t is str:
        return value or None
    return value


def _clean_row(row: list) -> list:
    """``_clean`` of every value of a row, inlined: a grid of 20,000 x 23 cells is 460,000 values,
    and a function call per value is a third of the cost."""
    return [((int(v) if v.is_integer() and -_EXACT_INT < v < _EXACT_INT else v) if v.__class__ is float
             else (v if v != "" else None)) for v in row]


def _formula_cells(data: bytes, rows: list[list], *, formulas: bool = True, errors: bool = False) -> tuple[
        frozenset[tuple[int, int]], frozenset[tuple[int, int]], list[tuple[int, int, str]]]:
    """In one walk over this sheet XML: (1) (row, col) of every cell that holds a formula — a
    cell with an ``<f>``, and every cell of the range an array formula (or a data table) fills,
    which hold only the cached ``<v>``; a range is taken as far as the sheet holds values
    (``rows``), so a formula over a whole column costs no more than the column's values; cells
    without ``r`` are placed as Excel does. (2) The formula cells (with ``r``) the file keeps no
    computed value for: no ``<v>``, or an empty one on a cell whose type cannot be empty (only a
    formula's text result can be '') — calamine reads them as '', as if blank. (3) With
    ``errors``: (row, col, '#N/A') of the cells (with ``r``) of type error, which calamine hands
    over as ''. Called only when the text holds a formula or an error cell (``rawrows.has_formula``,
    ``_ERROR_MARKER``): the walk builds an element per cell."""
    look_for_formulas = formulas
    look_for_missing = formulas and _FORMULA_WITHOUT_VALUE.search(data) is not None
    out: set[tuple[int, int]] = set()
    missing: set[tuple[int, int]] = set()
    error_cells: list[tuple[int, int, str]] = []
    for row, col, el in _placed_cells(data):
        if errors and el.get("t") == "e" and el.get("r"):
            v = el.find(V_TAG)
            if v is not None and v.text:
                error_cells.append((row, col, v.text))
        if not look_for_formulas:
            continue
        f = el.find(F_TAG)
        if f is None:
            continue
        out.add((row, col))
        if f.get("t") in ("array", "dataTable") and f.get("ref"):
            out.update(_range_cells(f.get("ref", ""), rows))
        if look_for_missing and el.get("r"):
            v = el.find(V_TAG)
            if (v is None or not (v.text or "").strip()) and not (v is not None and el.get("t") == "str"):
                missing.add((row, col))
    return frozenset(out), frozenset(missing), error_cells


# The forms Excel and the usual libraries write, for the formula and error cells found in the text
# (``_formula_cells_in_text``); anything else is left to the walk.
_CELL_START = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"((?:\s+[A-Za-z][\w:.-]*="[^"<]*")*)\s*>')
_ROW_START = re.compile(rb'<row r="([0-9]{1,7})"')
_F_START = re.compile(rb'<f((?:\s+[A-Za-z][\w:.-]*="[^"<]*")*)\s*(/?)>')
_F_END = re.compile(rb"[^<]*</f>")
# what follows a formula in its cell: a value (or an empty one, or none), then the cell's end
_AFTER_FORMULA = re.compile(rb"\s*(?:(<v>)([^<&]*)</v>|(<v\s*/>))?\s*(?:<extLst>|</c>)")
_ERROR_VALUE = re.compile(rb"(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)?\s*<v>([^<&]+)</v>")
_ATTRIBUTE = re.compile(rb'\s([A-Za-z][\w:.-]*)="([^"]*)"')


def _formula_cells_in_text(data: bytes, rows: list[list], *, formulas: bool, errors: bool) -> tuple[
        frozenset[tuple[int, int]], frozenset[tuple[int, int]], list[tuple[int, int, str]]] | None:
    """``_formula_cells`` from the text around each formula and error cell instead of a walk over
    every cell (a sheet with one formula column: ~20x faster); None when a cell is not in the
    form Excel writes (``<c r="A1" …>``, in a ``<row r="1"`` of the same number, the formula its
    first child, no prefixes, entities or single quotes around) — then the walk decides."""
    if FORMULA_MARKERS[1].search(data) or contains(data, b"<row>") or contains(data, b"t='e'"):
        return None
    out: set[tuple[int, int]] = set()
    missing: set[tuple[int, int]] = set()
    error_cells: list[tuple[int, int, str]] = []

    def cell_at(pos: int) -> tuple[re.Match, int, int] | None:
        """The cell whose start tag precedes ``pos``, and its (row, col) — if in the usual form."""
        start = data.rfind(b"<c ", 0, pos)
        cell = _CELL_START.match(data, start) if start >= 0 else None
        if cell is None:
            return None
        row = int(cell.group(2))
        row_start = data.rfind(b"<row ", 0, start)
        row_tag = _ROW_START.match(data, row_start) if row_start >= 0 else None
        if row_tag is None or int(row_tag.group(1)) != row or data.find(b"</row>", row_start, start) >= 0:
            return None
        return cell, row, _letters_value(cell.group(1))

    for marker in FORMULA_MARKERS[0].finditer(data) if formulas else ():
        pos = marker.start()
        found = cell_at(pos)
        if found is None:
            return None
        cell, row, col = found
        if data[cell.end():pos].strip():
            return None                 # the formula is not the cell's first child
        f = _F_START.match(data, pos)
        if f is None:
            return None
        end = f.end()
        if not f.group(2):
            closing = _F_END.match(data, end)
            if closing is None:
                return None
            end = closing.end()
        after = _AFTER_FORMULA.match(data, end)
        if after is None:
            return None
        out.add((row, col))
        f_attrs = dict(_ATTRIBUTE.findall(f.group(1)))
        if f_attrs.get(b"t") in (b"array", b"dataTable") and f_attrs.get(b"ref"):
            out.update(_range_cells(f_attrs[b"ref"].decode(), rows))
        has_value = after.group(1) is not None or after.group(3) is not None
        text_result = has_value and dict(_ATTRIBUTE.findall(cell.group(3))).get(b"t") == b"str"
        if (not has_value or not (after.group(2) or b"").strip()) and not text_result:
            missing.add((row, col))         # no computed value ('' only for a text result)
    for marker in _ERROR_MARKER.finditer(data) if errors else ():
        found = cell_at(marker.start())
        if found is None:
            return None
        cell, row, col = found
        if not cell.start() < marker.start() < cell.end():
            return None
        if dict(_ATTRIBUTE.findall(cell.group(3))).get(b"t") != b"e":
            continue
        value = _ERROR_VALUE.match(data, cell.end())
        if value is not None:
            error_cells.append((row, col, value.group(1).decode()))
        elif data.find(b"<v", cell.end(), data.find(b"</c>", cell.end())) >= 0:
            return None                 # a value in a form not looked for (attributes, entities)
    return frozenset(out), frozenset(missing), error_cells


def _placed_cells(data: bytes) -> Iterator[tuple[int, int, etree._Element]]:
    """(row, col, ``<c>`` element) of every cell of a sheet's XML, streamed; a cell or row without
    ``r`` is placed as Excel does (after the previous one). Each element is cleared once the
    caller has had it."""
    row = col = 0
    for event, el in etree.iterparse(io.BytesIO(data), events=("start", "end"), tag=(ROW_TAG, C_TAG),
                                     resolve_entities=False, no_network=True, huge_tree=False,
                                     load_dtd=False):
        if el.tag == ROW_TAG:
            if event == "start":
                row, col = int(el.get("r") or row + 1), 0
            else:
                el.clear(keep_tail=False)
            continue
        if event == "start":
            continue
        ref = el.get("r")
        col = split_cell_ref(ref)[1] if ref else col + 1
        yield row, col, el
        el.clear(keep_tail=False)


def _range_cells(ref: str, rows: list[list]) -> list[tuple[int, int]]:
    """The cells of ``A1:B3`` that lie within the values read (none for a broken ref)."""
    first, _, last = ref.partition(":")
    try:
        (r1, c1), (r2, c2) = split_cell_ref(first), split_cell_ref(last or first)
    except ValueError:
        return []
    r1, r2 = max(r1, 1), min(r2, len(rows))
    return [(r, c) for r in range(r1, r2 + 1) for c in range(c1, min(c2, len(rows[r - 1])) + 1)]


def _letters_value(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _grid_cells(data: bytes) -> int | None:
    """Rows x columns of the grid calamine would build for this sheet XML, found by scanning the
    text for the forms Excel and the usual libraries write (``<row r="N"``, ``<c r="A1"``);
    None when a cell does not say where it is or lies below the last row (only parsing could
    tell then). ~8 ms per MB of sheet XML."""
    rows = _ROW_NUMBER.findall(data)
    cells = data.count(b"<c ") + data.count(b"<c>")
    if data.count(b' r="') != len(rows) + cells:
        return None
    if not cells:
        return 0
    if not rows:                # cells that say where they are in rows that do not: no height
        return None
    height = max(map(int, rows))
    if re.search(rb' r="[A-Z]{1,3}\d{%d}' % (len(str(height)) + 1), data):
        return None
    for pattern in _WIDE_COLUMN:                  # columns AAA.. first, then AA..ZZ
        found = set(pattern.findall(data))
        if found:
            return height * max(_letters_value(c) for c in found)
    return height * next((i for i in range(26, 0, -1) if contains(data, b' r="%c' % (64 + i))), 0)


def _sheet_data_span(data: bytes) -> tuple[int, int]:
    """Where the cells lie in a sheet's XML: from the first ``<sheetData`` to the last
    ``</sheetData>`` (the whole text when either is not there as written unprefixed)."""
    lo, hi = data.find(b"<sheetData"), data.rfind(b"</sheetData>")
    return (0, len(data)) if lo < 0 or hi < lo else (lo, hi)


def _fits_dense(data: bytes) -> bool:
    """``_grid_cells(data)`` is known and within DENSE_LIMIT, or DENSE_PER_CELL times the sheet's
    cells — in the usual case (every cell says where it is, columns A..Z, a height whose 26
    columns fit) in five passes over the cells' text instead of a dozen; otherwise by
    ``_grid_cells``."""
    if DENSE_LIMIT < 0:
        return False
    lo, hi = _sheet_data_span(data)
    rows = _ROW_NUMBER.findall(data, lo, hi)
    refs = data.count(b' r="', lo, hi)
    # '<c' counts every cell in one pass, and any other tag that begins so (rich text's <color>):
    # then it cannot match the references (those only cells and rows have) — counted exactly
    cells = data.count(b"<c", lo, hi)
    if refs != len(rows) + cells:
        cells = data.count(b"<c ", lo, hi) + data.count(b"<c>", lo, hi)
        if refs != len(rows) + cells:
            return False
    if not cells:
        return True
    if not rows:
        return False
    limit = max(DENSE_LIMIT, DENSE_PER_CELL * cells)
    height = max(map(int, rows))
    # no column beyond Z, no cell below the last row (in one pass)
    if height * 26 <= limit and not re.compile(
            rb' r="(?:[A-Z]{2}|[A-Z]\d{%d})' % (len(str(height)) + 1)).search(data, lo, hi):
        return True
    grid = _grid_cells(data)
    return grid is not None and grid <= limit


def _has_unsafe_number(data: bytes) -> bool:
    return _UNSAFE_NUMBER_START.search(data) is not None and _UNSAFE_NUMBER.search(data) is not None


def _defuse(c) -> None:
    """Make a cell safe for calamine in the copy it reads: an error value it may not know
    (``#SPILL!``, ``#CALC!``, ``#GETTING_DATA``…) is emptied — ``_formula_cells`` finds its text,
    which the reader puts back — and a number no date can be made of loses its number format, so
    it arrives as the number it is (and the kind's date parser reports it on its cell)."""
    t = c.get("t")
    if t == "e":
        for child in list(c):
            c.remove(child)
        del c.attrib["t"]
        return
    if t not in (None, "n") or "s" not in c.attrib:
        return
    v = c.find(V_TAG)
    try:
        number = float(v.text) if v is not None and v.text else 0.0
    except ValueError:
        return
    if not math.isfinite(number) or number < _SAFE_DATE_LOW:
        del c.attrib["s"]


def _sparse_rows(archive: Archive, entry: SheetEntry, data: bytes) -> list[list]:
    """The sheet's values without a grid: every cell is moved into column A of a row of its own
    in a copy of the package, which calamine reads (so every value is converted exactly as in a
    dense read: shared strings, dates by number format, 1904, escapes), and put back at its
    place. Memory grows with the number of cells, not with the area they span. Cells calamine
    would choke on are defused on the way (``_defuse``)."""
    places: list[tuple[int, int]] = []
    compact = [f'<worksheet xmlns="{MAIN_NS}"><sheetData>'.encode()]
    for row, col, el in _placed_cells(data):
        places.append((row, col))
        k = len(places)
        _defuse(el)
        el.set("r", f"A{k}")
        compact.append(f'<row r="{k}">'.encode() + etree.tostring(el) + b"</row>")
    compact.append(b"</sheetData></worksheet>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for info in archive.infos:
            z.writestr(info.filename, b"".join(compact) if info.filename == archive.member_name(entry.part)
                       else archive.read(info.filename))
    del compact
    buf.seek(0)
    try:
        book = calamine.CalamineWorkbook.from_filelike(buf)
        try:
            values = book.get_sheet_by_name(entry.name).to_python(skip_empty_area=False)
        finally:
            book.close()
    except BaseException as exc:
        _calamine_ok(exc)
        raise WorkbookError(f"Datei '{archive.name}': Blatt '{entry.name}' kann nicht gelesen werden "
                            f"({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else '-'})") from None
    by_row: dict[int, dict[int, object]] = {}
    for k, (r, c) in enumerate(places):
        value = _clean(values[k][0]) if k < len(values) and values[k] else None
        if value is not None:
            by_row.setdefault(r, {})[c] = value
    rows: list[list] = [_NO_CELLS] * (max(by_row) if by_row else 0)
    for r, cells in by_row.items():
        line: list = [None] * max(cells)
        for c, value in cells.items():
            line[c - 1] = value
        rows[r - 1] = line
    return rows


def _not_data_rows(archive: Archive, part: str) -> set[int]:
    """Rows of the sheet's Excel tables that are not data: header rows below row 1 (row 1 is
    the sheet's header the kinds look columns up in) and totals rows."""
    rels_part = rels_part_of(part)
    if not archive.has(rels_part):
        return set()
    out: set[int] = set()
    for rel in archive.xml(rels_part):
        if rel.get("Type") != RT_TABLE or rel.get("TargetMode") == "External":
            continue
        table_part = resolve_target(part, rel.get("Target", ""))
        if not archive.has(table_part):
            continue
        table = archive.xml(table_part)
        ref = table.get("ref", "")
        first, _, last = ref.partition(":")
        try:
            top = split_cell_ref(first)[0]
            bottom = split_cell_ref(last or first)[0]
            headers = int(table.get("headerRowCount", "1"))
            totals = int(table.get("totalsRowCount", "0"))
        except ValueError:
            continue
        out.update(r for r in range(top, top + headers) if r > 1)
        out.update(range(bottom - totals + 1, bottom + 1))
    return out


def _dense_rows(parsed: Future) -> list[list] | None:
    """The sheet as calamine's grid (``parsed``: calamine's sheet, read on the worker — the caller
    made sure it is not too large and holds no number that would make calamine panic:
    ``_fits_dense``, ``_has_unsafe_number``); None when it must be read cell by cell instead:
    calamine refusing a value (an error code newer than it, e.g. ``#SPILL!``) or panicking after
    all."""
    try:
        sheet = parsed.result()
        return [_clean_row(row) for row in sheet.to_python(skip_empty_area=False)]
    except BaseException as exc:
        _calamine_ok(exc)
        return None


@dataclass
class _Looked:
    """A sheet's text looked through before calamine reads it (``_look_through``)."""
    entry: SheetEntry
    data: bytes                      # kept when the formula or error cells are to be found in it
    dense: bool                      # calamine may read it as a grid
    formulas_in: bool = False
    errors_in: bool = False
    parsed: Future | None = None     # calamine's sheet, read on the worker (``_read_sheets``)


def _look_through(archive: Archive, entry: SheetEntry) -> _Looked:
    """The sheet's text, inflated once: can calamine read it as a grid (``_fits_dense``,
    ``_has_unsafe_number``)? The rest of the look (``_look_for_formulas``) may follow while
    calamine reads it. A big sheet is looked at while it is inflated (``_inflate_looking``)."""
    info = archive.info(entry.part)
    if (info is not None and info.compress_type == zipfile.ZIP_DEFLATED
            and LOOK_WHILE_INFLATING_FROM <= info.file_size <= KEEP_TEXT_UP_TO):   # (held twice a moment)
        found = _inflate_looking(archive, info)
        if found is not None:
            return _Looked(entry, *found)
    data = archive.read(entry.part)
    return _Looked(entry, data, _fits_dense(data) and not _has_unsafe_number(data))


def _inflate_looking(archive: Archive, info: zipfile.ZipInfo) -> tuple[bytes, bool] | None:
    """A big sheet's text and whether calamine may read it as a grid (``_fits_dense`` and not
    ``_has_unsafe_number``), counted a stretch at a time (``_GridLook``) while the next stretch is
    inflated on a thread of its own (``blocks.inflate_into``: zlib's inflate, the GIL let go):
    the Masterliste's look costs about as much as its counting alone. None when the C zlib is
    not at hand or the member does not inflate to its size and CRC (the caller reads it as ever,
    which says what is wrong)."""
    if not blocks.available():
        return None
    raw = archive.raw(info)
    buffer = bytearray(info.file_size)
    progress: queue.SimpleQueue = queue.SimpleQueue()

    crc, checked = 0, 0

    def inflated(upto: int) -> None:                    # the CRC as it goes (zlib lets go of the GIL)
        nonlocal crc, checked
        crc = zlib.crc32(memoryview(buffer)[checked:upto], crc)
        checked = upto
        progress.put(upto)

    def inflate() -> None:
        try:
            progress.put(blocks.inflate_into(raw, buffer, LOOK_STEP, inflated) and crc == info.CRC)
        except BaseException:                            # (the reader must not wait for ever)
            progress.put(False)
            raise

    threading.Thread(target=inflate, name="xl_addin-look", daemon=True).start()
    look = _GridLook()
    taken = 0                                            # the text up to here is looked at
    while (ready := progress.get()) is not True and ready is not False:
        cut = buffer.rfind(b"</row>", taken, ready)
        if cut >= 0:
            look.take(buffer, taken, cut + 6)
            taken = cut + 6
    if ready is not True:
        return None
    data = bytes(buffer)
    buffer.clear()
    return data, look.finish(data[taken:], data)


class _GridLook:
    """``_fits_dense(text) and not _has_unsafe_number(text)`` taken stretch by stretch of the text
    (each ending after a ``</row>``, so that nothing counted lies across two): the rows' numbers,
    the references and cells counted, what no grid may hold searched — a column past Z, a row
    number longer than the highest so far, a number calamine cannot read (``_UNSAFE_NUMBER``).
    Anything unusual (no ``<sheetData`` in the first stretch, ``</sheetData>`` before the last,
    a cell past Z or too far down) is decided on the whole text at the end, as before."""

    def __init__(self) -> None:
        self.started = False          # <sheetData found: counting from there
        self.exact = False            # decide on the whole text
        self.unsafe = False
        self.height = 0
        self.rows = self.refs = self.cells = 0

    def take(self, data: bytes | bytearray, start: int = 0, end: int | None = None) -> None:
        end = len(data) if end is None else end
        if self.exact or start >= end:
            return
        if not self.unsafe and _UNSAFE_NUMBER_START.search(data, start, end) is not None:
            self.unsafe = _UNSAFE_NUMBER.search(data, start, end) is not None
        if not self.started:
            found = data.find(b"<sheetData", start, end)
            if found < 0:
                self.exact = True
                return
            self.started, start = True, found
        if data.find(b"</sheetData>", start, end) >= 0:
            self.exact = True
            return
        numbers = _ROW_NUMBER.findall(data, start, end)
        if numbers:
            self.height = max(self.height, max(map(int, numbers)))
            self.rows += len(numbers)
        self.refs += data.count(b' r="', start, end)
        self.cells += data.count(b"<c", start, end)
        if re.compile(rb' r="(?:[A-Z]{2}|[A-Z]\d{%d})' % (len(str(self.height)) + 1)).search(data, start, end):
            self.exact = True

    def finish(self, rest: bytes, text: bytes) -> bool:
        """The answer, ``rest`` (the text after the last stretch taken) taken up to its
        ``</sheetData>``."""
        if DENSE_LIMIT < 0:
            return False
        end = rest.rfind(b"</sheetData>")
        if end < 0:
            self.exact = True
        self.take(rest, 0, end)
        if self.exact or not self.started:
            return _fits_dense(text) and not _has_unsafe_number(text)
        if self.unsafe or _has_unsafe_number(rest[end:]):       # (what follows the cells, too)
            return False
        if self.refs != self.rows + self.cells:            # a tag other than a cell's begins "<c"
            return _fits_dense(text) and not _has_unsafe_number(text)
        if not self.cells:
            return True
        if not self.rows:
            return False
        return self.height * 26 <= max(DENSE_LIMIT, DENSE_PER_CELL * self.cells) or _fits_dense(text)


def _look_for_formulas(looked: _Looked) -> None:
    """Does the sheet's text hold formulas or error cells (C-speed scans)? Its text is let go when
    calamine's grid is all that is needed (its memory serves the grid)."""
    data = looked.data
    looked.formulas_in, looked.errors_in = has_formula(data), _ERROR_MARKER.search(data) is not None
    if looked.dense and not (looked.formulas_in or looked.errors_in):
        looked.data = b""


def _read_sheet(archive: Archive, looked: _Looked) -> SheetData:
    """One worksheet: calamine's values (a grid, or cell by cell when a grid would not do), the
    formula and error cells calamine does not tell, the rows of tables that are not data. The
    sheet's text is walked cell by cell only when it holds formulas or error cells."""
    entry, data = looked.entry, looked.data
    formulas_in, errors_in = looked.formulas_in, looked.errors_in
    looked.data = b""
    rows = _dense_rows(looked.parsed) if looked.parsed is not None else None
    looked.parsed = None
    if rows is None:
        rows = _sparse_rows(archive, entry, data or archive.read(entry.part))
    formulas: frozenset[tuple[int, int]] = frozenset()
    without_value: frozenset[tuple[int, int]] = frozenset()
    if formulas_in or errors_in:
        found = _formula_cells_in_text(data, rows, formulas=formulas_in, errors=errors_in)
        formulas, without_value, errors = found if found is not None else \
            _formula_cells(data, rows, formulas=formulas_in, errors=errors_in)
        for row, col, text in errors:
            while len(rows) < row:
                rows.append(_NO_CELLS)
            line = rows[row - 1] = list(rows[row - 1])
            if len(line) < col:
                line.extend([None] * (col - len(line)))
            line[col - 1] = text
    del data
    not_data = _not_data_rows(archive, entry.part)
    for row in not_data:
        if row <= len(rows):
            rows[row - 1] = _NO_CELLS
    uncomputed = frozenset(rc for rc in without_value if rc[0] not in not_data)
    return SheetData(entry.name, rows, entry.state, uncomputed, formulas=formulas)


def _read_sheets(archive: Archive, entries: list[SheetEntry], meanwhile: Callable[[bool], object] | None = None,
                 texts: SheetTexts | None = None) -> list[SheetData]:
    """The sheets, in order. Calamine opens the workbook (its shared strings) and builds the
    sheets' grids on worker threads (it lets go of the GIL), each grid as soon as this thread has
    found that it may (``_look_through``) — so that the sheets' texts are looked through for
    formulas, the other sheets looked at, and the grids already built turned into Python values
    meanwhile. The biggest sheet (the Masterliste) is built last, the others' values taken while
    it is still being built — from a second calamine book on a worker of its own (one book reads
    one sheet at a time) when they are big enough to be worth its second parse of the shared
    strings (a long Protokoll's 100,000 of them: ~50 ms of a core), the biggest then looked
    through first so that its grid begins at once (a second run: -40 ms); else from the same
    book, their grids queued before the biggest one's. The time left waiting for the biggest
    grid goes to the caller's ``meanwhile`` and, in a run that will write (``texts``), to cutting
    that sheet's rows for the writer (``rawrows.cut_ahead``)."""
    infos = {entry.part: archive.info(entry.part) for entry in entries}
    size = {part: info.file_size if info is not None else 0 for part, info in infos.items()}
    biggest = max(entries, key=lambda e: size[e.part], default=None)
    last = biggest is not None and size[biggest.part] >= SECOND_BOOK_FROM and len(entries) > 1
    apart = last and sum(size[e.part] for e in entries if e is not biggest) >= SECOND_BOOK_FROM
    # Looked through in this order: with a second book, the biggest sheet first (its grid, the
    # longest, begins as soon as it may; the others go to the second book meanwhile); else last
    # (the others' grids queued before it on the one book).
    order = sorted(range(len(entries)), key=lambda i: (entries[i] is not biggest) if apart
                   else (last and entries[i] is biggest))
    with ThreadPoolExecutor(max_workers=1) as worker, ThreadPoolExecutor(max_workers=1) as second:
        book = worker.submit(_open_calamine, archive)
        other_book: Future | None = second.submit(_open_book, archive) if apart else None
        try:
            looked: list[_Looked] = [None] * len(entries)  # type: ignore[list-item]
            try:
                for i in order:
                    entry = entries[i]
                    sheet = _look_through(archive, entry)
                    if texts is not None and len(sheet.data) <= KEEP_TEXT_UP_TO:
                        texts[entry.part] = sheet.data
                    if sheet.dense:
                        if other_book is None or entry is biggest:
                            sheet.parsed = worker.submit(_sheet_of, book, entry.name)
                        else:
                            sheet.parsed = second.submit(_sheet_of, other_book, entry.name)
                    _look_for_formulas(sheet)
                    looked[i] = sheet
            except WorkbookError:
                book.result()                   # calamine's own refusal first (a broken file), as before
                raise
            book.result()                       # refused by calamine (a password, a broken file): say so
            out: list[SheetData | None] = [None] * len(looked)
            for i in sorted(range(len(looked)), key=lambda i: looked[i].entry is biggest and last):
                if meanwhile is not None and looked[i].entry is biggest:
                    parsed = looked[i].parsed       # a big sheet's grid takes calamine a while yet
                    waiting = size[biggest.part] >= SECOND_BOOK_FROM and parsed is not None and not parsed.done()
                    _call_meanwhile(meanwhile, waiting)
                    meanwhile = None
                    kept = texts.get(biggest.part) if texts is not None else None
                    if waiting and isinstance(kept, bytes) and parsed is not None and not parsed.done():
                        _cut_ahead(kept, parsed.done)
                out[i] = _read_sheet(archive, looked[i])
            if meanwhile is not None:
                _call_meanwhile(meanwhile, False)
            return [s for s in out if s is not None]
        finally:                        # calamine's books are closed after: nothing may still read them
            worker.shutdown(wait=True, cancel_futures=True)
            second.shutdown(wait=True, cancel_futures=True)
            for opened in (book, other_book):
                if opened is not None and opened.done() and opened.exception() is None:
                    opened.result().close()


def _cut_ahead(text: bytes, done: Callable[[], bool]) -> None:
    """The biggest sheet's rows cut and read for the writer until calamine's grid is ``done``
    (``rawrows.cut_ahead``): what fails there is not this file's fault — the writer cuts and
    reads them again, and says what is wrong."""
    try:
        rawrows.cut_ahead(text, done)
    except Exception:
        rawrows.forget_ahead()


def _call_meanwhile(meanwhile: Callable[[bool], object], waiting: bool) -> None:
    """The caller's next steps, done ahead (``waiting``: while calamine still builds the biggest
    sheet): what fails there is not this file's fault — it fails again, and is told, where the
    caller does it for real."""
    with contextlib.suppress(Exception):
        meanwhile(waiting)


def _open_book(archive: Archive):
    return calamine.CalamineWorkbook.from_filelike(io.BytesIO(archive.data))


def _sheet_of(book: Future, name: str):
    return book.result().get_sheet_by_name(name)


# Given the worksheet names in workbook order: those to read (the others are only named).
SheetChoice = Callable[[Sequence[str]], Iterable[str]]


# A sheet's text as read (``read_archive(texts=)``): its bytes, or their future (inflated aside,
# with where the blocks of its stream begin when that is known: ``blocks.MarkedText``).
SheetTexts = dict[str, "bytes | Future[bytes | MarkedText]"]


def read_archive(archive: Archive, sheets: SheetChoice | None = None,
                 meanwhile: Callable[[bool], object] | None = None, texts: SheetTexts | None = None,
                 ahead: Callable[[], Iterable[str]] | None = None) -> WorkbookData:
    """The workbook's worksheets; with ``sheets``, only those it chooses are read — their parts are
    not even inflated — and the others are listed in ``WorkbookData.unread``. ``meanwhile`` is
    called once before the biggest sheet's values are taken (the caller's next steps: imports) —
    with True when calamine still builds them then (time this thread would wait anyway).
    ``texts`` gets the sheets' texts as inflated (part -> bytes, each up to KEEP_TEXT_UP_TO), and
    the future texts of the sheets not read that ``ahead()`` names (a run appends to its log):
    inflated on a thread of their own while the caller goes on."""
    parts = WorkbookParts(archive)
    archive.check_xml_prologs()
    result = WorkbookData(source=str(archive.path))
    worksheets = [entry for entry in parts.sheets if entry.is_worksheet]
    if sheets is not None:
        chosen = set(sheets([entry.name for entry in worksheets]))
        result.unread = tuple(entry.name for entry in worksheets if entry.name not in chosen)
        worksheets = [entry for entry in worksheets if entry.name in chosen]
    try:
        result.sheets.update((sheet.name, sheet) for sheet in _read_sheets(archive, worksheets, meanwhile, texts))
        if texts is not None and ahead is not None:
            _inflate_aside(archive, [e for e in parts.sheets if e.is_worksheet and e.part not in texts], ahead(),
                           texts)
    except WorkbookError:
        raise
    except MemoryError:
        raise WorkbookError(f"Datei '{archive.name}': zu wenig Speicher, um sie zu lesen — abgelehnt (die Grenze "
                            f"{limits.MEMORY_ENV} passend zum Rechner setzen, dann wird so eine Datei vorher "
                            f"abgelehnt)") from None
    except Exception as exc:
        raise WorkbookError(f"Datei '{archive.name}' ist beschädigt und kann nicht gelesen "
                            f"werden ({type(exc).__name__}: {exc})") from None
    return result


def _inflate_aside(archive: Archive, entries: list[SheetEntry], names: Iterable[str], texts: SheetTexts) -> None:
    """The texts of the sheets ``names`` (as sheet names match) among ``entries``, up to
    KEEP_TEXT_UP_TO, inflated on a thread of their own (zlib lets go of the GIL): futures in
    ``texts``."""
    wanted = {sheet_key(name) for name in names}
    for entry in entries:
        info = archive.info(entry.part)
        if sheet_key(entry.name) in wanted and info is not None and info.file_size <= KEEP_TEXT_UP_TO:
            pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="xl_addin-ahead")
            texts[entry.part] = pool.submit(_inflate_marked, archive, info)
            pool.shutdown(wait=False)                    # its thread ends with the job


def _inflate_marked(archive: Archive, info: zipfile.ZipInfo) -> bytes | MarkedText:
    """A member's text with where its stream's blocks begin (a log a run appends to: the writer
    copies those blocks, ``blocks``) — its bytes alone where that is not known."""
    if info.compress_type == zipfile.ZIP_DEFLATED and info.file_size >= COPY_BLOCKS_FROM:
        marked = inflate_marked(archive.raw(info), info.file_size, info.CRC, LOG_MARKED_ENDS)
        if marked is not None:
            return marked
    return archive.read(info.filename)


def _open_calamine(archive: Archive):
    """calamine's book of the workbook (it reads the workbook part and the shared strings)."""
    try:
        return calamine.CalamineWorkbook.from_filelike(io.BytesIO(archive.data))
    except calamine.PasswordError:
        raise WorkbookError(f"Datei '{archive.name}' ist mit einem Kennwort geschützt") from None
    except BaseException as exc:  # calamine raises several types for broken files, and may panic
        _calamine_ok(exc)
        raise WorkbookError(f"Datei '{archive.name}' ist beschädigt und kann nicht gelesen "
                            f"werden ({type(exc).__name__})") from None


def read_workbook(path, sheets: SheetChoice | None = None) -> WorkbookData:
    """All worksheets in workbook order (with ``sheets``: those it chooses of their names, the
    others only named in ``unread``); rows[0] is row 1, column A is index 0. Dates as
    date/datetime, numbers as int/float, text as str, booleans as bool, errors as '#N/A'
    etc., empty cells as None. Raises WorkbookError for missing, encrypted, corrupt files."""
    return read_archive(Archive.open(path), sheets)


def read_workbook_as_is(path, sheets: SheetChoice | None = None, meanwhile: Callable[[bool], object] | None = None,
                        texts: SheetTexts | None = None,
                        ahead: Callable[[], Iterable[str]] | None = None) -> tuple[WorkbookData, FileIdentity]:
    """``read_workbook`` and the identity of the file as it was read — what a run that is going to
    write hands the writer (``apply_plan(..., read_as=..., texts=...)``); ``meanwhile``, ``texts``
    and ``ahead``: see ``read_archive``."""
    archive = Archive.open(path, write=True)
    assert archive.identity is not None, "Archive.open records the identity"
    return read_archive(archive, sheets, meanwhile, texts, ahead), archive.identity


__all__ = ["read_archive", "read_workbook", "read_workbook_as_is"]
