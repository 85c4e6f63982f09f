"""The UDF wrappers built into the add-in are the ones xlwings' own ``import_udfs`` writes: its
real ``xlwings/udfs.py`` (pywin32 stubbed, tests/udfs/harness.py) and our build-time port give
the same text, and the function wizard's texts are the ones ``import_udfs`` sets."""
from __future__ import annotations

import types

import pytest

from xl_addin import udfs as plain_udfs
from xl_addin.addin import udf_wrappers as W

from ..udfs.harness import UDF_MODULE, FakeAddin, registered_udfs


@pytest.fixture(scope="module")
def xlwings_import():
    """(VBA text, MacroOptions calls) of xlwings' real import_udfs into an add-in."""
    with registered_udfs() as reg:
        addin = FakeAddin("Irgendein Name.xlam")
        reg.udfs.import_udfs(UDF_MODULE, addin)
        (vba,) = addin.VBProject.VBComponents.imported
    return vba, {c.macro: c.options for c in addin.Application.calls}


def test_the_built_wrappers_are_the_text_xlwings_import_udfs_writes(xlwings_import):
    vba, _ = xlwings_import
    ours = W.wrapper_module([(UDF_MODULE, plain_udfs)])
    assert ours == vba
    for name in plain_udfs.UDF_NAMES:
        assert f'{name} = XLPy.CallUDF("{UDF_MODULE}", "{name}", Array(' in ours


def test_descriptions_are_what_import_udfs_hands_macro_options(xlwings_import):
    _, calls = xlwings_import
    described = {name: (doc, cat, args) for name, doc, cat, args in W.descriptions([(UDF_MODULE, plain_udfs)])}
    assert sorted(described) == sorted(plain_udfs.UDF_NAMES)
    for macro, options in calls.items():
        name = macro.split("!")[1]
        doc, cat, args = described[name]
        assert doc == " ".join(options["Description"].split())
        assert cat == options["Category"] == plain_udfs.CATEGORY
        assert args == [" ".join(a.split()) for a in options["ArgumentDescriptions"]]


def _udf_module():
    module = types.ModuleType("fake_udfs")

    @W.arg("wert", doc='Der "Wert" – mit Anführungszeichen ≥ 1, ' + "sehr lang " * 40)
    @W.func(category="Test", volatile=True, call_in_wizard=False)
    def XLA_LANG(wert, zweiter=None):
        """Eine Beschreibung
        über zwei Zeilen."""
        return wert

    @W.func()
    def XLA_VIELE(*werte):
        return len(werte)

    module.XLA_LANG, module.XLA_VIELE = XLA_LANG, XLA_VIELE
    return module


def test_volatile_wizard_optional_and_variable_arguments_follow_xlwings():
    text = W.wrapper_module([("fake_udfs", _udf_module())])
    assert "Function XLA_LANG(wert, Optional zweiter)" in text
    assert "    Application.Volatile\n" in text
    assert 'If (Not Application.CommandBars("Standard").Controls(1).Enabled) Then Exit Function' in text
    assert "Function XLA_VIELE(ParamArray werte())" in text and "argsArray(0 + k - LBound(werte)) = werte(k)" in text


def test_descriptions_module_escapes_quotes_and_characters_outside_cp1252():
    text = W.descriptions_module([("fake_udfs", _udf_module())])
    assert 'Describe "XLA_LANG", "Test", _\n        "Eine Beschreibung über zwei Zeilen.", _' in text
    assert '"Der ""Wert"" – mit Anführungszeichen " & ChrW(8805) & " 1, sehr lang' in text
    text.encode("cp1252")
    assert all(len(line) < 1024 for line in text.splitlines())
    # the wizard's limit: 255 characters per text
    long_arg = next(line for line in text.splitlines() if "sehr lang" in line)
    assert long_arg.count("sehr lang") < 40
    assert "ThisWorkbook.Name" in text and "xl_addin.xlam" not in text


def test_keyword_only_arguments_are_refused():
    def XLA_X(*, a=None):
        return a
    with pytest.raises(W.UdfWrapperError, match="XLA_X"):
        W.func()(XLA_X)


def test_vba_string():
    assert W.vba_string("") == '""'
    assert W.vba_string("→") == "ChrW(8594)"
    assert W.vba_string('a "b"\n c') == '"a ""b"" c"'
