"""What the ribbon buttons call: ``RunPython "import xl_addin.excel.entry as e; e.<function>()"``.

Each function works on the workbook that is active in Excel (``XlwingsBook.caller()``), or on
the ``book`` it is given (tests pass a ``FakeBook``), and is thin: read the workbook live,
call the engine / the workbook kind's module, apply the Plan through the adapter, and report
in exactly one message box — the result, or what went wrong as German one-liners naming sheet
and cell. No exception leaves these functions (a Python traceback never reaches the agent; it
goes to the log file ``xl_addin.log`` in ``%LOCALAPPDATA%\\xl_addin``). Every function takes
``now`` for reproducible runs (default: local time of the workbook's kind). Each returns the
text it showed ("" when the agent cancelled a question).

The Diagonal and Kundenakten modules are imported lazily, when their button is pressed.
"""
from __future__ import annotations

import os
import traceback
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..core import values as V
from ..core.findings import ERROR, WARNING, count_by_severity
from ..core.headers import locate_columns
from ..core.plan import Plan
from ..core.workbook_data import WorkbookData
from ..core.context import RunContext
from .adapter import LiveApplyError, XlwingsBook, apply_plan_live, read_workbook_live

TITLE = "xl_addin"
MAX_LINES = 10
DEFAULT_UDF_MODULES = "xl_addin.udfs"


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


def _expected_errors() -> tuple[type[BaseException], ...]:
    """Errors whose message is already a German one-liner for the agent."""
    from ..engine import UnknownWorkbook
    errors: list[type[BaseException]] = [UserError, LiveApplyError, UnknownWorkbook]
    for module, name in (("xl_addin.kinds.diagonal", "ActionError"),
                         ("xl_addin.kinds.kundenakten.vpa_export", "ExportError"),
                         ("xl_addin.package", "WorkbookError")):
        try:
            errors.append(getattr(__import__(module, fromlist=[name]), name))
        except (ImportError, AttributeError):
            pass
    return tuple(errors)


def _action(title: str, book, work: Callable[[Any], tuple[str, bool]]) -> str:
    live = book if book is not None else XlwingsBook.caller()
    live.status(f"{TITLE}: {title} …")
    try:
        text, critical = work(live)
    except _Cancelled:
        return ""
    except _expected_errors() as e:
        text, critical = f"{title}: {e}", True
    except Exception as e:  # noqa: BLE001 - the button's boundary: never a traceback in Excel
        log = _log(title)
        where = f" — Details in {log}" if log else ""
        text, critical = f"{title}: unerwarteter Fehler ({type(e).__name__}: {e}){where}", True
    finally:
        live.status(None)
    live.alert(text, f"{TITLE} – {title}", critical)
    return text


def _progress(live) -> Callable[[str], None]:
    return lambda step: live.status(f"{TITLE}: {step} …")


# ---------------------------------------------------------------- small helpers

def _read(live, *, kind: str | None = None, what: str = ""):
    from ..engine import detect_kind, kind_named
    wb = read_workbook_live(live)
    k = detect_kind(wb)
    if kind is not None and k.name != kind:
        want = kind_named(kind) if kind in _kind_names() else None
        sheets = ", ".join(f"'{s}'" for s in want.signature) if want else ""
        raise UserError(f"{what} geht nur in der Arbeitsmappe '{want.title if want else kind}'"
                        + (f" (Blatt {sheets})" if sheets else "") + f" — '{live.name}' ist '{k.title}'")
    return wb, k


def _kind_names() -> list[str]:
    from ..engine import KINDS
    return [k.name for k in KINDS]


def _ctx(live, kind, now: datetime | None) -> RunContext:
    from ..engine import default_user, local_now
    return RunContext(now or local_now(kind.timezone), live.user() or default_user())


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
        if sheet is None or " ".join(sel_sheet.split()).casefold() != " ".join(sheet.name.split()).casefold():
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


def _inkasso_settings(wb: WorkbookData):
    from ..core.settings import Settings
    from ..kinds.inkasso import schema as S
    settings, _ = Settings.from_sheet(wb.sheet(S.SHEET_SETTINGS), S.SETTINGS, S.SHEET_SETTINGS)
    return settings


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
        wb, kind = _read(live)
        plan = kind.plan_run(wb, _ctx(live, kind, now))
        apply_plan_live(live, plan, progress=_progress(live))
        head = (f"{kind.title}: neu berechnet — {_counts(plan)}, "
                f"{len(plan.protocol)} Änderungen protokolliert.")
        summary = [f"{k}: {v}" for k, v in plan.summary.items() if v][:8]
        errors = _findings_lines(plan.findings, severities=(ERROR,))
        return "\n".join([head, *summary, *([""] + errors if errors else [])]), bool(errors)
    return _action("Neu berechnen", book, work)


def check(book=None, now: datetime | None = None) -> str:
    """"Prüfen": the findings of a run, nothing written (like ``xl-addin check``)."""
    def work(live):
        wb, kind = _read(live)
        plan = kind.plan_run(wb, _ctx(live, kind, now))
        if not any(f.severity in (ERROR, WARNING) for f in plan.findings):
            return f"{kind.title}: keine Befunde.", False
        return "\n".join([f"{kind.title}: {_counts(plan)}.", *_findings_lines(plan.findings)]), \
            any(f.severity == ERROR for f in plan.findings)
    return _action("Prüfen", book, work)


# ---------------------------------------------------------------- Inkasso

def export_diagonal_csv(book=None, now: datetime | None = None, out_dir=None) -> str:
    """"CSV für Diagonal exportieren": the hand-over CSV of the active row's vendor (or the
    vendor the agent names; 'alle' = every vendor). All or nothing per vendor."""
    def work(live):
        from ..kinds.inkasso import schema as S
        from ..kinds.inkasso.handover import build_vendor_csv, vendors_with_orders, write_export
        wb, _ = _read(live, kind="inkasso", what="CSV für Diagonal")
        settings = _inkasso_settings(wb)
        vendor = _as_id(_active_value(live, wb, [S.SHEET_MASTER], S.M_VENDOR_ID))
        if vendor is None:
            vendor = _ask(live, "User-ID des Vendors (oder 'alle'):", "CSV für Diagonal")
        if not vendor:
            raise UserError("keine User-ID angegeben")
        wanted = vendors_with_orders(wb, settings) if vendor.casefold() in ("alle", "all") else [vendor]
        target = _out_dir(live, "Diagonal-Export", out_dir)
        lines, blocked = [], 0
        for vid in wanted:
            export = build_vendor_csv(wb, vid, settings)
            if export.content is None:
                blocked += 1
                errors = [f for f in export.findings if f.severity == ERROR]
                lines.append(f"Vendor {export.vendor_id}: KEINE Datei — {len(errors)} Fehler:")
                lines += _findings_lines(errors, limit=5, severities=(ERROR,))
            else:
                path = write_export(export, target)
                lines.append(f"Vendor {export.vendor_id}: {export.rows} Bestellungen → {path}")
        return "\n".join(lines), blocked > 0
    return _action("CSV für Diagonal exportieren", book, work)


def export_status_list(book=None, now: datetime | None = None, out_dir=None) -> str:
    """"Status-Liste für Vendor": the vendor's orders with the Schulden-Status values the agent
    names (empty = all), as CSV and .xlsx."""
    def work(live):
        from ..kinds.inkasso import schema as S
        from ..kinds.inkasso.status_list import build_status_list, write_status_list
        wb, _ = _read(live, kind="inkasso", what="Status-Liste")
        vendor = _as_id(_active_value(live, wb, [S.SHEET_MASTER], S.M_VENDOR_ID))
        if vendor is None:
            vendor = _ask(live, "User-ID des Vendors:", "Status-Liste")
        if not vendor:
            raise UserError("keine User-ID angegeben")
        answer = _ask(live, "Schulden-Status (mehrere mit ';' trennen, leer = alle):", "Status-Liste",
                      "Ans Inkasso übergeben")
        statuses = [s for s in (p.strip() for p in answer.split(";")) if s] or None
        try:
            sl = build_status_list(wb, vendor, statuses, _inkasso_settings(wb))
        except ValueError as e:
            raise UserError(str(e)) from None
        errors = [f for f in sl.findings if f.severity == ERROR]
        if errors:
            return "\n".join([f"Vendor {sl.vendor_id}: keine Liste geschrieben —",
                              *_findings_lines(errors, severities=(ERROR,))]), True
        files = write_status_list(sl, _out_dir(live, "Status-Listen", out_dir))
        return "\n".join([f"Vendor {sl.vendor_id}: {len(sl.rows)} Bestellungen → "
                          + ", ".join(str(p) for p in files), *_findings_lines(sl.findings)]), False
    return _action("Status-Liste für Vendor", book, work)


# ---------------------------------------------------------------- Diagonal

def new_diagonal_case(book=None, now: datetime | None = None) -> str:
    """"Neuer Fall (Diagonal)": a case for the active row's order (Datum = heute, Schritt = Neu,
    VIP from Vendoren); asks for what it cannot read from the row."""
    def work(live):
        from ..kinds.diagonal import actions as D
        from ..kinds.diagonal import schema as DS
        wb, kind = _read(live, kind="diagonal", what="Neuer Fall")
        order = _as_id(_active_value(live, wb, [DS.SHEET_CASES], DS.C_ORDER_ID))
        user = _as_id(_active_value(live, wb, [DS.SHEET_CASES], DS.C_USER_ID))
        if order is None:
            order = _ask(live, "Bestell-ID des neuen Falls:", "Neuer Fall")
        if user is None:
            user = _ask(live, "User-ID des Vendors:", "Neuer Fall")
        rtype = _ask(live, "Anfrageart (" + ", ".join(DS.REQUEST_TYPES) + "):", "Neuer Fall")
        canonical = V.match_choice(rtype, DS.REQUEST_TYPES)
        agency = DS.agency_of(canonical) if canonical else DS.DIAGONAL
        plan = D.plan_new_case(wb, _ctx(live, kind, now), order, user, rtype, agency)
        apply_plan_live(live, plan, progress=_progress(live))
        return "\n".join([f"Neuer Fall angelegt: Bestellung {order}, {canonical or rtype} ({agency}).",
                          *_findings_lines([f for f in plan.findings if f.sheet == DS.SHEET_CASES])]), False
    return _action("Neuer Fall (Diagonal)", book, work)


def step_done(book=None, now: datetime | None = None) -> str:
    """"Schritt erledigt" on the selected rows of 'Fälle': next step, Schritt seit = now, logged."""
    def work(live):
        from ..kinds.diagonal import actions as D
        from ..kinds.diagonal import schema as DS
        wb, kind = _read(live, kind="diagonal", what="Schritt erledigt")
        cases = wb.sheet(DS.SHEET_CASES)
        sel_sheet, rows = live.selection()
        rows = [r for r in rows if r >= 2]
        if cases is None or sel_sheet.casefold() != cases.name.casefold() or not rows:
            raise UserError(f"bitte die Zeilen der Fälle im Blatt '{DS.SHEET_CASES}' markieren")
        plan = D.plan_step_done(wb, _ctx(live, kind, now), rows=rows)
        apply_plan_live(live, plan, progress=_progress(live))
        refused = [f for f in plan.findings if f.code == D.STEP_DONE_REFUSED]
        done = plan.summary.get("Schritt erledigt", 0)
        return "\n".join([f"Schritt erledigt: {done} Fall/Fälle weitergesetzt"
                          + (f", {len(refused)} nicht möglich:" if refused else "."),
                          *_findings_lines(refused, severities=(ERROR,))]), bool(refused)
    return _action("Schritt erledigt", book, work)


def due_cases(book=None, now: datetime | None = None) -> str:
    """"Fällige Fälle": open cases due now or earlier, the soonest first."""
    def work(live):
        from ..kinds.diagonal import actions as D
        wb, kind = _read(live, kind="diagonal", what="Fällige Fälle")
        due = D.due_cases(wb, _ctx(live, kind, now))
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
        from ..kinds.kundenakten.vpa_export import build_vpa_export, write_vpa_export
        wb, kind = _read(live, kind="kundenakten", what="VPA-Akte")
        customer = _active_value(live, wb, [KS.SHEET_CUSTOMERS, KS.SHEET_ENTRIES], KS.K_CUSTOMER)
        name = V.norm_text(customer) if customer is not None else _ask(live, "Name des Kunden:", "VPA-Akte")
        export = build_vpa_export(wb, name)
        files = write_vpa_export(export, _out_dir(live, "VPA-Akten", out_dir),
                                 _ctx(live, kind, now).now, pdf=pdf)
        return "\n".join([f"VPA-Akte {export.customer}: {len(export.rows)} VPA-Einträge → "
                          + ", ".join(str(p) for p in files),
                          f"nicht exportiert (O-Team/unklar): {export.withheld}",
                          *_findings_lines(export.findings)]), False
    return _action("VPA-Akte exportieren", book, work)


# ---------------------------------------------------------------- set-up

def import_udfs(book=None) -> str:
    """"UDFs importieren": xlwings writes the VBA wrappers of the UDF modules named in the
    add-in's config sheet into the add-in, so the formulas work in every workbook."""
    def work(live):
        import importlib
        config = live.addin_config()
        modules = str(config.get("UDF MODULES") or DEFAULT_UDF_MODULES).strip().rstrip(";")
        built_for = str(config.get("XL_ADDIN_XLWINGS_VERSION") or "")
        try:
            import xlwings
        except ImportError:
            raise UserError("xlwings ist nicht installiert — pip install 'xl_addin[excel]'") from None
        if built_for and built_for != xlwings.__version__:
            raise UserError(f"das Add-in ist für xlwings {built_for} gebaut, installiert ist "
                            f"{xlwings.__version__} — 'pip install xlwings=={built_for}' oder das "
                            f"Add-in neu bauen (xl-addin build-addin)")
        for name in modules.split(";"):
            try:
                importlib.import_module(name.strip())
            except ImportError as e:
                raise UserError(f"Modul '{name.strip()}' lässt sich nicht laden ({e})") from None
        try:
            live.import_udfs(modules)
        except Exception as e:  # noqa: BLE001 - COM refuses without 'trust access to the VBA project'
            raise UserError(f"nicht importiert ({e}). In Excel: Datei › Optionen › Trust Center › "
                            "Einstellungen für das Trust Center › Makroeinstellungen › 'Zugriff auf "
                            "das VBA-Projektobjektmodell vertrauen' einschalten, dann erneut klicken.") from None
        return (f"Formelfunktionen aus {modules} importiert — sie stehen jetzt in jeder "
                f"Arbeitsmappe zur Verfügung."), False
    return _action("UDFs importieren", book, work)
