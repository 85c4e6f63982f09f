"""Two runs never interleave on one workbook, and a workbook saved by someone else while a run
reads and plans is never written over (issue 12, items 1–2; SPEC §0 "No data loss").

The runs are real processes (`xl-addin run`, or a child holding the lock) on temporary files;
every wait is bounded."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from python_calamine import load_workbook

from tests.builders import inkasso_data, order, write_xlsx
from tests.excel.fakebook import FakeBook
from xl_addin import actions
from xl_addin.cli import main
from xl_addin.excel import entry
from xl_addin.kinds.inkasso import schema as S
from xl_addin.package import WorkbookChanged, WorkbookLock, WorkbookLocked, guard, read_workbook

NOW = datetime(2026, 11, 22, 12, 0)
WAITING_ORDER = 10000002

HOLDER = """
import sys, time
from xl_addin.package import WorkbookLock
lock = WorkbookLock(sys.argv[1], wait=0).acquire()
print("held", flush=True)
hold = float(sys.argv[2])
if hold < 0:
    sys.stdin.readline()
else:
    time.sleep(hold)
lock.release()
"""

# `xl-addin run` whose planning takes a second: two of them started together overlap for sure
SLOW_RUN = """
import sys, time
from xl_addin import actions
from xl_addin.cli import main
plan_run = actions.plan_run
def slow(book):
    plan = plan_run(book)
    time.sleep(1.0)
    return plan
actions.plan_run = slow
main(sys.argv[1:])
"""


@pytest.fixture
def book(tmp_path) -> Path:
    """An Inkasso workbook with an order that a run puts on 'Warten auf Freigabe' (and logs)."""
    orders = [order(**{S.M_ORDER_ID: 10000001}),
              order(**{S.M_ORDER_ID: WAITING_ORDER, S.M_FIRST_LETTER: date(2026, 10, 1),
                       S.M_SECOND_LETTER: date(2026, 10, 15)})]
    return write_xlsx(inkasso_data(orders), tmp_path / "Inkasso - Cancelled Installments.xlsx")


def rows(path: Path, sheet: str) -> list[list]:
    return load_workbook(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def waiting_orders(path: Path) -> list:
    return [r[4] for r in rows(path, S.SHEET_WAITING)[1:] if r[4] not in (None, "")]


class Holder:
    """A child process holding the workbook's lock (``seconds`` < 0: until ``let_go``)."""

    def __init__(self, path: Path, seconds: float = -1):
        self.proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), str(seconds)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        assert line.strip() == "held", self.proc.communicate(timeout=30)

    def let_go(self) -> None:
        if self.proc.poll() is None:
            self.proc.communicate("\n", timeout=30)

    def __enter__(self) -> Holder:
        return self

    def __exit__(self, *exc) -> None:
        self.let_go()


# --- 1. one run at a time ------------------------------------------------------------------------
def test_a_second_run_refuses_in_one_line_while_another_holds_the_workbook(book):
    before = book.read_bytes()
    with Holder(book) as holder:
        started = time.monotonic()
        res = actions.run_file(book, NOW, wait=0)
        assert time.monotonic() - started < 5
        assert not res.ok and "\n" not in res.error
        assert "wird gerade von einem anderen Lauf bearbeitet" in res.error
        assert f"PID {holder.proc.pid}" in res.error and socket.gethostname() in res.error
        cli = CliRunner().invoke(main, ["run", str(book), "--now", "2026-11-22T12:00", "--wait", "0"])
        assert cli.exit_code == 1 and "wird gerade von einem anderen Lauf bearbeitet" in cli.output
    assert book.read_bytes() == before


def test_the_second_run_waits_a_bounded_time_then_refuses(book):
    with Holder(book):
        started = time.monotonic()
        res = actions.run_file(book, NOW, wait=1.0)
        waited = time.monotonic() - started
    assert 1.0 <= waited < 6 and "nach 1 s Warten" in res.error


def test_the_second_run_goes_on_once_the_first_is_done(book):
    with Holder(book, seconds=0.5):
        res = actions.run_file(book, NOW, wait=20)
    assert res.ok and res.written, res.error
    assert waiting_orders(book) == [WAITING_ORDER]


def test_two_runs_started_together_never_interleave(book, tmp_path):
    reference = tmp_path / "Referenz.xlsx"
    shutil.copy(book, reference)
    for _ in range(2):                                         # the same two runs, one after the other
        assert actions.run_file(reference, NOW, "batch").ok
    cmd = [sys.executable, "-c", SLOW_RUN, "run", str(book), "--now", "2026-11-22T12:00", "--user", "batch",
           "--wait", "60"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert waiting_orders(book) == [WAITING_ORDER]             # once, not twice
    for sheet in (S.SHEET_WAITING, S.SHEET_MASTER, "Protokoll"):
        assert rows(book, sheet) == rows(reference, sheet), sheet
    assert not guard.lock_path(book).exists()


def test_stale_locks_are_taken_over_live_ones_are_not(book):
    lock_file = guard.lock_path(book)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, timeout=30)
    dead_pid = int(gone.stdout)
    here, now = socket.gethostname(), time.time()

    def plant(raw: bytes, age: float = 0) -> None:
        lock_file.write_bytes(raw)
        os.utime(lock_file, (now - age, now - age))

    plant(guard.LockOwner(dead_pid, here, "anna", now - 5, "x").dump())          # killed run, this host
    with WorkbookLock(book, wait=0):
        pass
    plant(guard.LockOwner(4242, "server-2", "batch", now - 60, "y").dump(), age=60)  # other host, fresh
    with pytest.raises(WorkbookLocked, match="server-2"):
        WorkbookLock(book, wait=0).acquire()
    plant(guard.LockOwner(4242, "server-2", "batch", now - 7200, "y").dump(),
          age=guard.STALE_AFTER_SECONDS + 60)                                   # other host, long gone
    with WorkbookLock(book, wait=0):
        pass
    plant(b"", age=0)                                                            # being written right now
    with pytest.raises(WorkbookLocked, match="ohne Angaben"):
        WorkbookLock(book, wait=0).acquire()
    plant(b"", age=60)                                                           # a crash left it empty
    with WorkbookLock(book, wait=0):
        pass
    assert not lock_file.exists()


# --- the ribbon and a server run ----------------------------------------------------------------
def ribbon_book(path: Path) -> FakeBook:
    live = FakeBook.from_workbook(read_workbook(path), name=path.name)
    live.path = path.parent
    return live


def test_the_ribbon_refuses_while_a_server_run_holds_the_workbook(book):
    live = ribbon_book(book)
    with Holder(book):
        text = entry.recalculate(live, now=NOW)
    assert "wird gerade von einem anderen Lauf bearbeitet" in text and len(live.alerts) == 1
    assert not any(c[0] in ("write_block", "set_fill", "add_sheet", "delete_rows") for c in live.calls)
    live.alerts.clear()
    assert "neu berechnet" in entry.recalculate(live, now=NOW)   # free again: works


def test_a_server_run_refuses_while_the_ribbon_works_on_the_file(book, monkeypatch):
    live = ribbon_book(book)
    seen = {}
    plan_run = actions.plan_run

    def plan_while_the_server_starts(opened):
        seen["server"] = subprocess.run(
            [sys.executable, "-m", "xl_addin.cli", "run", str(book), "--now", "2026-11-22T12:00", "--wait", "0"],
            capture_output=True, text=True, timeout=120)
        return plan_run(opened)
    monkeypatch.setattr(actions, "plan_run", plan_while_the_server_starts)
    before = book.read_bytes()
    assert "neu berechnet" in entry.recalculate(live, now=NOW)
    server = seen["server"]
    assert server.returncode == 1 and "wird gerade von einem anderen Lauf bearbeitet" in server.stdout + server.stderr
    assert book.read_bytes() == before and not guard.lock_path(book).exists()


# --- 2. saved by someone else while the run read and planned -------------------------------------
def agent_saves(path: Path, marker: bytes = b"<!--agent-->") -> None:
    """What a save by Excel does to the package: other bytes, a new file put in place."""
    with zipfile.ZipFile(path) as zin:
        items = [(i, zin.read(i.filename)) for i in zin.infolist()]
    tmp = path.with_name("saving.tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in items:
            zout.writestr(info, data.replace(b"</cp:coreProperties>", marker + b"</cp:coreProperties>")
                          if info.filename == "docProps/core.xml" else data)
    os.replace(tmp, path)


def test_a_workbook_saved_after_the_run_read_it_is_not_written(book):
    with actions.open_file(book, now=NOW, writable=True) as opened:
        plan = actions.plan_run(opened)
        agent_saves(book)
        saved = book.read_bytes()
        with pytest.raises(WorkbookChanged, match="nach dem Lesen von jemand anderem gespeichert"):
            actions.apply_to_book(opened, plan)
    assert book.read_bytes() == saved
    assert waiting_orders(book) == []                          # no cell of the old plan landed


def test_a_save_keeping_size_and_mtime_is_still_noticed(book):
    """A change that keeps size and timestamp (coarse mtime on a share) is found by the hash."""
    with actions.open_file(book, now=NOW, writable=True) as opened:
        plan = actions.plan_run(opened)
        st = book.stat()
        data = bytearray(book.read_bytes())
        at = data.index(b"docProps/core.xml") + len("docProps/core.xml") + 60
        data[at] ^= 0x01                                       # one bit, same length
        book.write_bytes(bytes(data))
        os.utime(book, ns=(st.st_atime_ns, st.st_mtime_ns))
        assert (book.stat().st_size, book.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)
        with pytest.raises(WorkbookChanged):
            actions.apply_to_book(opened, plan)
    assert book.read_bytes() == bytes(data)


def test_a_run_reads_and_plans_again_once_when_the_agent_saved_meanwhile(book, monkeypatch):
    plan_run = actions.plan_run
    calls = []

    def plan_while_agent_saves(opened):
        calls.append(1)
        plan = plan_run(opened)
        if len(calls) == 1:
            agent_saves(book)
        return plan
    monkeypatch.setattr(actions, "plan_run", plan_while_agent_saves)
    res = actions.run_file(book, NOW)
    assert res.ok and res.written and len(calls) == 2, res.error
    assert waiting_orders(book) == [WAITING_ORDER]
    assert b"<!--agent-->" in zipfile.ZipFile(book).read("docProps/core.xml")   # the agent's save kept


def test_a_workbook_saved_again_and_again_is_refused_in_one_line(book, monkeypatch):
    plan_run = actions.plan_run

    def plan_while_agent_keeps_saving(opened):
        plan = plan_run(opened)
        agent_saves(book, f"<!--{time.monotonic_ns()}-->".encode())
        return plan
    monkeypatch.setattr(actions, "plan_run", plan_while_agent_keeps_saving)
    res = actions.run_file(book, NOW)
    assert not res.ok and "gespeichert" in res.error and "\n" not in res.error
    assert waiting_orders(book) == [] and not guard.lock_path(book).exists()


def test_the_ribbon_works_where_no_lock_file_can_be_made(book, monkeypatch):
    """A workbook opened from a read-only folder: Excel changes only its copy, the button works."""
    from xl_addin.package import WorkbookError

    def no_lock_here(self):
        raise WorkbookError("Sperrdatei kann nicht angelegt werden (Permission denied)")
    monkeypatch.setattr(WorkbookLock, "acquire", no_lock_here)
    assert "neu berechnet" in entry.recalculate(ribbon_book(book), now=NOW)
