"""The wheel alone must work. From a copy of this source tree: an sdist, a wheel built from that
sdist, the wheel installed into a fresh venv that cannot see the source tree; then, from another
folder, `xl-addin build-addin` writes the same add-in as the source tree does and `xl-addin new
inkasso` an Inkasso workbook. The add-in's sources travel as package data: setup.py copies
macros/ into xl_addin/addin/macros/ of the build.

The fresh venv gets the dependencies from the test venv through a .pth line (added after the
install, so pip sees a clean environment); .pth files of the test venv are not run from there,
so its editable install of xl_addin does not leak in.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from xl_addin.addin.build import ADDIN_FILENAME, SOURCE_MACROS_DIR, build_addin
from xl_addin.udfs import UDF_NAMES

REPO = Path(__file__).resolve().parents[2]
NOT_SOURCES = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__",
                                     ".pytest_cache", ".hypothesis", "demo-output")
PACKAGED = "xl_addin/addin/macros/"


def run(args: list, cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PIP_"))}
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=240, check=False)
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def pip(*args) -> list:
    return [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", *args]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict[str, Path]:
    """Build sdist -> wheel, install the wheel into a fresh venv."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    shutil.copytree(REPO, src, ignore=NOT_SOURCES)
    build_sdist = f"from setuptools import build_meta as b; print(b.build_sdist({str(tmp / 'sdist')!r}))"
    sdist_name = run([sys.executable, "-c", build_sdist], cwd=src).split()[-1]
    sdist = tmp / "sdist" / sdist_name
    with tarfile.open(sdist) as tar:
        if hasattr(tarfile, "data_filter"):            # Python >= 3.10.12 / 3.11.4
            tar.extractall(tmp / "unpacked", filter="data")
        else:
            tar.extractall(tmp / "unpacked")
    unpacked = tmp / "unpacked" / sdist_name.removesuffix(".tar.gz")
    run(pip("wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", tmp / "dist", unpacked), cwd=tmp)
    wheel = next((tmp / "dist").glob("xl_addin-*.whl"))

    venv = tmp / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=tmp)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    run(pip("--python", python, "install", "--no-deps", "--no-index", wheel), cwd=tmp)
    site = Path(run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=tmp).strip())
    deps = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (site / "zz_test_venv_dependencies.pth").write_text("\n".join(deps) + "\n", encoding="utf-8")

    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    return {"sdist": sdist, "unpacked": unpacked, "wheel": wheel, "site": site, "python": python,
            "xl_addin": bindir / ("xl-addin.exe" if os.name == "nt" else "xl-addin"), "cwd": elsewhere}


def test_sdist_and_wheel_carry_the_addin_sources(installed):
    sources = {p.name: p.read_bytes() for p in SOURCE_MACROS_DIR.iterdir() if p.is_file()}
    assert {"customUI14.xml", "XlAddinRibbon.bas", "xl_addin.conf"} <= set(sources)
    with tarfile.open(installed["sdist"]) as tar:
        names = tar.getnames()
    top = installed["unpacked"].name
    assert {f"{top}/setup.py", f"{top}/MANIFEST.in"} <= set(names)
    assert {f"{top}/macros/{n}" for n in sources} <= set(names)
    with zipfile.ZipFile(installed["wheel"]) as zf:
        packaged = {n.removeprefix(PACKAGED): zf.read(n) for n in zf.namelist() if n.startswith(PACKAGED)}
        assert not [n for n in zf.namelist() if n.startswith(("macros/", "tests/"))]
    assert packaged == sources, "every file of macros/, byte for byte"


def test_the_installed_package_reads_its_own_copy_of_the_sources(installed):
    show = "import xl_addin.addin.build as b; print(b.__file__); print(b.find_macros_dir())"
    where = run([installed["python"], "-c", show], cwd=installed["cwd"]).splitlines()
    site = installed["site"].resolve()
    assert Path(where[0]).resolve().is_relative_to(site), "the wheel's xl_addin, not the source tree"
    assert Path(where[1]) == site / "xl_addin" / "addin" / "macros"


def test_build_addin_from_the_wheel_writes_the_same_addin(installed, tmp_path):
    out = installed["cwd"] / "addin"
    said = run([installed["xl_addin"], "build-addin", "--out", out], cwd=installed["cwd"])
    assert "11 Knöpfe" in said and f"{len(UDF_NAMES)} Formelfunktionen" in said
    built = out / ADDIN_FILENAME
    assert built.read_bytes() == build_addin(tmp_path).read_bytes(), \
        "same sources, same xlwings -> byte-identical to the source tree's build"


def test_new_from_the_wheel_writes_an_inkasso_workbook(installed, tmp_path):
    from xl_addin.cli import main
    from xl_addin.kinds import detect_kind
    from xl_addin.package import read_workbook

    target = installed["cwd"] / "X.xlsx"
    run([installed["xl_addin"], "new", "inkasso", "X.xlsx"], cwd=installed["cwd"])
    res = CliRunner().invoke(main, ["new", "inkasso", str(tmp_path / "here.xlsx")])
    assert res.exit_code == 0, res.output
    from_wheel, from_tree = read_workbook(target), read_workbook(tmp_path / "here.xlsx")
    assert detect_kind(from_wheel).name == "inkasso"
    assert {n: s.rows for n, s in from_wheel.sheets.items()} == {n: s.rows for n, s in from_tree.sheets.items()}
