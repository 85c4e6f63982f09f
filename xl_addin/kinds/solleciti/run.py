"""Rules of the Italian collection-call workbook "Solleciti" (SPEC §3, seed 003): from the
tables to a Plan.

Pure: takes WorkbookData and a RunContext (now in Europe/Rome, user) and returns a Plan. One row
of the `Ticket` sheet is one ticket; ``decide()`` walks the seed's flow chart for it and says
what the caller does next (Azione, Template, Tag, Scadenza task, Priorità, Assegnare a). Tickets
that reach the PREBLOCCO procedure are listed once on `Report Preblocco`.

Task dates count from the day of the contact the row records: the `Data contatto` column when the
callers fill it, else the day the product first saw the row's current outcome (kept, with the
MANCATO CONTATTO history, on the very hidden sheet `xl_addin_Solleciti`). So a task does not move
when the workbook is run again on a later day, and `MANCATO CONTATTO N` counts up month by month.
"""
from __future__ import annotations

import contextlib
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from ...core import values as V
from ...core.cellreader import CellReader, same_value
from ...core.cells import address
from ...core.context import RunContext
from ...core.findings import Code, Finding
from ...core.headers import ColumnMap, add_missing_columns, header_findings
from ...core.overview import OverviewSpec, Row, add_overview_finished
from ...core.plan import CellValue, CellWrite, Plan, ProtocolEntry, RowAppend
from ...core.report import finish
from ...core.settings import Settings
from ...core.state_sheet import read_state, state_rewrite
from ...core.tables import data_rows, sheet_columns
from ...core.workbook_data import SheetData, WorkbookData
from . import schema as S
from .findings import Solleciti as SOL
from .flowchart import (
    LEAF_NO_CONTACT,
    LEAF_TO_BLOCK,
    Config,
    Decision,
    TicketRow,
    _show,
    decide,
    fmt_date,
)

# ---------------------------------------------------------------- reading cells

def _fold(text: object) -> str:
    """Matching form of a closed-list value: no accents, apostrophes, blanks or punctuation,
    casefolded ('Ha gia\\' pagato' == 'Ha già pagato', 'Pre blocco' == 'Pre-Blocco')."""
    decomposed = unicodedata.normalize("NFKD", V.norm_text(text))
    return "".join(ch for ch in decomposed if ch.isalnum()).casefold()


_FOLDED = {header: {_fold(c): c for c in choices} for header, choices in S.CHOICES.items()}


def match_closed_list(header: str, raw: object) -> str | None:
    """The canonical value of a closed-list column, matched the way Italian callers type it
    (accents, apostrophes, blanks and punctuation ignored); None when it is not one of them."""
    if isinstance(raw, (bool, date)) or V.is_blank(raw):
        return None
    return _FOLDED[header].get(_fold(raw))
_SLASH_DATE = re.compile(r"\s*(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\s*")


class _Reader(CellReader):
    """The shared cell reader, in Italian, with the closed lists matched the way Italian callers
    type them and counts that cannot be negative."""

    def __init__(self, sheet: SheetData, cmap: ColumnMap, findings: list[Finding]):
        super().__init__(sheet, cmap, findings, S.LANGUAGE)

    def _bad(self, t: TicketRow, header: str, code: Code, suggestion: str = "", **fields: object) -> None:
        t.unreadable.add(header)
        self.add(code, t.row, header, key=t.ticket, suggestion=suggestion, header=header, **fields)

    def closed_list(self, t: TicketRow, header: str) -> str | None:
        raw = self.raw(t.row, header)
        if V.is_blank(raw):
            return None
        choices = S.CHOICES[header]
        canon = match_closed_list(header, raw)
        if canon is None:
            suggestion = V.nearest_choice(_show(raw), choices)
            allowed = "" if suggestion else f" (ammessi: {', '.join(choices)})"
            self._bad(t, header, SOL.VALUE_INVALID, suggestion, value=_show(raw), allowed=allowed)
        return canon

    def day(self, t: TicketRow, header: str) -> date | None:
        raw = self.raw(t.row, header)
        try:
            value = V.parse_date(raw)
        except V.ParseError as e:
            suggestion = e.suggestion
            m = _SLASH_DATE.fullmatch(raw) if isinstance(raw, str) else None
            if m:
                y = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
                with contextlib.suppress(ValueError):
                    suggestion = fmt_date(date(y, int(m[2]), int(m[1]))).replace("/", ".")
            self._bad(t, header, SOL.DATE_INVALID, suggestion, value=_show(raw),
                      problem="non è una data (atteso GG.MM.AAAA o una data di Excel)")
            return None
        if value is None:
            return None
        day = value.date() if isinstance(value, datetime) else value
        if not 2000 <= day.year <= 2100:
            self._bad(t, header, SOL.DATE_INVALID, value=_show(raw), problem=f"non sembra una data (anno {day.year})")
            return None
        return day

    def count(self, t: TicketRow, header: str) -> int | None:
        raw = self.raw(t.row, header)
        try:
            value = V.parse_int(raw)
        except V.ParseError:
            value = -1 if not V.is_blank(raw) else None
        if value is not None and value < 0:
            self._bad(t, header, SOL.NUMBER_INVALID, value=_show(raw))
            return None
        return value


def _read_tickets(sheet: SheetData, cmap: ColumnMap, findings: list[Finding]) -> list[TicketRow]:
    rd = _Reader(sheet, cmap, findings)
    absent = frozenset(h for h in S.TICKET_INPUT_HEADERS if cmap.col(h) is None)
    tickets = []
    for r in data_rows(sheet, cmap.cols(S.TICKET_INPUT_HEADERS)):
        t = TicketRow(row=r, absent=absent)
        raw_id = rd.raw(r, S.T_TICKET)
        try:
            t.ticket = V.parse_id(raw_id)
        except V.ParseError as e:
            t.unreadable.add(S.T_TICKET)
            rd.add(SOL.TICKET_INVALID, r, S.T_TICKET, suggestion=e.suggestion, value=_show(raw_id))
        if t.ticket is None and S.T_TICKET not in t.unreadable:
            rd.add(SOL.TICKET_MISSING, r, S.T_TICKET)
        t.client = V.norm_text(rd.raw(r, S.T_CLIENT))
        t.status = rd.closed_list(t, S.T_STATUS)
        t.outcome = rd.closed_list(t, S.T_OUTCOME)
        t.attempts = rd.count(t, S.T_ATTEMPTS)
        t.missed_appointments = rd.count(t, S.T_MISSED_APPTS)
        t.open_proformas = rd.count(t, S.T_OPEN_PROFORMAS)
        t.reason = rd.closed_list(t, S.T_REASON)
        t.contact_person = rd.closed_list(t, S.T_CONTACT_PERSON)
        t.problem = rd.closed_list(t, S.T_PROBLEM)
        t.paid_on = rd.day(t, S.T_PAID_ON)
        t.payment_kind = rd.closed_list(t, S.T_PAYMENT_KIND)
        t.agreed_on = rd.day(t, S.T_AGREED_ON)
        t.preblocco_on = rd.day(t, S.T_PREBLOCCO_ON)
        t.broken_promises = rd.count(t, S.T_BROKEN_PROMISES)
        t.update = rd.closed_list(t, S.T_UPDATE)
        t.contact_on = rd.day(t, S.T_CONTACT_ON)
        tickets.append(t)
    return tickets


def _fingerprint(t: TicketRow, sheet: SheetData, cmap: ColumnMap) -> str:
    """What the row says happened (not who the client is, nor how many pro-formas are open): when
    it changes, a new contact was recorded and tasks count from the day it was first seen."""
    parts = []
    for header in (S.T_STATUS, S.T_OUTCOME, S.T_ATTEMPTS, S.T_MISSED_APPTS, S.T_REASON, S.T_CONTACT_PERSON,
                   S.T_PROBLEM, S.T_PAID_ON, S.T_PAYMENT_KIND, S.T_AGREED_ON, S.T_PREBLOCCO_ON,
                   S.T_BROKEN_PROMISES, S.T_UPDATE):
        attr = _ATTR[header]
        value = getattr(t, attr)
        if value is None and header in t.unreadable:
            col = cmap.col(header)
            value = "?" + V.norm_text(sheet.value(t.row, col) if col else None)
        parts.append(value.isoformat() if isinstance(value, date) else "" if value is None else str(value))
    return hashlib.sha1("|".join(parts).encode("utf-8")).hexdigest()[:16]


_ATTR = {S.T_STATUS: "status", S.T_OUTCOME: "outcome", S.T_ATTEMPTS: "attempts",
         S.T_MISSED_APPTS: "missed_appointments", S.T_REASON: "reason", S.T_CONTACT_PERSON: "contact_person",
         S.T_PROBLEM: "problem", S.T_PAID_ON: "paid_on", S.T_PAYMENT_KIND: "payment_kind",
         S.T_AGREED_ON: "agreed_on", S.T_PREBLOCCO_ON: "preblocco_on", S.T_BROKEN_PROMISES: "broken_promises",
         S.T_UPDATE: "update"}


# ---------------------------------------------------------------- hidden state

@dataclass
class _Seen:
    fingerprint: str
    since: date
    no_contact: set[date] = field(default_factory=set)


def _iso(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(V.norm_text(value))
    except ValueError:
        return None


def _read_state(sheet: SheetData | None) -> dict[str, _Seen]:
    out: dict[str, _Seen] = {}
    for key, (fingerprint, since, no_contact) in read_state(sheet, len(S.STATE_HEADER)).items():
        day = _iso(since)
        if day is not None:
            dates = {d for d in (_iso(p) for p in V.norm_text(no_contact).split(";")) if d}
            out[key] = _Seen(V.norm_text(fingerprint), day, dates)
    return out


def _state_rows(state: dict[str, _Seen]) -> list[list]:
    rows: list[list] = [list(S.STATE_HEADER)]
    for key, seen in state.items():
        rows.append([key, seen.fingerprint, seen.since.isoformat(),
                     ";".join(d.isoformat() for d in sorted(seen.no_contact)) or None])
    return rows


# ---------------------------------------------------------------- Report Preblocco

@dataclass
class _Report:
    present: set[str]
    cmap: ColumnMap | None          # None: the sheet does not exist yet
    usable: bool = True             # False: no Ticket column — nothing is appended
    empty: bool = False             # exists without any value: header goes with the first rows


def _read_report(sheet: SheetData | None, aliases: dict[str, list[str]], findings: list[Finding]) -> _Report:
    if sheet is None:
        return _Report(set(), None)
    if not any(not V.is_blank(v) for row in sheet.rows for v in row):
        return _Report(set(), None, empty=True)
    cmap = sheet_columns(sheet, S.REPORT_HEADERS, aliases)
    col = cmap.col(S.RP_TICKET)
    if col is None:
        findings.append(SOL.REPORT_COLUMN_MISSING.at(sheet.name, header=S.RP_TICKET, sheet=S.SHEET_REPORT))
        return _Report(set(), cmap, usable=False)
    present: dict[str, int] = {}
    for r in range(2, sheet.max_row + 1):
        raw = sheet.value(r, col)
        try:
            key = V.parse_id(raw)
        except V.ParseError:
            key = V.norm_text(raw)
        if not key:
            continue
        if key in present:
            findings.append(SOL.REPORT_DUPLICATE.at(sheet.name, address(r, col), key=key, ticket=key,
                                                    sheet=S.SHEET_REPORT, first_row=present[key]))
            continue
        present[key] = r
    return _Report(set(present), cmap)


def _report_row(rep: _Report, ticket: str, t: TicketRow, d: Decision, today: date, user: str) -> list[CellValue]:
    values: dict[str, CellValue] = {
        S.RP_TICKET: V.id_for_output(ticket), S.RP_CLIENT: t.client or None,
        S.RP_PROFORMAS: t.open_proformas, S.RP_CAUSE: d.cause or f"Stato '{t.status}'", S.RP_ADDED_ON: today,
        S.RP_CHECK_BY: d.due if d.preblocco and d.leaf != LEAF_TO_BLOCK else None, S.RP_ADDED_BY: user}
    if rep.cmap is None:
        return [values[h] for h in S.REPORT_HEADERS]
    cols = {h: col for h in S.REPORT_HEADERS if (col := rep.cmap.col(h))}
    row: list[CellValue] = [None] * max(cols.values())
    for h, c in cols.items():
        row[c - 1] = values[h]
    return row


def _report_formats(rep: _Report) -> dict[int, str]:
    out = {}
    for h in (S.RP_ADDED_ON, S.RP_CHECK_BY):
        col = rep.cmap.col(h) if rep.cmap is not None else S.REPORT_HEADERS.index(h) + 1
        if col:
            out[col] = S.DATE_FORMAT_IT
    return out


# ---------------------------------------------------------------- columns

def _header_findings(cmap: ColumnMap) -> list[Finding]:
    """Required columns missing: no ticket is computed (the core's XL-HEADER-MISSING, in Italian);
    other input columns missing: the tickets that need them stay to be completed."""
    out = header_findings(cmap, S.TICKET_REQUIRED, S.LANGUAGE, consequence=": nessun ticket calcolato")
    claimed = set(cmap.columns.values())
    unclaimed = [h for i, h in enumerate(cmap.headers, start=1) if h and i not in claimed]
    for name in cmap.missing:
        if name in S.TICKET_INPUT_HEADERS and name not in S.TICKET_REQUIRED and name != S.T_CONTACT_ON:
            out.append(SOL.COLUMN_MISSING.at(cmap.sheet, header=name, suggestion=V.nearest_choice(name, unclaimed)))
    return out


# ---------------------------------------------------------------- the run

def plan_run(wb: WorkbookData, ctx: RunContext) -> Plan:
    """`xl-addin run` on a Solleciti workbook; the `Riepilogo` counts its tickets."""
    plan = _plan_run(wb, ctx)
    aliases = Settings.from_sheet(wb.sheet(S.SHEET_SETTINGS), S.SETTINGS, S.SHEET_SETTINGS, S.LANGUAGE)[0].aliases()
    return add_overview_finished(plan, wb, OVERVIEW, ctx.now, S.SHEET_SUMMARY, S.SHEET_FINDINGS, S.LANGUAGE,
                                 aliases)


def _ticket_open(row: Row) -> bool:
    """A ticket with a task date (Scadenza task) still has something to do."""
    return row.get(S.T_DUE) not in (None, "")


# The overview (`Riepilogo`): tickets per Azione, tasks due today and overdue, per Priorità.
OVERVIEW = OverviewSpec(source=S.SHEET_TICKETS, key=S.T_TICKET, step=S.T_ACTION, due=S.T_DUE, group=S.T_PRIORITY,
                        group_title=S.T_PRIORITY, is_open=_ticket_open)


def _plan_run(wb: WorkbookData, ctx: RunContext) -> Plan:
    plan = Plan(kind=S.KIND)
    findings: list[Finding] = []
    settings, found = Settings.from_sheet(wb.sheet(S.SHEET_SETTINGS), S.SETTINGS, S.SHEET_SETTINGS, S.LANGUAGE,
                                          S.COLUMNS)
    findings += found
    cfg = Config.from_settings(settings)
    plan.keep_backups = cfg.backups
    aliases = settings.aliases()
    today = ctx.now.date()

    sheet = wb.sheet(S.SHEET_TICKETS)
    if sheet is None:
        findings.append(SOL.SHEET_MISSING.at(S.SHEET_TICKETS, sheet=S.SHEET_TICKETS))
        return _finish(plan, findings)
    cmap = sheet_columns(sheet, S.TICKET_HEADERS, aliases)
    findings += _header_findings(cmap)
    if any(cmap.col(h) is None for h in S.TICKET_REQUIRED):
        return _finish(plan, findings)
    ticket_col = cmap.required(S.T_TICKET)
    plan.writes += add_missing_columns(cmap, S.TICKET_COMPUTED_HEADERS)
    tickets = _read_tickets(sheet, cmap, findings)

    report_sheet = wb.sheet(S.SHEET_REPORT)
    report = _read_report(report_sheet, aliases, findings)
    state_sheet = wb.sheet(S.SHEET_STATE)
    old_state = _read_state(state_sheet)
    state: dict[str, _Seen] = {}
    first_row: dict[str, int] = {}
    new_report_rows: list[list] = []
    counts: dict[str, int] = {}

    for t in tickets:
        key = t.ticket
        if key is not None and key in first_row:
            findings.append(SOL.TICKET_DUPLICATE.at(sheet.name, address(t.row, ticket_col), key=key,
                                                    ticket=key, first_row=first_row[key]))
        fingerprint = _fingerprint(t, sheet, cmap)
        seen = None
        if key is not None and key not in first_row:
            first_row[key] = t.row
            before = old_state.get(key)
            if before is not None and before.fingerprint == fingerprint:
                seen = _Seen(fingerprint, before.since, set(before.no_contact))
            else:
                seen = _Seen(fingerprint, today, set(before.no_contact) if before else set())
            state[key] = seen
        anchor = t.contact_on or (seen.since if seen else today)
        d = decide(t, today, anchor, cfg, frozenset(seen.no_contact) if seen else frozenset())
        if d.leaf == LEAF_NO_CONTACT and seen is not None and d.due is not None:
            seen.no_contact.add(d.due)
        for p in d.problems:
            col = cmap.col(p.header) or ticket_col
            findings.append(p.code.finding(sheet.name, address(t.row, col), p.fields, key=key, suggestion=p.suggestion))
        counts[d.leaf] = counts.get(d.leaf, 0) + 1

        if (d.preblocco or t.status == S.S_PREBLOCCO) and key is not None and key not in report.present \
                and report.usable:
            report.present.add(key)
            new_report_rows.append(_report_row(report, key, t, d, today, ctx.user))
            plan.protocol.append(ProtocolEntry(ctx.now, ctx.user, "Aggiunto al Report Preblocco", S.SHEET_REPORT,
                                               key, "", None, d.cause or t.status))
        in_report = S.YES if key is not None and key in report.present else S.NO
        _write_computed(plan, sheet, cmap, t.row, d, in_report)

    for key, seen in old_state.items():   # tickets no longer on the sheet keep their history
        state.setdefault(key, seen)
    rewrite = state_rewrite(S.SHEET_STATE, _state_rows(state), state_sheet)
    if rewrite is not None:
        plan.rewrites.append(rewrite)

    added = len(new_report_rows)
    if new_report_rows:
        if report.empty:
            new_report_rows.insert(0, list(S.REPORT_HEADERS))
        plan.appends.append(RowAppend(S.SHEET_REPORT, new_report_rows, header=list(S.REPORT_HEADERS),
                                      column_widths={1: 12, 2: 30, 3: 15, 4: 60, 5: 16, 6: 17, 7: 16},
                                      number_formats=_report_formats(report)))

    plan.summary = dict(sorted(counts.items()))
    plan.summary["Ticket"] = len(tickets)
    plan.summary["Nuovi nel Report Preblocco"] = added
    return _finish(plan, findings)


def _finish(plan: Plan, findings: list[Finding]) -> Plan:
    plan.findings = findings
    return finish(plan, S.SHEET_FINDINGS, S.SHEET_PROTOCOL, S.LANGUAGE)


def _write_computed(plan: Plan, sheet: SheetData, cmap: ColumnMap, row: int, d: Decision, in_report: str) -> None:
    for header, value in ((S.T_ACTION, d.action), (S.T_TEMPLATE, d.template), (S.T_TAG, d.tag),
                          (S.T_DUE, d.due), (S.T_PRIORITY, d.priority), (S.T_ASSIGNEE, d.assignee),
                          (S.T_IN_REPORT, in_report)):
        col = cmap.col(header)
        if col is None or same_value(sheet.value(row, col), value):
            continue
        plan.writes.append(CellWrite(sheet.name, row, col, value,
                                     S.DATE_FORMAT_IT if isinstance(value, date) else None))

