"""Rules of the "Kundenbetreuung Diagonal" case log (SPEC §1): from the tables to a Plan.

Pure: takes WorkbookData, a RunContext (now, user) and returns a Plan. No file, no clock.

- ``plan_run``: recompute Nächste Aktion, Saved Reply, Fällig am, Überfällig and the colours.
- ``plan_step_done`` / ``plan_new_case``: the agent's two actions, each as one Plan that holds
  the action's input changes (logged in Protokoll) *and* the recompute on the changed data, so
  one write applies both.
- ``due_cases``: the cases due (or due within a window), soonest first.

Time: every value is naive local time Europe/Berlin. Hour timers (48 h, 24 h) count elapsed
hours from a date+time — the moment the helpdesk's snooze wakes the conversation, also across a
change to or from summer time; day timers (7 days, VIP 2/3 days) count calendar days and keep
the time of day. A date without time counts from its start of day and gives a date.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from ...core import values as V
from ...core.catalog import Core
from ...core.cellreader import CellReader, same_value, start_of
from ...core.context import RunContext
from ...core.findings import Finding, Refusal
from ...core.headers import add_missing_columns
from ...core.overview import OverviewSpec, Row, add_overview_finished
from ...core.plan import DATE_FORMAT, DATETIME_FORMAT, CellValue, CellWrite, Plan, RowFill
from ...core.report import finish
from ...core.settings import Settings
from ...core.tables import Table, data_rows, locate_table, rows_by_id
from ...core.workbook_data import SheetData, WorkbookData
from . import schema as S
from .findings import Diagonal as DIA

TZ = ZoneInfo(S.TIMEZONE)
ANSWERS = (S.R_ACCEPT, S.R_DECLINE, S.R_CANCEL_CONFIRMED, S.R_OTHER)
CLOSED_ACTION = "Keine – Fall abgeschlossen"
CHECK_PREFIX = "Eingabe prüfen: "


class ActionError(Refusal, ValueError):
    """An action that cannot be done at all (German one-liner)."""


# ---------------------------------------------------------------- time

def _aware(naive: datetime) -> datetime:
    return naive.replace(tzinfo=TZ)


def add_elapsed_hours(start: datetime, hours: float) -> datetime:
    """``start`` (naive Berlin time) plus elapsed hours, as an aware Berlin time: across the change
    to summer time 48 h after Friday 14:00 is Sunday 15:00, across the change back Sunday 13:00."""
    utc = _aware(start).astimezone(timezone.utc) + timedelta(hours=hours)
    return utc.astimezone(TZ)


def _plus_hours(start: date | datetime, hours: float) -> tuple[date | datetime, datetime]:
    """(value for Fällig am, aware moment). A date counts from its start of day; whole days give a date."""
    if isinstance(start, datetime):
        moment = add_elapsed_hours(start, hours)
        return moment.replace(tzinfo=None), moment
    naive = start_of(start) + timedelta(hours=hours)
    return (naive.date() if naive.time() == time() else naive), _aware(naive)


def _plus_days(start: date | datetime, days: int) -> tuple[date | datetime, datetime]:
    """Calendar days, same time of day (wall clock)."""
    value = start + timedelta(days=days)
    return value, _aware(start_of(value))


def _fmt_number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x).replace(".", ",")


# ---------------------------------------------------------------- rules

@dataclass(frozen=True)
class Rules:
    """The timers, replies and role names of one workbook (from Einstellungen; their defaults are
    the settings' own, ``schema.SETTINGS``)."""
    vendor_hours: float
    reminder_hours: float
    invoice_days: int
    vip_due_days: int
    vip_overdue_days: int
    reply_address: str
    reply_reminder: str
    reply_creditor: str
    reply_payment: str
    vip_manager: str
    invoicing: str
    accounting: str
    yellow: str
    grey: str
    backups: int

    @classmethod
    def from_settings(cls, s: Settings) -> Rules:
        due, overdue = s.whole(S.K_VIP_DUE), s.whole(S.K_VIP_OVERDUE)
        return cls(s.number(S.K_SNOOZE_VENDOR), s.number(S.K_SNOOZE_REMINDER), s.whole(S.K_INVOICE_DAYS),
                   due, max(due, overdue), s.text(S.K_REPLY_ADDRESS), s.text(S.K_REPLY_REMINDER),
                   s.text(S.K_REPLY_CREDITOR), s.text(S.K_REPLY_PAYMENT), s.text(S.K_VIP_MANAGER),
                   s.text(S.K_INVOICING), s.text(S.K_ACCOUNTING), s.text(S.K_YELLOW), s.text(S.K_GREY),
                   s.whole(S.K_BACKUPS))


@dataclass
class Case:
    """One row of Fälle as read. ``step`` None = unreadable; blank counts as Neu."""
    row: int
    day: date | None = None                 # Datum
    agency: str | None = None
    request_type: str | None = None
    order_id: str | None = None
    user_id: str | None = None
    email: str = ""
    vip: bool | None = None                 # effective: the row's VIP, else Vendoren
    step: str | None = S.S_NEW
    since: date | datetime | None = None
    reply: str | None = None                # canonical; None = blank or offen
    note: CellValue = None
    unreadable: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Decision:
    """What the case needs next, and the step that follows once it is done."""
    action: str
    reply: str | None = None                # Saved Reply
    due: date | datetime | None = None      # Fällig am as written
    due_at: datetime | None = None          # aware
    overdue_at: datetime | None = None      # aware; later than due_at only for the VIP grace
    closed: bool = False
    waiting: bool = False                   # the case waits for the vendor: Rückmeldung yellow
    next_step: str | None = None
    note: str | None = None                 # written to Notiz/Kommentar when the step is done
    refuse: str = ""                        # why "step done" cannot advance
    check: bool = False

    def is_overdue(self, now: datetime) -> bool:
        return self.overdue_at is not None and _aware(now) >= self.overdue_at


def _answer(case: Case) -> str | None:
    """The vendor's answer that decides the next action; Zustimmung is behind us once the
    invoice steps started."""
    if case.reply in ANSWERS and not (case.reply == S.R_ACCEPT and case.step in S.INVOICE_STEPS):
        return case.reply
    return None


def decide(case: Case, rules: Rules, today: date) -> Decision:
    """Nächste Aktion / Saved Reply / Fällig am for one case (SPEC §1 step table)."""
    if case.step in S.CLOSED_STEPS:
        return Decision(CLOSED_ACTION, closed=True, refuse=f"Fall ist abgeschlossen (Schritt '{case.step}')")
    for header in (S.C_STEP, S.C_TYPE, S.C_REPLY):
        if header in case.unreadable or (header == S.C_TYPE and case.request_type is None):
            what = f"{header} ungültig" if header in case.unreadable else f"{header} fehlt"
            return Decision(f"{CHECK_PREFIX}{what} – siehe '{S.SHEET_FINDINGS}'", check=True,
                            refuse=f"{what} — nächster Schritt unklar")
    d = _decide_open(case, rules, today)
    if S.C_SINCE in case.unreadable:
        return replace(d, action=f"{CHECK_PREFIX}{S.C_SINCE} ungültig – siehe '{S.SHEET_FINDINGS}'", reply=None,
                       due=None, due_at=None, overdue_at=None, check=True)
    return d


def _decide_open(case: Case, r: Rules, today: date) -> Decision:
    t, step = case.request_type, case.step
    agency = case.agency or S.agency_of(t)
    debtist = t in S.DEBTIST_TYPES
    start = case.since if case.since is not None else (case.day if step == S.S_NEW else None)

    def now(action, next_step, reply=None, note=None, waiting=False):
        due = start if start is not None else today
        at = _aware(start_of(due))
        return Decision(action, reply, due, at, at, next_step=next_step, note=note, waiting=waiting)

    def after_hours(hours, action, next_step, reply=None, note=None, refuse=""):
        if start is None:
            return _no_start(action, next_step)
        due, at = _plus_hours(start, hours)
        return Decision(action, reply, due, at, at, waiting=True, next_step=next_step, note=note, refuse=refuse)

    def after_days(days, action, next_step, reply=None, note=None, overdue_days=None):
        if start is None:
            return _no_start(action, next_step)
        due, at = _plus_days(start, days)
        over = _plus_days(start, overdue_days)[1] if overdue_days is not None else at
        return Decision(action, reply, due, at, over, waiting=True, next_step=next_step, note=note)

    def _no_start(action, next_step):
        return Decision(CHECK_PREFIX + f"{S.C_SINCE} fehlt ({action})", check=True, next_step=next_step)

    def vip_unclear(otherwise: str) -> Decision:
        """VIP is neither on the row nor on 'Vendoren': the reminder's timer runs, the step waits."""
        d = after_hours(r.reminder_hours, "", None)
        return replace(d, action=f"{CHECK_PREFIX}VIP klären (leer, User-ID nicht auf 'Vendoren'); {otherwise}",
                       check=True, refuse="VIP unbekannt — in Spalte VIP oder auf 'Vendoren' eintragen")

    if t == S.T_HOME_VISIT:
        return now("Hausbesuch ablehnen – Hausbesuche lehnen wir immer ab, auch bei VIP-Vendoren", S.S_DECLINED)

    answer = _answer(case)
    if answer == S.R_CANCEL_CONFIRMED:
        return now(f"Bestellung bei {agency} stornieren, Notiz „{S.NOTE_CANCEL_CONFIRMED}“ eintragen "
                   "und auf die Bestätigung antworten", S.S_CANCELLED, note=S.NOTE_CANCEL_CONFIRMED)
    if answer == S.R_ACCEPT:
        if debtist:
            return now("Vendor ist einverstanden: Anfrage im Debtist-System bestätigen", S.S_DONE)
        return now(f"Kostenübernahme: Notiz für {r.invoicing} hinterlassen (Rechnung erstellen) und "
                   f"Conversation {r.invoicing} zuweisen", S.S_COSTS_ACCEPTED)
    if answer == S.R_DECLINE:
        extra = " und die Anfrage im Debtist-System ablehnen" if debtist else ""
        return now(f"Ablehnung des Vendors unter {S.C_NOTE} eintragen{extra}", S.S_DECLINED)
    if answer == S.R_OTHER:
        extra = " und Debtist mitteilen" if debtist else ""
        return now(f"Entscheidung des Vendors unter {S.C_NOTE} eintragen{extra}", S.S_DONE)

    snooze = f"{_fmt_number(r.vendor_hours)} h snoozen"
    if step == S.S_NEW:
        if t in S.PAID_STEP_TYPES:
            return now(f"Vendor per Side Conversation informieren (kostenpflichtig, trägt der Vendor; "
                       f"E-Mail aus 'Users'), {snooze}", S.S_VENDOR_INFORMED, r.reply_address)
        if t == S.T_CREDITOR:
            return now("Bestehende Konversationen mit Vendor/Kunde prüfen; gibt es keine: Vendor "
                       f"kontaktieren, {snooze}", S.S_VENDOR_INFORMED, r.reply_creditor)
        if t == S.T_LIST:
            return now("Nachweise sammeln: Rechnungskopie, Bestellbestätigung, Verzicht aufs Widerrufsrecht "
                       "(Produktlink), Leistungsnachweis beim Vendor anfragen; alles als PDF, mehr als zwei "
                       f"Dateien zu einer zusammenfassen; {snooze}", S.S_VENDOR_INFORMED, r.reply_creditor)
        if t == S.T_PAYMENT:
            return now(f"Zahlungsbeleg prüfen (IBAN, Datum, Bestell-ID) und mit {r.accounting} abstimmen, "
                       f"dann Vendor informieren, {snooze}", S.S_VENDOR_INFORMED, r.reply_payment)
        if t == S.T_DEBTIST_PAYMENT:
            return now("Akte im Debtist-System suchen; erst den Vendor fragen, ob die Lösung passt – "
                       "danach bei Debtist bestätigen oder ablehnen", S.S_VENDOR_INFORMED)
        return now("Akte im Debtist-System suchen (Bestell-ID oder Kundenname) und dort antworten; "
                   "mehr als zwei Dateien zu einem Dokument zusammenfassen", S.S_DONE)

    reminder = f"{_fmt_number(r.reminder_hours)} h snoozen"
    if step == S.S_VENDOR_INFORMED:
        return after_hours(r.vendor_hours, f"Auf Rückmeldung warten; ohne Antwort Erinnerung senden, {reminder}",
                           S.S_REMINDED, r.reply_reminder)
    if step == S.S_REMINDED:
        if case.vip is None:
            return vip_unclear("ohne Antwort VIP-Manager informieren bzw. stornieren")
        if case.vip:
            return after_hours(r.reminder_hours, f"Ohne Antwort: {r.vip_manager} informieren (VIP-Gruppe), in der "
                               "Tabelle markieren, Conversation schließen", S.S_VIP_MANAGER)
        return after_hours(r.reminder_hours, "Ohne Antwort: Conversation schließen, in der Tabelle markieren, "
                           f"Bestellung bei {agency} stornieren", S.S_CANCELLED)
    if step == S.S_VIP_MANAGER:
        return after_days(r.vip_due_days, f"Ohne Rückmeldung Bestellung bei {agency} stornieren (fällig nach "
                          f"{r.vip_due_days}, überfällig nach {r.vip_overdue_days} Tagen)", S.S_CANCELLED,
                          note=S.NOTE_VIP_GRACE, overdue_days=r.vip_overdue_days)
    if step == S.S_COSTS_ACCEPTED:
        return now(f"Rechnung erstellen ({r.invoicing}) und an den Vendor senden, Zahlungsfrist "
                   f"{r.invoice_days} Tage; Conversation schließen", S.S_INVOICE_SENT)
    if step == S.S_INVOICE_SENT:
        return after_days(r.invoice_days, f"Auf Zahlungsbeleg warten; ohne Beleg Erinnerung senden, {reminder}",
                          S.S_INVOICE_REMINDED, r.reply_reminder)
    # Rechnung erinnert
    if case.vip is None:
        return vip_unclear("ohne Zahlung stornieren")
    if case.vip:
        return after_hours(r.reminder_hours, f"Ohne Zahlung: {r.vip_manager} kontaktieren; kommt nichts: Notiz unter "
                           f"{S.C_NOTE} und Bestellung bei {agency} stornieren", S.S_CANCELLED,
                           note=S.NOTE_NO_PAYMENT_VIP)
    return after_hours(r.reminder_hours, "Ohne Zahlung: Conversation schließen, Bestellung bei "
                       f"{agency} stornieren, Notiz unter {S.C_NOTE}", S.S_CANCELLED, note=S.NOTE_NO_PAYMENT)


# ---------------------------------------------------------------- reading

@dataclass
class Vendor:
    user_id: str
    name: str = ""
    email: str = ""
    vip: bool | None = None
    row: int = 0


def parse_when(value) -> date | datetime | None:
    """A date or date+time of the case log (`Datum`, `Schritt seit`); a bare time of day is no moment."""
    d = V.parse_date(value)
    if d is not None and not (1900 <= d.year <= 9990):
        raise V.ParseError(f"'{V.display(value)}' ist kein Datum (nur eine Uhrzeit oder Jahr außerhalb "
                           "des Bereichs; erwartet TT.MM.JJJJ HH:MM)")
    return d


def _last_value_row(sheet: SheetData) -> int:
    """The last row that holds any value (1 for a sheet with only its header): appends go below it."""
    for r in range(sheet.max_row, 1, -1):
        if any(not V.is_blank(v) for v in sheet.rows[r - 1]):
            return r
    return 1


def _read_vendors(wb: WorkbookData, aliases: dict[str, list[str]], findings: list[Finding]) -> dict[str, Vendor]:
    table = locate_table(wb, S.SHEET_VENDORS, S.VENDOR_HEADERS, [S.V_USER_ID], aliases, findings,
                         DIA.VENDORS_SHEET_MISSING)
    if table is None:
        return {}
    rd = CellReader(table.sheet, table.cmap, findings)

    def vendor(r: int, uid: str) -> Vendor:
        vip = rd.boolean(r, S.V_VIP, uid) if S.V_VIP in table.cmap else None
        return Vendor(uid, V.norm_text(rd.raw(r, S.V_VENDOR)), V.norm_text(rd.raw(r, S.V_EMAIL)), vip, row=r)

    return rows_by_id(rd, S.V_USER_ID, vendor, DIA.VENDOR_DUPLICATE, "user_id")


def _read_case(rd: CellReader, r: int, vendors: dict[str, Vendor]) -> Case:
    c = Case(row=r)
    bad = c.unreadable
    c.order_id = rd.parse(r, S.C_ORDER_ID, V.parse_id, Core.ID_INVALID, unreadable=bad)
    key = c.order_id or ""
    if c.order_id is None and S.C_ORDER_ID not in bad:
        rd.add(DIA.ORDER_ID_MISSING, r, S.C_ORDER_ID)
    c.day = rd.parse(r, S.C_DATE, parse_when, Core.DATE_INVALID, key, bad)
    c.agency = rd.choice(r, S.C_AGENCY, S.AGENCIES, DIA.AGENCY_INVALID, key, bad)
    c.request_type = rd.choice(r, S.C_TYPE, S.REQUEST_TYPES, DIA.TYPE_INVALID, key, bad)
    if c.request_type is None and S.C_TYPE not in bad:
        rd.add(DIA.TYPE_MISSING, r, S.C_TYPE, key=key)
    if c.request_type and c.agency and c.agency != S.agency_of(c.request_type):
        rd.add(DIA.AGENCY_MISMATCH, r, S.C_AGENCY, key=key, suggestion=S.agency_of(c.request_type),
               agency=c.agency, request_type=c.request_type, expected=S.agency_of(c.request_type))
    step = rd.choice(r, S.C_STEP, S.STEPS, DIA.STEP_INVALID, key, bad)
    c.step = None if S.C_STEP in bad else (step or S.S_NEW)
    c.since = rd.parse(r, S.C_SINCE, parse_when, Core.DATE_INVALID, key, bad)
    reply = rd.choice(r, S.C_REPLY, S.REPLIES, DIA.REPLY_INVALID, key, bad)
    c.reply = None if reply == S.R_OPEN else reply
    c.note = rd.raw(r, S.C_NOTE)
    c.user_id = rd.parse(r, S.C_USER_ID, V.parse_id, Core.ID_INVALID, key, bad)
    c.email = V.norm_text(rd.raw(r, S.C_EMAIL))
    vendor = vendors.get(c.user_id) if c.user_id else None
    own_vip = rd.parse(r, S.C_VIP, V.parse_bool, Core.BOOL_INVALID, key, bad)
    c.vip = own_vip if own_vip is not None else (vendor.vip if vendor else None)
    if c.step in S.CLOSED_STEPS:
        return c
    if c.step == S.S_NEW and c.since is None and c.day is None and S.C_DATE not in bad and S.C_SINCE not in bad:
        rd.add(DIA.DATE_MISSING, r, S.C_DATE, key=key)
    elif c.step not in (S.S_NEW, None) and c.since is None and S.C_SINCE not in bad:
        rd.add(DIA.SINCE_MISSING, r, S.C_SINCE, key=key, header=S.C_SINCE, step=c.step)
    if vendor is None and c.user_id and vendors:
        rd.add(DIA.VENDOR_UNKNOWN, r, S.C_USER_ID, key=key, user_id=c.user_id, sheet=S.SHEET_VENDORS,
               consequence="")
    if vendor is not None:
        if own_vip is not None and vendor.vip is not None and own_vip != vendor.vip:
            rd.add(DIA.VIP_MISMATCH, r, S.C_VIP, key=key, suggestion=S.YES if vendor.vip else S.NO,
                   vip=S.YES if own_vip else S.NO, sheet=S.SHEET_VENDORS, row=vendor.row,
                   vendor_vip=S.YES if vendor.vip else S.NO)
        if c.email and vendor.email and c.email.casefold() != vendor.email.casefold():
            rd.add(DIA.EMAIL_MISMATCH, r, S.C_EMAIL, key=key, suggestion=vendor.email, email=c.email,
                   sheet=S.SHEET_VENDORS)
    if c.vip is None and c.step in (S.S_REMINDED, S.S_INVOICE_REMINDED) and S.C_VIP not in bad:
        rd.add(DIA.VIP_UNKNOWN, r, S.C_VIP, key=key)
    return c


@dataclass
class _Book:
    """A workbook as the rules see it."""
    settings: Settings
    rules: Rules
    findings: list[Finding]
    cases_table: Table | None = None      # None: `Fälle` cannot be read
    header_writes: list[CellWrite] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    vendors: dict[str, Vendor] = field(default_factory=dict)


def _read(wb: WorkbookData) -> _Book:
    findings: list[Finding] = []
    settings, sfind = Settings.from_sheet(wb.sheet(S.SHEET_SETTINGS), S.SETTINGS, S.SHEET_SETTINGS, columns=S.COLUMNS)
    findings += sfind
    book = _Book(settings, Rules.from_settings(settings), findings)
    aliases = settings.aliases()
    book.vendors = _read_vendors(wb, aliases, findings)
    table = locate_table(wb, S.SHEET_CASES, S.CASE_HEADERS, S.CASE_REQUIRED, aliases, findings,
                         DIA.CASES_SHEET_MISSING)
    if table is None:
        return book
    book.cases_table = table
    book.header_writes = add_missing_columns(table.cmap, S.CASE_COMPUTED_HEADERS)
    rd = CellReader(table.sheet, table.cmap, findings)
    inputs = table.cmap.cols(S.CASE_INPUT_HEADERS)
    book.cases = [_read_case(rd, r, book.vendors) for r in data_rows(table.sheet, inputs)]
    return book


# ---------------------------------------------------------------- the run

def _computed(d: Decision, now: datetime) -> list[tuple[str, CellValue, str | None]]:
    due_fmt = DATETIME_FORMAT if isinstance(d.due, datetime) else DATE_FORMAT
    overdue = None if d.due_at is None else (S.YES if d.is_overdue(now) else S.NO)
    return [(S.C_NEXT, d.action, None), (S.C_SAVED_REPLY, d.reply, None), (S.C_DUE, d.due, due_fmt),
            (S.C_OVERDUE, overdue, None)]


def _plan(book: _Book, ctx: RunContext) -> Plan:
    """The recompute, without the Prüfung/Protokoll parts (``finish`` adds them)."""
    plan = Plan(kind=S.KIND, findings=list(book.findings), keep_backups=book.rules.backups)
    yellow, grey = book.rules.yellow, book.rules.grey
    plan.product_colours = frozenset({yellow, grey, "FFFF00", "BFBFBF"})
    if book.cases_table is None:
        return plan
    sheet, cmap = book.cases_table.sheet, book.cases_table.cmap
    plan.writes += book.header_writes
    all_cols = cmap.table_columns()
    reply_col = cmap.col(S.C_REPLY)
    other_cols = tuple(c for c in all_cols if c != reply_col)
    counts = {"Fälle": 0, "offen": 0, "fällig": 0, "überfällig": 0, "abgeschlossen": 0, "Eingabe prüfen": 0}
    now_aware = _aware(ctx.now)
    for case in book.cases:
        d = decide(case, book.rules, ctx.today)
        counts["Fälle"] += 1
        counts["abgeschlossen" if d.closed else "offen"] += 1
        counts["Eingabe prüfen"] += d.check
        if d.due_at is not None and now_aware >= d.due_at:
            counts["überfällig" if d.is_overdue(ctx.now) else "fällig"] += 1
        for header, value, fmt in _computed(d, ctx.now):
            col = cmap.col(header)
            if col and not same_value(sheet.value(case.row, col), value):
                plan.writes.append(CellWrite(sheet.name, case.row, col, value, fmt if value is not None else None))
        if d.closed:
            plan.fills.append(RowFill(sheet.name, case.row, all_cols, grey))
        else:
            plan.fills.append(RowFill(sheet.name, case.row, other_cols, None))
            if reply_col:
                plan.fills.append(RowFill(sheet.name, case.row, (reply_col,), yellow if d.waiting else None))
    plan.summary = counts
    return plan


def plan_run(wb: WorkbookData, ctx: RunContext) -> Plan:
    """`xl-addin run`: recompute every case; the overview counts them."""
    plan = finish(_plan(_read(wb), ctx), S.SHEET_FINDINGS, S.SHEET_PROTOCOL)
    aliases = Settings.from_sheet(wb.sheet(S.SHEET_SETTINGS), S.SETTINGS, S.SHEET_SETTINGS)[0].aliases()
    return add_overview_finished(plan, wb, OVERVIEW, ctx.now, S.SHEET_SUMMARY, S.SHEET_FINDINGS, aliases=aliases)


def _case_open(row: Row) -> bool:
    """A case with a next action (closed cases say 'Keine – Fall abgeschlossen')."""
    text = str(row.get(S.C_NEXT) or "").strip()
    return bool(text) and not text.startswith("Keine")


# The overview (`Übersicht`): rows per next action, due today, overdue, per request type.
OVERVIEW = OverviewSpec(source=S.SHEET_CASES, key=S.C_ORDER_ID, step=S.C_NEXT, due=S.C_DUE, group=S.C_TYPE,
                        group_title=S.C_TYPE, is_open=_case_open)

