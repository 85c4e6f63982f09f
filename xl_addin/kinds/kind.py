"""What a workbook kind declares about itself, once: its name, the sheets that recognise it, its
time zone and language, its settings, the sheets the product owns in it, the sheets its run and
actions read, its run and its template.

Every kind's ``__init__`` builds one ``Kind``; ``xl_addin.kinds.KINDS`` lists them.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import import_module

from ..core.context import RunContext
from ..core.due import DueColumns, DueItem, due_items
from ..core.findings import Catalog, Finding
from ..core.layout import SheetLayout
from ..core.plan import Plan
from ..core.settings import Settings, SettingSpec
from ..core.workbook_data import WorkbookData, sheet_key

BERLIN = "Europe/Berlin"
ROME = "Europe/Rome"


@dataclass(frozen=True)
class Kind:
    name: str                           # as on the command line: `xl-addin new inkasso`
    title: str                          # as the agents call the workbook
    signature: tuple[str, ...]          # sheets that recognise the kind (all must be present)
    settings_sheet: str
    settings: Sequence[SettingSpec]
    plan_run: Callable[[WorkbookData, RunContext], Plan]
    layouts: Callable[[], list[SheetLayout]]   # the sheets of a new, empty workbook
    run_module: str = ""                # the module ``plan_run`` imports on its first call
    timezone: str = BERLIN
    language: str = "de"                # of sheet names, messages and findings
    catalog: type[Catalog] | None = None  # the kind's finding codes (kinds/<kind>/findings.py)
    findings_sheet: str = "Prüfung"
    protocol_sheet: str = "Protokoll"
    overview_sheet: str = "Übersicht"
    actions: tuple[str, ...] = ()       # the kind's own actions besides run/check (see xl_addin.actions)
    columns: Mapping[str, Sequence[str]] | None = None   # sheet -> its known columns (guards aliases)
    due_columns: DueColumns | None = None   # what is due in this kind's workbook (core.due)
    # the sheets its run and actions read besides the signature, the settings and the overview
    # sheet; any other sheet is not read at all (the append-only Protokoll, whose last row the
    # writer finds; the Prüfung, rewritten whole; the agents' own sheets) — asking for one is a
    # SheetNotRead
    reads: tuple[str, ...] = ()

    def import_run(self, ahead: bool = False) -> None:
        """Import the kind's run (``run_module``) ahead of its first call — while a workbook of
        this kind is still being read (``actions.open_file``). ``ahead``: time that would be
        spent waiting — then also the holidays library, which the settings' region is checked
        against (a workbook made from the template names one): ~20 ms the plan would wait for."""
        if self.run_module:
            import_module(self.run_module)
        if ahead and any(spec.kind == "region" for spec in self.settings):
            import_module("holidays")

    def recognises(self, wb: WorkbookData) -> bool:
        return all(wb.has_sheet(name) for name in self.signature)

    @property
    def sheets_read(self) -> tuple[str, ...]:
        """Every sheet name its run and actions look up."""
        return tuple(dict.fromkeys((*self.signature, self.settings_sheet, self.overview_sheet, *self.reads)))

    def sheets_to_read(self, names: Sequence[str]) -> list[str]:
        """Of a workbook's sheet ``names``, those to read: each that a name in ``sheets_read`` may
        mean (``WorkbookData.sheet`` matches case- and blank-insensitively, so every candidate is
        read and the look-up picks among them as it would among all sheets)."""
        wanted = {sheet_key(n) for n in self.sheets_read}
        return [n for n in names if sheet_key(n) in wanted]

    def read_settings(self, wb: WorkbookData) -> tuple[Settings, list[Finding]]:
        """The settings sheet's values over the SPEC defaults, and what was wrong on it."""
        return Settings.from_sheet(wb.sheet(self.settings_sheet), self.settings, self.settings_sheet, self.language,
                                   self.columns)

    def due(self, wb: WorkbookData, ctx: RunContext, plan: Plan | None = None) -> list[DueItem]:
        """Every open row with a due date as the run (``plan``, else this kind's run) leaves it,
        soonest first, future ones included."""
        if self.due_columns is None:
            return []
        settings = self.read_settings(wb)[0]
        return due_items(self.name, wb, plan if plan is not None else self.plan_run(wb, ctx), self.due_columns,
                         ctx.now, settings.aliases())

    def describe(self) -> str:
        return f"{self.title} (Blatt {', '.join(self.signature)})"
