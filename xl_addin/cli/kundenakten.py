"""Command of the "Kundenakten" workbook (SPEC §4): `export-akte`, the VPA file of one customer."""
from __future__ import annotations

import click

from .. import actions
from .options import CONTEXT, fail, findings_lines, out_option, parse_now, time_options, workbook_path

_WRITE_ERRORS: tuple[type[Exception], ...] = (*actions.AGENT_ERRORS, OSError)


@click.command("export-akte", context_settings=CONTEXT)
@workbook_path
@click.option("--kunde", required=True, help="Name des Kunden wie auf dem Blatt 'Kunden'.")
@out_option("Ordner für .xlsx und .pdf.")
@click.option("--pdf/--no-pdf", default=True, show_default=True,
              help="Auch ein PDF schreiben (wenn LibreOffice installiert ist).")
@time_options(now_help="'Stand' der Akte (Standard: jetzt, Europe/Berlin).", today_help="'Stand' der Akte als Tag.")
def export_akte_cmd(path, kunde, out_dir, pdf, now, today):
    """Schreibt die VPA-Akte eines Kunden für den VPA: eine neue .xlsx (und ein PDF, wenn
    LibreOffice installiert ist) mit ausschließlich den VPA-Einträgen dieses Kunden.

    O-Team-Einträge (intern) und Einträge ohne eindeutige Akte verlassen die Arbeitsmappe nie;
    nur die Spalten Datum, Kategorie, Situation, Reaktion/Lösung, Nächste Schritte und Frist VPA
    werden übernommen. Nichts wird aus der Arbeitsmappe kopiert (keine Kommentare, keine
    Dokumenteigenschaften).
    """
    when = parse_now(now, today)
    try:
        book = actions.open_file(path, action="export-akte", now=when)
        export = actions.vpa_export(book, kunde)
    except actions.AGENT_ERRORS as e:
        fail(f"xl-addin export-akte: {e}")
    for line in findings_lines(export.findings):
        click.echo(line)
    try:
        files = actions.write_vpa_export(export, out_dir, book.context.now, pdf=pdf)
    except _WRITE_ERRORS as e:
        fail(f"xl-addin export-akte: {e}")
    click.echo(f"Kunde {export.customer}: {len(export.rows)} VPA-Einträge -> " + ", ".join(str(p) for p in files))
    click.echo(f"  nicht exportiert (O-Team/unklar): {export.withheld}")
    if pdf and not actions.pdf_converter_installed():
        click.echo("  kein PDF: LibreOffice (soffice) ist nicht installiert")


COMMANDS = (export_akte_cmd,)
