"""Files on a server (issue 12, items 3–7; SPEC §0 "No data loss"): a linked workbook, owner /
group / permissions / extended attributes, LibreOffice's lock, a planted backup folder, SIGTERM
during the write and what a kill -9 leaves behind. Real files in temporary folders; signals sent
to real child processes, every wait bounded."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from xl_addin.core.plan import CellWrite, Plan
from xl_addin.package import (
    BACKUP_DIR,
    WorkbookError,
    WorkbookLock,
    WorkbookLocked,
    apply_plan,
    backup_paths,
    check_writable,
    guard,
    read_workbook,
)

PLAN = Plan(writes=[CellWrite("Masterliste", 2, 4, "Ja")])
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
NOBODY = 65534


def value(path: Path, row: int = 2, col: int = 4):
    return read_workbook(path).sheets["Masterliste"].value(row, col)


def temp_files(folder: Path) -> list[str]:
    return sorted(n for n in os.listdir(folder) if n.endswith(guard.TEMP_SUFFIX))


def xattrs_supported(path: Path) -> bool:
    if not hasattr(os, "setxattr"):
        return False
    try:
        os.setxattr(path, "user.xl_addin_probe", b"1")
        os.removexattr(path, "user.xl_addin_probe")
    except OSError:
        return False
    return True


# --- 3. a linked workbook ------------------------------------------------------------------------
@pytest.fixture
def linked_book(simple_book, tmp_path) -> tuple[Path, Path]:
    """The workbook in 'daten/', reached through a link in 'links/' (as a share maps it)."""
    real = tmp_path / "daten" / "Einfach.xlsx"
    real.parent.mkdir()
    simple_book.rename(real)
    link = tmp_path / "links" / "Einfach.xlsx"
    link.parent.mkdir()
    link.symlink_to(os.path.relpath(real, link.parent))
    return link, real


def test_a_linked_workbook_updates_its_target_and_stays_a_link(linked_book):
    link, real = linked_book
    before = real.read_bytes()
    result = apply_plan(link, PLAN, backups=2)
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert value(real) == "Ja" and value(link) == "Ja"
    # the backup goes next to the target (where the lock is too) and is a real file, not a link
    assert result.backup_path == real.parent / BACKUP_DIR / "Einfach.bak1.xlsx"
    assert backup_paths(link, 2)[0] == result.backup_path
    assert not result.backup_path.is_symlink() and result.backup_path.read_bytes() == before
    assert not (link.parent / BACKUP_DIR).exists()
    assert temp_files(real.parent) == [] and temp_files(link.parent) == []


def test_two_links_to_one_workbook_share_one_lock(linked_book, tmp_path):
    link, real = linked_book
    other = tmp_path / "Zweiter Link.xlsx"
    other.symlink_to(real)
    assert guard.lock_path(link) == guard.lock_path(other) == guard.lock_path(real)
    with WorkbookLock(link, wait=0), pytest.raises(WorkbookLocked, match="anderen Lauf bearbeitet"):
        WorkbookLock(other, wait=0).acquire()


def test_excel_open_through_the_link_is_honoured(linked_book):
    link, real = linked_book
    (link.parent / ("~$" + link.name)).write_bytes(b"agent")
    with pytest.raises(WorkbookError, match="in Excel geöffnet"):
        apply_plan(link, PLAN)
    assert value(real) is None


# --- 4. owner, group, permissions, extended attributes -------------------------------------------
@pytest.mark.skipif(not IS_ROOT, reason="giving a file to another owner needs root")
def test_a_root_run_keeps_owner_group_mode_and_xattrs(simple_book):
    os.chown(simple_book, NOBODY, NOBODY)
    os.chmod(simple_book, 0o660)
    attrs = {}
    if xattrs_supported(simple_book):
        attrs = {"user.DOSATTRIB": b"0x20\x00\x11\x00", "user.agent.note": "Müller".encode()}
        for k, v in attrs.items():
            os.setxattr(simple_book, k, v)
    apply_plan(simple_book, PLAN, backups=1)
    st = simple_book.stat()
    assert (st.st_uid, st.st_gid, st.st_mode & 0o7777) == (NOBODY, NOBODY, 0o660)
    for k, v in attrs.items():
        assert os.getxattr(simple_book, k) == v
    assert value(simple_book) == "Ja"


@pytest.mark.skipif(not xattrs_supported(Path(__file__)) and not IS_ROOT, reason="no user xattrs here")
def test_extended_attributes_survive_the_rewrite(simple_book):
    if not xattrs_supported(simple_book):
        pytest.skip("this file system keeps no user xattrs")
    os.setxattr(simple_book, "user.DOSATTRIB", b"0x21")
    os.chmod(simple_book, 0o604)
    apply_plan(simple_book, PLAN, backups=0)
    assert os.getxattr(simple_book, "user.DOSATTRIB") == b"0x21"
    assert simple_book.stat().st_mode & 0o777 == 0o604


@pytest.mark.skipif(not IS_ROOT, reason="needs a file of another owner")
def test_an_owner_that_cannot_be_given_back_refuses_the_write(simple_book, monkeypatch):
    """What a run as another user meets (chown: EPERM), e.g. root on an NFS share with
    root_squash: the file would change hands — refused, nothing changed."""
    os.chown(simple_book, NOBODY, NOBODY)
    before = simple_book.read_bytes()

    def not_permitted(fd, uid, gid):
        raise PermissionError(1, "Operation not permitted")
    monkeypatch.setattr(guard.os, "fchown", not_permitted)
    with pytest.raises(WorkbookError, match="kann Besitzer und Gruppe nicht erhalten") as info:
        apply_plan(simple_book, PLAN)
    assert "Original unverändert" in str(info.value) and "\n" not in str(info.value)
    assert simple_book.read_bytes() == before and simple_book.stat().st_uid == NOBODY
    assert temp_files(simple_book.parent) == [] and not (simple_book.parent / BACKUP_DIR).exists()


@pytest.mark.skipif(not IS_ROOT, reason="runs a child as another user")
def test_a_run_that_cannot_keep_the_owner_refuses(simple_book):
    """A run as 'nobody' on root's file in a folder everyone may write: it could replace the
    file, but the file would then belong to 'nobody' — refused, nothing changed."""
    folder = simple_book.parent
    os.chmod(folder, 0o777)
    os.chmod(simple_book, 0o666)
    before = simple_book.read_bytes()
    code = ("import sys; from xl_addin.core.plan import CellWrite, Plan; "
            "from xl_addin.package import apply_plan, WorkbookError\n"
            "try:\n apply_plan(sys.argv[1], Plan(writes=[CellWrite('Masterliste', 2, 4, 'Ja')]), backups=0)\n"
            "except WorkbookError as e:\n print(e); sys.exit(3)\n")
    try:
        proc = subprocess.run([sys.executable, "-c", code, str(simple_book)], capture_output=True, text=True,
                              timeout=60, user=NOBODY, group=NOBODY, env={**os.environ, "HOME": str(folder)})
    except PermissionError:
        proc = None
    if proc is None or ("Error" in proc.stderr and "Permission denied" in proc.stderr):
        pytest.skip("the interpreter or the code is not open to 'nobody' here")
    assert proc.returncode == 3, proc.stderr
    assert "Besitzer" in proc.stdout and "Original unverändert" in proc.stdout
    assert simple_book.read_bytes() == before and simple_book.stat().st_uid == 0
    assert temp_files(folder) == []


# --- 5. LibreOffice's lock -------------------------------------------------------------------------
def test_workbook_open_in_libreoffice_is_not_touched(simple_book):
    lock = simple_book.with_name(f".~lock.{simple_book.name}#")
    lock.write_text(",Agent,PC,22.11.2026 12:00,file:///home/agent/.config/libreoffice/4;")
    before = simple_book.read_bytes()
    for call in (lambda: check_writable(simple_book), lambda: apply_plan(simple_book, PLAN)):
        with pytest.raises(WorkbookError, match="in LibreOffice geöffnet") as info:
            call()
        assert lock.name in str(info.value) and "\n" not in str(info.value)
    assert simple_book.read_bytes() == before
    lock.unlink()
    assert apply_plan(simple_book, PLAN).written


def test_libreoffice_opening_the_file_during_the_run_stops_the_replace(simple_book, monkeypatch):
    from xl_addin.package import writer
    real_write = writer._Edit.write_to

    def write_then_libreoffice_opens(self, fh):
        order = real_write(self, fh)
        simple_book.with_name(f".~lock.{simple_book.name}#").write_text("x")
        return order
    monkeypatch.setattr(writer._Edit, "write_to", write_then_libreoffice_opens)
    before = simple_book.read_bytes()
    with pytest.raises(WorkbookError, match="in LibreOffice geöffnet"):
        apply_plan(simple_book, PLAN)
    assert simple_book.read_bytes() == before and temp_files(simple_book.parent) == []


# --- 6. the backup folder is never followed --------------------------------------------------------
def test_a_backup_folder_that_is_a_link_is_refused_and_never_followed(simple_book, tmp_path):
    elsewhere = tmp_path / "fremd"
    elsewhere.mkdir()
    victims = {"Einfach.bak1.xlsx": b"one", "Einfach.bak2.xlsx": b"two", "Einfach.bak7.xlsx": b"seven"}
    for name, data in victims.items():
        (elsewhere / name).write_bytes(data)
    (simple_book.parent / BACKUP_DIR).symlink_to(elsewhere, target_is_directory=True)
    before = simple_book.read_bytes()
    with pytest.raises(WorkbookError, match=r"Sicherungsordner '\.xl_addin-backup' ist ein Link") as info:
        apply_plan(simple_book, PLAN, backups=2)
    assert "Original unverändert" in str(info.value)
    assert simple_book.read_bytes() == before
    assert {p.name: p.read_bytes() for p in elsewhere.iterdir()} == victims
    assert temp_files(simple_book.parent) == []
    assert apply_plan(simple_book, PLAN, backups=0).written      # without backups: nothing to refuse


def test_a_backup_folder_that_is_a_file_is_refused(simple_book):
    (simple_book.parent / BACKUP_DIR).write_bytes(b"kein Ordner")
    with pytest.raises(WorkbookError, match="ist kein Ordner"):
        apply_plan(simple_book, PLAN, backups=1)


def test_links_planted_inside_the_backup_folder_are_renamed_not_followed(simple_book, tmp_path):
    victim = tmp_path / "wichtig.xlsx"
    victim.write_bytes(b"fremde Daten")
    folder = simple_book.parent / BACKUP_DIR
    folder.mkdir()
    (folder / "Einfach.bak1.xlsx").symlink_to(victim)
    (folder / "Einfach.bak3.xlsx").symlink_to(victim)
    apply_plan(simple_book, PLAN, backups=2)
    assert victim.read_bytes() == b"fremde Daten"
    assert (folder / "Einfach.bak2.xlsx").is_symlink()             # the planted link, moved on
    assert not (folder / "Einfach.bak1.xlsx").is_symlink()
    assert not os.path.lexists(folder / "Einfach.bak3.xlsx")       # over the count: removed, the link only


# --- 7. SIGTERM and kill -9 ------------------------------------------------------------------------
CHILD_WRITES_SLOWLY = """
import sys, time
from pathlib import Path
from xl_addin.core.plan import CellWrite, Plan
from xl_addin.package import apply_plan, archive
ready = Path(sys.argv[2])
real = archive.ArchiveWriter.copy_raw
def slow_copy(self, source, info):
    ready.write_text("writing")
    time.sleep(0.5)
    return real(self, source, info)
archive.ArchiveWriter.copy_raw = slow_copy
apply_plan(sys.argv[1], Plan(writes=[CellWrite("Masterliste", 2, 4, "Ja")]), backups=1)
print("finished")
"""


def wait_for(path: Path, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "child never got to the write"
        time.sleep(0.02)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals")
def test_sigterm_during_the_write_removes_the_temp_file_and_says_so(simple_book, tmp_path):
    (tmp_path / "signal").mkdir()
    ready = tmp_path / "signal" / "ready"
    before, listing = simple_book.read_bytes(), sorted(os.listdir(simple_book.parent))
    proc = subprocess.Popen([sys.executable, "-c", CHILD_WRITES_SLOWLY, str(simple_book), str(ready)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for(ready, proc)
    assert temp_files(simple_book.parent)                      # the temp file is there now
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 1 and "finished" not in out
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "abgebrochen (SIGTERM)" in lines[0] and simple_book.name in lines[0], err
    assert simple_book.read_bytes() == before
    assert sorted(os.listdir(simple_book.parent)) == listing   # no temp file, no lock left


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals")
def test_kill_9_leftovers_are_cleaned_by_the_next_run(simple_book, tmp_path):
    (tmp_path / "signal").mkdir()
    ready = tmp_path / "signal" / "ready"
    proc = subprocess.Popen([sys.executable, "-c", CHILD_WRITES_SLOWLY, str(simple_book), str(ready)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wait_for(ready, proc)
    proc.kill()
    proc.communicate(timeout=30)
    folder = simple_book.parent
    left = temp_files(folder)
    assert left and guard.lock_path(simple_book).exists()        # what kill -9 leaves
    # another workbook's temp file: one in use now stays, one untouched for long goes
    fresh = folder / ".Andere.xlsx.abcd1234.xl_addin.tmp"
    old = folder / ".Alte.xlsx.wxyz9876.xl_addin.tmp"
    fresh.write_bytes(b"in Arbeit")
    old.write_bytes(b"vergessen")
    long_ago = time.time() - guard.STALE_TEMP_SECONDS - 60
    os.utime(old, (long_ago, long_ago))
    assert apply_plan(simple_book, PLAN).written                 # the dead run's lock is stale: taken
    assert temp_files(folder) == [fresh.name]
    assert not guard.lock_path(simple_book).exists()
    assert value(simple_book) == "Ja"


def test_an_apply_under_the_callers_lock_keeps_it(simple_book):
    with WorkbookLock(simple_book, wait=0) as lock:
        assert apply_plan(simple_book, PLAN).written
        assert lock.still_mine()
    assert not guard.lock_path(simple_book).exists()


def test_the_lock_file_is_made_exclusively_and_names_its_holder(simple_book):
    with WorkbookLock(simple_book, wait=0) as lock:
        raw = lock.file.read_bytes()
        owner = guard.LockOwner.parse(raw)
        assert owner is not None and owner.pid == os.getpid() and owner.host
        # a planted link where the lock goes is not followed: the create fails, nothing written
    target = simple_book.parent / "ziel.txt"
    target.write_text("bleibt")
    guard.lock_path(simple_book).symlink_to(target)
    with pytest.raises(WorkbookLocked):
        WorkbookLock(simple_book, wait=0).acquire()
    assert target.read_text() == "bleibt"


def test_a_lost_lock_stops_the_replace(simple_book, monkeypatch):
    """If another run took the lock as stale meanwhile (another host, clock skew), this run no
    longer writes."""
    from xl_addin.package import writer
    real_write = writer._Edit.write_to

    def write_then_lock_is_taken(self, fh):
        order = real_write(self, fh)
        lock = guard.lock_path(simple_book)
        lock.write_bytes(guard.LockOwner(1, "anderer-server", "batch", time.time(), "fremd").dump())
        return order
    monkeypatch.setattr(writer._Edit, "write_to", write_then_lock_is_taken)
    before = simple_book.read_bytes()
    with pytest.raises(WorkbookLocked, match="gehört nicht mehr diesem Lauf"):
        apply_plan(simple_book, PLAN)
    assert simple_book.read_bytes() == before and temp_files(simple_book.parent) == []
    assert guard.lock_path(simple_book).exists()                 # the other run's lock stays

