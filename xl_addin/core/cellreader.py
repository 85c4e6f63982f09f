"""Reading one table's cells by header, turning every unreadable cell into a Finding with its
address — the one place where the workbook kinds parse their input cells."""
from __future__ import annotations

from datetime import date, datetime
from typing import Callable, Sequence

from . import values as V
from .cells import address
from .catalog import Core
from .findings import Code, Finding
from .headers import ColumnMap
from .language import language
from .workbook_data import SheetData


def row_has_values(sheet: SheetData, row: int, cols) -> bool:
    """True when any of ``cols`` holds a value in ``row`` (formatting-only rows are not data)."""
    return any(not V.is_blank(sheet.value(row, c)) for c in cols)


def as_day(value: date | datetime | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def same_value(old, new) -> bool:
    """True when a computed cell that holds ``old`` already shows ``new``, so a run need not
    write it (a date counts as shown when the cell reads as that day)."""
    if V.is_blank(old) and V.is_blank(new):
        return True
    if isinstance(new, date):
        try:
            return as_day(V.parse_date(old)) == new
        except V.ParseError:
            return False
    return old == new


class CellReader:
    """Cells of ``sheet`` by header (through ``cmap``); problems go to ``findings``.

    Every typed getter returns ``None`` for a blank cell and for an unreadable one; for the
    latter it adds an ERROR finding naming the cell and, when given, appends the header to
    ``unreadable`` so that the caller can say the row needs checking instead of guessing.
    """

    def __init__(self, sheet: SheetData, cmap: ColumnMap, findings: list[Finding], lang: str = "de"):
        self.sheet, self.cmap, self.findings, self.lang = sheet, cmap, findings, lang

    def raw(self, row: int, header: str):
        col = self.cmap.col(header)
        return self.sheet.value(row, col) if col else None

    def cell(self, row: int, header: str) -> str:
        return address(row, self.cmap.col(header) or 1)

    def add(self, code: Code, row: int, column: str, /, *, key: str | None = "", suggestion: str | None = "",
            **fields: object) -> None:
        """The finding ``code`` at the cell of ``column`` in ``row``; ``fields`` fill its message."""
        self.findings.append(code.at(self.sheet.name, self.cell(row, column), key=key, suggestion=suggestion,
                                     lang=self.lang, **fields))

    def parse(self, row: int, header: str, parser: Callable, code: Code, key: str | None = None,
              unreadable: list[str] | None = None):
        try:
            return parser(self.raw(row, header))
        except V.ParseError as e:
            self.add(code, row, header, key=key, suggestion=e.suggestion, header=header, reason=e.text(self.lang))
            if unreadable is not None:
                unreadable.append(header)
            return None

    def date(self, row, header, key=None, unreadable=None) -> date | None:
        return as_day(self.parse(row, header, V.parse_date, Core.DATE_INVALID, key, unreadable))

    def boolean(self, row, header, key=None, unreadable=None) -> bool | None:
        return self.parse(row, header, V.parse_bool, Core.BOOL_INVALID, key, unreadable)

    def ident(self, row, header, key=None, unreadable=None) -> str | None:
        return self.parse(row, header, V.parse_id, Core.ID_INVALID, key, unreadable)

    def choice(self, row: int, header: str, choices: Sequence[str], code: Code, key: str | None = None,
               unreadable: list[str] | None = None) -> str | None:
        """The canonical spelling of a closed-list value (case and blanks ignored); anything else
        is the finding ``code`` (fields value, header, allowed) with the nearest valid value."""
        raw = self.raw(row, header)
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
