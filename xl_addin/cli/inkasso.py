"""Commands of the "Inkasso - Cancelled Installments" workbook: `export-csv`, `status-list`."""
from __future__ import annotations

import json
import sys

import click

from .. import actions
from .options import CONTEXT, fail, findings_lines, json_option, out_option, parse_now, time_options, workbook_path


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
    when = parse_now(now, today)
    try:
        book = actions.open_file(path, action="export-csv", now=when)
    except actions.AGENT_ERRORS as e:
        fail(f"xl-addin: {e}")
    try:
        exports = actions.handover_csvs(book, vendors)
    except ValueError as e:
        fail(f"xl-addin export-csv: --vendor: {e}", exit_code=2)
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


@click.command("status-list", context_settings=CONTEXT)
@workbook_path
@click.option("--vendor", required=True, help="User-ID des Vendors.")
@click.option("--status", "statuses", multiple=True,
              help="Schulden-Status (mehrfach möglich), z. B. 'Ans Inkasso übergeben'; ohne = alle.")
@out_option("Ordner für CSV und .xlsx.")
@time_options()
def status_list_cmd(path, vendor, statuses, out_dir, now, today):
    """Liste der Bestellungen eines Vendors mit bestimmtem Schulden-Status, als CSV und .xlsx —
    was der Support einem Vendor schickt, der 'alle meine Bestellungen beim Inkasso' möchte."""
    when = parse_now(now, today)
    try:
        book = actions.open_file(path, action="status-list", now=when)
    except actions.AGENT_ERRORS as e:
        fail(f"xl-addin: {e}")
    try:
        sl = actions.status_list(book, vendor, statuses)
    except ValueError as e:
        fail(f"xl-addin status-list: {e}")
    for line in findings_lines(sl.findings):
        click.echo(line)
    try:
        files = actions.write_status_list(sl, out_dir)
    except ValueError as e:
        fail(f"xl-addin status-list: keine Datei geschrieben — {e}")
    click.echo(f"Vendor {sl.vendor_id}: {len(sl.rows)} Bestellungen -> " + ", ".join(str(p) for p in files))


COMMANDS = (export_csv_cmd, status_list_cmd)
