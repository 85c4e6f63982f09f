"""Each UDF as an agent uses it in a cell: good input gives the SPEC's answer (dates as real
dates), bad input gives a short text naming the argument — never an exception."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from tests.solleciti.builders import result, run, solleciti_data, ticket
from xl_addin import udfs as U

NOW = datetime(2026, 11, 22, 12, 0)      # Sunday; the demo's "today"


def xl(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    """A date cell as Excel hands it to a UDF (a datetime, midnight for a plain date)."""
    return datetime(y, m, d, hh, mm)


def is_check(text: object, *parts: str) -> bool:
    return isinstance(text, str) and text.startswith(("Eingabe prüfen: ", "DA CORREGGERE: ")) and all(
        p in text for p in parts)


# ---------------------------------------------------------------- Inkasso: XLA_MAHNSCHRITT / XLA_MAHNFRIST

def test_order_without_letters_waits_for_the_next_monthly_run():
    assert U.XLA_MAHNSCHRITT(None, None, heute=NOW) == "1. Mahnung senden"
    assert U.XLA_MAHNFRIST(None, None, heute=NOW) == xl(2026, 12, 1)
    # the run day is a setting; on the run day itself the order is due that day
    assert U.XLA_MAHNFRIST(None, None, heute=NOW, mahnlauf_tag=15) == xl(2026, 12, 15)
    assert U.XLA_MAHNFRIST(None, None, heute=xl(2026, 12, 1)) == xl(2026, 12, 1)


def test_second_letter_fourteen_days_after_the_first_and_then_approval():
    assert U.XLA_MAHNSCHRITT(xl(2026, 11, 1), None, heute=NOW) == "2. Mahnung senden"
    assert U.XLA_MAHNFRIST(xl(2026, 11, 1), None, heute=NOW) == xl(2026, 11, 15)
    assert U.XLA_MAHNFRIST("01.11.2026", None, heute=NOW, tage_bis_2_mahnung="21 Tage") == xl(2026, 11, 22)
    assert U.XLA_MAHNSCHRITT(xl(2026, 10, 1), xl(2026, 10, 15), heute=NOW) == "Freigabe beim Vendor anfragen"
    assert U.XLA_MAHNFRIST(xl(2026, 10, 1), xl(2026, 10, 15), heute=NOW) == xl(2026, 10, 29)


def test_direct_vendor_or_approval_hands_over_and_kuendigung_ends_dunning():
    args = (xl(2026, 10, 1), xl(2026, 10, 15))
    assert U.XLA_MAHNSCHRITT(*args, direkt_ins_inkasso="ja", heute=NOW) == "Ans Inkasso übergeben"
    assert U.XLA_MAHNSCHRITT(*args, freigabe=" freigabe ", heute=NOW) == "Ans Inkasso übergeben"
    assert U.XLA_MAHNSCHRITT(*args, freigabe="Lernwerk GmbH", heute=NOW) == "Freigabe beim Vendor anfragen"
    assert U.XLA_MAHNSCHRITT(*args, freigabe="Kündigung", heute=NOW) == "Keine Aktion"
    assert U.XLA_MAHNFRIST(*args, freigabe="Kündigung", heute=NOW) == ""


def test_closed_reopened_blocked_and_agency_orders():
    assert U.XLA_MAHNSCHRITT(xl(2026, 9, 1), None, incasso_state="PAID ", heute=NOW) == "Keine Aktion"
    assert U.XLA_MAHNSCHRITT(None, None, schulden_status="gekündigt", heute=NOW) == "Keine Aktion"
    assert U.XLA_MAHNSCHRITT(None, None, reopened="x", reopened_id=10000999.0, heute=NOW) == "Neu bestellt (10000999)"
    assert U.XLA_MAHNSCHRITT(None, None, incasso_state="blocked", heute=NOW) == "Klären (blockiert)"
    assert U.XLA_MAHNFRIST(None, None, incasso_state="blocked", heute=NOW) == xl(2026, 11, 22)
    assert U.XLA_MAHNSCHRITT(xl(2026, 8, 1), xl(2026, 8, 15), xl(2026, 9, 20), heute=NOW).startswith("Beim Inkasso")
    assert U.XLA_MAHNSCHRITT(None, None, vendor_aktiv="nein", heute=NOW) == "Vendor nicht im Mahnwesen"


def test_mahnschritt_bad_input_names_the_column_and_the_fix():
    assert is_check(U.XLA_MAHNSCHRITT("31.11.2026", None, heute=NOW),
                    "first_dunning_letter", "'31.11.2026' ist kein Datum")
    assert is_check(U.XLA_MAHNSCHRITT(None, None, incasso_state="cancelled", heute=NOW),
                    "incasso_state", "'cancelled'", "meinten Sie 'canceled'?")
    assert is_check(U.XLA_MAHNSCHRITT(None, "10/31/2026", heute=NOW), "second_dunning_letter", "'31.10.2026'")
    # a column is the column form (tests/udfs/test_columns.py); a block of several columns is refused
    assert is_check(U.XLA_MAHNSCHRITT([[xl(2026, 1, 1), None], [None, None]], None, heute=NOW), "einzelne Zelle")
    assert is_check(U.XLA_MAHNSCHRITT("#N/A", None, heute=NOW), "first_dunning_letter", "#N/A")
    assert is_check(U.XLA_MAHNFRIST(None, None, heute=NOW, tage_bis_2_mahnung="vierzehn"),
                    "Einstellung 'Tage bis 2. Mahnung'", "'vierzehn'")
    assert is_check(U.XLA_MAHNFRIST(None, None, heute="morgen"), "heute", "'morgen' ist kein Datum")
    assert is_check(U.XLA_MAHNFRIST(None, None, heute=NOW, region="Atlantis"), "Feiertagsregion 'Atlantis'")


# ---------------------------------------------------------------- XLA_CSV_DATUM / XLA_CSV_KOMMENTAR

@pytest.mark.parametrize("cell", [xl(2020, 1, 31), xl(2020, 1, 31, 14, 30), 43861.0, "31.01.2020", "31.1.20",
                                  "2020-01-31", date(2020, 1, 31)])
def test_csv_date_is_month_day_year_zero_padded(cell):
    assert U.XLA_CSV_DATUM(cell) == "01/31/2020"


def test_csv_date_blank_stays_blank_and_bad_dates_say_why():
    assert U.XLA_CSV_DATUM(None) == "" and U.XLA_CSV_DATUM("  ") == ""
    assert U.XLA_CSV_DATUM("10/31/2026") == ("Eingabe prüfen: Datum: '10/31/2026' ist kein Datum "
                                             "(erwartet TT.MM.JJJJ) — meinten Sie '31.10.2026'?")
    assert is_check(U.XLA_CSV_DATUM("31.11.2026"), "'31.11.2026' ist kein Datum")
    assert is_check(U.XLA_CSV_DATUM(True), "ist kein Datum")
    assert is_check(U.XLA_CSV_DATUM("#VALUE!"), "#VALUE!")


def test_csv_comment_drops_internal_lines_joins_and_guards_formulas():
    assert U.XLA_CSV_KOMMENTAR("Kunde angerufen\nintern: Vendor ist schwierig\r\n  Ratenplan angeboten ") == \
        "Kunde angerufen; Ratenplan angeboten"
    assert U.XLA_CSV_KOMMENTAR("=SUMME(A1)") == "'=SUMME(A1)"
    assert U.XLA_CSV_KOMMENTAR("-5 € offen") == "'-5 € offen"
    assert U.XLA_CSV_KOMMENTAR("NB: privat\nok", "nb:") == "ok"
    assert U.XLA_CSV_KOMMENTAR(None) == "" and U.XLA_CSV_KOMMENTAR(12.0) == "12"
    assert is_check(U.XLA_CSV_KOMMENTAR([["a", "b"], ["c", "d"]]), "support_comment", "einzelne Zelle")
    assert U.XLA_CSV_KOMMENTAR(["a", "b"]) == [["a"], ["b"]]        # a column: the column form


# ---------------------------------------------------------------- XLA_STATUS

def test_status_is_normalised_against_the_chosen_list():
    assert U.XLA_STATUS(" Canceled ") == "canceled"
    assert U.XLA_STATUS("sent_for_collection", "incasso_state") == "sent_for_collection"
    assert U.XLA_STATUS("ans  inkasso übergeben", "schulden-status") == "Ans Inkasso übergeben"
    assert U.XLA_STATUS("erinnert", "Schritt") == "Erinnert"
    assert U.XLA_STATUS("oteam", "Akte") == "O-Team"
    assert U.XLA_STATUS("prio kunde", "Kundenstatus") == "Prio Kunde"
    assert U.XLA_STATUS("NON RISPONDE", "Esito chiamata") == "Non risponde"
    assert U.XLA_STATUS(None) == ""


def test_status_error_names_the_nearest_valid_value_or_the_list():
    assert U.XLA_STATUS("cancelled") == \
        "Ungültig: 'cancelled' ist kein gültiger Wert für incasso_state — meinten Sie 'canceled'?"
    assert U.XLA_STATUS("on hold") == \
        "Ungültig: 'on hold' ist kein gültiger Wert für incasso_state — meinten Sie 'on_hold'?"
    text = U.XLA_STATUS("xyz", "Schulden-Status")
    assert text.startswith("Ungültig: 'xyz'") and "erlaubt: Gesperrt, Laufend" in text
    assert U.XLA_STATUS("paid", "Statuss").startswith("Unbekannte Liste 'Statuss'")
    assert (U.XLA_STATUS("paid", "Schulden Status")
            == "Unbekannte Liste 'Schulden Status' — meinten Sie 'Schulden-Status'?")


# ---------------------------------------------------------------- XLA_WERKTAGE

def test_working_days_skip_weekends_and_the_regions_holidays():
    assert U.XLA_WERKTAGE(xl(2026, 4, 30), 1) == xl(2026, 5, 4)              # 1 May (Fri) is a holiday
    assert U.XLA_WERKTAGE(xl(2026, 5, 4), -1) == xl(2026, 4, 30)
    assert U.XLA_WERKTAGE(xl(2026, 1, 5), 1) == xl(2026, 1, 6)               # nationwide: 6 Jan is a working day
    assert U.XLA_WERKTAGE(xl(2026, 1, 5), 1, "DE-BY") == xl(2026, 1, 7)      # Bavaria: Epiphany
    assert U.XLA_WERKTAGE(xl(2026, 6, 1), 1, "it") == xl(2026, 6, 3)         # Festa della Repubblica
    assert U.XLA_WERKTAGE(xl(2026, 11, 22), 0) == xl(2026, 11, 23)           # Sunday -> Monday
    assert U.XLA_WERKTAGE("22.11.2026", 5.0) == xl(2026, 11, 27)


def test_working_days_bad_input():
    assert U.XLA_WERKTAGE(xl(2026, 1, 5), 1, "XX") == \
        "Eingabe prüfen: Feiertagsregion 'XX' ist unbekannt (z. B. DE, DE-BY, IT)"
    assert is_check(U.XLA_WERKTAGE(xl(2026, 1, 5), "zwei"), "Tage", "'zwei' ist keine ganze Zahl")
    assert is_check(U.XLA_WERKTAGE(xl(2026, 1, 5), 1.5), "Tage", "keine ganze Zahl")
    assert U.XLA_WERKTAGE(None, 3) == "Eingabe prüfen: Datum fehlt"
    assert is_check(U.XLA_WERKTAGE(xl(2026, 1, 5), 10 ** 9), "höchstens 10000")
    assert is_check(U.XLA_WERKTAGE(xl(9999, 12, 30), 5), "außerhalb des gültigen Bereichs")


# ---------------------------------------------------------------- Diagonal: XLA_FALL_*

def fall(*args, **kw):
    kw.setdefault("heute", NOW)
    return (U.XLA_FALL_AKTION(*args, **kw), U.XLA_FALL_SAVED_REPLY(*args, **kw), U.XLA_FALL_FAELLIG(*args, **kw),
            U.XLA_FALL_UEBERFAELLIG(*args, **kw))


def test_new_paid_step_request_informs_the_vendor_now_with_306():
    action, reply, due, overdue = fall("Adressermittlung", None, datum=xl(2026, 11, 20))
    assert "Side Conversation" in action and "48 h snoozen" in action
    assert reply == "306 Adressermittlung (Diagonal)"
    assert due == xl(2026, 11, 20) and overdue == "Ja"


def test_vendor_informed_waits_48_hours_then_reminder_307():
    since = xl(2026, 11, 20, 14, 0)
    action, reply, due, overdue = fall("Gläubigeranfrage", "Vendor informiert", since)
    assert action.startswith("Auf Rückmeldung warten") and reply == "307 Nachfrage (Diagonal)"
    assert due == xl(2026, 11, 22, 14, 0) and overdue == "Nein"
    assert U.XLA_FALL_UEBERFAELLIG("Gläubigeranfrage", "Vendor informiert", since,
                                   heute=xl(2026, 11, 22, 14, 0)) == "Ja"
    assert U.XLA_FALL_FAELLIG("Gläubigeranfrage", "Vendor informiert", since, heute=NOW,
                              snooze_vendor="3 Tage") == xl(2026, 11, 23, 14, 0)


def test_hours_are_elapsed_hours_across_the_change_to_summer_time():
    # Friday 27.03.2026 14:00 + 48 h = Sunday 15:00 wall clock (the clock jumps forward on Sunday)
    assert U.XLA_FALL_FAELLIG("Adressermittlung", "Vendor informiert", xl(2026, 3, 27, 14, 0),
                              heute=xl(2026, 3, 28)) == xl(2026, 3, 29, 15, 0)


def test_vip_grace_is_due_after_two_days_and_overdue_after_three():
    args = ("Adressermittlung", "VIP-Manager informiert", xl(2026, 11, 20))
    assert U.XLA_FALL_FAELLIG(*args, heute=NOW) == xl(2026, 11, 22)
    assert U.XLA_FALL_UEBERFAELLIG(*args, heute=NOW) == "Nein"
    assert U.XLA_FALL_UEBERFAELLIG(*args, heute=xl(2026, 11, 23)) == "Ja"
    assert U.XLA_FALL_UEBERFAELLIG(*args, heute=NOW, vip_ueberfaellig=2) == "Ja"


def test_reminded_case_depends_on_vip_and_home_visits_are_declined():
    since = xl(2026, 11, 21, 9, 0)
    assert "stornieren" in U.XLA_FALL_AKTION("Adressermittlung", "Erinnert", since, vip="nein", heute=NOW)
    assert "VIP-Manager informieren" in U.XLA_FALL_AKTION("Adressermittlung", "Erinnert", since, vip="ja", heute=NOW)
    unknown = U.XLA_FALL_AKTION("Adressermittlung", "Erinnert", since, heute=NOW)
    assert is_check(unknown, "VIP klären")
    assert U.XLA_FALL_FAELLIG("Adressermittlung", "Erinnert", since, heute=NOW) == xl(2026, 11, 22, 9, 0)
    assert U.XLA_FALL_AKTION("Hausbesuch", "Neu", datum=xl(2026, 11, 21), vip="ja", heute=NOW).startswith(
        "Hausbesuch ablehnen")


def test_answers_and_closed_cases():
    action, reply, due, _overdue = fall("Adressermittlung", "Vendor informiert", xl(2026, 11, 20, 9, 0),
                                       "Zustimmung")
    assert action.startswith("Kostenübernahme") and reply == "" and due == xl(2026, 11, 20, 9, 0)
    assert fall("Zahlungsanfrage", "Storniert", xl(2026, 11, 1)) == ("Keine – Fall abgeschlossen", "", "", "")
    assert fall("Zahlungsanfrage", "Vendor informiert", xl(2026, 11, 20, 9, 0), "offen")[1] == \
        "307 Nachfrage (Diagonal)"


def test_fall_bad_input():
    assert fall("Adresermittlung", "Neu")[0] == \
        "Eingabe prüfen: Anfrageart: 'Adresermittlung' ist kein gültiger Wert — meinten Sie 'Adressermittlung'?"
    for text in fall("Adressermittlung", "Erinert", xl(2026, 11, 20)):
        assert is_check(text, "Schritt", "meinten Sie 'Erinnert'?")
    assert is_check(fall("Adressermittlung", "Erinnert", "gestern")[2], "Schritt seit", "'gestern'")
    assert is_check(fall("Adressermittlung", "Erinnert", datetime(1899, 12, 30, 14, 0))[0],
                    "Schritt seit", "HH:MM")
    assert is_check(fall("Adressermittlung", "Erinnert", xl(2026, 11, 20), vip="vielleicht")[0], "VIP")
    assert is_check(fall("Adressermittlung", "Vendor informiert", xl(2026, 11, 20), snooze_vendor="bald")[2],
                    "Snooze Vendor-Nachricht", "'bald'")
    assert is_check(fall("Adressermittlung", "Vendor informiert", xl(2026, 11, 20), heute="jetzt")[3], "jetzt")
    missing = fall(None, "Vendor informiert", xl(2026, 11, 20))
    assert missing[0].startswith("Eingabe prüfen: Anfrageart fehlt") and missing[2].startswith("Eingabe prüfen")


# ---------------------------------------------------------------- Solleciti: XLA_TICKET_AZIONE / _SCADENZA

def test_ticket_no_answer_first_call_recall_in_five_working_days_with_riepilogo():
    args = ("Nuovo", "Non risponde", 0)
    action = U.XLA_TICKET_AZIONE(*args, data_contatto=xl(2026, 11, 20), oggi=NOW)
    assert "RIEPILOGO" in action and "5 giorni lavorativi" in action
    assert U.XLA_TICKET_SCADENZA(*args, data_contatto=xl(2026, 11, 20), oggi=NOW) == xl(2026, 11, 27)
    # 8 Dec (Immacolata) is a holiday in Italy: Fri 4 Dec + 5 working days = Mon 14 Dec
    assert U.XLA_TICKET_SCADENZA(*args, data_contatto=xl(2026, 12, 4), oggi=xl(2026, 12, 4)) == xl(2026, 12, 14)


def test_ticket_preblocco_and_payment_promise():
    assert "da bloccare" in U.XLA_TICKET_AZIONE("Pre-Blocco", data_preblocco=xl(2026, 11, 1), oggi=NOW)
    assert U.XLA_TICKET_SCADENZA("Pre-Blocco", data_preblocco=xl(2026, 11, 1), oggi=NOW) == ""
    assert U.XLA_TICKET_SCADENZA("Pre-Blocco", data_preblocco=xl(2026, 11, 15), oggi=NOW) == xl(2026, 11, 30)
    assert "PREBLOCCO" in U.XLA_TICKET_AZIONE("Chiamata 3", "Non risponde", 3, proforma_aperti=4, oggi=NOW)
    assert U.XLA_TICKET_SCADENZA("In attesa di pagamento", data_accordo=xl(2026, 11, 20), oggi=NOW) == \
        xl(2026, 11, 25)
    assert U.XLA_TICKET_AZIONE("Nuovo", "Nessun accordo", 1, motivo="non vuole comunicare",
                               interlocutore="studio", oggi=NOW).startswith("Vuole parlare solo con lo Studio")


def test_ticket_bad_input_in_italian():
    assert U.XLA_TICKET_AZIONE("Chiamata 1", "Non rispnde", 1, oggi=NOW) == \
        "DA CORREGGERE: Esito chiamata 'Non rispnde' non è un valore valido — forse 'Non risponde'?"
    assert U.XLA_TICKET_SCADENZA("Chiamata 1", "Non risponde", -1, oggi=NOW) == \
        "DA CORREGGERE: Tentativi: '-1' non è un numero intero ≥ 0"
    assert is_check(U.XLA_TICKET_AZIONE("In attesa di pagamento", data_accordo="31/11/2026", oggi=NOW),
                    "Data accordo", "non è una data")
    assert is_check(U.XLA_TICKET_AZIONE("Chiamata 1", "Non risponde", 1, oggi=NOW, regione="ZZ"), "'ZZ'")
    assert is_check(U.XLA_TICKET_AZIONE("Chiamata 1", oggi="domani"), "oggi", "non è una data")
    # what the flow chart needs but the row lacks: the core's own Italian text
    assert U.XLA_TICKET_AZIONE(None, oggi=NOW).startswith("DATI MANCANTI: Stato")
    assert U.XLA_TICKET_SCADENZA("Chiamata 3", "Non risponde", 3, oggi=NOW).startswith(
        "DATI MANCANTI: Proforma aperti")


@pytest.mark.parametrize("stato,before,tag", [
    ("Nuovo", 0, "chiamata 1"), ("Non lavorato", 0, "chiamata 1"), ("Chiamata 1", 1, "chiamata 2"),
    ("Chiamata 2", 2, "MANCATO CONTATTO"), ("Chiamata 3", 3, "MANCATO CONTATTO"),
])
@pytest.mark.parametrize("tentativi", ["blank", "agreeing", "disagreeing"])
def test_ticket_no_answer_the_attempt_comes_from_stato_as_in_run(stato, before, tag, tentativi):
    """Issue 14: Stato is the state before the call; Tentativi (calls before it) never changes the answer."""
    value = {"blank": None, "agreeing": before, "disagreeing": before + 1}[tentativi]
    plan = run(solleciti_data([ticket(status=stato, outcome="Non risponde", attempts=value, proformas=2,
                                      contact_on=date(2026, 11, 20))]), now=NOW)
    cells = result(plan)
    assert cells["tag"].startswith(tag)
    args = dict(stato=stato, esito="Non risponde", tentativi=None if value is None else float(value),
                proforma_aperti=2.0, data_contatto=xl(2026, 11, 20), oggi=NOW)
    assert U.XLA_TICKET_AZIONE(**args) == cells["action"]
    assert U.XLA_TICKET_SCADENZA(**args) == datetime.combine(cells["due"], datetime.min.time())
    assert ("RIEPILOGO" in cells["action"]) is (before == 0)


# ---------------------------------------------------------------- Kundenakten: XLA_VPA_*

def vpa(*args, **kw):
    kw.setdefault("heute", NOW)
    return U.XLA_VPA_AKTUELL(*args, **kw), U.XLA_VPA_SCHRITT(*args, **kw), U.XLA_VPA_WIEDERVORLAGE(*args, **kw)


def test_vpa_file_with_an_entry_in_the_last_four_weeks_is_current():
    assert vpa("Anna Berger", xl(2026, 9, 1), xl(2026, 11, 1)) == ("Ja", "Keine Aktion", xl(2026, 11, 29))


def test_stale_vpa_file_sends_the_status_template_with_a_seven_day_deadline():
    current, step, follow_up = vpa("Anna Berger", xl(2026, 9, 1), xl(2026, 10, 1), kundenstatus="prio kunde")
    assert current == "Nein" and follow_up == xl(2026, 10, 29)
    assert step == ("Vorlage 'Chatvorlage Akte – Prio Kunde' an VPA senden, Frist bis 29.11.2026 setzen, "
                    "Wiedervorlage einstellen")
    # a fresh assignment counts from its day, without any entry yet
    assert vpa("Anna Berger", xl(2026, 10, 30), None) == ("Ja", "Keine Aktion", xl(2026, 11, 27))
    assert vpa("Anna Berger", xl(2026, 9, 1), xl(2026, 10, 1), tage_ohne_eintrag="8 Wochen")[0].startswith(
        "Eingabe prüfen")
    assert vpa("Anna Berger", xl(2026, 9, 1), xl(2026, 10, 1), tage_ohne_eintrag=60)[0] == "Ja"


def test_deadline_set_for_the_vpa_is_the_follow_up():
    current, step, follow_up = vpa("Anna Berger", xl(2026, 9, 1), xl(2026, 10, 1), frist_vpa=xl(2026, 11, 25))
    assert (current, step, follow_up) == ("Nein", "Frist an VPA läuft bis 25.11.2026", xl(2026, 11, 25))
    assert vpa("Anna Berger", xl(2026, 9, 1), xl(2026, 10, 1), frist_vpa=xl(2026, 11, 20))[1].startswith(
        "Frist 20.11.2026 verstrichen")


def test_vpa_missing_or_bad_input():
    assert vpa(None, xl(2026, 9, 1)) == ("VPA zuweisen (Übergabe in der VPA-Akte)",) * 2 + ("",)
    assert vpa("Anna Berger", None)[0] == "'Zugewiesen am' eintragen"
    assert is_check(vpa("Anna Berger", "32.1.2026")[0], "Zugewiesen am", "'32.1.2026'")
    assert vpa("Anna Berger", xl(2026, 9, 1), kundenstatus="Prio")[1] == \
        "Eingabe prüfen: Kundenstatus: 'Prio' ist kein gültiger Wert — meinten Sie 'Prio Kunde'?"


# ---------------------------------------------------------------- the settings sheet as one range argument

SETTINGS = [["Schlüssel", "Wert", "Beschreibung"], ["Mahnlauf Tag", 15.0, "Tag des Monats"],
            ["Tage bis 2. Mahnung", "21 Tage", None], [None, None, None]]


def test_settings_range_is_read_like_the_settings_sheet_and_single_arguments_win():
    assert U.XLA_MAHNFRIST(None, None, heute=NOW, einstellungen=SETTINGS) == xl(2026, 12, 15)
    assert U.XLA_MAHNFRIST(xl(2026, 11, 1), None, heute=NOW, einstellungen=SETTINGS) == xl(2026, 11, 22)
    assert U.XLA_MAHNFRIST(None, None, heute=NOW, einstellungen=SETTINGS[1:]) == xl(2026, 12, 15)  # no header
    assert U.XLA_MAHNFRIST(None, None, heute=NOW, einstellungen=SETTINGS, mahnlauf_tag=20) == xl(2026, 12, 20)
    # an unreadable value keeps its default, as in a run (which reports it on 'Prüfung')
    assert U.XLA_MAHNFRIST(None, None, heute=NOW, einstellungen=[["Mahnlauf Tag", "erster"]]) == xl(2026, 12, 1)
    for not_a_table in ("Einstellungen!A1:B9", [["Einstellungen"]], [[15.0], [14.0]]):
        assert is_check(U.XLA_MAHNFRIST(None, None, heute=NOW, einstellungen=not_a_table),
                        "einstellungen", "Schlüssel | Wert")


def test_settings_ranges_of_the_other_workbooks():
    renamed = [["Schlüssel", "Wert"], ["Saved Reply Nachfrage", "407 Erinnerung"], ["Snooze Vendor-Nachricht", "1 Tag"]]
    args = ("Adressermittlung", "Vendor informiert", xl(2026, 11, 20, 14, 0))
    assert U.XLA_FALL_SAVED_REPLY(*args, heute=NOW, einstellungen=renamed) == "407 Erinnerung"
    assert U.XLA_FALL_FAELLIG(*args, heute=NOW, einstellungen=renamed) == xl(2026, 11, 21, 14, 0)
    manager = [["Chiave", "Valore"], ["Responsabile", "resp.solleciti"]]
    assert "assegnare a resp.solleciti" in U.XLA_TICKET_AZIONE(
        "Nuovo", "Nessun accordo", 1, motivo="Non vuole comunicare", interlocutore="Responsabile", oggi=NOW,
        impostazioni=manager)
    assert is_check(U.XLA_TICKET_AZIONE("Nuovo", oggi=NOW, impostazioni=5.0), "impostazioni", "Impostazioni")
    templates = [["Schlüssel", "Wert"], ["Vorlage Prio Kunde", "Prio-Nachfass"], ["Frist VPA Tage", 3.0]]
    assert U.XLA_VPA_SCHRITT("Anna Berger", xl(2026, 9, 1), xl(2026, 10, 1), kundenstatus="Prio Kunde", heute=NOW,
                             einstellungen=templates) == \
        "Vorlage 'Prio-Nachfass' an VPA senden, Frist bis 25.11.2026 setzen, Wiedervorlage einstellen"
