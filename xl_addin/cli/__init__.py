"""`xl-addin` — the headless command line. Thin: parse arguments, call ``xl_addin.actions``, print.

One module per group of commands: ``workbook`` (new, run, check), ``inkasso`` (export-csv,
status-list), ``diagonal`` (step-done, new-case), ``due`` (due dates of every kind, --ics),
``kundenakten`` (export-akte), ``addin`` (build-addin); ``options`` holds what they share.

Exit codes: 0 = ran (also when the data has findings); 1 = could not run (one line says why),
or an export was blocked by errors in the data; 2 = wrong usage.
"""
from __future__ import annotations

import click

from . import addin, diagonal, due, inkasso, kundenakten, workbook
from .options import CONTEXT, install_printable_streams

__all__ = ["main"]


@click.group(context_settings=CONTEXT)
@click.version_option(package_name="xl_addin")
def main():
    """xl_addin — Mahnwesen und Inkasso in den Arbeitsmappen des Supports.

    Rechnet Arbeitsmappen an Ort und Stelle neu (nur die berechneten Spalten, Farben, 'Prüfung' und
    'Protokoll' werden geschrieben; alles andere bleibt Byte für Byte erhalten), prüft sie und
    schreibt die Übergabe-CSV für Diagonal.
    """
    install_printable_streams()       # no cell value, sheet or file name reaches the terminal raw


for _command in (*workbook.COMMANDS, *inkasso.COMMANDS, *diagonal.COMMANDS, *due.COMMANDS,
                 *kundenakten.COMMANDS, *addin.COMMANDS):
    main.add_command(_command)
