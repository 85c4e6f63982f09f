"""SPEC §1 timers: calendar hours from Schritt seit, both sides of every boundary, weekends and
holidays (no working-day shift), and the change to and from summer time in Europe/Berlin.

Decision (README): hour timers (48 h, 24 h) are *elapsed* hours — Fällig am is the moment the
helpdesk's snooze wakes the conversation, so across the March change 48 h after Friday 14:00 is
Sunday 15:00 and across the October change Sunday 13:00. Day timers (7 days, VIP 2/3 days) are
calendar days at the same time of day. A date without time counts from its start of day and the
due value is a date."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from tests.diagonal.helpers import VIP, case, computed, ctx, diagonal_data
from xl_addin.core.cells import excel_serial
from xl_addin.kinds.diagonal import schema as S
from xl_addin.kinds.diagonal.actions import due_cases
from xl_addin.kinds.diagonal.rules import add_elapsed_hours, plan_run


def state(now: datetime, **fields) -> tuple:
    """(Fällig am, Überfällig, listed by `due`) for one case at ``now``."""
    wb = diagonal_data([case(**fields)])
    _, _, due, overdue = computed(plan_run(wb, ctx(now)))
    return due, overdue, bool(due_cases(wb, ctx(now)))


# ------------------------------------------------------------------ boundaries

START = datetime(2026, 11, 16, 9, 0)      # Monday


def test_vendor_message_47h59_is_not_due_48h_is():
    fields = {S.C_STEP: S.S_VENDOR_INFORMED, S.C_SINCE: START}
    assert state(START + timedelta(hours=47, minutes=59), **fields) == (datetime(2026, 11, 18, 9, 0), "Nein", False)
    assert state(START + timedelta(hours=48), **fields) == (datetime(2026, 11, 18, 9, 0), "Ja", True)


@pytest.mark.parametrize("step,vip", [(S.S_REMINDED, "Nein"), (S.S_REMINDED, "Ja"), (S.S_INVOICE_REMINDED, "Nein")])
def test_reminder_23h59_is_not_due_24h_is(step, vip):
    fields = {S.C_STEP: step, S.C_SINCE: START, S.C_VIP: vip}
    assert state(START + timedelta(hours=23, minutes=59), **fields)[1:] == ("Nein", False)
    assert state(START + timedelta(hours=24), **fields) == (datetime(2026, 11, 17, 9, 0), "Ja", True)


def test_invoice_deadline_6_days_23h59_is_not_due_7_days_is():
    fields = {S.C_STEP: S.S_INVOICE_SENT, S.C_SINCE: START, S.C_REPLY: S.R_ACCEPT}
    assert state(START + timedelta(days=7, minutes=-1), **fields)[1:] == ("Nein", False)
    assert state(START + timedelta(days=7), **fields) == (datetime(2026, 11, 23, 9, 0), "Ja", True)


def test_vip_grace_due_on_day_2_overdue_only_on_day_3():
    fields = {S.C_STEP: S.S_VIP_MANAGER, S.C_SINCE: START, S.C_USER_ID: VIP, S.C_EMAIL: None}
    due = datetime(2026, 11, 18, 9, 0)
    assert state(START + timedelta(days=2, minutes=-1), **fields) == (due, "Nein", False)   # day 1: nothing yet
    assert state(START + timedelta(days=2), **fields) == (due, "Nein", True)                # day 2: due, listed
    assert state(START + timedelta(days=3, minutes=-1), **fields) == (due, "Nein", True)    # still within grace
    assert state(START + timedelta(days=3), **fields) == (due, "Ja", True)                  # day 3: overdue


def test_vip_grace_days_are_settings():
    wb = diagonal_data([case(**{S.C_STEP: S.S_VIP_MANAGER, S.C_SINCE: START, S.C_VIP: "Ja"})],
                       settings={"VIP-Frist fällig": 3, "VIP-Frist überfällig": "5 Tage"})
    _, _, due, overdue = computed(plan_run(wb, ctx(START + timedelta(days=4, hours=23))))
    assert (due, overdue) == (datetime(2026, 11, 19, 9, 0), "Nein")


def test_a_date_without_time_counts_from_its_start_of_day_and_gives_a_date():
    fields = {S.C_STEP: S.S_VENDOR_INFORMED, S.C_SINCE: date(2026, 11, 16)}
    assert state(datetime(2026, 11, 17, 23, 59), **fields) == (date(2026, 11, 18), "Nein", False)
    assert state(datetime(2026, 11, 18, 0, 0), **fields) == (date(2026, 11, 18), "Ja", True)


def test_date_only_with_a_day_timer_and_a_reminder_give_dates():
    assert state(datetime(2026, 11, 22, 12), **{S.C_STEP: S.S_INVOICE_SENT, S.C_SINCE: "16.11.2026"})[0] == \
        date(2026, 11, 23)
    assert state(datetime(2026, 11, 22, 12), **{S.C_STEP: S.S_REMINDED, S.C_SINCE: "2026-11-16"})[0] == \
        date(2026, 11, 17)


def test_a_snooze_of_hours_that_are_not_whole_days_from_a_date_gives_a_time():
    wb = diagonal_data([case(**{S.C_STEP: S.S_VENDOR_INFORMED, S.C_SINCE: date(2026, 11, 16)})],
                       settings={"Snooze Vendor-Nachricht": "36 h"})
    assert computed(plan_run(wb, ctx()))[2] == datetime(2026, 11, 17, 12, 0)


@pytest.mark.parametrize("since", ["16.11.2026 09:00", "2026-11-16T09:00", excel_serial(START)])
def test_schritt_seit_as_text_or_excel_serial(since):
    assert state(datetime(2026, 11, 22, 12), **{S.C_STEP: S.S_VENDOR_INFORMED, S.C_SINCE: since})[0] == \
        datetime(2026, 11, 18, 9, 0)


# ------------------------------------------------------------------ weekends and holidays: calendar hours

def test_a_snooze_from_friday_afternoon_is_due_on_sunday_not_on_tuesday():
    fields = {S.C_STEP: S.S_VENDOR_INFORMED, S.C_SINCE: datetime(2026, 11, 20, 16, 0)}   # Friday
    assert state(datetime(2026, 11, 22, 15, 59), **fields) == (datetime(2026, 11, 22, 16, 0), "Nein", False)
    assert state(datetime(2026, 11, 23, 8, 0), **fields) == (datetime(2026, 11, 22, 16, 0), "Ja", True)  # Monday


def test_a_reminder_on_saturday_runs_out_on_sunday():
    fields = {S.C_STEP: S.S_REMINDED, S.C_VIP: "Nein", S.C_SINCE: datetime(2026, 11, 21, 10, 0)}
    assert state(datetime(2026, 11, 23, 8, 0), **fields) == (datetime(2026, 11, 22, 10, 0), "Ja", True)


def test_the_invoice_deadline_ends_on_christmas_day_without_a_working_day_shift():
    fields = {S.C_STEP: S.S_INVOICE_SENT, S.C_SINCE: datetime(2026, 12, 18, 11, 0)}
    assert state(datetime(2026, 12, 28, 9, 0), **fields) == (datetime(2026, 12, 25, 11, 0), "Ja", True)


# ------------------------------------------------------------------ summer time (Europe/Berlin)

def test_elapsed_hours_across_the_change_to_summer_time():
    assert add_elapsed_hours(datetime(2026, 3, 27, 14, 0), 48).replace(tzinfo=None) == datetime(2026, 3, 29, 15, 0)


def test_elapsed_hours_across_the_change_back_to_winter_time():
    assert add_elapsed_hours(datetime(2026, 10, 23, 14, 0), 48).replace(tzinfo=None) == datetime(2026, 10, 25, 13, 0)


def test_snooze_across_the_march_change_wakes_after_48_real_hours():
    fields = {S.C_STEP: S.S_VENDOR_INFORMED, S.C_SINCE: datetime(2026, 3, 27, 14, 0)}     # Friday, CET
    due = datetime(2026, 3, 29, 15, 0)                                                    # Sunday, CEST
    assert state(datetime(2026, 3, 29, 14, 30), **fields) == (due, "Nein", False)         # wall clock +48 h: not yet
    assert state(datetime(2026, 3, 29, 15, 0), **fields) == (due, "Ja", True)


def test_snooze_across_the_october_change_wakes_after_48_real_hours():
    fields = {S.C_STEP: S.S_VENDOR_INFORMED, S.C_SINCE: datetime(2026, 10, 23, 14, 0)}    # Friday, CEST
    due = datetime(2026, 10, 25, 13, 0)                                                   # Sunday, CET
    assert state(datetime(2026, 10, 25, 12, 59), **fields) == (due, "Nein", False)
    assert state(datetime(2026, 10, 25, 13, 0), **fields) == (due, "Ja", True)            # before wall clock 14:00


def test_reminder_across_the_march_change():
    fields = {S.C_STEP: S.S_REMINDED, S.C_VIP: "Nein", S.C_SINCE: datetime(2026, 3, 28, 20, 0)}
    assert state(datetime(2026, 3, 30, 9, 0), **fields)[0] == datetime(2026, 3, 29, 21, 0)


def test_day_timers_keep_the_time_of_day_across_the_change():
    invoice = {S.C_STEP: S.S_INVOICE_SENT, S.C_SINCE: datetime(2026, 3, 23, 10, 0)}
    assert state(datetime(2026, 3, 30, 9, 59), **invoice) == (datetime(2026, 3, 30, 10, 0), "Nein", False)
    assert state(datetime(2026, 3, 30, 10, 0), **invoice)[1] == "Ja"
    vip = {S.C_STEP: S.S_VIP_MANAGER, S.C_VIP: "Ja", S.C_SINCE: datetime(2026, 10, 24, 10, 0)}
    assert state(datetime(2026, 10, 27, 10, 0), **vip) == (datetime(2026, 10, 26, 10, 0), "Ja", True)


def test_a_date_without_time_across_the_change_stays_a_whole_date():
    fields = {S.C_STEP: S.S_VENDOR_INFORMED, S.C_SINCE: date(2026, 10, 24)}
    assert state(datetime(2026, 10, 26, 0, 0), **fields) == (date(2026, 10, 26), "Ja", True)
    assert state(datetime(2026, 10, 25, 23, 59), **fields)[1] == "Nein"


@pytest.mark.parametrize("since", [datetime(2026, 3, 29, 2, 30), datetime(2026, 10, 25, 2, 30)])
def test_a_time_that_does_not_exist_or_exists_twice_does_not_break_the_run(since):
    due, overdue, _ = state(datetime(2026, 11, 1), **{S.C_STEP: S.S_VENDOR_INFORMED, S.C_SINCE: since})
    assert abs(due - (since + timedelta(hours=48))) <= timedelta(hours=1) and overdue == "Ja"
