"""Rules of the "Kundenakten" workbook (SPEC §4, seed 002): from the tables to a Plan.

Pure: takes WorkbookData and a RunContext (now, user) and returns a Plan. No file, no clock.

Per customer on `Kunden` the run computes
- `Letzter VPA-Eintrag`: the newest VPA entry written since the current assignment
  (`Zugewiesen am`); entries of an earlier VPA do not count, so a reassignment restarts the clock.
  An entry that carries a `Frist VPA` is a deadline the team set for the VPA, not the VPA's own
  writing, and does not count either;
- `VPA-Akte aktuell`: "Nein" when no such entry for `Tage ohne VPA-Eintrag` days (default 28 =
  4 weeks) after the assignment or after the last VPA entry, else "Ja";
- `Wiedervorlage`: the day the file becomes (or became) not current; once the team has set a
  deadline for the VPA (an entry's `Frist VPA` later than the last VPA activity), that deadline;
- `Nächster Schritt`: what to do — send the template for the customer's status with a deadline
  (default today + 7 days) and a reminder, wait for the deadline, or write to the VPA again.

Entries: VPA rows get the green fill; O-Team rows black text (``RowFont``) and no product fill. Findings:
entries without `Situation`, entries from the shared account without `Kürzel`, entries for a
customer not on `Kunden`, unreadable cells.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from ...core import values as V
from ...core.cellreader import CellReader, same_value
from ...core.context import RunContext
from ...core.findings import Finding
from ...core.headers import ColumnMap, add_missing_columns, header_findings
from ...core.overview import OverviewSpec, Row, add_overview_finished
from ...core.plan import DATE_FORMAT, CellWrite, Plan, RowFill, RowFont
from ...core.report import finish
from ...core.settings import Settings
from ...core.tables import data_rows, sheet_columns
from ...core.workbook_data import SheetData, WorkbookData
from . import schema as S
from .findings import Kundenakten as KA

__all__ = [
    "STEP_NO_ASSIGNMENT",
    "STEP_NO_VPA",
    "STEP_OK",
    "Customer",
    "Decision",
    "Entry",
    "RowFont",
    "classify_file",
    "decide",
    "plan_fonts",
    "plan_run",
    "read_settings",
]

STEP_OK = "Keine Aktion"
STEP_NO_NAME = "Eingabe prüfen: Kunde fehlt"
STEP_NO_VPA = "VPA zuweisen (Übergabe in der VPA-Akte)"
STEP_NO_ASSIGNMENT = "'Zugewiesen am' eintragen"
STEP_CHECK = "Eingabe prüfen: {columns}"
STEP_SEND = "{template} an VPA senden, Frist bis {deadline} setzen, Wiedervorlage einstellen"
STEP_WAIT = "Frist an VPA läuft bis {deadline}"
STEP_OVERDUE = ("Frist {deadline} verstrichen: VPA erneut anschreiben ({template}), "
                "neue Frist bis {new_deadline}, ggf. an Admin-Team übergeben")
TEMPLATE_UNKNOWN = "Vorlage zum Kundenstatus (Kundenstatus prüfen)"


@dataclass
class Customer:
    row: int
    name: str                      # as an agent reads it ("" when blank)
    status: str | None = None      # canonical Kundenstatus
    vpa: str = ""
    assigned: date | None = None
    unreadable: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.name.casefold()


@dataclass
class Entry:
    row: int
    day: date | None
    customer: str
    file: str | None               # S.FILE_OTEAM / S.FILE_VPA / None (blank or unreadable)
    deadline: date | None = None

    @property
    def key(self) -> str:
        return self.customer.casefold()


@dataclass(frozen=True)
class Decision:
    last_vpa: date | None
    current: str | None            # "Ja" / "Nein" / None (cannot be said)
    follow_up: date | None
    step: str


_VPA_KEY = V.norm_key(S.FILE_VPA)
_OTEAM_KEYS = frozenset(V.norm_key(v) for v in (S.FILE_OTEAM, *S.OTEAM_ALIASES))


def classify_file(value: object) -> str | None:
    """`Akte` cell -> "VPA", "O-Team" or None. Only a cell that reads "VPA" (case and blanks
    ignored) is the VPA file; anything else is never treated as VPA."""
    key = V.norm_key(value)
    if key == _VPA_KEY:
        return S.FILE_VPA
    return S.FILE_OTEAM if key in _OTEAM_KEYS else None


def read_settings(wb: WorkbookData) -> tuple[Settings, list[Finding]]:
    return Settings.from_sheet(wb.sheet(S.SHEET_SETTINGS), S.SETTINGS, S.SHEET_SETTINGS, columns=S.COLUMNS)


# ---------------------------------------------------------------- reading

def _read_customers(sheet: SheetData, cmap: ColumnMap, today: date, findings: list[Finding]) -> list[Customer]:
    rd = CellReader(sheet, cmap, findings)
    out: list[Customer] = []
    first_row: dict[str, int] = {}
    for r in data_rows(sheet, cmap.cols(S.CUSTOMER_INPUT_HEADERS)):
        c = Customer(r, V.norm_text(rd.raw(r, S.K_CUSTOMER)))
        if not c.name:
            rd.add(KA.CUSTOMER_MISSING, r, S.K_CUSTOMER, consequence="Zeile wird nicht berechnet")
            out.append(c)
            continue
        if c.key in first_row:
            rd.add(KA.CUSTOMER_DUPLICATE, r, S.K_CUSTOMER, key=c.name, customer=c.name, sheet=sheet.name,
                   first_row=first_row[c.key])
        else:
            first_row[c.key] = r
        raw_status = rd.raw(r, S.K_STATUS)
        c.status = V.match_choice(raw_status, S.CUSTOMER_STATUSES)
        if c.status is None and not V.is_blank(raw_status):
            rd.add(KA.STATUS_INVALID, r, S.K_STATUS, key=c.name,
                   suggestion=V.nearest_choice(raw_status, S.CUSTOMER_STATUSES), value=V.norm_text(raw_status),
                   allowed=", ".join(S.CUSTOMER_STATUSES))
        c.vpa = V.norm_text(rd.raw(r, S.K_VPA))
        c.assigned = rd.date(r, S.K_ASSIGNED, c.name, c.unreadable)
        if c.vpa and c.assigned is None and S.K_ASSIGNED not in c.unreadable:
            rd.add(KA.ASSIGNED_MISSING, r, S.K_ASSIGNED, key=c.name, vpa=c.vpa)
        elif c.assigned is not None and c.assigned > today:
            rd.add(KA.DATE_FUTURE, r, S.K_ASSIGNED, key=c.name, what="Zugewiesen am",
                   date=V.format_date_de(c.assigned), consequence="")
        out.append(c)
    return out


def _read_entries(sheet: SheetData, cmap: ColumnMap, customers: dict[str, Customer], cfg: S.KundenaktenSettings,
                  today: date, findings: list[Finding]) -> list[Entry]:
    rd = CellReader(sheet, cmap, findings)
    shared = {V.norm_key(a) for a in cfg.shared_accounts if V.norm_key(a)}
    categories = list(cfg.categories)
    category_keys = {V.norm_key(c) for c in categories}
    customer_names = [c.name for c in customers.values()]
    suggestions: dict[str, str] = {}
    has_situation = cmap.col(S.E_SITUATION) is not None
    has_author = cmap.col(S.E_AUTHOR) is not None
    out: list[Entry] = []
    for r in data_rows(sheet, cmap.cols(S.ENTRY_HEADERS)):
        name = V.norm_text(rd.raw(r, S.E_CUSTOMER))
        day = rd.date(r, S.E_DATE, name)
        if day is None and V.is_blank(rd.raw(r, S.E_DATE)):
            rd.add(KA.DATE_MISSING, r, S.E_DATE, key=name)
        elif day is not None and day > today:
            rd.add(KA.DATE_FUTURE, r, S.E_DATE, key=name, what="Datum", date=V.format_date_de(day),
                   consequence=" — zählt erst ab diesem Tag")
        raw_file = rd.raw(r, S.E_FILE)
        file = classify_file(raw_file)
        if file is None:
            what = "fehlt" if V.is_blank(raw_file) else f"'{V.norm_text(raw_file)}' ist kein gültiger Wert"
            rd.add(KA.FILE_INVALID, r, S.E_FILE, key=name, suggestion=V.nearest_choice(raw_file, S.FILE_VALUES),
                   problem=what, allowed=f"{S.FILE_OTEAM}, {S.FILE_VPA}")
        if not name:
            rd.add(KA.CUSTOMER_MISSING, r, S.E_CUSTOMER, consequence="zu wem gehört der Eintrag?")
        elif name.casefold() not in customers:
            if name.casefold() not in suggestions:
                suggestions[name.casefold()] = V.nearest_choice(name, customer_names)
            rd.add(KA.CUSTOMER_UNKNOWN, r, S.E_CUSTOMER, key=name, suggestion=suggestions[name.casefold()],
                   customer=name, sheet=S.SHEET_CUSTOMERS)
        raw_cat = rd.raw(r, S.E_CATEGORY)
        if not V.is_blank(raw_cat) and V.norm_key(raw_cat) not in category_keys:
            rd.add(KA.CATEGORY_INVALID, r, S.E_CATEGORY, key=name, suggestion=V.nearest_choice(raw_cat, categories),
                   value=V.norm_text(raw_cat), setting=S.SET_CATEGORIES)
        if has_situation and V.is_blank(rd.raw(r, S.E_SITUATION)):
            rd.add(KA.SITUATION_MISSING, r, S.E_SITUATION, key=name)
        if has_author and V.norm_key(rd.raw(r, S.E_AUTHOR)) in shared and V.is_blank(rd.raw(r, S.E_INITIALS)):
            header = S.E_INITIALS if cmap.col(S.E_INITIALS) else S.E_AUTHOR
            rd.add(KA.INITIALS_MISSING, r, header, key=name, account=V.norm_text(rd.raw(r, S.E_AUTHOR)))
        rd.date(r, S.E_FOLLOW_UP, name)
        deadline = rd.date(r, S.E_DEADLINE, name)
        out.append(Entry(r, day, name, file, deadline))
    if not has_author and shared and out:
        findings.append(KA.AUTHOR_COLUMN_MISSING.at(sheet.name, header=S.E_AUTHOR))
    return out


# ---------------------------------------------------------------- decisions

def _plus_days(d: date, days: int) -> date:
    """d + days, capped at the last date Python knows (a setting of 9,999,999 days must not crash)."""
    try:
        return d + timedelta(days=days)
    except OverflowError:
        return date.max


def _template(c: Customer, cfg: S.KundenaktenSettings) -> str:
    """"Vorlage '<name from the settings>'" for the customer's status."""
    name = cfg.templates.get(c.status, "") if c.status else ""
    return f"Vorlage '{name}'" if name else TEMPLATE_UNKNOWN


def last_vpa_entry(c: Customer, entries: list[Entry], today: date) -> date | None:
    """The newest VPA entry since the assignment (never one dated after today, never a deadline
    the team set for the VPA)."""
    best = None
    for e in entries:
        if (e.file == S.FILE_VPA and e.day is not None and e.day <= today and e.deadline is None
                and (c.assigned is None or e.day >= c.assigned) and (best is None or e.day > best)):
            best = e.day
    return best


def decide(c: Customer, entries: list[Entry], today: date, cfg: S.KundenaktenSettings) -> Decision:
    """Letzter VPA-Eintrag / VPA-Akte aktuell / Wiedervorlage / Nächster Schritt for one customer
    (``entries``: this customer's entries)."""
    if not c.name:
        return Decision(None, None, None, STEP_NO_NAME)
    last = last_vpa_entry(c, entries, today)
    if S.K_ASSIGNED in c.unreadable:
        return Decision(last, None, None, STEP_CHECK.format(columns=S.K_ASSIGNED))
    if not c.vpa:
        return Decision(last, None, None, STEP_NO_VPA)
    starts = [d for d in (c.assigned, last) if d is not None]
    if not starts:
        return Decision(None, None, None, STEP_NO_ASSIGNMENT)
    reference = max(starts)
    stale_on = _plus_days(reference, cfg.stale_days)
    if today < stale_on:
        return Decision(last, S.CURRENT_YES, stale_on, STEP_OK)
    template = _template(c, cfg)
    new_deadline = V.format_date_de(_plus_days(today, cfg.deadline_days))
    deadlines = [e.deadline for e in entries if e.deadline is not None and e.deadline > reference]
    if not deadlines:
        return Decision(last, S.CURRENT_NO, stale_on, STEP_SEND.format(template=template, deadline=new_deadline))
    deadline = max(deadlines)
    if deadline >= today:
        return Decision(last, S.CURRENT_NO, deadline, STEP_WAIT.format(deadline=V.format_date_de(deadline)))
    return Decision(last, S.CURRENT_NO, deadline,
                    STEP_OVERDUE.format(deadline=V.format_date_de(deadline), template=template,
                                        new_deadline=new_deadline))


# ---------------------------------------------------------------- the run

def plan_run(wb: WorkbookData, ctx: RunContext) -> Plan:
    plan = _run(wb, ctx)
    aliases = Settings.from_sheet(wb.sheet(S.SHEET_SETTINGS), S.SETTINGS, S.SHEET_SETTINGS)[0].aliases()
    return add_overview_finished(plan, wb, OVERVIEW, ctx.now, S.SHEET_SUMMARY, S.SHEET_FINDINGS, aliases=aliases)


def _customer_open(row: Row) -> bool:
    """A customer with something to do ('Keine Aktion' otherwise)."""
    text = str(row.get(S.K_NEXT_STEP) or "").strip()
    return bool(text) and text != "Keine Aktion"


# The overview (`Übersicht`): customers per next step, follow-ups due today and overdue, per VPA.
OVERVIEW = OverviewSpec(source=S.SHEET_CUSTOMERS, key=S.K_CUSTOMER, step=S.K_NEXT_STEP, due=S.K_FOLLOW_UP,
                        group=S.K_VPA, group_title=S.K_VPA, is_open=_customer_open)


def plan_fonts(wb: WorkbookData, ctx: RunContext) -> list[RowFont]:
    """The text colours of the Einträge rows (O-Team black, others without product colour)."""
    return _run(wb, ctx).fonts


def _missing_sheet(plan: Plan, findings: list[Finding], name: str) -> Plan:
    findings.append(KA.SHEET_MISSING.at(name, sheet=name))
    plan.findings = findings
    return finish(plan, S.SHEET_FINDINGS, S.SHEET_PROTOCOL)


def _run(wb: WorkbookData, ctx: RunContext) -> Plan:
    plan = Plan(kind=S.KIND)
    settings, findings = read_settings(wb)
    cfg = S.KundenaktenSettings.from_settings(settings)
    green, black = cfg.green, cfg.black
    plan.product_colours = frozenset({green, "C6EFCE"})
    plan.product_font_colours = frozenset({black, "000000"})
    plan.keep_backups = cfg.backups
    aliases = settings.aliases()
    today = ctx.now.date()

    csheet, esheet = wb.sheet(S.SHEET_CUSTOMERS), wb.sheet(S.SHEET_ENTRIES)
    if csheet is None:
        _missing_sheet(plan, findings, S.SHEET_CUSTOMERS)
        return plan
    if esheet is None:
        _missing_sheet(plan, findings, S.SHEET_ENTRIES)
        return plan
    ccmap, ecmap = sheet_columns(csheet, S.CUSTOMER_HEADERS, aliases), sheet_columns(esheet, S.ENTRY_HEADERS, aliases)
    findings += header_findings(ccmap, S.CUSTOMER_REQUIRED) + header_findings(ecmap, S.ENTRY_REQUIRED)
    if any(h in ccmap.missing for h in S.CUSTOMER_REQUIRED) or any(h in ecmap.missing for h in S.ENTRY_REQUIRED):
        plan.findings = findings
        finish(plan, S.SHEET_FINDINGS, S.SHEET_PROTOCOL)
        return plan

    customers = _read_customers(csheet, ccmap, today, findings)
    by_key: dict[str, Customer] = {}
    for c in customers:
        if c.name:
            by_key.setdefault(c.key, c)
    entries = _read_entries(esheet, ecmap, by_key, cfg, today, findings)
    per_customer: dict[str, list[Entry]] = {}
    for e in entries:
        per_customer.setdefault(e.key, []).append(e)

    # -- Kunden: computed columns
    plan.writes += add_missing_columns(ccmap, S.CUSTOMER_COMPUTED_HEADERS)
    counts = {"Kunden": 0, "VPA-Akte aktuell": 0, "VPA-Akte nicht aktuell": 0, "Ohne VPA": 0}
    for c in customers:
        d = decide(c, per_customer.get(c.key, []) if c.name else [], today, cfg)
        counts["Kunden"] += 1
        if d.current == S.CURRENT_YES:
            counts["VPA-Akte aktuell"] += 1
        elif d.current == S.CURRENT_NO:
            counts["VPA-Akte nicht aktuell"] += 1
        elif d.step == STEP_NO_VPA:
            counts["Ohne VPA"] += 1
        _write_computed(plan, csheet, ccmap, c.row, d)

    # -- Einträge: VPA green fill, O-Team black text
    cols = ecmap.table_columns()
    n_vpa = n_oteam = 0
    for e in entries:
        if e.file == S.FILE_VPA:
            n_vpa += 1
            plan.fills.append(RowFill(esheet.name, e.row, cols, green))
            plan.fonts.append(RowFont(esheet.name, e.row, cols, None))
        else:
            plan.fills.append(RowFill(esheet.name, e.row, cols, None))
            if e.file == S.FILE_OTEAM:
                n_oteam += 1
                plan.fonts.append(RowFont(esheet.name, e.row, cols, black))
            else:
                plan.fonts.append(RowFont(esheet.name, e.row, cols, None))

    plan.findings = findings
    plan.summary = {**counts, "Einträge VPA (grün)": n_vpa, "Einträge O-Team (schwarz)": n_oteam}
    finish(plan, S.SHEET_FINDINGS, S.SHEET_PROTOCOL)
    return plan


# ---------------------------------------------------------------- writing

def _write_computed(plan: Plan, sheet: SheetData, cmap: ColumnMap, row: int, d: Decision) -> None:
    for header, value, fmt in ((S.K_LAST_VPA, d.last_vpa, DATE_FORMAT),
                               (S.K_CURRENT, d.current, None),
                               (S.K_FOLLOW_UP, d.follow_up, DATE_FORMAT),
                               (S.K_NEXT_STEP, d.step, None)):
        col = cmap.col(header)
        if col is not None and not same_value(sheet.value(row, col), value):
            plan.writes.append(CellWrite(sheet.name, row, col, value, fmt))
