"""`make demo` imports the month's returned files (workbooks/demo/imports/) into a copy of the
recomputed Inkasso workbook: the sample files are what workbooks/build_demo_imports.py writes, the
run's own outputs stay exactly as a run leaves them, and the copy shows each kind of change."""
from __future__ import annotations

import contextlib
import importlib.util
import io
import shutil
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from python_calamine import load_workbook

from xl_addin import actions, demo

REPO = Path(__file__).resolve().parents[2]
IMPORTS = REPO / "workbooks" / "demo" / "imports"
NOW = "2026-11-22T12:00"


def _values(path: Path) -> dict[str, list]:
    wb = load_workbook(str(path))
    return {name: wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names}


def test_committed_sample_files_are_what_the_build_script_writes(tmp_path):
    spec = importlib.util.spec_from_file_location("build_demo_imports", REPO / "workbooks" / "build_demo_imports.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    fresh = module.build(tmp_path)
    assert sorted(p.name for p in fresh) == sorted(p.name for p in IMPORTS.iterdir())
    for p in fresh:
        if p.suffix == ".csv":
            assert p.read_bytes() == (IMPORTS / p.name).read_bytes(), p.name
        else:
            assert _values(p) == _values(IMPORTS / p.name), p.name
    raw = (IMPORTS / "schulden_export_74561.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b";" in raw.splitlines()[0]
    raw = (IMPORTS / "debts_export_63310.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and raw.splitlines()[0].count(b",") == 5 and b".0," in raw


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("demo") / "out"
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert demo.main(["--out", str(out), "--now", NOW]) == 0
    return out, buf.getvalue()


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def test_the_runs_own_workbook_is_exactly_what_a_run_writes(demo_out, tmp_path):
    out, _ = demo_out
    name = "Inkasso - Cancelled Installments.xlsx"
    alone = tmp_path / name
    shutil.copy2(REPO / "workbooks" / "demo" / name, alone)
    assert actions.run_file(alone, datetime.fromisoformat(NOW), "demo").ok
    assert _members(out / name) == _members(alone)


def test_the_imported_copy_shows_every_kind_of_change_and_says_so(demo_out):
    out, said = demo_out
    copy = out / "import" / "Inkasso - Cancelled Installments.xlsx"
    values = _values(copy)
    master = values["Masterliste"]
    head = master[0]
    rows = {str(int(r[1])) if isinstance(r[1], float) else str(r[1]): dict(zip(head, r, strict=False))
            for r in master[1:] if r[1] not in ("", None)}
    assert {"10099001", "10099002"} <= set(rows) and "10099003" not in rows      # active / inactive vendor
    notes = [r["Notizen"] for r in rows.values() if str(r["Notizen"]).startswith("Diagonal 10/2026:")]
    assert len(notes) == 5
    paid = [r for r in rows.values() if str(r["Notizen"]).startswith("Diagonal 10/2026: bezahlt")]
    assert paid[0]["incasso_state"] == "paid" and paid[0]["Schulden-Status"] == "Bezahlt"
    proto = values["Protokoll"]
    sources = {name for name in ("schulden_export_74561.csv", "debts_export_63310.csv",
                                 "diagonal_rueckmeldung_2026-10.xlsx") if any(name in str(r[2]) for r in proto)}
    assert len(sources) == 3
    for expected in ("kein erlaubter Wechsel", "Rückläufer des Monats importiert", "Bestellungen hinzugefügt 2",
                     "Notizen eingetragen 5", "meinten Sie 'Gekündigt'", "meinten Sie 'teilbezahlt'",
                     "fehlen im Export"):
        assert expected in said, expected
