"""Commands of the "Inkasso - Cancelled Installments" workbook: `export-csv`, `status-list`,
`import-schulden`, `import-diagonal`."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .. import actions
from .options import (
    CONTEXT,
    fail,
    findings_lines,
    json_option,
    open_or_exit,
    out_option,
    parse_now,
    time_options,
    workbook_path,
)


@click.command("export-csv", context_settings=CONTEXT)
@workbook_path
@click.option("--vendor", "vendors", multiple=True, required=True,
              help="User-ID des Vendors (mehrfach möglich); 'alle' = jeder Vendor der Masterliste.")
@out_option("Ordner für die CSV-Dateien.")
@time_options()
@json_option("Befunde als JSON ausgeben (für Skripte).")
def export_csv_cmd(path, vendors, out_dir, now, today, json_out):
    """Schreibt die Übergabe-CSV für Diagonal (eine Datei je Vendor).

    Alles oder nichts: hat eine Zeile des Vendors einen Fehler, wird für ihn keine Datei
    geschrieben, und jeder Fehler wird mit Zelle genannt. Warnungen blockieren nicht.
    """
    book = open_or_exit(path, "export-csv", now, today)
    try:
        exports = actions.handover_csvs(book, vendors)
    except ValueError as e:
        fail(f"xl-addin export-csv: --vendor: {e}", exit_code=2)
    _out_folder("export-csv", out_dir, any(ex.content is not None for ex in exports))
    written = actions.write_handover_csvs(exports, out_dir)
    report = []
    for ex, out in zip(exports, written, strict=True):
        report.append({"vendor": ex.vendor_id, "rows": ex.rows, "file": str(out) if out else None,
                       "findings": [f.as_dict() for f in ex.findings]})
        if json_out:
            continue
        if out is None:
            click.echo(f"Vendor {ex.vendor_id}: KEINE Datei geschrieben — "
                       f"{sum(1 for f in ex.findings if f.severity == 'error')} Fehler:")
        else:
            click.echo(f"Vendor {ex.vendor_id}: {ex.rows} Bestellungen -> {out}")
        for line in findings_lines(ex.findings):
            click.echo(line)
    if json_out:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    sys.exit(1 if any(out is None for out in written) else 0)


def _out_folder(command: str, out_dir: Path, needed: bool = True) -> None:
    """The --out folder made (if missing) and writable, or one line and exit 1 — before any file."""
    if not needed:
        return
    try:
        actions.out_folder(out_dir)
    except OSError as e:
        fail(f"xl-addin {command}: --out '{out_dir}': Ordner nicht verwendbar ({e.strerror or e}) — "
             f"keine Datei geschrieben")


@click.command("status-list", context_settings=CONTEXT)
@workbook_path
@click.option("--vendor", required=True, help="User-ID des Vendors.")
@click.option("--status", "statuses", multiple=True,
              help="Schulden-Status (mehrfach möglich), z. B. 'Ans Inkasso übergeben'; ohne = alle. "
                   "'Blockiert' ist intern: nie in der Liste.")
@out_option("Ordner für CSV und .xlsx.")
@time_options()
def status_list_cmd(path, vendor, statuses, out_dir, now, today):
    """Liste der Bestellungen eines Vendors mit bestimmtem Schulden-Status, als CSV und .xlsx —
    was der Support einem Vendor schickt, der 'alle meine Bestellungen beim Inkasso' möchte.

    Bestellungen im Status 'Blockiert' (oder mit incasso_state 'blocked') sehen Vendoren nie:
    sie stehen in keiner Liste, und '--status Blockiert' wird abgelehnt."""
    book = open_or_exit(path, "status-list", now, today)
    try:
        sl = actions.status_list(book, vendor, statuses)
    except ValueError as e:
        fail(f"xl-addin status-list: {e}")
    for line in findings_lines(sl.findings):
        click.echo(line)
    _out_folder("status-list", out_dir, not any(f.severity == "error" for f in sl.findings))
    try:
        files = actions.write_status_list(sl, out_dir)
    except ValueError as e:
        fail(f"xl-addin status-list: keine Datei geschrieben — {e}")
    except OSError as e:
        fail(f"xl-addin status-list: --out '{out_dir}': {e.strerror or e} — keine Datei geschrieben")
    click.echo(f"Vendor {sl.vendor_id}: {len(sl.rows)} Bestellungen -> " + ", ".join(str(p) for p in files))


def _import(action: str, path, source, preview, json_out, now, today, user, max_findings) -> None:
    from .preview import preview_json, print_preview, show_value

    when = parse_now(now, today)
    try:
        result = actions.import_file(action, path, source, when, user, write=not preview)
    except actions.AGENT_ERRORS as e:
        fail(f"xl-addin {action}: {e}")
    pv = result.preview
    imported = [entry for entry in pv.protocol if entry.action.startswith("Import ")]
    if json_out:
        click.echo(preview_json(pv, workbook=str(path), source=str(source), preview=preview, written=result.written,
                                backup=str(result.backup) if result.backup else None, imported=result.changes))
        return
    title = actions.IMPORTS[action].title
    if preview:
        print_preview(pv, f"Vorschau {title} '{result.source.name}' → '{path}' (nichts geschrieben)")
    else:
        for entry in imported:
            click.echo(f"  {entry.sheet}!{entry.cell}  {entry.key}: {show_value(entry.old)} → {show_value(entry.new)}")
    own = result.findings
    shown = own if max_findings is None else own[:max_findings]
    for line in findings_lines(shown):
        click.echo(line)
    if len(own) > len(shown):
        click.echo(f"  … und {len(own) - len(shown)} weitere (mit --json alle)")
    others = len(pv.findings) - len(own)
    if others:
        click.echo(f"  dazu {others} Befunde der Mappe selbst (wie bei `check`; Blatt 'Prüfung', --json)")
    click.echo(f"  {title}: " + "; ".join(f"{k}: {v}" for k, v in result.counts.items()))
    if preview:
        what = "Vorschau — nichts geschrieben"
    elif result.written:
        what = f"geschrieben ({result.changes} Änderungen, Sicherung {result.backup})" if result.backup else \
            f"geschrieben ({result.changes} Änderungen)"
    else:
        what = "nichts zu übernehmen — Datei unverändert"
    click.echo(f"OK  {path}: {title} '{result.source.name}': {what}")


_source_arg = click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
_preview = click.option("--preview", is_flag=True, help="Nur zeigen, was sich ändern würde (Zelle, alt → neu); "
                        "nichts schreiben.")
_user = click.option("--user", default=None, help="Name für das Protokoll (Standard: der angemeldete Benutzer).")
_maxf = click.option("--max-findings", default=50, show_default=True, help="Höchstens so viele Befunde anzeigen.")


def _import_options(f):
    """What both imports take: the workbook, the file to import, --preview, --json, --now/--today,
    --user, --max-findings (applied as a stack of decorators would be, the last one first)."""
    for option in (_maxf, _user, time_options(), json_option("Änderungen und Befunde als JSON ausgeben (für Skripte)."),
                   _preview, _source_arg, workbook_path):
        f = option(f)
    return f


@click.command("import-schulden", context_settings=CONTEXT)
@_import_options
def import_schulden_cmd(path, source, preview, json_out, now, today, user, max_findings):
    """Liest den Schulden-Export der Plattform (CSV oder .xlsx) in die Masterliste ein.

    Der Schulden-Status jeder bekannten Bestellung folgt dem Export (ein nicht erlaubter Wechsel
    wird übernommen und gemeldet); leere Mahn-/Übergabedaten, Namen, Produkt und Betrag werden
    ergänzt, ausgefüllte nie überschrieben (Abweichung = Befund); neue Bestellungen aktiver Vendoren
    werden angehängt. Jede Änderung steht im Protokoll, danach wird die Mappe neu berechnet — in
    einem Schreibvorgang wie bei `run`. Ein zweiter Import derselben Datei ändert nichts.
    """
    _import("import-schulden", path, source, preview, json_out, now, today, user, max_findings)


@click.command("import-diagonal", context_settings=CONTEXT)
@_import_options
def import_diagonal_cmd(path, source, preview, json_out, now, today, user, max_findings):
    """Liest die monatliche Rückmeldung von Diagonal (CSV oder .xlsx) in die Masterliste ein.

    Jedes Ereignis wird eine Zeile in den Notizen der Bestellung ('Diagonal 10/2026: teilbezahlt
    50,00 € (15.10.2026)'), nie zweimal; 'bezahlt' setzt zusätzlich incasso_state = paid und
    Schulden-Status = Bezahlt. Unbekannte Bestellungen und solche, die nicht beim Inkasso sind,
    werden gemeldet und nicht geändert. Protokolliert, dann neu berechnet.
    """
    _import("import-diagonal", path, source, preview, json_out, now, today, user, max_findings)


COMMANDS = (export_csv_cmd, status_list_cmd, import_schulden_cmd, import_diagonal_cmd)
