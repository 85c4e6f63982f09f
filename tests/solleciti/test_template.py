"""`xl-addin new solleciti PATH`: an Italian caller gets the SPEC §3 sheets and headers, drop-downs
on every closed list (Stato, Esito chiamata, Motivo, Interlocutore, Tipo problema, Tipo pagamento,
Aggiornamento) with Italian error texts, dates as GG/MM/AAAA, Impostazioni with the defaults, and a
file that feeds straight back into the product."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from tests.solleciti.builders import NOW
from xl_addin.actions import new_workbook
from xl_addin.core.context import RunContext
from xl_addin.core.settings import Settings
from xl_addin.core.workbook_data import SheetData, WorkbookData
from xl_addin.kinds.solleciti import schema as S
from xl_addin.kinds.solleciti.run import plan_run


def create_template(path):
    return new_workbook("solleciti", path)


LISTS = {S.T_STATUS: S.STATUSES, S.T_OUTCOME: S.OUTCOMES, S.T_REASON: S.REASONS,
         S.T_CONTACT_PERSON: S.CONTACT_PERSONS, S.T_PROBLEM: S.PROBLEMS, S.T_PAYMENT_KIND: S.PAYMENT_KINDS,
         S.T_UPDATE: S.UPDATES}


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("tpl") / "Solleciti nuovo.xlsx"
    assert create_template(path) == path
    return path


@pytest.fixture(scope="module")
def wb(template):
    return openpyxl.load_workbook(template)


def test_sheets_and_headers(wb):
    assert wb.sheetnames == ["Ticket", "Report Preblocco", "Impostazioni", "Verifica", "Protokoll"]
    head = [c.value for c in wb["Ticket"][1]]
    assert head == S.TICKET_HEADERS
    spec_headers = ["Ticket", "Cliente", "Stato", "Esito chiamata", "Tentativi", "Appuntamenti mancati",
                    "Proforma aperti", "Motivo", "Interlocutore", "Tipo problema", "Data pagamento",
                    "Tipo pagamento", "Data accordo", "Data preblocco", "Promesse saltate", "Aggiornamento",
                    "Azione", "Template", "Tag", "Scadenza task", "Priorità", "Assegnare a", "Report preblocco"]
    assert [h for h in head if h != "Data contatto"] == spec_headers
    assert [c.value for c in wb["Report Preblocco"][1]] == S.REPORT_HEADERS
    assert [c.value for c in wb["Verifica"][1]] == S.FINDINGS_HEADER_IT
    assert wb["Ticket"].freeze_panes == "A2"


def test_every_closed_list_has_a_strict_drop_down_in_italian(wb):
    ws = wb["Ticket"]
    found = {}
    for dv in ws.data_validations.dataValidation:
        col = openpyxl.utils.column_index_from_string(str(dv.sqref).split(":")[0].rstrip("0123456789"))
        found[S.TICKET_HEADERS[col - 1]] = dv
    assert set(found) == set(LISTS)
    for header, values in LISTS.items():
        dv = found[header]
        assert dv.formula1 == '"' + ",".join(values) + '"'
        assert dv.showErrorMessage and dv.errorTitle == "Valore non valido"
        assert dv.error.startswith("Scegliere un valore dall'elenco")
        assert str(dv.sqref).endswith("2000")


def test_dates_are_formatted_and_computed_headers_marked(wb):
    ws = wb["Ticket"]
    for header in (S.T_PAID_ON, S.T_AGREED_ON, S.T_PREBLOCCO_ON, S.T_CONTACT_ON, S.T_DUE):
        assert ws.cell(2, S.TICKET_HEADERS.index(header) + 1).number_format == "DD/MM/YYYY"
    action = ws.cell(1, S.TICKET_HEADERS.index(S.T_ACTION) + 1)
    assert action.comment.text == "calcolato da xl_addin"
    assert "Vuota" in ws.cell(1, S.TICKET_HEADERS.index(S.T_CONTACT_ON) + 1).comment.text


def test_stato_and_tentativi_say_the_stato_is_the_one_before_the_recorded_call(wb):
    """Issue 14: the header notes read Stato and Tentativi the way the product does."""
    ws = wb["Ticket"]
    stato = ws.cell(1, S.TICKET_HEADERS.index(S.T_STATUS) + 1).comment.text
    tentativi = ws.cell(1, S.TICKET_HEADERS.index(S.T_ATTEMPTS) + 1).comment.text
    assert "PRIMA della chiamata registrata" in stato and "Chiamata 1 = 2ª" in stato
    assert "Facoltativo" in tentativi and "PRIMA" in tentativi and "0 con Stato Nuovo" in tentativi
    assert "Conta lo Stato" in tentativi


def test_impostazioni_holds_the_defaults_and_reads_back_without_findings(template):
    cal = CalamineWorkbook.from_path(str(template))
    rows = cal.get_sheet_by_name("Impostazioni").to_python()
    assert rows[0] == ["Chiave", "Valore", "Descrizione"]
    settings, findings = Settings.from_sheet(SheetData("Impostazioni", rows), S.SETTINGS, "Impostazioni")
    assert findings == []
    assert settings == Settings.defaults(S.SETTINGS)
    values = {r[0]: r[1] for r in rows[1:]}
    assert values["Assegnatario sede"] == "assistenza.xriba" and values["Regione festività"] == "IT"


def test_fresh_template_runs_clean(template):
    cal = CalamineWorkbook.from_path(str(template))
    data = WorkbookData({n: SheetData(n, cal.get_sheet_by_name(n).to_python()) for n in cal.sheet_names})
    plan = plan_run(data, RunContext(NOW, "operatore"))
    assert plan.findings == [] and plan.writes == [] and not plan.appends


def test_new_never_overwrites(template):
    with pytest.raises(FileExistsError):
        create_template(template)


def test_cli_new_solleciti(tmp_path):
    from xl_addin.cli import main
    path = tmp_path / "Solleciti.xlsx"
    res = CliRunner().invoke(main, ["new", "solleciti", str(path)])
    assert res.exit_code == 0, res.output
    assert openpyxl.load_workbook(path).sheetnames[0] == "Ticket"
