"""The ribbon add-in ``xl_addin.xlam``: its names, which the code inside Excel needs too, and
its build from the text sources in ``macros/`` (``build``), with our own VBA project
(``vba_project``) and OLE compound-file (``cfb``) writers. Runs on any OS, without Excel.

The names here import nothing, so ``xl_addin.excel`` can use them without the build's imports.
"""
from __future__ import annotations

PROJECT_NAME = "xl_addin"
ADDIN_FILENAME = f"{PROJECT_NAME}.xlam"
CONFIG_SHEET = f"{PROJECT_NAME}.conf"     # the add-in's sheet with its xlwings settings
