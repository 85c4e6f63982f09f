"""Reading one table's cells by header, turning every unreadable cell into a Finding with its
address — the one place where the workbook kinds parse their input cells."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from typing import TypeVar

from . import values as V
from .catalog import Core
from .cells import address
from .findings import Code, Finding
from .headers import ColumnMap
from .language import language
from .plan import CellValue
from .workbook_data import SheetData

_T = TypeVar("_T")


def row_has_values(sheet: SheetData, row: int, cols) -> bool:
    """True when any of ``cols`` holds a value in ``row`` (formatting-only rows are not data)."""
    if row < 1 or row > len(sheet.rows):
        return False
    return values_in(sheet.rows[row - 1], [c - 1 for c in cols if c > 0])


def values_in(values: list[CellValue], indexes: list[int]) -> bool:
    """True when any of ``values`` at the 0-based ``indexes`` is not blank (``V.is_blank``)."""
    n = len(values)
    for i in indexes:
        if i < n:
            v = values[i]
            if v is not None and not (isinstance(v, str) and not v.strip()):
                return True
    return False


def as_day(value: date | datetime | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def start_of(value: date | datetime) -> datetime:
    """A moment as it is; a date as its start of day."""
    return value if isinstance(value, datetime) else datetime.combine(value, time())


def same_value(old: CellValue, new: CellValue) -> bool:
    """True when a computed cell that holds ``old`` already shows ``new``, so a run need not
    write it. One rule for every kind:

    - blank shows blank (None, "" and blanks-only text alike);
    - a date or moment is shown by a cell that reads as it (a real date, an Excel serial number
      or date text); a moment to the second (what the file keeps of it), a date only by a cell
      without a time of day;
    - a text is shown by the same text; any other value by an equal value of the same sort
      (a number is not a yes/no)."""
    # the common cases first, answered as the general rule below answers them
    if type(new) is str and type(old) is str:
        return old == new or (not old.strip() and not new.strip())
    if new is None:
        return V.is_blank(old)
    if old is None:
        return V.is_blank(new)
    if type(new) is date and type(old) is date and V.FIRST_YEAR <= old.year <= V.LAST_YEAR:
        return old == new
    if V.is_blank(old) and V.is_blank(new):
        return True
    if isinstance(new, date):
        try:
            got = V.parse_date(old)
        except V.ParseError:
            return False
        if got is None:
            return False
        if isinstance(new, datetime) or isinstance(got, datetime):
            close = abs((start_of(got) - start_of(new)).total_seconds()) < 1
            return close and (isinstance(new, datetime) or start_of(got).time() == time())
        return got == new
    if isinstance(new, str):
        return isinstance(old, str) and old == new
    return isinstance(old, bool) == isinstance(new, bool) and old == new


class CellReader:
    """Cells of ``sheet`` by header (through ``cmap``); problems go to ``findings``.

    Every typed getter returns ``None`` for a blank cell and for an unreadable one; for the
    latter it adds an ERROR finding naming the cell and, when given, appends the header to
    ``unreadable`` so that the caller can say the row needs checking instead of guessing.
    """

    def __init__(self, sheet: SheetData, cmap: ColumnMap, findings: list[Finding], lang: str = "de"):
        self.sheet, self.cmap, self.findings, self.lang = sheet, cmap, findings, lang
        self._told: set[tuple[int, int]] = set()
        self._found: dict[str, int] = {}    # header -> its column, once found (a column map only grows)

    def _col(self, header: str) -> int | None:
        col = self._found.get(header)
        if col is None:
            col = self.cmap.col(header)
            if col:
                self._found[header] = col
        return col

    def raw(self, row: int, header: str) -> CellValue:
        """The cell's value; a formula the file keeps no value for reads as None, and is
        reported once (``Core.FORMULA_NO_VALUE``)."""
        col = self._col(header)
        if not col:
            return None
        sheet = self.sheet
        if (sheet.formulas_without_value and sheet.has_formula_without_value(row, col)
                and (row, col) not in self._told):
            self._told.add((row, col))
            self.add(Core.FORMULA_NO_VALUE, row, header, header=header)
        rows = sheet.rows
        if 0 < row <= len(rows):                # SheetData.value, without a second call
            values = rows[row - 1]
            return values[col - 1] if col <= len(values) else None
        return None

    def uncomputed(self, row: int, header: str) -> bool:
        """Is the cell a formula the file keeps no computed value for?"""
        if not self.sheet.formulas_without_value:
            return False
        col = self._col(header)
        return bool(col) and self.sheet.has_formula_without_value(row, col or 0)

    def cell(self, row: int, header: str) -> str:
        return address(row, self._col(header) or 1)

    def add(self, code: Code, row: int, column: str, /, *, key: str | None = "", suggestion: str | None = "",
            **fields: object) -> None:
        """The finding ``code`` at the cell of ``column`` in ``row``; ``fields`` fill its message."""
        self.findings.append(code.at(self.sheet.name, self.cell(row, column), key=key, suggestion=suggestion,
                                     lang=self.lang, **fields))

    def parse(self, row: int, header: str, parser: Callable[[CellValue], _T | None], code: Code,
              key: str | None = None, unreadable: list[str] | None = None) -> _T | None:
        """The parsed value; an unreadable cell is ``code`` and None. A formula without a value
        is None too, and counts as unreadable: its blank is not the agents' blank."""
        if unreadable is not None and self.uncomputed(row, header):
            unreadable.append(header)
        try:
            return parser(self.raw(row, header))
        except V.ParseError as e:
            self.add(code, row, header, key=key, suggestion=e.suggestion, header=header, reason=e.text(self.lang))
            if unreadable is not None:
                unreadable.append(header)
            return None

    def date(self, row: int, header: str, key: str | None = None,
             unreadable: list[str] | None = None) -> date | None:
        return as_day(self.parse(row, header, V.parse_date, Core.DATE_INVALID, key, unreadable))

    def boolean(self, row: int, header: str, key: str | None = None,
                unreadable: list[str] | None = None) -> bool | None:
        return self.parse(row, header, V.parse_bool, Core.BOOL_INVALID, key, unreadable)

    def ident(self, row: int, header: str, key: str | None = None,
              unreadable: list[str] | None = None) -> str | None:
        return self.parse(row, header, V.parse_id, Core.ID_INVALID, key, unreadable)

    def choice(self, row: int, header: str, choices: Sequence[str], code: Code, key: str | None = None,
               unreadable: list[str] | None = None) -> str | None:
        """The canonical spelling of a closed-list value (case and blanks ignored); anything else
        is the finding ``code`` (fields value, header, allowed) with the nearest valid value."""
        raw = self.raw(row, header)
        if unreadable is not None and self.uncomputed(row, header):
            unreadable.append(header)
        if V.is_blank(raw):
            return None
        canon = V.match_choice(raw, choices)
        if canon is None:
            hint = V.nearest_choice(raw, choices)
            allowed = "" if hint else f" ({language(self.lang).allowed}: {', '.join(choices)})"
            self.add(code, row, header, key=key, suggestion=hint, value=V.norm_text(raw), header=header,
                     allowed=allowed)
            if unreadable is not None:
                unreadable.append(header)
        return canon
