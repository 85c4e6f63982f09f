"""xl_addin uses only the BSD part of xlwings: no module imports xlwings.pro, xlwings.server,
xlwings.reports or xlwings.rest (Server, remote interpreter, reports), nor opens books with the
calamine-based reader (``mode="r"``)."""
from __future__ import annotations

import ast
from pathlib import Path

import xl_addin

PACKAGE = Path(xl_addin.__file__).resolve().parent
FORBIDDEN = ("xlwings.pro", "xlwings.server", "xlwings.reports", "xlwings.rest")
_PARTS = {"pro", "server", "reports", "rest"}


def _sources() -> list[Path]:
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 10
    return files


def _imports(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
            names += [f"{node.module}.{a.name}" for a in node.names]
        elif (isinstance(node, ast.Attribute) and node.attr in _PARTS
              and isinstance(node.value, ast.Name) and node.value.id in ("xlwings", "xw")):
            names.append(f"xlwings.{node.attr}")             # xw.pro.… without an import line
        elif isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
                "import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant):
            names.append(str(node.args[0].value))
    return names


def test_no_module_imports_the_non_bsd_parts_of_xlwings():
    offenders = []
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        for name in _imports(ast.parse(text)):
            if any(name == f or name.startswith(f + ".") for f in FORBIDDEN):
                offenders.append(f"{path.relative_to(PACKAGE)}: import {name}")
    assert not offenders, offenders


def test_no_book_is_opened_with_the_calamine_reader():
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                for kw in node.keywords:
                    assert not (kw.arg == "mode" and isinstance(kw.value, ast.Constant) and kw.value.value == "r"
                                and "Book" in ast.unparse(node.func)), f"{path}: {ast.unparse(node)}"


def test_the_guard_itself_catches_an_offender(tmp_path):
    sample = ("import xlwings.pro\nfrom xlwings import server\nimport importlib\n"
              "importlib.import_module('xlwings.reports')\nimport xlwings as xw\nxw.rest.api\n")
    names = _imports(ast.parse(sample))
    assert {"xlwings.pro", "xlwings.server", "xlwings.reports", "xlwings.rest"} <= set(names)
