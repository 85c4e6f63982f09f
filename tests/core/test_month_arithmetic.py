"""Month arithmetic is python-dateutil's relativedelta: Inkasso's next dunning run (run_day) and
Solleciti's "10th of next month" (next_month_day). The hand-written versions they replaced are
kept here; both give the same day for every day of seven years and every setting, and the
boundaries (31 January, December -> January, leap years) are spelt out."""
from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest

from xl_addin.core.calendar import calendar_for
from xl_addin.core.settings import Settings
from xl_addin.kinds.inkasso import schema as IS
from xl_addin.kinds.inkasso.rules import run_day
from xl_addin.kinds.solleciti.flowchart import next_month_day

DAYS = [date(2023, 1, 1) + timedelta(days=n) for n in range(7 * 366)]
SETTING_DAYS = [0, 1, 10, 28, 29, 30, 31, 45]


def run_day_by_hand(today: date, day: int, shift: bool, region: str = "DE") -> date:
    def in_month(y: int, m: int) -> date:
        d = date(y, m, min(max(day, 1), calendar.monthrange(y, m)[1]))
        return calendar_for(region).next_working_day(d) if shift else d
    candidate = in_month(today.year, today.month)
    if candidate >= today:
        return candidate
    y, m = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return in_month(y, m)


def next_month_day_by_hand(d: date, day: int, region: str = "IT") -> date:
    y, m = (d.year + 1, 1) if d.month == 12 else (d.year, d.month + 1)
    return calendar_for(region).next_working_day(date(y, m, min(max(day, 1), calendar.monthrange(y, m)[1])))


def _inkasso(day: int, shift: bool) -> IS.InkassoSettings:
    return IS.InkassoSettings.from_settings(
        Settings(IS.SETTINGS, {"Mahnlauf Tag": day, "Mahnlauf auf Werktag verschieben": shift}))


@pytest.mark.parametrize("shift", [False, True])
@pytest.mark.parametrize("day", SETTING_DAYS)
def test_run_day_is_what_the_hand_written_version_gave(day, shift):
    cfg = _inkasso(day, shift)
    assert [run_day(t, cfg) for t in DAYS] == [run_day_by_hand(t, day, shift) for t in DAYS]


@pytest.mark.parametrize("day", SETTING_DAYS)
def test_next_month_day_is_what_the_hand_written_version_gave(day):
    cal = calendar_for("IT")
    assert [next_month_day(t, day, cal) for t in DAYS] == [next_month_day_by_hand(t, day) for t in DAYS]


@pytest.mark.parametrize("today, day, expected", [
    (date(2026, 1, 31), 31, date(2026, 1, 31)),     # run day today
    (date(2026, 2, 1), 31, date(2026, 2, 28)),      # a short month's last day
    (date(2028, 2, 1), 31, date(2028, 2, 29)),      # leap year
    (date(2026, 12, 2), 1, date(2027, 1, 1)),       # December -> January
    (date(2026, 12, 31), 30, date(2027, 1, 30)),
    (date(2026, 1, 30), 0, date(2026, 2, 1)),       # a day below 1 counts as the 1st
])
def test_run_day_boundaries(today, day, expected):
    assert run_day(today, _inkasso(day, False)) == expected


@pytest.mark.parametrize("d, day, expected", [
    (date(2026, 1, 31), 31, date(2026, 3, 2)),      # 28.02.2026 is a Saturday -> Monday 02.03.
    (date(2028, 1, 31), 31, date(2028, 2, 29)),     # leap year, a Tuesday
    (date(2026, 12, 15), 10, date(2027, 1, 11)),    # December -> January (10.01.2027 is a Sunday)
    (date(2026, 11, 30), 10, date(2026, 12, 10)),
])
def test_next_month_day_boundaries(d, day, expected):
    assert next_month_day(d, day, calendar_for("IT")) == expected
