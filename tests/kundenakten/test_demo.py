"""The demo workbook `workbooks/demo/Kundenakten.xlsx`: it is what its build script writes, and a
run on 22.11.2026 gives every customer the verdict the script promises; the VPA export of a
customer with internal notes, a comment and a highlight carries none of them."""
from __future__ import annotations

import html
import importlib.util
import sys
import zipfile
from pathlib import Path

import pytest

from tests.kundenakten.data import NOW, ctx
from xl_addin.actions import write_vpa_export
from xl_addin.kinds.kundenakten import schema as S
from xl_addin.kinds.kundenakten.rules import plan_run
from xl_addin.kinds.kundenakten.vpa_export import build_vpa_export

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "workbooks" / "demo" / "Kundenakten.xlsx"


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("build_demo_kundenakten",
                                                  REPO / "workbooks" / "build_demo_kundenakten.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module            # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def demo():
    from xl_addin.package import read_workbook
    return read_workbook(DEMO)


def test_committed_demo_is_what_the_script_writes(script, tmp_path):
    path, _ = script.build(tmp_path)
    assert path.read_bytes() == DEMO.read_bytes()


def test_every_customer_gets_the_promised_verdict(script, demo):
    plan = plan_run(demo, ctx(NOW))
    sheet = demo.sheet(S.SHEET_CUSTOMERS)
    col = {h: sheet.rows[0].index(h) + 1 for h in S.CUSTOMER_HEADERS}
    written = {(w.row, w.col): w.value for w in plan.writes}
    for row, c in enumerate(script.CUSTOMERS, start=2):
        current = written.get((row, col[S.K_CURRENT]))
        step = written.get((row, col[S.K_NEXT_STEP]))
        expect = c.expect
        if expect.startswith("nicht aktuell") or expect.startswith("Frist"):
            assert current == "Nein", c.name
        elif expect.startswith("aktuell"):
            assert current == "Ja", c.name
        else:
            assert current is None and step == "VPA zuweisen (Übergabe in der VPA-Akte)", c.name
        if expect == "Frist läuft":
            assert step.startswith("Frist an VPA läuft bis"), c.name
        if expect == "Frist verstrichen":
            assert "verstrichen" in step, c.name
        if "noch kein VPA-Eintrag" in expect or "Uhr neu gestartet" in expect:
            assert written.get((row, col[S.K_LAST_VPA])) is None, c.name
    codes = {f.code for f in plan.findings}
    assert {"KA-CUSTOMER-UNKNOWN", "KA-INITIALS-MISSING", "KA-SITUATION-MISSING", "KA-FILE-INVALID",
            "KA-CATEGORY-INVALID", "KA-STATUS-INVALID", "XL-DATE-INVALID", "KA-ASSIGNED-MISSING"} <= codes


def test_export_of_a_demo_customer_has_no_internal_text(script, demo, tmp_path):
    files = write_vpa_export(build_vpa_export(demo, "Kanzlei Richter & Partner"), tmp_path, NOW, pdf=False)
    with zipfile.ZipFile(files[0]) as z:
        text = "\n".join(html.unescape(z.read(n).decode("utf-8", "replace")) for n in z.namelist())
    internal = [t for texts in script.O_TEAM_TEXTS for t in texts[1:] if t]
    internal += ["Mandantendaten nur verschlüsselt", "Teammeeting", "Murat Aksoy", "(Demo:"]
    assert [t for t in internal if t in text] == []
    assert "Kunde" in text and "Mira Schulte" in text


def test_run_on_the_demo_keeps_everything_it_does_not_own(tmp_path):
    """In-place fidelity: after `run`, the parts the product does not own are byte-identical, the
    comment, the agents' highlight and drop-downs are still there; the wrong green is gone."""
    import shutil

    import openpyxl

    from xl_addin.actions import run_file

    path = tmp_path / DEMO.name
    shutil.copyfile(DEMO, path)
    res = run_file(path, NOW, "demo")
    assert res.ok and res.written, res.error
    with zipfile.ZipFile(DEMO) as before, zipfile.ZipFile(path) as after:
        old = {n: before.read(n) for n in before.namelist()}
        new = {n: after.read(n) for n in after.namelist()}
    owned = {"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/styles.xml", "xl/workbook.xml",
             "xl/_rels/workbook.xml.rels", "[Content_Types].xml"}     # Kunden, Einträge and the wiring
    changed = {n for n in old if n not in owned and old[n] != new.get(n)}
    assert changed == set()
    assert set(new) - set(old) == {"xl/worksheets/sheet4.xml", "xl/worksheets/sheet5.xml",   # Prüfung, Übersicht
                                   "xl/worksheets/_rels/sheet5.xml.rels", "xl/drawings/drawing1.xml",
                                   "xl/drawings/_rels/drawing1.xml.rels", "xl/charts/chart1.xml"}  # its chart
    x = openpyxl.load_workbook(path)
    ws = x[S.SHEET_ENTRIES]
    head = [c.value for c in ws[1]]
    rows = {r[head.index("Notiz")].value: r for r in ws.iter_rows(min_row=2) if r[head.index("Notiz")].value}
    highlighted = rows["(Demo: Situation von Hand gelb markiert)"]
    assert highlighted[head.index(S.E_SITUATION)].fill.fgColor.rgb.endswith("FFEB9C")
    assert highlighted[head.index(S.E_SITUATION)].comment is not None
    wrong_green = rows["(Demo: von Hand grün gefärbt, ist aber O-Team)"]
    assert wrong_green[0].fill.fill_type is None
    assert ws.data_validations.dataValidation and x[S.SHEET_CUSTOMERS].data_validations.dataValidation
