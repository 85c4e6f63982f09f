"""Commands for every kind of workbook: `new`, `run`, `check`."""
from __future__ import annotations

import json
import socket
import sys
from datetime import datetime
from pathlib import Path

import click

from .. import actions
from ..core.findings import count_by_severity
from ..core.report import findings_sheet_name
from .options import (
    CONTEXT,
    echo_err,
    findings_lines,
    json_option,
    parse_now,
    printable,
    protocol_json,
    time_options,
    unfiltered_stdout,
)


@click.command("new", context_settings=CONTEXT)
@click.argument("kind", type=click.Choice(actions.kind_names(), case_sensitive=False))
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def new_cmd(kind, path):
    """Legt eine leere, fertige Arbeitsmappe der Art KIND unter PATH an.

    Mit allen Blättern und Überschriften, Dropdowns auf jeder Status-Spalte, Datumsformaten,
    fixierter Kopfzeile und dem Blatt 'Einstellungen' mit den Standardwerten. Eine vorhandene Datei
    wird nie überschrieben.
    """
    try:
        out = actions.new_workbook(kind.lower(), path)
    except (FileExistsError, OSError, ValueError) as e:
        echo_err(f"xl-addin new: {e}")
        sys.exit(1)
    click.echo(f"Angelegt: {out}")


OUTCOME_ERROR = "FEHLER"
OUTCOME_SKIPPED = "abgebrochen"      # not processed: the batch was stopped before this file


def _outcome(res: actions.FileResult, write: bool) -> str:
    if not res.ok or res.plan is None:
        return OUTCOME_ERROR
    return ("geschrieben" if res.written else "unverändert") if write else "geprüft"


def _file_line(res: actions.FileResult, write: bool) -> str:
    if not res.ok or res.plan is None:
        return f"FEHLER  {res.path}: {res.error}"
    c = count_by_severity(res.plan.findings)
    return (f"OK      {res.path} ({res.kind}): {_outcome(res, write)}; {c['error']} Fehler, {c['warning']} Warnungen, "
            f"{len(res.plan.protocol)} Protokolleinträge")


def _result_json(r: actions.FileResult) -> dict:
    d = {"path": str(r.path), "ok": r.ok, "error": r.error or None, "kind": r.kind or None,
         "written": r.written, "backup": str(r.backup) if r.backup else None, "notes": r.notes}
    if r.plan is not None:
        d["findings"] = [f.as_dict() for f in r.plan.findings]
        d["summary"] = r.plan.summary
        d["protocol"] = protocol_json(r.plan)
    return d


def _report_entry(r: actions.FileResult, write: bool) -> dict:
    """One file in the ``--report`` summary: what monitoring needs, not the findings themselves."""
    d: dict = {"path": str(r.path), "outcome": _outcome(r, write), "ok": r.ok, "kind": r.kind or None,
               "error": r.error or None, "written": r.written, "backup": str(r.backup) if r.backup else None,
               "notes": r.notes}
    if r.plan is not None:
        d["findings"] = count_by_severity(r.plan.findings)
        d["protocol_entries"] = len(r.plan.protocol)
    return d


class _Batch:
    """What a batch keeps of each file once it is done: the lines to print (or its JSON), the
    summary line and the report entry — never the file's Plan, so that memory does not grow with
    the number of workbooks."""

    def __init__(self, write: bool, json_out: bool, max_findings: int | None):
        self.write, self.json_out, self.max_findings = write, json_out, max_findings
        self.details: list[str] = []          # findings of each file, printed after the progress bar
        self.json: list[dict] = []
        self.lines: list[str] = []            # one line per file
        self.entries: list[dict] = []         # --report
        self.failed = 0

    def add(self, r: actions.FileResult) -> None:
        if self.json_out:
            self.json.append(_result_json(r))
        elif r.ok and r.plan is not None:
            self.details.append(f"{r.path}:")
            fs = r.plan.findings
            limit = self.max_findings
            self.details.extend(findings_lines(fs if limit is None else fs[:limit]))
            if limit is not None and len(fs) > limit:
                self.details.append(f"  … und {len(fs) - limit} weitere (alle im Blatt "
                                    f"'{findings_sheet_name(r.plan)}' bzw. mit --json)")
            if r.plan.summary:
                self.details.append("  " + "; ".join(f"{k}: {v}" for k, v in r.plan.summary.items()))
            self.details.extend(f"  Hinweis: {note}" for note in r.notes)
        self.lines.append(_file_line(r, self.write))
        self.entries.append(_report_entry(r, self.write))
        self.failed += not r.ok

    def skipped(self, path: Path) -> None:
        self.lines.append(f"{OUTCOME_SKIPPED.upper():<7} {path}: nicht bearbeitet — der Lauf wurde abgebrochen")
        self.entries.append({"path": str(path), "outcome": OUTCOME_SKIPPED, "ok": False, "kind": None,
                             "error": "nicht bearbeitet — der Lauf wurde abgebrochen", "written": False,
                             "backup": None})
        self.failed += 1

    def totals(self) -> str:
        counts: dict[str, int] = {}
        for e in self.entries:
            counts[e["outcome"]] = counts.get(e["outcome"], 0) + 1
        return f"{len(self.entries)} Dateien: " + ", ".join(f"{n} {k}" for k, n in counts.items())


def _write_report(report: Path, batch: _Batch, command: str, started: datetime, when: datetime | None,
                  stopped: str | None) -> str | None:
    """The batch summary as JSON at ``report`` (atomically); the one line saying why not, else None."""
    doc = {"command": command, "started": started.isoformat(timespec="seconds"),
           "finished": datetime.now().astimezone().isoformat(timespec="seconds"),
           "now": when.isoformat() if when else None, "host": socket.gethostname(), "user": actions.default_user(),
           "files": batch.entries, "total": len(batch.entries), "failed": batch.failed,
           "stopped": stopped, "exit_code": 1 if batch.failed or stopped else 0}
    try:
        actions.write_report(report, json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8") + b"\n")
    except OSError as e:
        return f"xl-addin: Bericht '{report}' nicht geschrieben ({e.strerror or e})"
    return None


def _batch(paths, now, today, json_out, write, backups, max_findings, user, wait=None, report=None):
    when = parse_now(now, today)
    started = datetime.now().astimezone()
    command = "run" if write else "check"
    batch = _Batch(write, json_out, max_findings)

    def run(p):
        return actions.run_file(p, when, user, write=write, backups=backups, wait=wait)

    stopped: str | None = None
    done = 0
    try:
        with actions.batch_signals():
            stdout = unfiltered_stdout()
            if stdout.isatty() and len(paths) > 1 and not json_out:
                from rich.console import Console
                from rich.progress import Progress
                with Progress(console=Console(file=stdout), transient=True, redirect_stdout=False,
                              redirect_stderr=False) as progress:
                    task = progress.add_task("Arbeitsmappen", total=len(paths))
                    for p in paths:
                        progress.update(task, description=printable(Path(p).name[:40]))
                        batch.add(run(p))
                        done += 1
                        progress.advance(task)
            else:
                for p in paths:
                    batch.add(run(p))
                    done += 1
    except (KeyboardInterrupt, actions.Terminated) as stop:
        stopped = str(stop.code) if isinstance(stop, actions.Terminated) else "xl-addin: abgebrochen (Strg-C)"
        for p in paths[done:]:
            batch.skipped(Path(p))

    if json_out:
        click.echo(json.dumps(batch.json, ensure_ascii=False, indent=2, default=str))
    else:
        for line in batch.details:
            click.echo(line)
        for line in batch.lines:
            click.echo(line)
        if len(paths) > 1 or stopped:
            click.echo(batch.totals())
    if json_out:
        for e in batch.entries:
            if not e["ok"]:
                echo_err(f"xl-addin: {e['path']}: {e['error']}")
    failed_report = _write_report(report, batch, command, started, when, stopped) if report else None
    if failed_report:
        echo_err(failed_report)
    if stopped:
        echo_err(str(stopped))
    sys.exit(1 if batch.failed or stopped or failed_report else 0)


def _preview_batch(paths, now, today, json_out, user):
    """``run --preview``: per file what the run would change; nothing written, no lock taken."""
    from .preview import preview_json, print_preview  # a plain run prints none

    when = parse_now(now, today)
    results = [actions.preview_file(p, when, user) for p in paths]
    if json_out:
        out = []
        for r in results:
            entry = {"path": str(r.path), "ok": r.ok, "error": r.error or None, "kind": r.kind or None,
                     "written": False}
            if r.preview is not None:
                entry.update(json.loads(preview_json(r.preview)))
            out.append(entry)
        click.echo(json.dumps(out, ensure_ascii=False, indent=2, default=str))
    else:
        for r in results:
            if r.preview is not None:
                print_preview(r.preview, f"Vorschau '{r.path}' ({r.kind}, nichts geschrieben)")
        for r in results:
            if not r.ok:
                click.echo(f"FEHLER  {r.path}: {r.error}")
    for r in results:
        if not r.ok and json_out:
            echo_err(f"xl-addin: {r.path}: {r.error}")
    sys.exit(1 if any(not r.ok for r in results) else 0)


_paths = click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
_json = json_option("Befunde als JSON ausgeben (für Skripte).")
_maxf = click.option("--max-findings", default=50, show_default=True,
                     help="Höchstens so viele Befunde je Datei auf dem Bildschirm (alle stehen in 'Prüfung').")
_user = click.option("--user", default=None, help="Name für das Protokoll (Standard: der angemeldete Benutzer).")
_report = click.option("--report", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="DATEI.json",
                       help="Zusammenfassung als JSON in diese Datei schreiben (jede Mappe mit Ergebnis; für die "
                            "Überwachung eines nächtlichen Laufs). Atomar geschrieben.")


@click.command("run", context_settings=CONTEXT)
@_paths
@time_options()
@_json
@click.option("--backups", type=int, default=None,
              help="So viele Sicherungskopien behalten (Standard: Einstellung 'Backups', sonst 3).")
@click.option("--wait", type=click.FloatRange(min=0), default=None, metavar="SEKUNDEN",
              help="So lange auf einen anderen Lauf an derselben Mappe warten, dann ablehnen "
                   "(Standard: 30).")
@click.option("--preview", is_flag=True,
              help="Nur zeigen, was der Lauf ändern würde (Zelle, alt → neu, Zeilen, Farben, Protokoll) — "
                   "schreibt nichts.")
@_maxf
@_user
@_report
def run_cmd(paths, now, today, json_out, backups, wait, preview, max_findings, user, report):
    """Rechnet eine oder mehrere Arbeitsmappen an Ort und Stelle neu.

    Erkennt die Art der Mappe an ihren Blättern, schreibt die berechneten Spalten und Farben,
    schreibt 'Prüfung' neu und hängt Änderungen an 'Protokoll' an. Atomar, mit Sicherungskopie;
    eine in Excel oder LibreOffice geöffnete Mappe wird nicht angefasst; zwei Läufe an einer Mappe
    kommen sich nie in die Quere (der zweite wartet --wait Sekunden, dann lehnt er ab). Exit 0,
    wenn jede Mappe gerechnet wurde (auch bei Befunden), sonst 1; jede Mappe, die nicht ging, hat
    eine Zeile, warum nicht — eine kaputte Mappe hält die anderen nie auf. Am Ende eine Zeile je Mappe
    mit ihrem Ergebnis; --report schreibt dieselbe Zusammenfassung als JSON.

    Mit --preview: die Vorschau jeder Mappe, nach Blatt gruppiert (mit --json als Daten); die Datei
    bleibt Byte für Byte, wie sie ist.
    """
    if preview:
        _preview_batch(paths, now, today, json_out, user)
    _batch(paths, now, today, json_out, True, backups, max_findings, user, wait, report)


@click.command("check", context_settings=CONTEXT)
@_paths
@time_options()
@_json
@_maxf
@_report
def check_cmd(paths, now, today, json_out, max_findings, report):
    """Prüft eine oder mehrere Arbeitsmappen und zeigt die Befunde — schreibt nichts."""
    _batch(paths, now, today, json_out, False, None, max_findings, None, report=report)


COMMANDS = (new_cmd, run_cmd, check_cmd)
