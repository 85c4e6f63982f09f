"""The actions every front end calls — the CLI (``xl_addin.cli``), the ribbon buttons
(``xl_addin.excel.entry``) and ``make demo`` (``xl_addin.demo``): run/check, the Diagonal
hand-over CSVs, the status list, step done, new case, due cases, the VPA export, a new workbook.

Each action works on an ``OpenWorkbook``: a workbook's data with its kind recognised (the kind the
action needs, else one message says where the action works), its settings and the context (now in
the kind's time zone, the user), each read once. The kinds return Plans, rows and bytes; nothing
here prints or asks. Where the data comes from and where a Plan goes is the front end's part:

- on a file (CLI, demo): ``open_file`` reads it with the package reader, ``apply_to_file`` applies
  a Plan with the package writer, the ``write_*`` functions put exports on disk through
  ``xl_addin.files``; ``run_file`` is the whole run/check of one file;
- in Excel (ribbon): ``open_workbook`` on the data read live, the Plan applied live.

Errors whose message is a German one-liner for the agent: ``AGENT_ERRORS``.
"""
from __future__ import annotations

import getpass
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from . import files
from .core.catalog import Core
from .core.context import RunContext
from .core.due import DueItem
from .core.findings import ERROR, Finding, Refusal
from .core.plan import Plan
from .core.settings import Settings
from .core.workbook_data import WorkbookData, sheet_key
from .kinds import KINDS, Kind, UnknownWorkbook, detect_kind, kind_named
from .kinds.diagonal import schema as diagonal_schema
from .kinds.diagonal.findings import Diagonal as DIA
from .kinds.inkasso import schema as inkasso_schema
from .kinds.inkasso.findings import Inkasso as INK
from .kinds.kind import BERLIN
from .package import (
    FileIdentity,
    Terminated,
    WorkbookChanged,
    WorkbookError,
    WorkbookLock,
    WorkbookLocked,
    check_writable,
    read_workbook,
    read_workbook_as_is,
)
from .package.allocator import paused_gc
from .package.guard import terminate_raises
from .package.rawrows import forget_ahead as forget_cut_ahead
from .package.reader import SheetTexts

# A run imports only its own kind's rules (``Kind.plan_run``); the other actions import what they
# need (the kinds' action modules, the preview, the calendar, the import sources) when called.
if TYPE_CHECKING:
    from .core.preview import Preview
    from .core.source import SourceTable
    from .kinds.diagonal.actions import DueCase
    from .kinds.inkasso.handover import CsvExport
    from .kinds.inkasso.status_list import StatusList
    from .kinds.kundenakten.vpa_export import VpaExport
    from .package.writer import ApplyResult

__all__ = [
    "AGENT_ERRORS", "ALL_VENDORS", "IMPORTS", "DueCalendar", "FileResult", "ImportResult", "NewCase",
    "OpenWorkbook", "SourceError", "StepDone", "Terminated", "apply_to_book", "apply_to_file",
    "batch_signals", "default_user", "due_calendar", "due_cases", "due_items", "editing", "handover_csvs",
    "import_diagonal", "import_file", "import_schulden", "kind_names", "local_now", "new_case", "new_workbook",
    "open_file", "open_workbook", "out_folder", "pdf_converter_installed", "plan_run", "preview", "preview_file",
    "read_source", "run_file", "sheets_needed", "status_list", "step_done", "vpa_export", "write_calendar",
    "write_handover_csv", "write_handover_csvs", "write_report", "write_status_list", "write_vpa_export",
]


class SourceError(Exception):
    """A file to import cannot be read (missing, not .csv/.xlsx, damaged); ``str(e)`` says why."""


# Errors whose ``str(e)`` already tells the agent what is wrong (sheet, cell, what to do); the
# kinds' own (Diagonal's ActionError, the VPA export's ExportError, ImportRefused) are Refusals.
AGENT_ERRORS: tuple[type[Exception], ...] = (UnknownWorkbook, WorkbookError, SourceError, Refusal)

# The kinds' own actions as the agents call them (the names are those of ``Kind.actions``).
ACTION_TITLES = {
    "export-csv": "CSV für Diagonal",
    "status-list": "Status-Liste",
    "step-done": "Schritt erledigt",
    "new-case": "Neuer Fall",
    "due": "Fällige Fälle",
    "export-akte": "VPA-Akte",
    "import-schulden": "Schulden-Export importieren",
    "import-diagonal": "Diagonal-Rückmeldung importieren",
}

ALL_VENDORS = ("alle", "all")           # what an agent types for "every vendor of the Masterliste"


# ---------------------------------------------------------------- who, when, which workbook

def default_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return os.environ.get("USERNAME") or os.environ.get("USER") or "xl_addin"


def local_now(tz: str = BERLIN) -> datetime:
    return datetime.now(ZoneInfo(tz)).replace(tzinfo=None, microsecond=0)


def kind_names() -> list[str]:
    return [k.name for k in KINDS]


@dataclass
class OpenWorkbook:
    """A workbook's data ready for an action: its kind and the context (now, user); its
    settings are read once, when an action first needs them.

    Opened from a file to be changed (``open_file(..., writable=True)``) it also holds the file's
    lock — no other run, ribbon press or server reads and writes it until ``close()`` (or the
    end of a ``with`` block, or of the process) — and the identity of the file as it was read,
    which ``apply_to_book`` hands the writer: a file someone saved meanwhile is not written."""
    data: WorkbookData
    kind: Kind
    context: RunContext
    path: Path | None = None
    read_as: FileIdentity | None = None
    lock: WorkbookLock | None = field(default=None, repr=False)
    # the sheets' texts as read (part -> bytes or their future), for the writer of this very file
    texts: SheetTexts = field(default_factory=dict, repr=False)

    @cached_property
    def _settings_read(self) -> tuple[Settings, list[Finding]]:
        return self.kind.read_settings(self.data)

    @property
    def settings(self) -> Settings:
        return self._settings_read[0]

    @property
    def ignored_aliases(self) -> list[Finding]:
        """The settings sheet's aliases that name another known column and are ignored — what an
        export shows next to its own findings (a run has them on the Prüfung sheet)."""
        return [f for f in self._settings_read[1] if f.code == Core.SETTINGS_ALIAS_COLUMN.code]

    def release_data(self) -> None:
        """Let go of the values read (a run keeps only its Plan while it writes: on the 20,000-order
        Masterliste that is ~30 MiB less at the write's peak); the sheets' names stay."""
        self.data = WorkbookData(source=self.data.source, unread=(*self.data.sheets, *self.data.unread))

    def close(self) -> None:
        """Let go of the file's lock (nothing to do for a book opened read-only or live) and of
        the sheets' texts kept for its writer (and their rows, cut while it was read)."""
        lock, self.lock = self.lock, None
        if self.texts:
            self.texts = {}
            forget_cut_ahead()
        if lock is not None:
            lock.release()

    def __enter__(self) -> OpenWorkbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _kind_with_action(action: str) -> Kind:
    return next(k for k in KINDS if action in k.actions)


def _require(found: Kind, action: str, source: str) -> None:
    """UnknownWorkbook unless ``found`` is the kind that has ``action`` — the one message for
    every front end."""
    if action in found.actions:
        return
    want = _kind_with_action(action)
    sheets = ("Blatt " if len(want.signature) == 1 else "Blätter ") + ", ".join(f"'{s}'" for s in want.signature)
    raise UnknownWorkbook(f"{ACTION_TITLES[action]} geht nur in der Arbeitsmappe '{want.title}' "
                          f"({sheets}) — '{source}' ist '{found.title}'")


def open_workbook(wb: WorkbookData, *, action: str | None = None, now: datetime | None = None,
                  user: str | None = None) -> OpenWorkbook:
    """Recognise the kind of ``wb`` (for ``action``, e.g. "step-done": it must be the kind that
    has it) and fix the context: ``now`` defaults to the local time of the kind's time zone,
    ``user`` to the login name. UnknownWorkbook says why not."""
    kind = detect_kind(wb)
    if action is not None:
        _require(kind, action, wb.source)
    return OpenWorkbook(wb, kind, RunContext(now or local_now(kind.timezone), user or default_user()))


def sheets_needed(names: Sequence[str]) -> list[str]:
    """Of a workbook's sheet ``names``: those its kind's run and actions read (``Kind.reads``) — the
    append-only Protokoll and the agents' own sheets are not read, so their size costs a run
    nothing. A workbook of no known kind is read whole (it is refused right after, as before)."""
    return _sheets_to_read(_kind_of_sheets(names), names)


def _sheets_to_read(kind: Kind | None, names: Sequence[str]) -> list[str]:
    return kind.sheets_to_read(names) if kind is not None else list(names)


def _kind_of_sheets(names: Sequence[str]) -> Kind | None:
    try:
        return detect_kind(WorkbookData(unread=tuple(names)))
    except UnknownWorkbook:
        return None


def open_file(path, *, action: str | None = None, now: datetime | None = None, user: str | None = None,
              writable: bool = False, wait: float | None = None) -> OpenWorkbook:
    """``open_workbook`` on the file at ``path``, reading only the sheets its kind needs
    (``sheets_needed``). ``writable``: the file is to be changed — take
    its lock first (waiting up to ``wait`` seconds for another run, default
    ``package.guard.DEFAULT_WAIT_SECONDS``), refuse when it cannot be written (e.g. open in Excel
    or LibreOffice), and remember the file as read; close the book (``with``) to let go of the
    lock. WorkbookError or UnknownWorkbook say why not."""
    if not writable:
        return open_workbook(read_workbook(path, sheets_needed), action=action, now=now, user=user)
    check_writable(Path(path))              # missing, read-only, open in Excel: say so before waiting
    lock = WorkbookLock(path, wait=wait).acquire()
    kinds: list[Kind] = []

    def needed(names: Sequence[str]) -> list[str]:       # sheets_needed, the kind remembered
        kind = _kind_of_sheets(names)
        if kind is not None:
            kinds.append(kind)
        return _sheets_to_read(kind, names)

    def meanwhile(waiting: bool) -> None:   # while calamine builds the biggest sheet: what comes next
        for kind in kinds:
            kind.import_run(ahead=waiting)
        import_module("xl_addin.package.writer")

    texts: SheetTexts = {}
    try:                                    # the log a run appends to is inflated while it plans
        data, read_as = read_workbook_as_is(path, needed, meanwhile=meanwhile, texts=texts,
                                            ahead=lambda: [kind.protocol_sheet for kind in kinds])
        book = open_workbook(data, action=action, now=now, user=user)
    except BaseException:
        lock.release()
        raise
    book.path, book.read_as, book.lock, book.texts = Path(path), read_as, lock, texts
    return book


@contextmanager
def editing(path: Path | None, wait: float | None = 0) -> Iterator[None]:
    """Hold the lock of the workbook file at ``path`` meanwhile (nothing when ``path`` is None or
    no file: a workbook never saved) — what a ribbon button that changes the open workbook does,
    so that a server run never interleaves with it. ``wait`` defaults to 0: Excel must not hang.
    Where no lock file can be made (a read-only folder) the button works without one."""
    if path is None or not Path(path).is_file():
        yield
        return
    lock = WorkbookLock(path, wait=wait)
    held = True
    try:
        lock.acquire()
    except WorkbookLocked:
        raise
    except WorkbookError:       # no lock possible (a read-only folder): Excel edits only its copy
        held = False
    try:
        yield
    finally:
        if held:
            lock.release()


def apply_to_file(path, plan: Plan, backups: int | None = None, *, read_as: FileIdentity | None = None,
                  wait: float | None = None, texts: SheetTexts | None = None) -> ApplyResult:
    """Apply ``plan`` to the file in place, keeping ``backups`` copies (default: the workbook's
    setting 'Backups'); ``read_as``: the file as it was read to make the plan (a file saved by
    someone since is not written: WorkbookChanged); ``texts``: its sheets' texts as read, which the
    writer takes instead of inflating them again (``open_file``)."""
    from .package.writer import apply_plan
    return apply_plan(path, plan, backups=plan.keep_backups if backups is None else backups,
                      read_as=read_as, wait=wait, texts=texts)


def apply_to_book(book: OpenWorkbook, plan: Plan, backups: int | None = None) -> ApplyResult:
    """Apply ``plan`` to the file ``book`` was opened from (``open_file(..., writable=True)``),
    under its lock, refusing when the file changed since it was read."""
    if book.path is None:
        raise ValueError("apply_to_book: das Buch wurde nicht aus einer Datei zum Ändern geöffnet")
    return apply_to_file(book.path, plan, backups, read_as=book.read_as, texts=book.texts)


# ---------------------------------------------------------------- run / check, every kind

def plan_run(book: OpenWorkbook) -> Plan:
    """The Plan of a run: computed cells, colours, 'Prüfung', 'Protokoll' — "check" is this Plan
    with nothing applied."""
    with paused_gc():   # a Plan is many small objects and no cycles (see package.allocator)
        return book.kind.plan_run(book.data, book.context)


@dataclass
class FileResult:
    path: Path
    kind: str = ""
    plan: Plan | None = None
    written: bool = False
    backup: Path | None = None
    error: str = ""                     # why the file could not be run (one line)
    notes: list[str] = field(default_factory=list)   # what the write did besides the plan (one line each)
    preview: Preview | None = None      # ``preview_file``: what the run would change

    @property
    def ok(self) -> bool:
        return not self.error


def run_file(path, now: datetime | None = None, user: str | None = None, *, write: bool = True,
             backups: int | None = None, wait: float | None = None) -> FileResult:
    """Recompute one workbook in place (``write=False``: findings only, the file is not touched).
    Read, plan and write happen under the workbook's lock (``wait``: seconds to wait for another
    run); a file someone saves while the run plans is read and planned once more. What cannot be
    done is in ``error``, never raised: a batch goes on with the next file.

    The error boundary of a batch: besides the expected refusals (``WorkbookError``,
    ``UnknownWorkbook``) every other exception — a bug, a MemoryError, a panic in a Rust library
    (a ``BaseException``) — becomes one line in ``error`` too; the original is untouched (the
    writer replaces it only as its very last step). Only Ctrl-C and a termination (SIGTERM:
    ``Terminated``) end the batch."""
    res = FileResult(Path(path))
    try:
        return _run_file(res, now, user, write, backups, wait)
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as e:      # the batch's boundary: one line per file, never a traceback
        res.plan, res.written = None, False
        res.error = (f"Datei '{res.path.name}': unerwarteter Fehler ({type(e).__name__}: "
                     f"{str(e).splitlines()[0] if str(e) else '-'}) — nicht geschrieben, Original unverändert")
        return res


def _run_file(res: FileResult, now: datetime | None, user: str | None, write: bool, backups: int | None,
              wait: float | None) -> FileResult:
    try:
        for attempt in (1, 2):
            with open_file(res.path, now=now, user=user, writable=write, wait=wait) as book:
                res.kind = book.kind.name
                res.plan = plan_run(book)
                if not write:
                    break
                book.release_data()     # the write needs the Plan only: the values read go first
                try:
                    applied = apply_to_book(book, res.plan, backups)
                except WorkbookChanged:
                    if attempt == 2:
                        raise
                    continue
                res.written, res.backup = applied.written, applied.backup_path
                res.notes = list(applied.notes)
                break
    except (WorkbookError, UnknownWorkbook) as e:
        res.error = str(e)
    return res


def write_report(path, data: bytes) -> Path:
    """A batch's summary (JSON) for monitoring, written atomically: a monitor never reads half of
    it. OSError says why not."""
    return files.atomic_write_bytes(Path(path), data)


def batch_signals():
    """Context manager for a batch: SIGTERM/SIGHUP (a systemd stop, a closed session) raise
    ``Terminated`` between files too, so that the batch can still say what it did and what it
    left undone; within a file the run cleans up as always."""
    return terminate_raises()


def preview_file(path, now: datetime | None = None, user: str | None = None) -> FileResult:
    """What ``run`` would change in the workbook at ``path`` — cell by cell, rows, colours, sheets
    rewritten, Protokoll lines (``FileResult.preview``) — read without the lock and nothing written.
    What cannot be read is in ``error``, never raised."""
    res = FileResult(Path(path))
    try:
        with open_file(res.path, now=now, user=user) as book:
            res.kind = book.kind.name
            res.plan = plan_run(book)
            res.preview = preview(book, res.plan)
    except (WorkbookError, UnknownWorkbook) as e:
        res.error = str(e)
    return res


def new_workbook(kind_name: str, path) -> Path:
    """A new, empty workbook of the kind named ``kind_name`` at ``path``; never overwrites a file
    (FileExistsError), ValueError for an unknown kind."""
    from .templates import render_workbook
    try:
        kind = kind_named(kind_name)
    except KeyError:
        raise ValueError(f"Unbekannte Arbeitsmappen-Art '{kind_name}' (bekannt: {', '.join(kind_names())})") from None
    path = Path(path)
    if path.exists():
        raise FileExistsError(f"Die Datei '{path}' gibt es schon — sie wird nicht überschrieben.")
    return files.write_new_file(path, render_workbook(kind.layouts(), kind.title, kind.language))


# ---------------------------------------------------------------- Inkasso: hand-over CSV, status list

def handover_csvs(book: OpenWorkbook, vendors: Sequence[object]) -> list[CsvExport]:
    """The Diagonal hand-over CSV of each vendor (all or nothing per vendor: ``content`` is None
    when a row has an error); 'alle' = every vendor of the Masterliste. ValueError for a vendor id
    that cannot be read."""
    from .kinds.inkasso import handover

    _require(book.kind, "export-csv", book.data.source)
    if any(str(v).strip().casefold() in ALL_VENDORS for v in vendors):
        every = handover.build_all_vendor_csvs(book.data, book.settings)
        # none when the Masterliste's headers have errors: then each vendor's export says so
        exports = every or [handover.build_vendor_csv(book.data, v, book.settings)
                            for v in handover.vendors_with_orders(book.data, book.settings)]
    else:
        exports = [handover.build_vendor_csv(book.data, v, book.settings) for v in vendors]
    for export in exports:
        export.findings[:0] = book.ignored_aliases
    return exports


def write_handover_csv(export: CsvExport, out_dir) -> Path:
    """Write the CSV into ``out_dir`` atomically; ValueError for an export with errors."""
    if export.content is None:
        errors = sum(1 for f in export.findings if f.severity == ERROR)
        raise ValueError(f"CSV für vendor_id {export.vendor_id} wird nicht geschrieben: "
                         f"{errors} Fehler in der {inkasso_schema.SHEET_MASTER}")
    return files.atomic_write_bytes(Path(out_dir) / export.filename, export.content)


def write_handover_csvs(exports: Sequence[CsvExport], out_dir) -> list[Path | None]:
    """Each export's file in ``out_dir`` (None for a blocked export: nothing written for it). A
    file that cannot be written (read-only, disk full) is None too, with a finding on its export
    saying why; the exports after it are still tried."""
    written: list[Path | None] = []
    for ex in exports:
        if ex.content is None:
            written.append(None)
            continue
        try:
            written.append(write_handover_csv(ex, out_dir))
        except OSError as e:
            ex.findings.append(INK.CSV_NOT_WRITTEN.at(inkasso_schema.SHEET_MASTER, key=ex.vendor_id,
                                                      name=ex.filename, why=e.strerror or str(e)))
            ex.content = None
            written.append(None)
    return written


def out_folder(path) -> Path:
    """The folder exports go to, made if missing; OSError (``strerror`` says why) when it cannot
    be made or written into — before anything is written."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PermissionError(13, "Ordner ist schreibgeschützt", str(folder))
    return folder


def status_list(book: OpenWorkbook, vendor: object,
                statuses: Sequence[str] | None) -> StatusList:
    """A vendor's orders with the given Schulden-Status values (None/empty = all); ValueError
    for an unknown status or an unreadable vendor id."""
    from .kinds.inkasso import status_list as inkasso_status_list

    _require(book.kind, "status-list", book.data.source)
    sl = inkasso_status_list.build_status_list(book.data, vendor, list(statuses or []) or None, book.settings)
    sl.findings[:0] = book.ignored_aliases
    return sl


def write_status_list(sl: StatusList, out_dir) -> list[Path]:
    """Write the list as ``.csv`` (';', UTF-8 with BOM, TT.MM.JJJJ — for German Excel) and as a
    new ``.xlsx``; atomically. ValueError for a list with errors."""
    errors = [f for f in sl.findings if f.severity == ERROR]
    if errors:
        raise ValueError(f"Status-Liste für vendor_id {sl.vendor_id} wird nicht geschrieben: "
                         f"{errors[0].text()}")
    from .kinds.inkasso import status_list as inkasso_status_list

    base = inkasso_status_list.status_list_basename(sl)
    return [files.atomic_write_bytes(Path(out_dir) / f"{base}.csv", inkasso_status_list.status_csv_bytes(sl)),
            files.atomic_write_bytes(Path(out_dir) / f"{base}.xlsx", inkasso_status_list.status_xlsx_bytes(sl))]


# ---------------------------------------------------------------- Diagonal: step done, new case, due

@dataclass
class StepDone:
    plan: Plan                          # the steps set, logged, and the recompute
    done: int                           # cases moved on
    refused: list[Finding]              # cases that cannot move on (closed, unclear input)


def step_done(book: OpenWorkbook, rows: Sequence[int] = (), orders: Sequence[str] = ()) -> StepDone:
    """"Schritt erledigt" on sheet rows and/or order ids; ActionError when none of them is a case."""
    from .kinds.diagonal import actions as diagonal_actions

    _require(book.kind, "step-done", book.data.source)
    plan = diagonal_actions.plan_step_done(book.data, book.context, rows=list(rows), orders=list(orders))
    return StepDone(plan, plan.summary.get("Schritt erledigt", 0),
                    [f for f in plan.findings if f.code == diagonal_actions.STEP_DONE_REFUSED])


@dataclass
class NewCase:
    plan: Plan                          # the row appended, logged, and the recompute
    row: int | None
    request_type: str                   # as the step table spells it (else as typed)
    agency: str

    @property
    def vendor_warnings(self) -> list[Finding]:
        """What the new row's User-ID lacks on 'Vendoren' (then no VIP, no e-mail)."""
        return [f for f in self.plan.findings if f.code == DIA.VENDOR_UNKNOWN.code and f.cell.endswith(str(self.row))]


def new_case(book: OpenWorkbook, order_id: object, user_id: object, request_type: str,
             agency: str | None = None) -> NewCase:
    """A new case on 'Fälle'; ``agency`` defaults to the request type's agency (Debtist-* →
    Debtist, else Diagonal). ActionError says why not."""
    from .core.values import match_choice
    from .kinds.diagonal import actions as diagonal_actions

    _require(book.kind, "new-case", book.data.source)
    known = match_choice(request_type, diagonal_schema.REQUEST_TYPES)
    if agency is None:
        agency = diagonal_schema.agency_of(known) if known else diagonal_schema.DIAGONAL
    plan = diagonal_actions.plan_new_case(book.data, book.context, order_id, user_id, request_type, agency)
    return NewCase(plan, plan.summary.get("Fall angelegt (Zeile)"), known or request_type, agency)


def due_cases(book: OpenWorkbook, within: timedelta | None = None) -> list[DueCase]:
    """Open cases due now (or within ``within``) or earlier, the soonest first."""
    from .kinds.diagonal import actions as diagonal_actions

    _require(book.kind, "due", book.data.source)
    return diagonal_actions.due_cases(book.data, book.context, within)


# ---------------------------------------------------------------- due dates, every kind: list and calendar

def due_items(book: OpenWorkbook) -> list[DueItem]:
    """Every open row with a due date (Diagonal: Fällig am of open cases; Inkasso: the next dunning
    step's Fällig am; Solleciti: Scadenza task; Kundenakten: Wiedervorlage) as the run leaves the
    workbook, soonest first, future ones included."""
    with paused_gc():
        return book.kind.due(book.data, book.context)


@dataclass
class DueCalendar:
    items: list[DueItem]
    content: bytes                      # the iCalendar file
    identity: str                       # the workbook identity the UIDs are made from


def due_calendar(book: OpenWorkbook, identity: str | None = None) -> DueCalendar:
    """The due dates of ``book`` as an iCalendar file, one event per due row; ``identity`` (default:
    the workbook's file name, ``core.ical.workbook_identity``) makes the UIDs together with the
    kind and each row's key, so the same workbook exported again updates its events."""
    from .core.ical import calendar_bytes, workbook_identity

    items = due_items(book)
    name = Path(book.data.source).name if book.data.source else book.kind.title
    ident = " ".join(identity.split()).casefold() if identity and identity.strip() else workbook_identity(name)
    return DueCalendar(items, calendar_bytes(items, kind=book.kind.name, title=book.kind.title, workbook=name,
                                             identity=ident, tz=book.kind.timezone, now=book.context.now,
                                             lang=book.kind.language), ident)


def write_calendar(cal: DueCalendar, path) -> Path:
    """The calendar file at ``path``, atomically (an older export there is replaced)."""
    return files.atomic_write_bytes(Path(path), cal.content)


# ---------------------------------------------------------------- Kundenakten: the VPA file

def vpa_export(book: OpenWorkbook, customer: str) -> VpaExport:
    """The allow-listed VPA rows of one customer; ExportError says why not."""
    from .kinds.kundenakten import vpa_export as kundenakten_vpa

    _require(book.kind, "export-akte", book.data.source)
    export = kundenakten_vpa.build_vpa_export(book.data, customer)
    export.findings[:0] = book.ignored_aliases
    return export


def pdf_converter_installed() -> bool:
    return files.find_soffice() is not None


def write_vpa_export(export: VpaExport, out_dir, now: datetime, pdf: bool = True) -> list[Path]:
    """Write ``<out_dir>/VPA-Akte_<Kunde>.xlsx`` ('Stand' = ``now``) and, when ``pdf`` and
    LibreOffice is installed, the ``.pdf`` next to it. Returns the files written."""
    from .kinds.kundenakten import vpa_export as kundenakten_vpa

    base = Path(out_dir) / kundenakten_vpa.export_basename(export)
    xlsx = files.atomic_write_bytes(base.with_name(base.name + ".xlsx"), kundenakten_vpa.xlsx_bytes(export, now))
    soffice = files.find_soffice() if pdf else None
    if soffice is None:
        return [xlsx]
    try:
        return [xlsx, files.convert_to_pdf(xlsx, base.with_name(base.name + ".pdf"), soffice)]
    except files.PdfConversionError as e:
        raise kundenakten_vpa.ExportError(str(e)) from None


# ---------------------------------------------------------------- preview, every kind

def preview(book: OpenWorkbook, plan: Plan) -> Preview:
    """What ``plan`` (made from ``book``) would change, cell by cell — nothing is written."""
    from .core.preview import plan_preview

    due = book.kind.due_columns
    return plan_preview(plan, book.data, book.kind.protocol_sheet,
                        {due.sheet: due.key[0]} if due is not None else None, book.settings.aliases())


# ---------------------------------------------------------------- Inkasso: closing the loop

Columns = dict[str, tuple[str, ...]]
ImportPlan = Callable[[WorkbookData, "SourceTable", RunContext], Plan]


def _schulden_import() -> tuple[Columns, ImportPlan]:
    from .kinds.inkasso import imports
    return imports.SCHULDEN_COLUMNS, imports.plan_import_schulden


def _diagonal_import() -> tuple[Columns, ImportPlan]:
    from .kinds.inkasso import imports
    return imports.DIAGONAL_COLUMNS, imports.plan_import_diagonal


@dataclass(frozen=True)
class _Import:
    action: str                         # as in Kind.actions and on the command line
    title: str
    rules: Callable[[], tuple[Columns, ImportPlan]]   # its columns and its plan, imported when first used

    @property
    def columns(self) -> Columns:
        return self.rules()[0]

    @property
    def plan(self) -> ImportPlan:
        return self.rules()[1]


IMPORTS = {
    "import-schulden": _Import("import-schulden", "Schulden-Export", _schulden_import),
    "import-diagonal": _Import("import-diagonal", "Diagonal-Rückmeldung", _diagonal_import),
}

SOURCE_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")


def read_source(path, action: str = "import-schulden") -> SourceTable:
    """The records of a file to import: a CSV (``,``/``;``/tab sniffed from its header, UTF-8 with
    or without BOM) or an .xlsx/.xlsm (its first visible sheet whose row 1 has the most of the
    import's headers). SourceError says why not."""
    from .core.source import table_from_csv, table_from_sheet
    from .kinds.inkasso.imports import known_headers

    path = Path(path)
    columns = IMPORTS[action].columns
    suffix = path.suffix.lower()
    if suffix not in SOURCE_SUFFIXES:
        raise SourceError(f"'{path.name}': nur .csv- oder .xlsx-Dateien können importiert werden")
    if not path.is_file():
        raise SourceError(f"'{path}': Datei nicht gefunden")
    known = known_headers(columns)
    if suffix in (".csv", ".txt"):
        try:
            data = path.read_bytes()
        except OSError as e:
            raise SourceError(f"'{path.name}' lässt sich nicht lesen ({e.strerror or e})") from None
        return table_from_csv(data, path.name, known)
    wb = read_workbook(path)
    sheets = [s for s in wb.sheets.values() if s.state == "visible" and s.rows] or \
        [s for s in wb.sheets.values() if s.rows]
    if not sheets:
        raise SourceError(f"'{path.name}': die Arbeitsmappe enthält keine Daten")
    wanted = {sheet_key(h) for h in known}
    best = max(sheets, key=lambda s: sum(1 for v in s.rows[0] if sheet_key(str(v or "")) in wanted))
    return table_from_sheet(best, path.name, only_sheet=len(wb.sheets) == 1)


@dataclass
class ImportResult:
    plan: Plan                          # the import's changes, logged, and the run on the changed data
    source: SourceTable
    preview: Preview
    written: bool = False
    backup: Path | None = None

    @property
    def findings(self) -> list[Finding]:
        """The import's own findings (a source cell, a disagreement, an order not taken over, and
        what the run says about a cell the import changed, e.g. an illegal status change) — the
        run's findings on the rest of the workbook are in ``plan.findings`` with them."""
        from .kinds.inkasso.imports import IMPORT_CODES

        changed = {(e.sheet, e.cell) for e in self.plan.protocol if e.action.startswith("Import ")}
        return [f for f in self.plan.findings if f.sheet == self.source.label
                or f.code in IMPORT_CODES or (f.sheet, f.cell) in changed]

    @property
    def counts(self) -> dict[str, int]:
        """The import's own counts ('Schulden-Status geändert': 3, …), the run's left out."""
        head = next(imp.title for imp in IMPORTS.values() if any(k.startswith(imp.title + ": ") for k in
                                                                   self.plan.summary))
        return {k.split(": ", 1)[1]: v for k, v in self.plan.summary.items() if k.startswith(head + ": ")}

    @property
    def changes(self) -> int:
        """Values the import sets and rows it adds (the run's own changes not counted)."""
        return sum(1 for e in self.plan.protocol if e.action.startswith("Import "))


def _import(book: OpenWorkbook, source: SourceTable, action: str) -> ImportResult:
    _require(book.kind, action, book.data.source)
    with paused_gc():
        plan = IMPORTS[action].plan(book.data, source, book.context)
    return ImportResult(plan, source, preview(book, plan))


def import_schulden(book: OpenWorkbook, source: SourceTable) -> ImportResult:
    """The platform's debts export into the Masterliste, then the run (nothing written here)."""
    return _import(book, source, "import-schulden")


def import_diagonal(book: OpenWorkbook, source: SourceTable) -> ImportResult:
    """Diagonal's monthly feedback into the Masterliste, then the run (nothing written here)."""
    return _import(book, source, "import-diagonal")


def import_file(action: str, path, source_path, now: datetime | None = None, user: str | None = None, *,
                write: bool = True, backups: int | None = None) -> ImportResult:
    """``action`` ('import-schulden' / 'import-diagonal') of the file at ``source_path`` into the
    workbook at ``path``; with ``write`` the Plan is applied as by ``run`` (lock, backup, atomic) —
    only when the import changes anything, so importing a file again writes nothing. AGENT_ERRORS
    say why not."""
    with open_file(path, action=action, now=now, user=user, writable=write) as book:
        result = _import(book, read_source(source_path, action), action)
        if write and result.changes:
            applied = apply_to_book(book, result.plan, backups)
            result.written, result.backup = applied.written, applied.backup_path
    return result
