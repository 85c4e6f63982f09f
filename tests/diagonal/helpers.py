"""Build "Kundenbetreuung Diagonal" case logs the way agents fill them: pure WorkbookData for rule
scenarios, and real .xlsx files (written by openpyxl) for end-to-end tests."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from tests.builders import table, write_xlsx as _write_xlsx
from xl_addin.core.context import RunContext
from xl_addin.core.plan import CellWrite, Plan
from xl_addin.core.workbook_data import SheetData, WorkbookData
from xl_addin.kinds.diagonal import schema as S

NOW = datetime(2026, 11, 22, 12, 0)          # a Sunday
YELLOW, GREY = "FFFF00", "BFBFBF"

VENDORS = [
    {S.V_USER_ID: 51234, S.V_VENDOR: "Lernakademie Sommer GmbH", S.V_EMAIL: "kontakt@lernakademie-sommer.de",
     S.V_VIP: "Nein", S.V_DIRECT: "Nein"},
    {S.V_USER_ID: 60877, S.V_VENDOR: "Coaching Weber & Partner", S.V_EMAIL: "team@weber-coaching.de",
     S.V_VIP: "Ja", S.V_DIRECT: "Nein", S.V_WA_GROUP: "VIP Weber Coaching"},
]
PLAIN, VIP = 51234, 60877

_seq = [10000500]


def case(**fields) -> dict:
    """One Fälle row; unspecified fields get plausible values (a plain vendor's Adressermittlung)."""
    _seq[0] += 1
    base = {S.C_DATE: date(2026, 11, 18), S.C_AGENCY: "Diagonal", S.C_TYPE: S.T_ADDRESS,
            S.C_ORDER_ID: _seq[0], S.C_USER_ID: PLAIN, S.C_EMAIL: "kontakt@lernakademie-sommer.de",
            S.C_STEP: S.S_NEW, S.C_SINCE: datetime(2026, 11, 18, 9, 30)}
    base.update(fields)
    return base


def diagonal_data(cases: list[dict], vendors: list[dict] | None = None, settings: dict | None = None,
                  headers: list[str] | None = None) -> WorkbookData:
    wb = WorkbookData(source="Kundenbetreuung Diagonal.xlsx")
    wb.sheets[S.SHEET_CASES] = SheetData(S.SHEET_CASES, table(headers or S.CASE_HEADERS, cases))
    wb.sheets[S.SHEET_VENDORS] = SheetData(S.SHEET_VENDORS,
                                           table(S.VENDOR_HEADERS, VENDORS if vendors is None else vendors))
    rows = [["Schlüssel", "Wert"]] + [[k, v] for k, v in (settings or {}).items()]
    wb.sheets[S.SHEET_SETTINGS] = SheetData(S.SHEET_SETTINGS, rows)
    return wb


def ctx(now: datetime = NOW) -> RunContext:
    return RunContext(now, "agent")


def col(header: str, headers=S.CASE_HEADERS) -> int:
    return headers.index(header) + 1


def cell(plan: Plan, row: int, header: str, sheet=S.SHEET_CASES, headers=S.CASE_HEADERS):
    hits = [w for w in plan.writes if w.sheet == sheet and w.row == row and w.col == col(header, headers)]
    return hits[-1].value if hits else None


def computed(plan: Plan, row: int = 2) -> tuple:
    """(Nächste Aktion, Saved Reply, Fällig am, Überfällig) of a row whose computed cells started blank."""
    return tuple(cell(plan, row, h) for h in S.CASE_COMPUTED_HEADERS)


def fills(plan: Plan, row: int = 2) -> dict[int, str | None]:
    """column -> the product's fill after the plan's fills for that row."""
    out: dict[int, str | None] = {}
    for f in plan.fills:
        if f.sheet == S.SHEET_CASES and f.row == row:
            for c in f.cols:
                out[c] = f.rgb
    return out


def apply_writes(wb: WorkbookData, plan: Plan) -> WorkbookData:
    """The workbook as the plan's writes and appends leave it (values only), for a second run."""
    sheets = {}
    for name, sh in wb.sheets.items():
        rows = [list(r) for r in sh.rows]
        for w in plan.writes:
            if w.sheet == name:
                _put(rows, w)
        for a in plan.appends:
            if a.sheet == name:
                last = max([i + 1 for i, r in enumerate(rows) if any(v not in (None, "") for v in r)] + [1])
                for k, values in enumerate(a.rows, start=1):
                    for c, v in enumerate(values, start=1):
                        _put(rows, CellWrite(name, last + k, c, v))
        sheets[name] = SheetData(name, rows, sh.state)
    for a in plan.appends:
        if a.sheet not in sheets:
            sheets[a.sheet] = SheetData(a.sheet, [list(a.header or [])] + [list(r) for r in a.rows])
    return WorkbookData(sheets, wb.source)


def _put(rows: list[list], w: CellWrite) -> None:
    while len(rows) < w.row:
        rows.append([])
    r = rows[w.row - 1]
    if len(r) < w.col:
        r.extend([None] * (w.col - len(r)))
    r[w.col - 1] = w.value


def finding(plan: Plan, code: str):
    hits = [f for f in plan.findings if f.code == code]
    assert hits, f"no finding {code}; have {[f.text() for f in plan.findings]}"
    return hits[0]


def write_xlsx(wb: WorkbookData, path: Path) -> Path:
    """The case log as openpyxl writes it (date+time cells formatted as such)."""
    return _write_xlsx(wb, path, datetime_format="DD.MM.YYYY HH:MM")
