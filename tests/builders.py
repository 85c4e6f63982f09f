"""Build Inkasso workbooks the way agents fill them: as pure WorkbookData for rule scenarios, and
as real .xlsx files (written by openpyxl) for end-to-end tests."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from xl_addin.core.workbook_data import SheetData, WorkbookData
from xl_addin.kinds.inkasso import schema as S

TODAY = date(2026, 11, 22)
NOW = datetime(2026, 11, 22, 12, 0)

DEFAULT_VENDORS = [
    {S.OV_USER_ID: 1006, S.OV_VENDOR: "Lernwerk GmbH", S.OV_EMAIL: "kontakt@lernwerk.de", S.OV_VIP: "Nein",
     S.OV_DIRECT: "Nein", S.OV_ACTIVE: "Ja"},
    {S.OV_USER_ID: 2001, S.OV_VENDOR: "Coachingraum", S.OV_EMAIL: "info@coachingraum.de", S.OV_VIP: "Ja",
     S.OV_DIRECT: "Ja", S.OV_ACTIVE: "Ja"},
    {S.OV_USER_ID: 3003, S.OV_VENDOR: "Alt & Weg", S.OV_EMAIL: "alt@weg.de", S.OV_VIP: "Nein",
     S.OV_DIRECT: "Nein", S.OV_ACTIVE: "Nein"},
]

_order_seq = [10000100]


def order(**fields) -> dict:
    """One Masterliste row; unspecified fields get plausible values."""
    _order_seq[0] += 1
    base = {S.M_VENDOR_ID: 1006, S.M_ORDER_ID: _order_seq[0], S.M_INVOICE_NO: f"RE-{_order_seq[0]}",
            S.M_FIRST_NAME: "Erika", S.M_LAST_NAME: "Mustermann", S.M_PRODUCT: "Online-Kurs Excel",
            S.M_AMOUNT: 199.0, S.M_REASON: "Chargeback"}
    base.update(fields)
    return base


def table(headers: list[str], rows: list[dict]) -> list[list]:
    out = [list(headers)]
    for r in rows:
        unknown = set(r) - set(headers)
        assert not unknown, f"unknown headers {unknown}"
        out.append([r.get(h) for h in headers])
    return out


def inkasso_data(orders: list[dict], vendors: list[dict] | None = None, waiting: list[list] | None = None,
                 settings: dict | None = None, state: list[list] | None = None,
                 master_headers: list[str] | None = None) -> WorkbookData:
    wb = WorkbookData(source="test.xlsx")
    wb.sheets[S.SHEET_OVERVIEW] = SheetData(S.SHEET_OVERVIEW,
                                            table(S.OVERVIEW_HEADERS, DEFAULT_VENDORS if vendors is None else vendors))
    wb.sheets[S.SHEET_MASTER] = SheetData(S.SHEET_MASTER, table(master_headers or S.MASTER_HEADERS, orders))
    wb.sheets[S.SHEET_WAITING] = SheetData(S.SHEET_WAITING,
                                           [list(S.WAITING_HEADERS)] + [list(r) for r in (waiting or [])])
    rows = [["Schlüssel", "Wert"]] + [[k, v] for k, v in (settings or {}).items()]
    wb.sheets[S.SHEET_SETTINGS] = SheetData(S.SHEET_SETTINGS, rows)
    if state is not None:
        from xl_addin.kinds.inkasso.rules import STATE_HEADER
        wb.sheets[S.SHEET_STATE] = SheetData(S.SHEET_STATE, [list(STATE_HEADER)] + state, "veryHidden")
    return wb


def waiting_row(o: dict, status=None, vip_status=None, vendor=DEFAULT_VENDORS[0]) -> list:
    return [o[S.M_INVOICE_NO], vendor[S.OV_USER_ID], vendor[S.OV_VENDOR], vendor[S.OV_EMAIL], o[S.M_ORDER_ID],
            o[S.M_FIRST_NAME], o[S.M_LAST_NAME], o[S.M_AMOUNT], o[S.M_PRODUCT],
            o.get(S.M_FIRST_LETTER), o.get(S.M_SECOND_LETTER), status, vip_status]


def write_xlsx(wb: WorkbookData, path: Path, date_format: str = "DD.MM.YYYY",
               datetime_format: str | None = None) -> Path:
    """The same tables as a real workbook, as openpyxl writes it (dates as Excel dates; a
    datetime gets ``datetime_format`` when given, else ``date_format``)."""
    from openpyxl import Workbook
    x = Workbook()
    x.remove(x.active)
    for name, sheet in wb.sheets.items():
        ws = x.create_sheet(name)
        if sheet.state != "visible":
            ws.sheet_state = sheet.state
        for r, row in enumerate(sheet.rows, start=1):
            for c, v in enumerate(row, start=1):
                if v is not None:
                    cell = ws.cell(r, c, v)
                    if isinstance(v, datetime) and datetime_format:
                        cell.number_format = datetime_format
                    elif isinstance(v, (date, datetime)):
                        cell.number_format = date_format
    x.save(path)
    return path
