"""The nightly batch as an operator expects it (issue 12): `xl-addin run folder/*.xlsx` — one bad
workbook never stops the others, every unexpected exception (a Rust panic included) is one line
for its file, the summary lists every file with its outcome, the exit code says whether any file
failed, `--report FILE.json` writes that summary for monitoring; and what the command line prints
never carries a cell's control characters to the terminal. Real files in temporary folders; the
one real process is a child that gets SIGTERM, every wait bounded."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.builders import order
from tests.hostile.files import inkasso_book, set_cell_xml
from xl_addin import actions
from xl_addin.cli import main
from xl_addin.kinds.inkasso import schema as S

NOW = ["--now", "2026-11-22T12:00"]


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


class FakePanic(BaseException):
    """What pyo3 raises for a Rust panic: a BaseException, not an Exception."""


@pytest.fixture
def folder(tmp_path) -> list[Path]:
    """Three ordinary workbooks, as a nightly folder holds them."""
    return [inkasso_book(tmp_path / f"{n}.xlsx") for n in ("a", "b", "c")]


def test_every_unexpected_exception_is_one_line_and_the_batch_goes_on(folder, tmp_path, monkeypatch):
    plan_run = actions.plan_run
    boom = {"b.xlsx": FakePanic("called `Option::unwrap()` on a `None` value\nstack backtrace: …"),
            "c.xlsx": MemoryError()}

    def failing(book):
        err = boom.get(Path(book.data.source).name)
        if err is not None:
            raise err
        return plan_run(book)

    monkeypatch.setattr(actions, "plan_run", failing)
    before = {p.name: p.read_bytes() for p in folder}
    report = tmp_path / "logs" / "nacht.json"
    res = cli("run", *folder, *NOW, "--report", report)
    assert res.exit_code == 1
    out = res.output.splitlines()
    assert "Traceback" not in res.output and "stack backtrace" not in res.output
    a, b, c, total = out[-4:]
    assert a.startswith("OK") and "a.xlsx" in a and "geschrieben" in a
    assert b.startswith("FEHLER") and "b.xlsx" in b and "FakePanic" in b and "Original unverändert" in b
    assert c.startswith("FEHLER") and "c.xlsx" in c and "MemoryError" in c
    assert total == "3 Dateien: 1 geschrieben, 2 FEHLER"
    # the failed ones untouched, the good one written
    assert folder[1].read_bytes() == before["b.xlsx"] and folder[2].read_bytes() == before["c.xlsx"]
    assert folder[0].read_bytes() != before["a.xlsx"]
    doc = json.loads(report.read_text("utf-8"))
    assert [f["path"] for f in doc["files"]] == [str(p) for p in folder]
    assert [f["outcome"] for f in doc["files"]] == ["geschrieben", "FEHLER", "FEHLER"]
    assert doc["failed"] == 2 and doc["exit_code"] == 1 and doc["command"] == "run"
    assert doc["files"][0]["findings"]["error"] == 0 and doc["files"][0]["protocol_entries"] >= 0
    assert "FakePanic" in doc["files"][1]["error"]
    assert [n for n in os.listdir(report.parent)] == ["nacht.json"]      # atomic: no temp file left


def test_a_clean_batch_exits_0_and_its_report_says_so(folder, tmp_path):
    report = tmp_path / "r.json"
    res = cli("check", *folder, *NOW, "--report", report)
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[-1] == "3 Dateien: 3 geprüft"
    doc = json.loads(report.read_text("utf-8"))
    assert doc["exit_code"] == 0 and doc["failed"] == 0 and doc["stopped"] is None
    assert {f["outcome"] for f in doc["files"]} == {"geprüft"}


def test_a_report_that_cannot_be_written_is_one_line_and_exit_1(folder, tmp_path):
    blocker = tmp_path / "kein_ordner"
    blocker.write_text("eine Datei, kein Ordner")
    res = cli("check", *folder, *NOW, "--report", blocker / "r.json")
    assert res.exit_code == 1
    assert "Traceback" not in res.output
    assert any(line.startswith("xl-addin: Bericht") for line in res.output.splitlines())


def test_hostile_files_in_one_batch_each_get_their_line(folder, tmp_path):
    """What a shared folder may hold next to the real workbooks: a named pipe (it used to hang
    the run), an empty file, a folder, a link to nowhere — one line each, the others are run."""
    pipe = tmp_path / "pipe.xlsx"
    os.mkfifo(pipe)
    empty = tmp_path / "leer.xlsx"
    empty.write_bytes(b"")
    (tmp_path / "ordner.xlsx").mkdir()
    (tmp_path / "weg.xlsx").symlink_to(tmp_path / "gibt-es-nicht.xlsx")
    paths = [folder[0], pipe, empty, tmp_path / "ordner.xlsx", tmp_path / "weg.xlsx", folder[1]]
    started = time.monotonic()
    res = cli("run", *paths, *NOW)
    assert time.monotonic() - started < 60
    assert res.exit_code == 1
    lines = res.output.splitlines()[-(len(paths) + 1):-1]
    assert [line.split()[0] for line in lines] == ["OK", "FEHLER", "FEHLER", "FEHLER", "FEHLER", "OK"]
    assert "Pipe" in lines[1] and "leer" in lines[2] and "Ordner" in lines[3] and "nicht gefunden" in lines[4]
    # check reads instead of writing: the pipe is refused there too, never opened for a blocking read
    res = cli("check", pipe, *NOW)
    assert res.exit_code == 1 and "Pipe" in res.output


SIGTERM_BATCH = """
import sys, time
from xl_addin import actions
from xl_addin.cli import main
plan_run = actions.plan_run
def slow(book):
    print("plane " + book.data.source, file=sys.stderr, flush=True)
    if book.data.source.endswith("b.xlsx"):
        time.sleep(30)
    return plan_run(book)
actions.plan_run = slow
main(sys.argv[1:])
"""


@pytest.mark.skipif(not hasattr(signal, "SIGTERM") or os.name != "posix", reason="POSIX signals")
def test_sigterm_during_a_batch_still_reports_every_file(folder, tmp_path):
    """systemd stops the nightly run (TimeoutStopSec, a shutdown): the file under way is left as
    it was, the rest are listed as not processed, the report is written, exit 1."""
    report = tmp_path / "r.json"
    before = folder[1].read_bytes()
    proc = subprocess.Popen([sys.executable, "-c", SIGTERM_BATCH, "run", *map(str, folder), *NOW,
                             "--report", str(report)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=Path(__file__).parents[2])
    deadline = time.monotonic() + 60
    assert proc.stderr is not None
    for line in proc.stderr:
        if "b.xlsx" in line or time.monotonic() > deadline:
            break
    time.sleep(0.3)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert "Traceback" not in err
    assert "abgebrochen (SIGTERM)" in err
    doc = json.loads(report.read_text("utf-8"))
    assert [f["outcome"] for f in doc["files"]] == ["geschrieben", "abgebrochen", "abgebrochen"]
    assert doc["stopped"] and doc["exit_code"] == 1
    assert folder[1].read_bytes() == before
    assert out.splitlines()[-1] == "3 Dateien: 1 geschrieben, 2 abgebrochen"


# --- escape sequences in cell values -------------------------------------------------------------
ESC_STATE = "can\x1b]0;owned\x07cel\x1b[2J\x9b31mled\u202e"


def test_control_characters_in_cells_are_printed_escaped(tmp_path):
    path = inkasso_book(tmp_path / "Inkasso.xlsx", [order(**{S.M_FIRST_LETTER: date(2026, 9, 1),
                                                             S.M_INCASSO_STATE: "canceled"})])
    # as Excel keeps control characters in its XML: _x001B_
    stored = "".join(f"_x{ord(ch):04X}_" if ord(ch) < 0x20 else ch for ch in ESC_STATE)
    set_cell_xml(path, S.SHEET_MASTER, "O2", f'<c r="O2" t="inlineStr"><is><t>{stored}</t></is></c>')
    res = cli("check", path, *NOW)
    assert res.exit_code == 0
    for raw in ("\x1b", "\x07", "\x9b", "\u202e"):
        assert raw not in res.output
    # (click itself drops colour/cursor sequences ESC [ … when not writing to a terminal)
    assert "'can\\u001b]0;owned\\u0007cel" in res.output and "\\u009b31mled\\u202e'" in res.output
    # JSON stays JSON and gives the cell's text back exactly
    res = cli("check", path, *NOW, "--json")
    assert "\x9b" not in res.output and "\u202e" not in res.output
    doc = json.loads(res.output)
    assert any(ESC_STATE in f["message"] for f in doc[0]["findings"])


def test_control_characters_in_a_file_name_are_printed_escaped(tmp_path):
    weird = tmp_path / "\x1b]0;owned\x07mappe.xlsx"         # sets the terminal's title
    res = cli("run", weird, *NOW)
    assert res.exit_code == 1
    assert "\x1b" not in res.output and "\x07" not in res.output
    assert "\\u001b]0;owned\\u0007mappe.xlsx" in res.output


def test_the_stream_escapes_what_a_terminal_would_act_on():
    """On a terminal click passes text on as it is (it strips colour codes only for pipes): the
    stream the CLI installs is what escapes them."""
    import io

    from xl_addin.cli.options import PrintableStream, printable
    out = io.StringIO()
    stream = PrintableStream(out)
    stream.write("a\x1b[2Jb\tc\nd\re\x00\u2028\ufeff")
    assert out.getvalue() == "a\\u001b[2Jb\tc\nd\\u000de\\u0000\\u2028\\ufeff"
    assert printable("Müller, 10 €, 'x'") == "Müller, 10 €, 'x'"


@pytest.mark.parametrize("when", ["9999-12-31T23:59", "0001-01-01T00:00", "1899-12-31T23:59"])
def test_a_now_outside_the_usable_years_is_one_line(folder, when):
    res = cli("run", folder[0], "--now", when)
    assert res.exit_code == 2
    assert "Traceback" not in res.output and "außerhalb" in res.output
