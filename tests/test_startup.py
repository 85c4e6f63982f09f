"""Start-up of `xl-addin` (issue 15): the libraries only some commands need are imported by those
commands, not by every start. A `run` of an Inkasso workbook needs no iCalendar, no holiday
table (its rules count no working day unless the settings ask for it), no LibreOffice process
and no URL library; the exports' and templates' libraries stay away, too. Nor does it import
the other kinds' rules and actions, nor the helpers of other commands (preview, calendar,
import sources): a kind is recognised by its sheets, its rules are imported by its run."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from xml.sax.saxutils import escape as sax_escape

import pytest
from hypothesis import given, strategies as st

from tests.builders import inkasso_data, order, write_xlsx
from xl_addin.package.chart import escape

ROOT = Path(__file__).resolve().parents[1]
# what an Inkasso run uses of the other kinds: its name and sheets (schema) and its finding codes
KIND_DECLARATION = ("schema", "findings")
# the helpers of other commands: `run --preview`, `due --ics`, the imports, `new`
OTHER_COMMANDS = ("xl_addin.core.preview", "xl_addin.core.ical", "xl_addin.core.source",
                  "xl_addin.kinds.inkasso.imports", "xl_addin.templates", "xl_addin.cli.preview",
                  "xl_addin.cli.inkasso", "xl_addin.cli.diagonal", "xl_addin.cli.due", "xl_addin.cli.kundenakten",
                  "xl_addin.cli.addin")
NOT_AT_START = ("icalendar", "holidays", "subprocess", "urllib.request", "http.client", "email.message",
                "xml.sax.saxutils", "html.entities", "openpyxl", "xlsxwriter", "pandas", "numpy", "xlwings")


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport json, sys; print(json.dumps(sorted(sys.modules)))"],
                         capture_output=True, text=True, cwd=ROOT, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def _cli(*args: str) -> str:
    """The code of `xl-addin ARGS` in a process."""
    return f"from xl_addin.cli import main\ntry:\n    main({list(args)!r})\nexcept SystemExit:\n    pass"


def test_the_cli_starts_without_the_libraries_of_other_commands():
    loaded = _modules_after("import xl_addin.cli")
    assert not loaded & set(NOT_AT_START), sorted(loaded & set(NOT_AT_START))


def test_the_version_imports_no_command():
    loaded = _modules_after(_cli("--version"))
    assert not {m for m in loaded if m.startswith(("xl_addin.actions", "xl_addin.package", "xl_addin.kinds"))}


def test_every_command_is_where_the_cli_looks_for_it():
    """``cli.COMMAND_MODULES`` names each module's commands (a command missing there is not found)."""
    from xl_addin import cli
    from xl_addin.cli import addin, diagonal, due, inkasso, kundenakten, workbook
    modules = {"workbook": workbook, "inkasso": inkasso, "diagonal": diagonal, "due": due,
               "kundenakten": kundenakten, "addin": addin}
    assert {m: tuple(c.name for c in mod.COMMANDS) for m, mod in modules.items()} == cli.COMMAND_MODULES
    assert sorted(p.stem for p in (ROOT / "xl_addin" / "cli").glob("*.py")
                  if "COMMANDS = (" in p.read_text(encoding="utf-8")) == sorted(modules)


@pytest.fixture(scope="module")
def inkasso_run(tmp_path_factory) -> set[str]:
    """The modules loaded by `xl-addin run` of an Inkasso workbook, in a process of its own."""
    path = write_xlsx(inkasso_data([order(), order(**{"incasso_state": "on_hold"})]),
                      tmp_path_factory.mktemp("run") / "Inkasso.xlsx")
    loaded = _modules_after(_cli("run", str(path), "--now", "2026-11-22T12:00", "--backups", "0"))
    assert {"xl_addin.package.writer", "xl_addin.kinds.inkasso.rules"} <= loaded        # it did run
    return loaded


def test_a_run_of_an_inkasso_workbook_loads_none_of_them_either(inkasso_run):
    assert not inkasso_run & set(NOT_AT_START), sorted(inkasso_run & set(NOT_AT_START))


def _other_kinds(loaded: set[str], own: str) -> list[str]:
    """The modules of kinds other than ``own`` beyond their declaration (package, schema, findings)."""
    parts = [m.split(".") for m in loaded if m.startswith("xl_addin.kinds.")]
    return sorted(".".join(p) for p in parts if len(p) > 3 and p[2] != own and p[3] not in KIND_DECLARATION)


def test_a_run_imports_its_own_kinds_rules_only(inkasso_run):
    assert not _other_kinds(inkasso_run, "inkasso"), _other_kinds(inkasso_run, "inkasso")
    assert not inkasso_run & set(OTHER_COMMANDS), sorted(inkasso_run & set(OTHER_COMMANDS))


def test_the_check_sees_another_kinds_rules():
    """(a moved folder or a renamed module must not make the test above pass vacuously)"""
    loaded = _modules_after("import xl_addin.kinds.diagonal.rules, xl_addin.kinds.solleciti.run")
    assert _other_kinds(loaded, "inkasso") == ["xl_addin.kinds.diagonal.rules", "xl_addin.kinds.solleciti.flowchart",
                                               "xl_addin.kinds.solleciti.run"]


def test_the_commands_that_need_them_still_get_them():
    """A working-day count loads the holiday table, a calendar export iCalendar — on demand."""
    loaded = _modules_after("from datetime import date\n"
                            "from xl_addin.core.calendar import calendar_for\n"
                            "calendar_for('DE-BY').next_working_day(date(2026, 12, 25))\n"
                            "from xl_addin.core.ical import event_uid\n"
                            "event_uid('inkasso', 'x', ('1',))")
    assert {"holidays", "hashlib"} <= loaded


@given(st.text(), st.dictionaries(st.sampled_from(['"', "'", "\n", "a"]), st.sampled_from(["&quot;", "&#10;", "b"])))
def test_the_charts_escape_is_saxutils_escape(text, entities):
    assert escape(text, entities) == sax_escape(text, entities)
    assert escape(text) == sax_escape(text)


def test_the_console_script_exits_as_the_command_does_and_lets_go_of_the_workbook(tmp_path):
    """`xl-addin` is ``cli.script`` (``main``, then an exit that skips the last collection over the
    objects still alive): the exit code and output are the command's, the run's lock is gone."""
    from importlib.metadata import entry_points
    assert [e.value for e in entry_points(group="console_scripts", name="xl-addin")] == ["xl_addin.cli:script"]
    path = write_xlsx(inkasso_data([order()]), tmp_path / "Inkasso.xlsx")

    def script(*args: str) -> subprocess.CompletedProcess:
        code = f"import sys\nsys.argv = ['xl-addin', *{list(args)!r}]\nfrom xl_addin.cli import script\nscript()"
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)

    ran = script("run", str(path), "--now", "2026-11-22T12:00", "--backups", "0")
    assert ran.returncode == 0 and "geschrieben" in ran.stdout, ran.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Inkasso.xlsx"]          # no lock, no temp file left
    wrong = script("run")
    assert wrong.returncode == 2 and "Usage" in wrong.stderr
    missing = script("run", str(tmp_path / "nicht-da.xlsx"))
    assert missing.returncode == 1 and "nicht-da.xlsx" in missing.stdout + missing.stderr


CYCLES_AFTER_A_RUN = """
import gc, shutil, sys
from datetime import datetime
gc.disable()
from xl_addin import actions
first, second = sys.argv[1:]
actions.run_file(first, datetime(2026, 11, 22, 12), backups=0)    # imports what a run imports
gc.collect()
res = actions.run_file(second, datetime(2026, 11, 22, 12), backups=0)
assert res.written, res.error
del res
gc.set_debug(gc.DEBUG_SAVEALL)
print(gc.collect(), sorted({type(o).__qualname__ for o in gc.garbage}))
"""


def test_a_run_leaves_no_reference_cycles_behind(tmp_path):
    """The console script runs with the cyclic garbage collector off (``cli.script``): whatever a
    run allocates must be freed by reference counting — a cycle through a sheet's patcher (its
    rows' spans pointing back at it) kept the whole plan (55,000 writes) alive until exit."""
    orders = [order() for _ in range(300)]
    first = write_xlsx(inkasso_data(orders), tmp_path / "first.xlsx")
    second = tmp_path / "second.xlsx"
    second.write_bytes(first.read_bytes())
    out = subprocess.run([sys.executable, "-c", CYCLES_AFTER_A_RUN, str(first), str(second)], capture_output=True,
                         text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    found, kinds = out.stdout.strip().split(" ", 1)
    assert int(found) < 50, kinds


def test_each_kind_names_the_module_its_run_imports():
    """``Kind.run_module`` (imported while a workbook is read, ``Kind.import_run``) is the module
    whose ``plan_run`` the kind's run calls."""
    from importlib import import_module

    from xl_addin.kinds import KINDS
    for kind in KINDS:
        assert callable(import_module(kind.run_module).plan_run), kind.name
        assert kind.run_module.startswith(f"xl_addin.kinds.{kind.name}."), kind.name


def test_a_kind_whose_settings_have_a_region_imports_the_holidays_library_with_its_run():
    """The region setting is checked against the holidays library when the settings are read, at
    the start of the plan: ``Kind.import_run(ahead=True)`` (while calamine still reads a big sheet)
    imports it ahead — only for a kind that has such a setting; without the time to spare, not."""
    from xl_addin.kinds import KINDS
    code = ("import sys; from xl_addin.kinds import KINDS; kind = {k.name: k for k in KINDS}[sys.argv[1]]; "
            "kind.import_run(); before = 'holidays' in sys.modules; kind.import_run(ahead=True); "
            "print(before, 'holidays' in sys.modules)")
    for kind in KINDS:
        out = subprocess.run([sys.executable, "-c", code, kind.name], capture_output=True, text=True, cwd=ROOT)
        assert out.returncode == 0, out.stderr
        region = any(spec.kind == "region" for spec in kind.settings)
        assert out.stdout.split() == ["False", str(region)], kind.name
    assert {k.name for k in KINDS if any(spec.kind == "region" for spec in k.settings)} >= {"inkasso", "solleciti"}
