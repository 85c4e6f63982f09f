"""`xl-addin` — the headless command line. Thin: parse arguments, call the engine, print.

Exit codes: 0 = ran (also when the data has findings); 1 = could not run (one line says why),
or an export was blocked by errors in the data; 2 = wrong usage.
"""
from __future__ import annotations

import json
import sys
from datetime import date, datetime, time
from pathlib import Path

import click

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _parse_now(now: str | None, today: str | None) -> datetime | None:
    if now:
        try:
            return datetime.fromisoformat(now.strip().replace(" ", "T", 1))
        except ValueError:
            raise click.BadParameter(f"'{now}' ist kein Zeitpunkt (erwartet z. B. 2026-11-22T12:00)",
                                     param_hint="--now")
    if today:
        try:
            return datetime.combine(date.fromisoformat(today.strip()), time(0, 0))
        except ValueError:
            raise click.BadParameter(f"'{today}' ist kein Datum (erwartet z. B. 2026-11-22)", param_hint="--today")
    return None


def time_options(f):
    f = click.option("--today", metavar="YYYY-MM-DD",
                     help="Rechnen, als wäre heute dieser Tag (00:00 Uhr). Für reproduzierbare Läufe.")(f)
    f = click.option("--now", metavar="YYYY-MM-DDTHH:MM",
                     help="Rechnen, als wäre jetzt dieser Zeitpunkt (Ortszeit Europe/Berlin bzw. Europe/Rome).")(f)
    return f


def _kind_names() -> list[str]:
    from .engine import KINDS
    return [k.name for k in KINDS]


def _echo_err(msg: str) -> None:
    click.echo(msg, err=True)


@click.group(context_settings=CONTEXT)
@click.version_option(package_name="xl_addin")
def main():
    """xl_addin — Mahnwesen und Inkasso in den Arbeitsmappen des Supports.

    Rechnet Arbeitsmappen an Ort und Stelle neu (nur die berechneten Spalten, Farben, 'Prüfung' und
    'Protokoll' werden geschrieben; alles andere bleibt Byte für Byte erhalten), prüft sie und
    schreibt die Übergabe-CSV für Diagonal.
    """


@main.command("new", context_settings=CONTEXT)
@click.argument("kind", type=click.Choice(_kind_names(), case_sensitive=False))
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def new_cmd(kind, path):
    """Legt eine leere, fertige Arbeitsmappe der Art KIND unter PATH an.

    Mit allen Blättern und Überschriften, Dropdowns auf jeder Status-Spalte, Datumsformaten,
    fixierter Kopfzeile und dem Blatt 'Einstellungen' mit den Standardwerten. Eine vorhandene Datei
    wird nie überschrieben.
    """
    from .engine import new_workbook
    try:
        out = new_workbook(kind.lower(), path)
    except (FileExistsError, OSError, ValueError) as e:
        _echo_err(f"xl-addin new: {e}")
        sys.exit(1)
    click.echo(f"Angelegt: {out}")


def _print_findings(res, limit: int | None) -> None:
    fs = res.plan.findings if res.plan else []
    shown = fs if limit is None else fs[:limit]
    for f in shown:
        click.echo(f"  {f.severity:<7} {f.text()}")
    if limit is not None and len(fs) > limit:
        from .core.report import findings_sheet_name
        click.echo(f"  … und {len(fs) - limit} weitere (alle im Blatt '{findings_sheet_name(res.plan)}' "
                   f"bzw. mit --json)")


def _file_line(res, write: bool) -> str:
    from .core.findings import count_by_severity
    if not res.ok:
        return f"FEHLER  {res.path}: {res.error}"
    c = count_by_severity(res.plan.findings)
    what = ("geschrieben" if res.written else "unverändert") if write else "geprüft"
    return (f"OK      {res.path} ({res.kind}): {what}; {c['error']} Fehler, {c['warning']} Warnungen, "
            f"{len(res.plan.protocol)} Protokolleinträge")


def _batch(paths, now, today, json_out, write, backups, max_findings, user):
    from .engine import run_file
    when = _parse_now(now, today)
    results = []
    use_bar = sys.stdout.isatty() and len(paths) > 1 and not json_out
    if use_bar:
        from rich.progress import Progress
        with Progress(transient=True) as progress:
            task = progress.add_task("Arbeitsmappen", total=len(paths))
            for p in paths:
                progress.update(task, description=Path(p).name[:40])
                results.append(run_file(p, when, user, write=write, backups=backups))
                progress.advance(task)
    else:
        for p in paths:
            results.append(run_file(p, when, user, write=write, backups=backups))

    if json_out:
        click.echo(json.dumps([_result_json(r) for r in results], ensure_ascii=False, indent=2, default=str))
    else:
        for r in results:
            if r.ok:
                click.echo(f"{r.path}:")
                _print_findings(r, max_findings)
                if r.plan.summary:
                    click.echo("  " + "; ".join(f"{k}: {v}" for k, v in r.plan.summary.items()))
        for r in results:
            click.echo(_file_line(r, write))
    failed = [r for r in results if not r.ok]
    for r in failed:
        if json_out:
            _echo_err(f"xl-addin: {r.path}: {r.error}")
    sys.exit(1 if failed else 0)


def _result_json(r) -> dict:
    d = {"path": str(r.path), "ok": r.ok, "error": r.error or None, "kind": r.kind or None,
         "written": r.written, "backup": str(r.backup) if r.backup else None}
    if r.plan is not None:
        d["findings"] = [f.as_dict() for f in r.plan.findings]
        d["summary"] = r.plan.summary
        d["protocol"] = [{"time": e.time.isoformat(), "user": e.user, "action": e.action, "sheet": e.sheet,
                          "key": e.key, "cell": e.cell, "old": e.old, "new": e.new} for e in r.plan.protocol]
    return d


_paths = click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
_json = click.option("--json", "json_out", is_flag=True, help="Befunde als JSON ausgeben (für Skripte).")
_maxf = click.option("--max-findings", default=50, show_default=True,
                     help="Höchstens so viele Befunde je Datei auf dem Bildschirm (alle stehen in 'Prüfung').")
_user = click.option("--user", default=None, help="Name für das Protokoll (Standard: der angemeldete Benutzer).")


@main.command("run", context_settings=CONTEXT)
@_paths
@time_options
@_json
@click.option("--backups", type=int, default=None,
              help="So viele Sicherungskopien behalten (Standard: Einstellung 'Backups', sonst 3).")
@_maxf
@_user
def run_cmd(paths, now, today, json_out, backups, max_findings, user):
    """Rechnet eine oder mehrere Arbeitsmappen an Ort und Stelle neu.

    Erkennt die Art der Mappe an ihren Blättern, schreibt die berechneten Spalten und Farben,
    schreibt 'Prüfung' neu und hängt Änderungen an 'Protokoll' an. Atomar, mit Sicherungskopie;
    eine in Excel geöffnete Mappe wird nicht angefasst. Exit 0, wenn gerechnet wurde (auch bei
    Befunden), sonst 1 mit einer Zeile, warum nicht.
    """
    _batch(paths, now, today, json_out, True, backups, max_findings, user)


@main.command("check", context_settings=CONTEXT)
@_paths
@time_options
@_json
@_maxf
def check_cmd(paths, now, today, json_out, max_findings):
    """Prüft eine oder mehrere Arbeitsmappen und zeigt die Befunde — schreibt nichts."""
    _batch(paths, now, today, json_out, False, None, max_findings, None)


def _load_inkasso(path: Path):
    from .core.settings import Settings
    from .engine import detect_kind, UnknownWorkbook
    from .package import WorkbookError, read_workbook
    from .kinds.inkasso import schema as S
    try:
        wb = read_workbook(path)
        if detect_kind(wb).name != "inkasso":
            raise UnknownWorkbook(f"'{path}' ist keine Inkasso-Arbeitsmappe (Blatt '{S.SHEET_MASTER}' fehlt)")
    except (WorkbookError, UnknownWorkbook) as e:
        _echo_err(f"xl-addin: {e}")
        sys.exit(1)
    settings, _ = Settings.from_sheet(wb.sheet(S.SHEET_SETTINGS), S.SETTINGS, S.SHEET_SETTINGS)
    return wb, settings


@main.command("export-csv", context_settings=CONTEXT)
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--vendor", "vendors", multiple=True, required=True,
              help="User-ID des Vendors (mehrfach möglich); 'alle' = jeder Vendor der Masterliste.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Ordner für die CSV-Dateien.")
@time_options
@_json
def export_csv_cmd(path, vendors, out_dir, now, today, json_out):
    """Schreibt die Übergabe-CSV für Diagonal (eine Datei je Vendor).

    Alles oder nichts: hat eine Zeile des Vendors einen Fehler, wird für ihn keine Datei
    geschrieben, und jeder Fehler wird mit Zelle genannt. Warnungen blockieren nicht.
    """
    from .kinds.inkasso.handover import build_all_vendor_csvs, build_vendor_csv, write_export
    wb, settings = _load_inkasso(path)
    if any(v.strip().casefold() in ("alle", "all") for v in vendors):
        exports = build_all_vendor_csvs(wb, settings)
    else:
        try:
            exports = [build_vendor_csv(wb, v, settings) for v in vendors]
        except ValueError as e:
            _echo_err(f"xl-addin export-csv: --vendor: {e}")
            sys.exit(2)
    blocked, report = 0, []
    for ex in exports:
        entry = {"vendor": ex.vendor_id, "rows": ex.rows, "file": None,
                 "findings": [f.as_dict() for f in ex.findings]}
        if ex.content is None:
            blocked += 1
            if not json_out:
                click.echo(f"Vendor {ex.vendor_id}: KEINE Datei geschrieben — "
                           f"{sum(1 for f in ex.findings if f.severity == 'error')} Fehler:")
                for f in ex.findings:
                    click.echo(f"  {f.severity:<7} {f.text()}")
        else:
            out = write_export(ex, out_dir)
            entry["file"] = str(out)
            if not json_out:
                click.echo(f"Vendor {ex.vendor_id}: {ex.rows} Bestellungen -> {out}")
                for f in ex.findings:
                    click.echo(f"  {f.severity:<7} {f.text()}")
        report.append(entry)
    if json_out:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    sys.exit(1 if blocked else 0)


@main.command("status-list", context_settings=CONTEXT)
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--vendor", required=True, help="User-ID des Vendors.")
@click.option("--status", "statuses", multiple=True,
              help="Schulden-Status (mehrfach möglich), z. B. 'Ans Inkasso übergeben'; ohne = alle.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Ordner für CSV und .xlsx.")
@time_options
def status_list_cmd(path, vendor, statuses, out_dir, now, today):
    """Liste der Bestellungen eines Vendors mit bestimmtem Schulden-Status, als CSV und .xlsx —
    was der Support einem Vendor schickt, der 'alle meine Bestellungen beim Inkasso' möchte."""
    from .kinds.inkasso.status_list import build_status_list, write_status_list
    wb, settings = _load_inkasso(path)
    try:
        sl = build_status_list(wb, vendor, list(statuses) or None, settings)
    except ValueError as e:
        _echo_err(f"xl-addin status-list: {e}")
        sys.exit(1)
    for f in sl.findings:
        click.echo(f"  {f.severity:<7} {f.text()}")
    try:
        files = write_status_list(sl, out_dir)
    except ValueError as e:
        _echo_err(f"xl-addin status-list: keine Datei geschrieben — {e}")
        sys.exit(1)
    click.echo(f"Vendor {sl.vendor_id}: {len(sl.rows)} Bestellungen -> " + ", ".join(str(p) for p in files))


def _add_kind_commands() -> None:
    """Workbook kinds with actions of their own (e.g. the Diagonal case log's step-done) add their
    commands from ``xl_addin/cli_<kind>.py`` via ``add_commands(group)``."""
    import importlib
    import importlib.util
    for name in ("cli_diagonal", "cli_solleciti", "cli_kundenakten", "cli_excel"):
        if importlib.util.find_spec(f"xl_addin.{name}") is not None:
            importlib.import_module(f"xl_addin.{name}").add_commands(main)


_add_kind_commands()

if __name__ == "__main__":
    main()
