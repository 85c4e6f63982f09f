"""Issue 14, SPEC §3 "Which attempt a row records": `Stato` is the ticket's state *before* the call
whose outcome is in `Esito chiamata`. A `Non risponde` on a ticket in `Nuovo`/`Non lavorato` is the
1st call (tag `chiamata 1`, RIEPILOGO), in `Chiamata 1` the 2nd (`chiamata 2`), in `Chiamata 2` the
3rd and in `Chiamata 3` a later one (MANCATO CONTATTO or PREBLOCCO by the pro-forma count).
`Tentativi` is optional — the calls made before the recorded one; when it disagrees with `Stato`
the row gets an Italian finding on that cell naming what `Stato` implies, and the decision follows
`Stato`. Today is Wednesday 18.11.2026 (Rome) unless a scenario says otherwise."""
from __future__ import annotations

from datetime import date, datetime, time

import pytest

from tests.solleciti.builders import (
    NOW,
    apply,
    findings_at,
    report_appends,
    result,
    run,
    set_cells,
    solleciti_data,
    ticket,
    write_xlsx,
    written,
)
from xl_addin.core.cells import address
from xl_addin.kinds.solleciti import schema as S

TENTATIVI = address(2, S.TICKET_HEADERS.index(S.T_ATTEMPTS) + 1)      # the Tentativi cell of row 2
RECALL_DUE = date(2026, 11, 25)                                       # Wed 18.11. + 5 working days
NO_CONTACT_DUE = date(2026, 12, 10)                                   # the 10th of next month, a Thursday

# Stato -> (calls before the recorded one, what a `Non risponde` on it means)
FIRST = dict(tag="chiamata 1", template="RIEPILOGO", due=RECALL_DUE, priority="MEDIA", in_report="No")
SECOND = dict(tag="chiamata 2", template=None, due=RECALL_DUE, priority="MEDIA", in_report="No")
THIRD = dict(tag="MANCATO CONTATTO 1", template=None, due=NO_CONTACT_DUE, priority="MEDIA", in_report="No")
STATI = {"Nuovo": (0, FIRST), "Non lavorato": (0, FIRST), "Chiamata 1": (1, SECOND),
         "Chiamata 2": (2, THIRD), "Chiamata 3": (3, THIRD)}


def one(now=NOW, **fields):
    plan = run(solleciti_data([ticket(**fields)]), now=now)
    return result(plan), plan


def cells(r: dict) -> dict:
    return {k: r[k] for k in ("tag", "template", "due", "priority", "in_report")}


def mismatch(plan):
    return [f for f in findings_at(plan, TENTATIVI) if f.code == "SOL-ATTEMPTS-MISMATCH"]


# ------------------------------------------------------------------ every Stato × Non risponde

@pytest.mark.parametrize("stato", STATI)
def test_no_answer_without_tentativi_follows_stato(stato):
    _, expected = STATI[stato]
    r, plan = one(status=stato, outcome="Non risponde", proformas=1)
    assert cells(r) == expected
    assert not plan.findings


@pytest.mark.parametrize("stato", STATI)
def test_no_answer_with_tentativi_agreeing_with_stato(stato):
    before, expected = STATI[stato]
    r, plan = one(status=stato, outcome="Non risponde", attempts=before, proformas=1)
    assert cells(r) == expected
    assert not plan.findings


@pytest.mark.parametrize("stato,tentativi", [
    ("Nuovo", 1), ("Nuovo", 2), ("Non lavorato", 1),   # 1: the old reading "calls including this one"
    ("Chiamata 1", 0), ("Chiamata 1", 2), ("Chiamata 2", 1), ("Chiamata 2", 3), ("Chiamata 3", 2), ("Chiamata 3", 4),
])
def test_no_answer_with_tentativi_disagreeing_follows_stato_and_names_what_stato_implies(stato, tentativi):
    before, expected = STATI[stato]
    r, plan = one(status=stato, outcome="Non risponde", attempts=tentativi, proformas=1)
    assert cells(r) == expected                      # the same task as with a blank Tentativi
    [f] = plan.findings
    assert (f.code, f.severity, f.sheet, f.cell, f.lang) == ("SOL-ATTEMPTS-MISMATCH", "warning", "Ticket",
                                                             TENTATIVI, "it")
    assert f"Tentativi {tentativi}" in f.message and f"Stato '{stato}'" in f.message
    assert f"(Tentativi '{before}')" in f.message and "vale lo Stato" in f.message
    assert ("nessuna chiamata" if before == 0 else f"{before} chiamat") in f.message
    assert f.suggestion == str(before)


def test_the_issue_s_three_circles():
    # a ticket in Chiamata 1 with a new Non risponde and no Tentativi is the 2nd call, not the 1st again
    r, _ = one(status="Chiamata 1", outcome="Non risponde")
    assert r["tag"] == "chiamata 2" and r["template"] is None
    # a ticket in Nuovo with Tentativi 0 and an outcome gets its action
    r, plan = one(status="Nuovo", outcome="Ha già pagato", attempts=0, paid_on=date(2026, 11, 17))
    assert r["tag"] == "CONTROLLO PAGAMENTO" and not plan.findings
    r, plan = one(status="Nuovo", outcome="Non risponde", attempts=0)
    assert r["tag"] == "chiamata 1" and not plan.findings
    # a ticket in Chiamata 2 reaches MANCATO CONTATTO without anyone typing 3 into Tentativi
    r, _ = one(status="Chiamata 2", outcome="Non risponde", proformas=2)
    assert r["tag"] == "MANCATO CONTATTO 1"


def test_azione_says_which_stato_the_ticket_moves_to():
    assert "Stato 'Chiamata 1'" in one(status="Nuovo", outcome="Non risponde")[0]["action"]
    assert "Stato 'Chiamata 2'" in one(status="Chiamata 1", outcome="Non risponde")[0]["action"]
    r, _ = one(status="Chiamata 2", outcome="Non risponde", proformas=1)
    assert "3ª chiamata senza risposta" in r["action"] and "Stato 'Nuovo'" in r["action"]
    r, _ = one(status="Chiamata 3", outcome="Non risponde", proformas=1)
    assert "4ª chiamata senza risposta" in r["action"]


# ------------------------------------------------------------------ Tentativi beside other outcomes

@pytest.mark.parametrize("stato,tentativi", [("Nuovo", 1), ("Chiamata 1", 2), ("Chiamata 2", 0)])
def test_tentativi_disagreeing_on_another_outcome_is_reported_and_the_branch_goes_on(stato, tentativi):
    r, plan = one(status=stato, outcome="Accordo di pagamento", attempts=tentativi, payment_kind="Saldo",
                  agreed_on=date(2026, 11, 27))
    assert r["due"] == date(2026, 12, 2) and r["tag"] == "CONTROLLO PAGAMENTO; VERIFICA PAGAMENTO"
    assert len(mismatch(plan)) == 1 and len(plan.findings) == 1


def test_tentativi_disagreeing_on_a_ticket_still_to_call():
    r, plan = one(status="Chiamata 1", attempts=3)
    assert r["action"].startswith("Effettuare la chiamata") and r["due"] == NOW.date()
    assert mismatch(plan)[0].suggestion == "1"


def test_tentativi_disagreeing_and_data_missing_both_reported():
    r, plan = one(status="Chiamata 2", outcome="Non risponde", attempts=7)
    assert r["action"].startswith("DATI MANCANTI: Proforma aperti")
    assert {f.code for f in plan.findings} == {"SOL-ATTEMPTS-MISMATCH", "SOL-MISSING"}


def test_unreadable_tentativi_is_reported_and_stato_decides():
    r, plan = one(status="Chiamata 1", outcome="Non risponde", attempts="due")
    assert r["tag"] == "chiamata 2"
    assert [f.code for f in findings_at(plan, TENTATIVI)] == ["SOL-NUMBER-INVALID"]


@pytest.mark.parametrize("stato,fields", [
    ("Appuntamento telefonico", dict(outcome="Non risponde", missed=1)),
    ("Pre-Blocco", dict(preblocco_on=date(2026, 11, 10))),
    ("In attesa di pagamento", dict(agreed_on=date(2026, 11, 17), proformas=1)),
    ("Risoluzione Customer Care", dict(update="Aggiornamento")),
    ("Rientro", dict(outcome="Nessun accordo", reason="Rifiuta generico")),
])
def test_stati_that_imply_no_call_count_take_any_tentativi(stato, fields):
    _, plan = one(status=stato, attempts=4, **fields)
    assert not plan.findings


# ------------------------------------------------------------------ the 3rd call: MANCATO CONTATTO

@pytest.mark.parametrize("contact_on,due", [
    (date(2026, 12, 15), date(2027, 1, 11)),   # 10.1.2027 is a Sunday
    (date(2026, 12, 31), date(2027, 1, 11)),   # the last day of the year: still January's 10th
    (date(2026, 9, 21), date(2026, 10, 12)),   # 10.10.2026 is a Saturday
    (date(2023, 3, 20), date(2023, 4, 11)),    # 10.4.2023 is Easter Monday
    (date(2026, 1, 30), date(2026, 2, 10)),    # a plain Tuesday
])
@pytest.mark.parametrize("stato", ["Chiamata 2", "Chiamata 3"])
def test_mancato_contatto_on_the_10th_of_next_month_or_the_first_working_day_after(stato, contact_on, due):
    r, _ = one(now=datetime.combine(contact_on, time(17, 0)), status=stato, outcome="Non risponde", proformas=2,
               contact_on=contact_on)
    assert (r["tag"], r["due"], r["priority"]) == ("MANCATO CONTATTO 1", due, "MEDIA")


def test_mancato_contatto_counts_from_the_month_of_the_call_not_of_the_run():
    # called Mon 30.11., the workbook is run on Wed 2.12.: the task is 10.12., not 11.1.
    r, _ = one(now=datetime(2026, 12, 2, 9, 0), status="Chiamata 2", outcome="Non risponde", proformas=1,
               contact_on=date(2026, 11, 30))
    assert r["due"] == date(2026, 12, 10)


def test_the_next_month_starts_from_zero_and_mancato_contatto_counts_up():
    wb = solleciti_data([ticket(ticket=7200, status="Chiamata 2", outcome="Non risponde", attempts=2, proformas=1)])
    wb = apply(wb, run(wb))
    assert run(wb).writes == []                                       # a rerun: still MANCATO CONTATTO 1
    # 10.12.: from zero — three calls in December, Stato before each call as the seed keeps it
    for day, stato, before, tag in ((10, "Nuovo", 0, "chiamata 1"), (15, "Chiamata 1", 1, "chiamata 2"),
                                    (21, "Chiamata 2", 2, "MANCATO CONTATTO 2")):
        wb = set_cells(wb, 2, status=stato, outcome="Non risponde", attempts=before)
        plan = run(wb, now=datetime(2026, 12, day, 9, 0))
        assert written(plan, 2, S.T_TAG) == tag, day
        assert not plan.findings
        wb = apply(wb, plan)
    assert wb.sheets[S.SHEET_TICKETS].rows[1][S.TICKET_HEADERS.index(S.T_DUE)] == date(2027, 1, 11)


# ------------------------------------------------------------------ the 3rd call: PREBLOCCO

@pytest.mark.parametrize("proformas", [3, 4, 9])
@pytest.mark.parametrize("stato", ["Chiamata 2", "Chiamata 3"])
def test_three_or_more_proformas_on_the_third_call_start_the_preblocco_procedure(stato, proformas):
    r, plan = one(status=stato, outcome="Non risponde", proformas=proformas)
    assert (r["tag"], r["template"], r["priority"], r["due"], r["in_report"]) == (
        "preblocco", "PREBLOCCO", "BLOCCANTE", date(2026, 12, 3), "Sì")
    [row] = report_appends(plan)
    call = 3 if stato == "Chiamata 2" else 4
    assert f"{call}ª chiamata senza risposta, {proformas} proforma aperti" in row


@pytest.mark.parametrize("proformas,tag", [(1, "MANCATO CONTATTO 1"), (2, "MANCATO CONTATTO 1"), (3, "preblocco")])
def test_two_versus_three_proformas_on_the_third_call(proformas, tag):
    assert one(status="Chiamata 2", outcome="Non risponde", proformas=proformas)[0]["tag"] == tag


def test_the_second_call_never_looks_at_proformas():
    r, plan = one(status="Chiamata 1", outcome="Non risponde", proformas=8)
    assert r["tag"] == "chiamata 2" and not report_appends(plan)


# ------------------------------------------------------------------ on a real file

def test_on_a_real_file_the_finding_lands_on_verifica_with_the_tentativi_cell(tmp_path):
    from click.testing import CliRunner
    from python_calamine import load_workbook

    from xl_addin.cli import main

    wb = solleciti_data([ticket(ticket=9001, status="Chiamata 1", outcome="Non risponde", attempts=2),
                         ticket(ticket=9002, status="Chiamata 2", outcome="Non risponde", proformas=1),
                         ticket(ticket=9003, status="Nuovo", outcome="Non risponde", attempts=0)])
    path = write_xlsx(wb, tmp_path / "Solleciti.xlsx")
    res = CliRunner().invoke(main, ["run", str(path), "--now", "2026-11-18T10:00"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    book = load_workbook(str(path))
    rows = book.get_sheet_by_name(S.SHEET_TICKETS).to_python()
    tag = rows[0].index(S.T_TAG)
    assert [r[tag] for r in rows[1:4]] == ["chiamata 2", "MANCATO CONTATTO 1", "chiamata 1"]
    check = book.get_sheet_by_name(S.SHEET_FINDINGS).to_python()
    hits = [r for r in check[1:] if r[2] == f"Ticket!{TENTATIVI}"]
    message = str(hits[0][4]) if len(hits) == 1 else ""
    assert "Tentativi 2" in message and "'Chiamata 1'" in message
    assert len(check) == 2                                            # no other finding
    assert f"Ticket!{TENTATIVI}" in res.output
