"""Solleciti workbooks the way the callers fill them: pure WorkbookData for rule scenarios, a
tiny in-memory applier to run twice, and real .xlsx files for end-to-end tests."""
from __future__ import annotations

import copy
import itertools
from datetime import datetime

from tests.builders import table, write_xlsx as _write_xlsx
from xl_addin.core.context import RunContext
from xl_addin.core.plan import Plan
from xl_addin.core.workbook_data import SheetData, WorkbookData
from xl_addin.kinds.solleciti import schema as S
from xl_addin.kinds.solleciti.run import plan_run

NOW = datetime(2026, 11, 18, 10, 0)      # a Wednesday
TODAY = NOW.date()
UNCHANGED = "<unchanged>"

FIELDS = {
    "ticket": S.T_TICKET, "client": S.T_CLIENT, "status": S.T_STATUS, "outcome": S.T_OUTCOME,
    "attempts": S.T_ATTEMPTS, "missed": S.T_MISSED_APPTS, "proformas": S.T_OPEN_PROFORMAS,
    "reason": S.T_REASON, "contact_person": S.T_CONTACT_PERSON, "problem": S.T_PROBLEM,
    "paid_on": S.T_PAID_ON, "payment_kind": S.T_PAYMENT_KIND, "agreed_on": S.T_AGREED_ON,
    "preblocco_on": S.T_PREBLOCCO_ON, "broken": S.T_BROKEN_PROMISES, "update": S.T_UPDATE,
    "contact_on": S.T_CONTACT_ON,
    # computed columns, to start a scenario from what an earlier run left there
    "action": S.T_ACTION, "template": S.T_TEMPLATE, "tag": S.T_TAG, "due": S.T_DUE,
    "priority": S.T_PRIORITY, "assignee": S.T_ASSIGNEE, "in_report": S.T_IN_REPORT,
}
_ids = itertools.count(4001)


def ticket(**fields) -> dict:
    """One Ticket row by English field names (see FIELDS); a fresh ticket number and a client."""
    unknown = set(fields) - set(FIELDS)
    assert not unknown, f"unknown fields {unknown}"
    row = {S.T_TICKET: next(_ids), S.T_CLIENT: "Studio Rossi S.r.l."}
    row.update({FIELDS[k]: v for k, v in fields.items()})
    return row


def solleciti_data(tickets: list[dict], report: list[list] | None = None, settings: dict | None = None,
                   headers: list[str] | None = None, report_header: list[str] | None = None,
                   settings_header=("Chiave", "Valore")) -> WorkbookData:
    wb = WorkbookData(source="Solleciti.xlsx")
    wb.sheets[S.SHEET_TICKETS] = SheetData(S.SHEET_TICKETS, table(headers or S.TICKET_HEADERS, tickets))
    if report is not None:
        wb.sheets[S.SHEET_REPORT] = SheetData(S.SHEET_REPORT, [list(report_header or S.REPORT_HEADERS)]
                                              + [list(r) for r in report])
    wb.sheets[S.SHEET_SETTINGS] = SheetData(S.SHEET_SETTINGS, [list(settings_header)]
                                            + [[k, v] for k, v in (settings or {}).items()])
    return wb


def run(wb: WorkbookData, now: datetime = NOW, user: str = "operatore") -> Plan:
    return plan_run(wb, RunContext(now, user))


def col(header: str, headers=S.TICKET_HEADERS) -> int:
    return headers.index(header) + 1


def written(plan: Plan, row: int, header: str, headers=S.TICKET_HEADERS, sheet=S.SHEET_TICKETS):
    hits = [w for w in plan.writes if w.sheet == sheet and w.row == row and w.col == col(header, headers)]
    return hits[-1].value if hits else UNCHANGED


def result(plan: Plan, row: int = 2) -> dict:
    """The computed cells of one Ticket row after a run on a sheet whose computed cells were blank,
    by English name: action, template, tag, due, priority, assignee, in_report."""
    out = {}
    for name in ("action", "template", "tag", "due", "priority", "assignee", "in_report"):
        v = written(plan, row, FIELDS[name])
        out[name] = None if v == UNCHANGED else v
    return out


def findings_at(plan: Plan, cell: str) -> list:
    return [f for f in plan.findings if f.cell == cell]


def report_appends(plan: Plan) -> list[list]:
    return [r for a in plan.appends if a.sheet == S.SHEET_REPORT for r in a.rows]


def _last_row(rows: list[list]) -> int:
    last = 0
    for i, r in enumerate(rows, start=1):
        if any(v not in (None, "") for v in r):
            last = i
    return last


def apply(wb: WorkbookData, plan: Plan) -> WorkbookData:
    """What the writer does with a Plan, on the tables only (enough to run a second time)."""
    out = copy.deepcopy(wb)

    def put(rows, r, c, v):
        while len(rows) < r:
            rows.append([])
        row = rows[r - 1]
        while len(row) < c:
            row.append(None)
        row[c - 1] = v

    for w in plan.writes:
        put(out.sheets[w.sheet].rows, w.row, w.col, w.value)
    for a in plan.appends:
        sheet = out.sheet(a.sheet)
        if sheet is None:
            sheet = out.sheets[a.sheet] = SheetData(a.sheet, [list(a.header or [])])
        start = _last_row(sheet.rows)
        del sheet.rows[start:]
        sheet.rows.extend(list(r) for r in a.rows)
    for rw in plan.rewrites:
        out.sheets[rw.sheet] = SheetData(rw.sheet, [list(r) for r in rw.rows], rw.state)
    return out


def set_cells(wb: WorkbookData, row: int, **fields) -> WorkbookData:
    """The caller edits input cells of one Ticket row."""
    out = copy.deepcopy(wb)
    rows = out.sheets[S.SHEET_TICKETS].rows
    for name, value in fields.items():
        c = col(FIELDS[name])
        while len(rows[row - 1]) < c:
            rows[row - 1].append(None)
        rows[row - 1][c - 1] = value
    return out


def write_xlsx(wb: WorkbookData, path):
    """The tickets as openpyxl writes them (dates shown the Italian way)."""
    return _write_xlsx(wb, path, date_format="DD/MM/YYYY")
