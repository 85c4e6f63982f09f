"""The headless engine: read a workbook file, recognise its kind, make the Plan, apply it.

Thin glue between the package reader/writer and the per-kind rule modules; the CLI, the demo
and the server batch all go through here.
"""
from __future__ import annotations

import getpass
import importlib
import importlib.util
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from .core.plan import Plan
from .core.workbook_data import WorkbookData
from .workbooks.context import RunContext

BERLIN = "Europe/Berlin"
ROME = "Europe/Rome"


@dataclass(frozen=True)
class Kind:
    """A workbook kind. Its module provides ``plan_run(wb, ctx) -> Plan`` and
    ``create_template(path) -> Path``."""
    name: str
    title: str
    signature: tuple[str, ...]          # sheet names that identify the kind (all must be present)
    module: str
    timezone: str = BERLIN

    def load(self):
        return importlib.import_module(self.module)

    def plan_run(self, wb: WorkbookData, ctx: RunContext) -> Plan:
        return self.load().plan_run(wb, ctx)

    @property
    def available(self) -> bool:
        return importlib.util.find_spec(self.module) is not None


_ALL_KINDS: list[Kind] = [
    Kind("inkasso", "Inkasso - Cancelled Installments", ("Masterliste",), "xl_addin.workbooks.inkasso"),
    Kind("diagonal", "Kundenbetreuung Diagonal", ("Fälle",), "xl_addin.workbooks.diagonal"),
    Kind("solleciti", "Solleciti", ("Ticket",), "xl_addin.workbooks.solleciti", ROME),
    Kind("kundenakten", "Kundenakten", ("Kunden", "Einträge"), "xl_addin.workbooks.kundenakten"),
]
KINDS: list[Kind] = [k for k in _ALL_KINDS if k.available]


def kind_named(name: str) -> Kind:
    for k in KINDS:
        if k.name == name:
            return k
    raise KeyError(name)


class UnknownWorkbook(Exception):
    pass


def detect_kind(wb: WorkbookData) -> Kind:
    for kind in KINDS:
        if all(wb.sheet(name) is not None for name in kind.signature):
            return kind
    known = "; ".join(f"{k.title} (Blatt {', '.join(k.signature)})" for k in KINDS)
    raise UnknownWorkbook(f"'{wb.source}': unbekannte Arbeitsmappe — erwartet wird eine von: {known}")


def default_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return os.environ.get("USERNAME") or os.environ.get("USER") or "xl_addin"


def local_now(tz: str = BERLIN) -> datetime:
    from zoneinfo import ZoneInfo
    return datetime.now(ZoneInfo(tz)).replace(tzinfo=None, microsecond=0)


@dataclass
class FileResult:
    path: Path
    kind: str = ""
    plan: Plan | None = None
    written: bool = False
    backup: Path | None = None
    error: str = ""                     # why the file could not be run (one line)
    extra: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.error


def run_file(path, now: datetime | None = None, user: str | None = None, *, write: bool = True,
             backups: int | None = None) -> FileResult:
    """Recompute one workbook in place (``write=False``: findings only, the file is not touched)."""
    from .package import WorkbookError, apply_plan, check_writable, read_workbook

    path = Path(path)
    res = FileResult(path)
    try:
        if write:
            check_writable(path)
        wb = read_workbook(path)
        kind = detect_kind(wb)
        res.kind = kind.name
        ctx = RunContext(now or local_now(kind.timezone), user or default_user())
        res.plan = kind.plan_run(wb, ctx)
        if write:
            keep = backups if backups is not None else res.plan.keep_backups
            applied = apply_plan(path, res.plan, backups=keep)
            res.written = bool(getattr(applied, "written", True))
            res.backup = getattr(applied, "backup_path", None)
    except (WorkbookError, UnknownWorkbook) as e:
        res.error = str(e)
    return res
