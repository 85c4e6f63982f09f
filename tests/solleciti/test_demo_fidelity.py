"""The demo workbook through `xl-addin run`: everything the product does not own survives byte for
byte (other sheets, comments, styles of the callers, drop-downs, conditional formats, defined
names), the callers' input cells are unchanged, and every row of the demo gets the leaf its note
announces."""
from __future__ import annotations

import re
import shutil
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree
from python_calamine import load_workbook

from xl_addin.cli import main
from xl_addin.core.cells import address
from xl_addin.core.context import RunContext
from xl_addin.kinds.solleciti import flowchart as F, schema as S
from xl_addin.kinds.solleciti.run import plan_run
from xl_addin.package import read_workbook

DEMO = Path(__file__).resolve().parents[2] / "workbooks" / "demo" / "Solleciti.xlsx"
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    before = tmp_path_factory.mktemp("demo") / "Solleciti.xlsx"
    shutil.copy(DEMO, before)
    after = before.with_name("Solleciti dopo.xlsx")
    shutil.copy(DEMO, after)
    res = CliRunner().invoke(main, ["run", str(after), "--now", "2026-11-22T12:00", "--user", "demo"],
                             catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return before, after


def sheet_part(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as z:
        wb = etree.fromstring(z.read("xl/workbook.xml"))
        rels = etree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        rid = wb.xpath(f"//m:sheet[@name='{name}']", namespaces=NS)[0].get(
            "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
        target = next(r.get("Target") for r in rels if r.get("Id") == rid)
        return "xl/" + target.lstrip("/").removeprefix("xl/")


def test_parts_the_product_does_not_own_are_byte_identical(ran):
    before, after = ran
    owned = {sheet_part(before, n) for n in (S.SHEET_TICKETS, S.SHEET_REPORT, S.SHEET_STATE)}
    owned |= {"[Content_Types].xml", "xl/_rels/workbook.xml.rels", "xl/workbook.xml", "xl/styles.xml"}
    with zipfile.ZipFile(before) as a, zipfile.ZipFile(after) as b:
        assert set(a.namelist()) <= set(b.namelist())
        changed = [n for n in a.namelist() if n not in owned and a.read(n) != b.read(n)]
    assert changed == []


def test_the_ticket_sheet_keeps_drop_downs_conditional_formats_filter_and_panes(ran):
    before, after = ran
    part = sheet_part(before, S.SHEET_TICKETS)

    def kept(path):
        with zipfile.ZipFile(path) as z:
            root = etree.fromstring(z.read(part))
        return [etree.tostring(e) for tag in ("dataValidations", "conditionalFormatting", "autoFilter", "sheetViews",
                                              "cols", "legacyDrawing")
                for e in root.findall(f"m:{tag}", NS)]
    assert kept(before) == kept(after) and len(kept(before)) >= 6


def test_inputs_unchanged_and_every_row_gets_what_its_note_announces(ran):
    before, after = ran
    rows_before = load_workbook(str(before)).get_sheet_by_name(S.SHEET_TICKETS).to_python()
    rows_after = load_workbook(str(after)).get_sheet_by_name(S.SHEET_TICKETS).to_python()
    head = rows_before[0]
    inputs = [i for i, h in enumerate(head) if h not in S.TICKET_COMPUTED_HEADERS]
    assert [[r[i] for i in inputs] for r in rows_before] == [[r[i] for i in inputs] for r in rows_after]
    ix = {h: i for i, h in enumerate(head)}
    for r in rows_after[1:]:
        note, tag, action = r[ix["Note"]], r[ix[S.T_TAG]], r[ix[S.T_ACTION]]
        assert action, note
        if "errore:" in note and "stesso Ticket" not in note and "numero di Ticket" not in note:
            assert re.match(r"DA (VERIFICARE|CORREGGERE)|DATI MANCANTI", action), (note, action)
            continue
        assert not re.match(r"DA (VERIFICARE|CORREGGERE)|DATI MANCANTI", action), (note, action)
        announced = re.findall(r"(MANCATO CONTATTO \d|PREBLOCCO|DA BLOCCARE|PROMESSA DI PAGAMENTO \d|"
                               r"CUSTOMER CARE/CONTABILE|GESTIONE STUDIO|GESTIONE SEDE|VERIFICA SEDE|"
                               r"APPUNTAMENTO TELEFONICO|chiamata \d)", note)
        if announced:
            assert (tag or "").casefold() == announced[0].casefold(), (note, tag)


def test_report_gets_each_preblocco_ticket_once_and_keeps_the_hand_typed_rows(ran):
    before, after = ran
    rows = load_workbook(str(after)).get_sheet_by_name(S.SHEET_REPORT).to_python()
    old = load_workbook(str(before)).get_sheet_by_name(S.SHEET_REPORT).to_python()
    assert rows[:len(old)] == old
    new = [int(r[0]) for r in rows[len(old):] if r[0] not in (None, "")]
    assert len(new) == len(set(new)) == 10
    assert not set(new) & {int(r[0]) for r in old[1:]}


def test_a_tentativi_that_disagrees_with_stato_is_a_warning_on_verifica_and_stato_decides(ran):
    _, after = ran
    book = load_workbook(str(after))
    rows = book.get_sheet_by_name(S.SHEET_TICKETS).to_python()
    ix = {h: i for i, h in enumerate(rows[0])}
    head, *found = book.get_sheet_by_name(S.SHEET_FINDINGS).to_python()
    assert head == S.FINDINGS_HEADER_IT
    warned = {r[2]: r for r in found if r[1] == "SOL-ATTEMPTS-MISMATCH"}
    announced = {f"{S.SHEET_TICKETS}!{address(n, ix[S.T_ATTEMPTS] + 1)}": r for n, r in enumerate(rows[1:], start=2)
                 if "avviso:" in r[ix["Note"]]}
    assert len(announced) == 2 and set(warned) == set(announced)
    for cell, row in announced.items():
        severity, _, _, ticket, message, suggestion = warned[cell]
        status = row[ix[S.T_STATUS]]
        assert severity == "Avviso" and ticket == str(int(row[ix[S.T_TICKET]]))
        assert f"Stato '{status}'" in message and "vale lo Stato" in message
        assert suggestion == str(S.CALLS_BEFORE[status])


def test_the_demo_exercises_every_leaf_and_every_stato_with_non_risponde():
    wb = read_workbook(DEMO)
    plan = plan_run(wb, RunContext(datetime(2026, 11, 22, 12, 0), "demo"))
    leaves = {v for k, v in vars(F).items() if k.startswith("LEAF_")}
    assert leaves <= set(plan.summary), leaves - set(plan.summary)
    sheet = wb.sheet(S.SHEET_TICKETS)
    ix = {h: i for i, h in enumerate(sheet.rows[0])}
    no_answer = [(r[ix[S.T_STATUS]], r[ix[S.T_ATTEMPTS]]) for r in sheet.rows[1:]
                 if r[ix[S.T_OUTCOME]] == S.O_NO_ANSWER]
    for status in S.CALLS_BEFORE:
        assert any(s == status for s, _ in no_answer), status
    assert any(t in (None, "") for _, t in no_answer)                    # Tentativi left blank
    assert any(t == S.CALLS_BEFORE.get(s) for s, t in no_answer)         # Tentativi agreeing
    assert any(isinstance(t, (int, float)) and s in S.CALLS_BEFORE and t != S.CALLS_BEFORE[s]
               for s, t in no_answer)                                    # and disagreeing
