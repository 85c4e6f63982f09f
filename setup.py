"""One build step on top of pyproject.toml, which declares everything else.

The ribbon add-in's text sources stay in the top-level ``macros/`` (the users' layout), outside
the package, but ``xl-addin build-addin`` must also work from an installed wheel. So building
the package copies every file of ``macros/`` into ``xl_addin/addin/macros/`` of the build, where
:mod:`xl_addin.addin.build` looks first (an editable install has no such copy and reads the
source tree's ``macros/``). The sdist carries ``macros/`` (MANIFEST.in) and this file, so a
wheel built from the sdist gets the same copy.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.errors import FileError

MACROS = Path(__file__).resolve().parent / "macros"
PACKAGED_MACROS = ("xl_addin", "addin", "macros")     # as xl_addin.addin.build expects it
RIBBON_FILE = "customUI14.xml"


def macro_sources() -> list[Path]:
    files = sorted(p for p in MACROS.glob("*") if p.is_file() and not p.name.startswith("."))
    if not any(p.name == RIBBON_FILE for p in files):
        raise FileError(f"{MACROS / RIBBON_FILE} is missing: the add-in's sources must be in macros/")
    return files


class BuildPyWithMacros(build_py):
    """build_py, plus the copy of macros/ (not in editable installs: they read macros/ itself)."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib, *PACKAGED_MACROS)
        if target.exists():
            shutil.rmtree(target)          # no file left over from an earlier build
        target.mkdir(parents=True)
        for source in macro_sources():
            self.copy_file(str(source), str(target / source.name))

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = super().get_outputs(include_bytecode)
        if self.editable_mode:
            return outputs
        target = Path(self.build_lib, *PACKAGED_MACROS)
        return [*outputs, *(str(target / p.name) for p in macro_sources())]


setup(cmdclass={"build_py": BuildPyWithMacros})
