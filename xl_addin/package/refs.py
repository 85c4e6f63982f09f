"""A1 references: parse cell refs fast, and move ranges when rows are deleted."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from ..core.cells import col_letter, col_number

_DIGITS = "0123456789"
_POINT = re.compile(r"^(\$?[A-Za-z]{1,3})?(\$?\d+)?$")
# References qualified by a sheet ("Tab!A1", "'Tab 2'!$A$1:$B$5") ...
_QUALIFIED_REF = re.compile(
    r"(?:'(?:[^']|'')*'|[^\s!\"'(),;:=+\-*/&<>^%]+)!\$?[A-Za-z]{0,3}\$?\d*(?::\$?[A-Za-z]{0,3}\$?\d*)?")
# ... and an A1 reference left after removing those (not a function name).
_UNQUALIFIED_REF = re.compile(r"(?<![\w$.])\$?[A-Za-z]{1,3}\$?\d+(?![\w(])")
_STRING_LITERAL = re.compile(r'"(?:[^"]|"")*"')
_letters: dict[str, int] = {}


def split_cell_ref(ref: str) -> tuple[int, int]:
    """'AB12' -> (12, 28), cached per column letters."""
    letters = ref.rstrip(_DIGITS)
    col = _letters.get(letters)
    if col is None:
        col = _letters[letters] = col_number(letters.lstrip("$"))
    return int(ref[len(letters):].lstrip("$")), col


def cell_ref(row: int, col: int) -> str:
    return f"{col_letter(col)}{row}"


def has_unqualified_ref(formula: str | None) -> bool:
    """True when a formula refers to a cell of its own sheet (e.g. '$L2="Freigabe"')."""
    if not formula:
        return False
    text = _QUALIFIED_REF.sub("", _STRING_LITERAL.sub("", formula))
    return bool(_UNQUALIFIED_REF.search(text))


class RowShift:
    """Old row number -> new row number after deleting ``deleted`` (sorted, unique)."""

    def __init__(self, deleted):
        self.deleted = sorted(set(deleted))
        self._set = set(self.deleted)

    def new_row(self, row: int) -> int | None:
        if row in self._set:
            return None
        return row - bisect_left(self.deleted, row)

    def _survivors(self, r1: int, r2: int) -> int:
        return (r2 - r1 + 1) - (bisect_right(self.deleted, r2) - bisect_left(self.deleted, r1))

    def range(self, ref: str) -> str | None:
        """Shift one range ('A2:M40', 'B5', 'A:A', '3:7'); None when all its rows go."""
        parts = ref.split(":")
        if len(parts) > 2:
            return ref
        points = [point for p in parts if (point := _POINT.match(p))]
        if len(points) != len(parts):
            return ref
        rows = [p.group(2) for p in points]
        if any(r is None for r in rows):
            return ref                                      # whole columns: unaffected
        nums = [int(r.lstrip("$")) for r in rows]
        r1, r2 = nums[0], nums[-1]
        if r2 < r1:
            r1, r2 = r2, r1
        alive = self._survivors(r1, r2)
        if alive <= 0:
            return None
        n1 = r1 - bisect_left(self.deleted, r1)
        n2 = n1 + alive - 1
        def fmt(match, n):
            dollar = "$" if match.group(2).startswith("$") else ""
            return f"{match.group(1) or ''}{dollar}{n}"
        if len(points) == 1:
            return fmt(points[0], n1)
        return f"{fmt(points[0], n1)}:{fmt(points[1], n2)}"

    def sqref(self, sqref: str) -> str:
        """Shift a space-separated list of ranges; '' when nothing is left."""
        out = [s for s in (self.range(p) for p in sqref.split()) if s]
        return " ".join(out)


def is_single_cell(ref: str) -> bool:
    parts = ref.split(":")
    return len(parts) == 1 or parts[0].replace("$", "") == parts[1].replace("$", "")
