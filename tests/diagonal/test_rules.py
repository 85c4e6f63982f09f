"""SPEC §1 step table, one scenario per row, as the agent lives it: a Fälle row in, Nächste Aktion,
Saved Reply, Fällig am, Überfällig, the colours and the step that "Schritt erledigt" sets out.
Pure: no files. "Now" is Sunday 22.11.2026 12:00 unless a scenario says otherwise."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from tests.diagonal.helpers import (
    GREY,
    NOW,
    PLAIN,
    VIP,
    YELLOW,
    case,
    cell,
    col,
    computed,
    ctx,
    diagonal_data,
    fills,
    finding,
)
from xl_addin.kinds.diagonal import schema as S
from xl_addin.kinds.diagonal.actions import plan_step_done
from xl_addin.kinds.diagonal.rules import plan_run

SINCE = datetime(2026, 11, 18, 9, 30)   # Wednesday


def run(cases, now=NOW, **kw):
    return plan_run(diagonal_data(cases, **kw), ctx(now))


def one(now=NOW, settings=None, **fields):
    """(plan, Nächste Aktion, Saved Reply, Fällig am, Überfällig) for a single case in row 2."""
    plan = run([case(**fields)], now, settings=settings)
    return (plan, *computed(plan))


def next_step(**fields) -> str | None:
    plan = plan_step_done(diagonal_data([case(**fields)]), ctx(), rows=[2])
    return cell(plan, 2, S.C_STEP)


def reply_fill(plan, row=2):
    return fills(plan, row).get(col(S.C_REPLY))


# ------------------------------------------------------------------ Schritt Neu

@pytest.mark.parametrize("vip", [PLAIN, VIP])
def test_neu_hausbesuch_is_always_declined_vip_or_not(vip):
    _plan, action, reply, due, overdue = one(**{S.C_TYPE: S.T_HOME_VISIT, S.C_USER_ID: vip, S.C_EMAIL: None})
    assert action.startswith("Hausbesuch ablehnen") and "auch bei VIP" in action
    assert (reply, due, overdue) == (None, SINCE, "Ja")          # due now: at the moment the step began
    assert next_step(**{S.C_TYPE: S.T_HOME_VISIT, S.C_USER_ID: vip}) == S.S_DECLINED


def test_hausbesuch_is_declined_even_after_the_vendor_agreed():
    _, action, *_ = one(**{S.C_TYPE: S.T_HOME_VISIT, S.C_STEP: S.S_VENDOR_INFORMED, S.C_REPLY: S.R_ACCEPT})
    assert action.startswith("Hausbesuch ablehnen")


@pytest.mark.parametrize("rtype", [S.T_ADDRESS, S.T_RESIDENT, S.T_EXTRACT])
def test_neu_paid_step_informs_vendor_by_side_conversation_with_306(rtype):
    plan, action, reply, due, overdue = one(**{S.C_TYPE: rtype})
    assert "Side Conversation" in action and "48 h snoozen" in action
    assert reply == "306 Adressermittlung (Diagonal)"
    assert (due, overdue) == (SINCE, "Ja")
    assert reply_fill(plan) is None                                # not waiting yet
    assert next_step(**{S.C_TYPE: rtype}) == S.S_VENDOR_INFORMED


def test_neu_glaeubigeranfrage_checks_conversations_then_contacts_vendor_with_308():
    _, action, reply, due, _ = one(**{S.C_TYPE: S.T_CREDITOR})
    assert "Konversationen" in action and "Vendor kontaktieren" in action
    assert reply == "308 Gläubigeranfrage (Diagonal)" and due == SINCE
    assert next_step(**{S.C_TYPE: S.T_CREDITOR}) == S.S_VENDOR_INFORMED


def test_neu_diagonalliste_collects_the_evidence_as_pdf_with_308():
    _, action, reply, due, _ = one(**{S.C_TYPE: S.T_LIST})
    for part in ("Rechnungskopie", "Bestellbestätigung", "Widerrufsrecht (Produktlink)", "Leistungsnachweis",
                 "PDF", "mehr als zwei Dateien"):
        assert part in action
    assert reply == "308 Gläubigeranfrage (Diagonal)" and due == SINCE


def test_neu_zahlungsanfrage_checks_receipt_with_buchhaltung_then_309():
    _, action, reply, due, _ = one(**{S.C_TYPE: S.T_PAYMENT})
    assert "IBAN" in action and "Datum" in action and "Bestell-ID" in action and "Buchhaltung" in action
    assert reply == "309 Zahlungsanfrage (Diagonal)" and due == SINCE
    assert next_step(**{S.C_TYPE: S.T_PAYMENT}) == S.S_VENDOR_INFORMED


@pytest.mark.parametrize("rtype", [S.T_DEBTIST_ADDRESS, S.T_DEBTIST_INVOICE, S.T_DEBTIST_CANCEL])
def test_neu_debtist_answers_in_the_debtist_system_without_saved_reply(rtype):
    _, action, reply, due, overdue = one(**{S.C_TYPE: rtype, S.C_AGENCY: S.DEBTIST})
    assert "Debtist-System" in action and "Vendor" not in action
    assert (reply, due, overdue) == (None, SINCE, "Ja")
    assert next_step(**{S.C_TYPE: rtype, S.C_AGENCY: S.DEBTIST}) == S.S_DONE


def test_neu_debtist_zahlung_asks_the_vendor_first():
    _, action, reply, due, _ = one(**{S.C_TYPE: S.T_DEBTIST_PAYMENT, S.C_AGENCY: S.DEBTIST})
    assert "erst den Vendor fragen" in action and "bestätigen oder ablehnen" in action
    assert reply is None and due == SINCE
    assert next_step(**{S.C_TYPE: S.T_DEBTIST_PAYMENT, S.C_AGENCY: S.DEBTIST}) == S.S_VENDOR_INFORMED


def test_neu_without_schritt_seit_counts_from_the_message_date():
    _, _, _, due, overdue = one(**{S.C_SINCE: None, S.C_DATE: date(2026, 11, 20)})
    assert (due, overdue) == (date(2026, 11, 20), "Ja")


def test_blank_schritt_counts_as_neu():
    _, action, reply, *_ = one(**{S.C_STEP: None})
    assert reply.startswith("306") and "Side Conversation" in action


# ------------------------------------------------------------------ waiting for the vendor

def test_vendor_informiert_waits_48h_then_reminder_307():
    plan, action, reply, due, overdue = one(**{S.C_STEP: S.S_VENDOR_INFORMED})
    assert action.startswith("Auf Rückmeldung warten") and "Erinnerung" in action and "24 h snoozen" in action
    assert (reply, due, overdue) == ("307 Nachfrage (Diagonal)", datetime(2026, 11, 20, 9, 30), "Ja")
    assert reply_fill(plan) == YELLOW
    assert next_step(**{S.C_STEP: S.S_VENDOR_INFORMED}) == S.S_REMINDED


def test_erinnert_not_vip_closes_and_cancels_after_24h():
    plan, action, reply, due, overdue = one(**{S.C_STEP: S.S_REMINDED, S.C_SINCE: datetime(2026, 11, 21, 18, 0)})
    assert "Conversation schließen" in action and "bei Diagonal stornieren" in action
    assert (reply, due, overdue) == (None, datetime(2026, 11, 22, 18, 0), "Nein")
    assert reply_fill(plan) == YELLOW
    assert next_step(**{S.C_STEP: S.S_REMINDED}) == S.S_CANCELLED


def test_erinnert_vip_from_vendoren_informs_the_vip_manager_after_24h():
    fields = {S.C_STEP: S.S_REMINDED, S.C_USER_ID: VIP, S.C_EMAIL: "team@weber-coaching.de", S.C_VIP: None}
    _plan, action, reply, due, overdue = one(**fields)
    assert "VIP-Manager informieren (VIP-Gruppe)" in action and "stornieren" not in action
    assert (reply, due, overdue) == (None, datetime(2026, 11, 19, 9, 30), "Ja")
    assert next_step(**fields) == S.S_VIP_MANAGER


def test_vip_column_of_the_case_wins_over_vendoren_and_the_difference_is_reported():
    plan, action, *_ = one(**{S.C_STEP: S.S_REMINDED, S.C_VIP: "ja"})     # plain vendor, marked VIP by hand
    assert "VIP-Manager informieren" in action
    f = finding(plan, "DIA-VIP-MISMATCH")
    assert f.location == "Fälle!G2" and f.suggestion == "Nein"


def test_vip_manager_role_name_comes_from_the_settings_sheet():
    _, action, *_ = one(settings={"VIP-Manager": "Lisa (VIP)"}, **{S.C_STEP: S.S_REMINDED, S.C_VIP: "Ja"})
    assert "Lisa (VIP) informieren" in action


def test_vip_manager_informiert_cancels_due_after_2_days_overdue_after_3():
    plan, action, reply, due, overdue = one(**{S.C_STEP: S.S_VIP_MANAGER, S.C_VIP: "Ja",
                                               S.C_SINCE: datetime(2026, 11, 20, 10, 0)})
    assert "stornieren" in action and "fällig nach 2, überfällig nach 3 Tagen" in action
    assert (reply, due, overdue) == (None, datetime(2026, 11, 22, 10, 0), "Nein")   # due, not yet overdue
    assert reply_fill(plan) == YELLOW
    assert next_step(**{S.C_STEP: S.S_VIP_MANAGER, S.C_VIP: "Ja"}) == S.S_CANCELLED


@pytest.mark.parametrize("step", [S.S_NEW, S.S_VENDOR_INFORMED, S.S_REMINDED, S.S_VIP_MANAGER])
def test_zustimmung_on_a_waiting_step_notes_rechnungsstellung_and_assigns_now(step):
    fields = {S.C_STEP: step, S.C_REPLY: "Zustimmung", S.C_VIP: "Ja"}
    plan, action, reply, due, overdue = one(**fields)
    assert "Notiz für Rechnungsstellung" in action and "zuweisen" in action
    assert (reply, due, overdue) == (None, SINCE, "Ja")
    assert reply_fill(plan) is None             # the vendor answered: no longer waiting
    assert next_step(**fields) == S.S_COSTS_ACCEPTED


def test_kostenuebernahme_zugesagt_creates_and_sends_the_invoice_with_7_days_now():
    fields = {S.C_STEP: S.S_COSTS_ACCEPTED, S.C_REPLY: S.R_ACCEPT}
    plan, action, reply, due, overdue = one(**fields)
    assert "Rechnung erstellen (Rechnungsstellung)" in action and "Zahlungsfrist 7 Tage" in action
    assert (reply, due, overdue) == (None, SINCE, "Ja")
    assert reply_fill(plan) is None
    assert next_step(**fields) == S.S_INVOICE_SENT


def test_rechnung_gesendet_waits_7_days_for_the_receipt_then_307():
    fields = {S.C_STEP: S.S_INVOICE_SENT, S.C_REPLY: S.R_ACCEPT}
    plan, action, reply, due, overdue = one(**fields)
    assert action.startswith("Auf Zahlungsbeleg warten") and "Erinnerung" in action
    assert (reply, due, overdue) == ("307 Nachfrage (Diagonal)", datetime(2026, 11, 25, 9, 30), "Nein")
    assert reply_fill(plan) == YELLOW           # Zustimmung is behind us: waiting for the payment
    assert next_step(**fields) == S.S_INVOICE_REMINDED


def test_rechnung_erinnert_not_vip_closes_cancels_and_notes_after_24h():
    fields = {S.C_STEP: S.S_INVOICE_REMINDED, S.C_REPLY: S.R_ACCEPT}
    plan, action, reply, due, overdue = one(**fields)
    assert "Conversation schließen" in action and "stornieren" in action and "Notiz unter Notiz/Kommentar" in action
    assert (reply, due, overdue) == (None, datetime(2026, 11, 19, 9, 30), "Ja")
    assert reply_fill(plan) == YELLOW
    assert next_step(**fields) == S.S_CANCELLED


def test_rechnung_erinnert_vip_contacts_the_vip_manager_after_24h():
    fields = {S.C_STEP: S.S_INVOICE_REMINDED, S.C_REPLY: S.R_ACCEPT, S.C_USER_ID: VIP,
              S.C_EMAIL: "team@weber-coaching.de"}
    _, action, reply, due, overdue = one(**fields)
    assert "VIP-Manager kontaktieren" in action and "stornieren" in action
    assert (reply, due, overdue) == (None, datetime(2026, 11, 19, 9, 30), "Ja")
    assert next_step(**fields) == S.S_CANCELLED


@pytest.mark.parametrize("step", [S.S_VENDOR_INFORMED, S.S_REMINDED, S.S_VIP_MANAGER, S.S_INVOICE_SENT,
                                  S.S_INVOICE_REMINDED])
def test_storno_bestaetigt_on_a_waiting_step_cancels_with_the_note_now(step):
    fields = {S.C_STEP: step, S.C_REPLY: "Storno bestätigt", S.C_VIP: "Nein"}
    plan, action, reply, due, overdue = one(**fields)
    assert "stornieren" in action and "„Stornierung vom Vendor bestätigt“" in action
    assert (reply, due, overdue) == (None, SINCE, "Ja")
    assert reply_fill(plan) is None
    assert next_step(**fields) == S.S_CANCELLED


@pytest.mark.parametrize("answer,closes_as", [("Ablehnung", S.S_DECLINED), ("andere Entscheidung", S.S_DONE)])
@pytest.mark.parametrize("step", [S.S_VENDOR_INFORMED, S.S_REMINDED, S.S_INVOICE_SENT])
def test_ablehnung_or_other_decision_is_recorded_as_a_note_now(step, answer, closes_as):
    fields = {S.C_STEP: step, S.C_REPLY: answer, S.C_VIP: "Nein"}
    _, action, reply, due, overdue = one(**fields)
    assert "unter Notiz/Kommentar eintragen" in action
    assert (reply, due, overdue) == (None, SINCE, "Ja")
    assert next_step(**fields) == closes_as


@pytest.mark.parametrize("answer,expected,closes_as", [
    ("Zustimmung", "im Debtist-System bestätigen", S.S_DONE),
    ("Ablehnung", "im Debtist-System ablehnen", S.S_DECLINED),
    ("Storno bestätigt", "bei Debtist stornieren", S.S_CANCELLED),
])
def test_debtist_zahlung_vendor_answer_is_passed_on_to_debtist(answer, expected, closes_as):
    fields = {S.C_TYPE: S.T_DEBTIST_PAYMENT, S.C_AGENCY: S.DEBTIST, S.C_STEP: S.S_VENDOR_INFORMED,
              S.C_REPLY: answer}
    _, action, *_ = one(**fields)
    assert expected in action
    assert next_step(**fields) == closes_as


def test_debtist_zahlung_without_answer_waits_like_any_vendor_message():
    _, _action, reply, due, _ = one(**{S.C_TYPE: S.T_DEBTIST_PAYMENT, S.C_AGENCY: S.DEBTIST,
                                      S.C_STEP: S.S_VENDOR_INFORMED})
    assert reply.startswith("307") and due == datetime(2026, 11, 20, 9, 30)


def test_offen_is_no_answer():
    _, action, reply, *_ = one(**{S.C_STEP: S.S_VENDOR_INFORMED, S.C_REPLY: " Offen "})
    assert action.startswith("Auf Rückmeldung warten") and reply.startswith("307")


# ------------------------------------------------------------------ closed

@pytest.mark.parametrize("step", [S.S_CANCELLED, S.S_DECLINED, S.S_DONE, S.S_PAID])
def test_closed_steps_have_no_action_and_the_whole_row_is_grey(step):
    plan, action, reply, due, overdue = one(**{S.C_STEP: step, S.C_REPLY: "Zustimmung"})
    assert (action, reply, due, overdue) == ("Keine – Fall abgeschlossen", None, None, None)
    assert set(fills(plan).values()) == {GREY} and len(fills(plan)) == len(S.CASE_HEADERS)
    refused = plan_step_done(diagonal_data([case(**{S.C_STEP: step})]), ctx(), rows=[2])
    assert cell(refused, 2, S.C_STEP) is None
    assert finding(refused, "DIA-STEP-DONE-REFUSED").location == "Fälle!H2"


def test_reopened_case_loses_the_grey_and_the_yellow_is_only_on_rueckmeldung():
    plan = run([case(**{S.C_STEP: S.S_VENDOR_INFORMED})])
    f = fills(plan)
    assert f[col(S.C_REPLY)] == YELLOW
    assert {v for c, v in f.items() if c != col(S.C_REPLY)} == {None}     # removes the product's old grey


def test_colours_come_from_the_settings_sheet():
    plan = run([case(**{S.C_STEP: S.S_VENDOR_INFORMED}), case(**{S.C_STEP: S.S_DONE})],
               settings={"Farbe gelb": "FFEB9C", "Farbe grau": "D9D9D9"})
    assert reply_fill(plan, 2) == "FFEB9C" and fills(plan, 3)[1] == "D9D9D9"
    assert {"FFEB9C", "D9D9D9", "FFFF00", "BFBFBF"} <= plan.product_colours


# ------------------------------------------------------------------ bad input: a finding, the rest is computed

def test_unreadable_schritt_seit_is_a_finding_with_its_cell_and_the_rest_is_still_computed():
    plan = run([case(**{S.C_STEP: S.S_VENDOR_INFORMED, S.C_SINCE: "31.11.2026 10:00"}),
                case(**{S.C_STEP: S.S_VENDOR_INFORMED})])
    f = finding(plan, "XL-DATE-INVALID")
    assert f.location == "Fälle!I2" and "31.11.2026" in f.message
    assert computed(plan, 2)[0].startswith("Eingabe prüfen: Schritt seit")
    assert computed(plan, 2)[2:] == (None, None)
    assert computed(plan, 3)[2] == datetime(2026, 11, 20, 9, 30)


def test_us_date_in_schritt_seit_suggests_the_german_reading():
    plan = run([case(**{S.C_SINCE: "11/30/2026"})])
    assert finding(plan, "XL-DATE-INVALID").suggestion == "30.11.2026"


def test_unknown_schritt_gets_the_nearest_valid_step():
    plan = run([case(**{S.C_STEP: "Vendor infomiert"}), case()])
    f = finding(plan, "DIA-STEP-INVALID")
    assert (f.location, f.suggestion) == ("Fälle!H2", "Vendor informiert")
    assert computed(plan, 2)[0].startswith("Eingabe prüfen: Schritt")
    assert computed(plan, 3)[1].startswith("306")


def test_unknown_anfrageart_gets_the_nearest_valid_type():
    plan = run([case(**{S.C_TYPE: "Glaubigeranfrage"})])
    f = finding(plan, "DIA-TYPE-INVALID")
    assert (f.location, f.suggestion) == ("Fälle!C2", "Gläubigeranfrage")
    assert computed(plan)[0].startswith("Eingabe prüfen: Anfrageart")


def test_anfrageart_is_matched_ignoring_case_and_blanks():
    _, _, reply, *_ = one(**{S.C_TYPE: "  gläubigeranfrage "})
    assert reply.startswith("308")


def test_missing_order_id_is_an_error_but_the_case_is_computed():
    plan = run([case(**{S.C_ORDER_ID: None})])
    assert finding(plan, "DIA-ORDER-ID-MISSING").location == "Fälle!D2"
    assert computed(plan)[1].startswith("306")


def test_unknown_rueckmeldung_is_not_guessed():
    plan = run([case(**{S.C_STEP: S.S_VENDOR_INFORMED, S.C_REPLY: "Zustimung"})])
    assert finding(plan, "DIA-REPLY-INVALID").suggestion == "Zustimmung"
    assert computed(plan)[0].startswith("Eingabe prüfen: Rückmeldung")


def test_vip_unknown_where_it_decides_the_next_step_is_a_finding_and_no_guess():
    plan = run([case(**{S.C_STEP: S.S_REMINDED, S.C_USER_ID: 99999, S.C_EMAIL: None})])
    assert finding(plan, "DIA-VIP-UNKNOWN").location == "Fälle!G2"
    assert finding(plan, "DIA-VENDOR-UNKNOWN").location == "Fälle!E2"
    action, _, due, _ = computed(plan)
    assert action.startswith("Eingabe prüfen: VIP klären") and due == datetime(2026, 11, 19, 9, 30)


def test_missing_schritt_seit_on_a_timer_step():
    plan = run([case(**{S.C_STEP: S.S_INVOICE_SENT, S.C_SINCE: None})])
    assert finding(plan, "DIA-SINCE-MISSING").location == "Fälle!I2"
    assert computed(plan)[0].startswith("Eingabe prüfen: Schritt seit fehlt")


def test_agency_not_matching_the_request_type_is_reported():
    plan = run([case(**{S.C_TYPE: S.T_DEBTIST_INVOICE, S.C_AGENCY: "Diagonal"})])
    f = finding(plan, "DIA-AGENCY-MISMATCH")
    assert (f.location, f.suggestion) == ("Fälle!B2", "Debtist")


def test_vendor_email_other_than_the_users_page_is_reported():
    plan = run([case(**{S.C_EMAIL: "privat@gmail.com"})])
    f = finding(plan, "DIA-EMAIL-MISMATCH")
    assert (f.location, f.suggestion) == ("Fälle!F2", "kontakt@lernakademie-sommer.de")


def test_time_only_cell_is_not_a_date():
    plan = run([case(**{S.C_STEP: S.S_VENDOR_INFORMED, S.C_SINCE: datetime(1899, 12, 31, 10, 0)})])
    assert finding(plan, "XL-DATE-INVALID").location == "Fälle!I2"


# ------------------------------------------------------------------ layout contract

def test_columns_are_found_by_header_text_in_any_order_and_unknown_columns_are_left_alone():
    headers = ["Bearbeiter"] + list(reversed(S.CASE_HEADERS))
    row = case(**{S.C_STEP: S.S_VENDOR_INFORMED})
    wb = diagonal_data([row], headers=S.CASE_HEADERS)
    sheet = wb.sheets[S.SHEET_CASES]
    sheet.rows = [headers, ["AK"] + [row.get(h) for h in reversed(S.CASE_HEADERS)]]
    plan = plan_run(wb, ctx())
    due_col = headers.index(S.C_DUE) + 1
    assert [w.value for w in plan.writes if w.row == 2 and w.col == due_col] == [datetime(2026, 11, 20, 9, 30)]
    assert not [w for w in plan.writes if w.col == 1]


def test_missing_computed_columns_are_added_after_the_last_header():
    headers = S.CASE_INPUT_HEADERS + ["Bearbeiter"]
    wb = diagonal_data([case()], headers=headers)
    plan = plan_run(wb, ctx())
    head = {w.col: w.value for w in plan.writes if w.row == 1}
    assert head == {13: S.C_NEXT, 14: S.C_SAVED_REPLY, 15: S.C_DUE, 16: S.C_OVERDUE}
    assert [w.value for w in plan.writes if w.row == 2 and w.col == 14] == ["306 Adressermittlung (Diagonal)"]


def test_missing_required_column_computes_nothing_and_says_which():
    headers = [h for h in S.CASE_HEADERS if h != S.C_SINCE]
    plan = plan_run(diagonal_data([{k: v for k, v in case().items() if k != S.C_SINCE}], headers=headers), ctx())
    f = finding(plan, "XL-HEADER-MISSING")
    assert "Schritt seit" in f.message and not [w for w in plan.writes if w.sheet == S.SHEET_CASES]


def test_header_alias_from_the_settings_sheet():
    headers = [("Status" if h == S.C_STEP else h) for h in S.CASE_HEADERS]
    row = case(**{S.C_STEP: S.S_VENDOR_INFORMED})
    wb = diagonal_data([], headers=headers, settings={"Alias Schritt": "Status"})
    wb.sheets[S.SHEET_CASES].rows.append([row.get(S.C_STEP if h == "Status" else h) for h in headers])
    plan = plan_run(wb, ctx())
    assert computed(plan)[1].startswith("307")


def test_blank_rows_in_between_are_skipped_and_not_the_end():
    wb = diagonal_data([case(), {}, case(**{S.C_STEP: S.S_DONE})])
    plan = plan_run(wb, ctx())
    assert computed(plan, 2)[1].startswith("306") and computed(plan, 4)[0].startswith("Keine")
    assert not [w for w in plan.writes if w.row == 3] and not fills(plan, 3)
    assert plan.summary["Fälle"] == 2


def test_timers_come_from_the_settings_sheet():
    plan = run([case(**{S.C_STEP: S.S_VENDOR_INFORMED}), case(**{S.C_STEP: S.S_INVOICE_SENT})],
               settings={"Snooze Vendor-Nachricht": "72 h", "Zahlungsfrist Rechnung": 10})
    assert computed(plan, 2)[2] == datetime(2026, 11, 21, 9, 30)
    assert computed(plan, 3)[2] == datetime(2026, 11, 28, 9, 30)


def test_a_bad_setting_is_a_warning_and_the_default_counts():
    plan = run([case(**{S.C_STEP: S.S_VENDOR_INFORMED})], settings={"Snooze Vendor-Nachricht": "zwei Tage"})
    assert finding(plan, "XL-SETTINGS-INVALID").location == "Einstellungen!B2"
    assert computed(plan)[2] == datetime(2026, 11, 20, 9, 30)


def test_computed_cells_already_right_are_not_rewritten():
    row = case(**{S.C_STEP: S.S_VENDOR_INFORMED})
    plan = run([row])
    row.update({S.C_NEXT: computed(plan)[0], S.C_SAVED_REPLY: "307 Nachfrage (Diagonal)",
                S.C_DUE: "20.11.2026 09:30", S.C_OVERDUE: "Ja"})
    assert [w for w in run([row]).writes if w.sheet == S.SHEET_CASES] == []


def test_run_writes_no_input_column_and_logs_nothing():
    plan = run([case(**{S.C_STEP: s}) for s in S.STEPS])
    input_cols = {col(h) for h in S.CASE_INPUT_HEADERS}
    assert not [w for w in plan.writes if w.sheet == S.SHEET_CASES and w.col in input_cols]
    assert plan.protocol == []
