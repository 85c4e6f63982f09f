"""What one run may take on, decided before anything is unpacked (issue 12, items 10–11): the
size of the workbook file, and the memory reading — and rewriting — it would need, estimated from
the zip directory. Above either limit the file is refused with one line that says how to raise
it; the run never finds out by MemoryError or the OOM killer.

The estimate: ``BASE`` for the interpreter and the product, the file itself, plus ``READ_FACTOR``
bytes per byte of uncompressed sheet XML and shared strings (calamine's grid and the Python values
made of it), plus ``WRITE_FACTOR`` more per byte of sheet XML for a run that writes (the Plan, the
sheets' bytes and the rows it edits — rows stay bytes, also when rows are deleted, and a sheet
is deflated and let go as it is made, so this is no longer lxml's trees). Measured (5 December
2026, peak RSS of the whole process) on the agent-like workbooks of `make bench`: 20,000 orders
(13 MB of sheet XML and strings) 189 MiB in `run`, 145 MiB in `check`; 200,000 orders (137 MB)
1,155 MiB in `run` (786 MiB in `check`: the write adds ≈ 3 bytes per byte of sheet XML, 4 at
20,000 orders, within ``BASE``), after its first run (301 MB: the computed columns as inline
strings) 981 MiB (`check` 770 MiB); one million shared strings: 470 MB to read. The XML's size
is a rough measure of its cells (inline strings inflate it): the factors keep the estimate within
about 15–25 % above those first runs and `check`s and up to 3x above a ran workbook, so that it is
not refused for the text it holds.

Both limits are read from the environment on each use, so a server sets them once
(``XL_ADDIN_MAX_FILE_MB``, ``XL_ADDIN_MAX_MEMORY_MB``; ``0`` = no limit).
"""
from __future__ import annotations

import os
import zipfile
from collections.abc import Iterable

from .errors import WorkbookError

FILE_ENV = "XL_ADDIN_MAX_FILE_MB"
MEMORY_ENV = "XL_ADDIN_MAX_MEMORY_MB"
DEFAULT_FILE_MB = 256
DEFAULT_MEMORY_MB = 4096
BASE = 100 * 1024 * 1024
READ_FACTOR = 6
WRITE_FACTOR = 3
MB = 1024 * 1024


def _limit(env: str, default_mb: int) -> int | None:
    """The limit in bytes (None: no limit); a value that is no whole number ≥ 0 is refused."""
    text = os.environ.get(env, "").strip()
    if not text:
        return default_mb * MB
    try:
        mb = int(text)
    except ValueError:
        mb = -1
    if mb < 0:
        raise WorkbookError(f"Umgebungsvariable {env}='{text}' ist keine ganze Zahl ≥ 0 (Megabyte; 0 = ohne Grenze)")
    return mb * MB if mb else None


def _mb(n: int) -> str:
    return f"{n / MB:,.0f} MB".replace(",", ".")


def check_file_size(size: int, name: str) -> None:
    """Refuse a file larger than the file limit — before a byte of it is read."""
    limit = _limit(FILE_ENV, DEFAULT_FILE_MB)
    if limit is not None and size > limit:
        raise WorkbookError(f"Datei '{name}' ist {_mb(size)} groß, erlaubt sind {_mb(limit)} — abgelehnt, nicht "
                            f"gelesen (Grenze erhöhen: Umgebungsvariable {FILE_ENV})")


def _is_sheet_data(member: str) -> bool:
    low = member.casefold()
    return low.endswith(".xml") and ("/worksheets/" in low or low.rsplit("/", 1)[-1].startswith("sharedstrings"))


def memory_estimate(infos: Iterable[zipfile.ZipInfo], file_size: int, write: bool) -> tuple[int, int]:
    """(bytes a read — ``write``: and a rewrite — would need, bytes of sheet XML and shared
    strings it comes from), from the sizes the zip directory declares (already checked against
    the real data by the archive's validation)."""
    sheets = strings = 0
    for info in infos:
        if _is_sheet_data(info.filename):
            if "/worksheets/" in info.filename.casefold():
                sheets += info.file_size
            else:
                strings += info.file_size
    need = BASE + file_size + READ_FACTOR * (sheets + strings) + (WRITE_FACTOR * sheets if write else 0)
    return need, sheets + strings


def check_memory(infos: Iterable[zipfile.ZipInfo], file_size: int, name: str, write: bool) -> None:
    """Refuse a workbook whose estimated memory exceeds the memory limit — before it is loaded."""
    limit = _limit(MEMORY_ENV, DEFAULT_MEMORY_MB)
    if limit is None:
        return
    need, data = memory_estimate(infos, file_size, write)
    if need > limit:
        what = "zu lesen und zu schreiben" if write else "zu lesen"
        raise WorkbookError(f"Datei '{name}' ist zu groß {what}: geschätzt {_mb(need)} Speicher ({_mb(data)} "
                            f"Tabellendaten entpackt), erlaubt sind {_mb(limit)} — abgelehnt, nichts geladen "
                            f"(Grenze erhöhen: Umgebungsvariable {MEMORY_ENV})")
