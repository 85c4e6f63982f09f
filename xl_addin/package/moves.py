"""What moves with a sheet's rows besides its cells, as Excel moves it on "delete row" /
"insert row": the sheet's tables, notes (comments, their VML shapes), threaded comments and the
anchors of its drawings; and, elsewhere in the workbook, charts and pivot caches that point into
the sheet. Formulas (cells, names, rules) are moved with ``refs.shift_formula``."""
from __future__ import annotations

import re

from lxml import etree

from .opc import local, m
from .refs import RowInsert, RowShift, shift_formula, split_cell_ref

Shift = RowShift | RowInsert
XDR_NS = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
TC_NS = "http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments"
REL_BASE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
RT_TABLE = REL_BASE + "table"
RT_COMMENTS = REL_BASE + "comments"
RT_VML = REL_BASE + "vmlDrawing"
RT_DRAWING = REL_BASE + "drawing"
RT_THREADED = "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment"


def _row_of(ref: str | None) -> int | None:
    try:
        return split_cell_ref(ref)[0] if ref else None
    except ValueError:
        return None


def move_table(root: etree._Element, shift: Shift) -> None:
    """A table's range, its filter and sort ranges follow the rows."""
    for el in (root, *root.iter(m("autoFilter"), m("sortState"), m("sortCondition"))):
        ref = el.get("ref")
        if ref:
            el.set("ref", shift.range(ref) or ref)


def move_cell_items(root: etree._Element, tag: str, shift: Shift, gone: set[int]) -> set[str]:
    """Items with a cell ``ref`` (notes, threaded comments): those on ``gone`` rows removed,
    the others moved. Returns the removed items' cells."""
    removed: set[str] = set()
    for el in list(root.iter(tag)):
        ref = el.get("ref")
        row = _row_of(ref)
        if row is None or ref is None:
            continue
        new = shift.new_row(row) if row not in gone else None
        parent = el.getparent()
        if new is None and parent is not None:
            parent.remove(el)
            removed.add(ref)
        elif new is not None and new != row:
            el.set("ref", ref.rstrip("0123456789") + str(new))
    return removed


def move_comments(root: etree._Element, shift: Shift, gone: set[int]) -> set[str]:
    return move_cell_items(root, m("comment"), shift, gone)


def move_threaded(root: etree._Element, shift: Shift, gone: set[int]) -> set[str]:
    return move_cell_items(root, f"{{{TC_NS}}}threadedComment", shift, gone)


_SHAPE = re.compile(rb"<v:shape\b.*?</v:shape>", re.S)
_ROW = re.compile(rb"(<x:Row>)\s*(\d+)\s*(</x:Row>)")
_ANCHOR = re.compile(rb"(<x:Anchor>)([^<]*)(</x:Anchor>)")


def move_vml(data: bytes, shift: Shift, gone: set[int]) -> bytes:
    """Legacy VML (notes' boxes, form controls): a note's shape on a ``gone`` row goes; every
    other shape's row (0-based ``x:Row``) and anchor rows move. VML is not always well-formed
    XML, so it is edited as text, shape by shape."""
    def shape(match: re.Match) -> bytes:
        text = match.group(0)
        row_match = _ROW.search(text)
        if row_match is not None:
            row = int(row_match.group(2)) + 1
            if row in gone:
                return b""
            new_row = shift.new_row(row)
            if new_row is None:
                return b""
            text = _ROW.sub(lambda r: r.group(1) + str(new_row - 1).encode() + r.group(3), text, count=1)

        def anchor(a: re.Match) -> bytes:
            parts = [p.strip() for p in a.group(2).decode("ascii", "replace").split(",")]
            if len(parts) != 8 or not all(p.lstrip("-").isdecimal() for p in parts):
                return a.group(0)
            top, bottom = int(parts[2]), int(parts[6])
            new_top = shift.position(top + 1) - 1
            new_bottom = max(new_top, shift.position(bottom + 1) - 1)
            parts[2], parts[6] = str(new_top), str(new_bottom)
            return a.group(1) + ", ".join(parts).encode() + a.group(3)
        return _ANCHOR.sub(anchor, text)
    return _SHAPE.sub(shape, data)


def move_drawing(root: etree._Element, shift: Shift) -> bool:
    """Anchors of pictures, charts, shapes: a two-cell anchor moves (and shrinks) with its rows,
    a one-cell anchor moves, an absolute one stays — as "move and size with cells" does."""
    changed = False
    for anchor in root.iter(f"{{{XDR_NS}}}twoCellAnchor", f"{{{XDR_NS}}}oneCellAnchor"):
        if anchor.get("editAs") == "absolute":
            continue
        start = anchor.find(f"{{{XDR_NS}}}from/{{{XDR_NS}}}row")
        end = anchor.find(f"{{{XDR_NS}}}to/{{{XDR_NS}}}row")
        if start is None or not (start.text or "").strip().isdecimal():
            continue
        old_top = int((start.text or "0").strip())
        new_top = shift.position(old_top + 1) - 1
        if end is not None and (end.text or "").strip().isdecimal():
            old_bottom = int((end.text or "0").strip())
            if anchor.get("editAs") == "oneCell":
                new_bottom = old_bottom + new_top - old_top
            else:
                new_bottom = max(new_top, shift.position(old_bottom + 1) - 1)
            if new_bottom != old_bottom:
                end.text = str(new_bottom)
                changed = True
        if new_top != old_top:
            start.text = str(new_top)
            changed = True
    return changed


def move_formula_texts(root: etree._Element, shift: Shift, sheet: str) -> bool:
    """Every ``*:f`` element (series, labels and categories of charts) naming ``sheet``."""
    changed = False
    for el in root.iter():
        if local(el.tag) != "f" or not el.text:
            continue
        new = shift_formula(el.text, shift, sheet, on_sheet=False)
        if new != el.text:
            el.text = new
            changed = True
    return changed


def move_pivot_source(root: etree._Element, shift: Shift, sheet: str) -> bool:
    changed = False
    for src in root.iter(m("worksheetSource")):
        ref, name = src.get("ref"), src.get("sheet")
        if ref and name is not None and name.casefold() == sheet.casefold():
            new = shift.range(ref)
            if new and new != ref:
                src.set("ref", new)
                changed = True
    return changed


__all__ = ["RT_COMMENTS", "RT_DRAWING", "RT_TABLE", "RT_THREADED", "RT_VML", "move_comments",
           "move_drawing", "move_formula_texts", "move_pivot_source", "move_table",
           "move_threaded", "move_vml"]
