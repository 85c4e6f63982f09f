"""SPEC §0/§2: a support agent asks for a new, empty "Inkasso - Cancelled Installments" workbook.

She expects the SPEC's sheets and headers, a frozen and filterable header row, dates shown as
TT.MM.JJJJ, amounts in euro, and drop-downs on every closed-list column so that she cannot type
`cancelled` or `Bezahlt ` by mistake. The file must read the same with openpyxl and calamine and
must feed straight back into the product (settings sheet -> default settings).
"""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import column_index_from_string, get_column_letter
from python_calamine import CalamineWorkbook

from xl_addin.actions import new_workbook as create_workbook
from xl_addin.core.layout import AMOUNT_FORMAT
from xl_addin.core.plan import DATE_FORMAT, DATETIME_FORMAT
from xl_addin.core.report import FINDINGS_HEADER, PROTOCOL_HEADER
from xl_addin.core.settings import Settings
from xl_addin.core.workbook_data import SheetData
from xl_addin.kinds.inkasso import schema as ink
from xl_addin.templates import COMPUTED_NOTE, TEMPLATE_LAST_ROW


def create_inkasso(path):
    return create_workbook("inkasso", path)

SHEET_ORDER = [ink.SHEET_OVERVIEW, ink.SHEET_MASTER, ink.SHEET_WAITING, ink.SHEET_SETTINGS,
               ink.SHEET_FINDINGS, ink.SHEET_PROTOCOL]
HEADERS = {
    ink.SHEET_OVERVIEW: ink.OVERVIEW_HEADERS,
    ink.SHEET_MASTER: ink.MASTER_HEADERS,
    ink.SHEET_WAITING: ink.WAITING_HEADERS,
    ink.SHEET_FINDINGS: FINDINGS_HEADER,
    ink.SHEET_PROTOCOL: PROTOCOL_HEADER,
}
WAITING_STATUS = ink.WAITING_HEADERS[ink.W_STATUS - 1]
# column header -> the exact drop-down list it must offer
EXPECTED_LISTS = {
    ink.SHEET_OVERVIEW: {ink.OV_VIP: ["Ja", "Nein"], ink.OV_DIRECT: ["Ja", "Nein"],
                         ink.OV_ACTIVE: ["Ja", "Nein"]},
    ink.SHEET_MASTER: {ink.M_INCASSO_STATE: ink.INCASSO_STATES, ink.M_DEBT_STATUS: ink.DEBT_STATUSES,
                       ink.M_REOPENED: ["True", "False"], ink.M_INVALID_ADDRESS: ["True", "False"]},
    ink.SHEET_WAITING: {WAITING_STATUS: [ink.WAITING_APPROVED, ink.WAITING_CANCEL]},
}
DATE_COLUMNS = {
    ink.SHEET_MASTER: [ink.M_FIRST_LETTER, ink.M_SECOND_LETTER, ink.M_INCASSO_DATE, ink.M_DUE],
    ink.SHEET_WAITING: [ink.WAITING_HEADERS[ink.W_FIRST_LETTER - 1],
                        ink.WAITING_HEADERS[ink.W_SECOND_LETTER - 1]],
}


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("tpl") / "Inkasso neu.xlsx"
    assert create_workbook("inkasso", path) == path
    return path


@pytest.fixture(scope="module")
def wb(template):
    return openpyxl.load_workbook(template)


def col_of(ws, header: str) -> int:
    return [c.value for c in ws[1]].index(header) + 1


def list_validations(ws) -> dict[str, object]:
    """header of the validated column -> the DataValidation (one column per validation)."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        ranges = str(dv.sqref).split()
        assert len(ranges) == 1, f"{ws.title}: validation over several ranges {dv.sqref}"
        first, last = ranges[0].split(":")
        letter = first.rstrip("0123456789")
        assert last.rstrip("0123456789") == letter, f"{ws.title}: validation spans columns {dv.sqref}"
        assert (first[len(letter):], last[len(letter):]) == ("2", str(TEMPLATE_LAST_ROW))
        header = ws.cell(row=1, column=column_index_from_string(letter)).value
        assert header not in out, f"{ws.title}: two validations on {header}"
        out[header] = dv
    return out


def test_sheets_in_the_agreed_order_with_openpyxl_and_calamine(template, wb):
    assert wb.sheetnames == SHEET_ORDER
    assert CalamineWorkbook.from_path(str(template)).sheet_names == SHEET_ORDER
    assert wb.properties.title == "Inkasso - Cancelled Installments"


@pytest.mark.parametrize("sheet", list(HEADERS))
def test_every_header_in_row_one_and_no_data_rows(template, wb, sheet):
    ws = wb[sheet]
    assert [c.value for c in ws[1]] == list(HEADERS[sheet])
    assert all(c.font.b for c in ws[1]), f"{sheet}: header not bold"
    # calamine sees exactly the header: rows 2..2000 only carry formats and drop-downs
    rows = CalamineWorkbook.from_path(str(template)).get_sheet_by_name(sheet).to_python()
    assert [r for r in rows if any(v not in ("", None) for v in r)] == [list(HEADERS[sheet])]


@pytest.mark.parametrize("sheet", SHEET_ORDER)
def test_header_row_frozen_filterable_and_readable(wb, sheet):
    ws = wb[sheet]
    assert ws.freeze_panes == "A2"
    last = get_column_letter(ws.max_column)
    assert ws.auto_filter.ref is not None and ws.auto_filter.ref.startswith("A1:" + last)
    for col in range(1, ws.max_column + 1):
        width = ws.column_dimensions[get_column_letter(col)].width
        assert width and width >= 8, f"{sheet} column {col} has no sensible width"


def test_computed_columns_are_marked_and_input_columns_are_not(wb):
    ws = wb[ink.SHEET_MASTER]
    for header in ink.MASTER_HEADERS:
        cell = ws.cell(row=1, column=col_of(ws, header))
        if header in ink.MASTER_COMPUTED_HEADERS:
            assert cell.font.i and cell.comment is not None
            assert COMPUTED_NOTE in cell.comment.text
        else:
            assert not cell.font.i and cell.comment is None, header


@pytest.mark.parametrize("sheet", [ink.SHEET_OVERVIEW, ink.SHEET_MASTER, ink.SHEET_WAITING])
def test_drop_downs_exactly_on_the_closed_list_columns(wb, sheet):
    found = list_validations(wb[sheet])
    assert set(found) == set(EXPECTED_LISTS[sheet])
    for header, values in EXPECTED_LISTS[sheet].items():
        dv = found[header]
        assert dv.type == "list"
        assert dv.formula1 == '"' + ",".join(values) + '"', header
        assert dv.allow_blank
    assert ink.M_FOLLOW not in found and ink.M_NEXT_STEP not in found


def test_status_drop_downs_refuse_misspellings(wb):
    master = list_validations(wb[ink.SHEET_MASTER])
    for header in (ink.M_INCASSO_STATE, ink.M_DEBT_STATUS, ink.M_REOPENED, ink.M_INVALID_ADDRESS):
        assert master[header].showErrorMessage and master[header].errorStyle in (None, "stop"), header
    assert "canceled" in master[ink.M_INCASSO_STATE].prompt      # the one-"l" hint


def test_waiting_status_lets_the_agent_type_the_vendor_name(wb):
    dv = list_validations(wb[ink.SHEET_WAITING])[WAITING_STATUS]
    assert ink.W_STATUS == 12 and get_column_letter(ink.W_STATUS) == "L"
    assert not dv.showErrorMessage
    assert dv.errorStyle == "information"
    assert dv.showInputMessage and "Vendor" in dv.prompt


@pytest.mark.parametrize("sheet", list(DATE_COLUMNS))
def test_date_and_amount_formats_on_rows_2_to_2000(wb, sheet):
    ws = wb[sheet]
    amount_col = col_of(ws, ink.M_AMOUNT)      # same header text on both sheets
    date_cols = {col_of(ws, h) for h in DATE_COLUMNS[sheet]}
    for row in (2, 777, TEMPLATE_LAST_ROW):
        for col in range(1, ws.max_column + 1):
            fmt = ws.cell(row=row, column=col).number_format
            if col in date_cols:
                assert fmt == DATE_FORMAT, (sheet, row, col)
            elif col == amount_col:
                assert fmt == AMOUNT_FORMAT
            else:
                assert fmt == "General", (sheet, row, col)
    assert ws.cell(row=1, column=min(date_cols)).number_format == "General"
    assert ws.cell(row=TEMPLATE_LAST_ROW + 1, column=min(date_cols)).number_format == "General"


def test_protocol_time_column_shows_date_and_time(wb):
    ws = wb[ink.SHEET_PROTOCOL]
    assert ws.cell(row=2, column=1).number_format == DATETIME_FORMAT
    assert ws.cell(row=2, column=2).number_format == "General"


def test_settings_sheet_lists_every_default_and_reads_back_as_defaults(template, wb):
    ws = wb[ink.SHEET_SETTINGS]
    keys = [ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1)]
    assert keys == [spec.key for spec in ink.SETTINGS]
    descriptions = [ws.cell(row=r, column=3).value for r in range(2, ws.max_row + 1)]
    assert descriptions == [spec.description for spec in ink.SETTINGS]
    rows = CalamineWorkbook.from_path(str(template)).get_sheet_by_name(ink.SHEET_SETTINGS).to_python()
    settings, findings = Settings.from_sheet(SheetData(ink.SHEET_SETTINGS, rows), ink.SETTINGS)
    assert findings == []
    assert settings == Settings.defaults(ink.SETTINGS)
    assert settings["Tage bis 2. Mahnung"] == 14
    bool_row = keys.index("Mahnlauf auf Werktag verschieben") + 2
    assert str(ws.cell(row=bool_row, column=2).value).lower() == "nein"


def test_never_overwrites_an_existing_file(tmp_path):
    path = tmp_path / "Inkasso.xlsx"
    path.write_bytes(b"agent's real workbook")
    with pytest.raises(FileExistsError, match="gibt es schon"):
        create_inkasso(path)
    with pytest.raises(FileExistsError):
        create_workbook("inkasso", str(path))
    assert path.read_bytes() == b"agent's real workbook"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Inkasso.xlsx"]   # no temp file left


def test_unknown_kind_is_refused_without_writing(tmp_path):
    with pytest.raises(ValueError, match="inkasso"):
        create_workbook("mahnwesen", tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()


def test_creates_missing_folders(tmp_path):
    path = create_inkasso(tmp_path / "team" / "neu.xlsx")
    assert path.is_file() and openpyxl.load_workbook(path).sheetnames == SHEET_ORDER


# --------------------------------------------------------------------------- the demo workbook

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "workbooks" / "demo" / "Inkasso - Cancelled Installments.xlsx"


def _all_values(path: Path) -> dict[str, list[list]]:
    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_committed_demo_is_what_build_demo_writes(tmp_path):
    import importlib.util
    import sys
    spec = importlib.util.spec_from_file_location("build_demo", REPO / "workbooks" / "build_demo.py")
    build_demo = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = build_demo          # dataclasses look their module up there
    spec.loader.exec_module(build_demo)
    fresh, _, _ = build_demo.build(tmp_path)
    assert _all_values(fresh) == _all_values(DEMO), "demo is stale: run workbooks/build_demo.py"


def test_demo_holds_every_status_of_spec_section_2():
    values = _all_values(DEMO)
    assert list(values)[:4] == SHEET_ORDER[:4]
    rows = values[ink.SHEET_MASTER]
    header = rows[0]
    orders = rows[1:]
    assert len(orders) >= 200
    states = {r[header.index(ink.M_INCASSO_STATE)] for r in orders}
    debts = {r[header.index(ink.M_DEBT_STATUS)] for r in orders}
    assert set(ink.INCASSO_STATES) <= states
    assert {"cancelled", " Paid ", "on hold"} <= states                  # the agents' misspellings
    assert set(ink.DEBT_STATUSES) <= debts
    vendors = {r[0] for r in values[ink.SHEET_OVERVIEW][1:]}
    assert {r[header.index(ink.M_VENDOR_ID)] for r in orders} - vendors   # a vendor not on the overview
    waiting_status = {r[ink.W_STATUS - 1] for r in values[ink.SHEET_WAITING][1:]}
    assert {ink.WAITING_APPROVED, ink.WAITING_CANCEL} <= waiting_status
