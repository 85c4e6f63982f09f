"""What the commands share: the one ``--now/--today`` parser, common options, opening the workbook,
how a command fails."""
from __future__ import annotations

import re
import sys
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeVar

import click

from ..core.values import FIRST_YEAR, LAST_YEAR

if TYPE_CHECKING:
    from ..actions import OpenWorkbook

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

F = TypeVar("F", bound=Callable)

NOW_HELP = "Rechnen, als wäre jetzt dieser Zeitpunkt (Ortszeit Europe/Berlin bzw. Europe/Rome)."
TODAY_HELP = "Rechnen, als wäre heute dieser Tag (00:00 Uhr). Für reproduzierbare Läufe."


def parse_now(now: str | None, today: str | None) -> datetime | None:
    """``--now`` (a moment, local time) wins over ``--today`` (that day, 00:00); None: the clock."""
    if now:
        try:
            when = datetime.fromisoformat(now.strip().replace(" ", "T", 1))
        except ValueError:
            raise click.BadParameter(f"'{printable(now)}' ist kein Zeitpunkt (erwartet z. B. 2026-11-22T12:00)",
                                     param_hint="--now") from None
        return _in_range(when.replace(tzinfo=None), now, "--now")
    if today:
        try:
            day = date.fromisoformat(today.strip())
        except ValueError:
            raise click.BadParameter(f"'{printable(today)}' ist kein Datum (erwartet z. B. 2026-11-22)",
                                     param_hint="--today") from None
        return _in_range(datetime.combine(day, time(0, 0)), today, "--today")
    return None


def _in_range(when: datetime, text: str, option: str) -> datetime:
    """Deadlines are computed from now: it must lie where the dates of the cells may (1900 to
    values.LAST_YEAR), or they would pass the last day Excel knows."""
    if not FIRST_YEAR <= when.year <= LAST_YEAR:
        raise click.BadParameter(f"'{printable(text)}' liegt außerhalb von {FIRST_YEAR}–{LAST_YEAR}", param_hint=option)
    return when


def time_options(now_help: str = NOW_HELP, today_help: str = TODAY_HELP) -> Callable[[F], F]:
    """``--now`` and ``--today`` (read them with ``parse_now``)."""
    def add(f: F) -> F:
        f = click.option("--today", metavar="YYYY-MM-DD", help=today_help)(f)
        return click.option("--now", metavar="YYYY-MM-DDTHH:MM", help=now_help)(f)
    return add


def json_option(help_text: str) -> Callable[[F], F]:
    return click.option("--json", "json_out", is_flag=True, help=help_text)


def out_option(help_text: str) -> Callable[[F], F]:
    return click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
                        show_default=True, help=help_text)


workbook_path = click.argument("path", type=click.Path(path_type=Path))


# What a terminal would act on instead of showing: the C0 controls but tab and line break (ESC
# starts the sequences that move the cursor, recolour, retitle or blank the screen), DEL, the C1
# controls (0x9b is a one-byte ESC [), the bidi overrides and isolates (text shown in another
# order than it is), line/paragraph separators and the invisible marks.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")


def printable(text: object) -> str:
    """``text`` as the terminal shows it safely: every character of ``_UNPRINTABLE`` written as
    ``\\uXXXX`` (in JSON output that is the same character again)."""
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m[0]):04x}", str(text))


class PrintableStream:
    """stdout/stderr of the command line: whatever a command prints — cell values in findings,
    sheet and file names in error lines, JSON — goes through ``printable`` first, so that no
    workbook can send escape sequences to the terminal (or to a log someone ``cat``s).
    ``unfiltered`` is the stream itself, for rich's progress bar (its own cursor movements)."""

    def __init__(self, stream):
        self.unfiltered = stream

    def write(self, text):
        return self.unfiltered.write(printable(text) if isinstance(text, str) else text)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def __getattr__(self, name):
        return getattr(self.unfiltered, name)


def install_printable_streams() -> None:
    """Put ``PrintableStream`` around sys.stdout and sys.stderr (once)."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, PrintableStream):
            setattr(sys, name, PrintableStream(stream))


def unfiltered_stdout():
    return getattr(sys.stdout, "unfiltered", sys.stdout)


def echo_err(message: str) -> None:
    click.echo(message, err=True)


def fail(message: str, exit_code: int = 1) -> NoReturn:
    """One line on stderr, then exit (1: could not be done; 2: wrong usage)."""
    echo_err(message)
    sys.exit(exit_code)


def open_or_exit(path: Path, action: str | None, now: str | None, today: str | None, *, user: str | None = None,
                  writable: bool = False) -> OpenWorkbook:
    """The workbook at ``path`` for ``action`` at ``--now``/``--today``; exit 1 with the agent's
    one-line reason unless it is one that can be read (and, ``writable``, written: then its lock
    is held until the command ends)."""
    from .. import actions  # imported by the commands that open a workbook, not by `--version`

    when = parse_now(now, today)
    try:
        book = actions.open_file(path, action=action, now=when, user=user, writable=writable)
    except actions.AGENT_ERRORS as e:
        fail(f"xl-addin: {e}")
    click.get_current_context().call_on_close(book.close)      # the lock, when the command ends
    return book


def findings_lines(findings) -> list[str]:
    return [f"  {f.severity:<7} {f.text()}" for f in findings]


def protocol_json(plan) -> list[dict]:
    return [{"time": e.time.isoformat(), "user": e.user, "action": e.action, "sheet": e.sheet, "key": e.key,
             "cell": e.cell, "old": e.old, "new": e.new} for e in plan.protocol]
