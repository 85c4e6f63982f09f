"""Closing the loop (SPEC §2): what comes back every month — the platform's debts export (seed 004,
the "Schulden" tab's "CSV exportieren") and Diagonal's monthly feedback (seed 001) — read into the
Masterliste, the way the agents retype it today.

Pure: the source file's rows (a ``SourceTable``), the workbook's data and the context make one Plan:
the import's changes, each one Protokoll line naming the file, then the run on the changed data
(colours, next steps, 'Warten auf Freigabe'), as ``xl-addin run`` would do it next. No file here —
the action reads the source file.

Rules of both imports:
- columns by header text, with the aliases below and the settings' ``Alias …`` rows;
- an agent's non-blank cell is never overwritten (the Schulden-Status excepted: it mirrors the
  platform; and Diagonal's 'bezahlt' sets incasso_state/Schulden-Status as SPEC says); a
  disagreement is a finding;
- importing the same file again changes nothing.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from ...core import values as V
from ...core.cellreader import CellReader, row_has_values
from ...core.cells import address, col_letter
from ...core.context import RunContext
from ...core.findings import Finding, Refusal
from ...core.headers import ColumnMap, header_findings, locate_columns
from ...core.plan import DATE_FORMAT, CellValue, CellWrite, Plan, ProtocolEntry, RowAppend
from ...core.report import finish
from ...core.settings import Settings
from ...core.source import SourceTable
from ...core.workbook_data import SheetData, WorkbookData
from . import schema as S
from .findings import Inkasso as INK
from .rules import (
    Order,
    StateRow,
    Vendor,
    _at_agency,
    _read_orders,
    _read_overview,
    _read_state,
    compute_run,
    transition_finding,
)

__all__ = [
    "DIAGONAL_COLUMNS", "EVENTS", "IMPORT_CODES", "SCHULDEN_COLUMNS", "ImportRefused", "known_headers", "note_line",
    "plan_import_diagonal", "plan_import_schulden",
]

AMOUNT_FORMAT = "#,##0.00"


class ImportRefused(Refusal):
    """The source file or the workbook cannot be imported at all (no order-id column, no
    Masterliste); ``str(e)`` says why in one German line."""


# ---------------------------------------------------------------- the source files' columns

# canonical header -> the header texts it is also found by (besides the settings' "Alias …" rows)
SCHULDEN_COLUMNS: dict[str, tuple[str, ...]] = {
    S.M_ORDER_ID: ("Bestell-ID", "ID"),
    S.M_VENDOR_ID: ("User-ID",),
    S.M_DEBT_STATUS: ("Status", S.M_INCASSO_STATE),
    S.M_FIRST_LETTER: ("1. Mahnung",),
    S.M_SECOND_LETTER: ("2. Mahnung",),
    S.M_INCASSO_DATE: ("Übergabe Inkasso", "Übergabe ans Inkasso"),
    S.M_AMOUNT: ("Betrag",),
    S.M_INVOICE_NO: (),
    S.M_FIRST_NAME: (),
    S.M_LAST_NAME: (),
    S.M_PRODUCT: (),
}
SCHULDEN_REQUIRED = (S.M_ORDER_ID, S.M_DEBT_STATUS)

F_EVENT, F_AMOUNT, F_DATE = "Ereignis", "Betrag", "Datum"
DIAGONAL_COLUMNS: dict[str, tuple[str, ...]] = {
    S.M_ORDER_ID: ("Bestell-ID", "ID", "Aktenzeichen Gläubiger"),
    F_EVENT: ("Status",),
    F_AMOUNT: ("Zahlung",),
    F_DATE: (),
}
DIAGONAL_REQUIRED = (S.M_ORDER_ID, F_EVENT)

# Diagonal's events (SPEC §2) and the spellings read as them; settings rows 'Ereignis <event>'
# (e.g. 'Ereignis teilbezahlt' | 'Teilzahlung; partial payment') add more.
EV_PAID, EV_PART_PAID, EV_INSTALMENTS, EV_UNCOLLECTABLE, EV_IN_PROGRESS = (
    "bezahlt", "teilbezahlt", "Ratenzahlung", "uneinbringlich", "in Bearbeitung")
EVENTS: dict[str, tuple[str, ...]] = {
    EV_PAID: ("paid", "vollständig bezahlt"),
    EV_PART_PAID: ("teilweise bezahlt", "partially paid", "partial payment"),
    EV_INSTALMENTS: ("Ratenvereinbarung", "instalments", "installments", "instalment plan"),
    EV_UNCOLLECTABLE: ("uncollectable", "uncollectible"),
    EV_IN_PROGRESS: ("in progress",),
}
EVENT_SETTING = "Ereignis {event}"

# Schulden-Status read from the export: the German statuses, or incasso_state through the SPEC's pairs
STATE_TO_DEBT = {state: debt for debt, state in S.DEBT_TO_STATE.items()}

IMPORT_SCHULDEN, IMPORT_DIAGONAL = "Schulden-Export", "Diagonal-Rückmeldung"

# the codes only the imports report (their findings about a source cell carry the file's name)
IMPORT_CODES = frozenset(c.code for c in INK.codes() if c.code.startswith(("INK-IMPORT-", "INK-FEEDBACK-")))


def known_headers(columns: Mapping[str, Sequence[str]]) -> list[str]:
    """Every header text a source's columns are found by (without settings' aliases): what sniffing a
    CSV's separator looks for."""
    return [text for canonical, aliases in columns.items() for text in (canonical, *aliases)]


# ---------------------------------------------------------------- what both imports share

@dataclass
class _Target:
    """The Masterliste as an import sees it."""
    wb: WorkbookData
    master: SheetData
    cmap: ColumnMap
    settings: Settings
    orders: list[Order]
    by_id: dict[str, Order]
    vendors: dict[str, Vendor]
    state_rows: dict[str, StateRow]


def _remembered_status(target: _Target, order_id: str | None) -> str | None:
    """The Schulden-Status the hidden state sheet remembers for the order (None: none yet)."""
    row = target.state_rows.get(order_id or "")
    return row.status if row else None


def _before_blocked(target: _Target, order_id: str | None) -> str | None:
    row = target.state_rows.get(order_id or "")
    return row.before_blocked if row else None


def _target(wb: WorkbookData) -> _Target:
    settings, _ = Settings.from_sheet(wb.sheet(S.SHEET_SETTINGS), S.SETTINGS, S.SHEET_SETTINGS, columns=S.COLUMNS)
    master = wb.sheet(S.SHEET_MASTER)
    if master is None:
        raise ImportRefused(f"Blatt '{S.SHEET_MASTER}' fehlt in '{wb.source}' — nichts importiert")
    cmap = locate_columns(master.name, master.rows[0] if master.rows else [], S.MASTER_HEADERS, settings.aliases())
    missing = [h for h in S.MASTER_REQUIRED if h in cmap.missing]
    if missing:
        raise ImportRefused(f"{master.name}: Spalte '{missing[0]}' fehlt in Zeile 1 — nichts importiert")
    ignored: list[Finding] = []          # the Masterliste's own problems are the run's findings
    orders = _read_orders(master, cmap, ignored)
    by_id: dict[str, Order] = {}
    for o in orders:
        if o.order_id is not None:
            by_id.setdefault(o.order_id, o)
    vendors = _read_overview(wb, settings.aliases(), ignored)
    return _Target(wb, master, cmap, settings, orders, by_id, vendors, _read_state(wb.sheet(S.SHEET_STATE)))


@dataclass
class _Source:
    table: SourceTable
    sheet: SheetData
    cmap: ColumnMap
    reader: CellReader
    findings: list[Finding]

    def rows(self) -> list[int]:
        used = list(self.cmap.columns.values())
        return [r for r in range(2, self.sheet.max_row + 1) if row_has_values(self.sheet, r, used)]

    def cell(self, row: int, header: str) -> str:
        return self.reader.cell(row, header)

    def where(self, row: int, header: str) -> str:
        """'schulden.csv!C5': a source cell as findings and messages name it."""
        return f"{self.sheet.name}!{self.cell(row, header)}"


def _header_text(src: _Source, canonical: str) -> str:
    """The header as the source file spells it (the alias it was found by)."""
    col = src.cmap.col(canonical)
    return src.cmap.headers[col - 1] if col else canonical


def _source(table: SourceTable, columns: Mapping[str, Sequence[str]], required: Sequence[str],
            settings: Settings) -> _Source:
    aliases = {canonical: [*extra, *settings.aliases().get(canonical, [])] for canonical, extra in columns.items()}
    sheet = table.as_sheet()
    cmap = locate_columns(sheet.name, sheet.rows[0] if sheet.rows else [], list(columns), aliases)
    for name in required:
        if name in cmap.missing:
            accepted = ", ".join(f"'{t}'" for t in (name, *aliases[name]))
            found = ", ".join(f"'{h}'" for h in cmap.headers if h) or "keine"
            raise ImportRefused(f"'{table.name}': keine Spalte {accepted} in Zeile 1 (gefunden: {found}) — "
                                f"nichts importiert")
    findings = header_findings(cmap, required)
    if table.encoding == "cp1252":
        findings.append(INK.IMPORT_ENCODING.at(sheet.name))
    return _Source(table, sheet, cmap, CellReader(sheet, cmap, findings), findings)


class _Changes:
    """The import's cell writes on the Masterliste, each with its Protokoll line."""

    def __init__(self, target: _Target, ctx: RunContext, action: str):
        self.t, self.ctx, self.action = target, ctx, action
        self.writes: list[CellWrite] = []
        self.cells: dict[tuple[int, int], CellValue] = {}
        self.log: list[ProtocolEntry] = []

    def current(self, o: Order, header: str) -> CellValue:
        col = self.t.cmap.col(header)
        if col is None:
            return None
        return self.cells.get((o.row, col), self.t.master.value(o.row, col))

    def set(self, o: Order, header: str, value: CellValue, fmt: str | None = None) -> None:
        col = self.t.cmap.col(header)
        assert col is not None, header
        old = self.current(o, header)
        self.writes.append(CellWrite(self.t.master.name, o.row, col, value, fmt))
        self.cells[(o.row, col)] = value
        self.log.append(ProtocolEntry(self.ctx.now, self.ctx.user, f"{self.action}: {header}", self.t.master.name,
                                      o.order_id or "", address(o.row, col), old, value))


def _combine(target: _Target, ctx: RunContext, changes: _Changes, findings: list[Finding],
             summary: dict[str, int], new_rows: list[dict[int, CellValue]] | None = None,
             new_log: list[ProtocolEntry] | None = None) -> Plan:
    """The import's changes, then the run on the data as they leave it — one Plan, as one write.
    ``new_rows`` (column -> value) are appended below the Masterliste's last row; the run's
    computed cells of those rows travel inside the appended rows, their colours are set on the
    rows they land in."""
    master = target.master
    first_new = _last_value_row(master) + 1
    cells = dict(changes.cells)
    for i, row in enumerate(new_rows or []):
        for col, value in row.items():
            cells[(first_new + i, col)] = value
    after = target.wb.with_cells(master.name, cells) if cells else target.wb
    plan = compute_run(after, ctx)
    if new_rows:
        landing = range(first_new, first_new + len(new_rows))
        formats: dict[int, str] = {}
        for h in (S.M_FIRST_LETTER, S.M_SECOND_LETTER, S.M_INCASSO_DATE):
            if target.cmap.col(h):
                formats[target.cmap.col(h) or 0] = DATE_FORMAT
        if target.cmap.col(S.M_AMOUNT):
            formats[target.cmap.col(S.M_AMOUNT) or 0] = AMOUNT_FORMAT
        rows = [dict(r) for r in new_rows]
        kept = []
        for w in plan.writes:
            if w.sheet == master.name and w.row in landing:
                rows[w.row - first_new][w.col] = w.value
                if w.number_format:
                    formats[w.col] = w.number_format
            else:
                kept.append(w)
        plan.writes = kept
        width = max(max(r) for r in rows)
        plan.appends.insert(0, RowAppend(master.name, [[r.get(c) for c in range(1, width + 1)] for r in rows],
                                         number_formats=formats))
    plan.writes = changes.writes + plan.writes
    plan.protocol = changes.log + (new_log or []) + plan.protocol
    plan.findings = findings + plan.findings
    plan.summary = {**summary, **plan.summary}
    return finish(plan, S.SHEET_FINDINGS, S.SHEET_PROTOCOL)


def _last_value_row(sheet: SheetData) -> int:
    """The last row holding a value: where a list's appended rows begin below (as the writers do)."""
    for r in range(sheet.max_row, 0, -1):
        if any(not V.is_blank(v) for v in sheet.rows[r - 1]):
            return r
    return 0


def _shown(value: CellValue) -> str:
    return V.display(value) if not V.is_blank(value) else "leer"


def _amount_de(amount: float) -> str:
    """1234.5 -> '1.234,50'."""
    return f"{amount:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def _same_text(a: CellValue, b: CellValue) -> bool:
    return V.norm_text(a) == V.norm_text(b)


# ---------------------------------------------------------------- the platform's debts export

@dataclass
class _ExportRow:
    row: int
    order_id: str
    vendor_id: str | None = None
    status: str | None = None                 # canonical Schulden-Status
    values: dict[str, CellValue] = field(default_factory=dict)   # Masterliste header -> typed value


def _read_status(src: _Source, r: int, key: str) -> str | None:
    raw = src.reader.raw(r, S.M_DEBT_STATUS)
    if V.is_blank(raw):
        return None
    debt = V.match_choice(raw, S.DEBT_STATUSES)
    if debt is not None:
        return debt
    state = V.match_choice(raw, S.INCASSO_STATES)
    if state is not None:
        if state in STATE_TO_DEBT:
            return STATE_TO_DEBT[state]
        src.reader.add(INK.IMPORT_STATUS_NO_PAIR, r, S.M_DEBT_STATUS, key=key, value=state)
        return None
    choices = [*S.DEBT_STATUSES, *STATE_TO_DEBT]
    hint = V.nearest_choice(raw, choices)
    allowed = "" if hint else f" (erlaubt: {', '.join(S.DEBT_STATUSES)})"
    src.reader.add(INK.IMPORT_STATUS_INVALID, r, S.M_DEBT_STATUS, key=key, suggestion=hint,
                   value=V.norm_text(raw), header=_header_text(src, S.M_DEBT_STATUS),
                   allowed=allowed)
    return None


def _read_export_rows(src: _Source) -> list[_ExportRow]:
    rd, cmap = src.reader, src.cmap
    out: list[_ExportRow] = []
    first_row: dict[str, int] = {}
    for r in src.rows():
        bad: list[str] = []
        oid = rd.ident(r, S.M_ORDER_ID, unreadable=bad)
        if oid is None:
            if not bad:
                rd.add(INK.IMPORT_ROW_NO_ORDER, r, S.M_ORDER_ID, header=_header_text(src, S.M_ORDER_ID))
            continue
        if oid in first_row:
            rd.add(INK.IMPORT_ORDER_TWICE, r, S.M_ORDER_ID, key=oid, order_id=oid, first_row=first_row[oid])
            continue
        first_row[oid] = r
        row = _ExportRow(r, oid)
        if cmap.col(S.M_VENDOR_ID):
            row.vendor_id = rd.ident(r, S.M_VENDOR_ID, oid)
        row.status = _read_status(src, r, oid)
        for h in (S.M_FIRST_LETTER, S.M_SECOND_LETTER, S.M_INCASSO_DATE):
            if cmap.col(h):
                row.values[h] = rd.date(r, h, oid)
        if cmap.col(S.M_AMOUNT):
            row.values[S.M_AMOUNT] = rd.parse(r, S.M_AMOUNT, V.parse_amount, INK.IMPORT_AMOUNT_INVALID, oid)
        for h in (S.M_INVOICE_NO, S.M_FIRST_NAME, S.M_LAST_NAME, S.M_PRODUCT):
            if cmap.col(h):
                value = rd.raw(r, h)
                row.values[h] = None if V.is_blank(value) else (value.strip() if isinstance(value, str) else value)
        out.append(row)
    return out


def _agrees(header: str, current: CellValue, parsed: object, imported: CellValue) -> bool:
    """Whether the Masterliste's non-blank ``current`` (``parsed`` as the run read it, None when it
    could not be read) says what the export says."""
    if header in (S.M_FIRST_LETTER, S.M_SECOND_LETTER, S.M_INCASSO_DATE):
        return parsed is not None and parsed == imported
    if header == S.M_AMOUNT:
        try:
            amount = V.parse_amount(current)
        except V.ParseError:
            return False
        return amount is not None and isinstance(imported, float) and abs(amount - imported) < 0.005
    return _same_text(current, imported)


def _parsed(o: Order, header: str) -> object:
    return {S.M_FIRST_LETTER: o.first_letter, S.M_SECOND_LETTER: o.second_letter,
            S.M_INCASSO_DATE: o.incasso_date, S.M_VENDOR_ID: o.vendor_id}.get(header)


def _cell_value(header: str, value: CellValue) -> tuple[CellValue, str | None]:
    """How an imported value is written into the Masterliste (value, number format)."""
    if header in (S.M_FIRST_LETTER, S.M_SECOND_LETTER, S.M_INCASSO_DATE):
        return value, DATE_FORMAT
    if header == S.M_AMOUNT:
        return value, AMOUNT_FORMAT
    if header in (S.M_VENDOR_ID, S.M_ORDER_ID) and isinstance(value, str):
        return V.id_for_output(value), None
    return value, None


def plan_import_schulden(wb: WorkbookData, source: SourceTable, ctx: RunContext) -> Plan:
    """The platform's debts export into the Masterliste (SPEC §2 "Closing the loop"):

    - an order of the Masterliste takes the export's Schulden-Status (an illegal change is made and
      reported, as in a run);
    - a blank dunning date (and a blank name, product, amount, invoice number, vendor) is filled from
      the export; a non-blank one is kept, and a disagreement is a finding;
    - an order the Masterliste lacks is appended when its vendor is active on the overview sheet,
      else reported once per vendor;
    - the orders of the export's vendors that the export lacks are reported, never deleted.
    Then the run on the changed data; ``plan.summary`` counts the import's changes first."""
    target = _target(wb)
    src = _source(source, SCHULDEN_COLUMNS, SCHULDEN_REQUIRED, target.settings)
    action = f"Import {IMPORT_SCHULDEN} '{source.name}'"
    changes = _Changes(target, ctx, action)
    findings = src.findings
    rows = _read_export_rows(src)
    master, cmap = target.master, target.cmap
    status_changed = filled = 0
    new_rows: list[dict[int, CellValue]] = []
    new_log: list[ProtocolEntry] = []
    not_added: dict[tuple[str, str], list[str]] = {}
    first_new = _last_value_row(master) + 1
    width = cmap.last_column

    for er in rows:
        o = target.by_id.get(er.order_id)
        if o is None:
            vendor = target.vendors.get(er.vendor_id) if er.vendor_id else None
            if er.vendor_id is None:
                if S.M_VENDOR_ID not in cmap.missing:
                    findings.append(INK.IMPORT_NEW_ORDER_NO_VENDOR.at(
                        src.sheet.name, src.cell(er.row, S.M_ORDER_ID), key=er.order_id, order_id=er.order_id,
                        header=" / ".join((S.M_VENDOR_ID, *SCHULDEN_COLUMNS[S.M_VENDOR_ID]))))
                continue
            if vendor is None or not vendor.active:
                why = (f"nicht aktiv auf '{S.SHEET_OVERVIEW}'" if vendor is not None
                       else f"steht nicht auf '{S.SHEET_OVERVIEW}'")
                not_added.setdefault((er.vendor_id, why), []).append(er.order_id)
                continue
            values: dict[str, CellValue] = {S.M_VENDOR_ID: er.vendor_id, S.M_ORDER_ID: er.order_id,
                                            S.M_DEBT_STATUS: er.status, **er.values}
            row: dict[int, CellValue] = {}
            for header, value in values.items():
                col = cmap.col(header)
                if col is not None and value is not None:
                    row[col] = _cell_value(header, value)[0]
            landing = first_new + len(new_rows)
            new_rows.append(row)
            new_log.append(ProtocolEntry(ctx.now, ctx.user, f"{action}: Bestellung hinzugefügt", master.name,
                                         er.order_id, f"A{landing}:{col_letter(max(width, max(row)))}{landing}",
                                         None, f"Vendor {er.vendor_id}, {er.status or 'ohne Status'}"))
            continue

        # the Schulden-Status mirrors the platform
        if er.status is not None and er.status != o.debt_status and cmap.col(S.M_DEBT_STATUS):
            prev = _remembered_status(target, o.order_id) or o.debt_status
            if prev is not None and prev != er.status:
                illegal = transition_finding(master.name, address(o.row, cmap.col(S.M_DEBT_STATUS) or 1),
                                             er.order_id, prev, er.status,
                                             _before_blocked(target, er.order_id))
                if illegal is not None:
                    findings.append(illegal)
            changes.set(o, S.M_DEBT_STATUS, er.status)
            status_changed += 1
        # every other column is the agents': blank is filled, non-blank kept
        values = dict(er.values)
        if er.vendor_id is not None:
            values[S.M_VENDOR_ID] = er.vendor_id
        for header, imported in values.items():
            if imported is None or cmap.col(header) is None:
                continue
            current = changes.current(o, header)
            if V.is_blank(current):
                value, fmt = _cell_value(header, imported)
                changes.set(o, header, value, fmt)
                filled += 1
            elif not _agrees(header, current, _parsed(o, header), imported):
                findings.append(INK.IMPORT_DISAGREES.at(
                    master.name, address(o.row, cmap.col(header) or 1), key=o.order_id, header=header,
                    current=_shown(current), imported=_shown(imported), source=src.where(er.row, header)))

    for (vendor_id, why), orders in not_added.items():
        findings.append(INK.IMPORT_VENDOR_NOT_ACTIVE.at(src.sheet.name, key=vendor_id, count=len(orders),
                                                        vendor_id=vendor_id, why=why, orders=_some(orders)))
    # the orders of the export's vendors that it lacks: information, never deleted
    in_export = {er.order_id for er in rows}
    vendors_in_export = {er.vendor_id for er in rows if er.vendor_id} | {
        o.vendor_id for er in rows if (o := target.by_id.get(er.order_id)) is not None and o.vendor_id}
    lacking: dict[str, list[str]] = {}
    active = {v for v in vendors_in_export if v in target.vendors and target.vendors[v].active}
    for oid, o in target.by_id.items():
        if o.vendor_id in active and oid not in in_export:
            lacking.setdefault(o.vendor_id or "", []).append(oid)
    for vendor_id, orders in sorted(lacking.items()):
        findings.append(INK.IMPORT_NOT_IN_EXPORT.at(master.name, key=vendor_id, count=len(orders),
                                                    vendor_id=vendor_id, source=source.name, orders=_some(orders)))
    summary = {
        f"{IMPORT_SCHULDEN}: Zeilen gelesen": len(rows),
        f"{IMPORT_SCHULDEN}: Schulden-Status geändert": status_changed,
        f"{IMPORT_SCHULDEN}: leere Zellen ergänzt": filled,
        f"{IMPORT_SCHULDEN}: Bestellungen hinzugefügt": len(new_rows),
        f"{IMPORT_SCHULDEN}: nicht hinzugefügt (Vendor nicht aktiv)": sum(len(v) for v in not_added.values()),
        f"{IMPORT_SCHULDEN}: fehlen im Export": sum(len(v) for v in lacking.values()),
    }
    return _combine(target, ctx, changes, findings, summary, new_rows, new_log)


def _some(ids: list[str], limit: int = 5) -> str:
    return ", ".join(ids[:limit]) + (f" … (+{len(ids) - limit})" if len(ids) > limit else "")


# ---------------------------------------------------------------- Diagonal's monthly feedback

def _event_spellings(settings: Settings) -> dict[str, str]:
    """Every spelling read as an event -> the event (SPEC's names first, then EVENTS, then the
    settings' 'Ereignis <event>' rows, ';'-separated)."""
    out: dict[str, str] = {}
    for event, spellings in EVENTS.items():
        configured: list[str] = []
        key = EVENT_SETTING.format(event=event)
        if key in settings:
            configured = [p.strip() for p in str(settings.get(key)).split(";") if p.strip()]
        for spelling in (event, *spellings, *configured):
            out.setdefault(V.norm_key(spelling), event)
    return out


def note_line(event: str, day: date, amount: float | None) -> str:
    """The line entered into Notizen: 'Diagonal 10/2026: teilbezahlt 50,00 € (15.10.2026)'."""
    paid = f" {_amount_de(amount)} €" if amount is not None else ""
    return f"Diagonal {day:%m/%Y}: {event}{paid} ({V.format_date_de(day)})"


def _has_note(notes: CellValue, event: str, day: date) -> bool:
    """Whether Notizen holds this event of this date already (whatever amount it names)."""
    head, tail = f"Diagonal {day:%m/%Y}: {event}", f"({V.format_date_de(day)})"
    lines = [line.strip() for line in str(notes or "").splitlines()]
    return any(line.startswith(head + " ") and line.endswith(tail) for line in lines)


def plan_import_diagonal(wb: WorkbookData, source: SourceTable, ctx: RunContext) -> Plan:
    """Diagonal's monthly feedback into the Masterliste (SPEC §2 "Closing the loop"): each event is
    one line in the order's Notizen (never twice for the same order, event and date); 'bezahlt' also
    sets incasso_state = paid and Schulden-Status = Bezahlt; an order the Masterliste does not know
    or that is not at the agency is a finding and changes nothing. Then the run."""
    target = _target(wb)
    src = _source(source, DIAGONAL_COLUMNS, DIAGONAL_REQUIRED, target.settings)
    action = f"Import {IMPORT_DIAGONAL} '{source.name}'"
    changes = _Changes(target, ctx, action)
    findings = src.findings
    rd, cmap, master = src.reader, target.cmap, target.master
    spellings = _event_spellings(target.settings)
    notes_col = cmap.col(S.M_NOTES)
    counts = {"read": 0, "notes": 0, "paid": 0, "known": 0, "skipped": 0}
    pending_notes: dict[int, list[str]] = {}        # Masterliste row -> lines added by this import
    for r in src.rows():
        counts["read"] += 1
        bad: list[str] = []
        oid = rd.ident(r, S.M_ORDER_ID, unreadable=bad)
        if oid is None:
            if not bad:
                rd.add(INK.IMPORT_ROW_NO_ORDER, r, S.M_ORDER_ID, header=_header_text(src, S.M_ORDER_ID))
            counts["skipped"] += 1
            continue
        raw_event = rd.raw(r, F_EVENT)
        event = spellings.get(V.norm_key(raw_event))
        if event is None:
            hint = V.nearest_choice(raw_event, list(EVENTS)) if not V.is_blank(raw_event) else ""
            if hint == "":
                near = V.nearest_choice(raw_event, list(spellings))
                hint = spellings.get(V.norm_key(near), "") if near else ""
            rd.add(INK.FEEDBACK_EVENT_INVALID, r, F_EVENT, key=oid, suggestion=hint,
                   value=V.norm_text(raw_event) or "leer",
                   allowed="" if hint else f" (erlaubt: {', '.join(EVENTS)})")
            counts["skipped"] += 1
            continue
        amount = (rd.parse(r, F_AMOUNT, V.parse_amount, INK.IMPORT_AMOUNT_INVALID, oid)
                  if src.cmap.col(F_AMOUNT) else None)
        day = rd.date(r, F_DATE, oid) if src.cmap.col(F_DATE) else None
        if day is None:
            if V.is_blank(rd.raw(r, F_DATE)):
                findings.append(INK.FEEDBACK_DATE_MISSING.at(
                    src.sheet.name, src.cell(r, F_DATE) if src.cmap.col(F_DATE) else src.cell(r, S.M_ORDER_ID),
                    key=oid, header=F_DATE))
            counts["skipped"] += 1
            continue
        o = target.by_id.get(oid)
        if o is None:
            rd.add(INK.FEEDBACK_ORDER_UNKNOWN, r, S.M_ORDER_ID, key=oid, order_id=oid)
            counts["skipped"] += 1
            continue
        notes = changes.current(o, S.M_NOTES)
        if _has_note(notes, event, day):
            counts["known"] += 1
            continue
        if not _at_agency(o):
            rd.add(INK.FEEDBACK_NOT_AT_AGENCY, r, S.M_ORDER_ID, key=oid, order_id=oid, row=o.row,
                   state=V.norm_text(o.state_raw) or "leer", debt=o.debt_status or "leer")
            counts["skipped"] += 1
            continue
        if notes_col is None:
            findings.append(INK.IMPORT_NOTES_COLUMN_MISSING.at(master.name, key=oid, header=S.M_NOTES,
                                                               what=f"Rückmeldung für {oid}"))
            counts["skipped"] += 1
            continue
        line = note_line(event, day, amount)
        text = notes.rstrip() if isinstance(notes, str) else V.norm_text(notes)
        changes.set(o, S.M_NOTES, f"{text}\n{line}" if text else line)
        pending_notes.setdefault(o.row, []).append(line)
        counts["notes"] += 1
        if event == EV_PAID:
            counts["paid"] += _mark_paid(target, changes, findings, o)
    summary = {
        f"{IMPORT_DIAGONAL}: Zeilen gelesen": counts["read"],
        f"{IMPORT_DIAGONAL}: Notizen eingetragen": counts["notes"],
        f"{IMPORT_DIAGONAL}: als bezahlt gesetzt": counts["paid"],
        f"{IMPORT_DIAGONAL}: schon eingetragen": counts["known"],
        f"{IMPORT_DIAGONAL}: nicht übernommen": counts["skipped"],
    }
    return _combine(target, ctx, changes, findings, summary)


def _mark_paid(target: _Target, changes: _Changes, findings: list[Finding], o: Order) -> int:
    """'bezahlt': incasso_state = paid (from blank or sent_for_collection; another state is the
    agents' and kept), Schulden-Status = Bezahlt; 1 when anything was set."""
    cmap, master = target.cmap, target.master
    changed = 0
    state_col = cmap.col(S.M_INCASSO_STATE)
    raw_state = changes.current(o, S.M_INCASSO_STATE)
    current = V.match_choice(raw_state, S.INCASSO_STATES)
    if state_col is None:
        findings.append(INK.IMPORT_NOTES_COLUMN_MISSING.at(master.name, key=o.order_id, header=S.M_INCASSO_STATE,
                                                           what=f"paid für {o.order_id}"))
    elif V.is_blank(raw_state) or current == S.STATE_SENT:
        changes.set(o, S.M_INCASSO_STATE, S.STATE_PAID)
        changed = 1
    elif current != S.STATE_PAID:
        findings.append(INK.FEEDBACK_STATE_KEPT.at(master.name, address(o.row, state_col), key=o.order_id,
                                                   state=V.norm_text(raw_state)))
    debt_col = cmap.col(S.M_DEBT_STATUS)
    current_debt = V.match_choice(changes.current(o, S.M_DEBT_STATUS), S.DEBT_STATUSES)
    if debt_col is None:
        findings.append(INK.IMPORT_NOTES_COLUMN_MISSING.at(master.name, key=o.order_id, header=S.M_DEBT_STATUS,
                                                           what=f"Bezahlt für {o.order_id}"))
    elif current_debt != S.DEBT_PAID:
        prev = _remembered_status(target, o.order_id) or current_debt
        if prev is not None and prev != S.DEBT_PAID:
            illegal = transition_finding(master.name, address(o.row, debt_col), o.order_id or "", prev, S.DEBT_PAID,
                                         _before_blocked(target, o.order_id))
            if illegal is not None:
                findings.append(illegal)
        changes.set(o, S.M_DEBT_STATUS, S.DEBT_PAID)
        changed = 1
    return changed
