"""Inputs that contradict each other or miss what their branch needs: an Italian finding with the
cell, and the row's computed cells say what is missing instead of guessing (SPEC §0 Findings,
issue 6 part 3). Spellings the callers really type are understood without a finding."""
from __future__ import annotations

from datetime import date

import pytest

from tests.solleciti.builders import NOW, findings_at, result, run, solleciti_data, ticket, written
from xl_addin.core.cells import address
from xl_addin.kinds.solleciti import schema as S

L = {h: address(2, i + 1)[:-1] for i, h in enumerate(S.TICKET_HEADERS)}   # header -> column letter


def one(**fields):
    plan = run(solleciti_data([ticket(**fields)]))
    return result(plan), plan


def only_action(r):
    """Nothing but Azione says something: no guessed tag, date, priority, template or assignee."""
    return all(r[k] is None for k in ("template", "tag", "due", "priority", "assignee"))


def finding(plan, header, code):
    hits = [f for f in findings_at(plan, f"{L[header]}2") if f.code == code]
    assert hits, [f.text() for f in plan.findings]
    f = hits[0]
    assert f.lang == "it" and f.sheet == S.SHEET_TICKETS and f.severity == "error"
    return f


# ------------------------------------------------------------------ missing what the branch needs

def test_agreement_without_date_and_payment_kind():
    r, plan = one(status="Chiamata 1", outcome="Accordo di pagamento", attempts=1)
    assert r["action"] == ("DATI MANCANTI: Data accordo, Tipo pagamento "
                           "(serve con Esito chiamata 'Accordo di pagamento')")
    assert only_action(r)
    f = finding(plan, S.T_AGREED_ON, "SOL-MISSING")
    assert f.text() == "Ticket!M2  Data accordo mancante: serve con Esito chiamata 'Accordo di pagamento'"
    finding(plan, S.T_PAYMENT_KIND, "SOL-MISSING")


def test_pre_blocco_without_date_still_belongs_in_the_report():
    r, plan = one(status="Pre-Blocco")
    assert r["action"].startswith("DATI MANCANTI: Data preblocco") and only_action(r)
    finding(plan, S.T_PREBLOCCO_ON, "SOL-MISSING")
    assert r["in_report"] == "Sì"


@pytest.mark.parametrize("fields,header", [
    (dict(status="Chiamata 1", outcome="Ha già pagato", attempts=1), S.T_PAID_ON),
    (dict(status="Chiamata 1", outcome="Nessun accordo", attempts=1), S.T_REASON),
    (dict(status="Chiamata 1", outcome="Nessun accordo", attempts=1, reason="Problema da risolvere"), S.T_PROBLEM),
    (dict(status="Chiamata 1", outcome="Nessun accordo", attempts=1, reason="Non vuole comunicare"),
     S.T_CONTACT_PERSON),
    (dict(status="Chiamata 2", outcome="Non risponde", attempts=2), S.T_OPEN_PROFORMAS),
    (dict(status="Appuntamento telefonico", outcome="Non risponde"), S.T_MISSED_APPTS),
    (dict(status="In attesa di pagamento"), S.T_AGREED_ON),
    (dict(status="In attesa di pagamento", agreed_on=date(2026, 11, 2)), S.T_OPEN_PROFORMAS),
    (dict(), S.T_STATUS),
])
def test_each_branch_names_the_cell_it_misses(fields, header):
    r, plan = one(**fields)
    assert r["action"].startswith(f"DATI MANCANTI: {header}") and only_action(r)
    assert f"{header} mancante" in finding(plan, header, "SOL-MISSING").message


def test_too_many_broken_promises_need_no_proforma_count():
    r, plan = one(status="In attesa di pagamento", agreed_on=date(2026, 11, 2), broken=3)
    assert r["tag"] == "preblocco" and not plan.findings


def test_missing_column_is_named_in_the_row_and_in_a_header_warning():
    headers = [h for h in S.TICKET_HEADERS if h != S.T_AGREED_ON]
    plan = run(solleciti_data([ticket(status="In attesa di pagamento")], headers=headers))
    [header_warning] = [f for f in plan.findings if f.code == "SOL-COLUMN-MISSING"]
    assert header_warning.severity == "warning" and "'Data accordo'" in header_warning.message
    [row] = [f for f in plan.findings if f.code == "SOL-MISSING"]
    assert row.cell == "A2" and "la colonna 'Data accordo' non c'è" in row.message


def test_without_stato_column_nothing_is_computed():
    headers = [h for h in S.TICKET_HEADERS if h != S.T_STATUS]
    plan = run(solleciti_data([ticket(outcome="Non risponde")], headers=headers))
    assert plan.writes == []
    [f] = [f for f in plan.findings if f.code == "XL-HEADER-MISSING"]
    assert f.severity == "error" and "'Stato'" in f.message


# ------------------------------------------------------------------ contradictions

# Tentativi that disagrees with the Stato: a warning, the decision follows the Stato — see
# tests/solleciti/test_attempt_from_stato.py (issue 14).


def test_missed_appointment_with_zero_missed_appointments():
    r, plan = one(status="Appuntamento telefonico", outcome="Non risponde", missed=0)
    finding(plan, S.T_MISSED_APPTS, "SOL-CONTRADICTION")
    assert only_action(r)


@pytest.mark.parametrize("fields,header", [
    (dict(status="Chiamata 1", outcome="Ha già pagato", attempts=1, paid_on=date(2026, 11, 20)), S.T_PAID_ON),
    (dict(status="Pre-Blocco", preblocco_on=date(2026, 11, 30)), S.T_PREBLOCCO_ON),
    (dict(status="Nuovo", contact_on=date(2026, 11, 19)), S.T_CONTACT_ON),
])
def test_dates_in_the_future(fields, header):
    r, plan = one(**fields)
    assert "è nel futuro" in finding(plan, header, "SOL-CONTRADICTION").message
    assert r["action"].startswith("DA VERIFICARE") and only_action(r)


# ------------------------------------------------------------------ unreadable cells

def test_unknown_stato_suggests_the_right_spelling():
    r, plan = one(status="Chiamta 2", outcome="Non risponde", attempts=2)
    f = finding(plan, S.T_STATUS, "SOL-VALUE-INVALID")
    assert f.suggestion == "Chiamata 2"
    assert f.text() == "Ticket!C2  Stato 'Chiamta 2' non è un valore valido — forse 'Chiamata 2'?"
    assert r["action"] == "DA CORREGGERE: Stato non riconosciuto" and only_action(r)


def test_unknown_value_far_from_any_choice_lists_the_allowed_ones():
    _, plan = one(status="Chiamata 1", outcome="boh", attempts=1)
    assert "(ammessi: Non risponde, Ha già pagato, Accordo di pagamento, Nessun accordo)" in \
        finding(plan, S.T_OUTCOME, "SOL-VALUE-INVALID").message


@pytest.mark.parametrize("raw,suggestion", [("31.11.2026", ""), ("05/12/2026", "05.12.2026"), ("domani", "")])
def test_date_that_is_not_a_date(raw, suggestion):
    r, plan = one(status="Chiamata 1", outcome="Accordo di pagamento", attempts=1, payment_kind="Saldo",
                  agreed_on=raw)
    f = finding(plan, S.T_AGREED_ON, "SOL-DATE-INVALID")
    assert f"Data accordo: '{raw}' non è una data" in f.message and f.suggestion == suggestion
    assert r["action"].startswith("DA CORREGGERE: Data accordo non leggibile") and only_action(r)
    assert len(plan.findings) == 1            # not also "missing"


@pytest.mark.parametrize("raw", [-1, 2.5, "tre", True])
def test_counts_must_be_whole_numbers_not_below_zero(raw):
    r, plan = one(status="Chiamata 2", outcome="Non risponde", attempts=2, proformas=raw)
    assert "non è un numero intero ≥ 0" in finding(plan, S.T_OPEN_PROFORMAS, "SOL-NUMBER-INVALID").message
    assert r["action"].startswith("DA CORREGGERE: Proforma aperti") and only_action(r)


def test_an_unreadable_cell_the_branch_does_not_need_does_not_stop_the_row():
    r, plan = one(status="Nuovo", outcome="Non risponde", attempts=0, paid_on="ieri")
    assert r["tag"] == "chiamata 1"
    finding(plan, S.T_PAID_ON, "SOL-DATE-INVALID")


@pytest.mark.parametrize("fields", [
    dict(status="  chiamata 1 ", outcome="NON RISPONDE", attempts="1"),
    dict(status="Chiamata1", outcome="non risponde", attempts=1.0),
    dict(status=" non  lavorato", outcome="Non Risponde", attempts=" 0 "),
])
def test_case_and_blanks_do_not_matter(fields):
    r, plan = one(**fields)
    assert r["tag"] == ("chiamata 1" if "lavorato" in fields["status"] else "chiamata 2") and not plan.findings


def test_accents_and_apostrophes_as_typed_on_an_italian_keyboard():
    r, plan = one(status="Chiamata 1", outcome="Ha gia' pagato", attempts=1, paid_on="17.11.2026")
    assert r["tag"] == "CONTROLLO PAGAMENTO" and not plan.findings
    r, plan = one(status="Chiamata 1", outcome="Nessun accordo", attempts=1, reason="problema da risolvere",
                  problem="Contabilita")
    assert r["tag"] == "CUSTOMER CARE/CONTABILE" and not plan.findings
    r, plan = one(status="Pre blocco", preblocco_on=date(2026, 11, 1))
    assert r["tag"] == "DA BLOCCARE" and not plan.findings


# ------------------------------------------------------------------ ids, settings, the Verifica sheet

def test_ticket_number_as_float_or_text_is_the_same_ticket():
    plan = run(solleciti_data([ticket(ticket=5001.0, status="Nuovo"), ticket(ticket="5001", status="Nuovo")]))
    assert findings_at(plan, "A3")[0].code == "SOL-TICKET-DUPLICATE"


def test_bad_setting_is_an_italian_warning_and_the_default_applies():
    plan = run(solleciti_data([ticket(status="Chiamata 1", outcome="Non risponde", attempts=1)],
                              settings={"Giorni richiamata": "cinque"}))
    [f] = plan.findings
    assert (f.sheet, f.cell, f.severity, f.lang) == (S.SHEET_SETTINGS, "B2", "warning", "it")
    assert f.message == ("Impostazione 'Giorni richiamata': valore 'cinque' non valido "
                         "(atteso un numero intero di giorni) — vale il predefinito '5'")
    assert written(plan, 2, S.T_DUE) == date(2026, 11, 25)


def test_verifica_sheet_is_rewritten_in_italian():
    plan = run(solleciti_data([ticket(status="Chiamta 2")]))
    [rw] = [r for r in plan.rewrites if r.sheet == "Verifica"]
    assert rw.rows[0] == ["Gravità", "Codice", "Cella", "Ticket", "Messaggio", "Suggerimento"]
    assert rw.rows[1][:3] == ["Errore", "SOL-VALUE-INVALID", "Ticket!C2"]
    clean = run(solleciti_data([ticket(status="Nuovo")]))
    [rw] = [r for r in clean.rewrites if r.sheet == "Verifica"]
    assert rw.rows[1] == ["Nota", "OK", None, None, "Nessun problema.", None]
    assert not [r for r in clean.rewrites if r.sheet == "Prüfung"]


def test_missing_computed_columns_are_added_after_the_last_header():
    headers = S.TICKET_INPUT_HEADERS + ["Note"]
    wb = solleciti_data([ticket(status="Nuovo")], headers=headers)
    plan = run(wb, now=NOW)
    heads = {w.col: w.value for w in plan.writes if w.row == 1}
    assert heads == {len(headers) + 1 + i: h for i, h in enumerate(S.TICKET_COMPUTED_HEADERS)}
    action_col = len(headers) + 1
    assert next(w.value for w in plan.writes if w.row == 2 and w.col == action_col).startswith("Effettuare")


def test_unreadable_tentativi_never_stops_the_row_the_stato_says_which_call_it_is():
    r, plan = one(status="Chiamata 1", attempts="due")
    assert r["action"].startswith("Effettuare la chiamata")
    finding(plan, S.T_ATTEMPTS, "SOL-NUMBER-INVALID")
    r, plan = one(status="Chiamata 1", attempts="due", outcome="Non risponde")
    assert r["tag"] == "chiamata 2"
    finding(plan, S.T_ATTEMPTS, "SOL-NUMBER-INVALID")
    r, _ = one(status="Appuntamento telefonico", attempts="due", outcome="Non risponde", missed=1)
    assert r["tag"] == "chiamata 1"


def test_header_aliases_come_from_impostazioni():
    headers = [("Esito" if h == S.T_OUTCOME else "Data promessa" if h == S.T_AGREED_ON else h)
               for h in S.TICKET_HEADERS]
    wb = solleciti_data([], settings={"Alias Esito chiamata": "Esito; Esito ultima chiamata",
                                      "Alias Data accordo": "Data promessa"}, headers=headers)
    row = [None] * len(headers)
    for h, v in ((S.T_TICKET, 1), (S.T_STATUS, "Chiamata 1"), ("Esito", "Accordo di pagamento"), (S.T_ATTEMPTS, 1),
                 (S.T_PAYMENT_KIND, "Saldo"), ("Data promessa", date(2026, 11, 27))):
        row[headers.index(h)] = v
    wb.sheets[S.SHEET_TICKETS].rows.append(row)
    plan = run(wb)
    assert not plan.findings
    assert written(plan, 2, S.T_DUE) == date(2026, 12, 2)
