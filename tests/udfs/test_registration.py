"""Every UDF registers through xlwings' own machinery (``xlwings/udfs.py`` with pywin32 stubbed):
``import_udfs`` writes a VBA wrapper per function with the right arguments and sets the German
description and the argument descriptions that Excel's function wizard shows."""
from __future__ import annotations

import inspect
import re

import pytest

from xl_addin import udfs as plain_udfs

from .harness import UDF_MODULE, FakeAddin, registered_udfs

# VBA keywords and statements an argument must not be called (case-insensitive)
VBA_RESERVED = {
    "and", "as", "boolean", "byref", "byte", "byval", "call", "case", "close", "const", "currency", "date",
    "debug", "declare", "dim", "do", "double", "each", "else", "elseif", "empty", "end", "enum", "eqv", "erase",
    "error", "event", "exit", "false", "for", "friend", "function", "get", "global", "gosub", "goto", "if",
    "implements", "in", "input", "integer", "is", "let", "lib", "like", "line", "long", "loop", "lset", "me",
    "mod", "name", "new", "next", "not", "nothing", "null", "on", "open", "option", "optional", "or",
    "paramarray", "preserve", "print", "private", "property", "public", "put", "raiseevent", "redim", "rem",
    "resume", "return", "rset", "seek", "select", "set", "single", "static", "step", "stop", "string", "sub",
    "then", "to", "true", "type", "typeof", "until", "variant", "wend", "while", "with", "withevents", "write",
    "xor", "caller", "now", "day", "month", "year", "time", "val",
}
VBA_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,254}")
CELL_REFERENCE = re.compile(r"[A-Za-z]{1,3}[0-9]+|R[0-9]*C[0-9]*", re.IGNORECASE)


@pytest.fixture(scope="module")
def imported():
    """(registered module, VBA text of the xlwings_udfs module, MacroOptions calls) after
    ``xlwings.udfs.import_udfs("xl_addin.udfs", <the add-in>)``."""
    with registered_udfs() as reg:
        addin = FakeAddin("xl_addin.xlam")
        reg.udfs.import_udfs(UDF_MODULE, addin)
        (vba,) = addin.VBProject.VBComponents.imported
        yield reg.module, vba, {c.macro: c.options for c in addin.Application.calls}


def _vba_functions(vba: str) -> dict[str, tuple[list[str], str]]:
    """name -> (signature parts, body) of every ``Function … End Function`` block."""
    out = {}
    for m in re.finditer(r"^Function (\w+)\((.*?)\)\n(.*?)^End Function", vba, re.MULTILINE | re.DOTALL):
        out[m[1]] = ([p.strip() for p in m[2].split(",")] if m[2].strip() else [], m[3])
    return out


def test_at_least_eight_udfs_all_with_the_shared_prefix(imported):
    module, _, _ = imported
    registered = sorted(n for n in dir(module) if hasattr(getattr(module, n), "__xlfunc__"))
    assert len(registered) >= 8
    assert registered == sorted(plain_udfs.UDF_NAMES)
    for name in registered:
        assert name.startswith("XLA_") and name == name.upper()
        assert VBA_IDENTIFIER.fullmatch(name) and not CELL_REFERENCE.fullmatch(name)


def test_every_udf_becomes_a_vba_function_with_its_arguments(imported):
    _module, vba, _ = imported
    functions = _vba_functions(vba)
    assert vba.startswith('Attribute VB_Name = "xlwings_udfs"')
    assert sorted(functions) == sorted(plain_udfs.UDF_NAMES)
    for name in plain_udfs.UDF_NAMES:
        params = inspect.signature(getattr(plain_udfs, name)).parameters.values()
        expected = [("Optional " if p.default is not inspect.Parameter.empty else "") + p.name for p in params]
        signature, body = functions[name]
        assert signature == expected, name
        names = ", ".join(p.name for p in params)
        # an add-in calls into the active workbook's Python, with the caller for xlwings' cache
        assert (f'{name} = XLPy.CallUDF("{UDF_MODULE}", "{name}", Array({names}), ActiveWorkbook, '
                f"Application.Caller)") in body, name
        assert f"{name} = Err.Description" in body


def test_no_known_trap_call_in_wizard_volatile_async_keyword_only(imported):
    module, vba, _ = imported
    assert "CommandBars" not in vba          # call_in_wizard=False: functions return 0 on open
    assert "Application.Volatile" not in vba
    for name in plain_udfs.UDF_NAMES:
        info = getattr(module, name).__xlfunc__
        assert info["call_in_wizard"] is True and info["volatile"] is False and info["async_mode"] is None
        assert info["sub"] is False and info["category"] == plain_udfs.CATEGORY
        kinds = {p.kind for p in inspect.signature(getattr(plain_udfs, name)).parameters.values()}
        assert kinds == {inspect.Parameter.POSITIONAL_OR_KEYWORD}, name


def test_argument_names_are_valid_vba_and_every_argument_is_described(imported):
    module, _, _ = imported
    for name in plain_udfs.UDF_NAMES:
        info = getattr(module, name).__xlfunc__
        for arg in info["args"]:
            assert VBA_IDENTIFIER.fullmatch(arg["name"]), (name, arg["name"])
            assert arg["name"].casefold() not in VBA_RESERVED, (name, arg["name"])
            assert arg["name"].casefold() != name.casefold()
            assert not arg["doc"].startswith("Positional argument"), (name, arg["name"])
            assert 0 < len(arg["doc"]) <= 255
            # Excel errors (#N/A) reach the function as text so that it can name them;
            # no converter other than xlwings' default value converter
            assert arg["options"]["err_to_str"] is True
            # the settings sheet's range always arrives as rows (a 1×2 range too), and so does every
            # range of a tabular UDF (all its arguments but today and the last due day)
            table = name in plain_udfs.TABLE_UDF_NAMES and arg["name"] not in ("heute", "oggi", "bis", "fino_al")
            assert arg["options"].get("ndim") == (
                2 if table or arg["name"] in ("einstellungen", "impostazioni") else None), (name, arg["name"])
            assert arg["options"].get("convert") in (None, inspect.Parameter.empty) or \
                repr(arg["options"]["convert"]) == "typing.Any"


def test_every_decision_udf_takes_today_and_the_settings_range(imported):
    _module, _, _ = imported
    for name in plain_udfs.UDF_NAMES:
        params = list(inspect.signature(getattr(plain_udfs, name)).parameters)
        if name.startswith(("XLA_MAHN", "XLA_FALL_", "XLA_VPA_")):
            assert params.index("einstellungen") == params.index("heute") + 1, name
        elif name.startswith("XLA_TICKET_"):
            assert params.index("impostazioni") == params.index("oggi") + 1, name


def test_function_wizard_gets_the_german_one_liner_and_argument_descriptions(imported):
    module, _, calls = imported
    assert sorted(calls) == sorted(f"'xl_addin.xlam'!{n}" for n in plain_udfs.UDF_NAMES)
    german = re.compile(r"\b(der|die|das|des|eines?|einer|und|oder|wenn|sonst|wie|laut|so|als|zur|nach|zum)\b|"
                        r"[äöüß]", re.IGNORECASE)
    for name in plain_udfs.UDF_NAMES:
        doc = inspect.getdoc(getattr(plain_udfs, name))
        options = calls[f"'xl_addin.xlam'!{name}"]
        assert options["Description"] == doc, name
        assert "\n" not in doc and len(doc) <= 255 and doc.endswith("."), name
        assert german.search(doc), f"{name}: not German? {doc!r}"
        assert options["Category"] == plain_udfs.CATEGORY
        params = list(inspect.signature(getattr(plain_udfs, name)).parameters)
        described = options["ArgumentDescriptions"]
        assert len(described) == len(params)
        assert described == [a["doc"] for a in getattr(module, name).__xlfunc__["args"]]


def test_a_workbook_not_an_addin_calls_into_this_workbook():
    with registered_udfs() as reg:
        book = FakeAddin("Kundenbetreuung Diagonal.xlsm")
        reg.udfs.import_udfs(UDF_MODULE, book)
        (vba,) = book.VBProject.VBComponents.imported
    assert "ThisWorkbook, Application.Caller" in vba and "ActiveWorkbook" not in vba


def test_the_harness_leaves_nothing_behind():
    import sys

    import xlwings
    names = ("pythoncom", "pywintypes", "win32com", "win32com.client", "xlwings.udfs")
    before = {n: sys.modules.get(n) for n in names}
    func, arg = xlwings.func, xlwings.arg
    with registered_udfs() as reg:
        assert sys.modules["pythoncom"] is not before["pythoncom"]
        assert xlwings.func is reg.udfs.xlfunc
        harness_record = reg.module.XLA_CSV_DATUM.__xlfunc__
    assert {n: sys.modules.get(n) for n in names} == before
    assert (xlwings.func, xlwings.arg) == (func, arg)
    # the imported module stays as it was (its record is the one udf_wrappers made at import)
    assert plain_udfs.XLA_CSV_DATUM.__xlfunc__ is not harness_record
