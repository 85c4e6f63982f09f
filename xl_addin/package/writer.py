"""apply_plan: patch the owned sheets, styles and wiring of a workbook and replace the file
atomically, keeping backups. Every other zip member is copied raw, in its original order."""
from __future__ import annotations

import contextlib
import os
import re
import tempfile
import zipfile
from collections import defaultdict
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from ..core.plan import Plan, auto_column_widths
from ..files import fsync_folder
from . import allocator, guard, safety
from .archive import Archive, ArchiveWriter, deflate
from .errors import Terminated, WorkbookChanged, WorkbookError
from .opc import SheetEntry, WorkbookParts, select, serialize, unselect
from .sheet import SheetPatcher, new_sheet_root
from .styles import Styles, normalise_rgb

BACKUP_DIR = ".xl_addin-backup"
_SIMPLE_RANGE = re.compile(
    r"^(?P<sheet>'(?:[^']|'')+'|[^'!:]+)!\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?$")


def _sheet_of(token: str) -> str:
    return token[1:-1].replace("''", "'") if token.startswith("'") else token


def _names_sheet(text: str, sheet: str, escaped: bool = False) -> bool:
    """Does a formula text (or an XML part, ``escaped``) refer to ``sheet``?"""
    needles = {sheet + "!", "'" + sheet.replace("'", "''") + "'!"}
    if escaped:
        needles |= {n.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                    for n in needles}
        needles |= {n.replace("'", "&apos;") for n in needles}
    folded = text.casefold()
    return any(n.casefold() in folded for n in needles)


@dataclass
class ApplyResult:
    path: Path
    written: bool
    backup_path: Path | None = None
    cells_written: int = 0           # values set: writes, appended and rewritten cells
    cells_filled: int = 0            # cells whose fill changed
    rows_appended: int = 0
    rows_deleted: int = 0
    sheets_changed: list[str] = field(default_factory=list)
    sheets_created: list[str] = field(default_factory=list)
    calc_chain_dropped: bool = False
    delete_modes: dict[str, str] = field(default_factory=dict)   # sheet -> "shift" | "values (…)"


def backup_paths(path, backups: int) -> list[Path]:
    """Where the backups of ``path`` live: .xl_addin-backup/<stem>.bak1<suffix> (newest) … in the
    folder of the real file (for a link: of its target, where the lock lives too)."""
    p = guard.real_file(path)
    folder = p.parent / BACKUP_DIR
    return [folder / f"{p.stem}.bak{i}{p.suffix}" for i in range(1, backups + 1)]


class _Edit:
    """All changes of one Plan on one archive, kept in memory until written."""

    def __init__(self, archive: Archive, plan: Plan):
        self.archive = archive
        self.plan = plan
        self.name = archive.name
        self.parts = WorkbookParts(archive)
        styles_part = self.parts.styles_part
        self.styles_part = styles_part if styles_part and archive.has(styles_part) else None
        self.styles = Styles(archive.xml(self.styles_part) if self.styles_part else None, self.name)
        self.patchers: dict[str, tuple[SheetEntry, SheetPatcher]] = {}
        self.product = frozenset(normalise_rgb(c) for c in plan.product_colours)
        self.result = ApplyResult(path=archive.path, written=False)
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="xl_addin")
        self._parsing: dict[str, Future] = {}     # part -> its root, parsed ahead
        self._serialised: dict[str, Future] = {}  # sheet part -> its XML bytes
        self._deflated: dict[str, Future] = {}    # sheet part -> its Deflated bytes

    # --- the worker thread -----------------------------------------------------------------
    # lxml lets go of the GIL while parsing and serialising, zlib while (in|de)flating: the
    # worker parses the sheets before the main thread needs them and serialises + deflates
    # each sheet as soon as the plan has no more changes for it, while the main thread works
    # on the others.
    def parse_ahead(self) -> None:
        """Queue the existing sheets the plan patches, in the order they are needed."""
        plan = self.plan
        names = dict.fromkeys([*(rw.sheet for rw in plan.rewrites), *(w.sheet for w in plan.writes),
                               *(f.sheet for f in plan.fills), *(f.sheet for f in plan.fonts),
                               *(ap.sheet for ap in plan.appends), *(d.sheet for d in plan.deletions)])
        entries = [e for e in map(self.parts.sheet, names) if e is not None and e.is_worksheet]
        if not entries:
            return
        twin = self.archive.twin()
        for entry in entries:
            if entry.part not in self._parsing:
                self._parsing[entry.part] = self._worker.submit(twin.xml, entry.part)

    def stop_worker(self) -> None:
        """Wait for the worker (a job under way finishes; queued ones are dropped)."""
        self._worker.shutdown(wait=True, cancel_futures=True)
        self._parsing.clear()
        self._serialised.clear()
        self._deflated.clear()

    def _sheet_root(self, part: str):
        future = self._parsing.pop(part, None)
        return future.result() if future is not None else self.archive.xml(part)

    def _finish(self, pending: set[str]) -> None:
        """The sheets the rest of the plan leaves alone (not named in ``pending``) are final:
        serialise and deflate them on the worker now; free the trees of those it has
        serialised already (their memory serves the rest of the run)."""
        for part, xml in self._serialised.items():
            if xml.done():
                self.patchers[part][1].release()
        for part, (entry, patcher) in self.patchers.items():
            if (part in self._deflated or entry.name in pending
                    or not (entry.created or patcher.changed)):
                continue
            patcher.grow_dimension()
            self._pack(part, patcher)

    def _pack(self, part: str, patcher: SheetPatcher) -> Future:
        """Queue serialising, then deflating, a sheet on the worker; the future of the latter."""
        if part not in self._deflated:
            xml = self._serialised[part] = self._worker.submit(patcher.to_xml)
            self._deflated[part] = self._worker.submit(lambda: deflate(xml.result()))
        return self._deflated[part]

    # --- sheets --------------------------------------------------------------------------
    def _entry(self, sheet: str, what: str) -> SheetEntry:
        entry = self.parts.sheet(sheet)
        if entry is None:
            raise WorkbookError(f"Datei '{self.name}': Blatt '{sheet}' fehlt — {what} nicht möglich")
        return entry

    def _patcher(self, entry: SheetEntry) -> SheetPatcher:
        hit = self.patchers.get(entry.part)
        if hit is None:
            if not entry.is_worksheet:
                raise WorkbookError(f"Datei '{self.name}': '{entry.name}' ist kein Tabellenblatt")
            root = self._sheet_root(entry.part)
            hit = (entry, self._new_patcher(root, entry.name))
            self.patchers[entry.part] = hit
        return hit[1]

    def _new_patcher(self, root, sheet: str) -> SheetPatcher:
        return SheetPatcher(root, sheet=sheet, styles=self.styles,
                            date1904=self.parts.date1904, file=self.name)

    def _create_sheet(self, sheet: str, state: str, frozen_header: bool) -> SheetPatcher:
        entry = self.parts.add_sheet(sheet, state, b"")
        patcher = self._new_patcher(new_sheet_root(self.name, frozen_header), entry.name)
        self.patchers[entry.part] = (entry, patcher)
        self.result.sheets_created.append(entry.name)
        return patcher

    # --- the plan, in its order ----------------------------------------------------------
    def apply(self) -> None:
        plan = self.plan
        for rw in plan.rewrites:
            entry = self.parts.sheet(rw.sheet)
            if entry is None:
                patcher = self._create_sheet(rw.sheet, rw.state, rw.bold_header and bool(rw.rows))
            else:
                patcher = self._patcher(entry)
                self.parts.set_state(entry, rw.state)
                if rw.state != "visible":
                    unselect(patcher.root)
            patcher.replace_content(rw.rows, rw.column_widths, rw.bold_header)
        self._select_activated()
        self._finish(self._sheets_named(plan.writes, plan.fills, plan.fonts, plan.appends,
                                        plan.deletions))

        writes = defaultdict(list)
        entries: dict[str, SheetEntry] = {}                  # sheet name as the plan spells it
        for w in plan.writes:
            entry = entries.get(w.sheet) or entries.setdefault(
                w.sheet, self._entry(w.sheet, f"Schreiben in {w.sheet}!"))
            writes[entry.part].append(w)
        for items in writes.values():
            patcher = self._patcher(entries[items[0].sheet])
            patcher.upcoming = items
            patcher.write_all(items)
        patchers: dict[str, SheetPatcher] = {}
        for fill in plan.fills:
            patcher = patchers.get(fill.sheet) or patchers.setdefault(
                fill.sheet, self._patcher(self._entry(fill.sheet, "Einfärben")))
            patcher.fill(fill.row, fill.cols, fill.rgb, self.product)
        font_product = frozenset(normalise_rgb(c) for c in plan.product_font_colours)
        patchers.clear()
        for font in plan.fonts:
            patcher = patchers.get(font.sheet) or patchers.setdefault(
                font.sheet, self._patcher(self._entry(font.sheet, "Schriftfarbe")))
            patcher.font_colour(font.row, font.cols, font.rgb, font_product)
        self._finish(self._sheets_named(plan.appends, plan.deletions))

        for ap in plan.appends:
            entry = self.parts.sheet(ap.sheet)
            if entry is None:
                patcher = self._create_sheet(ap.sheet, "visible", bool(ap.header))
                if ap.header:
                    patcher.set_widths_if_new(ap.column_widths or auto_column_widths([ap.header, *ap.rows]))
                    bold = self.styles.bold(0)
                    for col, text in enumerate(ap.header, start=1):
                        if text:
                            patcher.write(1, col, text, style=bold or None)
                elif ap.column_widths:
                    patcher.set_widths_if_new(ap.column_widths)
            else:
                patcher = self._patcher(entry)
            patcher.append(ap.rows, ap.number_formats)
            self.result.rows_appended += len(ap.rows)

        for part, (_, patcher) in self.patchers.items():
            if part not in self._deflated:
                patcher.grow_dimension()

        for d in plan.deletions:
            entry = self._entry(d.sheet, "Zeilen löschen")
            patcher = self._patcher(entry)
            blocked, names = self._references(entry)
            shift = patcher.delete_rows(d.rows, referenced_elsewhere=blocked)
            if shift is not None and names:
                for dn in names:
                    sheet, _, ref = dn.text.strip().rpartition("!")
                    dn.text = f"{sheet}!{shift.range(ref) or '#REF!'}"
                self.parts.dirty.add(self.parts.workbook_part)
            self.result.rows_deleted += len(set(d.rows))
            self.result.delete_modes[entry.name] = patcher.delete_mode

        formulas_removed = any(p.formulas_removed for _, p in self.patchers.values())
        if plan.full_recalc or formulas_removed:
            self.result.calc_chain_dropped = self.parts.drop_calc_chain()
        if plan.full_recalc:
            self.parts.request_full_calc()

    def _select_activated(self) -> None:
        """A sheet that became the active tab because the one before was hidden is marked
        selected when the plan patches it anyway; any other sheet stays byte-identical (Excel
        selects the active tab when no sheet says tabSelected)."""
        plan = self.plan
        patched = {e.part for e in map(self.parts.sheet, self._sheets_named(
            plan.rewrites, plan.writes, plan.fills, plan.fonts, plan.appends, plan.deletions)) if e}
        for entry, view_id in self.parts.activated:
            if entry.part in patched or entry.part in self.patchers:
                select(self._patcher(entry).root, view_id)
        self.parts.activated.clear()

    def _sheets_named(self, *operations) -> set[str]:
        """Names of the sheets (as the workbook spells them) that these operations touch."""
        names = {op.sheet for ops in operations for op in ops}
        return {entry.name if entry else name for name, entry in
                ((name, self.parts.sheet(name)) for name in names)}

    def _references(self, entry: SheetEntry) -> tuple[bool, list]:
        """(does another part name this sheet in a way we cannot follow?, defined names that
        are a plain range of this sheet — e.g. the autofilter's _xlnm._FilterDatabase — and
        can move with its rows)."""
        shiftable = []
        for dn in self.parts.defined_names():
            text = (dn.text or "").strip()
            if not _names_sheet(text, entry.name):
                continue
            match = _SIMPLE_RANGE.match(text)
            if match and _sheet_of(match["sheet"]).casefold() == entry.name.casefold():
                shiftable.append(dn)
            else:
                return True, []
        own = self.archive.info(entry.part)
        skip = {own.filename if own else "", self.parts.workbook_part}
        for info in self.archive.infos:
            if info.filename in skip or not info.filename.lower().endswith(".xml"):
                continue
            if _names_sheet(self.archive.read(info.filename).decode("utf-8", "replace"),
                            entry.name, escaped=True):
                return True, []
        return False, shiftable

    # --- output --------------------------------------------------------------------------
    def members(self) -> tuple[dict[str, Future], dict[str, Future]]:
        """(replaced existing members by zip name, new members by part name), each a future
        of its deflated bytes (sheets finished early are on their way already)."""
        replaced: dict[str, Future] = {}
        created: dict[str, Future] = {}
        for part, (entry, patcher) in self.patchers.items():
            if entry.created:
                created[entry.part] = self._pack(part, patcher)
            elif patcher.changed:
                replaced[self.archive.member_name(part)] = self._pack(part, patcher)
            else:
                continue
            res = self.result
            res.cells_written += patcher.cells_written
            res.cells_filled += patcher.cells_filled
            if entry.name not in res.sheets_changed:
                res.sheets_changed.append(entry.name)
        if self.styles.dirty:
            styles, styles_part = self.styles.root, self.styles_part
            assert styles is not None and styles_part is not None, "formats are derived only in a styles part"
            replaced[self.archive.member_name(styles_part)] = self._worker.submit(
                lambda: deflate(serialize(styles)))
        for name, data in self.parts.changed_xml().items():
            replaced[name] = self._worker.submit(deflate, data)
        added = {part: created[part] if part in created else self._worker.submit(deflate, data)
                 for part, data in self.parts.added.items()}
        return replaced, added

    def release(self, serialised_only: bool = False) -> None:
        """Drop the sheet trees and their indexes — never one the worker still serialises.
        ``serialised_only``: each as soon as it is serialised, in the worker's order (the main
        thread frees one while the worker deflates it); else all now, dropping queued jobs."""
        if serialised_only:
            for part, xml in list(self._serialised.items()):
                xml.exception()                           # waits
                self._drop(part)
        else:
            for future in [*self._serialised.values(), *self._deflated.values()]:
                future.cancel()                           # not started yet: never will
            wait(self._serialised.values())
        for part in list(self.patchers):
            self._drop(part)

    def _drop(self, part: str) -> None:
        hit = self.patchers.pop(part, None)
        if hit is not None:
            hit[1].release()

    def write_to(self, fh) -> list[str]:
        """The new archive into ``fh``; returns its member names in order."""
        try:
            replaced, added = self.members()
            self.release(serialised_only=True)
        except BaseException:
            self.release()
            raise
        out = ArchiveWriter(fh)
        order = []
        try:
            for info in self.archive.infos:
                if info.filename in self.parts.dropped:
                    continue
                if info.filename in replaced:
                    out.write(info.filename, replaced[info.filename].result(), like=info)
                else:
                    out.copy_raw(self.archive, info)
                order.append(info.filename)
            for part, data in added.items():
                out.write(part, data.result())
                order.append(part)
        except BaseException:
            out.abort()
            raise
        out.close(self.archive.zf.comment)
        return order


def _verify(tmp: str, order: list[str], name: str) -> None:
    try:
        with zipfile.ZipFile(tmp) as zf:
            if zf.namelist() != order:
                raise WorkbookError(f"Datei '{name}': neue Datei unvollständig — Original "
                                    f"unverändert")
            bad = zf.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise WorkbookError(f"Datei '{name}': neue Datei fehlerhaft ({exc}) — Original "
                            f"unverändert") from None
    if bad is not None:
        raise WorkbookError(f"Datei '{name}' ist beschädigt: Teil '{bad}' hat eine falsche "
                            f"Prüfsumme — Original unverändert")


def _rotate_backups(real: Path, backups: int, folder: guard.BackupFolder | None) -> Path | None:
    """The version on disk becomes bak1, bak1 becomes bak2 …; names only inside ``folder``."""
    if backups <= 0 or folder is None:
        return None
    folder.open()
    targets = [t.name for t in backup_paths(real, backups)]
    prefix, suffix = f"{real.stem}.bak", real.suffix
    for old in folder.names():                         # a smaller count than before
        middle = old[len(prefix):len(old) - len(suffix)] if suffix else old[len(prefix):]
        if old.startswith(prefix) and old.endswith(suffix) and middle.isdigit() and int(middle) > backups:
            folder.unlink(old)
    if folder.exists(targets[-1]):
        folder.unlink(targets[-1])
    for i in range(backups - 1, 0, -1):
        if folder.exists(targets[i - 1]):
            folder.rename(targets[i - 1], targets[i])
    folder.keep(real, targets[0])
    return folder.path / targets[0]


def apply_plan(path, plan: Plan, *, backups: int = 3, read_as: guard.FileIdentity | None = None,
               wait: float | None = None) -> ApplyResult:
    """Apply ``plan`` to the workbook at ``path`` in place (see xl_addin.core.plan for the
    semantics). The original stays untouched when anything fails. Backups: the previous
    version goes to ``.xl_addin-backup/<stem>.bak1<suffix>`` next to the file; older ones move
    to bak2 … bak<backups>.

    ``read_as``: the file as the caller read it to make the plan — when the file on disk is no
    longer that (someone saved it meanwhile), ``WorkbookChanged`` and nothing is written. The
    workbook's lock is taken for the write unless this process holds it already (a caller
    that read under the lock); ``wait``: how long to wait for another run's lock. A link is
    followed: its target is rewritten, the link stays."""
    allocator.no_fastbins()
    with allocator.paused_gc():
        return _apply_plan(path, plan, backups, read_as, wait)


def _apply_plan(path, plan: Plan, backups: int, read_as: guard.FileIdentity | None,
                wait: float | None) -> ApplyResult:
    p = Path(path)
    if plan.is_empty():
        if not p.is_file():
            raise WorkbookError(f"Datei '{safety.label(p)}' nicht gefunden ({p})")
        return ApplyResult(path=p, written=False)
    safety.check_writable(p)
    with guard.hold(p, wait) as lock, guard.terminate_raises():
        try:
            archive = Archive.open(p)
            if read_as is not None and archive.identity is not None and not read_as.same_content(archive.identity):
                raise WorkbookChanged(f"Datei '{archive.name}' wurde nach dem Lesen von jemand anderem "
                                      f"gespeichert — nichts geschrieben, bitte erneut starten")
            archive.check_xml_prologs()
            edit = _Edit(archive, plan)
            try:
                return _write(p, edit, archive.identity, backups, lock)
            finally:
                edit.stop_worker()
        except Terminated as stop:
            raise stop.naming(safety.label(p)) from None


def _write(p: Path, edit: _Edit, read: guard.FileIdentity | None, backups: int,
           lock: guard.WorkbookLock) -> ApplyResult:
    """Write the patched zip next to the original and replace it. Its own atomic write, not
    ``xl_addin.files.atomic_write_bytes``: the new zip is streamed to the temp file (a workbook
    is never held in memory as bytes), given the original's owner, group, extended attributes and
    permissions, verified, and between writing and renaming the file is checked for Excel's and
    LibreOffice's lock, for this run's lock and for a save by someone else, and the backups are
    rotated — all with the temp file in place. A link is followed: the temp file is made in the
    target's folder and renamed over the target."""
    name = edit.name
    try:
        edit.parse_ahead()
        edit.apply()
    except WorkbookError:
        edit.release()
        raise
    except Exception as exc:  # a bug must not look like success
        edit.release()
        raise WorkbookError(f"Datei '{name}': Änderungen konnten nicht berechnet werden "
                            f"({type(exc).__name__}: {exc}) — Original unverändert") from exc

    real = guard.real_file(p)
    folder = real.parent
    original = os.stat(real)
    backup_folder = guard.BackupFolder(folder, BACKUP_DIR, name) if backups > 0 else None
    try:
        fd, tmp = tempfile.mkstemp(prefix=guard.temp_prefix(real), suffix=guard.TEMP_SUFFIX, dir=folder)
    except BaseException:
        if backup_folder is not None:
            backup_folder.close()
        raise
    try:
        with os.fdopen(fd, "w+b") as fh:
            guard.keep_metadata(fh.fileno(), real, original, name)
            order = edit.write_to(fh)
            fh.flush()
            os.fsync(fh.fileno())
        _verify(tmp, order, name)
        busy = safety.open_elsewhere(p)
        if busy is not None:
            raise WorkbookError(busy)
        guard.assert_held(lock, name)
        if read is not None and guard.changed_since(p, read):
            raise WorkbookChanged(f"Datei '{name}' wurde während des Laufs von jemand anderem gespeichert "
                                  f"— nichts geschrieben, bitte erneut starten")
        result = edit.result
        result.backup_path = _rotate_backups(real, backups, backup_folder)
        os.replace(tmp, real)
        fsync_folder(folder)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, (WorkbookError, KeyboardInterrupt, SystemExit)):
            raise
        if isinstance(exc, Exception):
            raise WorkbookError(f"Datei '{name}': Schreiben fehlgeschlagen ({type(exc).__name__}: "
                                f"{exc}) — Original unverändert") from exc
        raise
    finally:
        if backup_folder is not None:
            backup_folder.close()
    result.written = True
    return result
