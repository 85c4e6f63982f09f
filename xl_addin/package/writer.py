"""apply_plan: patch the owned sheets, styles and wiring of a workbook and replace the file
atomically, keeping backups. Every other zip member is copied raw, in its original order."""
from __future__ import annotations

import contextlib
import io
import os
import tempfile
import zipfile
from collections import defaultdict
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from itertools import groupby
from operator import attrgetter
from pathlib import Path

from lxml import etree

from ..core.plan import Plan, RowAppend, auto_column_widths, header_key
from ..files import fsync_folder
from . import allocator, guard, moves, owned, rawrows, safety, tables
from .archive import Archive, ArchiveWriter, Deflated, deflate, deflate_stream, inflates_as_made, reads_back
from .blocks import Blocks, MarkedText, Source, find_blocks
from .chart import ChartParts
from .errors import Terminated, WorkbookChanged, WorkbookError
from .memsearch import contains
from .opc import (
    CT_NS,
    PKG_REL_NS,
    REL_NS,
    SheetEntry,
    WorkbookParts,
    rels_part_of,
    resolve_target,
    select,
    serialize,
    unselect,
)
from .page_setup import print_one_page_wide
from .reader import SheetTexts
from .refs import RowInsert, RowShift, cell_ref, ref_box, shift_formula
from .sheet import MAX_ROW, SheetPatcher, new_sheet_root
from .styles import Styles, normalise_rgb

_SHEET_OF = attrgetter("sheet")

BACKUP_DIR = ".xl_addin-backup"
# a sheet's text handed over from this size: its member's deflate blocks are found (``_find_blocks_ahead``)
FIND_BLOCKS_FROM = 2 << 20


def _mentions(data: bytes, sheet: str) -> bool:
    """Might this XML part name ``sheet`` in a formula? A cheap test on the bytes (escaped '&'
    included; ASCII case ignored in parts under 4 MB — Excel writes a sheet's name as it is
    spelled, other tools may not); the formulas themselves decide."""
    needle = sheet.encode()
    escaped = sheet.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").encode()
    if contains(data, needle) or (escaped != needle and contains(data, escaped)):
        return True
    if len(data) > 4 << 20:
        return False
    low = data.lower()
    return contains(low, needle.lower()) or contains(low, escaped.lower())


def _has_formulas(data: bytes) -> bool:
    """Does this sheet's XML hold a formula anywhere — a cell's, a conditional format's or a
    drop-down's (what ``SheetPatcher.shift_references`` moves)? A log of values that names a
    sheet in its text (the Protokoll's 'Blatt' column) points nowhere."""
    return contains(data, b"<formula") or rawrows.has_formula(data)


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
    delete_modes: dict[str, str] = field(default_factory=dict)   # sheet -> "shift"
    parts_adjusted: list[str] = field(default_factory=list)      # other parts whose references moved
    notes: list[str] = field(default_factory=list)      # what an agent should know (one line each)
    # Rewritten sheets: the agents' cells whose row (finding) is gone — (sheet, cell, header, value)
    agent_cells_dropped: list[tuple[str, str, str, str]] = field(default_factory=list)
    tables_dropped: list[str] = field(default_factory=list)      # "sheet: table" that could not stay


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def last_data_row(patcher: SheetPatcher, span: tuple[int, int, range]) -> int:
    """The last row of a table's data range that holds a value (its first row when none)."""
    first, last, _ = span
    for r in range(last, first - 1, -1):
        if patcher.has_value(r):
            return r
    return first - 1


def backup_paths(path, backups: int) -> list[Path]:
    """Where the backups of ``path`` live: .xl_addin-backup/<stem>.bak1<suffix> (newest) … in the
    folder of the real file (for a link: of its target, where the lock lives too)."""
    p = guard.real_file(path)
    folder = p.parent / BACKUP_DIR
    return [folder / f"{p.stem}.bak{i}{p.suffix}" for i in range(1, backups + 1)]


class _Edit:
    """All changes of one Plan on one archive, kept in memory until written."""

    def __init__(self, archive: Archive, plan: Plan, texts: SheetTexts | None = None):
        self.archive = archive
        self._texts = texts if texts is not None else {}   # part -> its text as read (this very file)
        self.plan = plan
        self.name = archive.name
        self.parts = WorkbookParts(archive)
        self.charts = ChartParts(self.parts)
        styles_part = self.parts.styles_part
        self.styles_part = styles_part if styles_part and archive.has(styles_part) else None
        self.styles = Styles(archive.xml(self.styles_part) if self.styles_part else None, self.name)
        self.patchers: dict[str, tuple[SheetEntry, SheetPatcher]] = {}
        self.product = frozenset(normalise_rgb(c) for c in plan.product_colours)
        self.result = ApplyResult(path=archive.path, written=False)
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="xl_addin")
        self._parsing: dict[str, Future] = {}     # part -> its bytes, inflated ahead
        self._serialised: dict[str, Future] = {}  # sheet part -> made and deflated (one job)
        self._deflated: dict[str, Future] = {}    # sheet part -> its Deflated bytes
        self.extra: dict[str, etree._Element | bytes] = {}   # other parts changed: part -> root/bytes
        self._held: set[str] = set()              # sheets whose formulas may follow moved rows
        self._moving: list[SheetEntry] | None = None   # sheets whose rows move (``_moving_entries``)
        self._refers: dict[str, bool] = {}        # part -> may its formulas follow them (``_may_refer``)
        # part -> its text as read and where its member's deflate blocks begin (or their future)
        self._sources: dict[str, tuple[bytes, Blocks | Future[Blocks | None]]] = {}
        self._trees: dict[str, etree._Element] = {}    # other parts parsed: part -> root
        self._sst: owned.SharedStrings | None = None    # shared strings, parsed as far as needed
        self.checked: dict[str, Deflated] = {}           # members made and read back (``_check_made``)
        self.made: dict[str, Deflated] = {}              # every member made, once written (``write_to``)

    # --- the worker thread -----------------------------------------------------------------
    # lxml lets go of the GIL while parsing and serialising, zlib while (in|de)flating: the
    # worker parses the sheets before the main thread needs them and serialises + deflates
    # each sheet as soon as the plan has no more changes for it, while the main thread works
    # on the others.
    def parse_ahead(self) -> None:
        """Queue the existing sheets the plan patches, in the order they are needed (and find
        the blocks of the big ones handed over as read: ``_find_blocks_ahead``)."""
        self._find_blocks_ahead()
        plan = self.plan
        names = dict.fromkeys([*(rw.sheet for rw in plan.rewrites), *(ap.sheet for ap in self._appends_alone()),
                               *(c.sheet for c in plan.charts),
                               *(w.sheet for w in plan.writes),
                               *(f.sheet for f in plan.fills), *(f.sheet for f in plan.fonts),
                               *(ap.sheet for ap in plan.appends), *(d.sheet for d in plan.deletions)])
        entries = [e for e in map(self.parts.sheet, names) if e is not None and e.is_worksheet]
        if not entries:
            return
        twin = self.archive.twin()
        for entry in entries:
            if entry.part not in self._parsing and entry.part not in self._texts:
                self._parsing[entry.part] = self._worker.submit(twin.read, entry.part)

    def _find_blocks_ahead(self) -> None:
        """Where the deflate blocks of the big sheets handed over as read begin, found on a
        thread of their own (zlib lets go of the GIL) while the plan is applied: a sheet a run
        changes in a few rows (a second run's Masterliste: 20 MB, ten orders edited) keeps the
        blocks of its stretches of untouched rows (``_pack``, ``blocks``)."""
        found = None
        for part, text in self._texts.items():
            info = self.archive.info(part)
            if (isinstance(text, bytes) and len(text) >= FIND_BLOCKS_FROM and info is not None
                    and info.compress_type == zipfile.ZIP_DEFLATED and info.file_size == len(text)):
                if found is None:
                    found = ThreadPoolExecutor(max_workers=1, thread_name_prefix="xl_addin-blocks")
                self._sources[part] = (text, found.submit(find_blocks, self.archive.raw(info), info.file_size,
                                                          info.CRC))
        if found is not None:
            found.shutdown(wait=False)                  # its thread ends with the jobs

    def stop_worker(self) -> None:
        """Wait for the worker (a job under way finishes; queued ones are dropped)."""
        self._worker.shutdown(wait=True, cancel_futures=True)
        self._parsing.clear()
        self._serialised.clear()
        self._deflated.clear()

    def _sheet_bytes(self, part: str) -> bytes:
        future = self._parsing.pop(part, None)
        data, marked = _handed(self._texts.pop(part, None))
        if data is not None and marked is not None:
            info = self.archive.info(part)
            if info is not None and (info.CRC, info.compress_size) == (marked.crc, marked.compressed):
                self._sources[part] = (data, marked)
        if data is None:
            data = future.result() if future is not None else self.archive.read(part)
        if part not in self._refers and (moving := self._moving_entries()) \
                and not any(e.part == part for e in moving):  # (``_referrers`` skips those)
            self._refers[part] = self._may_refer(data, moving)
        return data

    def _finish(self, pending: set[str]) -> None:
        """The sheets the rest of the plan leaves alone (not named in ``pending``) are final:
        serialise and deflate them on the worker now (each job frees its sheet's rows when
        done, see ``_pack``)."""
        for part, (entry, patcher) in self.patchers.items():
            if (part in self._deflated or entry.name in pending
                    or not (entry.created or patcher.changed)):
                continue
            patcher.grow_dimension()
            self._pack(part, patcher)

    def _pack(self, part: str, patcher: SheetPatcher) -> Future:
        """Queue making and deflating a sheet on the worker (one job); its future. The job
        frees the sheet's rows as soon as they are deflated: on the 200,000-order Masterliste
        that is ~400 MB (the part's bytes, its edited rows and new cells) no longer held while
        the main thread works on the other sheets (e.g. rows deleted from 'Warten auf
        Freigabe', a whole tree)."""
        if part not in self._deflated:               # made and deflated a stretch at a time
            read = self._sources.pop(part, None)
            info = self.archive.info(part)

            def job() -> Deflated:
                try:
                    if read is not None and info is not None and patcher.keeps(read[0]):
                        blocks = read[1].result() if isinstance(read[1], Future) else read[1]
                        if blocks is not None:
                            source = Source(read[0], self.archive.raw(info), blocks)
                            return deflate_stream(patcher.iter_xml(consume=True, kept=True), source=source)
                    return deflate_stream(patcher.iter_xml(consume=True))
                finally:
                    patcher.release()
            self._serialised[part] = self._deflated[part] = self._worker.submit(job)
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
            hit = (entry, SheetPatcher.of_part(self._sheet_bytes(entry.part), member=entry.part,
                                               sheet=entry.name, styles=self.styles,
                                               date1904=self.parts.date1904, file=self.name))
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
            if rw.owned_cols is not None:
                continue                   # an overview: last (see _overviews)
            entry = self.parts.sheet(rw.sheet)
            if entry is None:
                patcher = self._create_sheet(rw.sheet, rw.state, rw.bold_header and bool(rw.rows))
                patcher.replace_content(rw.rows, rw.column_widths, rw.bold_header)
                continue
            patcher = self._patcher(entry)
            self.parts.set_state(entry, rw.state)
            if rw.state != "visible":
                unselect(patcher.root)
            carried = owned.take_agents_columns(patcher, rw, self._shared_strings)
            patcher.replace_content(rw.rows, rw.column_widths, rw.bold_header, rw.shown)
            if carried is not None:
                owned.put_back(patcher, carried)
                self.result.agent_cells_dropped += carried.dropped
                self.result.notes += [f"{sheet}!{cell} ({header} = '{value}') gehörte zu einer Zeile, die es "
                                      f"nicht mehr gibt (Befund behoben) — nicht übernommen"
                                      for sheet, cell, header, value in carried.dropped]
            self._fit_rewritten(entry, patcher, rw, carried)
        self._select_activated()
        early = self._appends_alone()
        for ap in early:                   # a long Protokoll: inflated first, appended to, packed
            self._append_plan(ap)
        self._held = self._referrers()
        last = self._sheets_named([rw for rw in plan.rewrites if rw.owned_cols is not None], plan.charts)
        later = [ap for ap in plan.appends if not any(ap is e for e in early)]
        self._finish(self._sheets_named(plan.writes, plan.fills, plan.fonts, later,
                                        plan.deletions) | self._held | last)

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
            self._grow_to_the_right(entries[items[0].sheet], patcher, items)
        patchers: dict[str, SheetPatcher] = {}
        for sheet, fills in groupby(plan.fills, _SHEET_OF):       # (in the plan's order)
            patcher = patchers.get(sheet) or patchers.setdefault(
                sheet, self._patcher(self._entry(sheet, "Einfärben")))
            patcher.fill_all(fills, self.product)
        font_product = frozenset(normalise_rgb(c) for c in plan.product_font_colours)
        patchers.clear()
        for font in plan.fonts:
            patcher = patchers.get(font.sheet) or patchers.setdefault(
                font.sheet, self._patcher(self._entry(font.sheet, "Schriftfarbe")))
            patcher.font_colour(font.row, font.cols, font.rgb, font_product)
        self._finish(self._sheets_named(later, plan.deletions) | self._held | last)

        for ap in later:
            self._append_plan(ap)

        for part, (_, patcher) in self.patchers.items():
            if part not in self._deflated:
                patcher.grow_dimension()

        for d in plan.deletions:
            entry = self._entry(d.sheet, "Zeilen löschen")
            self._delete_rows(entry, d.rows)
            self.result.rows_deleted += len(set(d.rows))

        self._overviews()
        formulas_removed = any(p.formulas_removed or p.rows_moved for _, p in self.patchers.values())
        if plan.full_recalc or formulas_removed:
            self.result.calc_chain_dropped = self.parts.drop_calc_chain()
        if plan.full_recalc:
            self.parts.request_full_calc()

    def _appends_alone(self) -> list[RowAppend]:
        """The appends to existing sheets that nothing else of the plan touches (the Protokoll,
        most runs `Warten auf Freigabe`), in the plan's order: inflated ahead first and done first,
        so that their sheets — a long log above all — are made and deflated on the worker while
        this thread writes the rest, instead of after it. Not a sheet whose rows move (a table
        with a totals row: rows are inserted, other sheets' formulas follow). A sheet whose
        formulas follow another's rows may be appended to early (the rows it gets hold values);
        it is packed only after the rows moved (``_held``)."""
        plan = self.plan
        busy = self._sheets_named(plan.writes, plan.fills, plan.fonts, plan.deletions, plan.rewrites,
                                  plan.charts)
        busy |= {entry.name for entry in self._moving_entries()}
        return [ap for ap in plan.appends if (entry := self.parts.sheet(ap.sheet)) is not None
                and entry.name not in busy]

    def _append_plan(self, ap: RowAppend) -> None:
        """One of the plan's appends (``RowAppend``)."""
        if ap.continues:
            self._append_continuing(ap)
            return
        entry = self.parts.sheet(ap.sheet)
        if entry is not None and len(ap.rows) > MAX_ROW - self._patcher(entry).last_value_row():
            raise WorkbookError(f"Datei '{self.name}': Blatt '{ap.sheet}' hat keinen Platz für {len(ap.rows)} "
                                f"weitere Zeilen (Excel endet bei Zeile {MAX_ROW:,}) — nichts geschrieben"
                                .replace(",", "."))
        self._append_rows(ap, ap.sheet)

    def _overviews(self) -> None:
        """The sheets the product owns a block of (the overview) and their charts, after
        everything else: the formats they derive come after the run's other ones in styles.xml,
        and a new overview sheet after the run's other new sheets, so that adding the overview
        changes no byte of what the rest of the run writes."""
        plan = self.plan
        done: list[SheetPatcher] = []
        for rw in plan.rewrites:
            if rw.owned_cols is None:
                continue
            entry = self.parts.sheet(rw.sheet)
            if entry is None:
                patcher = self._create_sheet(rw.sheet, rw.state, True)
            else:
                patcher = self._patcher(entry)
                self.parts.set_state(entry, rw.state)
            patcher.replace_block(rw.rows, rw.column_widths, rw.owned_cols, rw.bold_rows, rw.cell_formats)
            if rw.print_one_page_wide:
                print_one_page_wide(patcher.root)
            done.append(patcher)
        for chart in plan.charts:
            entry = self._entry(chart.sheet, "Diagramm")
            patcher = self._patcher(entry)
            patcher.materialize_all()
            if self.charts.place(entry.part, patcher.root, chart):
                patcher.changed = True
            done.append(patcher)
        for patcher in done:
            patcher.grow_dimension()

    def _select_activated(self) -> None:
        """A sheet that became the active tab because the one before was hidden is marked
        selected when the plan patches it anyway; any other sheet stays byte-identical (Excel
        selects the active tab when no sheet says tabSelected)."""
        plan = self.plan
        patched = {e.part for e in map(self.parts.sheet, self._sheets_named(
            plan.rewrites, plan.charts, plan.writes, plan.fills, plan.fonts, plan.appends, plan.deletions)) if e}
        for entry, view_id in self.parts.activated:
            if entry.part in patched or entry.part in self.patchers:
                select(self._patcher(entry).root, view_id)
        self.parts.activated.clear()

    def _append_rows(self, ap: RowAppend, name: str) -> None:
        """The rows of ``ap`` appended to the sheet ``name`` (an existing one through
        ``_append``: inside its table), made with ``ap``'s header when missing."""
        entry = self.parts.sheet(name)
        if entry is not None:
            self._append(entry, ap)
        else:
            patcher = self._create_sheet(name, "visible", bool(ap.header))
            if ap.header:
                patcher.set_widths_if_new(ap.column_widths or auto_column_widths([ap.header, *ap.rows]))
                bold = self.styles.bold(0)
                for col, text in enumerate(ap.header, start=1):
                    if text:
                        patcher.write(1, col, text, style=bold or None)
            elif ap.column_widths:
                patcher.set_widths_if_new(ap.column_widths)
            patcher.append(ap.rows, ap.number_formats)
        self.result.rows_appended += len(ap.rows)

    def _append_continuing(self, ap: RowAppend) -> None:
        """A log (the Protokoll) at Excel's last row goes on on '<sheet> 2', '<sheet> 3' …: the
        rows fill the last sheet of the series up to row 1,048,576, the rest start the next one
        (with the header); never a row lost, never one past the end. A note says so."""
        n = 1
        while self.parts.sheet(f"{ap.sheet} {n + 1}") is not None:
            n += 1
        rows = list(ap.rows)
        while rows:
            name = ap.sheet if n == 1 else f"{ap.sheet} {n}"
            entry = self.parts.sheet(name)
            room = MAX_ROW - (self._patcher(entry).last_value_row() if entry is not None else 1)
            take, rows = rows[:room], rows[room:]
            if take:
                self._append_rows(replace(ap, rows=take), name)
            if rows:
                n += 1
                self.result.notes.append(
                    f"Blatt '{name}' ist bis zur letzten Excel-Zeile ({MAX_ROW:,}) voll".replace(",", ".")
                    + f" — das Protokoll geht auf Blatt '{ap.sheet} {n}' weiter")

    def _sheets_named(self, *operations) -> set[str]:
        """Names of the sheets (as the workbook spells them) that these operations touch."""
        names = {op.sheet for ops in operations for op in ops}
        return {entry.name if entry else name for name, entry in
                ((name, self.parts.sheet(name)) for name in names)}

    # --- rows that move: everything that points at them follows ---------------------------
    def _referrers(self) -> set[str]:
        """Names of the worksheets whose formulas may point into a sheet whose rows this plan
        deletes (or inserts) — kept open until then (not serialised early). A sheet opened
        already was looked at when its bytes were taken (``_sheet_bytes``)."""
        moving = self._moving_entries()
        if not moving:
            return set()
        out = set()
        for entry in self.parts.sheets:
            if not entry.is_worksheet or entry.created or any(entry is e for e in moving):
                continue
            refers = self._refers.get(entry.part)
            if refers is None:
                ahead = self._parsing.get(entry.part)            # inflated for its patcher anyway
                data = _handed(self._texts.get(entry.part))[0] or (ahead.result() if ahead is not None
                                                               else self.archive.read(entry.part))
                refers = self._refers[entry.part] = self._may_refer(data, moving)
            if refers:
                out.add(entry.name)
        return out

    @staticmethod
    def _may_refer(data: bytes, moving: list[SheetEntry]) -> bool:
        """May this sheet's XML (as read) hold formulas that point into the sheets ``moving``?"""
        return any(_mentions(data, e.name) for e in moving) and _has_formulas(data)

    def _moving_entries(self) -> list[SheetEntry]:
        """The existing sheets whose rows this plan moves (``_moving_sheets``), worked out once."""
        if self._moving is None:
            self._moving = [e for e in map(self.parts.sheet, self._moving_sheets()) if e is not None]
        return self._moving

    def _moving_sheets(self) -> set[str]:
        names = {d.sheet for d in self.plan.deletions}
        for ap in self.plan.appends:
            entry = self.parts.sheet(ap.sheet)
            if entry is not None and entry.is_worksheet and any(
                    tables.totals_rows(self._part(part)) for part in self._related(entry, moves.RT_TABLE)):
                names.add(ap.sheet)
        return names

    def _related(self, entry: SheetEntry, rtype: str) -> list[str]:
        """Parts of ``rtype`` the sheet's relationships point to."""
        rels = rels_part_of(entry.part)
        if entry.created or not self.archive.has(rels):
            return []
        out = []
        for rel in self._part(rels).iter(f"{{{PKG_REL_NS}}}Relationship"):
            if rel.get("Type") == rtype and rel.get("TargetMode") != "External":
                part = resolve_target(entry.part, rel.get("Target", ""))
                if self.archive.has(part):
                    out.append(part)
        return out

    def _part(self, part: str) -> etree._Element:
        """A part's parsed XML, once per run (edits go to the same tree)."""
        hit = self._trees.get(part)
        if hit is None:
            hit = self._trees[part] = self.archive.xml(part)
        return hit

    def _edit(self, part: str, change) -> None:
        """Apply ``change`` to a part's tree; it is written only if its XML changed."""
        root = self._part(part)
        before = etree.tostring(root)
        change(root)
        if etree.tostring(root) != before:
            self._changed(part)

    def _changed(self, part: str, value: etree._Element | bytes | None = None) -> None:
        self.extra[part] = self._trees[part] if value is None else value
        if part not in self.result.parts_adjusted:
            self.result.parts_adjusted.append(part)

    def _delete_rows(self, entry: SheetEntry, rows) -> None:
        patcher = self._patcher(entry)
        wanted = sorted({r for r in rows if r >= 1})
        if not wanted:
            return
        table_parts = self._tables(entry)
        cleared: list[tuple[int, range]] = []
        deleted = set(wanted)
        for _, table in table_parts:      # a table keeps one (emptied) data row, as in Excel
            span = tables.data_span(table)
            if span is None:
                continue
            first, last, cols = span
            if first <= last and all(r in deleted for r in range(first, last + 1)):
                deleted.discard(last)
                cleared.append((last, cols))
        for r, cols in cleared:
            patcher.clear_row(r, cols)
        gone = deleted | {r for r, _ in cleared}
        self._drop_hyperlinks(patcher, {r for r, _ in cleared})
        shift = RowShift(deleted)
        if shift.deleted:
            patcher.delete_rows(shift.deleted)
        self._follow(entry, shift, gone, table_parts)
        self.result.delete_modes[entry.name] = "shift"

    # --- sheets the product rewrites: their tables and filters fit the new rows ----------------
    def _shared_strings(self) -> owned.SharedStrings:
        hit = self._sst
        if hit is None:
            part = self.parts.part_of_type(REL_NS + "/sharedStrings")
            data = self.archive.read(part) if part is not None and self.archive.has(part) else None
            hit = self._sst = owned.shared_strings(data, part or "", self.name)
        return hit

    def _fit_rewritten(self, entry: SheetEntry, patcher: SheetPatcher, rw, carried) -> None:
        """A rewritten sheet's tables keep a header equal to their columns and a range over the
        new rows (``tables.fit_rewritten``), or are dropped; its filter covers the new rows."""
        headers = owned.header_texts(rw, carried)
        if not headers:
            return
        product = frozenset(header_key(h) for h in rw.rows[0] if header_key(h))
        last = len(rw.rows)
        for part, table in self._tables(entry):
            before = etree.tostring(table)
            renamed = tables.fit_rewritten(table, headers, last, product)
            if renamed is None:
                self._drop_table(entry, patcher, part)
                continue
            for col, name in renamed.items():
                patcher.write(1, col, name)
            if etree.tostring(table) != before:
                self._changed(part)
        auto = patcher.root.find(f"{{{_MAIN}}}autoFilter")
        box = ref_box(auto.get("ref", "")) if auto is not None else None
        if auto is not None and box is not None and box[0] == 1:
            for child in list(auto):
                auto.remove(child)                    # criteria described rows that are no more
            self._set_sheet_filter(entry, patcher, auto, (1, min(headers), max(last, 2), max(headers)))

    def _drop_table(self, entry: SheetEntry, patcher: SheetPatcher, part: str) -> None:
        """Take a table off a rewritten sheet: its part, relationship, content type, tablePart."""
        rels_part = rels_part_of(entry.part)
        rels = self._part(rels_part)
        ids = set()
        for rel in list(rels.iter(f"{{{PKG_REL_NS}}}Relationship")):
            if rel.get("Type") == moves.RT_TABLE and resolve_target(entry.part, rel.get("Target", "")) == part:
                ids.add(rel.get("Id"))
                rels.remove(rel)
        self._changed(rels_part)
        holder = patcher.root.find(f"{{{_MAIN}}}tableParts")
        if holder is not None:
            for tp in list(holder):
                if tp.get(f"{{{REL_NS}}}id") in ids:
                    holder.remove(tp)
            if len(holder):
                holder.set("count", str(len(holder)))
            else:
                patcher.root.remove(holder)
        for ov in list(self.parts.content_types.iter(f"{{{CT_NS}}}Override")):
            if ov.get("PartName", "").lstrip("/").casefold() == part.casefold():
                self.parts.content_types.remove(ov)
                self.parts.dirty.add("[Content_Types].xml")
        info = self.archive.info(part)
        if info is not None:
            self.parts.dropped.add(info.filename)
        self.extra.pop(part, None)
        name = self._part(part).get("displayName") or self._part(part).get("name") or part
        self.result.tables_dropped.append(f"{entry.name}: {name}")
        self.result.notes.append(f"Tabelle '{name}' passte nicht zum neu geschriebenen Blatt '{entry.name}' "
                                 f"und wurde entfernt (ihre Zellen bleiben als Bereich)")

    # --- tables and filters grow as Excel grows them when one types next to them ---------------
    def _tables(self, entry: SheetEntry) -> list[tuple[str, etree._Element]]:
        return [(part, self._part(part)) for part in self._related(entry, moves.RT_TABLE)]

    def _grow_to_the_right(self, entry: SheetEntry, patcher: SheetPatcher, writes) -> None:
        """Header texts written right next to a table's (or the sheet filter's) last column —
        the computed columns the product adds — become columns of it."""
        table_parts = self._tables(entry)
        if not table_parts and patcher.root.find(f"{{{_MAIN}}}autoFilter") is None:
            return
        headers = {(w.row, w.col): w.value for w in writes if isinstance(w.value, str) and w.value}
        if not headers:
            return
        for part, table in table_parts:
            b = tables.box(table)
            if b is None or tables.header_rows(table) != 1:
                continue
            r1, c1, r2, c2 = b
            right = c2
            while (r1, right + 1) in headers:
                right += 1
                wanted = str(headers[(r1, right)])
                name = tables.add_column(table, wanted)
                if name != wanted:                      # header cells equal the column names
                    patcher.write(r1, right, name)
            if right != c2:
                tables.set_box(table, r1, c1, r2, right)
                self._changed(part)
        auto = patcher.root.find(f"{{{_MAIN}}}autoFilter")
        box = ref_box(auto.get("ref", "")) if auto is not None else None
        if auto is not None and box is not None:
            r1, c1, r2, c2 = box
            right = c2
            while (r1, right + 1) in headers:
                right += 1
            if right != c2:
                self._set_sheet_filter(entry, patcher, auto, (r1, c1, r2, right))

    def _set_sheet_filter(self, entry: SheetEntry, patcher: SheetPatcher, auto,
                          box: tuple[int, int, int, int]) -> None:
        """The sheet's autofilter range, and the hidden name Excel keeps for it."""
        r1, c1, r2, c2 = box
        auto.set("ref", f"{cell_ref(r1, c1)}:{cell_ref(r2, c2)}")
        patcher.changed = True
        index = self.parts.sheets.index(entry)
        quoted = "'" + entry.name.replace("'", "''") + "'"
        for dn in self.parts.defined_names():
            if dn.get("name") == "_xlnm._FilterDatabase" and dn.get("localSheetId") == str(index):
                dn.text = f"{quoted}!${cell_ref(r1, c1)[:-len(str(r1))]}${r1}:" \
                          f"${cell_ref(r2, c2)[:-len(str(r2))]}${r2}"
                self.parts.dirty.add(self.parts.workbook_part)

    def _append(self, entry: SheetEntry, ap) -> None:
        """Rows below the last row holding a value — inside the agents' table when the sheet's
        data is one: before its totals row (rows inserted, everything below moves), the table's
        range, filter and calculated columns extended, the sheet's filter too."""
        patcher = self._patcher(entry)
        n = len(ap.rows)
        if not n:
            return
        parts = self._tables(entry)
        start = None
        last = patcher.last_value_row()
        for _, table in parts:
            span, b = tables.data_span(table), tables.box(table)
            if span is None or b is None or not tables.totals_rows(table):
                continue
            if b[2] >= last:                          # the totals row closes the sheet's data
                start = last_data_row(patcher, span) + 1
                missing = n - (span[1] + 1 - start)     # empty data rows are used first
                if missing > 0:
                    shift = patcher.insert_rows(span[1] + 1, missing)
                    if shift is not None:
                        self._follow(entry, shift, set(), parts)
                break
        first = patcher.append(ap.rows, ap.number_formats, start=start)
        end = first + n - 1
        for part, table in parts:
            span, b = tables.data_span(table), tables.box(table)
            if span is None or b is None:
                continue
            r1, c1, r2, c2 = b
            totals = tables.totals_rows(table)
            if not span[0] <= first <= span[1] + 1:
                continue
            if not totals and end > r2:
                r2 = end
            tables.set_box(table, r1, c1, r2, c2)
            name = table.get("name") or table.get("displayName") or ""
            for col, formula in tables.calculated_columns(table).items():
                above = patcher.formula_at(first - 1, col) if first - 1 >= span[0] else None
                origin, text = ((first - 1, col), above) if above else (
                    (span[0], col), tables.qualified(formula, name))
                for i, values in enumerate(ap.rows):
                    if col - 1 < len(values) and values[col - 1] not in (None, ""):
                        continue
                    patcher.write_formula(first + i, col, text, origin=origin)
            self._changed(part)
        auto = patcher.root.find(f"{{{_MAIN}}}autoFilter")
        box = ref_box(auto.get("ref", "")) if auto is not None else None
        if auto is not None and box is not None and box[0] < first <= box[2] + 1 < end + 1:
            self._set_sheet_filter(entry, patcher, auto, (box[0], box[1], end, box[3]))

    @staticmethod
    def _drop_hyperlinks(patcher: SheetPatcher, rows: set[int]) -> None:
        box = patcher.root.find(f"{{{_MAIN}}}hyperlinks")
        if box is None or not rows:
            return
        for link in list(box):
            ref = (link.get("ref") or "").split(":")[0]
            digits = "".join(ch for ch in ref if ch.isdecimal())
            if digits and int(digits) in rows:
                box.remove(link)
        if not len(box):
            patcher.root.remove(box)

    def _follow(self, entry: SheetEntry, shift: RowShift | RowInsert, gone: set[int],
                tables: list[tuple[str, etree._Element]]) -> None:
        """After the rows of ``entry`` moved: its tables, notes, threaded comments, drawings;
        the defined names; formulas of other sheets; charts and pivot caches."""
        sheet = entry.name
        for part, _ in tables:
            self._edit(part, lambda root: moves.move_table(root, shift))
        for part in self._related(entry, moves.RT_COMMENTS):
            self._edit(part, lambda root: moves.move_comments(root, shift, gone))
        for part in self._related(entry, moves.RT_THREADED):
            self._edit(part, lambda root: moves.move_threaded(root, shift, gone))
        for part in self._related(entry, moves.RT_VML):
            kept = self.extra.get(part)
            vml = kept if isinstance(kept, bytes) else self.archive.read(part)
            moved = moves.move_vml(vml, shift, gone)
            if moved != vml:
                self._changed(part, moved)
        for part in self._related(entry, moves.RT_DRAWING):
            self._edit(part, lambda root: moves.move_drawing(root, shift))
        names_changed = False
        for dn in self.parts.defined_names():
            new = shift_formula(dn.text, shift, sheet, on_sheet=False)
            if new != dn.text:
                dn.text = new
                names_changed = True
        if names_changed:
            self.parts.dirty.add(self.parts.workbook_part)
        for other in self.parts.sheets:
            if other is entry or not other.is_worksheet or other.created:
                continue
            if other.name in self._held:        # held open: never one already serialised
                self._patcher(other).shift_references(shift, sheet)
        for info in self.archive.infos:
            name = info.filename
            low = name.lower()
            chart = "/charts/" in low and low.endswith(".xml") and "/_rels/" not in low
            pivot = "pivotcachedefinition" in low and low.endswith(".xml")
            if not (chart or pivot):
                continue
            if name not in self._trees and not _mentions(self.archive.read(name), sheet):
                continue
            root = self._part(name)
            if (moves.move_formula_texts(root, shift, sheet) if chart
                    else moves.move_pivot_source(root, shift, sheet)):
                self._changed(name)

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
        for name, data in self.charts.replaced.items():
            replaced[name] = self._worker.submit(deflate, data)
        for name, data in self.parts.changed_xml().items():
            replaced[name] = self._worker.submit(deflate, data)
        for part, value in self.extra.items():
            data = value if isinstance(value, bytes) else serialize(value)
            replaced[self.archive.member_name(part)] = self._worker.submit(deflate, data)
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
        rawrows.forget_shapes()                           # a long-lived process keeps none
        rawrows.forget_ahead()

    def _drop(self, part: str) -> None:
        hit = self.patchers.pop(part, None)
        if hit is not None:
            hit[1].release()

    def write_to(self, fh) -> list[str]:
        """The new archive into ``fh``; returns its member names in order."""
        try:
            replaced, added = self.members()
            self.checked = _check_made({**replaced, **added})
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
                    made = self.made[info.filename] = replaced[info.filename].result()
                    out.write(info.filename, made, like=info)
                else:
                    out.copy_raw(self.archive, info)
                order.append(info.filename)
            for part, data in added.items():
                made = self.made[part] = data.result()
                out.write(part, made)
                order.append(part)
        except BaseException:
            out.abort()
            raise
        out.close(self.archive.zf.comment)
        return order


CHECK_MADE_FROM = 1 << 20     # a member made of this many bytes is read back before it is written


def _check_made(members: dict[str, Future]) -> dict[str, Deflated]:
    """The big members made already — read back now, while the worker still makes the others
    (the Masterliste) and this thread would only wait: each inflated in one call of zlib, which
    lets go of the GIL throughout, or as made (``archive.inflates_as_made``: a long Protokoll's
    new head and end, not the 28 MB of blocks copied from its old stream). Those that inflate to
    their size and CRC, by member; the others are left to ``_verify``, which says what is wrong."""
    checked = {}
    for member, future in members.items():
        if not future.done() or future.exception() is not None:
            continue
        made = future.result()
        if made.size >= CHECK_MADE_FROM and inflates_as_made(made):
            checked[member] = made
    return checked


def _verify(tmp: str, order: list[str], name: str, checked: dict[str, Deflated] | None = None,
            made: dict[str, Deflated] | None = None) -> None:
    """The new file read back from disk before it replaces the original: its members in order,
    each inflating to its size and CRC (``archive.reads_back``) — on two threads, the big members
    spread over them by what they inflate (zlib lets go of the GIL). A member ``checked`` already
    (``_check_made``) must be those very bytes, its directory entry their CRC and sizes; so must
    one ``made`` with stretches copied from its old stream, read back as made
    (``archive.inflates_as_made``: those stretches are not inflated again)."""
    checked = checked or {}
    made = made or {}
    try:
        with open(tmp, "rb") as fh:
            data = fh.read()
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if zf.namelist() != order:
                raise WorkbookError(f"Datei '{name}': neue Datei unvollständig — Original "
                                    f"unverändert")
            infos = zf.infolist()
        shares: list[list[zipfile.ZipInfo]] = [[], []]
        loads = [0, 0]
        def load(info: zipfile.ZipInfo) -> int:      # inflating: by its output (read back already: 0)
            if info.filename in checked:
                return 0
            own = made.get(info.filename)
            return own.inflated_bytes() if own is not None and own.copied else info.file_size
        for info in sorted(infos, key=load, reverse=True):
            lighter = loads.index(min(loads))
            shares[lighter].append(info)
            loads[lighter] += load(info)
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="xl_addin-verify") as pool:
            found = [job.result() for job in [pool.submit(_first_bad, data, members, checked, made)
                                              for members in shares]]
        bad = next((b for b in found if b is not None), None)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise WorkbookError(f"Datei '{name}': neue Datei fehlerhaft ({exc}) — Original "
                            f"unverändert") from None
    if bad is not None:
        raise WorkbookError(f"Datei '{name}' ist beschädigt: Teil '{bad}' hat eine falsche "
                            f"Prüfsumme — Original unverändert")


def _first_bad(data: bytes, members: list[zipfile.ZipInfo], checked: dict[str, Deflated],
               made: dict[str, Deflated]) -> str | None:
    """The first of ``members`` that does not read back (``archive.reads_back``; one with copied
    stretches as made, ``_verify``)."""
    for info in members:
        own = checked.get(info.filename)
        if own is None and (copied := made.get(info.filename)) is not None and copied.copied:
            if not inflates_as_made(copied):
                return info.filename
            own = copied
        if not reads_back(data, info, own):
            return info.filename
    return None


def _rotate_backups(real: Path, backups: int, folder: guard.BackupFolder | None) -> Path | None:
    """The version on disk becomes bak1, bak1 becomes bak2 …; names only inside ``folder``."""
    if backups <= 0 or folder is None:
        return None
    folder.open()
    targets = [t.name for t in backup_paths(real, backups)]
    prefix, suffix = f"{real.stem}.bak", real.suffix
    for old in folder.names():                         # a smaller count than before
        middle = old[len(prefix):len(old) - len(suffix)] if suffix else old[len(prefix):]
        if old.startswith(prefix) and old.endswith(suffix) and middle.isdecimal() and int(middle) > backups:
            folder.unlink(old)
    if folder.exists(targets[-1]):
        folder.unlink(targets[-1])
    for i in range(backups - 1, 0, -1):
        if folder.exists(targets[i - 1]):
            folder.rename(targets[i - 1], targets[i])
    folder.keep(real, targets[0])
    return folder.path / targets[0]


def _handed(text: bytes | MarkedText | Future[bytes | MarkedText] | None) -> tuple[bytes | None, Blocks | None]:
    """A sheet's text handed over (``SheetTexts``): the bytes (the future's when inflated aside)
    and, where known, where its stream's blocks begin (``MarkedText``)."""
    if isinstance(text, Future):
        text = text.result()
    return (text.text, text.blocks) if isinstance(text, MarkedText) else (text, None)


def apply_plan(path, plan: Plan, *, backups: int = 3, read_as: guard.FileIdentity | None = None,
               wait: float | None = None, texts: SheetTexts | None = None) -> ApplyResult:
    """Apply ``plan`` to the workbook at ``path`` in place (see xl_addin.core.plan for the
    semantics). The original stays untouched when anything fails. Backups: the previous
    version goes to ``.xl_addin-backup/<stem>.bak1<suffix>`` next to the file; older ones move
    to bak2 … bak<backups>.

    ``read_as``: the file as the caller read it to make the plan — when the file on disk is no
    longer that (someone saved it meanwhile), ``WorkbookChanged`` and nothing is written. The
    workbook's lock is taken for the write unless this process holds it already (a caller
    that read under the lock); ``wait``: how long to wait for another run's lock. A link is
    followed: its target is rewritten, the link stays.

    ``texts``: the sheets' texts as the caller read them from the file ``read_as`` (part -> bytes,
    ``read_workbook_as_is(..., texts=...)``), taken instead of inflating them again; used only with
    ``read_as``, once the file is known to be that one still. The dict is emptied."""
    allocator.no_fastbins()
    try:
        with allocator.paused_gc():
            return _apply_plan(path, plan, backups, read_as, wait, texts if read_as is not None else None)
    finally:
        if texts is not None:
            texts.clear()


def _apply_plan(path, plan: Plan, backups: int, read_as: guard.FileIdentity | None,
                wait: float | None, texts: SheetTexts | None = None) -> ApplyResult:
    p = Path(path)
    if plan.is_empty():
        if not p.is_file():
            raise WorkbookError(f"Datei '{safety.label(p)}' nicht gefunden ({p})")
        return ApplyResult(path=p, written=False)
    safety.check_writable(p)
    with guard.hold(p, wait) as lock, guard.terminate_raises():
        try:
            archive = Archive.open(p, write=True)
            if read_as is not None and archive.identity is not None and not read_as.same_content(archive.identity):
                raise WorkbookChanged(f"Datei '{archive.name}' wurde nach dem Lesen von jemand anderem "
                                      f"gespeichert — nichts geschrieben, bitte erneut starten")
            archive.check_xml_prologs()
            edit = _Edit(archive, plan, texts)
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
        _verify(tmp, order, name, edit.checked, edit.made)
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
