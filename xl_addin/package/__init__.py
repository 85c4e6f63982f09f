"""The .xlsx/.xlsm reader and the surgical in-place writer.

- ``read_workbook(path)``: every worksheet's values via python-calamine.
- ``apply_plan(path, plan, backups=3)``: patches only the owned sheets' XML, styles.xml and the
  workbook wiring with lxml; every other zip member is copied raw (same compressed bytes,
  same order). Atomic replace, backups in ``.xl_addin-backup/`` next to the file, refuses
  while Excel's ``~$<name>`` or LibreOffice's ``.~lock.<name>#`` exists.
- ``check_writable(path)``: the pre-flight checks of ``apply_plan``.
- ``WorkbookLock(path, wait=…)``: one run at a time per workbook (``guard``); ``read_workbook_as_is``
  gives the file's identity as read, ``apply_plan(..., read_as=…)`` refuses a file saved since.

Every failure is a ``WorkbookError`` with one German line naming the file.
"""
from typing import TYPE_CHECKING, Any

from .errors import Terminated, WorkbookChanged, WorkbookError, WorkbookLocked
from .guard import FileIdentity, WorkbookLock
from .reader import read_workbook, read_workbook_as_is
from .safety import check_writable

if TYPE_CHECKING:
    from .writer import BACKUP_DIR, ApplyResult, apply_plan, backup_paths

_WRITER_NAMES = ("BACKUP_DIR", "ApplyResult", "apply_plan", "backup_paths")


def __getattr__(name: str) -> Any:
    """The writer's names, imported on first use: a run reads (and plans) before it writes, and
    imports the writer while calamine reads (``read_workbook_as_is(..., meanwhile=)``)."""
    if name in _WRITER_NAMES:
        from . import writer
        return getattr(writer, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = ["BACKUP_DIR", "ApplyResult", "FileIdentity", "Terminated", "WorkbookChanged", "WorkbookError",
           "WorkbookLock", "WorkbookLocked", "apply_plan", "backup_paths", "check_writable", "read_workbook",
           "read_workbook_as_is"]
