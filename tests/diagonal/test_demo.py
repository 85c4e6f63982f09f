"""The demo case log (workbooks/demo/Kundenbetreuung Diagonal.xlsx): it is what its build script
makes, `run`, `step-done`, `new-case` and `due` work on it and are logged, every demo mistake is
reported on its row, and every part of the file the product does not own stays byte-identical."""
from __future__ import annotations

import importlib.util
import json
import shutil
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from python_calamine import load_workbook

from xl_addin.cli import main
from xl_addin.kinds.diagonal import schema as S

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "workbooks" / "demo" / "Kundenbetreuung Diagonal.xlsx"
NOW = ["--now", "2026-11-22T12:00"]


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def rows_of(path, name):
    return load_workbook(str(path)).get_sheet_by_name(name).to_python(skip_empty_area=False)


@pytest.fixture
def demo(tmp_path) -> Path:
    return Path(shutil.copy2(DEMO, tmp_path / DEMO.name))


def _builder():
    spec = importlib.util.spec_from_file_location("build_demo_diagonal", REPO / "workbooks" / "build_demo_diagonal.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod          # dataclasses look their module up while it loads
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(path, cases) of a fresh build; each case knows its row and whether it is a demo mistake."""
    return _builder().build(tmp_path_factory.mktemp("demo"))


def test_the_committed_demo_is_what_the_build_script_makes(built):
    path, cases = built
    assert path.read_bytes() == DEMO.read_bytes()
    assert set(S.REQUEST_TYPES) <= {c.request_type for c in cases}
    assert set(S.STEPS) <= {c.step for c in cases}


def test_every_demo_mistake_is_reported_on_its_row_and_nothing_else(demo, built):
    findings = json.loads(cli("check", demo, *NOW, "--json").output)[0]["findings"]
    reported = {int("".join(ch for ch in f["cell"] if ch.isdigit())) for f in findings if f["sheet"] == S.SHEET_CASES}
    mistakes = {c.row for c in built[1] if c.defect}
    assert len(mistakes) >= 10 and reported == mistakes


def test_actions_on_the_demo_are_logged_and_unowned_parts_stay_byte_identical(demo, tmp_path):
    original = tmp_path / "original.xlsx"
    shutil.copy2(demo, original)
    assert cli("run", demo, *NOW).exit_code == 0
    res = cli("step-done", demo, "--order", "10003439", "--now", "2026-11-22T12:05", "--agent", "AK")
    assert res.exit_code == 0, res.output
    res = cli("new-case", demo, "--order", 10009999, "--user", 60877, "--type", "Hausbesuch",
              "--now", "2026-11-22T12:06", "--agent", "AK")
    assert res.exit_code == 0, res.output
    log = [r for r in rows_of(demo, "Protokoll")[1:] if any(v not in (None, "") for v in r)]
    assert [r[2] for r in log] == ["Schritt erledigt (Neu → Vendor informiert)", "Schritt seit gesetzt",
                                   "Fall angelegt"]
    due = json.loads(cli("due", demo, "--json", "--now", "2026-11-22T12:10").output)
    assert "10009999" in [d["order_id"] for d in due] and "10003439" not in [d["order_id"] for d in due]

    before, after = zipfile.ZipFile(original), zipfile.ZipFile(demo)
    owned = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml",
             "xl/worksheets/sheet1.xml"}
    assert set(before.namelist()) <= set(after.namelist())
    changed = {n for n in before.namelist() if before.read(n) != after.read(n)}
    assert changed <= owned, changed - owned
    assert {"xl/worksheets/sheet2.xml", "xl/worksheets/sheet4.xml", "xl/charts/chart1.xml",
            "xl/comments1.xml", "xl/sharedStrings.xml"} <= set(before.namelist()) - changed

    ws = openpyxl.load_workbook(demo)[S.SHEET_CASES]
    assert len(ws.data_validations.dataValidation) == 6 and len(ws.conditional_formatting) == 1
    head = [c.value for c in ws[1]]
    col = {h: i + 1 for i, h in enumerate(head)}
    rows = {r: dict(zip(head, [c.value for c in ws[r]], strict=True)) for r in range(2, ws.max_row + 1)}
    zust = next(r for r, v in rows.items() if v[S.C_NOTE] == "Vendor übernimmt die Kosten (Mail 21.11.)")
    assert ws.cell(zust, col[S.C_NOTE]).fill.fgColor.rgb.endswith("FFC7CE")          # the agent's colour stays
    assert ws.cell(zust, col[S.C_NOTE]).comment is not None
    hausbesuch = next(r for r, v in rows.items() if v[S.C_TYPE] == S.T_HOME_VISIT and v[S.C_STEP] == S.S_NEW
                      and v[S.C_DATE] is not None and r < 67)
    assert ws.cell(hausbesuch, col[S.C_REPLY]).fill.fgColor.rgb in ("00000000", None)  # hand yellow, nothing waits
    assert rows[67][S.C_TYPE] == S.T_HOME_VISIT and rows[67][S.C_VIP] == "Ja"
    assert ws.cell(67, col["Bearbeiter"]).value is None


def test_second_run_on_the_demo_changes_nothing(demo):
    assert cli("run", demo, *NOW).exit_code == 0
    first = rows_of(demo, S.SHEET_CASES)
    assert cli("run", demo, *NOW).exit_code == 0
    assert rows_of(demo, S.SHEET_CASES) == first
    assert "Protokoll" not in load_workbook(str(demo)).sheet_names
