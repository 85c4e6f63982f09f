"""The ribbon add-in ``xl_addin.xlam``: its names, which the code inside Excel needs too, and
its build from the text sources in ``macros/`` (``build``), with our own VBA project
(``vba_project``) and OLE compound-file (``cfb``) writers. Runs on any OS, without Excel.

The names here import nothing at import time, so ``xl_addin.excel`` can use them without the build's imports.
"""
from __future__ import annotations

PROJECT_NAME = "xl_addin"
ADDIN_FILENAME = f"{PROJECT_NAME}.xlam"
CONFIG_SHEET = f"{PROJECT_NAME}.conf"     # the add-in's sheet with its xlwings settings
# The one xlwings the add-in's VBA and the Python side agree on: the built VBA declares
# ``xlwings64-<version>.dll`` and pyproject.toml's ``excel`` extra pins ``xlwings==<version>``
# (tests/addin/test_pin.py checks both). Change all three together, then rebuild the add-in.
XLWINGS_VERSION = "0.37.8"
XLWINGS_REQUIREMENT = f"xlwings=={XLWINGS_VERSION}"


def xlwings_mismatch() -> str | None:
    """Why the installed xlwings cannot work with this add-in (one German line), or None."""
    try:
        import xlwings
    except ImportError:
        return (f"xlwings ist nicht installiert — pip install \"xl_addin[excel]\" "
                f"(bringt {XLWINGS_REQUIREMENT})")
    if xlwings.__version__ != XLWINGS_VERSION:
        return (f"installiert ist xlwings {xlwings.__version__}, xl_addin braucht genau {XLWINGS_VERSION} "
                f"(das Add-in ruft xlwings64-{XLWINGS_VERSION}.dll) — pip install \"{XLWINGS_REQUIREMENT}\"")
    return None
