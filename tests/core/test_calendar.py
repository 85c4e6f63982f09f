"""SPEC §0 "Working days": Monday–Friday minus the public holidays of the configured region,
from the holidays library (DE nationwide by default, IT for the Solleciti workbook)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings, strategies as st

from xl_addin.core.calendar import WorkingCalendar, calendar_for, normalize_region

DE = calendar_for("DE")
BY = calendar_for("DE-BY")
IT = calendar_for("IT")


@pytest.mark.parametrize("d, what", [
    (date(2026, 4, 3), "Karfreitag"),
    (date(2026, 4, 6), "Ostermontag"),
    (date(2026, 5, 1), "1. Mai"),
    (date(2026, 5, 14), "Christi Himmelfahrt"),
    (date(2026, 5, 25), "Pfingstmontag"),
    (date(2025, 10, 3), "Tag der Deutschen Einheit"),
    (date(2025, 12, 25), "1. Weihnachtstag"),
    (date(2025, 12, 26), "2. Weihnachtstag"),
    (date(2026, 1, 1), "Neujahr"),
    (date(2017, 10, 31), "Reformationstag 2017 (bundesweit, nur dieses Jahr)"),
])
def test_german_nationwide_holidays_are_not_working_days(d, what):
    assert d.weekday() < 5, "the test date must be a weekday to mean anything"
    assert DE.is_holiday(d), what
    assert not DE.is_working_day(d), what


@pytest.mark.parametrize("d", [date(2026, 4, 2), date(2025, 12, 24), date(2025, 12, 31), date(2018, 10, 31),
                               date(2026, 1, 6), date(2026, 6, 4)])
def test_ordinary_weekdays_in_germany_are_working_days(d):
    # 24.12. and 31.12. are working days by law; Heilige Drei Könige / Fronleichnam are regional
    assert not DE.is_holiday(d)
    assert DE.is_working_day(d)


@pytest.mark.parametrize("d", [date(2026, 1, 6), date(2026, 6, 4), date(2024, 11, 1)])
def test_bavarian_holidays_only_in_bavaria(d):
    # Heilige Drei Könige, Fronleichnam, Allerheiligen
    assert BY.is_holiday(d)
    if d.weekday() < 5:
        assert not BY.is_working_day(d)
    assert not DE.is_holiday(d)


def test_bavaria_keeps_the_nationwide_holidays():
    assert BY.is_holiday(date(2026, 4, 3)) and BY.is_holiday(date(2025, 10, 3))


@pytest.mark.parametrize("d, what", [
    (date(2025, 12, 26), "Santo Stefano"),
    (date(2025, 8, 15), "Ferragosto"),
    (date(2026, 4, 6), "Pasquetta"),
    (date(2026, 4, 24), None),         # an ordinary Friday
    (date(2026, 6, 2), "Festa della Repubblica"),
    (date(2026, 12, 8), "Immacolata"),
])
def test_italian_holidays(d, what):
    assert IT.is_holiday(d) is (what is not None)
    assert IT.is_working_day(d) is (what is None and d.weekday() < 5)


def test_italian_holidays_differ_from_german_ones():
    assert IT.is_working_day(date(2026, 4, 3))       # no Good Friday in Italy
    assert not DE.is_working_day(date(2026, 4, 3))
    assert not IT.is_working_day(date(2025, 8, 15))   # Ferragosto
    assert DE.is_working_day(date(2025, 8, 15))


def test_rome_has_its_patron_saints_day():
    rome = calendar_for("IT-RM")
    assert rome.is_holiday(date(2026, 6, 29)) and not IT.is_holiday(date(2026, 6, 29))


def test_weekends_are_never_working_days():
    assert not DE.is_working_day(date(2026, 1, 17))   # Saturday
    assert not DE.is_working_day(date(2026, 1, 18))   # Sunday
    assert not DE.is_holiday(date(2026, 1, 17))       # a weekend is not a holiday


def test_adding_working_days_across_a_weekend():
    friday = date(2026, 1, 16)
    assert DE.add_working_days(friday, 1) == date(2026, 1, 19)    # Monday
    assert DE.add_working_days(friday, 5) == date(2026, 1, 23)
    assert DE.add_working_days(date(2026, 1, 17), 1) == date(2026, 1, 19)  # from a Saturday


def test_adding_working_days_across_christmas():
    # Wed 24.12.2025 + 1 working day: 25./26. holidays, 27./28. weekend -> Mon 29.12.
    assert DE.add_working_days(date(2025, 12, 24), 1) == date(2025, 12, 29)
    assert DE.add_working_days(date(2025, 12, 23), 3) == date(2025, 12, 30)
    # ...and into the new year: 31.12. working, 1.1. holiday
    assert DE.add_working_days(date(2025, 12, 30), 2) == date(2026, 1, 2)


def test_solleciti_task_five_working_days_over_easter():
    # a call on Thursday 02.04.2026, task +5 working days: Italy skips Pasquetta only
    assert IT.add_working_days(date(2026, 4, 2), 5) == date(2026, 4, 10)
    # in Germany Karfreitag and Ostermontag both fall in between
    assert DE.add_working_days(date(2026, 4, 2), 5) == date(2026, 4, 13)


def test_zero_days_means_today_or_the_next_working_day():
    assert DE.add_working_days(date(2026, 1, 15), 0) == date(2026, 1, 15)
    assert DE.add_working_days(date(2026, 4, 3), 0) == date(2026, 4, 7)    # Karfreitag -> Tuesday


def test_negative_days_count_backwards():
    assert DE.add_working_days(date(2026, 1, 19), -1) == date(2026, 1, 16)   # Monday -> Friday
    assert DE.add_working_days(date(2026, 4, 7), -1) == date(2026, 4, 2)     # over Easter
    assert IT.add_working_days(date(2026, 4, 7), -1) == date(2026, 4, 3)


def test_next_working_day():
    assert DE.next_working_day(date(2026, 1, 15)) == date(2026, 1, 15)
    assert DE.next_working_day(date(2025, 12, 25)) == date(2025, 12, 29)
    assert DE.next_working_day(date(2026, 5, 1)) == date(2026, 5, 4)


def test_datetimes_are_taken_by_their_date():
    assert DE.is_working_day(datetime(2026, 1, 15, 23, 59))
    assert DE.is_holiday(datetime(2025, 12, 25, 8, 0))
    assert DE.add_working_days(datetime(2026, 1, 16, 14, 30), 1) == date(2026, 1, 19)
    assert type(DE.add_working_days(datetime(2026, 1, 16, 14, 30), 1)) is date
    assert DE.working_days_between(datetime(2026, 1, 16, 9), datetime(2026, 1, 19, 8)) == 1


def test_working_days_between():
    assert DE.working_days_between(date(2026, 1, 16), date(2026, 1, 19)) == 1
    assert DE.working_days_between(date(2026, 1, 19), date(2026, 1, 16)) == -1
    assert DE.working_days_between(date(2026, 1, 16), date(2026, 1, 16)) == 0
    assert DE.working_days_between(date(2025, 12, 23), date(2025, 12, 29)) == 2   # 24. and 29.
    # a whole year: 261 weekdays in 2025 minus 9 nationwide holidays on weekdays
    assert DE.working_days_between(date(2024, 12, 31), date(2025, 12, 31)) == 261 - 9


def test_region_spellings_and_unknown_regions():
    assert normalize_region(" de-by ") == "DE-BY"
    assert normalize_region("DE_BY") == "DE-BY"
    assert normalize_region("it") == "IT"
    assert WorkingCalendar("de-bayern").region == "DE-BY"
    assert WorkingCalendar().region == "DE"
    for bad in ("XX", "DE-XX", ""):
        with pytest.raises(ValueError) as err:
            WorkingCalendar(bad)
        assert "Feiertagsregion" in str(err.value)


def test_calendar_for_is_cached_per_region():
    assert calendar_for("DE-BY") is calendar_for("de-by") is BY
    assert calendar_for("DE") is not BY


def _brute_force_between(cal: WorkingCalendar, start: date, end: date) -> int:
    sign, lo, hi = (1, start, end) if end >= start else (-1, end, start)
    n, d = 0, lo
    while d < hi:
        d += timedelta(days=1)
        n += cal.is_working_day(d)
    return sign * n


days = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31))
calendars = st.sampled_from([DE, BY, IT])


@settings(max_examples=60)
@given(calendars, days, st.integers(min_value=-400, max_value=400))
def test_between_agrees_with_counting_day_by_day(cal, start, offset):
    end = start + timedelta(days=offset)
    assert cal.working_days_between(start, end) == _brute_force_between(cal, start, end)


@settings(max_examples=60)
@given(calendars, days, st.integers(min_value=-60, max_value=60))
def test_adding_then_counting_gives_back_n(cal, start, n):
    result = cal.add_working_days(start, n)
    assert cal.is_working_day(result)
    between = cal.working_days_between(start, result)
    if n > 0:
        assert result > start and between == n
    elif n == 0:
        assert result >= start and between == (0 if cal.is_working_day(start) else 1)
    else:
        assert result < start
        assert between == (n if cal.is_working_day(start) else n + 1)
