"""What keeps a run's hands on one workbook file on a shared server (SPEC §0 "No data loss"):

- ``WorkbookLock``: one run at a time per workbook — across processes, a ribbon press and other
  hosts on the same share. A lock *file* made with ``O_CREAT|O_EXCL`` next to the real file
  (``.<name>.xl_addin-lock``), holding pid, host, user and start time; ``fcntl``/``flock`` locks
  are not used because SMB and NFS do not carry them reliably, while an exclusive create is
  atomic on both. A lock whose process is gone (same host) or that is older than
  ``STALE_AFTER_SECONDS`` (another host) is stale and taken over; otherwise the second run waits
  up to ``wait`` seconds and then refuses with one line naming the holder.
- ``FileIdentity``: the file as a run read it (device, inode, size, mtime, a SHA-256 hash of its
  bytes), compared before the writer starts and right before the rename.
- ``terminate_raises``: SIGTERM/SIGHUP become the exception ``Terminated`` while a lock is held,
  so every ``finally`` runs (temp file removed, lock released) instead of the process vanishing.
- ``clean_stale_temps``: temp files a killed run (kill -9, power loss) left next to a workbook.
- ``keep_metadata``: owner, group, permissions and extended attributes (ACLs, Samba's
  ``user.DOSATTRIB`` …) of the original on the new file, or a refusal when they cannot be kept.
- ``BackupFolder``: ``.xl_addin-backup`` opened without ever following a link.
"""
from __future__ import annotations

import atexit
import contextlib
import errno
import getpass
import hashlib
import json
import os
import re
import secrets
import signal
import socket
import stat
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .errors import Terminated, WorkbookChanged, WorkbookError, WorkbookLocked

__all__ = [
    "DEFAULT_WAIT_SECONDS", "LOCK_SUFFIX", "STALE_AFTER_SECONDS", "TEMP_SUFFIX", "BackupFolder",
    "FileIdentity", "LockOwner", "WorkbookLock", "assert_held", "clean_stale_temps", "hold",
    "keep_metadata", "lock_path", "read_file", "real_file", "temp_prefix", "terminate_raises",
]

LOCK_SUFFIX = ".xl_addin-lock"
TEMP_SUFFIX = ".xl_addin.tmp"
DEFAULT_WAIT_SECONDS = 30.0          # how long a second run waits for the first (CLI: --wait)
STALE_AFTER_SECONDS = 30 * 60.0      # a lock of another host untouched this long is stale
STALE_TEMP_SECONDS = 60 * 60.0       # another workbook's temp file untouched this long is stale
_UNREADABLE_GRACE_SECONDS = 10.0     # an empty/unreadable lock younger than this is being written
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
# Windows: a junction or a symbolic link (not OneDrive's cloud-file tags)
_LINK_TAGS = tuple(getattr(stat, n) for n in ("IO_REPARSE_TAG_MOUNT_POINT", "IO_REPARSE_TAG_SYMLINK")
                   if hasattr(stat, n))


def real_file(path) -> Path:
    """The file a path means, links followed: where a run writes, locks and keeps backups."""
    return Path(os.path.realpath(path))


def lock_path(path) -> Path:
    real = real_file(path)
    return real.with_name(f".{real.name}{LOCK_SUFFIX}")


def temp_prefix(real: Path) -> str:
    """Prefix of the writer's temp files for the workbook ``real`` (then 8 random characters and
    ``TEMP_SUFFIX``)."""
    return f".{real.name}."


# ---------------------------------------------------------------- the file as a run read it

@dataclass(frozen=True)
class FileIdentity:
    device: int
    inode: int
    size: int
    mtime_ns: int
    digest: bytes

    @classmethod
    def of(cls, st: os.stat_result, data: bytes) -> FileIdentity:
        # SHA-256: OpenSSL's uses the CPU's SHA instructions where there are some (x86-64 servers
        # of the last years, ARMv8) — 3 ms for a 5.6 MB workbook here, BLAKE2b 5.4 ms; each run
        # hashes the file three times
        return cls(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, hashlib.sha256(data).digest())

    def same_content(self, other: FileIdentity) -> bool:
        return (self.size, self.digest) == (other.size, other.digest)


def read_file(path: Path, name: str, check_size=None) -> tuple[bytes, FileIdentity]:
    """The bytes of the file and its identity, refusing a file that changes while it is read
    (someone is saving it right now). ``check_size(size, name)`` may refuse the file by its size
    before anything is read (``limits.check_file_size``)."""
    # O_NONBLOCK: a named pipe given as workbook must not hang the run in open()
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with open(fd, "rb") as fh:
        before = os.fstat(fd)
        if stat.S_ISDIR(before.st_mode):
            raise IsADirectoryError(errno.EISDIR, "is a directory", str(path))
        if not stat.S_ISREG(before.st_mode):
            raise WorkbookError(f"'{name}' ist keine gewöhnliche Datei (Pipe, Gerät?) — abgelehnt")
        if check_size is not None:
            check_size(before.st_size, name)
        data = fh.read()
        after = os.fstat(fd)
    if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns) or len(data) != after.st_size:
        raise WorkbookChanged(f"Datei '{name}' wird gerade von jemand anderem gespeichert — "
                              f"nichts geschrieben, bitte erneut starten")
    return data, FileIdentity.of(after, data)


def changed_since(path: Path, read: FileIdentity) -> bool:
    """Does the file at ``path`` (links followed) differ from what was read? Same size and
    bytes count as unchanged (a mere ``touch``, or the same bytes saved again)."""
    try:
        st = os.stat(path)
    except OSError:
        return True
    if st.st_size != read.size:
        return True
    try:
        _, now = read_file(path, path.name)
    except (OSError, WorkbookError):
        return True
    return not read.same_content(now)


# ---------------------------------------------------------------- SIGTERM becomes an exception

_signal_depth = 0
_previous_handlers: dict[int, signal.Handlers | None] = {}
_signalled = False
_SIGNALS = tuple(s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s is not None)


def _raise_terminated(signum, frame):
    global _signalled
    if _signalled:                 # cleaning up after the first one: let it finish
        return
    _signalled = True
    raise Terminated(signal.Signals(signum).name)


@contextlib.contextmanager
def terminate_raises() -> Iterator[None]:
    """While inside: SIGTERM and SIGHUP raise ``Terminated`` in the main thread (where the
    default action would end the process on the spot). Handlers the application set itself, and
    signals it ignores (nohup), are left alone; outside a main thread this does nothing."""
    global _signal_depth, _signalled
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    if _signal_depth == 0:
        _signalled = False
        for sig in _SIGNALS:
            old = signal.getsignal(sig)
            if old in (signal.SIG_DFL, None):
                _previous_handlers[sig] = old  # type: ignore[assignment]
                signal.signal(sig, _raise_terminated)
    _signal_depth += 1
    try:
        yield
    finally:
        _signal_depth -= 1
        if _signal_depth == 0:
            for sig, old in _previous_handlers.items():
                signal.signal(sig, old if old is not None else signal.SIG_DFL)
            _previous_handlers.clear()


# ---------------------------------------------------------------- the lock

@dataclass(frozen=True)
class LockOwner:
    pid: int
    host: str
    user: str
    started: float                 # epoch seconds
    token: str

    def describe(self) -> str:
        when = datetime.fromtimestamp(self.started).strftime("%d.%m.%Y %H:%M:%S") if self.started else "?"
        return f"{self.user or '?'} auf {self.host or '?'}, PID {self.pid}, seit {when}"

    @classmethod
    def parse(cls, raw: bytes) -> LockOwner | None:
        try:
            d = json.loads(raw.decode("utf-8"))
            return cls(int(d["pid"]), str(d["host"]), str(d.get("user", "")), float(d["started"]),
                       str(d["token"]))
        except (ValueError, KeyError, TypeError, AttributeError):
            return None

    def dump(self) -> bytes:
        return json.dumps({"pid": self.pid, "host": self.host, "user": self.user,
                           "started": self.started, "token": self.token,
                           "tool": "xl_addin"}, ensure_ascii=False).encode("utf-8")


def _login() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return os.environ.get("USERNAME") or os.environ.get("USER") or ""


def _process_started(pid: int) -> float | None:
    """When process ``pid`` started (epoch seconds), where the platform tells (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = int(fields[19])
        boot = next(float(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines()
                    if line.startswith("btime "))
        return boot + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return None


def _alive(owner: LockOwner) -> bool:
    """Is the process that wrote ``owner`` (on this host) still running?"""
    if owner.pid <= 0:
        return False
    try:
        os.kill(owner.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass                                       # runs, as another user
    except OSError:
        return True                                # cannot tell (Windows: no signal 0): assume so
    started = _process_started(owner.pid)
    return started is None or started <= owner.started + 2.0   # else the pid was reused


_held: dict[str, WorkbookLock] = {}
_held_guard = threading.Lock()


class WorkbookLock:
    """The lock of one workbook file for one run. ``acquire`` waits up to ``wait`` seconds and
    then raises ``WorkbookLocked`` (one line naming the holder); ``release`` removes the lock
    file only while it is still this run's. Released at interpreter exit at the latest."""

    def __init__(self, path, *, wait: float | None = None, stale_after: float = STALE_AFTER_SECONDS):
        self.path = Path(path)
        self.real = real_file(path)
        self.file = lock_path(path)
        self.wait = DEFAULT_WAIT_SECONDS if wait is None else max(0.0, float(wait))
        self.stale_after = stale_after
        self.owner: LockOwner | None = None
        self.depth = 0
        self._signals: contextlib.ExitStack | None = None

    @property
    def key(self) -> str:
        return os.path.normcase(str(self.real))

    @property
    def name(self) -> str:
        return self.path.name

    # --- taking it ---------------------------------------------------------------------------
    def acquire(self) -> WorkbookLock:
        deadline = time.monotonic() + self.wait
        pause = 0.05
        while True:
            holder = self._try_create()
            if holder is None:
                break
            if time.monotonic() >= deadline:
                waited = f" (nach {self.wait:.0f} s Warten)" if self.wait >= 1 else ""
                raise WorkbookLocked(f"Datei '{self.name}' wird gerade von einem anderen Lauf bearbeitet "
                                     f"({holder}){waited} — nichts geschrieben, bitte später erneut starten")
            time.sleep(min(pause, max(0.0, deadline - time.monotonic())))
            pause = min(pause * 2, 1.0)
        self.depth = 1
        with _held_guard:
            _held[self.key] = self
        self._signals = contextlib.ExitStack()
        self._signals.enter_context(terminate_raises())
        clean_stale_temps(self.real, self.owner.started if self.owner else time.time())
        return self

    def _try_create(self) -> str | None:
        """Create the lock file: None when done, else who holds it (a stale lock is removed and
        the create tried again)."""
        for _ in range(5):
            owner = LockOwner(os.getpid(), socket.gethostname(), _login(), time.time(), secrets.token_hex(8))
            try:
                fd = os.open(self.file, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o644)
            except FileExistsError:
                verdict = self._inspect()
                if verdict is None:
                    continue                       # gone meanwhile: try again
                holder, stale_raw = verdict
                if stale_raw is None:
                    return holder
                self._break(stale_raw)
                continue
            except OSError as exc:
                raise WorkbookError(f"Datei '{self.name}': Sperrdatei '{self.file.name}' kann nicht angelegt "
                                    f"werden ({exc.strerror}) — nichts geschrieben") from None
            try:      # no fsync: the exclusive create is what excludes; an empty lock a crash
                os.write(fd, owner.dump())         # leaves is stale after a few seconds
            finally:
                os.close(fd)
            self.owner = owner
            return None
        return "Sperre wechselt ständig den Besitzer"

    def _inspect(self) -> tuple[str, bytes | None] | None:
        """(who holds the lock, its bytes when it is stale — else None); None when it is gone."""
        try:
            st = os.lstat(self.file)
            fd = os.open(self.file, os.O_RDONLY | _NOFOLLOW)
        except FileNotFoundError:
            return None
        except OSError:                            # a link or unreadable: only its age can tell
            st = os.lstat(self.file)
            age = time.time() - st.st_mtime
            return f"unlesbare Sperrdatei '{self.file.name}'", (b"" if age > self.stale_after else None)
        try:
            raw = os.read(fd, 4096)
        finally:
            os.close(fd)
        age = time.time() - st.st_mtime
        owner = LockOwner.parse(raw)
        if owner is None:
            stale = age > _UNREADABLE_GRACE_SECONDS
            return f"Sperrdatei '{self.file.name}' ohne Angaben", (raw if stale else None)
        if owner.host == socket.gethostname():
            if owner.pid == os.getpid() and self.key in _held:
                return f"{owner.describe()}, in diesem Prozess", None
            stale = owner.pid != os.getpid() and not _alive(owner)
        else:
            stale = age > self.stale_after
        return owner.describe(), (raw if stale else None)

    def _break(self, stale_raw: bytes) -> None:
        """Remove a stale lock — and only that one: it is first renamed to a name of our own, and
        put back if it turns out to be a fresh lock another run made meanwhile."""
        aside = self.file.with_name(f"{self.file.name}.stale-{os.getpid()}-{secrets.token_hex(4)}")
        try:
            os.rename(self.file, aside)
        except FileNotFoundError:
            return
        except OSError:
            return
        try:
            with open(aside, "rb") as fh:
                taken = fh.read(4096)
        except OSError:
            taken = stale_raw
        if taken != stale_raw:
            with contextlib.suppress(OSError):
                os.link(aside, self.file)          # never over a lock made meanwhile
        with contextlib.suppress(OSError):
            os.unlink(aside)

    # --- holding and letting go ----------------------------------------------------------------
    def still_mine(self) -> bool:
        if self.owner is None:
            return False
        try:
            with open(self.file, "rb") as fh:
                return LockOwner.parse(fh.read(4096)) == self.owner
        except OSError:
            return False

    def release(self) -> None:
        if self.owner is None:
            return
        try:
            if self.still_mine():
                with contextlib.suppress(OSError):
                    os.unlink(self.file)
        finally:
            self.owner = None
            self.depth = 0
            with _held_guard:
                if _held.get(self.key) is self:
                    del _held[self.key]
            signals, self._signals = self._signals, None
            if signals is not None:
                signals.close()

    def __enter__(self) -> WorkbookLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def held(path) -> WorkbookLock | None:
    """This process's lock on the workbook at ``path``, if it holds one."""
    lock = _held.get(os.path.normcase(str(real_file(path))))
    return lock if lock is not None and lock.owner is not None else None


@contextlib.contextmanager
def hold(path, wait: float | None = None) -> Iterator[WorkbookLock]:
    """The workbook's lock for the duration: the one this process already holds (a run that
    locked before reading), else a new one, released afterwards."""
    mine = held(path)
    if mine is not None:
        mine.depth += 1
        try:
            yield mine
        finally:
            mine.depth -= 1
        return
    lock = WorkbookLock(path, wait=wait).acquire()
    try:
        yield lock
    finally:
        lock.release()


def assert_held(lock: WorkbookLock, name: str) -> None:
    """Right before the rename: the lock must still be this run's (not broken as stale)."""
    if not lock.still_mine():
        raise WorkbookLocked(f"Datei '{name}': die Sperre '{lock.file.name}' gehört nicht mehr diesem Lauf "
                             f"(als veraltet entfernt?) — nichts geschrieben, bitte erneut starten")


@atexit.register
def _release_all() -> None:
    for lock in list(_held.values()):
        with contextlib.suppress(Exception):
            lock.release()


# ---------------------------------------------------------------- temp files of killed runs

_TEMP_NAME = re.compile(r"^\.(?P<workbook>.+)\.[A-Za-z0-9_]{8}" + re.escape(TEMP_SUFFIX) + "$")


def clean_stale_temps(real: Path, started: float) -> list[Path]:
    """Remove the writer's temp files that a killed run left in the workbook's folder: those of
    this workbook made before ``started`` (this run holds its lock, so no run is writing them),
    and those of other workbooks untouched for ``STALE_TEMP_SECONDS`` whose lock is not held.
    Returns what was removed; never fails the run."""
    folder = real.parent
    removed: list[Path] = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    now = time.time()
    for entry in names:
        m = _TEMP_NAME.match(entry)
        if not m:
            continue
        path = folder / entry
        try:
            st = os.lstat(path)
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode):
            continue
        if m["workbook"] == real.name:
            stale = st.st_mtime < started
        else:
            stale = now - st.st_mtime > STALE_TEMP_SECONDS and not (folder / f".{m['workbook']}{LOCK_SUFFIX}").exists()
        if stale:
            with contextlib.suppress(OSError):
                os.unlink(path)
                removed.append(path)
    return removed


# ---------------------------------------------------------------- owner, group, mode, xattrs

def keep_metadata(fd: int, original: Path, st: os.stat_result, name: str) -> None:
    """Give the new file (open as ``fd``) the original's owner, group, extended attributes and
    permission bits, in that order (chown clears set-id bits; an ACL's mask follows the mode).
    WorkbookError when the owner, group or an attribute cannot be kept (a run as another user
    than the file's owner, without root): nothing is written then."""
    if hasattr(os, "fchown"):
        mine = os.fstat(fd)
        if (mine.st_uid, mine.st_gid) != (st.st_uid, st.st_gid):
            try:
                os.fchown(fd, st.st_uid, st.st_gid)
            except OSError as exc:
                raise WorkbookError(
                    f"Datei '{name}' gehört {_owner_text(st)} — ein Lauf als {_owner_text(mine)} kann Besitzer "
                    f"und Gruppe nicht erhalten ({exc.strerror}); bitte als Besitzer oder root starten — "
                    f"Original unverändert") from None
    if hasattr(os, "listxattr"):
        _copy_xattrs(fd, original, name)
    if hasattr(os, "fchmod"):
        os.fchmod(fd, stat.S_IMODE(st.st_mode))


def _owner_text(st: os.stat_result) -> str:
    try:
        import grp
        import pwd
        return f"'{pwd.getpwuid(st.st_uid).pw_name}:{grp.getgrgid(st.st_gid).gr_name}'"
    except (ImportError, KeyError):
        return f"'{st.st_uid}:{st.st_gid}'"


def _copy_xattrs(fd: int, original: Path, name: str) -> None:
    try:
        names = os.listxattr(original)
    except OSError as exc:
        if exc.errno in (errno.ENOTSUP, errno.EOPNOTSUPP):
            return
        raise WorkbookError(f"Datei '{name}': erweiterte Attribute nicht lesbar ({exc.strerror}) — "
                            f"Original unverändert") from None
    for attr in names:
        try:
            value = os.getxattr(original, attr)
        except OSError:
            continue                               # vanished or not readable for us
        try:
            if os.getxattr(fd, attr) == value:
                continue                           # e.g. the folder's SELinux label, inherited
        except OSError:
            pass
        try:
            os.setxattr(fd, attr, value)
        except OSError as exc:
            raise WorkbookError(f"Datei '{name}': erweitertes Attribut '{attr}' kann nicht übernommen "
                                f"werden ({exc.strerror}) — Original unverändert") from None


# ---------------------------------------------------------------- the backup folder

class BackupFolder:
    """``.xl_addin-backup`` in the workbook's (real) folder, opened so that nothing in it is
    followed: the folder must be a real folder on the same device (not a link, not a mount), and
    every rename, delete and new backup works on names inside it (``dir_fd``) — never on what a
    planted link points at."""

    def __init__(self, folder: Path, dirname: str, name: str):
        self.folder = folder
        self.path = folder / dirname
        self.name = name
        self.fd: int | None = None
        if os.path.lexists(self.path):            # refuse early, before anything is written
            self._refuse_unless_own_folder()

    def open(self) -> BackupFolder:
        """Create the folder if missing and open it for the rotation (links never followed)."""
        with contextlib.suppress(FileExistsError):
            os.mkdir(self.path)
        self._refuse_unless_own_folder()
        if os.open in os.supports_dir_fd and hasattr(os, "O_DIRECTORY"):
            try:
                self.fd = os.open(self.path, os.O_RDONLY | os.O_DIRECTORY | _NOFOLLOW)
            except OSError as exc:
                raise self._refusal(f"ist nicht zu öffnen ({exc.strerror})") from None
            opened = os.fstat(self.fd)
            if (opened.st_dev, opened.st_ino) != self._identity:
                self.close()
                raise self._refusal("wurde während des Laufs ausgetauscht")
        return self

    def _refusal(self, why: str) -> WorkbookError:
        return WorkbookError(f"Datei '{self.name}': der Sicherungsordner '{self.path.name}' {why} — aus "
                             f"Sicherheitsgründen abgelehnt, Sicherungen bleiben neben der Arbeitsmappe; "
                             f"Original unverändert")

    def _refuse_unless_own_folder(self) -> None:
        try:
            st = os.lstat(self.path)
        except OSError as exc:
            raise self._refusal(f"ist nicht anzulegen ({exc.strerror})") from None
        if stat.S_ISLNK(st.st_mode) or getattr(st, "st_reparse_tag", 0) in _LINK_TAGS:
            raise self._refusal("ist ein Link")
        if not stat.S_ISDIR(st.st_mode):
            raise self._refusal("ist kein Ordner")
        if st.st_dev != os.stat(self.folder).st_dev:
            raise self._refusal("liegt auf einem anderen Laufwerk (eingehängt)")
        self._identity = (st.st_dev, st.st_ino)

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def __enter__(self) -> BackupFolder:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # names inside the folder
    def names(self) -> list[str]:
        return os.listdir(self.fd if self.fd is not None else self.path)

    def exists(self, entry: str) -> bool:
        try:
            os.stat(entry, dir_fd=self.fd, follow_symlinks=False) if self.fd is not None \
                else os.lstat(self.path / entry)
        except FileNotFoundError:
            return False
        return True

    def unlink(self, entry: str) -> None:
        if self.fd is not None:
            os.unlink(entry, dir_fd=self.fd)
        else:
            os.unlink(self.path / entry)

    def rename(self, old: str, new: str) -> None:
        if self.fd is not None:
            os.replace(old, new, src_dir_fd=self.fd, dst_dir_fd=self.fd)
        else:
            os.replace(self.path / old, self.path / new)

    def keep(self, source: Path, entry: str) -> None:
        """``source`` as the backup ``entry``: a hard link, else a copy made as a new file."""
        try:
            if self.fd is not None:
                os.link(source, entry, dst_dir_fd=self.fd)
            else:
                os.link(source, self.path / entry)
            return
        except OSError:
            pass
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | getattr(os, "O_BINARY", 0)
        out = os.open(entry, flags, 0o600, dir_fd=self.fd) if self.fd is not None \
            else os.open(self.path / entry, flags, 0o600)
        try:
            with open(source, "rb") as src:
                st = os.fstat(src.fileno())
                while chunk := src.read(1 << 20):
                    os.write(out, chunk)
            with contextlib.suppress(OSError):
                os.fchmod(out, stat.S_IMODE(st.st_mode))
            os.fsync(out)
        finally:
            os.close(out)
