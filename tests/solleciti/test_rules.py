"""SPEC §3, one scenario per leaf of the seed's flow chart: the caller records a call on a ticket
row, runs the product and reads Azione, Template, Tag, Scadenza task, Priorità, Assegnare a and
Report preblocco. Today is Wednesday 18.11.2026 (Rome). Pure: no files."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from tests.solleciti.builders import NOW, TODAY, report_appends, result, run, solleciti_data, ticket


def one(now=NOW, settings=None, **fields):
    """Run one ticket row; its computed cells and the plan."""
    plan = run(solleciti_data([ticket(**fields)], settings=settings), now=now)
    return result(plan), plan


def assert_preblocco(r, plan, due):
    assert r["template"] == "PREBLOCCO"
    assert r["tag"] == "preblocco"
    assert r["priority"] == "BLOCCANTE"
    assert r["due"] == due
    assert r["assignee"] is None
    assert "avviso di PREBLOCCO inoltrato" in r["action"] and "Report Preblocco" in r["action"]
    assert r["in_report"] == "Sì"
    assert len(report_appends(plan)) == 1


# ------------------------------------------------------------------ the call is still to be made

def test_new_ticket_without_outcome_is_to_be_called_today():
    r, plan = one(status="Nuovo")
    assert r["action"].startswith("Effettuare la chiamata al contatto")
    assert r["due"] == TODAY
    assert (r["template"], r["tag"], r["priority"], r["assignee"], r["in_report"]) == (None, None, None, None, "No")
    assert not plan.findings


# ------------------------------------------------------------------ the client does not answer

def test_first_call_no_answer_recall_in_5_working_days_with_riepilogo_mail():
    r, _ = one(status="Nuovo", outcome="Non risponde", attempts=0)
    assert r["tag"] == "chiamata 1"
    assert r["template"] == "RIEPILOGO"
    assert r["due"] == date(2026, 11, 25)         # Wed + 5 working days
    assert r["priority"] == "MEDIA"
    assert "CLIENTE NON RISPONDE/NON REPERIBILE" in r["action"] and "RIEPILOGO" in r["action"]


def test_second_call_no_answer_recall_without_mail():
    r, _ = one(status="Chiamata 1", outcome="Non risponde", attempts=1)
    assert (r["tag"], r["template"], r["due"], r["priority"]) == ("chiamata 2", None, date(2026, 11, 25), "MEDIA")
    assert "RIEPILOGO" not in r["action"]


def test_third_call_no_answer_with_two_proformas_is_mancato_contatto_on_the_10th_of_next_month():
    r, plan = one(status="Chiamata 2", outcome="Non risponde", attempts=2, proformas=2)
    assert r["tag"] == "MANCATO CONTATTO 1"
    assert r["due"] == date(2026, 12, 10)          # a Thursday
    assert r["priority"] == "MEDIA"
    assert r["template"] is None
    assert "riparte da zero" in r["action"]
    assert r["in_report"] == "No" and not report_appends(plan)


def test_third_call_no_answer_with_three_proformas_starts_the_preblocco_procedure():
    r, plan = one(status="Chiamata 2", outcome="Non risponde", attempts=2, proformas=3)
    assert_preblocco(r, plan, date(2026, 12, 3))   # + 15 days
    assert "3ª chiamata senza risposta, 3 proforma aperti" in report_appends(plan)[0]


# ------------------------------------------------------------------ missed phone appointments

def test_missed_phone_appointment_once_or_twice_recall_with_high_priority():
    r, _ = one(status="Appuntamento telefonico", outcome="Non risponde", missed=2, attempts=2)
    assert (r["tag"], r["due"], r["priority"], r["template"]) == ("chiamata 2", date(2026, 11, 25), "ALTA", None)
    assert "Appuntamento telefonico mancato" in r["action"]


def test_third_missed_appointment_with_one_proforma_is_mancato_contatto():
    r, plan = one(status="Appuntamento telefonico", outcome="Non risponde", missed=3, proformas=1)
    assert (r["tag"], r["due"], r["priority"]) == ("MANCATO CONTATTO 1", date(2026, 12, 10), "MEDIA")
    assert not report_appends(plan)


def test_third_missed_appointment_with_five_proformas_is_preblocco():
    r, plan = one(status="Appuntamento telefonico", outcome="Non risponde", missed=3, proformas=5)
    assert_preblocco(r, plan, date(2026, 12, 3))


# ------------------------------------------------------------------ the client says they paid

def test_paid_within_5_working_days_ask_for_the_receipt_and_check_in_3_working_days():
    r, _ = one(status="Chiamata 1", outcome="Ha già pagato", attempts=1, paid_on=date(2026, 11, 11))
    assert r["tag"] == "CONTROLLO PAGAMENTO"
    assert r["due"] == date(2026, 11, 23)          # Wed + 3 working days = Mon
    assert r["priority"] is None and r["assignee"] is None
    assert "contabile via email" in r["action"] and "VERIFICA PAGAMENTO" in r["action"]


def test_paid_more_than_5_working_days_ago_goes_to_the_office_with_high_priority():
    r, _ = one(status="Chiamata 1", outcome="Ha già pagato", attempts=1, paid_on=date(2026, 11, 10))
    assert (r["tag"], r["priority"], r["assignee"], r["due"]) == ("VERIFICA SEDE", "ALTA", "assistenza.xriba", None)
    assert "contabile" in r["action"] and "note dettagliate" in r["action"]


# ------------------------------------------------------------------ payment agreement

def test_agreement_to_pay_in_full_task_accordo_pagamento_3_working_days_after_the_agreed_date():
    r, _ = one(status="Chiamata 2", outcome="Accordo di pagamento", attempts=2, payment_kind="Saldo",
               agreed_on=date(2026, 11, 27))
    assert r["due"] == date(2026, 12, 2)           # Fri + 3 working days
    assert r["tag"] == "CONTROLLO PAGAMENTO; VERIFICA PAGAMENTO"
    assert "ACCORDO PAGAMENTO" in r["action"] and r["priority"] is None


def test_partial_payment_agreement_task_verifica_pagamento():
    r, _ = one(status="Chiamata 2", outcome="Accordo di pagamento", attempts=2, payment_kind="Parziale",
               agreed_on=date(2026, 11, 27))
    assert r["due"] == date(2026, 12, 2)
    assert r["tag"] == "CONTROLLO PAGAMENTO; VERIFICA PAGAMENTO"
    assert "task VERIFICA PAGAMENTO" in r["action"] and "ACCORDO PAGAMENTO" not in r["action"]


# ------------------------------------------------------------------ no agreement

def no_agreement(**fields):
    return one(status="Chiamata 1", outcome="Nessun accordo", attempts=1, **fields)


def test_problem_with_balance_or_studio_customer_care_chases_task_in_10_working_days():
    r, _ = no_agreement(reason="Problema da risolvere", problem="Bilancio/Studio")
    assert r["due"] == date(2026, 12, 2)           # 10 working days after 18.11.
    assert r["tag"] is None and r["priority"] is None
    assert "entro 10 giorni" in r["action"] and "Customer Care" in r["action"]
    assert "appuntamento telefonico" in r["action"]


def test_problem_with_accounting_customer_care_opens_a_ticket_with_the_accountant():
    r, _ = no_agreement(reason="Problema da risolvere", problem="Contabilità")
    assert (r["tag"], r["due"]) == ("CUSTOMER CARE/CONTABILE", date(2026, 12, 2))
    assert "segnalazione al contabile" in r["action"]


def test_technical_problem_tag_customer_care():
    r, _ = no_agreement(reason="Problema da risolvere", problem="Tecnico")
    assert (r["tag"], r["due"]) == ("CUSTOMER CARE", date(2026, 12, 2))


def test_wants_to_talk_only_to_the_studio():
    r, _ = no_agreement(reason="Non vuole comunicare", contact_person="Studio")
    assert (r["priority"], r["assignee"], r["tag"], r["due"]) == (
        "BLOCCANTE", "assistenza.xriba", "GESTIONE STUDIO", None)
    assert "note dettagliate" in r["action"]


def test_wants_to_talk_only_to_the_administration():
    r, _ = no_agreement(reason="Non vuole comunicare", contact_person="Amministrazione")
    assert (r["priority"], r["assignee"], r["tag"]) == ("ALTA", "assistenza.xriba", "GESTIONE SEDE")


def test_wants_to_talk_only_to_a_manager_goes_to_the_configured_manager():
    r, _ = no_agreement(reason="Non vuole comunicare", contact_person="Responsabile")
    assert (r["priority"], r["assignee"], r["tag"]) == ("BLOCCANTE", "Responsabile", None)
    r, _ = one(status="Chiamata 1", outcome="Nessun accordo", attempts=1, reason="Non vuole comunicare",
               contact_person="Responsabile", settings={"Responsabile": "m.bianchi"})
    assert r["assignee"] == "m.bianchi" and "m.bianchi" in r["action"]


def test_must_verify_first_fix_a_phone_appointment():
    r, _ = no_agreement(reason="Deve verificare")
    assert r["tag"] == "APPUNTAMENTO TELEFONICO"
    assert "appuntamento telefonico" in r["action"] and r["priority"] is None and r["due"] is None


def test_refuses_to_pay_generically_is_preblocco():
    r, plan = no_agreement(reason="Rifiuta generico")
    assert_preblocco(r, plan, date(2026, 12, 3))
    assert "rifiuta di pagare" in r["action"]


# ------------------------------------------------------------------ Pre-Blocco

def test_pre_blocco_fewer_than_15_days_wait_until_day_15():
    r, _plan = one(status="Pre-Blocco", preblocco_on=date(2026, 11, 4))     # 14 days ago
    assert r["due"] == date(2026, 11, 19)
    assert "attendere" in r["action"] and (r["tag"], r["priority"], r["assignee"]) == (None, None, None)
    assert r["in_report"] == "Sì"       # it reached the procedure: the report lists it


def test_pre_blocco_from_day_15_is_to_be_blocked_by_the_office():
    r, _ = one(status="Pre-Blocco", preblocco_on=date(2026, 11, 3))        # 15 days ago
    assert (r["tag"], r["priority"], r["assignee"], r["due"]) == ("DA BLOCCARE", "BLOCCANTE", "assistenza.xriba", None)


# ------------------------------------------------------------------ In attesa di pagamento

def test_waiting_for_payment_within_3_working_days_of_the_promise_wait():
    r, plan = one(status="In attesa di pagamento", agreed_on=date(2026, 11, 16), proformas=5, broken=3)
    assert r["due"] == date(2026, 11, 19)
    assert r["action"].startswith("Attendere 3 giorni lavorativi") and "spostare Data accordo" in r["action"]
    assert (r["tag"], r["priority"], r["template"]) == (None, None, None)
    assert not report_appends(plan)


def test_promise_broken_too_many_proformas_is_preblocco_counted_from_the_expired_promise():
    r, plan = one(status="In attesa di pagamento", agreed_on=date(2026, 11, 13), proformas=4, broken=1)
    assert_preblocco(r, plan, date(2026, 12, 3))    # promise 13.11. + 3 wd = 18.11., + 15 days
    assert "4 proforma aperti" in r["action"]


def test_promise_broken_too_many_broken_promises_is_preblocco():
    r, plan = one(status="In attesa di pagamento", agreed_on=date(2026, 11, 13), proformas=1, broken=3)
    assert_preblocco(r, plan, date(2026, 12, 3))
    assert "3 promesse di pagamento saltate" in r["action"]


def test_promise_broken_otherwise_call_and_ask_why_tag_promessa_2():
    r, plan = one(status="In attesa di pagamento", agreed_on=date(2026, 11, 13), proformas=2, broken=1)
    assert r["tag"] == "PROMESSA DI PAGAMENTO 2"
    assert r["due"] == date(2026, 11, 18)
    assert "chiedere il motivo del mancato pagamento" in r["action"] and "3 giorni lavorativi" in r["action"]
    assert r["priority"] is None and not report_appends(plan)


def test_second_broken_promise_tag_promessa_3():
    r, _ = one(status="In attesa di pagamento", agreed_on=date(2026, 11, 13), proformas=2, broken=2)
    assert r["tag"] == "PROMESSA DI PAGAMENTO 3"


# ------------------------------------------------------------------ Risoluzione Customer Care / Rientro

@pytest.mark.parametrize("status", ["Risoluzione Customer Care", "Rientro"])
def test_update_from_customer_care_update_the_notes(status):
    r, _ = one(status=status, update="Aggiornamento")
    assert r["action"].startswith("Aggiornare il ticket con le note")
    assert (r["due"], r["tag"], r["priority"]) == (None, None, None)


@pytest.mark.parametrize("status", ["Risoluzione Customer Care", "Rientro"])
def test_problem_resolved_call_the_client_now(status):
    # the row still holds the outcome of the call before the hand-over: it is not followed again
    r, _ = one(status=status, update="Risolto", outcome="Nessun accordo", reason="Problema da risolvere",
               problem="Tecnico", attempts=1)
    assert r["action"].startswith("Problema risolto: contattare subito il cliente")
    assert "può procedere al pagamento" in r["action"]
    assert r["due"] == TODAY and r["tag"] is None


def test_customer_care_without_news_wait_and_check_in_rientro():
    r, _ = one(status="Risoluzione Customer Care")
    assert "In attesa del Customer Care" in r["action"] and "RIENTRO" in r["action"]
    assert r["due"] == date(2026, 12, 2)


def test_ticket_back_from_another_department_starts_from_zero():
    r, _ = one(status="Rientro", outcome="Nessun accordo", reason="Non vuole comunicare", contact_person="Studio")
    assert "riparte da zero" in r["action"] and "effettuare la chiamata" in r["action"]
    assert (r["due"], r["assignee"], r["priority"]) == (TODAY, None, None)


# ------------------------------------------------------------------ settings change the numbers

def test_durations_and_assignees_come_from_impostazioni():
    settings = {"Giorni richiamata": "7 giorni", "Assegnatario sede": "sede.milano",
                "Giorno mancato contatto": 15, "Giorni preblocco": 20}
    r, plan = one(status="Chiamata 1", outcome="Non risponde", attempts=1, settings=settings)
    assert r["due"] == date(2026, 11, 27) and "tra 7 giorni lavorativi" in r["action"]
    assert not plan.findings
    r, _ = one(status="Chiamata 1", outcome="Ha già pagato", attempts=1, paid_on=date(2026, 10, 1), settings=settings)
    assert r["assignee"] == "sede.milano"
    r, _ = one(status="Chiamata 2", outcome="Non risponde", attempts=2, proformas=1, settings=settings)
    assert r["due"] == date(2026, 12, 15)
    r, _ = one(status="Chiamata 2", outcome="Non risponde", attempts=2, proformas=3, settings=settings)
    assert r["due"] == date(2026, 12, 8)


def test_german_settings_headers_work_too():
    wb = solleciti_data([ticket(status="Chiamata 1", outcome="Non risponde", attempts=1)],
                        settings={"Giorni richiamata": 2}, settings_header=("Schlüssel", "Wert"))
    assert result(run(wb))["due"] == date(2026, 11, 20)


def test_a_call_to_make_seen_on_a_weekend_is_due_the_next_working_day():
    r, _ = one(now=datetime(2026, 11, 22, 12, 0), status="Nuovo")        # a Sunday
    assert r["due"] == date(2026, 11, 23)
    r, _ = one(now=datetime(2026, 12, 24, 12, 0), status="Rientro")      # then Christmas, Santo Stefano, weekend
    assert r["due"] == date(2026, 12, 24)
    r, _ = one(now=datetime(2026, 12, 25, 12, 0), status="Rientro", update="Risolto")
    assert r["due"] == date(2026, 12, 28)
