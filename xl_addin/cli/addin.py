"""`xl-addin build-addin --out DIR`: the ribbon add-in ``xl_addin.xlam`` from ``macros/``;
`xl-addin install-addin` / `uninstall-addin`: it on this Windows PC, for this user, no admin rights."""
from __future__ import annotations

import sys
import tempfile
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


@click.command("install-addin", context_settings=CONTEXT)
@click.option("--xlam", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="Ein schon gebautes xl_addin.xlam installieren (Standard: jetzt bauen).")
@click.option("--interpreter", default=None, metavar="PFAD",
              help="Python für das Add-in (Standard: dieses Python, in dem xl_addin installiert ist).")
def install_addin_cmd(xlam: Path | None, interpreter: str | None) -> None:
    """Installiert das Add-in für diesen Benutzer (Windows, ohne Administratorrechte).

    Baut xl_addin.xlam (oder nimmt --xlam), kopiert es nach %APPDATA%\\Microsoft\\AddIns und
    schaltet es in Excel ein (HKCU, wie der Add-Ins-Dialog). Excel muss geschlossen sein.
    Beim nächsten Start zeigt Excel das Menüband „Inkasso & Mahnwesen“ und die XLA_-Funktionen.
    """
    from ..addin import xlwings_mismatch
    from ..addin.build import AddinBuildError, build_addin
    from ..addin.install import InstallError, current_environment, install
    from ..addin.vba_project import VbaSourceError

    try:
        env = current_environment()
        problem = xlwings_mismatch()
        if problem:
            raise InstallError(problem)
        with tempfile.TemporaryDirectory(prefix="xl_addin_build_") as tmp:
            source = xlam or build_addin(Path(tmp), interpreter=interpreter or _this_python())
            outcome = install(source, env)
    except (InstallError, AddinBuildError, VbaSourceError, OSError) as e:
        fail(f"xl-addin install-addin: {e}")
    click.echo(f"Installiert: {outcome.path}")
    click.echo(f"Eingeschaltet für Excel {', '.join(outcome.versions)}"
               + (f" ({', '.join(outcome.changed_values)})" if outcome.changed_values else " (war es schon)"))
    click.echo("Excel starten: Menüband „Inkasso & Mahnwesen“; die XLA_-Funktionen stehen im Funktionsassistenten.")


@click.command("uninstall-addin", context_settings=CONTEXT)
def uninstall_addin_cmd() -> None:
    """Entfernt das Add-in für diesen Benutzer wieder (Datei und Eintrag in Excel). Excel muss
    geschlossen sein. Das Python-Paket bleibt; es entfernt 'pip uninstall xl_addin'."""
    from ..addin.install import InstallError, current_environment, uninstall

    try:
        outcome = uninstall(current_environment())
    except (InstallError, OSError) as e:
        fail(f"xl-addin uninstall-addin: {e}")
    click.echo(f"Entfernt: {outcome.path}"
               + (f" ({', '.join(outcome.changed_values)})" if outcome.changed_values else ""))


def _this_python() -> str:
    """The python.exe of this environment (not pythonw.exe: xlwings starts it hidden itself)."""
    exe = Path(sys.executable)
    if exe.name.lower() == "pythonw.exe":
        exe = exe.with_name("python.exe")
    return str(exe)


COMMANDS = (build_addin_cmd, install_addin_cmd, uninstall_addin_cmd)
