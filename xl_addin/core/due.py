"""What is due in a workbook (issue 17 part 3): one ``DueItem`` per open row with a due date — the
Diagonal case's Fällig am, the Inkasso order's next dunning step, the Solleciti ticket's Scadenza task,
the Kundenakten customer's Wiedervorlage — future ones included.

Pure. Each kind declares its ``DueColumns`` (which sheet, which columns say the row's key, its
action and its due date) and asks ``due_items`` with the Plan of its run: the items are read from the
workbook *as the run leaves it* (the run's cell writes applied), so the calendar says exactly what
the sheet says after a run — one rule, computed once, in the kind's rules.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from . import values as V
from .plan import CellValue, Plan
from .tables import data_rows, sheet_columns
from .workbook_data import WorkbookData

__all__ = ["DueColumns", "DueItem", "due_items", "due_moment"]


@dataclass(frozen=True)
class DueColumns:
    """Where a kind's sheet says what is due. ``key``: the headers whose values identify the row for
    good (the first is the id shown, e.g. the order id) — never the row number, which moves when
    rows are sorted or removed. ``open_when``: (header, value) a row must show to count (Inkasso:
    Verfolgen = Ja); ``details``: headers shown with the action (template, saved reply, priority)."""
    sheet: str
    key: tuple[str, ...]
    action: str
    due: str
    details: tuple[str, ...] = ()
    open_when: tuple[str, str] | None = None


@dataclass(frozen=True)
class DueItem:
    kind: str
    sheet: str
    row: int
    key: tuple[str, ...]                # the row's identity (see DueColumns.key)
    action: str
    due: date | datetime                # a date: due that day; a moment: due then (local time)
    overdue: bool
    details: tuple[tuple[str, str], ...] = ()

    @property
    def label(self) -> str:
        """The id an agent looks for (order id, ticket, customer)."""
        return self.key[0]

    def as_dict(self) -> dict:
        return {"kind": self.kind, "sheet": self.sheet, "row": self.row, "key": list(self.key), "id": self.label,
                "action": self.action, "due": self.due.isoformat(), "overdue": self.overdue,
                "details": dict(self.details)}


def _text(value: CellValue) -> str:
    """A cell as the agent reads it: dates and booleans as Excel shows them, text whole (an
    action of 240 characters is the action, not a message quoting it shortened)."""
    if V.is_blank(value):
        return ""
    if isinstance(value, (bool, date, datetime)):
        return V.display(value)
    return V.norm_text(value)


def due_items(kind: str, wb: WorkbookData, plan: Plan, cols: DueColumns, now: datetime,
              aliases: Mapping[str, Sequence[str]] | None = None) -> list[DueItem]:
    """The open rows of ``cols.sheet`` that have a due date once ``plan`` (the kind's run on ``wb``)
    is applied, soonest first. A row without its key or without a readable due date is left out
    (the run reports it on 'Prüfung'). Overdue: a date before today, a moment not after ``now``."""
    after = wb.with_writes(plan.writes)
    sheet = after.sheet(cols.sheet)
    if sheet is None or not sheet.rows:
        return []
    wanted = [*cols.key, cols.action, cols.due, *cols.details] + ([cols.open_when[0]] if cols.open_when else [])
    cmap = sheet_columns(sheet, list(dict.fromkeys(wanted)), aliases)
    if any(cmap.col(h) is None for h in (*cols.key[:1], cols.action, cols.due)):
        return []
    out: list[DueItem] = []
    for r in data_rows(sheet, cmap.columns.values()):
        def cell(header: str, row: int = r) -> CellValue:
            col = cmap.col(header)
            return sheet.value(row, col) if col else None

        if cols.open_when is not None and _text(cell(cols.open_when[0])).casefold() != cols.open_when[1].casefold():
            continue
        try:
            due = V.parse_date(cell(cols.due))
        except V.ParseError:
            continue
        key = tuple(_text(cell(h)) for h in cols.key)
        action = _text(cell(cols.action))
        if due is None or not key[0] or not action:
            continue
        overdue = due <= now if isinstance(due, datetime) else due < now.date()
        details = tuple((h, t) for h in cols.details if (t := _text(cell(h))))
        out.append(DueItem(kind, sheet.name, r, key, action, due, overdue, details))
    return sorted(out, key=lambda i: (due_moment(i.due), i.row))


def due_moment(d: date | datetime) -> datetime:
    """A due date as the moment it starts (a date: 00:00 that day)."""
    return d if isinstance(d, datetime) else datetime(d.year, d.month, d.day)
