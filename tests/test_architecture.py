"""The arrows of DESIGN.md, checked on the source text (ast only: nothing of xl_addin is imported).

    cli/, excel/ → actions → kinds → core;  actions → package, files

(a) The core and the kinds are pure: no file system, processes, garbage collector, XML library
    or Excel, and none of the layers above them; they never open, read, write or move a file.
(b) The core knows no kind.
(c) The package writer knows no kind, no rule of the core, no action and no front end: from the
    core it uses only the data it is handed and returns (the Plan, cell addresses, WorkbookData).
(d) The CLI and the Excel front end reach the workbook only through the actions.

Where the code does not obey yet, the breach is listed in KNOWN_VIOLATIONS below, and the list
must be exact: a breach not listed fails, and so does a listed one that no longer occurs — delete
its line then. The list only shrinks.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "xl_addin"

# (a) what the pure layers must not import: the file system, processes, the collector, XML
# parsing (the package's job), Excel.
PURE_FORBIDDEN_LIBRARIES = ("os", "shutil", "subprocess", "tempfile", "gc", "lxml", "xlwings")
# (a) what the pure layers must not import from our own code: the writer, the front ends, the
# action layer and the files module (fileio is the files module's name until it becomes files).
PURE_FORBIDDEN_OWN = ("xl_addin.package", "xl_addin.excel", "xl_addin.cli", "xl_addin.cli_*",
                      "xl_addin.actions", "xl_addin.files", "xl_addin.fileio", "xl_addin.addin",
                      "xl_addin.engine", "xl_addin.demo", "xl_addin.udfs", "xl_addin.templates")
# (a) methods that read, write, create, delete or move a file (Path, file objects, io).
FILE_METHODS = ("open", "read_bytes", "write_bytes", "read_text", "write_text", "unlink", "mkdir",
                "rmdir", "touch", "rename")
# (c) what the writer may use from the core: the data it applies and returns, nothing that decides.
PACKAGE_MAY_USE_FROM_CORE = ("xl_addin.core.plan", "xl_addin.core.cells", "xl_addin.core.workbook_data")
PACKAGE_FORBIDDEN_OWN = ("xl_addin.kinds", "xl_addin.actions", "xl_addin.cli", "xl_addin.cli_*",
                         "xl_addin.excel", "xl_addin.addin", "xl_addin.engine", "xl_addin.demo",
                         "xl_addin.udfs", "xl_addin.templates")

# Breaches that other work in progress removes (issue 10). Each line: "path: what".
KNOWN_VIOLATIONS: set[str] = set()


# --- reading the source --------------------------------------------------------------------------
@dataclass(frozen=True)
class Module:
    name: str        # xl_addin.kinds.inkasso.rules
    path: str        # xl_addin/kinds/inkasso/rules.py
    is_package: bool
    tree: ast.Module


def module_name(path: Path, root: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(root).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts.pop()
    return ".".join(parts), is_package


def read_modules(root: Path = ROOT, package: Path = PACKAGE) -> list[Module]:
    modules = []
    for path in sorted(package.rglob("*.py")):
        name, is_package = module_name(path, root)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        modules.append(Module(name, path.relative_to(root).as_posix(), is_package, tree))
    return modules


def _resolve(module: Module, level: int, target: str | None) -> str:
    """The absolute name of a `from ... import` source."""
    if level == 0:
        return target or ""
    base = module.name.split(".")
    if not module.is_package:
        base.pop()
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([target] if target else []))


def imported_modules(module: Module, known: set[str]) -> set[str]:
    """Every module this one imports, anywhere in it (lazy imports in functions too, and
    importlib.import_module / __import__ with a literal name). `from a import b` counts as
    importing a.b when a.b is one of our modules, else as importing a."""
    found: set[str] = set()
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            source = _resolve(module, node.level, node.module)
            for alias in node.names:
                candidate = f"{source}.{alias.name}"
                found.add(candidate if candidate in known else source)
        elif isinstance(node, ast.Call) and (name := _dynamically_imported(node)):
            found.add(name)
    return found


def _dynamically_imported(call: ast.Call) -> str | None:
    """'x.y' for importlib.import_module('x.y') or __import__('x.y'), else None."""
    func = call.func
    named = (isinstance(func, ast.Attribute) and func.attr == "import_module") or (
        isinstance(func, ast.Name) and func.id in ("import_module", "__import__"))
    if named and call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        return call.args[0].value
    return None


def file_calls(module: Module) -> set[str]:
    """Calls that open or change a file: open(...), <path>.read_text() and the like, and the
    one-argument <path>.replace(target) (str.replace takes two, datetime.replace keywords)."""
    found = set()
    for node in ast.walk(module.tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id == "open":
            found.add("open()")
        elif isinstance(func, ast.Attribute):
            if func.attr in FILE_METHODS:
                found.add(f".{func.attr}()")
            elif func.attr == "replace" and len(node.args) == 1 and not node.keywords:
                found.add(".replace()")
    return found


def matches(name: str, patterns: tuple[str, ...]) -> str | None:
    """The pattern `name` falls under (the module itself or anything inside it); `x_*` is a prefix."""
    for pattern in patterns:
        if pattern.endswith("*"):
            if name.startswith(pattern[:-1]):
                return pattern
        elif name == pattern or name.startswith(pattern + "."):
            return pattern
    return None


def in_folder(module: Module, *prefixes: str) -> bool:
    return any(module.name == p or module.name.startswith(p + ".") for p in prefixes)


def is_cli(name: str) -> bool:
    return matches(name, ("xl_addin.cli", "xl_addin.cli_*")) is not None


# --- the rules -----------------------------------------------------------------------------------
def pure_layer_violations(modules: list[Module]) -> set[str]:
    """(a) core/ and kinds/: no forbidden import, no file call."""
    known = {m.name for m in modules}
    out = set()
    for m in modules:
        if not in_folder(m, "xl_addin.core", "xl_addin.kinds"):
            continue
        for name in imported_modules(m, known):
            top = name.split(".")[0]
            if top in PURE_FORBIDDEN_LIBRARIES:
                out.add(f"{m.path}: imports {top}")
            elif matches(name, PURE_FORBIDDEN_OWN):
                out.add(f"{m.path}: imports {_layer(name)}")
        out.update(f"{m.path}: calls {call}" for call in file_calls(m))
    return out


def core_violations(modules: list[Module]) -> set[str]:
    """(b) core/ imports nothing from kinds/."""
    known = {m.name for m in modules}
    return {f"{m.path}: imports xl_addin.kinds"
            for m in modules if in_folder(m, "xl_addin.core")
            for name in imported_modules(m, known) if matches(name, ("xl_addin.kinds",))}


def package_violations(modules: list[Module]) -> set[str]:
    """(c) package/: no kind, no action or front end, from the core only the data shapes."""
    known = {m.name for m in modules}
    out = set()
    for m in modules:
        if not in_folder(m, "xl_addin.package"):
            continue
        for name in imported_modules(m, known):
            if matches(name, PACKAGE_FORBIDDEN_OWN):
                out.add(f"{m.path}: imports {_layer(name)}")
            elif matches(name, ("xl_addin.core",)) and name not in PACKAGE_MAY_USE_FROM_CORE:
                out.add(f"{m.path}: imports {name}")
    return out


def front_end_violations(modules: list[Module]) -> set[str]:
    """(d) excel/ and the CLI do not import the package writer: they call the actions."""
    known = {m.name for m in modules}
    return {f"{m.path}: imports xl_addin.package"
            for m in modules if in_folder(m, "xl_addin.excel") or is_cli(m.name)
            for name in imported_modules(m, known) if matches(name, ("xl_addin.package",))}


def _layer(name: str) -> str:
    """Our module a breach is named by: xl_addin.package for xl_addin.package.writer."""
    return ".".join(name.split(".")[:2])


RULES = {
    "a: core and kinds are pure": pure_layer_violations,
    "b: core knows no kind": core_violations,
    "c: the writer knows no kind": package_violations,
    "d: front ends go through the actions": front_end_violations,
}


@pytest.fixture(scope="module")
def modules() -> list[Module]:
    return read_modules()


def test_every_layer_is_there(modules):
    """The rules read the folders they speak of (a moved folder must not make them pass vacuously)."""
    names = {m.name for m in modules}
    for folder in ("xl_addin.core", "xl_addin.kinds", "xl_addin.package", "xl_addin.excel"):
        assert any(n.startswith(folder + ".") for n in names), folder
    assert any(is_cli(n) for n in names)


@pytest.mark.parametrize("rule", list(RULES))
def test_the_arrows_point_down(modules, rule):
    new = sorted(RULES[rule](modules) - KNOWN_VIOLATIONS)
    assert not new, f"rule {rule} broken (fix the code, do not list it):\n  " + "\n  ".join(new)


def test_known_violations_are_exact(modules):
    found = set().union(*(rule(modules) for rule in RULES.values()))
    stale = sorted(KNOWN_VIOLATIONS - found)
    assert not stale, ("fixed — delete from KNOWN_VIOLATIONS in tests/test_architecture.py:\n  "
                       + "\n  ".join(stale))


# --- the checker itself: it sees what it must, and only that -------------------------------------
def _module(name: str, source: str, is_package: bool = False) -> Module:
    return Module(name, name.replace(".", "/") + ".py", is_package, ast.parse(source))


def test_the_checker_sees_every_kind_of_import():
    m = _module("xl_addin.kinds.inkasso.rules", (
        "import os.path\n"
        "from ...package import apply_plan\n"
        "from ... import fileio\n"
        "def later():\n"
        "    import gc\n"
        "    importlib.import_module('xl_addin.excel.entry')\n"))
    known = {"xl_addin.fileio"}
    assert imported_modules(m, known) == {"os.path", "xl_addin.package", "xl_addin.fileio", "gc",
                                          "xl_addin.excel.entry"}
    assert pure_layer_violations([m]) == {
        "xl_addin/kinds/inkasso/rules.py: imports os", "xl_addin/kinds/inkasso/rules.py: imports gc",
        "xl_addin/kinds/inkasso/rules.py: imports xl_addin.package",
        "xl_addin/kinds/inkasso/rules.py: imports xl_addin.excel"}


def test_relative_imports_resolve_from_a_package_init():
    m = _module("xl_addin.kinds.solleciti", "from ..kind import Kind\nfrom ...cli_excel import main\n",
                is_package=True)
    assert imported_modules(m, set()) == {"xl_addin.kinds.kind", "xl_addin.cli_excel"}
    assert pure_layer_violations([m]) == {"xl_addin/kinds/solleciti.py: imports xl_addin.cli_excel"}


def test_the_checker_sees_file_calls_but_not_text_replace():
    m = _module("xl_addin.core.report", (
        "open('x')\n"
        "path.write_text('a')\n"
        "tmp.replace(target)\n"
        "text.replace('a', 'b')\n"
        "moment.replace(tzinfo=None)\n"))
    assert file_calls(m) == {"open()", ".write_text()", ".replace()"}


def test_the_package_may_use_the_plan_but_no_rule():
    m = _module("xl_addin.package.writer", (
        "from ..core.plan import Plan\n"
        "from ..core.settings import Settings\n"
        "from ..kinds.inkasso import schema\n"))
    assert package_violations([m]) == {"xl_addin/package/writer.py: imports xl_addin.core.settings",
                                       "xl_addin/package/writer.py: imports xl_addin.kinds"}


def test_the_core_knows_no_kind_and_front_ends_no_writer():
    core = _module("xl_addin.core.values", "from ..kinds import KINDS\n")
    cli = _module("xl_addin.cli.run", "from ..package import read_workbook\n")
    ribbon = _module("xl_addin.excel.entry", "from ..actions import run\n")
    assert core_violations([core]) == {"xl_addin/core/values.py: imports xl_addin.kinds"}
    assert front_end_violations([cli, ribbon]) == {"xl_addin/cli/run.py: imports xl_addin.package"}
