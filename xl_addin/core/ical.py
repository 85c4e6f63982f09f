"""The due dates of a workbook as an iCalendar file (RFC 5545) for the agents' calendar (Outlook:
Datei › Öffnen und exportieren › Importieren/Exportieren › iCalendar-Datei importieren).

Made with the ``icalendar`` library, never as hand-written text. One VEVENT per due item:

- **UID** stable across runs and exports: a name-based UUID (uuid5) of the kind, the workbook's
  identity (by default its file name, see ``workbook_identity``) and the row's key (order id,
  ticket, customer — never the row number). Importing the file again updates the events instead of
  adding them twice, and a due date that moved moves its event. SEQUENCE counts the minutes since
  2020 at the export, so a later export is the newer revision of every event.
- **SUMMARY**: the id and the action (``10004711 – 1. Mahnung senden``); DESCRIPTION: the whole
  action, the details (saved reply, template, priority, vendor), where it stands (workbook, sheet,
  row) and "überfällig" for a date already past.
- **Time**: a due date is an all-day event (DTSTART;VALUE=DATE); a due moment (Diagonal's 48-h
  timers) a 30-minute event in the kind's time zone (Europe/Berlin, Europe/Rome) with its VTIMEZONE,
  free time (TRANSP:TRANSPARENT), so the calendar shows the work without blocking the agent's day.
"""
from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from .due import DueItem

__all__ = ["EVENT_MINUTES", "calendar_bytes", "event_uid", "workbook_identity"]

EVENT_MINUTES = 30
PRODID = "-//xl_addin//Faelligkeiten//DE"
_SEQUENCE_EPOCH = datetime(2020, 1, 1, tzinfo=timezone.utc)
_SUMMARY_MAX = 160


@lru_cache(maxsize=1)
def _namespace() -> uuid.UUID:
    """The UIDs' name space (uuid5 imports hashlib: made at the first UID, not at start-up)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, "https://xl-addin.invalid/due")


def workbook_identity(name: str) -> str:
    """The workbook's identity for UIDs from its file name: without folder and extension, case and
    repeated blanks ignored — a copy on another share or a backup keeps its events; a renamed
    workbook starts new ones (``--kalender-id`` keeps the old identity)."""
    stem = name.replace("\\", "/").rsplit("/", 1)[-1]
    for suffix in (".xlsx", ".xlsm", ".xls"):
        if stem.casefold().endswith(suffix):
            stem = stem[: -len(suffix)]
    return " ".join(stem.split()).casefold()


def event_uid(kind: str, identity: str, key: Sequence[str]) -> str:
    name = "\x1f".join([kind, identity, *(" ".join(k.split()).casefold() for k in key)])
    return f"{uuid.uuid5(_namespace(), name)}@xl-addin"


def _unique_keys(items: Sequence[DueItem]) -> list[tuple[str, ...]]:
    """Each item's key; a key that stands twice (a duplicate order id the run reports) gets '#2',
    '#3' in sheet order, so no two events share a UID."""
    seen: dict[tuple[str, ...], int] = {}
    out = []
    for item in sorted(items, key=lambda i: i.row):
        n = seen[item.key] = seen.get(item.key, 0) + 1
        out.append((item.row, item.key if n == 1 else (*item.key, f"#{n}")))
    by_row = dict(out)
    return [by_row[i.row] for i in items]


def _summary(item: DueItem) -> str:
    text = f"{item.label} – {item.action}"
    return text if len(text) <= _SUMMARY_MAX else text[: _SUMMARY_MAX - 1].rstrip() + "…"


def _description(item: DueItem, workbook: str, lang: str) -> str:
    lines = [item.action]
    lines += [f"{name}: {value}" for name, value in item.details]
    where = "cartella {wb}, foglio '{sheet}', riga {row}" if lang == "it" else \
        "Arbeitsmappe {wb}, Blatt '{sheet}', Zeile {row}"
    lines.append(where.format(wb=workbook, sheet=item.sheet, row=item.row))
    if item.overdue:
        lines.append("scaduto" if lang == "it" else "überfällig")
    return "\n".join(lines)


def calendar_bytes(items: Sequence[DueItem], *, kind: str, title: str, workbook: str, identity: str, tz: str,
                   now: datetime, lang: str = "de") -> bytes:
    """The iCalendar file of ``items`` (due dates of the workbook ``workbook``, a ``kind``
    workbook called ``title``); ``now``: the export's local time in ``tz``."""
    zone = ZoneInfo(tz)
    stamp = (now if now.tzinfo else now.replace(tzinfo=zone)).astimezone(timezone.utc).replace(microsecond=0)
    sequence = max(0, int((stamp - _SEQUENCE_EPOCH).total_seconds() // 60))
    from icalendar import Calendar, Event, Timezone  # only here: an export, not every start-up

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{'Scadenze' if lang == 'it' else 'Fällig'}: {title}")
    cal.add("x-wr-timezone", tz)
    years = [i.due.year for i in items] or [now.year]
    cal.add_component(Timezone.from_tzid(tz, first_date=date(min(years) - 1, 1, 1),
                                         last_date=date(max(years) + 2, 1, 1)))
    for item, key in zip(items, _unique_keys(items), strict=True):
        ev = Event()
        ev.add("uid", event_uid(kind, identity, key))
        ev.add("dtstamp", stamp)
        ev.add("sequence", sequence)
        ev.add("summary", _summary(item))
        ev.add("description", _description(item, workbook, lang))
        if isinstance(item.due, datetime):
            start = item.due.replace(tzinfo=zone) if item.due.tzinfo is None else item.due.astimezone(zone)
            ev.add("dtstart", start)
            ev.add("dtend", start + timedelta(minutes=EVENT_MINUTES))
        else:
            ev.add("dtstart", item.due)
            ev.add("dtend", item.due + timedelta(days=1))
        ev.add("transp", "TRANSPARENT")
        ev.add("categories", [title])
        cal.add_component(ev)
    return cal.to_ical()
