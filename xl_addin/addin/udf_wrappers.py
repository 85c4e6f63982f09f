"""The formula functions' VBA side, generated when the add-in is built — no import step in Excel.

xlwings makes a Python function callable from a cell through a VBA wrapper function in the
workbook (module ``xlwings_udfs``) and describes it to the function wizard with
``Application.MacroOptions``; its ``import_udfs`` does both through the VBA object model of a
running Excel, which needs "Trust access to the VBA project object model" and whose changes to
a loaded add-in Excel discards on quit. Here both are written into the add-in's VBA project by
``xl-addin build-addin`` instead:

``wrapper_module``      the text of ``xlwings_udfs`` exactly as xlwings' ``generate_vba_wrapper``
                        (``xlwings/udfs.py``, BSD-3) writes it for an add-in — a port, because that
                        file imports pywin32 and so cannot run where the add-in is built; the
                        tests compare the two outputs character for character;
``descriptions_module`` ``XlAddinFunctions.RegisterDescriptions``: the ``MacroOptions`` calls of
                        ``import_udfs`` (description, category, one text per argument), run by the
                        add-in's ``Workbook_Open``.

Both read the ``__xlfunc__`` record xlwings' ``@xw.func``/``@xw.arg`` leave on a function. Those
decorators only record on Windows (elsewhere xlwings defines them as no-ops), so the UDF module
registers through :func:`func`, :func:`arg` and :func:`ret` here: xlwings' own decorators where they record,
else a port that writes the same record (name, arguments, defaults, descriptions, category,
volatile, call_in_wizard — what the VBA side needs; converters only matter to xlwings at call
time on Windows, where its own decorators run).

Imports nothing but the standard library, so ``xl_addin.udfs`` can use it anywhere.
"""
from __future__ import annotations

import inspect
import io
import re
from collections.abc import Callable, Iterable
from types import ModuleType
from typing import Any, TypeVar

WRAPPER_MODULE = "xlwings_udfs"
DESCRIPTIONS_MODULE = "XlAddinFunctions"
DESCRIPTIONS_SUB = "RegisterDescriptions"
MAX_TEXT = 255                  # Excel's limit for a description and each argument's text
_MAX_CONTINUATIONS = 24         # VBA: line continuations per statement

_F = TypeVar("_F", bound=Callable[..., Any])


class UdfWrapperError(ValueError):
    """A UDF that cannot get a VBA wrapper (one German line naming the function)."""


# ---------------------------------------------------------------- the record (xlwings' xlfunc/xlarg)

def _xlwings_records() -> bool:
    """True where xlwings' ``func`` is its recording ``xlwings.udfs.xlfunc`` (Windows with pywin32)."""
    try:
        import xlwings
    except ImportError:
        return False
    return getattr(getattr(xlwings, "func", None), "__module__", "") == "xlwings.udfs"


def _record(f: Callable[..., Any]) -> dict[str, Any]:
    """``f.__xlfunc__``, made as ``xlwings.udfs.xlfunc`` makes it when ``f`` has none yet."""
    existing = getattr(f, "__xlfunc__", None)
    if existing is not None:
        return existing
    args: list[dict[str, Any]] = []
    defaults: list[Any] = []
    vararg = None
    for p in inspect.signature(f).parameters.values():
        if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD:
            args.append({"name": p.name})
            if p.default is not inspect.Signature.empty:
                defaults.append(p.default)
        elif p.kind is inspect.Parameter.VAR_POSITIONAL:
            args.append({"name": p.name})
            vararg = p.name
        else:
            raise UdfWrapperError(f"{f.__name__}: xlwings kennt keine Schlüsselwort-Argumente ({p.name})")
    if vararg and defaults:
        raise UdfWrapperError(f"{f.__name__}: xlwings kennt nicht optionale und variable Argumente zugleich")
    required = len(args) - len(defaults)
    for pos, a in enumerate(args):
        a.update(pos=pos, vba=None, doc=f"Positional argument {pos + 1}", vararg=a["name"] == vararg, options={})
        if pos >= required:
            a["optional"] = defaults[pos - required]
    doc = f.__doc__ if f.__doc__ is not None else \
        f"Python function '{f.__name__}' defined in '{f.__code__.co_filename}'."
    record = {"name": f.__name__, "sub": False, "args": args, "argmap": {a["name"]: a for a in args},
              "ret": {"doc": doc, "options": {}}}
    f.__xlfunc__ = record  # type: ignore[attr-defined]
    return record


def func(**kwargs: Any) -> Callable[[_F], _F]:
    """``@xw.func(**kwargs)`` that records on every OS (see the module's docstring)."""
    def inner(f: _F) -> _F:
        if _xlwings_records():
            import xlwings
            return xlwings.func(**kwargs)(f)
        record = _record(f)
        category = kwargs.get("category", "Python")
        record["category"] = category[:MAX_TEXT] if isinstance(category, str) else category
        record["call_in_wizard"] = bool(kwargs.get("call_in_wizard", True))
        record["volatile"] = bool(kwargs.get("volatile", False))
        record["async_mode"] = kwargs.get("async_mode")
        return f
    return inner


def arg(name: str, **kwargs: Any) -> Callable[[_F], _F]:
    """``@xw.arg(name, **kwargs)`` that records on every OS (see the module's docstring)."""
    def inner(f: _F) -> _F:
        if _xlwings_records():
            import xlwings
            return xlwings.arg(name, **kwargs)(f)
        argmap = _record(f)["argmap"]
        if name.lstrip("*") not in argmap:
            raise UdfWrapperError(f"{f.__name__}: kein Argument '{name}'")
        info = argmap[name.lstrip("*")]
        options = dict(kwargs)
        for special in ("vba", "doc"):
            if special in options:
                info[special] = options.pop(special)
        info["options"].update(options)
        return f
    return inner


def ret(**kwargs: Any) -> Callable[[_F], _F]:
    """``@xw.ret(**kwargs)`` that records on every OS: how xlwings converts the return value
    (``index=False``: a DataFrame without its index column)."""
    def inner(f: _F) -> _F:
        if _xlwings_records():
            import xlwings
            return xlwings.ret(**kwargs)(f)
        _record(f)["ret"]["options"].update(kwargs)
        return f
    return inner


def registered(module: ModuleType) -> list[Callable[..., Any]]:
    """The module's UDFs in xlwings' order (``dir()``: sorted by name)."""
    found = (getattr(module, name) for name in dir(module))
    return [f for f in found if hasattr(f, "__xlfunc__")]


# ---------------------------------------------------------------- xlwings' VBAWriter

class _VbaWriter:
    """``xlwings.utils.VBAWriter``: four spaces per block, lines over 1024 characters split."""

    MAX_LINE = 1024
    SPLIT = " _\n"

    def __init__(self) -> None:
        self.out = io.StringIO()
        self.indent = 0
        self.fresh = True

    def write(self, text: str) -> None:
        if self.fresh:
            text = "    " * self.indent + text
            self.fresh = False
        self._line(text)
        if text[-1] == "\n":
            self.fresh = True

    def writeln(self, text: str) -> None:
        self.write(text + "\n")

    def label(self, name: str) -> None:
        self.indent -= 1
        self.write(name + ":\n")
        self.indent += 1

    def block_start(self, text: str) -> None:
        self.writeln(text)
        self.indent += 1

    def block_end(self) -> None:
        self.indent -= 1

    def _line(self, line: str) -> None:
        while len(line) > self.MAX_LINE:
            limit = self.MAX_LINE - len(self.SPLIT)
            cut = next((i for i in range(limit, 0, -1) if line[i] == " "), limit)
            self.out.write(line[:cut] + self.SPLIT)
            line = line[cut:]
        self.out.write(line)


# ---------------------------------------------------------------- xlwings_udfs

def _wrapper(vba: _VbaWriter, module_name: str, f: Callable[..., Any], workbook: str) -> None:
    """One function of ``generate_vba_wrapper`` (xlwings/udfs.py), for ``workbook`` =
    "ActiveWorkbook" (an add-in) or "ThisWorkbook"."""
    xlfunc = f.__xlfunc__  # type: ignore[attr-defined]
    fname = xlfunc["name"]
    ftype = "Sub" if xlfunc["sub"] else "Function"
    signature, first, vararg, last = ftype + " " + fname + "(", True, "", ""
    for a in xlfunc["args"]:
        if a["name"] == "caller":
            a["vba"] = "Nothing"
        if not a["vba"]:
            last = a["name"]
            signature += "" if first else ", "
            if "optional" in a:
                signature += "Optional "
            elif a["vararg"]:
                signature += "ParamArray "
                vararg = a["name"]
            signature += a["name"] + ("()" if a["vararg"] else "")
            first = False
    signature += ")"
    vba.block_start(signature)
    if ftype == "Function":
        if not xlfunc["call_in_wizard"]:
            vba.writeln('If (Not Application.CommandBars("Standard").Controls(1).Enabled) Then Exit Function')
        if xlfunc["volatile"]:
            vba.writeln("Application.Volatile")
    if vararg:
        fixed = [a["vba"] or a["name"] for a in xlfunc["args"] if not a["vararg"]]
        vba.writeln("Dim argsArray() As Variant")
        vba.writeln(f"argsArray = Array({', '.join(fixed)})")
        vba.writeln(f"ReDim Preserve argsArray(0 to UBound({vararg}) - LBound({vararg}) + {len(fixed)})")
        vba.writeln(f"For k = LBound({vararg}) To UBound({vararg})")
        vba.writeln(f"argsArray({len(fixed)} + k - LBound({vararg})) = {last}(k)")
        vba.writeln("Next k")
        args_vba = "argsArray"
    else:
        args_vba = "Array(" + ", ".join(a["vba"] or a["name"] for a in xlfunc["args"]) + ")"
    call = f'"{module_name}", "{fname}", {args_vba}'
    if ftype == "Sub":
        vba.block_start('#If App = "Microsoft Excel" Then')
        vba.writeln(f"XLPy.CallUDF {call}, {workbook}, Application.Caller")
        vba.block_end()
        vba.block_start("#Else")
        vba.writeln(f"XLPy.CallUDF {call}")
        vba.block_end()
        vba.writeln("#End If")
    else:
        vba.block_start('#If App = "Microsoft Excel" Then')
        vba.writeln("If TypeOf Application.Caller Is Range Then On Error GoTo failed")
        vba.writeln(f"{fname} = XLPy.CallUDF({call}, {workbook}, Application.Caller)")
        vba.writeln("Exit " + ftype)
        vba.block_end()
        vba.block_start("#Else")
        vba.writeln(f"{fname} = XLPy.CallUDF({call})")
        vba.writeln("Exit " + ftype)
        vba.block_end()
        vba.writeln("#End If")
        vba.label("failed")
        vba.writeln(fname + " = Err.Description")
    vba.block_end()
    vba.writeln("End " + ftype)
    vba.writeln("")


def wrapper_module(modules: Iterable[tuple[str, ModuleType]], addin: bool = True) -> str:
    """The module ``xlwings_udfs`` as ``xlwings.udfs.import_udfs`` writes it (with its
    ``Attribute VB_Name`` line), for the UDF modules given as (import name, module)."""
    vba = _VbaWriter()
    vba.writeln(f'Attribute VB_Name = "{WRAPPER_MODULE}"')
    vba.writeln("'Autogenerated code by xlwings - changes will be lost with next import!")
    vba.writeln("""#Const App = "Microsoft Excel" 'Adjust when using outside of Excel""")
    workbook = "ActiveWorkbook" if addin else "ThisWorkbook"
    for name, module in modules:
        for f in registered(module):
            _wrapper(vba, name, f, workbook)
    return vba.out.getvalue()


# ---------------------------------------------------------------- XlAddinFunctions

def vba_string(text: str, encoding: str = "cp1252") -> str:
    """``text`` as a VBA string expression: quotes doubled, white space runs (line breaks) as one
    space, characters the module's code page cannot hold as ``ChrW(n)``."""
    text = re.sub(r"\s+", " ", text).strip()
    parts: list[str] = []
    literal = ""
    for ch in text:
        try:
            ch.encode(encoding)
        except UnicodeEncodeError:
            if literal:
                parts.append('"' + literal + '"')
                literal = ""
            parts.append(f"ChrW({ord(ch)})")
            continue
        literal += '""' if ch == '"' else ch
    if literal or not parts:
        parts.append('"' + literal + '"')
    return " & ".join(parts)


def _text(value: object) -> str:
    return re.sub(r"\s+", " ", str(value or "")).strip()[:MAX_TEXT]


def descriptions(modules: Iterable[tuple[str, ModuleType]]) -> list[tuple[str, str, object, list[str]]]:
    """(function, description, category, argument texts) per UDF — what ``import_udfs`` hands
    ``Application.MacroOptions`` (texts cut at 255 characters; arguments with ``vba=`` left out)."""
    out = []
    for _name, module in modules:
        for f in registered(module):
            xlfunc = f.__xlfunc__  # type: ignore[attr-defined]
            docs = [_text(a["doc"]) for a in xlfunc["args"] if not a["vba"]]
            out.append((xlfunc["name"], _text(xlfunc["ret"]["doc"]), xlfunc.get("category", "Python"), docs))
    return out


def descriptions_module(modules: Iterable[tuple[str, ModuleType]]) -> str:
    """``XlAddinFunctions``: ``RegisterDescriptions`` sets every UDF's description, category and
    argument texts for the function wizard, addressed through the add-in's own name
    (``ThisWorkbook.Name``: whatever the file is called). Called by ``Workbook_Open``."""
    lines = [f'Attribute VB_Name = "{DESCRIPTIONS_MODULE}"',
             "' Generated by xl-addin build-addin from the UDF modules - changes are lost with the next build.",
             "' The function wizard's texts, as xlwings' import_udfs sets them (Application.MacroOptions).",
             "Option Explicit",
             "",
             f"Public Sub {DESCRIPTIONS_SUB}()",
             "    ' A description is a nicety: it must never stop the add-in from opening.",
             "    On Error Resume Next"]
    for fname, doc, category, argdocs in descriptions(modules):
        if len(argdocs) + 2 > _MAX_CONTINUATIONS:
            raise UdfWrapperError(f"{fname}: mehr als {_MAX_CONTINUATIONS - 2} Argumente passen nicht in "
                                  f"eine VBA-Anweisung")
        cat = vba_string(category) if isinstance(category, str) else str(category)   # a built-in category: 1..14
        lines.append(f'    Describe "{fname}", {cat}, _')
        lines.append(f"        {vba_string(doc)}" + (", _" if argdocs else ""))
        for i, d in enumerate(argdocs):
            lines.append(f"        {vba_string(d)}" + (", _" if i < len(argdocs) - 1 else ""))
    lines += ["End Sub",
              "",
              "Private Sub Describe(ByVal name As String, ByVal category As Variant, ByVal description As String, _",
              "                     ParamArray arguments() As Variant)",
              "    Dim texts As Variant",
              "    texts = arguments",
              """    If UBound(texts) < LBound(texts) Then""",
              """        Application.MacroOptions Macro:="'" & ThisWorkbook.Name & "'!" & name, _""",
              "            Description:=description, Category:=category",
              "    Else",
              """        Application.MacroOptions Macro:="'" & ThisWorkbook.Name & "'!" & name, _""",
              "            Description:=description, Category:=category, ArgumentDescriptions:=texts",
              "    End If",
              "End Sub"]
    for line in lines:
        if len(line) > _VbaWriter.MAX_LINE - 1:
            raise UdfWrapperError(f"VBA-Zeile länger als {_VbaWriter.MAX_LINE - 1} Zeichen: {line[:60]}…")
    return "\n".join(lines) + "\n"
