"""The caller's day through the CLI, on real files: a Solleciti workbook written by openpyxl,
recomputed in place by `xl-addin run`, read back by python-calamine (an independent reader)."""
from __future__ import annotations

from datetime import date, datetime

import openpyxl
import pytest
from click.testing import CliRunner
from python_calamine import load_workbook

from tests.solleciti.builders import solleciti_data, ticket, write_xlsx
from xl_addin.cli import main
from xl_addin.kinds.solleciti import schema as S

NOW = ["--now", "2026-11-18T10:00"]


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def sheet_rows(path, name):
    return load_workbook(str(path)).get_sheet_by_name(name).to_python(skip_empty_area=False)


def tickets(path):
    rows = sheet_rows(path, S.SHEET_TICKETS)
    return {str(int(r[0])) if isinstance(r[0], float) else str(r[0]): dict(zip(rows[0], r, strict=False))
            for r in rows[1:] if r[0] not in (None, "")}


def as_date(v):
    return v.date() if isinstance(v, datetime) else v


@pytest.fixture
def book(tmp_path):
    wb = solleciti_data([
        ticket(ticket=8001, status="Nuovo", outcome="Non risponde", attempts=0),
        ticket(ticket=8002, status="Chiamata 2", outcome="Non risponde", attempts=2, proformas=4),
        ticket(ticket=8003, status="Chiamata 1", outcome="Accordo di pagamento", attempts=1),
        ticket(ticket=8004, status="Pre-Blocco", preblocco_on=date(2026, 11, 1)),
    ], report=[])
    return write_xlsx(wb, tmp_path / "Solleciti.xlsx")


def test_run_computes_every_ticket_and_fills_the_report(book):
    res = cli("run", book, *NOW)
    assert res.exit_code == 0, res.output
    t = tickets(book)
    assert t["8001"][S.T_TAG] == "chiamata 1" and as_date(t["8001"][S.T_DUE]) == date(2026, 11, 25)
    assert t["8002"][S.T_TAG] == "preblocco" and t["8002"][S.T_IN_REPORT] == "Sì"
    assert t["8003"][S.T_ACTION].startswith("DATI MANCANTI")
    assert t["8004"][S.T_TAG] == "DA BLOCCARE"
    report = [r for r in sheet_rows(book, S.SHEET_REPORT)[1:] if any(v not in (None, "") for v in r)]
    assert sorted(int(r[0]) for r in report) == [8002, 8004]
    check = sheet_rows(book, "Verifica")
    assert check[0] == S.FINDINGS_HEADER_IT
    assert any(r[2] == "Ticket!M4" and "Data accordo mancante" in r[4] for r in check)
    assert "Ticket!M4" in res.output
    proto = sheet_rows(book, "Protokoll")
    assert [r[2] for r in proto[1:]] == ["Aggiunto al Report Preblocco"] * 2
    x = openpyxl.load_workbook(book)
    assert x[S.SHEET_STATE].sheet_state == "veryHidden"
    assert x[S.SHEET_TICKETS].cell(2, S.TICKET_HEADERS.index(S.T_DUE) + 1).number_format == "DD/MM/YYYY"


def test_second_run_changes_nothing(book):
    assert cli("run", book, *NOW).exit_code == 0
    names = (S.SHEET_TICKETS, S.SHEET_REPORT, "Protokoll", S.SHEET_STATE)
    first = {n: sheet_rows(book, n) for n in names}
    assert cli("run", book, "--now", "2026-11-18T17:30").exit_code == 0
    for n in names:
        assert sheet_rows(book, n) == first[n], n


def test_check_writes_nothing(book):
    before = book.read_bytes()
    res = cli("check", book, *NOW)
    assert res.exit_code == 0 and "Ticket!M4" in res.output
    assert book.read_bytes() == before
