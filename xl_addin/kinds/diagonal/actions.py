"""The Diagonal case log's actions besides the run (SPEC §1): step done, new case, due cases."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ...core import values as V
from ...core.cells import address, col_letter
from ...core.context import RunContext
from ...core.findings import ERROR, Finding
from ...core.plan import DATE_FORMAT, DATETIME_FORMAT, CellValue, CellWrite, Plan, ProtocolEntry, RowAppend
from ...core.report import finish
from ...core.tables import Table
from ...core.workbook_data import WorkbookData
from . import schema as S
from .findings import Diagonal as DIA
from .rules import ActionError, Case, _aware, _Book, _last_value_row, _plan, _read, decide

STEP_DONE_REFUSED = DIA.STEP_DONE_REFUSED.code   # the code the front ends pick the refused rows by


@dataclass(frozen=True)
class DueCase:
    row: int
    order_id: str | None
    agency: str | None
    request_type: str | None
    step: str | None
    vip: bool | None
    action: str
    saved_reply: str | None
    due: date | datetime
    overdue: bool

    def as_dict(self) -> dict:
        return {"row": self.row, "order_id": self.order_id, "agency": self.agency,
                "request_type": self.request_type, "step": self.step, "vip": self.vip, "action": self.action,
                "saved_reply": self.saved_reply, "due": self.due.isoformat(), "overdue": self.overdue}


def due_cases(wb: WorkbookData, ctx: RunContext, within: timedelta | None = None) -> list[DueCase]:
    """Open cases whose Fällig am is now or earlier (or within ``within`` from now), soonest first."""
    book = _read(wb)
    limit = _aware(ctx.now) + (within or timedelta(0))
    out = []
    for case in book.cases:
        d = decide(case, book.rules, ctx.today)
        if d.closed or d.due is None or d.due_at is None or d.due_at > limit:
            continue
        out.append((d.due_at, case.row, DueCase(
            case.row, case.order_id, case.agency or (S.agency_of(case.request_type) if case.request_type else None),
            case.request_type, case.step, case.vip, d.action, d.reply, d.due, d.is_overdue(ctx.now))))
    return [x[2] for x in sorted(out, key=lambda x: (x[0], x[1]))]


# ---------------------------------------------------------------- actions

def _note_text(old: CellValue, note: str, today: date) -> str | None:
    """Notiz/Kommentar with ``note`` added (dated), or None when it is there already."""
    text = V.norm_text(old)
    if note.casefold() in text.casefold():
        return None
    entry = f"{V.format_date_de(today)}: {note}"
    return f"{text}; {entry}" if text else entry


def _cases_table(book: _Book) -> Table:
    """`Fälle` of a book an action can change; ActionError when it cannot be read."""
    if book.cases_table is None:
        errors = [f.text() for f in book.findings if f.severity == ERROR and f.sheet == S.SHEET_CASES]
        raise ActionError(errors[0] if errors else f"Blatt '{S.SHEET_CASES}' nicht lesbar")
    return book.cases_table


def _select(book: _Book, sheet: str, rows: Iterable[int] | None,
            orders: Iterable[object] | None) -> tuple[list[Case], list[Finding]]:
    by_row = {c.row: c for c in book.cases}
    chosen: dict[int, Case] = {}
    refused: list[Finding] = []

    def refuse(cell: str, msg: str, key: str = "") -> None:
        refused.append(DIA.STEP_DONE_REFUSED.at(sheet, cell, key=key, reason=msg))

    for r in rows or ():
        if r in by_row:
            chosen.setdefault(r, by_row[r])
        else:
            refuse(f"A{r}" if r >= 1 else "", f"Zeile {r} ist kein Fall — Schritt nicht gesetzt")
    for raw in orders or ():
        try:
            oid = V.parse_id(raw)
        except V.ParseError as e:
            refuse("", f"Bestell-ID: {e}")
            continue
        hits = [c for c in book.cases if oid is not None and c.order_id == oid]
        open_hits = [c for c in hits if c.step not in S.CLOSED_STEPS]
        if not hits:
            refuse("", f"Bestell-ID {oid} steht nicht in '{S.SHEET_CASES}'", oid or "")
        elif len(open_hits) > 1:
            refuse("", f"Bestell-ID {oid} hat mehrere offene Fälle (Zeilen "
                   f"{', '.join(str(c.row) for c in open_hits)}) — bitte die Zeile angeben", oid or "")
        else:
            c = (open_hits or hits)[0]
            chosen.setdefault(c.row, c)
    return [chosen[r] for r in sorted(chosen)], refused


def plan_step_done(wb: WorkbookData, ctx: RunContext, rows: Iterable[int] | None = None,
                   orders: Iterable[object] | None = None) -> Plan:
    """"Schritt erledigt" on the given sheet rows and/or order ids: Schritt := the next step of the
    table, Schritt seit := now, the seed's note where a case closes; logged, then recomputed.
    Rows that cannot advance are skipped with a finding (code DIA-STEP-DONE-REFUSED);
    ``plan.summary['Schritt erledigt']`` counts the rows advanced."""
    book = _read(wb)
    table = _cases_table(book)
    sheet, cmap = table.sheet, table.cmap
    if not rows and not orders:
        raise ActionError("Keine Zeile und keine Bestell-ID angegeben")
    cases, refused = _select(book, sheet.name, rows, orders)
    step_col, since_col, note_col = cmap.required(S.C_STEP), cmap.required(S.C_SINCE), cmap.col(S.C_NOTE)
    writes: list[CellWrite] = []
    log: list[ProtocolEntry] = []
    cells: dict[tuple[int, int], CellValue] = {}

    def change(case: Case, col: int, value: CellValue, fmt: str | None, action: str) -> None:
        old = sheet.value(case.row, col)
        writes.append(CellWrite(sheet.name, case.row, col, value, fmt))
        cells[(case.row, col)] = value
        log.append(ProtocolEntry(ctx.now, ctx.user, action, sheet.name, case.order_id or "",
                                 address(case.row, col), old, value))

    for case in cases:
        d = decide(case, book.rules, ctx.today)
        if d.next_step is None:
            reason = f"Schritt nicht gesetzt: {d.refuse or 'nächster Schritt unklar'}"
            refused.append(DIA.STEP_DONE_REFUSED.at(sheet.name, address(case.row, step_col), key=case.order_id,
                                                    reason=reason))
            continue
        change(case, step_col, d.next_step, None, f"Schritt erledigt ({case.step} → {d.next_step})")
        change(case, since_col, ctx.now, DATETIME_FORMAT, "Schritt seit gesetzt")
        if d.note and note_col:
            text = _note_text(case.note, d.note, ctx.today)
            if text is not None:
                change(case, note_col, text, None, "Notiz ergänzt")
    done = len({w.row for w in writes})
    plan = _plan(_read(wb.with_cells(sheet.name, cells)), ctx) if cells else _plan(book, ctx)
    plan.writes = writes + plan.writes
    plan.protocol = log
    plan.findings = refused + plan.findings
    plan.summary = {"Schritt erledigt": done, "nicht möglich": len(refused), **plan.summary}
    return finish(plan, S.SHEET_FINDINGS, S.SHEET_PROTOCOL)


def plan_new_case(wb: WorkbookData, ctx: RunContext, order_id: object, user_id: object, request_type: str,
                  agency: str = S.DIAGONAL) -> Plan:
    """A new case row below the last one: Datum = today, Schritt = Neu, Schritt seit = now, VIP and
    Vendor-E-Mail from Vendoren; logged, then recomputed. ActionError (German) for bad arguments."""
    book = _read(wb)
    table = _cases_table(book)
    sheet, cmap = table.sheet, table.cmap
    try:
        oid, uid = V.parse_id(order_id), V.parse_id(user_id)
    except V.ParseError as e:
        raise ActionError(f"ID: {e}") from None
    if oid is None:
        raise ActionError("Bestell-ID fehlt")
    if uid is None:
        raise ActionError("User-ID fehlt")
    rtype = V.match_choice(request_type, S.REQUEST_TYPES)
    if rtype is None:
        hint = V.nearest_choice(request_type, S.REQUEST_TYPES)
        raise ActionError(f"Anfrageart '{request_type}' ist unbekannt"
                          + (f" — meinten Sie '{hint}'?" if hint else f" (erlaubt: {', '.join(S.REQUEST_TYPES)})"))
    agency_c = V.match_choice(agency, S.AGENCIES)
    if agency_c is None:
        raise ActionError(f"Agentur '{agency}' ist unbekannt (erlaubt: {', '.join(S.AGENCIES)})")
    if agency_c != S.agency_of(rtype):
        raise ActionError(f"Anfrageart '{rtype}' gehört zu {S.agency_of(rtype)}, nicht zu {agency_c}")

    vendor = book.vendors.get(uid)
    extra: list[Finding] = []
    new_row = _last_value_row(sheet) + 1
    user_col = cmap.col(S.C_USER_ID)
    if vendor is None:
        extra.append(DIA.VENDOR_UNKNOWN.at(sheet.name, address(new_row, user_col) if user_col else "", key=oid,
                                           user_id=uid, sheet=S.SHEET_VENDORS,
                                           consequence=" — VIP und Vendor-E-Mail bitte von Hand eintragen"))
    vip = None if vendor is None or vendor.vip is None else (S.YES if vendor.vip else S.NO)
    values: dict[str, CellValue] = {
        S.C_DATE: ctx.today, S.C_AGENCY: agency_c, S.C_TYPE: rtype, S.C_ORDER_ID: V.id_for_output(oid),
        S.C_USER_ID: V.id_for_output(uid), S.C_EMAIL: (vendor.email or None) if vendor else None,
        S.C_VIP: vip, S.C_STEP: S.S_NEW, S.C_SINCE: ctx.now}
    cells = {(new_row, col): v for h, v in values.items() if (col := cmap.col(h))}
    plan = _plan(_read(wb.with_cells(sheet.name, cells)), ctx)
    # the new row's computed cells travel inside the appended row; it has no colour (Neu)
    formats = {col: fmt for h, fmt in ((S.C_DATE, DATE_FORMAT), (S.C_SINCE, DATETIME_FORMAT))
               if (col := cmap.col(h))}
    for w in [w for w in plan.writes if w.sheet == sheet.name and w.row == new_row]:
        cells[(new_row, w.col)] = w.value
        if w.number_format:
            formats[w.col] = w.number_format
    plan.writes = [w for w in plan.writes if not (w.sheet == sheet.name and w.row == new_row)]
    assert all(f.rgb is None for f in plan.fills if f.sheet == sheet.name and f.row == new_row)
    plan.fills = [f for f in plan.fills if not (f.sheet == sheet.name and f.row == new_row)]
    width = max(c for _, c in cells)
    row_values = [cells.get((new_row, c)) for c in range(1, width + 1)]
    plan.appends.append(RowAppend(sheet.name, [row_values], number_formats=formats))
    last = col_letter(width)
    plan.protocol = [ProtocolEntry(ctx.now, ctx.user, "Fall angelegt", sheet.name, oid,
                                   f"A{new_row}:{last}{new_row}", None, f"{rtype} ({agency_c}), Schritt {S.S_NEW}")]
    plan.findings = extra + plan.findings
    plan.summary = {"Fall angelegt (Zeile)": new_row, **plan.summary}
    return finish(plan, S.SHEET_FINDINGS, S.SHEET_PROTOCOL)

