"""Kundenakten workbooks the way the O-Team fills them: pure WorkbookData for rule scenarios and
real .xlsx files (openpyxl) for end-to-end tests."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from tests.builders import table, write_xlsx  # noqa: F401  (re-exported for the CLI tests)
from xl_addin.core.context import RunContext
from xl_addin.core.workbook_data import SheetData, WorkbookData
from xl_addin.kinds.kundenakten import schema as S

TODAY = date(2026, 11, 22)
NOW = datetime(2026, 11, 22, 12, 0)


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def customer(name: str = "Bäckerei Sonnenschein", **fields) -> dict:
    base = {S.K_CUSTOMER: name, S.K_STATUS: S.STATUS_REGULAR, S.K_VPA: "Lena Vogt", S.K_ASSIGNED: days_ago(60)}
    base.update(fields)
    return base


def entry(name: str = "Bäckerei Sonnenschein", akte: str = S.FILE_VPA, day=None, **fields) -> dict:
    base = {S.E_DATE: days_ago(3) if day is None else day, S.E_CUSTOMER: name, S.E_FILE: akte,
            S.E_CATEGORY: "Kundenbetreuung", S.E_SITUATION: "Kunde wünscht neue Ablage für Rechnungen",
            S.E_RESPONSE: "Ordnerstruktur angelegt", S.E_NEXT: "Rückmeldung abwarten",
            S.E_AUTHOR: "Lena Vogt"}
    base.update(fields)
    return base


def akten_data(customers: list[dict], entries: list[dict], settings: dict | None = None,
               customer_headers: list[str] | None = None, entry_headers: list[str] | None = None) -> WorkbookData:
    wb = WorkbookData(source="Kundenakten.xlsx")
    wb.sheets[S.SHEET_CUSTOMERS] = SheetData(S.SHEET_CUSTOMERS,
                                             table(customer_headers or S.CUSTOMER_HEADERS, customers))
    wb.sheets[S.SHEET_ENTRIES] = SheetData(S.SHEET_ENTRIES, table(entry_headers or S.ENTRY_HEADERS, entries))
    rows = [["Schlüssel", "Wert"]] + [[k, v] for k, v in (settings or {}).items()]
    wb.sheets[S.SHEET_SETTINGS] = SheetData(S.SHEET_SETTINGS, rows)
    return wb


def ctx(now: datetime = NOW) -> RunContext:
    return RunContext(now, "agent")
