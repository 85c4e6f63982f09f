"""The agent's day through the CLI, on real files: workbooks written by openpyxl, recomputed in
place by `xl-addin run`, read back by python-calamine (an independent reader)."""
from __future__ import annotations

import json
import shutil
from datetime import date, datetime

import pytest
from click.testing import CliRunner
from python_calamine import load_workbook

from tests.builders import inkasso_data, order, waiting_row, write_xlsx
from xl_addin.cli import main
from xl_addin.kinds.inkasso import schema as S

NOW = ["--now", "2026-11-22T12:00"]


def cli(*args):
    res = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return res


def sheet_rows(path, name):
    wb = load_workbook(str(path))
    return wb.get_sheet_by_name(name).to_python(skip_empty_area=False)


def master_by_order(path):
    rows = sheet_rows(path, S.SHEET_MASTER)
    head = rows[0]
    out = {}
    for r in rows[1:]:
        d = dict(zip(head, r, strict=False))
        if d.get(S.M_ORDER_ID) not in (None, ""):
            out[int(d[S.M_ORDER_ID])] = d
    return out


@pytest.fixture
def book(tmp_path):
    o_new = order(**{S.M_ORDER_ID: 10000001})
    o_two = order(**{S.M_ORDER_ID: 10000002, S.M_FIRST_LETTER: date(2026, 10, 1),
                     S.M_SECOND_LETTER: date(2026, 10, 15)})
    o_bad = order(**{S.M_ORDER_ID: 10000003, S.M_INCASSO_STATE: "cancelled"})
    o_kue = order(**{S.M_ORDER_ID: 10000004, S.M_FIRST_LETTER: date(2026, 9, 1),
                     S.M_SECOND_LETTER: date(2026, 9, 15), S.M_INCASSO_STATE: "on_hold"})
    wb = inkasso_data([o_new, o_two, o_bad, o_kue], waiting=[waiting_row(o_kue, "Kündigung", "WA 18.11.")])
    return write_xlsx(wb, tmp_path / "Inkasso - Cancelled Installments.xlsx")


def test_run_recomputes_in_place_and_an_independent_reader_sees_it(book):
    res = cli("run", book, *NOW)
    assert res.exit_code == 0, res.output
    m = master_by_order(book)
    assert m[10000001][S.M_NEXT_STEP] == S.STEP_FIRST
    assert m[10000001][S.M_DUE] in (date(2026, 12, 1), datetime(2026, 12, 1))
    assert m[10000002][S.M_NEXT_STEP] == S.STEP_ASK_APPROVAL
    assert m[10000002][S.M_INCASSO_STATE] == "on_hold"
    assert m[10000003][S.M_NEXT_STEP].startswith("Eingabe prüfen")
    assert m[10000004][S.M_INCASSO_STATE] == "canceled" and m[10000004][S.M_FOLLOW] == "Nein"
    waiting = [r for r in sheet_rows(book, S.SHEET_WAITING)[1:] if any(v not in (None, "") for v in r)]
    assert [int(r[4]) for r in waiting] == [10000002]
    checks = sheet_rows(book, "Prüfung")
    assert any(r[2] == "Masterliste!O4" and r[5] == "canceled" for r in checks)
    proto = sheet_rows(book, "Protokoll")
    assert proto[0][:4] == ["Zeit", "Wer", "Aktion", "Blatt"]
    assert len(proto) - 1 >= 3     # on_hold, canceled, row removed, row added
    assert "Masterliste!O4" in res.output and "OK" in res.output


def test_second_run_changes_nothing_in_the_agents_sheets(book):
    assert cli("run", book, *NOW).exit_code == 0
    first = {n: sheet_rows(book, n) for n in (S.SHEET_MASTER, S.SHEET_WAITING, "Protokoll")}
    assert cli("run", book, *NOW).exit_code == 0
    for n, rows in first.items():
        assert sheet_rows(book, n) == rows, n


def test_check_writes_nothing(book):
    before = book.read_bytes()
    res = cli("check", book, *NOW)
    assert res.exit_code == 0
    assert "Masterliste!O4" in res.output
    assert book.read_bytes() == before


def test_check_json_is_machine_readable(book):
    res = cli("check", book, *NOW, "--json")
    data = json.loads(res.output)
    assert data[0]["ok"] and any(f["location"] == "Masterliste!O4" and f["suggestion"] == "canceled"
                                 for f in data[0]["findings"])


def test_batch_runs_every_file_and_fails_only_for_the_one_that_cannot_run(book, tmp_path):
    other = tmp_path / "zweite.xlsx"
    shutil.copy(book, other)
    missing = tmp_path / "fehlt.xlsx"
    res = cli("run", book, missing, other, *NOW)
    assert res.exit_code == 1
    *lines, total = res.output.strip().splitlines()[-4:]
    assert lines[0].startswith("OK") and lines[2].startswith("OK")
    assert lines[1].startswith("FEHLER") and "fehlt.xlsx" in lines[1]
    assert total == "3 Dateien: 2 geschrieben, 1 FEHLER"
    assert master_by_order(other)[10000001][S.M_NEXT_STEP] == S.STEP_FIRST


@pytest.mark.parametrize("content", [b"", b"not a workbook at all", b"PK\x03\x04broken",
                                     bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504])
def test_unreadable_files_give_one_clear_line_and_stay_untouched(tmp_path, content):
    p = tmp_path / "kaputt.xlsx"
    p.write_bytes(content)
    res = cli("run", p, *NOW)
    assert res.exit_code == 1
    err = [ln for ln in res.output.splitlines() if ln.startswith("FEHLER")]
    assert len(err) == 1 and "kaputt.xlsx" in err[0]
    assert p.read_bytes() == content


def test_workbook_open_in_excel_is_refused(book):
    lock = book.parent / ("~$" + book.name)
    lock.write_bytes(b"agent")
    before = book.read_bytes()
    res = cli("run", book, *NOW)
    assert res.exit_code == 1 and "Excel" in res.output
    assert book.read_bytes() == before


def test_unknown_workbook_kind_is_refused(tmp_path):
    from openpyxl import Workbook
    p = tmp_path / "fremd.xlsx"
    wb = Workbook()
    wb.active.title = "Irgendwas"
    wb.save(p)
    res = cli("run", p, *NOW)
    assert res.exit_code == 1 and "unbekannte Arbeitsmappe" in res.output


def test_new_then_run_on_the_empty_template(tmp_path):
    p = tmp_path / "neu.xlsx"
    assert cli("new", "inkasso", p).exit_code == 0
    assert cli("new", "inkasso", p).exit_code == 1          # never overwritten
    res = cli("run", p, *NOW)
    assert res.exit_code == 0, res.output


def test_export_csv_writes_the_vendors_file_and_blocks_on_errors(book, tmp_path):
    out = tmp_path / "handover"
    res = cli("export-csv", book, "--vendor", "1006", "--out", out)
    # order 10000003 has 'cancelled': the whole vendor is blocked, every error listed
    assert res.exit_code == 1
    assert "O4" in res.output and not (out / "vendor_1006.csv").exists()


def test_export_csv_after_fixing_the_data(tmp_path):
    o = order(**{S.M_ORDER_ID: 10000001.0, S.M_FIRST_LETTER: date(2026, 10, 1), S.M_SECOND_LETTER: date(2026, 10, 15),
                 S.M_INCASSO_STATE: "on_hold", S.M_REOPENED: "False", S.M_INVALID_ADDRESS: "False"})
    p = write_xlsx(inkasso_data([o]), tmp_path / "ok.xlsx")
    out = tmp_path / "handover"
    res = cli("export-csv", p, "--vendor", "1006.0", "--out", out)
    assert res.exit_code == 0, res.output
    text = (out / "vendor_1006.csv").read_bytes().decode("utf-8")
    assert text.splitlines()[0] == ("vendor_id,order_id,first_dunning_letter,second_dunning_letter,incasso_date,"
                                    "support_comment,status_support,offer_link,incasso_state,reopened,reopened_id,"
                                    "invalid_address")
    assert text.splitlines()[1].startswith("1006,10000001,10/01/2026,10/15/2026,,")


def test_status_list_for_a_vendor(tmp_path):
    a = order(**{S.M_ORDER_ID: 1, S.M_DEBT_STATUS: "Ans Inkasso übergeben"})
    b = order(**{S.M_ORDER_ID: 2, S.M_DEBT_STATUS: "Laufend"})
    c = order(**{S.M_ORDER_ID: 3, S.M_VENDOR_ID: 2001, S.M_DEBT_STATUS: "Ans Inkasso übergeben"})
    p = write_xlsx(inkasso_data([a, b, c]), tmp_path / "s.xlsx")
    out = tmp_path / "lists"
    res = cli("status-list", p, "--vendor", "1006", "--status", "ans inkasso übergeben", "--out", out)
    assert res.exit_code == 0, res.output
    files = sorted(out.iterdir())
    assert {f.suffix for f in files} == {".csv", ".xlsx"}
    x = next(f for f in files if f.suffix == ".xlsx")
    rows = load_workbook(str(x)).get_sheet_by_name(load_workbook(str(x)).sheet_names[0]).to_python()
    assert [int(r[0]) for r in rows[1:]] == [1]


def test_help_explains_every_command():
    for cmd in ("run", "check", "new", "export-csv", "status-list"):
        res = cli(cmd, "--help")
        assert res.exit_code == 0 and "--" in res.output
    assert "--now" in cli("run", "--help").output
