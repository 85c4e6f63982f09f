"""SPEC §1: an agent asks for a new, empty "Kundenbetreuung Diagonal" case log. She expects the sheets
Fälle, Vendoren, Einstellungen, Prüfung, Protokoll with the SPEC headers, drop-downs for Agentur,
Anfrageart, Schritt, Rückmeldung and VIP, date-time formats, a frozen header — and a file that feeds
straight back into the product."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from xl_addin.actions import new_workbook
from xl_addin.core.plan import DATE_FORMAT, DATETIME_FORMAT
from xl_addin.core.report import FINDINGS_HEADER, PROTOCOL_HEADER
from xl_addin.core.settings import Settings
from xl_addin.core.workbook_data import SheetData
from xl_addin.kinds.diagonal import schema as S


def create_template(path):
    return new_workbook("diagonal", path)


SHEETS = [S.SHEET_CASES, S.SHEET_VENDORS, S.SHEET_SETTINGS, S.SHEET_FINDINGS, S.SHEET_PROTOCOL]


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("tpl") / "Kundenbetreuung Diagonal.xlsx"
    assert create_template(path) == path
    return path


@pytest.fixture(scope="module")
def wb(template):
    return openpyxl.load_workbook(template)


def header(ws) -> list:
    return [c.value for c in ws[1] if c.value is not None]


def test_sheets_and_headers_are_the_spec_contract(wb):
    assert wb.sheetnames == SHEETS
    assert header(wb[S.SHEET_CASES]) == S.CASE_HEADERS
    assert header(wb[S.SHEET_VENDORS]) == ["User-ID", "Vendor", "E-Mail", "VIP", "Direkt ins Inkasso", "WA-Gruppe"]
    assert header(wb[S.SHEET_FINDINGS]) == FINDINGS_HEADER
    assert header(wb[S.SHEET_PROTOCOL]) == PROTOCOL_HEADER


def lists_of(ws) -> dict[str, list[str]]:
    heads = {c.column_letter: c.value for c in ws[1]}
    out = {}
    for dv in ws.data_validations.dataValidation:
        letter = str(dv.sqref).split(":")[0].rstrip("0123456789")
        out[heads[letter]] = dv.formula1.strip('"').split(",")
    return out


def test_drop_downs_offer_exactly_the_spec_values(wb):
    lists = lists_of(wb[S.SHEET_CASES])
    assert lists == {S.C_AGENCY: ["Diagonal", "Debtist"], S.C_TYPE: S.REQUEST_TYPES, S.C_STEP: S.STEPS,
                     S.C_REPLY: ["offen", "Zustimmung", "Ablehnung", "Storno bestätigt", "andere Entscheidung"],
                     S.C_VIP: ["Ja", "Nein"]}
    assert lists_of(wb[S.SHEET_VENDORS]) == {S.V_VIP: ["Ja", "Nein"], S.V_DIRECT: ["Ja", "Nein"]}
    for dv in wb[S.SHEET_CASES].data_validations.dataValidation:
        assert len(dv.formula1) <= 257     # Excel's limit for a literal list (255 + quotes)


def test_date_formats_and_frozen_filtered_header(wb):
    ws = wb[S.SHEET_CASES]
    col = {h: i + 1 for i, h in enumerate(S.CASE_HEADERS)}
    assert ws.cell(2, col[S.C_DATE]).number_format == DATE_FORMAT
    assert ws.cell(500, col[S.C_SINCE]).number_format == DATETIME_FORMAT
    assert ws.cell(2, col[S.C_DUE]).number_format == DATETIME_FORMAT
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:O")
    assert ws.cell(1, col[S.C_NEXT]).comment is not None          # computed columns are marked


def test_settings_sheet_reads_back_as_the_defaults(template):
    cw = CalamineWorkbook.from_path(str(template))
    rows = cw.get_sheet_by_name(S.SHEET_SETTINGS).to_python()
    settings, findings = Settings.from_sheet(SheetData(S.SHEET_SETTINGS, rows), S.SETTINGS)
    assert findings == [] and settings == Settings.defaults(S.SETTINGS)
    keys = [r[0] for r in rows[1:]]
    assert {"Snooze Vendor-Nachricht", "Snooze Erinnerung", "Zahlungsfrist Rechnung", "VIP-Frist fällig",
            "VIP-Frist überfällig", "VIP-Manager", "Rechnungsstellung"} <= set(keys)


def test_existing_file_is_never_overwritten(template):
    with pytest.raises(FileExistsError):
        create_template(template)
