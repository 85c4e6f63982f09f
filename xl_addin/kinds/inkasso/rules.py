"""Rules of the "Inkasso - Cancelled Installments" workbook (SPEC §2): from the tables to a Plan.

Pure: takes WorkbookData, a RunContext (now, user) and returns a Plan. No file, no clock.
"""
from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from operator import itemgetter
from typing import NamedTuple

from dateutil.relativedelta import relativedelta

from ...core import values as V
from ...core.calendar import calendar_for
from ...core.catalog import Core
from ...core.cellreader import CellReader, row_has_values, same_value
from ...core.cells import address
from ...core.context import RunContext
from ...core.findings import Finding
from ...core.headers import ColumnMap, add_missing_columns
from ...core.overview import add_overview_finished
from ...core.plan import DATE_FORMAT, CellValue, CellWrite, Plan, ProtocolEntry, RowAppend, RowDelete, RowFill
from ...core.report import finish
from ...core.settings import Settings
from ...core.state_sheet import read_state, state_rewrite
from ...core.tables import data_rows, locate_table, rows_by_id
from ...core.workbook_data import SheetData, WorkbookData
from . import overview, schema as S
from .findings import Inkasso as INK
from .handover import PARSED_COLUMNS, ParsedRow, export_findings_parsed
from .schema import FOLLOW_NO, FOLLOW_YES

STATE_HEADER = ["order_id", "vendor_id", "Schulden-Status", "Status vor Blockiert", "Warten auf Freigabe seit"]


# ---------------------------------------------------------------- parsed inputs

@dataclass
class Vendor:
    user_id: str
    name: str = ""
    email: str = ""
    vip: bool = False
    direct: bool = False
    active: bool = True
    row: int = 0


@dataclass
class Order:
    row: int
    order_id: str | None = None
    vendor_id: str | None = None
    invoice_no: CellValue = None
    first_name: CellValue = None
    last_name: CellValue = None
    product: CellValue = None
    amount: CellValue = None
    first_letter: date | None = None
    second_letter: date | None = None
    incasso_date: date | None = None
    state: str | None = None          # canonical incasso_state or None (blank)
    state_raw: CellValue = None
    debt_status: str | None = None    # canonical Schulden-Status or None
    reopened: bool | None = None
    reopened_id: str | None = None
    invalid_address: bool | None = None
    unreadable: list[str] = field(default_factory=list)  # headers whose value could not be read
    # what the run decides
    new_state: str | None = None

    @property
    def current_state(self) -> str | None:
        return self.new_state or self.state


@dataclass
class WaitingRow:
    row: int
    order_id: str | None
    status: str            # canonical "Freigabe"/"Kündigung", other text as typed, "" blank


class StateRow(NamedTuple):
    """What the hidden state sheet remembers of an order between runs (one per order: a tuple,
    not a dataclass, which costs three times as much to make)."""
    vendor: str                       # vendor_id text; "" unknown
    status: str | None                # canonical Schulden-Status at the last run
    before_blocked: str | None        # the Schulden-Status before it became Blockiert
    since: str                        # ISO date it came to 'Warten auf Freigabe'; "" not there


@dataclass
class Decision:
    follow: bool
    step: str
    due: date | None


# ---------------------------------------------------------------- helpers

@lru_cache(maxsize=64)
def run_day(today: date, cfg: S.InkassoSettings) -> date:
    """The next monthly dunning run on or after today (today if today is one): the run day
    of this month or the next (a short month's last day), moved to a working day if configured."""
    def in_month(months_ahead: int) -> date:
        d = today + relativedelta(months=months_ahead, day=max(cfg.run_day, 1))
        return calendar_for(cfg.region).next_working_day(d) if cfg.run_day_on_working_day else d

    candidate = in_month(0)
    return candidate if candidate >= today else in_month(1)


# ---------------------------------------------------------------- the run

def plan_run(wb: WorkbookData, ctx: RunContext) -> Plan:
    """The Plan of a run, with 'Übersicht', 'Prüfung' and 'Protokoll'."""
    plan = finish(compute_run(wb, ctx))
    aliases = Settings.from_sheet(wb.sheet(S.SHEET_SETTINGS), S.SETTINGS, S.SHEET_SETTINGS)[0].aliases()
    return add_overview_finished(plan, wb, overview.spec(wb, aliases), ctx.now, S.SHEET_SUMMARY, S.SHEET_FINDINGS,
                                 aliases=aliases)


def compute_run(wb: WorkbookData, ctx: RunContext) -> Plan:
    """The run's changes, findings and log before 'Prüfung' and 'Protokoll' are added — what an
    action that changes input first (an import) combines with its own changes, then finishes."""
    findings: list[Finding] = []
    plan = Plan(kind=S.KIND)
    settings, sfind = Settings.from_sheet(wb.sheet(S.SHEET_SETTINGS), S.SETTINGS, S.SHEET_SETTINGS, columns=S.COLUMNS)
    findings += sfind
    cfg = S.InkassoSettings.from_settings(settings)
    yellow, grey = cfg.yellow, cfg.grey
    plan.product_colours = frozenset({yellow, grey, "FFFF00", "BFBFBF"})
    aliases = settings.aliases()
    plan.keep_backups = cfg.backups
    today = ctx.now.date()

    vendors = _read_overview(wb, aliases, findings)
    table = locate_table(wb, S.SHEET_MASTER, S.MASTER_HEADERS, S.MASTER_REQUIRED, aliases, findings, INK.NO_MASTER,
                         consequence=" — nichts berechnet")
    if table is None:
        plan.findings = findings
        return plan
    master, cmap = table.sheet, table.cmap
    order_col, vendor_col = cmap.required(S.M_ORDER_ID), cmap.required(S.M_VENDOR_ID)
    plan.writes += add_missing_columns(cmap, S.MASTER_COMPUTED_HEADERS)

    orders = _read_orders(master, cmap, findings)
    by_id: dict[str, Order] = {}
    for o in orders:
        if o.order_id is None:
            continue
        if o.order_id in by_id:
            findings.append(INK.CSV_ORDER_DUPLICATE.at(master.name, address(o.row, order_col),
                                                       key=o.order_id, order_id=o.order_id,
                                                       first_row=by_id[o.order_id].row))
        else:
            by_id[o.order_id] = o

    state_sheet = wb.sheet(S.SHEET_STATE)
    state_rows = _read_state(state_sheet)
    waiting_sheet = wb.sheet(S.SHEET_WAITING)
    waiting = _read_waiting(waiting_sheet, findings)
    waiting_by_id: dict[str, WaitingRow] = {}
    for w in waiting:
        if w.order_id is None:
            continue
        if w.order_id in waiting_by_id:
            findings.append(INK.WAITING_DUPLICATE.at(S.SHEET_WAITING, address(w.row, S.W_ORDER_ID), key=w.order_id,
                                                     order_id=w.order_id, sheet=S.SHEET_WAITING,
                                                     first_row=waiting_by_id[w.order_id].row))
        else:
            waiting_by_id[w.order_id] = w
        if w.order_id not in by_id:
            findings.append(INK.WAITING_UNKNOWN_ORDER.at(S.SHEET_WAITING, address(w.row, S.W_ORDER_ID),
                                                         key=w.order_id, order_id=w.order_id))

    def log(action: str, sheet: str, key: str | None, cell: str, old: CellValue, new: CellValue) -> None:
        plan.protocol.append(ProtocolEntry(ctx.now, ctx.user, action, sheet, key or "", cell, old, new))

    state_col = cmap.col(S.M_INCASSO_STATE)

    # -- Warten auf Freigabe: Kündigung removes the row and cancels the order
    deletions = []
    for w in waiting:
        if w.status != S.WAITING_CANCEL or w.order_id is None:
            continue
        deletions.append(w.row)
        log("Zeile entfernt (Kündigung)", S.SHEET_WAITING, w.order_id, f"A{w.row}:M{w.row}", S.WAITING_CANCEL, None)
        cancelled = by_id.get(w.order_id)
        if cancelled is not None and cancelled.state != S.STATE_CANCELED:
            if state_col is None:
                findings.append(INK.STATE_COLUMN_MISSING.at(master.name, header=S.M_INCASSO_STATE,
                                                            change=f"Kündigung von {cancelled.order_id}"))
            else:
                cancelled.new_state = S.STATE_CANCELED
                plan.writes.append(CellWrite(master.name, cancelled.row, state_col, S.STATE_CANCELED))
                log("incasso_state gesetzt (Kündigung)", master.name, cancelled.order_id,
                    address(cancelled.row, state_col), cancelled.state_raw, S.STATE_CANCELED)
    if deletions:
        plan.deletions.append(RowDelete(S.SHEET_WAITING, tuple(sorted(deletions))))

    # -- decisions per order
    step_counts: dict[str, int] = {}
    in_dunning: set[int] = set()   # rows still in dunning: a blank incasso_state is expected there
    new_waiting_rows: list[list[CellValue]] = []
    waiting_since: dict[str, str] = {k: v.since for k, v in state_rows.items()}
    for w in waiting:   # rows the agents put there themselves count as added, too
        if w.order_id and not waiting_since.get(w.order_id):
            waiting_since[w.order_id] = today.isoformat()
    fill_cols = cmap.table_columns()   # the same for every row
    write_computed = _computed_writer(plan, master, cmap)
    step_keys: dict[str, str] = {}      # a step as it is counted in the summary
    dunning_steps = (S.STEP_FIRST, S.STEP_SECOND)
    master_name, fills = master.name, plan.fills
    for o in orders:
        vendor = vendors.get(o.vendor_id) if o.vendor_id else None
        waiting_row = waiting_by_id.get(o.order_id) if o.order_id else None
        if o.vendor_id and vendor is None and vendors:
            findings.append(INK.VENDOR_UNKNOWN.at(master.name, address(o.row, vendor_col),
                                                  key=o.order_id, vendor_id=o.vendor_id, overview=S.SHEET_OVERVIEW))
        elif o.vendor_id is None and not o.unreadable:
            findings.append(INK.VENDOR_ID_MISSING.at(master.name, address(o.row, vendor_col), key=o.order_id))
        if o.order_id is None and S.M_ORDER_ID not in o.unreadable:
            findings.append(INK.CSV_ORDER_MISSING.at(master.name, address(o.row, order_col)))

        # Warten auf Freigabe: add once; incasso_state on_hold while it waits there
        if (o.order_id and vendor is not None and vendor.active and not vendor.direct
                and _eligible_for_approval(o)):
            if waiting_row is None and not waiting_since.get(o.order_id):
                new_waiting_rows.append(_waiting_row(o, o.order_id, vendor, master.name, cmap, findings))
                waiting_since[o.order_id] = today.isoformat()
                log("Zeile hinzugefügt", S.SHEET_WAITING, o.order_id, "", None, "wartet auf Freigabe")
            if o.current_state is None and not o.unreadable:
                if state_col is not None:
                    o.new_state = S.STATE_ON_HOLD
                    plan.writes.append(CellWrite(master.name, o.row, state_col, S.STATE_ON_HOLD))
                    log("incasso_state gesetzt (wartet auf Freigabe)", master.name, o.order_id,
                        address(o.row, state_col), None, S.STATE_ON_HOLD)
                else:
                    findings.append(INK.STATE_COLUMN_MISSING.at(master.name, header=S.M_INCASSO_STATE,
                                                                change=f"on_hold für {o.order_id}"))

        d = decide(o, vendor, waiting_row, today, cfg)
        if d.step in dunning_steps or (d.step == S.STEP_HAND_OVER and o.current_state is None):
            in_dunning.add(o.row)
        step_key = step_keys.get(d.step)
        if step_key is None:
            step_key = d.step if not d.step.startswith("Neu bestellt") else "Neu bestellt (…)"
            step_key = step_keys[d.step] = step_key if not step_key.startswith("Eingabe prüfen") else "Eingabe prüfen"
        step_counts[step_key] = step_counts.get(step_key, 0) + 1
        write_computed(o.row, d)
        fills.append(RowFill(master_name, o.row, fill_cols, yellow if d.follow else grey))

    if new_waiting_rows:
        plan.appends.append(RowAppend(S.SHEET_WAITING, new_waiting_rows, header=list(S.WAITING_HEADERS),
                                      number_formats={S.W_FIRST_LETTER: DATE_FORMAT, S.W_SECOND_LETTER: DATE_FORMAT,
                                                      S.W_AMOUNT: "#,##0.00"}))

    findings += _check_debt_status(orders, by_id, state_rows, master.name, cmap)
    findings += _check_consistency(orders, master.name, cmap)
    state = state_rewrite(S.SHEET_STATE, _state_rows(orders, state_rows, waiting_since), state_sheet)
    if state is not None:
        plan.rewrites.append(state)

    # the export check judges the data as the agent will see it (e.g. incasso_state set to on_hold):
    # from the orders read above; the workbook with the run's writes is made only if a row needs it
    made: list[WorkbookData] = []

    def after() -> WorkbookData:
        if not made:
            made.append(wb.with_writes(w for w in plan.writes if w.sheet == master.name and w.row > 1))
        return made[0]

    def rows_after(numbers: Collection[int]) -> WorkbookData:   # a few rows the CSV check reads anew
        return made[0] if made else wb.with_writes(w for w in plan.writes
                                                   if w.sheet == master.name and w.row > 1 and w.row in numbers)

    parsed = {o.row: ParsedRow(o.vendor_id, o.order_id, o.reopened_id, o.first_letter, o.second_letter,
                               o.incasso_date, o.reopened, o.invalid_address, o.current_state, o.new_state is not None,
                               o.debt_status)
              for o in orders if o.vendor_id is not None and not o.unreadable}
    csv_findings = export_findings_parsed(wb, settings, parsed, {h: cmap.col(h) for h in PARSED_COLUMNS},
                                          cmap.cols(S.MASTER_COMPUTED_HEADERS), after, in_dunning, rows_after)
    with_formulas = bool(master.formulas or master.formulas_without_value)
    plan.findings = findings + _export_findings(csv_findings, after() if with_formulas else wb, settings, findings,
                                                in_dunning)
    plan.summary = dict(sorted(step_counts.items()))
    plan.summary["Bestellungen"] = len(orders)
    plan.summary["Neu in 'Warten auf Freigabe'"] = len(new_waiting_rows)
    plan.summary["Aus 'Warten auf Freigabe' entfernt"] = len(deletions)
    return plan


# ---------------------------------------------------------------- decisions

def _is_paid(o: Order) -> bool:
    return o.current_state == S.STATE_PAID or o.debt_status == S.DEBT_PAID


def _is_cancelled(o: Order) -> bool:
    return o.current_state == S.STATE_CANCELED or o.debt_status == S.DEBT_CANCELLED


def _is_blocked(o: Order) -> bool:
    return o.current_state == S.STATE_BLOCKED or o.debt_status == S.DEBT_BLOCKED


def _at_agency(o: Order) -> bool:
    return o.current_state == S.STATE_SENT or o.debt_status == S.DEBT_SENT or o.incasso_date is not None


def _eligible_for_approval(o: Order) -> bool:
    """SPEC §2: two letters, unpaid, not reopened, not cancelled, not at the agency."""
    return (o.first_letter is not None and o.second_letter is not None and not _is_paid(o)
            and not o.reopened and not o.reopened_id and not _is_cancelled(o) and not _at_agency(o))


def decide(o: Order, vendor: Vendor | None, waiting: WaitingRow | None, today: date,
           cfg: S.InkassoSettings) -> Decision:
    """Verfolgen / Nächster Schritt / Fällig am for one order (SPEC §2)."""
    if o.reopened or (o.reopened is None and o.reopened_id):
        return Decision(False, S.STEP_REOPENED.format(reopened_id=o.reopened_id or "reopened_id fehlt"), None)
    if vendor is None or not vendor.active:
        return Decision(False, S.STEP_VENDOR_INACTIVE, None)
    state, debt = o.current_state, o.debt_status      # _is_paid, _is_cancelled … with the state read once
    if (state == S.STATE_PAID or debt == S.DEBT_PAID or state == S.STATE_CANCELED or debt == S.DEBT_CANCELLED
            or (waiting is not None and waiting.status == S.WAITING_CANCEL)):
        return Decision(False, S.STEP_NONE, None)   # a Kündigung on 'Warten auf Freigabe' cancels it
    if o.unreadable:
        return Decision(True, "Eingabe prüfen: " + ", ".join(dict.fromkeys(o.unreadable)), None)
    if state == S.STATE_BLOCKED or debt == S.DEBT_BLOCKED:
        return Decision(True, S.STEP_CLARIFY, today)
    if state == S.STATE_SENT or debt == S.DEBT_SENT or o.incasso_date is not None:
        return Decision(True, S.STEP_AT_AGENCY, run_day(today, cfg))
    if o.first_letter is None:
        if o.second_letter is not None:
            return Decision(True, "Eingabe prüfen: second_dunning_letter ohne first_dunning_letter", None)
        return Decision(True, S.STEP_FIRST, run_day(today, cfg))
    if o.second_letter is None:
        return Decision(True, S.STEP_SECOND, o.first_letter + timedelta(days=cfg.days_to_second_letter))
    due = o.second_letter + timedelta(days=cfg.days_to_approval)
    if vendor.direct or (waiting is not None and waiting.status == S.WAITING_APPROVED):
        return Decision(True, S.STEP_HAND_OVER, due)
    return Decision(True, S.STEP_ASK_APPROVAL, due)


# ---------------------------------------------------------------- reading

def _read_overview(wb: WorkbookData, aliases: dict[str, list[str]], findings: list[Finding]) -> dict[str, Vendor]:
    table = locate_table(wb, S.SHEET_OVERVIEW, S.OVERVIEW_HEADERS, S.OVERVIEW_REQUIRED, aliases, findings,
                         INK.OVERVIEW_SHEET_MISSING)
    if table is None:
        return {}
    rd = CellReader(table.sheet, table.cmap, findings)

    def vendor(r: int, uid: str) -> Vendor:
        v = Vendor(uid, V.norm_text(rd.raw(r, S.OV_VENDOR)), V.norm_text(rd.raw(r, S.OV_EMAIL)), row=r)
        v.vip = bool(rd.boolean(r, S.OV_VIP, uid)) if S.OV_VIP in table.cmap else False
        v.direct = bool(rd.boolean(r, S.OV_DIRECT, uid)) if S.OV_DIRECT in table.cmap else False
        active = rd.boolean(r, S.OV_ACTIVE, uid) if S.OV_ACTIVE in table.cmap else None
        v.active = True if active is None else active
        return v

    return rows_by_id(rd, S.OV_USER_ID, vendor, INK.VENDOR_DUPLICATE, "user_id", blank_id=INK.USER_ID_MISSING)


def _read_order(rd: CellReader, r: int) -> Order:
    """One Masterliste row as an Order, every unreadable cell a finding (in the row's column
    order) — the reading rule; ``_read_orders`` takes a shortcut only where it gives the same."""
    o = Order(row=r)
    bad = o.unreadable
    o.order_id = rd.ident(r, S.M_ORDER_ID, unreadable=bad)
    key = o.order_id
    o.vendor_id = rd.ident(r, S.M_VENDOR_ID, key, unreadable=bad)
    o.invoice_no = rd.raw(r, S.M_INVOICE_NO)
    o.first_name, o.last_name = rd.raw(r, S.M_FIRST_NAME), rd.raw(r, S.M_LAST_NAME)
    o.product, o.amount = rd.raw(r, S.M_PRODUCT), rd.raw(r, S.M_AMOUNT)
    o.first_letter = rd.date(r, S.M_FIRST_LETTER, key, bad)
    o.second_letter = rd.date(r, S.M_SECOND_LETTER, key, bad)
    o.incasso_date = rd.date(r, S.M_INCASSO_DATE, key, bad)
    o.state_raw = rd.raw(r, S.M_INCASSO_STATE)
    o.state = rd.choice(r, S.M_INCASSO_STATE, S.INCASSO_STATES, INK.STATE_INVALID, key, bad)
    o.debt_status = rd.choice(r, S.M_DEBT_STATUS, S.DEBT_STATUSES, INK.DEBT_STATUS_INVALID, key, bad)
    o.reopened = rd.boolean(r, S.M_REOPENED, key, bad)
    o.reopened_id = rd.ident(r, S.M_REOPENED_ID, key, bad)
    o.invalid_address = rd.boolean(r, S.M_INVALID_ADDRESS, key, bad)
    _check_reopened(rd, o)
    return o


def _check_reopened(rd: CellReader, o: Order) -> None:
    if o.reopened and not o.reopened_id:
        rd.add(INK.CSV_REOPENED_NO_ID, o.row, S.M_REOPENED_ID, key=o.order_id)
    elif o.reopened is False and o.reopened_id:
        rd.add(INK.CSV_REOPENED_ID_NOT_REOPENED, o.row, S.M_REOPENED, key=o.order_id, reopened_id=o.reopened_id)


# the Masterliste columns an Order is read from, in the order ``_read_orders`` unpacks them
_ORDER_COLUMNS = (S.M_ORDER_ID, S.M_VENDOR_ID, S.M_INVOICE_NO, S.M_FIRST_NAME, S.M_LAST_NAME, S.M_PRODUCT,
                  S.M_AMOUNT, S.M_FIRST_LETTER, S.M_SECOND_LETTER, S.M_INCASSO_DATE, S.M_INCASSO_STATE,
                  S.M_DEBT_STATUS, S.M_REOPENED, S.M_REOPENED_ID, S.M_INVALID_ADDRESS)


def _read_orders(master: SheetData, cmap: ColumnMap, findings: list[Finding]) -> list[Order]:
    """Every order of the Masterliste (``_read_order`` per data row). A row without a formula the
    file keeps no value for is read in one go: its cells parsed straight from the row's values,
    and a cell that does not parse handed to ``_read_order``'s reader for its finding — the same
    Orders and the same findings, in the same order, at a fraction of the cost."""
    rd = CellReader(master, cmap, findings)
    uncomputed_rows = {r for r, _ in master.formulas_without_value}
    width = max(cmap.columns.values(), default=0)
    # 0-based positions in a row padded to ``width`` + 1; a column the table lacks reads the pad's None
    take = itemgetter(*(width if c is None else c - 1 for c in map(cmap.col, _ORDER_COLUMNS)))
    pad: list[CellValue] = [None] * (width + 1)
    state_of, debt_of = V.choice_matcher(S.INCASSO_STATES), V.choice_matcher(S.DEBT_STATUSES)
    parse_id, parse_date, parse_bool, ParseError = V.parse_id, V.parse_date, V.parse_bool, V.ParseError

    def day_of(raw: CellValue, r: int, header: str, key: str | None, bad: list[str]) -> date | None:
        if type(raw) is date and V.FIRST_YEAR <= raw.year <= V.LAST_YEAR:
            return raw                          # what parse_date and as_day make of it
        try:
            day = parse_date(raw)
        except ParseError:
            return rd.date(r, header, key, bad)
        return day.date() if isinstance(day, datetime) else day

    known_bools: dict[str, bool | None] = {}      # yes/no text ('False' in every row) -> parse_bool's answer

    def yes_no(raw: CellValue, r: int, header: str, key: str | None, bad: list[str]) -> bool | None:
        if type(raw) is str and raw in known_bools:
            return known_bools[raw]
        try:
            value = parse_bool(raw)
        except ParseError:
            return rd.boolean(r, header, key, bad)
        if type(raw) is str:
            known_bools[raw] = value
        return value

    orders = []
    rows = master.rows
    for r in data_rows(master, cmap.cols(S.MASTER_INPUT_HEADERS)):
        if r in uncomputed_rows:
            orders.append(_read_order(rd, r))
            continue
        values = rows[r - 1]
        values = values + pad[len(values):] if len(values) <= width else values
        (order_raw, vendor_raw, invoice, first_name, last_name, product, amount, first_raw, second_raw,
         handed_raw, state_raw, debt_raw, reopened_raw, reopened_id_raw, invalid_raw) = take(values)
        o = Order(r, None, None, invoice, first_name, last_name, product, amount)
        bad = o.unreadable
        try:
            o.order_id = key = parse_id(order_raw)
        except ParseError:
            o.order_id = key = rd.ident(r, S.M_ORDER_ID, unreadable=bad)
        try:
            o.vendor_id = parse_id(vendor_raw)
        except ParseError:
            o.vendor_id = rd.ident(r, S.M_VENDOR_ID, key, unreadable=bad)
        if first_raw is not None:
            o.first_letter = day_of(first_raw, r, S.M_FIRST_LETTER, key, bad)
        if second_raw is not None:
            o.second_letter = day_of(second_raw, r, S.M_SECOND_LETTER, key, bad)
        if handed_raw is not None:
            o.incasso_date = day_of(handed_raw, r, S.M_INCASSO_DATE, key, bad)
        o.state_raw = state_raw
        if state_raw is not None:
            o.state = state_of(state_raw)
            if o.state is None and not V.is_blank(state_raw):
                o.state = rd.choice(r, S.M_INCASSO_STATE, S.INCASSO_STATES, INK.STATE_INVALID, key, bad)
        if debt_raw is not None:
            o.debt_status = debt_of(debt_raw)
            if o.debt_status is None and not V.is_blank(debt_raw):
                o.debt_status = rd.choice(r, S.M_DEBT_STATUS, S.DEBT_STATUSES, INK.DEBT_STATUS_INVALID, key, bad)
        o.reopened = yes_no(reopened_raw, r, S.M_REOPENED, key, bad)
        try:
            o.reopened_id = parse_id(reopened_id_raw)
        except ParseError:
            o.reopened_id = rd.ident(r, S.M_REOPENED_ID, key, bad)
        o.invalid_address = yes_no(invalid_raw, r, S.M_INVALID_ADDRESS, key, bad)
        if o.reopened is not None or o.reopened_id:
            _check_reopened(rd, o)
        orders.append(o)
    return orders


def waiting_status(raw: CellValue) -> str:
    """Column L of 'Warten auf Freigabe': 'Freigabe' / 'Kündigung' in their spelling, any other
    text (the vendor's name while it lies with the vendor) as typed, '' when blank."""
    return V.match_choice(raw, [S.WAITING_APPROVED, S.WAITING_CANCEL]) or V.norm_text(raw)


def _read_waiting(sheet: SheetData | None, findings: list[Finding]) -> list[WaitingRow]:
    if sheet is None:
        return []
    rows = []
    for r in range(2, sheet.max_row + 1):
        uncomputed = [c for c in (S.W_ORDER_ID, S.W_STATUS) if sheet.has_formula_without_value(r, c)]
        if not uncomputed and not row_has_values(sheet, r, range(1, 14)):
            continue
        for c in uncomputed:
            findings.append(Core.FORMULA_NO_VALUE.at(sheet.name, address(r, c), header=S.WAITING_HEADERS[c - 1]))
        try:
            oid = V.parse_id(sheet.value(r, S.W_ORDER_ID))
        except V.ParseError as e:
            findings.append(Core.ID_INVALID.at(sheet.name, address(r, S.W_ORDER_ID), header="Bestell-ID",
                                               reason=str(e)))
            oid = None
        if oid is None and not V.is_blank(sheet.value(r, S.W_ORDER_ID)):
            pass
        elif oid is None and S.W_ORDER_ID not in uncomputed:
            findings.append(INK.WAITING_ORDER_ID_MISSING.at(sheet.name, address(r, S.W_ORDER_ID)))
        rows.append(WaitingRow(r, oid, waiting_status(sheet.value(r, S.W_STATUS))))
    return rows


def _read_state(sheet: SheetData | None) -> dict[str, StateRow]:
    status_of = V.choice_matcher(S.DEBT_STATUSES)
    return {oid: StateRow(V.norm_text(vendor), status_of(status), status_of(before_blocked), V.norm_text(since))
            for oid, (vendor, status, before_blocked, since) in read_state(sheet, len(STATE_HEADER)).items()}


# ---------------------------------------------------------------- Schulden-Status and consistency

def _legal_transition(old: str, new: str, before_blocked: str | None) -> tuple[bool, str]:
    """(allowed, suggestion) for a manual change old -> new (SPEC §2 Schulden-Status)."""
    closed = (S.DEBT_CANCELLED, S.DEBT_PAID)
    if old in closed:
        return False, old
    if new in (S.DEBT_CANCELLED, S.DEBT_PAID, S.DEBT_BLOCKED):
        return True, ""
    if old == S.DEBT_BLOCKED:
        ok = before_blocked is None or new == before_blocked
        return ok, before_blocked or ""
    if (old, new) in ((S.DEBT_LOCKED, S.DEBT_RUNNING), (S.DEBT_RUNNING, S.DEBT_SENT)):
        return True, ""
    if old == S.DEBT_LOCKED and new == S.DEBT_SENT:
        return False, S.DEBT_RUNNING
    return False, ""


def transition_finding(sheet: str, cell: str, order_id: str, old: str, new: str,
                       before_blocked: str | None) -> Finding | None:
    """INK-DEBT-TRANSITION when Schulden-Status ``old`` -> ``new`` is no allowed change, else None."""
    ok, sugg = _legal_transition(old, new, before_blocked)
    if ok:
        return None
    why = " (nie direkt von 'Gesperrt' zu 'Ans Inkasso übergeben')" if sugg == S.DEBT_RUNNING else ""
    return INK.DEBT_TRANSITION.at(sheet, cell, key=order_id, suggestion=sugg, old=old, new=new, why=why)


def _check_debt_status(orders: list[Order], by_id: dict[str, Order], state_rows: dict[str, StateRow], sheet: str,
                       cmap: ColumnMap) -> list[Finding]:
    out: list[Finding] = []
    col = cmap.col(S.M_DEBT_STATUS)
    if col is None:
        return out
    for o in orders:
        if not o.order_id or by_id.get(o.order_id) is not o:
            continue
        remembered = state_rows.get(o.order_id)
        prev = remembered.status if remembered else None
        new = o.debt_status
        if new is None or prev is None or new == prev:
            if new in (S.DEBT_RUNNING, S.DEBT_SENT) and o.invalid_address and prev != new:
                out.append(INK.DEBT_ADDRESS.at(sheet, address(o.row, col), key=o.order_id, status=new))
            continue
        cell = address(o.row, col)
        illegal = transition_finding(sheet, cell, o.order_id, prev, new,
                                     remembered.before_blocked if remembered else None)
        if illegal is not None:
            out.append(illegal)
        elif new in (S.DEBT_RUNNING, S.DEBT_SENT) and o.invalid_address:
            out.append(INK.DEBT_ADDRESS.at(sheet, cell, key=o.order_id, suggestion=prev, status=new))
    present = set(by_id)
    for oid, st in state_rows.items():
        if oid not in present:
            out.append(INK.ORDER_DELETED.at(sheet, key=oid, order_id=oid, vendor=st.vendor or '?'))
    return out


def _check_consistency(orders: list[Order], sheet: str, cmap: ColumnMap) -> list[Finding]:
    out: list[Finding] = []
    col_debt, col_state = cmap.col(S.M_DEBT_STATUS), cmap.col(S.M_INCASSO_STATE)
    if col_debt is None or col_state is None:
        return out
    state_to_debt = {v: k for k, v in S.DEBT_TO_STATE.items()}
    for o in orders:
        state, debt = o.current_state, o.debt_status
        if state is None or debt is None:
            continue
        want_state = S.DEBT_TO_STATE.get(debt)
        want_debt = state_to_debt.get(state)
        if (want_state and want_state != state) or (want_debt and want_debt != debt):
            out.append(INK.STATE_CONTRADICTION.at(
                sheet, address(o.row, col_state), key=o.order_id, suggestion=want_state, state=state, debt=debt,
                expected=f" (erwartet '{want_state}')" if want_state else f" (erwartet Schulden-Status '{want_debt}')"))
    return out


def _export_findings(csv_findings: list[Finding], wb: WorkbookData, settings: Settings, already: list[Finding],
                     in_dunning: set[int]) -> list[Finding]:
    """What would block (or warn in) the Diagonal CSV of each vendor (``csv_findings``, the
    export's findings on the workbook as the run leaves it), and the formula cells a status list
    would leave blank (read from ``wb``, that workbook) — run/check show it before anyone tries
    the export. A cell the run already reported is not reported twice, and a blank incasso_state
    of an order still in dunning (1st/2nd letter, or a direct vendor's order before the hand-over)
    is how it should be, not news."""
    from ...core.cells import split_address
    from .status_list import formula_findings
    seen = {(f.sheet, f.cell) for f in already if f.cell}
    out, blank_flags = [], []
    csv_cells = {(f.sheet, f.cell) for f in csv_findings if f.cell}
    # a cell the CSV already names (an id formula) is not named again for the status list
    list_findings = [f for f in formula_findings(wb, settings) if (f.sheet, f.cell) not in csv_cells]
    for f in csv_findings + list_findings:
        if f.cell and (f.sheet, f.cell) in seen:
            continue
        if f.code == INK.STATE_BLANK.code and f.cell and split_address(f.cell)[0] in in_dunning:
            continue
        if f.code == INK.CSV_BOOL_BLANK.code:      # agents leave them blank: one line, not one per cell
            blank_flags.append(f)
            continue
        out.append(f)
    if blank_flags:
        first = ", ".join(f.cell for f in blank_flags[:5]) + (" …" if len(blank_flags) > 5 else "")
        out.append(INK.CSV_BOOL_BLANK_SUMMARY.at(blank_flags[0].sheet, count=len(blank_flags),
                                                 columns=f"{S.M_REOPENED}/{S.M_INVALID_ADDRESS}", cells=first))
    return out


# ---------------------------------------------------------------- writing

def _computed_writer(plan: Plan, master: SheetData, cmap: ColumnMap) -> Callable[[int, Decision], None]:
    """``write(row, decision)``: the computed cells of that row into ``plan.writes`` — those that
    do not show the decision's value already (``same_value``)."""
    columns = [(col - 1, what, fmt) for what, header, fmt in ((0, S.M_FOLLOW, None), (1, S.M_NEXT_STEP, None),
                                                                (2, S.M_DUE, DATE_FORMAT))
               if (col := cmap.col(header)) is not None]
    rows, sheet, writes = master.rows, master.name, plan.writes

    def write(row: int, d: Decision) -> None:
        values = rows[row - 1] if row <= len(rows) else []
        n = len(values)
        shown = ((FOLLOW_YES if d.follow else FOLLOW_NO), d.step, d.due)
        for i, what, fmt in columns:
            value = shown[what]
            if not same_value(values[i] if i < n else None, value):
                writes.append(CellWrite(sheet, row, i + 1, value, fmt))

    return write


def _waiting_row(o: Order, order_id: str, v: Vendor, master: str, cmap: ColumnMap,
                 findings: list[Finding]) -> list[CellValue]:
    """The row an order gets on 'Warten auf Freigabe'. An amount typed as text ('1.234,50') is
    copied as the number it means (SPEC's amount reading), so the column's format and sums
    apply; text that is no amount is copied as it is, with a finding on the Masterliste cell."""
    amount, col = o.amount, cmap.col(S.M_AMOUNT)
    if isinstance(amount, str) and col is not None:
        try:
            amount = V.parse_amount(amount)
        except V.ParseError as e:
            findings.append(INK.WAITING_AMOUNT_TEXT.at(master, address(o.row, col),
                                                       key=order_id, why=e.text("de"),
                                                       sheet=S.SHEET_WAITING))
    return [o.invoice_no, V.id_for_output(v.user_id), v.name or None, v.email or None,
            V.id_for_output(order_id), o.first_name, o.last_name, amount, o.product,
            o.first_letter, o.second_letter, None, None]


def _state_rows(orders: list[Order], state_rows: dict[str, StateRow],
                waiting_since: dict[str, str]) -> list[list[CellValue]]:
    rows: list[list[CellValue]] = [list(STATE_HEADER)]
    seen = set()
    for o in orders:
        if not o.order_id or o.order_id in seen:
            continue
        seen.add(o.order_id)
        prev = state_rows.get(o.order_id)
        prev_status = prev.status if prev else None
        status = o.debt_status or prev_status
        before = prev.before_blocked if prev else None
        if status == S.DEBT_BLOCKED and prev_status not in (None, S.DEBT_BLOCKED):
            before = prev_status
        elif status != S.DEBT_BLOCKED:
            before = None
        rows.append([o.order_id, o.vendor_id, status, before, waiting_since.get(o.order_id) or None])
    for oid, st in state_rows.items():   # deleted order ids stay remembered until they are back
        if oid not in seen:
            rows.append([oid, st.vendor or None, st.status, st.before_blocked, st.since or None])
    return rows
