"""`xl-addin` — the headless command line. Thin: parse arguments, call ``xl_addin.actions``, print.

One module per group of commands: ``workbook`` (new, run, check), ``inkasso`` (export-csv,
status-list), ``diagonal`` (step-done, new-case), ``due`` (due dates of every kind, --ics),
``kundenakten`` (export-akte), ``addin`` (build-addin); ``options`` holds what they share.

Exit codes: 0 = ran (also when the data has findings); 1 = could not run (one line says why),
or an export was blocked by errors in the data; 2 = wrong usage.
"""
from __future__ import annotations

import gc
from importlib import import_module

import click

from .options import CONTEXT, install_printable_streams

__all__ = ["COMMAND_MODULES", "main", "script"]

# The commands of each module (its COMMANDS), imported when one of them is run or listed (``--help``):
# `xl-addin --version` imports none, `xl-addin run` cli.workbook only (and through it the actions
# and the writer), never the modules of the exports, the imports or the add-in.
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "workbook": ("new", "run", "check"),
    "inkasso": ("export-csv", "status-list", "import-schulden", "import-diagonal"),
    "diagonal": ("step-done", "new-case"),
    "due": ("due",),
    "kundenakten": ("export-akte",),
    "addin": ("build-addin", "install-addin", "uninstall-addin"),
}


class _Commands(click.Group):
    """A group whose commands are imported on first use (``COMMAND_MODULES``)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for names in COMMAND_MODULES.values() for name in names)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = next((m for m, names in COMMAND_MODULES.items() if cmd_name in names), None)
        if module is None:
            return None
        commands: tuple[click.Command, ...] = import_module(f"{__name__}.{module}").COMMANDS
        return next(c for c in commands if c.name == cmd_name)


@click.group(cls=_Commands, context_settings=CONTEXT)
@click.version_option(package_name="xl_addin")
def main():
    """xl_addin — Mahnwesen und Inkasso in den Arbeitsmappen des Supports.

    Rechnet Arbeitsmappen an Ort und Stelle neu (nur die berechneten Spalten, Farben, 'Prüfung' und
    'Protokoll' werden geschrieben; alles andere bleibt Byte für Byte erhalten), prüft sie und
    schreibt die Übergabe-CSV für Diagonal.
    """
    install_printable_streams()       # no cell value, sheet or file name reaches the terminal raw


def script() -> None:
    """The `xl-addin` console script: ``main`` with the cyclic garbage collector off, then the
    interpreter's exit without its last collection over every object still alive. One command
    runs and the process ends: what a run allocates is freed by reference counting (a run leaves
    no reference cycles: tests/test_startup.py), while the collector would walk the hundreds of
    thousands of values read, planned and written again and again (~0.09 s of a 20,000-order
    run). At the exit the objects still alive are frozen (``gc.freeze``): the exit frees them
    as usual and runs every exit handler (the workbook locks' among them)."""
    gc.disable()
    try:
        main()
    finally:
        gc.freeze()
