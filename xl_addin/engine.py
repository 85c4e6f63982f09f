"""The headless engine: read a workbook file, recognise its kind, make the Plan, apply it.

Thin glue between the package reader/writer and the per-kind rule modules; the CLI, the demo
and the server batch all go through here.
"""
from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable

from .core.plan import Plan
from .core.workbook_data import WorkbookData
from .workbooks.context import RunContext

BERLIN = "Europe/Berlin"


@dataclass(frozen=True)
class Kind:
    name: str
    title: str
    signature: tuple[str, ...]          # sheet names that identify the kind (all must be present)
    plan_run: Callable[[WorkbookData, RunContext], Plan]
    timezone: str = BERLIN


def _inkasso_plan(wb, ctx):
    from .workbooks.inkasso import plan_run
    return plan_run(wb, ctx)


KINDS: list[Kind] = [
    Kind("inkasso", "Inkasso - Cancelled Installments", ("Masterliste",), _inkasso_plan),
]


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
