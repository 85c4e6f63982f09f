"""The very hidden state sheet a kind keeps in the workbook to remember things between runs
(Inkasso's `xl_addin_Statusverlauf`, Solleciti's `xl_addin_Solleciti`): row 1 a header, then
one row per id (order id, ticket), the id in column A.

A run reads it with ``read_state`` and hands the rows it wants kept to ``state_rewrite``, which
rewrites the sheet only when its content changes — handing the writer the rows as read, so
that the rows that stay the same are kept as they are."""
from __future__ import annotations

from collections.abc import Sequence

from . import values as V
from .plan import CellValue, SheetRewrite
from .workbook_data import SheetData

__all__ = ["read_state", "state_rewrite"]


def read_state(sheet: SheetData | None, columns: int) -> dict[str, tuple[CellValue, ...]]:
    """id -> the values of columns B … ``columns`` of its row. The id is read like any id cell
    (10000001.0 -> "10000001"); rows without a readable id are skipped, and the first row of an
    id wins (the product writes each id once)."""
    out: dict[str, tuple[CellValue, ...]] = {}
    if sheet is None:
        return out
    pad: tuple[CellValue, ...] = (None,) * max(columns - 1, 0)
    for values in sheet.rows[1:]:
        try:
            key = V.parse_id(values[0] if values else None)
        except V.ParseError:
            continue
        if key is not None and key not in out:
            rest = tuple(values[1:columns])
            out[key] = rest + pad[len(rest):] if len(rest) < len(pad) else rest
    return out


def state_rewrite(name: str, rows: list[list[CellValue]], current: SheetData | None) -> SheetRewrite | None:
    """The very hidden rewrite of the state sheet with ``rows`` (header first), or None when
    nothing changes: the sheet shows these rows already (cells compared as text, trailing blanks
    ignored) and is very hidden, or there is no sheet and nothing to remember. A sheet an agent
    unhid is rewritten to hide it again."""
    if current is None:
        return SheetRewrite(name, rows, state="veryHidden") if len(rows) > 1 else None
    if current.state == "veryHidden" and _same_text(current.rows, rows):
        return None
    return SheetRewrite(name, rows, state="veryHidden", shown=current.rows)


def _same_text(a: Sequence[Sequence[CellValue]], b: Sequence[Sequence[CellValue]]) -> bool:
    """``_as_text(a) == _as_text(b)``, row by row: a missing row reads as an empty one, and two
    rows of equal texts (or blanks) in the same places need no normalising."""
    for i in range(max(len(a), len(b))):
        ra = a[i] if i < len(a) else ()
        rb = b[i] if i < len(b) else ()
        if ra == rb and all(type(x) is type(y) and (x is None or type(x) is str) for x, y in zip(ra, rb, strict=True)):
            continue
        if _as_text([ra]) != _as_text([rb]):
            return False
    return True


def _as_text(rows: Sequence[Sequence[CellValue]]) -> list[list[str]]:
    out = [[V.norm_text(v) for v in r] for r in rows]
    for r in out:
        while r and r[-1] == "":
            r.pop()
    while out and not out[-1]:
        out.pop()
    return out
