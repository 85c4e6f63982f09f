"""`xl-addin build-addin --out DIR`: the ribbon add-in ``xl_addin.xlam`` from ``macros/``."""
from __future__ import annotations

from pathlib import Path

import click

from .options import CONTEXT, fail


@click.command("build-addin", context_settings=CONTEXT)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Ordner für xl_addin.xlam (wird angelegt).")
@click.option("--interpreter", default=None, metavar="PFAD",
              help="Python auf den PCs der Agenten (Standard aus macros/xl_addin.conf: "
                   r"%LOCALAPPDATA%\xl_addin\venv\Scripts\python.exe).")
def build_addin_cmd(out_dir: Path, interpreter: str | None) -> None:
    """Baut das Excel-Add-in xl_addin.xlam mit dem Menüband „Inkasso & Mahnwesen“.

    Aus den Textquellen in macros/ (customUI14.xml, *.bas, xl_addin.conf), dem VBA-Modul
    der installierten (festgelegten) xlwings-Version und den VBA-Hüllen der Formelfunktionen;
    läuft ohne Excel. Die Formelfunktionen brauchen keinen Import-Schritt in Excel.
    """
    from ..addin.build import AddinBuildError, build_addin, load_sources
    from ..addin.vba_project import VbaSourceError

    try:
        path = build_addin(out_dir, interpreter=interpreter)
        src = load_sources(interpreter=interpreter)
    except (AddinBuildError, VbaSourceError, OSError) as e:
        fail(f"xl-addin build-addin: {e}")
    click.echo(f"Gebaut: {path} ({len(src.buttons)} Knöpfe, {src.udf_count} Formelfunktionen, "
               f"{len(src.modules)} VBA-Module, für xlwings {src.xlwings_version})")


COMMANDS = (build_addin_cmd,)
