"""``xl-addin install-addin`` / ``uninstall-addin``: the add-in on an agent's PC, without admin rights.

Install: the built ``xl_addin.xlam`` is copied into the user's add-in folder
``%APPDATA%\\Microsoft\\AddIns`` (Office's default trusted location "User Add-ins", so its
macros run without a signature unless IT switched trusted locations off) and switched on for
Excel in the current user's registry, as Excel's own Add-ins dialog does: a value ``OPEN``,
``OPEN1``, ``OPEN2`` … under ``HKCU\\Software\\Microsoft\\Office\\<version>\\Excel\\Options``
holding the quoted path. Excel reads these values when it starts and loads the add-in; HKCU
needs no admin rights. (xlwings' ``addin install`` copies into Excel's XLSTART folder instead,
which it asks a running Excel for; the AddIns folder and ``OPEN`` need no Excel and leave the
add-in listed in Datei › Optionen › Add-Ins, where an agent can switch it off and on.)

Uninstall removes the file and every ``OPEN…`` value naming ``xl_addin.xlam`` (the remaining
values renumbered without a gap: Excel stops reading at the first missing number) and the add-in's
entries in ``Add-in Manager`` (the list of known but unloaded add-ins).

Excel must be closed: it holds the loaded file open and writes its own list of ``OPEN…`` values
when it quits, which would undo either command.

Everything Windows-specific sits behind :class:`Environment` (the folder, the registry, whether
Excel runs), so the logic is tested on any OS with a dictionary as the registry.
"""
from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PureWindowsPath
from typing import Protocol

from ..files import atomic_write_bytes
from . import ADDIN_FILENAME

OFFICE_KEY = r"Software\Microsoft\Office"
DEFAULT_OFFICE_VERSION = "16.0"           # Office 2016, 2019, 2021 and Microsoft 365
_OPEN = re.compile(r"OPEN(\d*)", re.IGNORECASE)


class InstallError(Exception):
    """Why the add-in cannot be installed or removed (one German line)."""


class Registry(Protocol):
    """The part of HKEY_CURRENT_USER the commands use; key paths are relative to HKCU."""

    def subkeys(self, key: str) -> list[str]: ...
    def values(self, key: str) -> dict[str, str]: ...      # {} when the key does not exist
    def set_value(self, key: str, name: str, value: str) -> None: ...   # creates the key
    def delete_value(self, key: str, name: str) -> None: ...


@dataclass
class Environment:
    appdata: Path                              # %APPDATA% (Roaming)
    registry: Registry
    excel_running: Callable[[], bool] = field(default=lambda: False)

    @property
    def addin_folder(self) -> Path:
        return self.appdata / "Microsoft" / "AddIns"


@dataclass
class Outcome:
    path: Path
    versions: list[str]            # Office versions whose Excel loads (or no longer loads) it
    changed_values: list[str]      # registry values written or removed, "16.0\OPEN1"


# ---------------------------------------------------------------- the registry's OPEN list

def _options_key(version: str) -> str:
    return rf"{OFFICE_KEY}\{version}\Excel\Options"


def _manager_key(version: str) -> str:
    return rf"{OFFICE_KEY}\{version}\Excel\Add-in Manager"


def excel_versions(registry: Registry) -> list[str]:
    """The Office versions with an Excel key for this user ("16.0", …), newest first; the
    default version when Excel has never run."""
    found = [v for v in registry.subkeys(OFFICE_KEY)
             if re.fullmatch(r"\d+\.0", v) and "Excel" in registry.subkeys(rf"{OFFICE_KEY}\{v}")]
    return sorted(found, key=lambda v: float(v), reverse=True) or [DEFAULT_OFFICE_VERSION]


def _open_values(values: dict[str, str]) -> list[tuple[int, str, str]]:
    """(number, name, value) of the OPEN, OPEN1 … values, in Excel's order."""
    out = []
    for name, value in values.items():
        m = _OPEN.fullmatch(name)
        if m:
            out.append((int(m.group(1) or 0), name, value))
    return sorted(out)


def _open_name(number: int) -> str:
    return "OPEN" if number == 0 else f"OPEN{number}"


def names_addin(value: str) -> bool:
    """Whether an OPEN value (``/R "C:\\…\\xl_addin.xlam"``, ``"xl_addin.xlam"`` …) is this add-in."""
    path = re.sub(r"^(/\w+\s+)*", "", value.strip()).strip().strip('"')
    return PureWindowsPath(path).name.casefold() == ADDIN_FILENAME.casefold()


# ---------------------------------------------------------------- the commands

def _refuse_while_excel_runs(env: Environment, what: str) -> None:
    if env.excel_running():
        raise InstallError(f"Excel läuft — bitte Excel ganz schließen (alle Fenster), dann '{what}' erneut: "
                           f"Excel hält das Add-in geöffnet und schreibt beim Beenden seine eigene Add-in-Liste")


def install(xlam: Path, env: Environment) -> Outcome:
    """Copy ``xlam`` into the user's AddIns folder and switch it on for every Excel of this user."""
    _refuse_while_excel_runs(env, "xl-addin install-addin")
    data = Path(xlam).read_bytes()
    target = env.addin_folder / ADDIN_FILENAME
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(target, data)
    quoted = f'"{PureWindowsPath(target)}"'
    versions, changed = excel_versions(env.registry), []
    for version in versions:
        key = _options_key(version)
        entries = _open_values(env.registry.values(key))
        ours = [(n, name, v) for n, name, v in entries if names_addin(v)]
        if ours:
            _n, name, value = ours[0]
            if value != quoted:                       # an older copy elsewhere: point at this one
                env.registry.set_value(key, name, quoted)
                changed.append(rf"{version}\{name}")
            for _n, extra, _v in ours[1:]:           # listed twice: once is enough
                env.registry.delete_value(key, extra)
                changed.append(rf"{version}\{extra}")
            if len(ours) > 1:
                _renumber(env.registry, key)
            continue
        used = {n for n, _name, _v in entries}
        number = next(n for n in range(len(used) + 1) if n not in used)
        env.registry.set_value(key, _open_name(number), quoted)
        changed.append(rf"{version}\{_open_name(number)}")
        if number != len(used):
            _renumber(env.registry, key)
    return Outcome(target, versions, changed)


def _renumber(registry: Registry, key: str) -> None:
    """OPEN, OPEN1, OPEN2 … without a gap, in their order."""
    entries = _open_values(registry.values(key))
    for _n, name, _v in entries:
        registry.delete_value(key, name)
    for number, (_n, _name, value) in enumerate(entries):
        registry.set_value(key, _open_name(number), value)


def uninstall(env: Environment) -> Outcome:
    """Switch the add-in off for every Excel of this user and delete the installed copy."""
    _refuse_while_excel_runs(env, "xl-addin uninstall-addin")
    target = env.addin_folder / ADDIN_FILENAME
    versions, changed = excel_versions(env.registry), []
    for version in versions:
        key = _options_key(version)
        ours = [name for _n, name, v in _open_values(env.registry.values(key)) if names_addin(v)]
        for name in ours:
            env.registry.delete_value(key, name)
            changed.append(rf"{version}\{name}")
        if ours:
            _renumber(env.registry, key)
        manager = _manager_key(version)
        for name in env.registry.values(manager):
            if names_addin(name):
                env.registry.delete_value(manager, name)
                changed.append(rf"{version}\Add-in Manager\{name}")
    try:
        target.unlink()
    except FileNotFoundError:
        pass
    except OSError as e:
        raise InstallError(f"'{target}' lässt sich nicht löschen ({e.strerror}) — ist Excel geschlossen?") from None
    return Outcome(target, versions, changed)


# ---------------------------------------------------------------- Windows

class WindowsRegistry:
    """HKEY_CURRENT_USER through ``winreg`` (values as REG_SZ, as Excel writes them)."""

    def __init__(self) -> None:
        import winreg  # type: ignore[import-not-found,unused-ignore]
        self._w = winreg

    def subkeys(self, key: str) -> list[str]:
        w = self._w
        try:
            with w.OpenKey(w.HKEY_CURRENT_USER, key) as k:
                return [w.EnumKey(k, i) for i in range(w.QueryInfoKey(k)[0])]
        except FileNotFoundError:
            return []

    def values(self, key: str) -> dict[str, str]:
        w = self._w
        try:
            with w.OpenKey(w.HKEY_CURRENT_USER, key) as k:
                out = {}
                for i in range(w.QueryInfoKey(k)[1]):
                    name, value, _type = w.EnumValue(k, i)
                    out[name] = str(value)
                return out
        except FileNotFoundError:
            return {}

    def set_value(self, key: str, name: str, value: str) -> None:
        w = self._w
        with w.CreateKeyEx(w.HKEY_CURRENT_USER, key, 0, w.KEY_SET_VALUE) as k:
            w.SetValueEx(k, name, 0, w.REG_SZ, value)

    def delete_value(self, key: str, name: str) -> None:
        w = self._w
        try:
            with w.OpenKey(w.HKEY_CURRENT_USER, key, 0, w.KEY_SET_VALUE) as k:
                w.DeleteValue(k, name)
        except FileNotFoundError:
            pass


def _excel_runs_on_windows() -> bool:
    done = subprocess.run(["tasklist", "/FI", "IMAGENAME eq EXCEL.EXE", "/NH"], capture_output=True,
                          text=True, check=False, creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
    return "excel.exe" in done.stdout.casefold()


def current_environment() -> Environment:
    """This PC's: only on Windows, where Excel for Windows keeps its add-in list."""
    if not sys.platform.startswith("win"):
        raise InstallError("nur unter Windows (Excel für Windows) — hier 'xl-addin build-addin' und die "
                           "Datei von Hand verteilen")
    import os
    appdata = os.environ.get("APPDATA")
    if not appdata:
        raise InstallError("die Umgebungsvariable APPDATA fehlt — ist das ein Windows-Benutzerkonto?")
    return Environment(Path(appdata), WindowsRegistry(), _excel_runs_on_windows)
