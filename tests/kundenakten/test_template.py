"""`xl-addin new kundenakten PATH`: the O-Team asks for a new, empty Kundenakten workbook and
expects the SPEC's sheets and headers, drop-downs for Kundenstatus, Akte and Kategorie, date
formats, and a settings sheet that feeds straight back into the product."""
from __future__ import annotations

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from tests.kundenakten.data import NOW
from xl_addin.actions import new_workbook
from xl_addin.core.context import RunContext
from xl_addin.core.plan import DATE_FORMAT
from xl_addin.core.report import FINDINGS_HEADER, PROTOCOL_HEADER
from xl_addin.core.settings import Settings
from xl_addin.core.workbook_data import SheetData, WorkbookData
from xl_addin.kinds.kundenakten import schema as S
from xl_addin.kinds.kundenakten.rules import plan_run


def create_template(path):
    return new_workbook("kundenakten", path)



@pytest.fixture(scope="module")
def book(tmp_path_factory):
    return create_template(tmp_path_factory.mktemp("t") / "Kundenakten.xlsx")


def _lists(ws) -> dict[str, list[str]]:
    out = {}
    for dv in ws.data_validations.dataValidation:
        col = str(dv.sqref).split(":")[0].rstrip("0123456789")
        header = ws[f"{col}1"].value
        out[header] = dv.formula1.strip('"').split(",")
    return out


def test_sheets_and_headers_are_the_spec_contract(book):
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == [S.SHEET_CUSTOMERS, S.SHEET_ENTRIES, S.SHEET_SETTINGS, S.SHEET_FINDINGS, S.SHEET_PROTOCOL]
    head = {n: [c.value for c in wb[n][1]] for n in wb.sheetnames}
    assert head[S.SHEET_CUSTOMERS] == ["Kunde", "Kundenstatus", "VPA", "Zugewiesen am", "Letzter VPA-Eintrag",
                                       "VPA-Akte aktuell", "Wiedervorlage", "Nächster Schritt"]
    assert head[S.SHEET_ENTRIES] == ["Datum", "Kunde", "Akte", "Kategorie", "Situation", "Reaktion/Lösung",
                                     "Nächste Schritte", "Verfasst von", "Kürzel", "Wiedervorlage", "Frist VPA"]
    assert head[S.SHEET_FINDINGS] == FINDINGS_HEADER and head[S.SHEET_PROTOCOL] == PROTOCOL_HEADER
    assert wb[S.SHEET_CUSTOMERS].freeze_panes == "A2" and wb[S.SHEET_ENTRIES].freeze_panes == "A2"


def test_drop_downs_for_status_akte_and_kategorie(book):
    wb = openpyxl.load_workbook(book)
    assert _lists(wb[S.SHEET_CUSTOMERS]) == {"Kundenstatus": S.CUSTOMER_STATUSES}
    assert _lists(wb[S.SHEET_ENTRIES]) == {"Akte": ["O-Team", "VPA"], "Kategorie": S.CATEGORIES}
    akte = next(dv for dv in wb[S.SHEET_ENTRIES].data_validations.dataValidation if "C2" in str(dv.sqref))
    assert akte.showErrorMessage and akte.errorStyle == "stop"      # no third kind of file


def test_date_columns_are_formatted(book):
    wb = openpyxl.load_workbook(book)
    assert wb[S.SHEET_ENTRIES]["A2"].number_format == DATE_FORMAT
    assert wb[S.SHEET_ENTRIES]["K50"].number_format == DATE_FORMAT
    assert wb[S.SHEET_CUSTOMERS]["D2"].number_format == DATE_FORMAT


def test_settings_sheet_reads_back_as_the_defaults_and_the_empty_book_runs(book):
    cal = CalamineWorkbook.from_path(str(book))
    wb = WorkbookData(source=str(book))
    for name in cal.sheet_names:
        wb.sheets[name] = SheetData(name, cal.get_sheet_by_name(name).to_python())
    settings, problems = Settings.from_sheet(wb.sheet(S.SHEET_SETTINGS), S.SETTINGS)
    assert problems == [] and settings == Settings.defaults(S.SETTINGS)
    assert settings.get(S.SET_STALE_DAYS) == 28 and settings.get(S.SET_DEADLINE_DAYS) == 7
    plan = plan_run(wb, RunContext(NOW, "agent"))
    assert not plan.writes and not plan.fills and plan.findings == []


def test_existing_file_is_never_overwritten(book):
    before = book.read_bytes()
    with pytest.raises(FileExistsError):
        create_template(book)
    assert book.read_bytes() == before
