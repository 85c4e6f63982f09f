"""SPEC §3 boundaries (5 vs 6 working days, day 14 vs 15, 2 vs 3 broken promises, 3 vs 4
pro-formas, 2 vs 3 calls/appointments) and Italian working days: Christmas and Santo Stefano, Easter
Monday, a 10th of the month on a weekend or a holiday, a regional patron saint."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from tests.solleciti.builders import report_appends, result, run, solleciti_data, ticket


def one(now, settings=None, **fields):
    plan = run(solleciti_data([ticket(**fields)], settings=settings), now=now)
    return result(plan), plan


WED = datetime(2026, 11, 18, 10, 0)


# ------------------------------------------------------------------ boundaries

@pytest.mark.parametrize("paid_on,working_days,tag", [
    (date(2026, 11, 11), 5, "CONTROLLO PAGAMENTO"),   # Wed -> Wed: 5 working days
    (date(2026, 11, 10), 6, "VERIFICA SEDE"),         # Tue -> Wed: 6
    (date(2026, 11, 18), 0, "CONTROLLO PAGAMENTO"),   # paid today
])
def test_already_paid_5_vs_6_working_days(paid_on, working_days, tag):
    r, _ = one(WED, status="Chiamata 1", outcome="Ha già pagato", attempts=1, paid_on=paid_on)
    assert r["tag"] == tag
    if working_days > 5:
        assert f"{working_days} giorni lavorativi fa" in r["action"]


def test_paid_on_a_friday_and_called_the_following_friday_counts_working_days_not_calendar_days():
    # 13.11. (Fri) -> 20.11. (Fri): 7 calendar days, 5 working days
    r, _ = one(datetime(2026, 11, 20, 9, 0), status="Chiamata 1", outcome="Ha già pagato", attempts=1,
               paid_on=date(2026, 11, 13))
    assert r["tag"] == "CONTROLLO PAGAMENTO"


@pytest.mark.parametrize("sent,tag", [(date(2026, 11, 4), None), (date(2026, 11, 3), "DA BLOCCARE")])
def test_pre_blocco_day_14_waits_day_15_blocks(sent, tag):
    r, _ = one(WED, status="Pre-Blocco", preblocco_on=sent)
    assert r["tag"] == tag


def test_pre_blocco_counts_calendar_days_across_a_weekend():
    # mail on Friday 6.11.: Saturday 21.11. is day 15
    assert one(datetime(2026, 11, 20, 18, 0), status="Pre-Blocco", preblocco_on=date(2026, 11, 6))[0]["tag"] is None
    r, _ = one(datetime(2026, 11, 21, 8, 0), status="Pre-Blocco", preblocco_on=date(2026, 11, 6))
    assert r["tag"] == "DA BLOCCARE"


@pytest.mark.parametrize("broken,preblocco", [(0, False), (2, False), (3, True)])
def test_broken_promises_2_vs_3(broken, preblocco):
    r, plan = one(WED, status="In attesa di pagamento", agreed_on=date(2026, 11, 13), proformas=1, broken=broken)
    assert (r["tag"] == "preblocco") is preblocco
    assert bool(report_appends(plan)) is preblocco


def test_blank_broken_promises_count_as_none():
    r, plan = one(WED, status="In attesa di pagamento", agreed_on=date(2026, 11, 13), proformas=1)
    assert r["tag"] == "PROMESSA DI PAGAMENTO 2" and not plan.findings


@pytest.mark.parametrize("proformas,preblocco", [(3, False), (4, True)])
def test_waiting_for_payment_3_vs_4_open_proformas(proformas, preblocco):
    r, _ = one(WED, status="In attesa di pagamento", agreed_on=date(2026, 11, 13), proformas=proformas, broken=0)
    assert (r["tag"] == "preblocco") is preblocco


@pytest.mark.parametrize("proformas,tag", [(2, "MANCATO CONTATTO 1"), (3, "preblocco")])
def test_no_contact_2_vs_3_open_proformas(proformas, tag):
    r, _ = one(WED, status="Chiamata 2", outcome="Non risponde", attempts=2, proformas=proformas)
    assert r["tag"] == tag


@pytest.mark.parametrize("status,tag", [("Chiamata 1", "chiamata 2"), ("Chiamata 2", "MANCATO CONTATTO 1")])
def test_second_vs_third_call_without_answer(status, tag):
    # Stato is the state before the call: Chiamata 1 -> the 2nd call, Chiamata 2 -> the 3rd
    r, _ = one(WED, status=status, outcome="Non risponde", proformas=1)
    assert r["tag"] == tag


@pytest.mark.parametrize("missed,tag,priority", [(1, "chiamata 1", "ALTA"), (2, "chiamata 2", "ALTA"),
                                                 (3, "MANCATO CONTATTO 1", "MEDIA")])
def test_missed_appointments_2_vs_3(missed, tag, priority):
    r, _ = one(WED, status="Appuntamento telefonico", outcome="Non risponde", missed=missed, proformas=2)
    assert (r["tag"], r["priority"]) == (tag, priority)


@pytest.mark.parametrize("now,action_starts", [
    (datetime(2026, 11, 17, 23, 59), "Attendere"),      # the second working day after the promise
    (datetime(2026, 11, 18, 0, 0), "Promessa"),         # the third: act
])
def test_waiting_for_payment_acts_from_the_third_working_day(now, action_starts):
    # promise Friday 13.11.: 3 working days later is Wednesday 18.11.
    r, _ = one(now, status="In attesa di pagamento", agreed_on=date(2026, 11, 13), proformas=1)
    assert r["action"].startswith(action_starts)
    assert r["due"] == date(2026, 11, 18)


# ------------------------------------------------------------------ Italian holidays

def test_recall_across_christmas_santo_stefano_and_new_year():
    # Tue 23.12.2025: 24. (1), 25./26. holidays, weekend, 29. (2), 30. (3), 31. (4), 1.1. holiday, 2.1. (5)
    r, _ = one(datetime(2025, 12, 23, 11, 0), status="Chiamata 1", outcome="Non risponde", attempts=1)
    assert r["due"] == date(2026, 1, 2)


def test_agreement_check_across_christmas_2026():
    # agreed Wed 23.12.2026: 24. (1), 25. Christmas (Fri), 26. Santo Stefano (Sat), 28. (2), 29. (3)
    r, _ = one(datetime(2026, 12, 18, 11, 0), status="Chiamata 1", outcome="Accordo di pagamento", attempts=1,
               payment_kind="Saldo", agreed_on=date(2026, 12, 23))
    assert r["due"] == date(2026, 12, 29)


def test_recall_across_easter_monday():
    # Thu 2.4.2026: Fri 3. (1), Easter Monday 6.4., 7. (2) … 10. (5)
    r, _ = one(datetime(2026, 4, 2, 9, 0), status="Nuovo", outcome="Non risponde", attempts=0)
    assert r["due"] == date(2026, 4, 10)


def test_easter_monday_is_not_a_working_day_when_counting_since_a_payment():
    # paid Tue 31.3.2026, called Wed 8.4.: Apr 1, 2, 3, (6 Easter Monday), 7, 8 = 5 working days
    r, _ = one(datetime(2026, 4, 8, 9, 0), status="Chiamata 1", outcome="Ha già pagato", attempts=1,
               paid_on=date(2026, 3, 31))
    assert r["tag"] == "CONTROLLO PAGAMENTO"
    r, _ = one(datetime(2026, 4, 9, 9, 0), status="Chiamata 1", outcome="Ha già pagato", attempts=1,
               paid_on=date(2026, 3, 31))
    assert r["tag"] == "VERIFICA SEDE"


@pytest.mark.parametrize("now,due", [
    (datetime(2026, 12, 15, 9, 0), date(2027, 1, 11)),   # 10.1.2027 is a Sunday
    (datetime(2026, 9, 21, 9, 0), date(2026, 10, 12)),   # 10.10.2026 is a Saturday
    (datetime(2023, 3, 20, 9, 0), date(2023, 4, 11)),    # 10.4.2023 is Easter Monday
    (datetime(2026, 11, 18, 9, 0), date(2026, 12, 10)),  # a plain Thursday
])
def test_mancato_contatto_on_the_10th_of_next_month_or_the_first_working_day_after(now, due):
    r, _ = one(now, status="Chiamata 2", outcome="Non risponde", attempts=2, proformas=1)
    assert r["due"] == due


def test_holiday_region_is_a_setting_rome_adds_saints_peter_and_paul():
    # Tue 23.6.2026 + 5 working days: 24, 25, 26, 29, 30 — in Rome 29.6. is a holiday
    now = datetime(2026, 6, 23, 9, 0)
    fields = dict(status="Chiamata 1", outcome="Non risponde", attempts=1)
    assert one(now, **fields)[0]["due"] == date(2026, 6, 30)
    assert one(now, settings={"Regione festività": "IT-RM"}, **fields)[0]["due"] == date(2026, 7, 1)
