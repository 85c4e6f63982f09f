"""xlwings' own UDF machinery on Linux: ``xlwings.udfs`` imports pywin32 (``pythoncom``,
``pywintypes``, ``win32com.client``), so those modules are stubbed for the time of a test, the
real ``xlwings/udfs.py`` is loaded, ``xw.func``/``xw.arg``/``xw.ret`` point at it (as
``xlwings/__init__.py`` does on Windows), and a fresh copy of ``xl_addin.udfs`` is registered
with it. Nothing stays behind in ``sys.modules`` or on the ``xlwings`` package afterwards.
"""
from __future__ import annotations

import importlib.util
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import ModuleType

import pytest

UDF_MODULE = "xl_addin.udfs"


class ComError(Exception):
    """Stand-in for ``pywintypes.com_error``."""


def _stub_modules() -> dict[str, ModuleType]:
    pythoncom = types.ModuleType("pythoncom")
    pythoncom.CoInitialize = lambda: None
    pythoncom.IID_IDispatch = object()
    pywintypes = types.ModuleType("pywintypes")
    pywintypes.com_error = ComError
    pywintypes.TimeType = datetime
    win32com = types.ModuleType("win32com")
    client = types.ModuleType("win32com.client")
    client.Dispatch = lambda *args, **kwargs: None
    win32com.client = client
    return {"pythoncom": pythoncom, "pywintypes": pywintypes, "win32com": win32com, "win32com.client": client}


def _load(name: str) -> ModuleType:
    """A fresh module object for ``name`` from its file, not entered in ``sys.modules``."""
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.loader is not None, name
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class Registered:
    udfs: ModuleType          # xlwings.udfs (the real file, win32 stubbed)
    module: ModuleType        # xl_addin.udfs as registered with it


@contextmanager
def registered_udfs() -> Iterator[Registered]:
    import xlwings
    with pytest.MonkeyPatch.context() as mp:
        for name, stub in _stub_modules().items():
            mp.setitem(sys.modules, name, stub)
        udfs = _load("xlwings.udfs")
        mp.setattr(xlwings, "func", udfs.xlfunc)
        mp.setattr(xlwings, "arg", udfs.xlarg)
        mp.setattr(xlwings, "ret", udfs.xlret)
        module = _load(UDF_MODULE)
        # what get_udf_module() keeps after the first import (filetime None: never reloaded)
        udfs.udf_modules[UDF_MODULE] = {"filename": module.__file__, "filetime": None, "module": module}
        yield Registered(udfs, module)


# ---------------------------------------------------------------- a workbook as import_udfs sees it

@dataclass
class MacroOptionsCall:
    macro: str
    options: dict


class _Components:
    def __init__(self) -> None:
        self.imported: list[str] = []

    def __call__(self, name: str):
        raise ComError(f"no component {name}")        # a first import: nothing to remove

    def Remove(self, component) -> None:  # COM name
        raise AssertionError("nothing to remove")

    def Import(self, path: str) -> None:  # COM name
        self.imported.append(Path(path).read_text(encoding="utf-8"))


@dataclass
class _Application:
    Version: str = "16.0"
    calls: list[MacroOptionsCall] = field(default_factory=list)

    def MacroOptions(self, macro: str, **options) -> None:  # COM name
        self.calls.append(MacroOptionsCall(macro, options))


class FakeAddin:
    """The COM surface of a workbook that ``xlwings.udfs.import_udfs`` touches."""

    def __init__(self, name: str = "xl_addin.xlam") -> None:
        self.Name = name
        self.VBProject = types.SimpleNamespace(VBComponents=_Components())
        self.Application = _Application()
