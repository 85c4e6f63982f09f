"""What the ribbon buttons call: ``RunPython "import xl_addin.excel.entry as e; e.<function>()"``.

Each function works on the workbook that is active in Excel (``XlwingsBook.caller()``, inside the
error boundary, after checking that the installed xlwings is the one the add-in is built for),
or on the ``book`` it is given (tests pass a ``FakeBook``), and is thin: read the workbook live, ask
what the active row cannot tell, call the action (``xl_addin.actions``, the same functions the
CLI and the demo call), apply its Plan through the adapter, and report in exactly one message
box — the result, or what went wrong as German one-liners naming sheet and cell. No exception
leaves these functions (a Python traceback never reaches the agent; it goes to the log file
``xl_addin.log`` in ``%LOCALAPPDATA%\\xl_addin``). Every function takes ``now`` for reproducible
runs (default: local time of the workbook's kind). Each returns the text it showed ("" when the
agent cancelled a question).
"""
from __future__ import annotations

import os
import traceback
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import actions
from ..addin import xlwings_mismatch
from ..core import values as V
from ..core.findings import ERROR, WARNING, count_by_severity
from ..core.headers import locate_columns
from ..core.plan import Plan
from ..core.workbook_data import WorkbookData, sheet_key
from .adapter import LiveApplyError, XlwingsBook, apply_plan_live, read_workbook_live

if TYPE_CHECKING:
    from ..core.preview import Preview

TITLE = "xl_addin"
MAX_LINES = 10


class UserError(Exception):
    """Why an action cannot be done; ``str(e)`` is shown as it is."""


class _Cancelled(Exception):
    """The agent closed a question box: nothing to do, nothing to show."""


# ---------------------------------------------------------------- the frame of every action

def _log_file() -> Path:
    base = os.environ.get("LOCALAPPDATA") or str(Path.home() / ".xl_addin")
    return Path(base) / "xl_addin" / "xl_addin.log"


def _log(title: str) -> Path | None:
    path = _log_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"--- {datetime.now().isoformat(timespec='seconds')} {title}\n{traceback.format_exc()}\n")
        return path
    except OSError:
        return None


# Errors whose message is already a German one-liner for the agent.
_AGENT_ERRORS: tuple[type[BaseException], ...] = (UserError, LiveApplyError, *actions.AGENT_ERRORS)


def _file_of(live) -> Path | None:
    """The workbook's file on disk (None for a new, never saved workbook or one on a web share)."""
    folder = live.folder()
    return folder / live.name if folder is not None else None


def _action(title: str, book, work: Callable[[Any], tuple[str, bool]], edits: bool = False) -> str:
    """``edits``: the action changes the workbook — it holds the workbook file's lock meanwhile,
    so a server run (``xl-addin run``) never interleaves with it; held by a run, the button says
    so in one line and changes nothing."""
    live = None
    try:
        problem = xlwings_mismatch() if book is None else None   # tests hand a FakeBook in
        if problem:
            raise UserError(problem)
        live = book if book is not None else XlwingsBook.caller()
        live.status(f"{TITLE}: {title} …")
        with actions.editing(_file_of(live) if edits else None):
            text, critical = work(live)
    except _Cancelled:
        return ""
    except _AGENT_ERRORS as e:
        text, critical = f"{title}: {e}", True
    except Exception as e:  # the button's boundary: never a traceback in Excel
        log = _log(title)
        where = f" — Details in {log}" if log else ""
        text, critical = f"{title}: unerwarteter Fehler ({type(e).__name__}: {e}){where}", True
    finally:
        if live is not None:
            live.status(None)
    _show(live, text, f"{TITLE} – {title}", critical)
    return text


def _show(live, text: str, title: str, critical: bool) -> None:
    """The one message box; without a workbook (``Book.caller()`` failed) through xlwings'
    own alert of the running Excel, and if even that fails the text is only returned."""
    if live is not None:
        live.alert(text, title, critical)
        return
    try:
        import xlwings as xw
        app = xw.apps.active
        if app is not None:
            app.alert(text, title=title, mode="critical" if critical else "info")
    except Exception:   # no Excel to show it in: RunPython's caller gets the text
        _log(title)


LIVE_BACKUP_FOLDER = ".xl_addin-backup"     # next to the workbook, as the headless run keeps its backups


def _apply(live, plan: Plan) -> None:
    """Apply ``plan`` to the open workbook, all or nothing, after saving a copy of it
    (``<folder>/.xl_addin-backup/<name>.vor-Excel-Aenderung<suffix>``) when it is on disk."""
    file = _file_of(live)
    backup = None
    if file is not None:
        backup = file.parent / LIVE_BACKUP_FOLDER / f"{file.stem}.vor-Excel-Aenderung{file.suffix}"
    apply_plan_live(live, plan, progress=_progress(live), backup_to=backup)


def _progress(live) -> Callable[[str], None]:
    return lambda step: live.status(f"{TITLE}: {step} …")


# ---------------------------------------------------------------- small helpers

def _open(live, now: datetime | None, action: str | None = None, formulas: bool = False) -> actions.OpenWorkbook:
    """The active workbook, read live, for ``action`` (None: any kind); ``formulas``: also which
    cells hold formulas (for exports that pass on typed values only)."""
    return actions.open_workbook(read_workbook_live(live, formulas), action=action, now=now, user=live.user())


def _findings_lines(findings, limit: int = MAX_LINES, severities=(ERROR, WARNING)) -> list[str]:
    shown = [f for f in findings if f.severity in severities]
    lines = [f"• {f.text()}" for f in shown[:limit]]
    if len(shown) > limit:
        lines.append(f"… und {len(shown) - limit} weitere (alle im Blatt 'Prüfung')")
    return lines


def _counts(plan: Plan) -> str:
    c = count_by_severity(plan.findings)
    return f"{c[ERROR]} Fehler, {c[WARNING]} Warnungen"


def _ask(live, prompt: str, title: str, default: str = "") -> str:
    answer = live.ask(prompt, f"{TITLE} – {title}", default)
    if answer is None:
        raise _Cancelled()
    return answer.strip()


def _active_value(live, wb: WorkbookData, sheet_names: list[str], header: str) -> object:
    """The value under ``header`` in the first selected row, when the selection is on one of
    ``sheet_names`` below the header row; else None."""
    sel_sheet, rows = live.selection()
    rows = [r for r in rows if r >= 2]
    if not rows:
        return None
    for name in sheet_names:
        sheet = wb.sheet(name)
        if sheet is None or sheet_key(sel_sheet) != sheet_key(sheet.name):
            continue
        cmap = locate_columns(sheet.name, sheet.rows[0] if sheet.rows else [], [header], {})
        col = cmap.col(header)
        value = sheet.value(rows[0], col) if col else None
        return None if V.is_blank(value) else value
    return None


def _as_id(value: object) -> str | None:
    try:
        return V.parse_id(value)
    except V.ParseError:
        return None


def _out_dir(live, folder: str, out_dir) -> Path:
    if out_dir is not None:
        return Path(out_dir)
    base = live.folder()
    if base is None:
        docs = Path.home() / "Documents"
        base = docs if docs.is_dir() else Path.home()
    return base / folder


def _when(value) -> str:
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return str(value)


# ---------------------------------------------------------------- every workbook

def recalculate(book=None, now: datetime | None = None) -> str:
    """"Neu berechnen": the same run as ``xl-addin run``, applied to the open workbook."""
    def work(live):
        opened = _open(live, now, formulas=True)        # the exports' formula findings, as headless
        plan = actions.plan_run(opened)
        _apply(live, plan)
        head = (f"{opened.kind.title}: neu berechnet — {_counts(plan)}, "
                f"{len(plan.protocol)} Änderungen protokolliert.")
        summary = [f"{k}: {v}" for k, v in plan.summary.items() if v][:8]
        errors = _findings_lines(plan.findings, severities=(ERROR,))
        return "\n".join([head, *summary, *([""] + errors if errors else [])]), bool(errors)
    return _action("Neu berechnen", book, work, edits=True)


def preview(book=None, now: datetime | None = None) -> str:
    """"Vorschau": what "Neu berechnen" would change — the counts, then the first changes per sheet
    (cell, old → new; rows added and removed; fills by colour name) and the Protokoll lines; nothing
    is written (like ``xl-addin run --preview``)."""
    def work(live):
        opened = _open(live, now)
        pv = actions.preview(opened, actions.plan_run(opened))
        head = f"{opened.kind.title}: Vorschau — {pv.counts_text()} (nichts geändert)."
        if not pv.changes:
            return f"{opened.kind.title}: Vorschau — 'Neu berechnen' ändert nichts.", False
        return "\n".join([head, *preview_lines(pv, MAX_LINES)]), False
    return _action("Vorschau", book, work)


def preview_lines(pv: Preview, limit: int) -> list[str]:
    """Message-box lines: per sheet what changes (counts, colours by name), then the first ``limit``
    single changes (cell, old → new; rows added and removed) and the Protokoll's count."""
    from ..core.preview import FILL, FONT, ROW_ADDED, ROW_REMOVED, SHEET_REWRITTEN, VALUE, Preview

    def show(value) -> str:
        return "–" if value in (None, "") else _when(value).replace("\n", " / ")

    lines: list[str] = []
    single: list[str] = []
    for sheet, changes in pv.by_sheet().items():
        if any(c.kind == SHEET_REWRITTEN for c in changes):
            lines.append(f"• {sheet}: neu geschrieben, {next(c.new for c in changes if c.kind == SHEET_REWRITTEN)}")
            continue
        colours: dict[str, int] = {}
        for c in changes:
            if c.kind in (FILL, FONT):
                key = str(c.new) if c.kind == FILL else f"Schrift {c.new}"
                colours[key] = colours.get(key, 0) + 1
            elif c.kind == VALUE:
                single.append(f"• {sheet}!{c.cell}{f' ({c.key})' if c.key else ''}: {show(c.old)} → {show(c.new)}")
            elif c.kind == ROW_ADDED:
                single.append(f"• {sheet} Zeile {c.cell.split(':')[0][1:]} neu: {show(c.new)}")
            elif c.kind == ROW_REMOVED:
                single.append(f"• {sheet} Zeile {c.cell.split(':')[0][1:]} entfernt: {show(c.old)}")
        counts = Preview([c for c in changes if c.kind not in (FILL, FONT)]).counts_text()
        colour_text = ", ".join(f"{n}× {colour}" for colour, n in colours.items())
        lines.append(f"• {sheet}: " + "; ".join(t for t in (counts if counts != "keine Änderungen" else "",
                                                            f"Farben {colour_text}" if colours else "") if t))
    if pv.protocol:
        lines.append(f"• Protokoll: {len(pv.protocol)} neue Zeile(n)")
    if single:
        lines += ["", "Erste Änderungen:", *single[:limit]]
        if len(single) > limit:
            lines.append(f"… und {len(single) - limit} weitere (alle: xl-addin run --preview)")
    return lines


def check(book=None, now: datetime | None = None) -> str:
    """"Prüfen": the findings of a run, nothing written (like ``xl-addin check``)."""
    def work(live):
        opened = _open(live, now, formulas=True)        # the exports' formula findings, as headless
        plan = actions.plan_run(opened)
        title = opened.kind.title
        if not any(f.severity in (ERROR, WARNING) for f in plan.findings):
            return f"{title}: keine Befunde.", False
        return "\n".join([f"{title}: {_counts(plan)}.", *_findings_lines(plan.findings)]), \
            any(f.severity == ERROR for f in plan.findings)
    return _action("Prüfen", book, work)


# ---------------------------------------------------------------- Inkasso

def _vendor(live, opened: actions.OpenWorkbook, question: str, title: str) -> str:
    """The User-ID of the vendor of the selected Masterliste row, else the one the agent types."""
    from ..kinds.inkasso import schema as S
    vendor = _as_id(_active_value(live, opened.data, [S.SHEET_MASTER], S.M_VENDOR_ID))
    if vendor is None:
        vendor = _ask(live, question, title)
    if not vendor:
        raise UserError("keine User-ID angegeben")
    return vendor


def export_diagonal_csv(book=None, now: datetime | None = None, out_dir=None) -> str:
    """"CSV für Diagonal exportieren": the hand-over CSV of the active row's vendor (or the
    vendor the agent names; 'alle' = every vendor). All or nothing per vendor."""
    def work(live):
        opened = _open(live, now, "export-csv", formulas=True)
        vendor = _vendor(live, opened, "User-ID des Vendors (oder 'alle'):", "CSV für Diagonal")
        exports = actions.handover_csvs(opened, [vendor])
        written = actions.write_handover_csvs(exports, _out_dir(live, "Diagonal-Export", out_dir))
        lines, blocked = [], 0
        for export, path in zip(exports, written, strict=True):
            if path is None:
                blocked += 1
                errors = [f for f in export.findings if f.severity == ERROR]
                lines.append(f"Vendor {export.vendor_id}: KEINE Datei — {len(errors)} Fehler:")
                lines += _findings_lines(errors, limit=5, severities=(ERROR,))
            else:
                lines.append(f"Vendor {export.vendor_id}: {export.rows} Bestellungen → {path}")
        return "\n".join(lines), blocked > 0
    return _action("CSV für Diagonal exportieren", book, work)


def export_status_list(book=None, now: datetime | None = None, out_dir=None) -> str:
    """"Status-Liste für Vendor": the vendor's orders with the Schulden-Status values the agent
    names (empty = all), as CSV and .xlsx."""
    def work(live):
        opened = _open(live, now, "status-list", formulas=True)
        vendor = _vendor(live, opened, "User-ID des Vendors:", "Status-Liste")
        answer = _ask(live, "Schulden-Status (mehrere mit ';' trennen, leer = alle):", "Status-Liste",
                      "Ans Inkasso übergeben")
        statuses = [s for s in (p.strip() for p in answer.split(";")) if s] or None
        try:
            sl = actions.status_list(opened, vendor, statuses)
        except ValueError as e:
            raise UserError(str(e)) from None
        errors = [f for f in sl.findings if f.severity == ERROR]
        if errors:
            return "\n".join([f"Vendor {sl.vendor_id}: keine Liste geschrieben —",
                              *_findings_lines(errors, severities=(ERROR,))]), True
        files = actions.write_status_list(sl, _out_dir(live, "Status-Listen", out_dir))
        return "\n".join([f"Vendor {sl.vendor_id}: {len(sl.rows)} Bestellungen → "
                          + ", ".join(str(p) for p in files), *_findings_lines(sl.findings)]), False
    return _action("Status-Liste für Vendor", book, work)


SOURCE_FILTER = "CSV oder Excel (*.csv;*.xlsx;*.xlsm),*.csv;*.xlsx;*.xlsm"
_PREVIEW_LINES = 8


def _import(action: str, title: str, book, now: datetime | None, source) -> str:
    """An import button: pick the file, show what it would change and ask "Übernehmen?", then
    apply it (the import and the recompute together) and report in one box."""
    def work(live):
        opened = _open(live, now, action)
        path = Path(source) if source is not None else live.pick_file(f"{title}: Datei wählen", SOURCE_FILTER)
        if path is None:
            raise _Cancelled()
        table = actions.read_source(path, action)
        result = actions.import_schulden(opened, table) if action == "import-schulden" \
            else actions.import_diagonal(opened, table)
        head = actions.IMPORTS[action].title
        counts = [f"{k}: {v}" for k, v in result.counts.items() if v]
        findings = _findings_lines(result.findings, limit=5)
        if not result.changes:
            return "\n".join([f"{head} '{table.name}': nichts zu übernehmen — die Mappe bleibt unverändert.",
                              *counts, *([""] + findings if findings else [])]), False
        imported = [e for e in result.plan.protocol if e.action.startswith("Import ")]
        lines = [f"• {e.sheet}!{e.cell} {e.key}: {_when(e.old) if e.old not in (None, '') else '–'} → "
                 f"{_when(e.new) if e.new not in (None, '') else '–'}".replace("\n", " / ")
                 for e in imported[:_PREVIEW_LINES]]
        if len(imported) > _PREVIEW_LINES:
            lines.append(f"… und {len(imported) - _PREVIEW_LINES} weitere")
        question = "\n".join([f"{head} '{table.name}' → {result.changes} Änderungen:", *counts, "", *lines,
                              *([""] + findings if findings else []), "", "Übernehmen?"])
        if not live.confirm(question, f"{TITLE} – {title}"):
            raise _Cancelled()
        _apply(live, result.plan)
        return "\n".join([f"{head} '{table.name}' übernommen: {result.changes} Änderungen, protokolliert; "
                          f"die Mappe ist neu berechnet ({_counts(result.plan)}).", *counts]), False
    return _action(title, book, work, edits=True)


def import_debts_export(book=None, now: datetime | None = None, source=None) -> str:
    """"Schulden-Export importieren": the platform's debts export (CSV or .xlsx) into the Masterliste."""
    return _import("import-schulden", "Schulden-Export importieren", book, now, source)


def import_diagonal_feedback(book=None, now: datetime | None = None, source=None) -> str:
    """"Diagonal-Rückmeldung importieren": Diagonal's monthly feedback into the Masterliste's Notizen."""
    return _import("import-diagonal", "Diagonal-Rückmeldung importieren", book, now, source)


# ---------------------------------------------------------------- Diagonal

def new_diagonal_case(book=None, now: datetime | None = None) -> str:
    """"Neuer Fall (Diagonal)": a case for the active row's order (Datum = heute, Schritt = Neu,
    VIP from Vendoren); asks for what it cannot read from the row."""
    def work(live):
        from ..kinds.diagonal import schema as DS
        opened = _open(live, now, "new-case")
        order = _as_id(_active_value(live, opened.data, [DS.SHEET_CASES], DS.C_ORDER_ID))
        user = _as_id(_active_value(live, opened.data, [DS.SHEET_CASES], DS.C_USER_ID))
        if order is None:
            order = _ask(live, "Bestell-ID des neuen Falls:", "Neuer Fall")
        if user is None:
            user = _ask(live, "User-ID des Vendors:", "Neuer Fall")
        rtype = _ask(live, "Anfrageart (" + ", ".join(DS.REQUEST_TYPES) + "):", "Neuer Fall")
        case = actions.new_case(opened, order, user, rtype)
        _apply(live, case.plan)
        return "\n".join([f"Neuer Fall angelegt: Bestellung {order}, {case.request_type} ({case.agency}).",
                          *_findings_lines([f for f in case.plan.findings if f.sheet == DS.SHEET_CASES])]), False
    return _action("Neuer Fall (Diagonal)", book, work, edits=True)


def step_done(book=None, now: datetime | None = None) -> str:
    """"Schritt erledigt" on the selected rows of 'Fälle': next step, Schritt seit = now, logged."""
    def work(live):
        from ..kinds.diagonal import schema as DS
        opened = _open(live, now, "step-done")
        cases = opened.data.sheet(DS.SHEET_CASES)
        sel_sheet, rows = live.selection()
        rows = [r for r in rows if r >= 2]
        if cases is None or sheet_key(sel_sheet) != sheet_key(cases.name) or not rows:
            raise UserError(f"bitte die Zeilen der Fälle im Blatt '{DS.SHEET_CASES}' markieren")
        result = actions.step_done(opened, rows=rows)
        _apply(live, result.plan)
        return "\n".join([f"Schritt erledigt: {result.done} Fall/Fälle weitergesetzt"
                          + (f", {len(result.refused)} nicht möglich:" if result.refused else "."),
                          *_findings_lines(result.refused, severities=(ERROR,))]), bool(result.refused)
    return _action("Schritt erledigt", book, work, edits=True)


def due_cases(book=None, now: datetime | None = None) -> str:
    """"Fällige Fälle": open cases due now or earlier, the soonest first."""
    def work(live):
        due = actions.due_cases(_open(live, now, "due"))
        if not due:
            return "Keine fälligen Fälle.", False
        overdue = sum(1 for c in due if c.overdue)
        lines = [f"{len(due)} fällige Fälle, davon {overdue} überfällig:"]
        for c in due[:15]:
            lines.append(f"• Zeile {c.row}: {c.order_id or '—'} · {c.step or '—'} · fällig {_when(c.due)}"
                         + (" (überfällig)" if c.overdue else "") + f" — {c.action}"
                         + (f" [{c.saved_reply}]" if c.saved_reply else ""))
        if len(due) > 15:
            lines.append(f"… und {len(due) - 15} weitere")
        return "\n".join(lines), False
    return _action("Fällige Fälle", book, work)


# ---------------------------------------------------------------- Kundenakten

def export_vpa_file(book=None, now: datetime | None = None, out_dir=None, pdf: bool = True) -> str:
    """"VPA-Akte exportieren": the VPA rows (only those) of the active row's customer."""
    def work(live):
        from ..kinds.kundenakten import schema as KS
        opened = _open(live, now, "export-akte", formulas=True)
        customer = _active_value(live, opened.data, [KS.SHEET_CUSTOMERS, KS.SHEET_ENTRIES], KS.K_CUSTOMER)
        name = V.norm_text(customer) if customer is not None else _ask(live, "Name des Kunden:", "VPA-Akte")
        export = actions.vpa_export(opened, name)
        files = actions.write_vpa_export(export, _out_dir(live, "VPA-Akten", out_dir), opened.context.now, pdf=pdf)
        return "\n".join([f"VPA-Akte {export.customer}: {len(export.rows)} VPA-Einträge → "
                          + ", ".join(str(p) for p in files),
                          f"nicht exportiert (O-Team/unklar): {export.withheld}",
                          *_findings_lines(export.findings)]), False
    return _action("VPA-Akte exportieren", book, work)
