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
from .core.plan import Plan
from .core.workbook_data import WorkbookData
from .core.context import RunContext
from .fileio import write_new_file
from .kinds import KINDS, UnknownWorkbook, detect_kind, kind_named
from .kinds.kind import BERLIN

def new_workbook(kind_name: str, path) -> Path:
    """A new, empty workbook of the kind named ``kind_name`` at ``path``; never overwrites a file
    (FileExistsError), ValueError for an unknown kind."""
    from .templates import render_workbook
    try:
        kind = kind_named(kind_name)
    except KeyError:
        known = ", ".join(k.name for k in KINDS)
        raise ValueError(f"Unbekannte Arbeitsmappen-Art '{kind_name}' (bekannt: {known})") from None
    path = Path(path)
    if path.exists():
        raise FileExistsError(f"Die Datei '{path}' gibt es schon — sie wird nicht überschrieben.")
    data = render_workbook(kind.layouts(), kind.title, kind.language)
    return write_new_file(path, data)


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
