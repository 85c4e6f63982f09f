"""`xl-addin install-addin` / `uninstall-addin` on an agent's PC: the .xlam in the user's AddIns
folder, switched on through HKCU's OPEN… values as Excel's Add-ins dialog does — tested with the
registry as a dictionary and the folder in tmp_path (the Windows parts sit behind Environment)."""
from __future__ import annotations

import zipfile
from pathlib import Path, PureWindowsPath

import pytest
from click.testing import CliRunner

from xl_addin.addin import install as I
from xl_addin.addin.build import build_addin

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

OPTIONS = r"Software\Microsoft\Office\16.0\Excel\Options"
MANAGER = r"Software\Microsoft\Office\16.0\Excel\Add-in Manager"


class DictRegistry:
    def __init__(self, values: dict[str, dict[str, str]] | None = None, keys: set[str] = frozenset()):
        self.data = {k: dict(v) for k, v in (values or {}).items()}
        self.keys = set(keys) | set(self.data)

    def subkeys(self, key):
        prefix = key + "\\"
        every = self.keys | set(self.data)
        return sorted({k[len(prefix):].split("\\")[0] for k in every if k.startswith(prefix)})

    def values(self, key):
        return dict(self.data.get(key, {}))

    def set_value(self, key, name, value):
        self.data.setdefault(key, {})[name] = value
        self.keys.add(key)

    def delete_value(self, key, name):
        self.data.get(key, {}).pop(name, None)


@pytest.fixture(scope="module")
def xlam(tmp_path_factory) -> Path:
    return build_addin(tmp_path_factory.mktemp("built"), interpreter=r"C:\Users\max\venv\Scripts\python.exe")


def quoted(path: Path) -> str:
    """How Excel writes a path into an OPEN value (backslashes, in quotes)."""
    return f'"{PureWindowsPath(path)}"'


def env_with(tmp_path, registry, running=False) -> I.Environment:
    return I.Environment(tmp_path / "Roaming", registry, lambda: running)


def test_install_copies_into_the_user_addins_folder_and_switches_it_on(tmp_path, xlam):
    reg = DictRegistry({OPTIONS: {"OPEN": '/R "C:\\Tools\\other.xlam"', "Options6": "0"}})
    env = env_with(tmp_path, reg)
    outcome = I.install(xlam, env)
    target = tmp_path / "Roaming" / "Microsoft" / "AddIns" / "xl_addin.xlam"
    assert outcome.path == target and target.read_bytes() == xlam.read_bytes()
    assert reg.values(OPTIONS) == {"OPEN": '/R "C:\\Tools\\other.xlam"', "Options6": "0",
                                   "OPEN1": quoted(target)}
    assert outcome.versions == ["16.0"] and outcome.changed_values == [r"16.0\OPEN1"]
    # again (an update): the file is replaced, the registry is left as it is
    again = I.install(xlam, env)
    assert again.changed_values == [] and reg.values(OPTIONS)["OPEN1"] == quoted(target)


def test_install_points_an_old_entry_at_the_new_copy_and_fills_no_gap_wrongly(tmp_path, xlam):
    reg = DictRegistry({OPTIONS: {"OPEN": '"C:\\Alt\\XL_ADDIN.xlam"', "OPEN2": '"C:\\x\\b.xlam"'}},
                       keys={r"Software\Microsoft\Office\15.0\Excel"})
    env = env_with(tmp_path, reg)
    I.install(xlam, env)
    target = env.addin_folder / "xl_addin.xlam"
    assert reg.values(OPTIONS)["OPEN"] == quoted(target)
    assert reg.values(r"Software\Microsoft\Office\15.0\Excel\Options") == {"OPEN": quoted(target)}


def test_uninstall_removes_file_values_and_renumbers(tmp_path, xlam):
    reg = DictRegistry({OPTIONS: {"OPEN": '"C:\\a.xlam"', "OPEN1": "", "OPEN2": '"C:\\c.xlam"'},
                        MANAGER: {"C:\\Alt\\xl_addin.xlam": "", "C:\\d.xlam": ""}})
    env = env_with(tmp_path, reg)
    I.install(xlam, env)
    reg.set_value(OPTIONS, "OPEN1", '/R "C:\\Alt\\xl_addin.xlam"')   # a second, older registration
    outcome = I.uninstall(env)
    assert not outcome.path.exists()
    assert reg.values(OPTIONS) == {"OPEN": '"C:\\a.xlam"', "OPEN1": '"C:\\c.xlam"'}
    assert reg.values(MANAGER) == {"C:\\d.xlam": ""}
    assert I.uninstall(env).changed_values == []          # twice: nothing left, no error


def test_nothing_happens_while_excel_runs(tmp_path, xlam):
    reg = DictRegistry({OPTIONS: {}})
    env = env_with(tmp_path, reg, running=True)
    for command in (lambda: I.install(xlam, env), lambda: I.uninstall(env)):
        with pytest.raises(I.InstallError, match="Excel läuft — bitte Excel ganz schließen"):
            command()
    assert not (tmp_path / "Roaming").exists() and reg.values(OPTIONS) == {}


def test_excel_never_started_gets_the_current_office_version(tmp_path, xlam):
    reg = DictRegistry()
    I.install(xlam, env_with(tmp_path, reg))
    assert list(reg.values(OPTIONS)) == ["OPEN"]


@pytest.mark.parametrize("value, ours", [
    ('"C:\\Users\\max\\AppData\\Roaming\\Microsoft\\AddIns\\xl_addin.xlam"', True),
    ('/R "D:\\xl_addin.xlam"', True), ('"xl_addin.xlam"', True), ("xl_addin.xlam", True),
    ('"C:\\x\\my_xl_addin.xlam"', False), ('"C:\\xl_addin.xlam\\other.xlam"', False),
])
def test_which_open_values_are_this_addin(value, ours):
    assert I.names_addin(value) is ours


def test_cli_install_and_uninstall(tmp_path, monkeypatch):
    from xl_addin.cli import main
    reg = DictRegistry({OPTIONS: {}})
    monkeypatch.setattr(I, "current_environment", lambda: env_with(tmp_path, reg))
    res = CliRunner().invoke(main, ["install-addin", "--interpreter", r"C:\py\python.exe"])
    assert res.exit_code == 0, res.output
    target = tmp_path / "Roaming" / "Microsoft" / "AddIns" / "xl_addin.xlam"
    assert f"Installiert: {target}" in res.output and r"16.0\OPEN" in res.output
    with zipfile.ZipFile(target) as zf:
        assert rb"C:\py\python.exe" in zf.read("xl/worksheets/sheet1.xml"), "built for the given python"
    res = CliRunner().invoke(main, ["uninstall-addin"])
    assert res.exit_code == 0 and not target.exists() and reg.values(OPTIONS) == {}


def test_cli_refuses_off_windows_and_with_another_xlwings(tmp_path, monkeypatch):
    import xlwings

    from xl_addin.cli import main
    if not __import__("sys").platform.startswith("win"):
        res = CliRunner().invoke(main, ["install-addin"])
        assert res.exit_code != 0 and "nur unter Windows" in res.output
    monkeypatch.setattr(I, "current_environment", lambda: env_with(tmp_path, DictRegistry()))
    monkeypatch.setattr(xlwings, "__version__", "0.36.0")
    res = CliRunner().invoke(main, ["install-addin"])
    assert res.exit_code != 0 and "installiert ist xlwings 0.36.0" in res.output
    assert not (tmp_path / "Roaming").exists()


def test_cli_install_builds_for_the_python_that_runs_it(tmp_path, monkeypatch):
    import sys

    from xl_addin.cli import main
    monkeypatch.setattr(I, "current_environment", lambda: env_with(tmp_path, DictRegistry()))
    res = CliRunner().invoke(main, ["install-addin"])
    assert res.exit_code == 0, res.output
    with zipfile.ZipFile(tmp_path / "Roaming" / "Microsoft" / "AddIns" / "xl_addin.xlam") as zf:
        assert sys.executable.encode() in zf.read("xl/worksheets/sheet1.xml")
