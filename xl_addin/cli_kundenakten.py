"""`xl-addin export-akte`: the VPA file of one customer for the assistant (SPEC §4).

Added to the main CLI by ``add_commands(group)`` (see ``xl_addin.cli._add_kind_commands``).
This module does not import ``xl_addin.cli`` (that module imports this one while it loads).
"""
from __future__ import annotations

import sys
from datetime import date, datetime, time
from pathlib import Path

import click

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _when(now: str | None, today: str | None) -> datetime | None:
    try:
        if now:
            return datetime.fromisoformat(now.strip().replace(" ", "T", 1))
        if today:
            return datetime.combine(date.fromisoformat(today.strip()), time(0, 0))
    except ValueError:
        raise click.BadParameter(f"'{now or today}' ist kein Zeitpunkt (erwartet z. B. 2026-11-22T12:00)",
                                 param_hint="--now/--today") from None
    return None


@click.command("export-akte", context_settings=CONTEXT)
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--kunde", required=True, help="Name des Kunden wie auf dem Blatt 'Kunden'.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Ordner für .xlsx und .pdf.")
@click.option("--pdf/--no-pdf", default=True, show_default=True,
              help="Auch ein PDF schreiben (wenn LibreOffice installiert ist).")
@click.option("--now", metavar="YYYY-MM-DDTHH:MM", help="'Stand' der Akte (Standard: jetzt, Europe/Berlin).")
@click.option("--today", metavar="YYYY-MM-DD", help="'Stand' der Akte als Tag.")
def export_akte_cmd(path, kunde, out_dir, pdf, now, today):
    """Schreibt die VPA-Akte eines Kunden für den VPA: eine neue .xlsx (und ein PDF, wenn
    LibreOffice installiert ist) mit ausschließlich den VPA-Einträgen dieses Kunden.

    O-Team-Einträge (intern) und Einträge ohne eindeutige Akte verlassen die Arbeitsmappe nie;
    nur die Spalten Datum, Kategorie, Situation, Reaktion/Lösung, Nächste Schritte und Frist VPA
    werden übernommen. Nichts wird aus der Arbeitsmappe kopiert (keine Kommentare, keine
    Dokumenteigenschaften).
    """
    from .engine import UnknownWorkbook, detect_kind, local_now
    from .package import WorkbookError, read_workbook
    from .kinds.kundenakten.vpa_export import ExportError, build_vpa_export, find_soffice, write_vpa_export

    when = _when(now, today) or local_now()
    try:
        wb = read_workbook(path)
        if detect_kind(wb).name != "kundenakten":
            raise UnknownWorkbook(f"'{path}' ist keine Kundenakten-Arbeitsmappe (Blätter 'Kunden' und 'Einträge')")
        export = build_vpa_export(wb, kunde)
    except (WorkbookError, UnknownWorkbook, ExportError) as e:
        click.echo(f"xl-addin export-akte: {e}", err=True)
        sys.exit(1)
    for f in export.findings:
        click.echo(f"  {f.severity:<7} {f.text()}")
    try:
        files = write_vpa_export(export, out_dir, when, pdf=pdf)
    except (ExportError, OSError) as e:
        click.echo(f"xl-addin export-akte: {e}", err=True)
        sys.exit(1)
    click.echo(f"Kunde {export.customer}: {len(export.rows)} VPA-Einträge -> "
               + ", ".join(str(p) for p in files))
    click.echo(f"  nicht exportiert (O-Team/unklar): {export.withheld}")
    if pdf and find_soffice() is None:
        click.echo("  kein PDF: LibreOffice (soffice) ist nicht installiert")


def add_commands(group: click.Group) -> None:
    group.add_command(export_akte_cmd)
