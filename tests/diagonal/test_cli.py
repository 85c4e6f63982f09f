"""The agent's day on the case log through the CLI, on real files: a workbook written by openpyxl,
changed in place by `run`, `step-done`, `new-case`, read back by python-calamine (an independent
reader) and openpyxl (fills)."""
from __future__ import annotations

import json
from datetime import date, datetime

import openpyxl
import pytest
from click.testing import CliRunner
from python_calamine import load_workbook

from tests.diagonal.helpers import PLAIN, VIP, case, diagonal_data, write_xlsx
from xl_addin.cli import main
from xl_addin.kinds.diagonal import schema as S

NOW = ["--now", "2026-11-22T12:00"]


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def rows_of(path, name):
    return load_workbook(str(path)).get_sheet_by_name(name).to_python(skip_empty_area=False)


def cases(path) -> dict[int, dict]:
    rows = rows_of(path, S.SHEET_CASES)
    return {i: dict(zip(rows[0], r, strict=False)) for i, r in enumerate(rows[1:], start=2)
            if any(v not in (None, "") for v in r)}


def protocol(path) -> list[list]:
    return [r for r in rows_of(path, "Protokoll")[1:] if any(v not in (None, "") for v in r)]


def as_dt(v):
    return v if isinstance(v, datetime) else datetime.combine(v, datetime.min.time())


@pytest.fixture
def book(tmp_path):
    data = diagonal_data([
        case(**{S.C_ORDER_ID: 10000001}),                                                       # 2 Neu
        case(**{S.C_ORDER_ID: 10000002, S.C_STEP: S.S_VENDOR_INFORMED}),                        # 3 waiting
        case(**{S.C_ORDER_ID: 10000003, S.C_STEP: S.S_REMINDED, S.C_USER_ID: VIP, S.C_EMAIL: None}),  # 4 VIP
        case(**{S.C_ORDER_ID: 10000004, S.C_STEP: S.S_DONE}),                                   # 5 closed
        case(**{S.C_ORDER_ID: 10000005, S.C_STEP: "Vendor infomiert"}),                         # 6 typo
    ])
    return write_xlsx(data, tmp_path / "Kundenbetreuung Diagonal.xlsx")


def test_run_recomputes_in_place_with_colours_and_findings(book):
    res = cli("run", book, *NOW)
    assert res.exit_code == 0, res.output
    c = cases(book)
    assert c[2][S.C_SAVED_REPLY] == "306 Adressermittlung (Diagonal)" and c[2][S.C_OVERDUE] == "Ja"
    assert as_dt(c[3][S.C_DUE]) == datetime(2026, 11, 20, 9, 30)
    assert c[4][S.C_NEXT].startswith("Ohne Antwort: VIP-Manager informieren")
    assert c[5][S.C_NEXT] == "Keine – Fall abgeschlossen"
    assert c[6][S.C_NEXT].startswith("Eingabe prüfen: Schritt")
    checks = rows_of(book, "Prüfung")
    assert any(r[2] == "Fälle!H6" and r[5] == "Vendor informiert" for r in checks)
    ws = openpyxl.load_workbook(book)[S.SHEET_CASES]
    assert ws["J3"].fill.fgColor.rgb.endswith("FFFF00") and ws["A3"].fill.fgColor.rgb in ("00000000", None)
    assert ws["A5"].fill.fgColor.rgb.endswith("BFBFBF") and ws["O5"].fill.fgColor.rgb.endswith("BFBFBF")
    assert "Fälle!H6" in res.output


def test_second_run_changes_nothing(book):
    assert cli("run", book, *NOW).exit_code == 0
    first = {n: rows_of(book, n) for n in (S.SHEET_CASES, "Prüfung")}
    assert cli("run", book, *NOW).exit_code == 0
    assert {n: rows_of(book, n) for n in first} == first
    assert "Protokoll" not in load_workbook(str(book)).sheet_names     # a run changes no input: nothing logged


def test_step_done_advances_logs_and_recomputes(book):
    res = cli("step-done", book, "--row", 2, "--order", 10000003, *NOW, "--agent", "AK")
    assert res.exit_code == 0, res.output
    c = cases(book)
    assert (c[2][S.C_STEP], as_dt(c[2][S.C_SINCE])) == (S.S_VENDOR_INFORMED, datetime(2026, 11, 22, 12, 0))
    assert as_dt(c[2][S.C_DUE]) == datetime(2026, 11, 24, 12, 0) and c[2][S.C_OVERDUE] == "Nein"
    assert c[4][S.C_STEP] == S.S_VIP_MANAGER and as_dt(c[4][S.C_DUE]) == datetime(2026, 11, 24, 12, 0)
    log = protocol(book)
    assert [(r[1], r[4], r[5], r[6], r[7]) for r in log if r[2].startswith("Schritt erledigt")] == [
        ("AK", "10000001", "H2", "Neu", S.S_VENDOR_INFORMED),
        ("AK", "10000003", "H4", S.S_REMINDED, S.S_VIP_MANAGER)]
    assert len(log) == 4
    assert "Fälle!H2" in res.output and "2 Schritt(e) erledigt" in res.output


def test_step_done_on_a_closed_case_writes_nothing_and_says_why(book):
    before = book.read_bytes()
    res = cli("step-done", book, "--row", 5, *NOW)
    assert res.exit_code == 1 and "abgeschlossen" in res.output and "nichts geschrieben" in res.output
    assert book.read_bytes() == before


def test_step_done_needs_a_row_or_an_order(book):
    assert cli("step-done", book, *NOW).exit_code == 2


def test_new_case_appends_below_the_last_case_with_vip_and_email(book):
    res = cli("new-case", book, "--order", 10000099, "--user", VIP, "--type", "Zahlungsanfrage", *NOW)
    assert res.exit_code == 0, res.output
    row = cases(book)[7]
    assert (row[S.C_STEP], row[S.C_VIP], row[S.C_EMAIL]) == ("Neu", "Ja", "team@weber-coaching.de")
    assert row[S.C_DATE] in (date(2026, 11, 22), datetime(2026, 11, 22))
    assert row[S.C_SAVED_REPLY] == "309 Zahlungsanfrage (Diagonal)" and int(row[S.C_ORDER_ID]) == 10000099
    assert [r[2] for r in protocol(book)] == ["Fall angelegt"]
    assert "Zeile 7" in res.output


def test_new_case_agency_follows_a_debtist_type(book):
    assert cli("new-case", book, "--order", 1, "--user", PLAIN, "--type", "debtist-storno", *NOW).exit_code == 0
    assert cases(book)[7][S.C_AGENCY] == "Debtist"
    res = cli("new-case", book, "--order", 2, "--user", PLAIN, "--type", "Hausbesuh", *NOW)
    assert res.exit_code == 1 and "meinten Sie 'Hausbesuch'" in res.output


def test_due_lists_soonest_first_as_table_and_json(book):
    res = cli("due", book, *NOW)
    assert res.exit_code == 0, res.output
    assert res.output.index("10000001") < res.output.index("10000003") < res.output.index("10000002")
    assert "10000004" not in res.output
    data = json.loads(cli("due", book, "--json", "--now", "2026-11-19T09:00").output)
    assert [d["order_id"] for d in data] == ["10000001"]
    data = json.loads(cli("due", book, "--json", "--within", "1d", "--now", "2026-11-19T09:00").output)
    assert [(d["order_id"], d["overdue"]) for d in data] == [("10000001", True), ("10000003", False)]
    assert cli("due", book, "--within", "bald", *NOW).exit_code == 2


def test_actions_refuse_a_workbook_of_another_kind(tmp_path):
    from tests.builders import inkasso_data, order, write_xlsx as write_inkasso
    other = write_inkasso(inkasso_data([order()]), tmp_path / "Inkasso.xlsx")
    res = cli("step-done", other, "--row", 2, *NOW)
    assert res.exit_code == 1 and "geht nur in der Arbeitsmappe 'Kundenbetreuung Diagonal'" in res.output
    res = cli("due", other, *NOW)                   # what is due: every kind has it (issue 17)
    assert res.exit_code == 0 and ("Fällig (" in res.output or "Nichts fällig" in res.output)
