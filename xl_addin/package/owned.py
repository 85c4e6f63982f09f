"""Sheets the product rewrites (``SheetRewrite``: `Prüfung`/`Verifica`, the hidden state sheets)
that the agents made their own — an `Erledigt` column ticked beside the findings, the sheet
formatted as an Excel table.

The rule (README "What a run writes"):

- **The agents' columns** are the columns whose row-1 header is not one of the product's header
  texts (blanks, case and repeated spaces ignored) — on a sheet in the product's layout, i.e.
  whose row 1 holds the headers of the identity columns; any other sheet is replaced whole.
  The product's columns are written at 1..n as always; the agents' columns follow right of the
  product's block, in their order, each in its old column when that lies right of the block (an
  `Erledigt` column in G stays in G).
- **Their cells stay with the row they belonged to**: a row is identified by the product's values
  in ``SheetRewrite.key_columns`` (Prüfung: code + cell + key; any other sheet: its first
  column). Among old rows with the same identity the one whose product values are all equal is
  taken first, then the others in their order. A row whose identity is gone (the finding was
  fixed) keeps nothing: its cells are left out and listed in ``ApplyResult.agent_cells_dropped``
  (the backup holds them) — never moved onto another finding. A row without identity (blank key)
  matches nothing.
- Cells move whole (format, shared-string value, formula translated as Excel's sort moves it);
  the header cell and the column's width/format (``<col>``) go with them.
"""
from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import islice

from lxml import etree

from ..core.plan import SheetRewrite, agents_columns, carried_rows, header_key, value_key
from .errors import WorkbookError
from .memsearch import contains
from .opc import MAIN_NS, m
from .refs import cell_ref
from .safety import iterparse_safe, parse_xml
from .sheet import SheetPatcher

_C, _V, _F, _IS, _T, _SI = m("c"), m("v"), m("f"), m("is"), m("t"), m("si")
_RPH = m("rPh")
_SI_START = re.compile(rb"<si[\s>/]")
_SI_PLAIN = re.compile(rb"<sst\s[^>]*xmlns=\"" + re.escape(MAIN_NS.encode()) + rb"\"")


def _outside_phonetic(t: etree._Element) -> bool:
    parent = t.getparent()
    return parent is None or parent.tag != _RPH


def _unescape(text: str) -> str:
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda g: chr(int(g.group(1), 16)), text)


def cell_text(c: etree._Element | None, sst: Callable[[], SharedStrings]) -> str:
    """What a cell shows, as text for matching (numbers as ``value_key`` writes them)."""
    if c is None:
        return ""
    t = c.get("t")
    if t == "inlineStr":
        is_ = c.find(_IS)
        if is_ is None:
            return ""
        return _unescape("".join(x.text or "" for x in is_.iter(_T) if _outside_phonetic(x)))
    v = c.find(_V)
    text = v.text if v is not None and v.text is not None else None
    if text is None:
        return ""
    if t == "s":
        try:
            return sst()[int(text)]
        except (ValueError, IndexError):
            return ""
    if t == "b":
        return "TRUE" if text.strip() in ("1", "true") else "FALSE"
    if t in ("str", "e"):
        return _unescape(text)
    try:
        return value_key(float(text))
    except ValueError:
        return text


class SharedStrings:
    """The workbook's shared strings, parsed only as far as the highest index asked for: the
    cells a rewrite reads (an owned sheet's header and the agents' columns) are usually among the
    first, and a table of a million strings (a long Protokoll) would cost a run a third of a
    second. An index far beyond what is parsed (an owned sheet's header saved by Excel after the
    agents' data: string 39,000 of 39,040) is found by its ``<si`` in the text and that one item
    parsed (``_far``). ``sst[i]`` raises IndexError past the end, like a list."""

    FAR = 256            # items ahead of the parse from which an item is looked up in the text
    CHUNK = 1 << 16      # bytes of the text whose items ``_far`` counts at once

    def __init__(self, data: bytes | None, member: str = "", name: str = ""):
        self._texts: list[str] = []
        self._member, self._name = member, name
        self._items = iterparse_safe(io.BytesIO(data), _SI) if data else None
        # The text, when its items can be found by "<si" (no comment or CDATA section could hold
        # one, the main namespace unprefixed, no prefixed item); the last item found: (index, offset).
        self._data = data if data and _SI_PLAIN.search(data[:1000]) and not contains(data, b"<!--") \
            and not contains(data, b"<![CDATA[") and not contains(data, b":si") else None
        self._found: dict[int, str] = {}
        self._at = (-1, 0)

    def __getitem__(self, i: int) -> str:
        if i < 0:
            raise IndexError(i)
        texts = self._texts
        if i >= len(texts) + self.FAR and self._data is not None:
            hit = self._found.get(i)
            if hit is None:
                hit = self._found[i] = self._far(i)
            return hit
        while i >= len(texts):
            if self._items is None:
                raise IndexError(i)
            try:
                _, si = next(self._items)
            except StopIteration:
                self._items = None
                raise IndexError(i) from None
            except etree.XMLSyntaxError as exc:
                self._items = None
                raise WorkbookError(f"Datei '{self._name}' ist beschädigt: Teil '{self._member}' ist kein "
                                    f"gültiges XML ({exc.msg})") from None
            texts.append(_si_text(si))
            si.clear()
            while si.getprevious() is not None:           # what is read is let go
                del si.getparent()[0]
        return texts[i]

    def _far(self, i: int) -> str:
        """Item ``i`` found by its ``<si`` in the text (counted on from the last one found when
        that lies before it) and parsed alone."""
        data = self._data
        assert data is not None
        known, pos = self._at if self._at[0] <= i else (-1, 0)   # the "<si" at ``pos`` is item ``known``
        ahead = i - max(known, 0)                        # items from ``pos`` on to pass
        while pos + self.CHUNK < len(data):              # whole stretches counted, not matched one by one
            n = _items_starting(data, pos, pos + self.CHUNK)
            if n > ahead:
                break
            ahead -= n
            pos += self.CHUNK
        found = next(islice(_SI_START.finditer(data, pos), ahead, None), None)
        if found is None:
            raise IndexError(i)
        start = found.start()
        self._at = (i, start)
        if data[data.find(b">", start) - 1] == 0x2F:     # <si/>
            return ""
        end = data.find(b"</si>", start)
        if end < 0:
            raise WorkbookError(f"Datei '{self._name}' ist beschädigt: Teil '{self._member}' ist kein "
                                f"gültiges XML (Eintrag {i} endet nicht)")
        item = parse_xml(b'<sst xmlns="' + MAIN_NS.encode() + b'">' + data[start:end + 5] + b"</sst>",
                         self._member, self._name)
        return _si_text(item[0])


def _items_starting(data: bytes, start: int, end: int) -> int:
    """How many ``<si`` items (``_SI_START``) begin in ``data[start:end]`` — by ``bytes.count``
    where every "<si" there is "<si>" (the usual table: ~100,000 items in a few ms instead of
    ~30 ms matching each)."""
    tags = data.count(b"<si", start, end + 2)
    if tags == data.count(b"<si>", start, end + 3):
        return tags
    return sum(1 for _ in _SI_START.finditer(data, start, end + 3))


def _si_text(si: etree._Element) -> str:
    """A shared string's text: its runs joined, phonetic guides left out."""
    return _unescape("".join(x.text or "" for x in si.iter(_T) if _outside_phonetic(x)))


def shared_strings(data: bytes | None, member: str = "", name: str = "") -> SharedStrings:
    return SharedStrings(data, member, name)


def _has_content(c: etree._Element) -> bool:
    return c.find(_V) is not None or c.find(_IS) is not None or c.find(_F) is not None


@dataclass
class Carried:
    """The agents' columns of a rewritten sheet, taken out before its content is replaced."""
    sheet: str
    placement: dict[int, int]                                   # old column -> new column
    headers: dict[int, str]                                     # new column -> header text
    header_cells: dict[int, etree._Element]                     # new column -> old header cell
    rows: dict[int, dict[int, etree._Element]] = field(default_factory=dict)  # new row -> new col -> cell
    col_elements: list[etree._Element] = field(default_factory=list)          # <col> of the columns
    dropped: list[tuple[str, str, str, str]] = field(default_factory=list)    # sheet, cell, header, value


def take_agents_columns(patcher: SheetPatcher, rw: SheetRewrite,
                        sst: Callable[[], SharedStrings]) -> Carried | None:
    """The agents' columns of the sheet as it is (before ``replace_content``) and where their
    cells go (``core.plan.agents_columns``, ``carried_rows``); None when the sheet has none."""
    if not rw.rows:
        return None
    patcher._need(1)                          # row 1 alone decides; the others stay as they are
    patcher._materialize(1)
    header_el = patcher.rows.get(1)
    if header_el is None:
        return None
    cells1, cols1 = patcher._row_cells(1, header_el)
    texts = {c: cell_text(cells1[c], sst) for c in cols1}
    placement = agents_columns(rw, texts)
    if placement is None:
        return None
    patcher.materialize_all()                 # the other rows: only when there are columns to carry
    patcher._unshare_all()
    product = {header_key(h): i for i, h in enumerate(rw.rows[0], start=1) if header_key(h)}
    old_col_of = {product[header_key(t)]: c for c, t in texts.items() if header_key(t) in product}
    width = max(len(r) for r in rw.rows)
    carried = Carried(rw.sheet, placement, {placement[c]: texts[c] for c in placement},
                      {placement[c]: cells1[c] for c in placement})
    cols = patcher.root.find(m("cols"))
    if cols is not None:
        for col_el in cols.iterchildren(m("col")):
            try:
                lo, hi = int(col_el.get("min", "")), int(col_el.get("max", ""))
            except ValueError:
                continue
            for c in placement:
                if lo <= c <= hi:
                    copy = etree.fromstring(etree.tostring(col_el))
                    copy.set("min", str(placement[c]))
                    copy.set("max", str(placement[c]))
                    carried.col_elements.append(copy)

    theirs: dict[int, dict[int, etree._Element]] = {}
    old_rows: dict[int, list[str]] = {}
    for r in patcher.row_numbers:
        if r == 1:
            continue
        cells, _ = patcher._row_cells(r, patcher.rows[r])
        mine = {c: cells[c] for c in placement if c in cells and _has_content(cells[c])}
        if mine:
            theirs[r] = mine
            old_rows[r] = [cell_text(cells.get(old_col_of.get(p, -1)), sst) for p in range(1, width + 1)]
    taken = carried_rows(rw, old_rows)
    for new_r, old_r in taken.items():
        carried.rows[new_r] = {placement[c]: cell for c, cell in theirs.pop(old_r).items()}
    for r, mine in sorted(theirs.items()):
        for c, cell in sorted(mine.items()):
            carried.dropped.append((rw.sheet, cell_ref(r, c), texts[c], cell_text(cell, sst)))
    return carried


def put_back(patcher: SheetPatcher, carried: Carried) -> None:
    """The carried cells into the rewritten sheet (after ``replace_content``)."""
    from openpyxl.formula.translate import Translator

    patcher._materialize()
    if carried.col_elements:
        cols = patcher.root.find(m("cols"))
        if cols is None:
            cols = patcher.root.makeelement(m("cols"), {})
            patcher.sheet_data.addprevious(cols)
        taken: set[int] = set()
        for col_el in cols.iterchildren(m("col")):
            taken.update(range(int(col_el.get("min", "0")), int(col_el.get("max", "0")) + 1))
        for col_el in carried.col_elements:
            if int(col_el.get("min", "0")) not in taken:
                cols.append(col_el)
        items = sorted(cols.iterchildren(m("col")), key=lambda e: int(e.get("min", "0")))
        for col_el in items:
            cols.append(col_el)
        patcher._set_col_styles()
    placed = {1: carried.header_cells, **carried.rows}
    for r in sorted(placed):
        row_el = patcher.row_el(r)
        cells, cols_ = patcher._row_cells(r, row_el)
        for col, c in sorted(placed[r].items()):
            old_ref = c.get("r") or ""
            new_ref = cell_ref(r, col)
            parent = c.getparent()
            if parent is not None:
                parent.remove(c)
            c.set("r", new_ref)
            f = c.find(_F)
            if f is not None and f.text and old_ref and old_ref != new_ref:
                with contextlib.suppress(Exception):          # not translatable: kept as written
                    f.text = Translator("=" + f.text, origin=old_ref).translate_formula(new_ref)[1:]
                if f.get("ref") is not None and ":" not in f.get("ref", ""):
                    f.set("ref", new_ref)
            if col in cells:                       # cannot happen: the product's block ends left of it
                continue
            patcher._place(row_el, cells, cols_, col, c)
            patcher._created(r, row_el, col, col)
    patcher.changed = True


def header_texts(rw: SheetRewrite, carried: Carried | None) -> dict[int, str]:
    """Column -> row-1 header text of the rewritten sheet."""
    out = {i: str(h) for i, h in enumerate(rw.rows[0], start=1) if h not in (None, "")} if rw.rows else {}
    if carried is not None:
        out.update(carried.headers)
    return out


__all__ = ["Carried", "SharedStrings", "cell_text", "header_texts", "put_back", "shared_strings", "take_agents_columns"]
