"""Memory bounded by design (issue 12, items 10–11): a workbook is refused with one line above a
file size (before a byte is read) and above an estimate of the memory it needs (from the zip
directory, before anything is unpacked) — both configurable — never by MemoryError or the OOM
killer. The runs are real processes under an address-space limit (RLIMIT_AS)."""
from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.hostile.files import inkasso_book, many_strings_book
from xl_addin.package import WorkbookError, limits, read_workbook

ROOT = Path(__file__).parents[2]
NOW = ["--now", "2026-11-22T12:00"]


def xl_addin(args: list[str], address_space_mb: int, **env: str) -> subprocess.CompletedProcess:
    def limit() -> None:
        cap = address_space_mb * 2 ** 20
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    environment = {k: v for k, v in os.environ.items() if not k.startswith("XL_ADDIN_")} | env
    return subprocess.run([sys.executable, "-m", "xl_addin.cli", *args], preexec_fn=limit, capture_output=True,
                          text=True, timeout=120, cwd=ROOT, env=environment)


def test_a_3_gib_file_is_refused_before_it_is_read(tmp_path):
    """It used to be read whole into memory first. A sparse file: 3 GiB long, no disk used."""
    big = tmp_path / "riesig.xlsx"
    with open(big, "wb") as fh:
        fh.truncate(3 * 2 ** 30)
    started = time.monotonic()
    res = xl_addin(["run", str(big), *NOW], address_space_mb=512)
    assert time.monotonic() - started < 30
    assert res.returncode == 1
    lines = res.stdout.strip().splitlines()
    assert "Traceback" not in res.stderr and "MemoryError" not in res.stdout
    assert lines[-1].startswith("FEHLER") and "riesig.xlsx" in lines[-1]
    assert "3.072 MB" in lines[-1] and limits.FILE_ENV in lines[-1]


def test_the_file_size_limit_is_configurable(tmp_path, monkeypatch):
    path = inkasso_book(tmp_path / "Inkasso.xlsx")
    monkeypatch.setenv(limits.FILE_ENV, "0")                     # 0: no limit
    assert read_workbook(path).sheets
    with open(tmp_path / "zwei.xlsx", "wb") as fh:
        fh.truncate(2 * 2 ** 20)
    monkeypatch.setenv(limits.FILE_ENV, "1")
    with pytest.raises(WorkbookError, match="2 MB groß, erlaubt sind 1 MB"):
        read_workbook(tmp_path / "zwei.xlsx")


def test_a_workbook_too_big_for_the_memory_limit_is_refused_before_loading(tmp_path):
    """600,000 shared strings: a 6 MB file that needs ~300 MB to read. Under 256 MB of address
    space it died of MemoryError after half a minute (reported as a damaged file); with the limit
    set to what the machine has it is one line, at once."""
    path = many_strings_book(tmp_path / "viele.xlsx", 600_000)
    started = time.monotonic()
    res = xl_addin(["check", str(path), *NOW], address_space_mb=256, XL_ADDIN_MAX_MEMORY_MB="256")
    assert time.monotonic() - started < 20
    assert res.returncode == 1, res.stdout + res.stderr
    line = res.stdout.strip().splitlines()[-1]
    assert "Traceback" not in res.stderr
    assert line.startswith("FEHLER") and "viele.xlsx" in line and "zu groß" in line
    assert "256 MB" in line and limits.MEMORY_ENV in line and "MemoryError" not in line


def test_the_estimate_counts_a_rewrite_and_the_limit_is_configurable(tmp_path, monkeypatch):
    """A run that writes needs more than a check needs (the Plan, the rows it edits)."""
    path = inkasso_book(tmp_path / "Inkasso.xlsx")
    import zipfile
    with zipfile.ZipFile(path) as z:
        read_need, data = limits.memory_estimate(z.infolist(), path.stat().st_size, write=False)
        write_need, _ = limits.memory_estimate(z.infolist(), path.stat().st_size, write=True)
    assert data > 0 and write_need > read_need > data
    monkeypatch.setenv(limits.MEMORY_ENV, "0")                   # 0: no limit
    assert read_workbook(path).sheets
    monkeypatch.setenv(limits.MEMORY_ENV, "viel")
    with pytest.raises(WorkbookError, match=limits.MEMORY_ENV):
        read_workbook(path)
    monkeypatch.delenv(limits.MEMORY_ENV)
    assert read_workbook(path).sheets                            # the default fits every usual workbook
