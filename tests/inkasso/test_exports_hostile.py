"""Exports that used to kill the command (issue 12, item 10): a control character in a name for
the status list (openpyxl's IllegalCharacterError), a 260-character vendor id (file name too
long: the vendors after it were never written), a 'CSV Dateiname' setting with a NUL byte or
300 characters, and an --out folder that cannot be made, is read-only or full. Each is a finding
or one line; nothing half-written; the other vendors' files are there. Real files, the CLI."""
from __future__ import annotations

import os
import zipfile
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from python_calamine import load_workbook

from tests.builders import DEFAULT_VENDORS, order
from tests.hostile.files import inkasso_book, set_cell_xml
from xl_addin.cli import main
from xl_addin.kinds.inkasso import schema as S

NOW = ["--now", "2026-11-22T12:00"]
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
LONG_VENDOR = "7" * 260


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def handed_over(vendor, **extra) -> dict:
    return order(**{S.M_VENDOR_ID: vendor, S.M_FIRST_LETTER: date(2026, 9, 1), S.M_SECOND_LETTER: date(2026, 9, 15),
                    S.M_INCASSO_DATE: date(2026, 10, 1), S.M_INCASSO_STATE: "sent_for_collection",
                    S.M_DEBT_STATUS: "Ans Inkasso übergeben", **extra})


@pytest.fixture
def book(tmp_path) -> Path:
    vendors = [*DEFAULT_VENDORS, {**DEFAULT_VENDORS[0], S.OV_USER_ID: LONG_VENDOR}]
    return inkasso_book(tmp_path / "Inkasso.xlsx", [handed_over(1006), handed_over(LONG_VENDOR), handed_over(2001)],
                        vendors=vendors)


def test_a_vendor_id_too_long_for_a_file_name_is_a_finding_and_the_others_are_written(book, tmp_path):
    out = tmp_path / "out"
    res = cli("export-csv", book, "--vendor", "alle", "--out", out, *NOW)
    assert "Traceback" not in res.output
    assert res.exit_code == 1                                   # one vendor got no file
    assert sorted(os.listdir(out)) == ["vendor_1006.csv", "vendor_2001.csv"]
    lines = [line for line in res.output.splitlines() if "zu lang" in line]
    assert len(lines) == 1 and "255" in lines[0]


@pytest.mark.parametrize("template, why", [("vendor_\x00{vendor_id}.csv", "Steuerzeichen"),
                                           ("v" * 300 + "{vendor_id}.csv", "zu lang")])
def test_a_csv_file_name_setting_no_file_can_have_falls_back_to_the_default(tmp_path, template, why):
    path = inkasso_book(tmp_path / "Inkasso.xlsx", [handed_over(1006)], settings={"CSV Dateiname": "x{vendor_id}"})
    stored = template.replace("\x00", "_x0000_")                # as Excel keeps a NUL in its XML
    set_cell_xml(path, S.SHEET_SETTINGS, "B2", f'<c r="B2" t="inlineStr"><is><t>{stored}</t></is></c>')
    out = tmp_path / "out"
    res = cli("export-csv", path, "--vendor", "1006", "--out", out, *NOW)
    assert "Traceback" not in res.output
    assert res.exit_code == 0, res.output
    assert os.listdir(out) == ["vendor_1006.csv"]
    assert any(why in line and "CSV Dateiname" in line for line in res.output.splitlines())


def test_a_control_character_in_a_name_goes_into_the_status_list_as_excel_keeps_it(tmp_path):
    name = "Mül\x1bler\x07"
    path = inkasso_book(tmp_path / "Inkasso.xlsx", [handed_over(1006)])
    set_cell_xml(path, S.SHEET_MASTER, "E2", '<c r="E2" t="inlineStr"><is><t>Mül_x001B_ler_x0007_</t></is></c>')
    out = tmp_path / "out"
    res = cli("status-list", path, "--vendor", "1006", "--out", out, *NOW)
    assert res.exit_code == 0, res.output
    xlsx = next(out.glob("*.xlsx"))
    rows = load_workbook(str(xlsx)).get_sheet_by_name("Status-Liste").to_python()
    assert rows[1][3] == name                                   # the value, exactly
    with zipfile.ZipFile(xlsx) as z:
        assert b"\x1b" not in b"".join(z.read(n) for n in z.namelist())
    assert "\x1b" not in res.output


def test_a_vendor_id_too_long_for_the_status_list_file_is_one_line(book, tmp_path):
    res = cli("status-list", book, "--vendor", LONG_VENDOR, "--out", tmp_path / "out", *NOW)
    assert res.exit_code == 1
    assert "Traceback" not in res.output and "zu lang" in res.output
    assert not (tmp_path / "out").exists() or not os.listdir(tmp_path / "out")


@pytest.mark.parametrize("command", [["export-csv", "--vendor", "1006"], ["status-list", "--vendor", "1006"]])
def test_an_out_folder_that_cannot_be_made_is_one_line(book, tmp_path, command):
    blocker = tmp_path / "datei"
    blocker.write_text("kein Ordner")
    res = cli(command[0], book, *command[1:], "--out", blocker / "unter", *NOW)
    assert res.exit_code == 1
    assert "Traceback" not in res.output
    errors = [line for line in res.output.splitlines() if line.startswith("xl-addin")]
    assert len(errors) == 1 and "--out" in errors[0]


@pytest.mark.skipif(IS_ROOT, reason="root writes into a read-only folder anyway")
@pytest.mark.parametrize("command", [["export-csv", "--vendor", "alle"], ["status-list", "--vendor", "1006"]])
def test_a_read_only_out_folder_is_one_line(book, tmp_path, command):
    out = tmp_path / "nur_lesen"
    out.mkdir()
    out.chmod(0o555)
    try:
        res = cli(command[0], book, *command[1:], "--out", out, *NOW)
    finally:
        out.chmod(0o755)
    assert res.exit_code == 1
    assert "Traceback" not in res.output
    assert os.listdir(out) == []


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_is_one_line_per_file_and_nothing_half_written(book, tmp_path, monkeypatch):
    """ENOSPC while writing (simulated: the temp file's fsync fails as on a full disk)."""
    import errno

    from xl_addin import files
    real_fsync = os.fsync

    def full(fd):
        if os.readlink(f"/proc/self/fd/{fd}").endswith(".tmp"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_fsync(fd)

    monkeypatch.setattr(files.os, "fsync", full)
    out = tmp_path / "out"
    res = cli("export-csv", book, "--vendor", "1006", "--vendor", "2001", "--out", out, *NOW)
    assert res.exit_code == 1
    assert "Traceback" not in res.output
    full_lines = [line for line in res.output.splitlines() if os.strerror(errno.ENOSPC) in line]
    assert len(full_lines) == 2                                # both vendors tried, each one line
    assert os.listdir(out) == []                               # no temp file, no half file
