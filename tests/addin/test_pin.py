"""xlwings is pinned: the ``excel`` extra names exactly the version whose DLL the built add-in's
VBA declares, the package knows it (``XLWINGS_VERSION``), and every start checks it."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from xl_addin.addin import XLWINGS_REQUIREMENT, XLWINGS_VERSION, xlwings_mismatch
from xl_addin.addin.build import AddinBuildError, build_addin

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
tomllib = pytest.importorskip("tomllib")      # Python 3.11+

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def _pins(requirements: list[str]) -> list[str]:
    return [r for r in requirements if re.match(r"xlwings\b", r)]


def test_the_excel_extra_pins_the_dll_version_the_built_vba_declares(tmp_path):
    from oletools.olevba import VBA_Parser
    extras = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert _pins(extras["excel"]) == [XLWINGS_REQUIREMENT] == [f"xlwings=={XLWINGS_VERSION}"]
    assert _pins(extras["dev"]) == [XLWINGS_REQUIREMENT], "the build takes the installed xlwings' VBA"
    parser = VBA_Parser(str(build_addin(tmp_path)))
    try:
        code = {Path(name).stem: text for _, _, name, text in parser.extract_macros()}
    finally:
        parser.close()
    declared = set(re.findall(r'Lib "xlwings(?:64|32)-([^"]+)\.dll"', code["xlwings"]))
    assert declared == {XLWINGS_VERSION}


def test_the_build_refuses_another_xlwings(tmp_path, monkeypatch):
    import xlwings
    monkeypatch.setattr(xlwings, "__version__", "0.38.0")
    with pytest.raises(AddinBuildError, match=rf"installiert ist xlwings 0\.38\.0, xl_addin braucht genau "
                                              rf"{re.escape(XLWINGS_VERSION)}"):
        build_addin(tmp_path)
    assert not any(tmp_path.iterdir())


def test_mismatch_message_names_the_command(monkeypatch):
    import xlwings
    assert xlwings_mismatch() is None
    monkeypatch.setattr(xlwings, "__version__", "0.30.0")
    assert f'pip install "{XLWINGS_REQUIREMENT}"' in xlwings_mismatch()
    monkeypatch.setitem(__import__("sys").modules, "xlwings", None)
    assert "xlwings ist nicht installiert" in xlwings_mismatch()
