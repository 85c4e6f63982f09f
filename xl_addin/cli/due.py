"""`xl-addin due`: what is due in a workbook of any kind — on the terminal, as JSON, or as an
iCalendar file for the agents' calendar (``--ics``). Writes nothing into the workbook."""
from __future__ import annotations

import json
import re
import sys
from datetime import timedelta
from pathlib import Path

import click

from .. import actions
from ..core.due import due_moment
from ..core.values import format_date_de
from .options import CONTEXT, fail, json_option, open_or_exit, time_options

_DURATION = re.compile(r"\s*(\d+(?:[.,]\d+)?)\s*(min|m|minuten|h|std|stunden|d|t|tag|tage|w|wochen?)?\s*",
                       re.IGNORECASE)
_UNIT = {"min": 1 / 60, "m": 1 / 60, "minuten": 1 / 60, "h": 1, "std": 1, "stunden": 1, "": 1,
         "d": 24, "t": 24, "tag": 24, "tage": 24, "w": 168, "woche": 168, "wochen": 168}


def parse_within(text: str | None) -> timedelta | None:
    """'24h', '2d', '2 Tage', '90min', '1,5 h' -> timedelta; a bare number counts hours."""
    if text is None:
        return None
    m = _DURATION.fullmatch(text)
    if not m:
        raise click.BadParameter(f"'{text}' ist keine Dauer (z. B. 24h, 2d, 90min)", param_hint="--within")
    return timedelta(hours=float(m[1].replace(",", ".")) * _UNIT[(m[2] or "").casefold()])


def _dump(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _show(payload: list, headers: tuple[str, ...], rows: list[list[str]], json_out: bool, empty: str) -> None:
    """The due list: JSON, one line when it is empty, or a table."""
    if json_out:
        _dump(payload)
        return
    if not rows:
        click.echo(empty)
        return
    from rich.console import Console
    from rich.table import Table
    table = Table(title=f"Fällig ({len(rows)})", title_justify="left", expand=False)
    for name in headers:
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(*row)
    Console(file=sys.stdout, width=200, soft_wrap=False, color_system=None).print(table)   # see preview.py


def _print_diagonal(book: actions.OpenWorkbook, window: timedelta | None, within: str | None, json_out: bool) -> None:
    cases = actions.due_cases(book, window)
    _show([c.as_dict() for c in cases],
          ("Fällig am", "Überf.", "Zeile", "Bestell-ID", "Agentur", "Anfrageart", "Schritt", "Nächste Aktion",
           "Saved Reply"),
          [[format_date_de(c.due), "Ja" if c.overdue else "", str(c.row), c.order_id or "", c.agency or "",
            c.request_type or "", c.step or "", c.action, c.saved_reply or ""] for c in cases],
          json_out, "Keine fälligen Fälle." if window is None else f"Keine Fälle fällig bis {within}.")


def _print_items(book: actions.OpenWorkbook, window: timedelta | None, within: str | None, json_out: bool) -> None:
    limit = book.context.now + (window or timedelta(0))
    items = [i for i in actions.due_items(book) if due_moment(i.due) <= limit]
    _show([i.as_dict() for i in items], ("Fällig am", "Überf.", "Zeile", "ID", "Aktion", "Details"),
          [[format_date_de(i.due), "Ja" if i.overdue else "", str(i.row), i.label, i.action,
            "; ".join(f"{k}: {v}" for k, v in i.details)] for i in items],
          json_out, "Nichts fällig." if window is None else f"Nichts fällig bis {within}.")


@click.command("due", context_settings=CONTEXT)
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--within", default=None, metavar="DAUER",
              help="Auch, was innerhalb dieser Zeit fällig wird (z. B. 24h, 2d).")
@click.option("--ics", "ics_path", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="DATEI",
              help="Alle Fälligkeiten (auch künftige) als iCalendar-Datei für Outlook schreiben.")
@click.option("--kalender-id", "calendar_id", default=None, metavar="NAME",
              help="Kennung der Mappe in den Termin-IDs (Standard: der Dateiname) — nach dem Umbenennen "
                   "der Mappe den alten Namen angeben, damit Outlook die Termine aktualisiert.")
@time_options()
@json_option("Ergebnis als JSON ausgeben (für Skripte).")
def due_cmd(path, within, ics_path, calendar_id, now, today, json_out):
    """Was fällig ist, die frühesten zuerst — in jeder Art von Mappe (Diagonal: Fällig am offener
    Fälle; Inkasso: Fällig am des nächsten Mahnschritts; Solleciti: Scadenza task; Kundenakten:
    Wiedervorlage). Mit --ics DATEI: jede offene Zeile mit Fälligkeit als Termin in einer
    iCalendar-Datei, die Outlook importiert; ein erneuter Import aktualisiert die Termine. Schreibt
    nichts in die Mappe.
    """
    window = parse_within(within)
    book = open_or_exit(path, None, now, today)
    if ics_path is not None:
        try:
            cal = actions.due_calendar(book, calendar_id)
            out = actions.write_calendar(cal, ics_path)
        except OSError as e:
            fail(f"xl-addin due: '{ics_path}' lässt sich nicht schreiben ({e.strerror or e})")
        overdue = sum(1 for i in cal.items if i.overdue)
        if json_out:
            _dump({"path": str(path), "ics": str(out), "events": len(cal.items), "overdue": overdue,
                   "calendar_id": cal.identity, "items": [i.as_dict() for i in cal.items]})
        else:
            click.echo(f"OK  {path}: {len(cal.items)} Termine ({overdue} überfällig) -> {out}")
        return
    if "due" in book.kind.actions:
        _print_diagonal(book, window, within, json_out)
    else:
        _print_items(book, window, within, json_out)


COMMANDS = (due_cmd,)
