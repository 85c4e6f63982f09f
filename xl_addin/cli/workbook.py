"""Commands for every kind of workbook: `new`, `run`, `check`."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .. import actions
from ..core.findings import count_by_severity
from ..core.plan import Plan
from ..core.report import findings_sheet_name
from .options import CONTEXT, echo_err, findings_lines, json_option, parse_now, protocol_json, time_options


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


def _print_findings(plan: Plan, limit: int | None) -> None:
    fs = plan.findings
    for line in findings_lines(fs if limit is None else fs[:limit]):
        click.echo(line)
    if limit is not None and len(fs) > limit:
        click.echo(f"  … und {len(fs) - limit} weitere (alle im Blatt '{findings_sheet_name(plan)}' "
                   f"bzw. mit --json)")


def _file_line(res: actions.FileResult, write: bool) -> str:
    if not res.ok or res.plan is None:
        return f"FEHLER  {res.path}: {res.error}"
    c = count_by_severity(res.plan.findings)
    what = ("geschrieben" if res.written else "unverändert") if write else "geprüft"
    return (f"OK      {res.path} ({res.kind}): {what}; {c['error']} Fehler, {c['warning']} Warnungen, "
            f"{len(res.plan.protocol)} Protokolleinträge")


def _result_json(r: actions.FileResult) -> dict:
    d = {"path": str(r.path), "ok": r.ok, "error": r.error or None, "kind": r.kind or None,
         "written": r.written, "backup": str(r.backup) if r.backup else None}
    if r.plan is not None:
        d["findings"] = [f.as_dict() for f in r.plan.findings]
        d["summary"] = r.plan.summary
        d["protocol"] = protocol_json(r.plan)
    return d


def _batch(paths, now, today, json_out, write, backups, max_findings, user, wait=None):
    when = parse_now(now, today)

    def run(p):
        return actions.run_file(p, when, user, write=write, backups=backups, wait=wait)

    results = []
    if sys.stdout.isatty() and len(paths) > 1 and not json_out:
        from rich.progress import Progress
        with Progress(transient=True) as progress:
            task = progress.add_task("Arbeitsmappen", total=len(paths))
            for p in paths:
                progress.update(task, description=Path(p).name[:40])
                results.append(run(p))
                progress.advance(task)
    else:
        results = [run(p) for p in paths]

    if json_out:
        click.echo(json.dumps([_result_json(r) for r in results], ensure_ascii=False, indent=2, default=str))
    else:
        for r in results:
            if r.ok and r.plan is not None:
                click.echo(f"{r.path}:")
                _print_findings(r.plan, max_findings)
                if r.plan.summary:
                    click.echo("  " + "; ".join(f"{k}: {v}" for k, v in r.plan.summary.items()))
        for r in results:
            click.echo(_file_line(r, write))
    failed = [r for r in results if not r.ok]
    if json_out:
        for r in failed:
            echo_err(f"xl-addin: {r.path}: {r.error}")
    sys.exit(1 if failed else 0)


_paths = click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
_json = json_option("Befunde als JSON ausgeben (für Skripte).")
_maxf = click.option("--max-findings", default=50, show_default=True,
                     help="Höchstens so viele Befunde je Datei auf dem Bildschirm (alle stehen in 'Prüfung').")
_user = click.option("--user", default=None, help="Name für das Protokoll (Standard: der angemeldete Benutzer).")


@click.command("run", context_settings=CONTEXT)
@_paths
@time_options()
@_json
@click.option("--backups", type=int, default=None,
              help="So viele Sicherungskopien behalten (Standard: Einstellung 'Backups', sonst 3).")
@click.option("--wait", type=click.FloatRange(min=0), default=None, metavar="SEKUNDEN",
              help="So lange auf einen anderen Lauf an derselben Mappe warten, dann ablehnen "
                   "(Standard: 30).")
@_maxf
@_user
def run_cmd(paths, now, today, json_out, backups, wait, max_findings, user):
    """Rechnet eine oder mehrere Arbeitsmappen an Ort und Stelle neu.

    Erkennt die Art der Mappe an ihren Blättern, schreibt die berechneten Spalten und Farben,
    schreibt 'Prüfung' neu und hängt Änderungen an 'Protokoll' an. Atomar, mit Sicherungskopie;
    eine in Excel oder LibreOffice geöffnete Mappe wird nicht angefasst; zwei Läufe an einer Mappe
    kommen sich nie in die Quere (der zweite wartet --wait Sekunden, dann lehnt er ab). Exit 0,
    wenn gerechnet wurde (auch bei Befunden), sonst 1 mit einer Zeile, warum nicht.
    """
    _batch(paths, now, today, json_out, True, backups, max_findings, user, wait)


@click.command("check", context_settings=CONTEXT)
@_paths
@time_options()
@_json
@_maxf
def check_cmd(paths, now, today, json_out, max_findings):
    """Prüft eine oder mehrere Arbeitsmappen und zeigt die Befunde — schreibt nichts."""
    _batch(paths, now, today, json_out, False, None, max_findings, None)


COMMANDS = (new_cmd, run_cmd, check_cmd)
