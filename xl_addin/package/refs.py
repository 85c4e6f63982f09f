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
_NUMBER = re.compile(r"\d+")
_ONE_RANGE = re.compile(r"(?:'(?:[^']|'')+'!|[A-Za-z_][\w.]*!)?\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?")
_letters: dict[str, int] = {}


def split_cell_ref(ref: str) -> tuple[int, int]:
    """'AB12' -> (12, 28), cached per column letters."""
    letters = ref.rstrip(_DIGITS)
    col = _letters.get(letters)
    if col is None:
        col = _letters[letters] = col_number(letters.lstrip("$"))
    return int(ref[len(letters):].lstrip("$")), col


def ref_box(ref: str) -> tuple[int, int, int, int] | None:
    """(first row, first column, last row, last column) of ``A1:B3`` (or one cell); None for a
    broken reference."""
    a, _, b = ref.partition(":")
    try:
        r1, c1 = split_cell_ref(a)
        r2, c2 = split_cell_ref(b or a)
    except ValueError:
        return None
    return r1, c1, r2, c2


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
        self.first = self.deleted[0] if self.deleted else 1 << 30

    def new_row(self, row: int) -> int | None:
        if row in self._set:
            return None
        return row - bisect_left(self.deleted, row)

    def position(self, row: int) -> int:
        """Where a point on ``row`` lands (a deleted row: where the next row lands) — for
        anchors of drawings and notes, which never vanish."""
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


class RowInsert:
    """Old row number -> new row number after inserting ``count`` rows before row ``at`` (the
    rows from ``at`` down move by ``count``); a range reaching over ``at`` grows, as in Excel."""

    def __init__(self, at: int, count: int):
        self.at, self.count = at, count
        self.deleted: list[int] = []
        self.first = at

    def new_row(self, row: int) -> int:
        return row + self.count if row >= self.at else row

    position = new_row

    def range(self, ref: str) -> str | None:
        parts = ref.split(":")
        points = [point for p in parts if (point := _POINT.match(p))]
        if len(parts) > 2 or len(points) != len(parts) or any(p.group(2) is None for p in points):
            return ref
        out = []
        for p in points:
            n = int(p.group(2).lstrip("$"))
            dollar = "$" if p.group(2).startswith("$") else ""
            out.append(f"{p.group(1) or ''}{dollar}{self.new_row(n)}")
        return ":".join(out)

    def sqref(self, sqref: str) -> str:
        return " ".join(s for s in (self.range(p) for p in sqref.split()) if s)


# --- formulas --------------------------------------------------------------------------------
_A1 = re.compile(r"^(\$?[A-Za-z]{1,3})?(\$?)(\d+)$")
_REF_PART = re.compile(r"^\$?[A-Za-z]{0,3}\$?\d*(?::\$?[A-Za-z]{0,3}\$?\d*)?$")


def _sheet_name(token: str) -> str:
    return token[1:-1].replace("''", "'") if token.startswith("'") and token.endswith("'") else token


def _shift_ref(ref: str, shift, anchor: tuple[int, int] | None) -> str | None:
    """One A1 reference or range moved; None when Excel would write #REF!. With ``anchor``
    (old row, new row of a rule's first cell) rows without '$' keep their distance to it."""
    if anchor is None:
        return shift.range(ref)
    parts = ref.split(":")
    points = [_A1.match(p) for p in parts]
    if any(p is None for p in points):
        return shift.range(ref)
    old_anchor, new_anchor = anchor
    absolute = [p.group(2) == "$" for p in points]     # type: ignore[union-attr]
    if all(absolute):
        return shift.range(ref)
    out = []
    for p, fixed in zip(points, absolute, strict=True):
        assert p is not None
        row = int(p.group(3))
        if fixed:
            new = shift.range(f"{p.group(1) or ''}${row}")
            if new is None:
                return None
            out.append(new)
        else:
            out.append(f"{p.group(1) or ''}{max(1, new_anchor + row - old_anchor)}")
    return ":".join(out)


def shift_formula(formula: str | None, shift, sheet: str, *, on_sheet: bool,
                  anchor: tuple[int, int] | None = None) -> str | None:
    """``formula`` (without '=') with every reference into ``sheet`` moved as Excel moves it when
    rows are deleted or inserted; a reference to a deleted cell becomes #REF!. ``on_sheet``: the
    formula lives on that sheet, so its unqualified references point there too. Text literals
    are never references ('Warten auf Freigabe!E5' in quotes stays). Returns the formula
    unchanged when there is nothing to move."""
    if not formula:
        return formula
    if not on_sheet and sheet.casefold() not in formula.casefold():
        return formula
    if (anchor is None or anchor[0] == anchor[1]) and all(int(n) < shift.first for n in _NUMBER.findall(formula)):
        return formula          # no reference reaches the rows that move (no tokenizer: openpyxl not loaded)
    if _ONE_RANGE.fullmatch(formula):   # one reference (a filter's or print area's name): the one token it is
        return _shift_operand(formula, shift, sheet.casefold(), on_sheet, anchor)
    return _shift_tokens(formula, shift, sheet, on_sheet, anchor)


def _shift_tokens(formula: str, shift, sheet: str, on_sheet: bool, anchor: tuple[int, int] | None) -> str:
    """``shift_formula`` by the formula's tokens (openpyxl's tokenizer)."""
    from openpyxl.formula.tokenizer import Token, Tokenizer

    try:
        tokens = Tokenizer("=" + formula).items
    except Exception:  # openpyxl's tokenizer refuses what Excel would not accept either
        return formula
    target = sheet.casefold()
    changed = False
    out = []
    for tok in tokens:
        value = tok.value
        if tok.type == Token.OPERAND and tok.subtype == Token.RANGE:
            new = _shift_operand(value, shift, target, on_sheet, anchor)
        elif tok.type == Token.FUNC and tok.subtype == Token.OPEN and ":" in value:
            head, _, func = value.rpartition(":")          # 'A1:INDEX('
            moved = _shift_operand(head, shift, target, on_sheet, anchor)
            new = f"{moved}:{func}"
        else:
            new = value
        changed |= new != value
        out.append(new)
    return "".join(out) if changed else formula


def _shift_operand(text: str, shift, target: str, on_sheet: bool,
                   anchor: tuple[int, int] | None) -> str:
    prefix, bang, ref = text.rpartition("!")
    if bang:
        name = _sheet_name(prefix)
        if name.startswith("[") or ":" in name or name.casefold() != target:
            return text                    # another workbook, a 3D reference, another sheet
        anchor = None
    elif not on_sheet:
        return text
    if not ref or not _REF_PART.match(ref) or not any(ch.isdigit() for ch in ref):
        return text                        # a name, a table, whole columns, #REF!
    new = _shift_ref(ref, shift, anchor)
    return f"{prefix}{bang}{new if new is not None else '#REF!'}"


def is_single_cell(ref: str) -> bool:
    parts = ref.split(":")
    return len(parts) == 1 or parts[0].replace("$", "") == parts[1].replace("$", "")
