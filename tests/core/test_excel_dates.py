"""Excel dates once, in core.values: the serial number the writer stores (1900 and 1904 systems)
and what Excel hands over / is handed by the UDFs and the live adapter."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from xl_addin.core.cells import excel_serial
from xl_addin.core.values import as_excel_datetime, from_excel_datetime, parse_date


@pytest.mark.parametrize("value, serial, serial1904", [
    (date(1904, 1, 1), 1462, 0),
    (date(2026, 11, 22), 46348, 44886),
    (datetime(2026, 11, 22, 12, 0), 46348.5, 44886.5),
])
def test_serials_in_both_date_systems(value, serial, serial1904):
    assert excel_serial(value) == serial and excel_serial(value, date1904=True) == serial1904
    assert parse_date(excel_serial(value)) == value


def test_whole_days_are_ints_and_the_wall_clock_counts():
    assert type(excel_serial(date(2026, 1, 31))) is int
    assert excel_serial(datetime(2026, 1, 31, 12, tzinfo=timezone.utc)) == 46053.5


@pytest.mark.parametrize("value, date1904", [(date(1899, 12, 31), False), (date(1903, 12, 31), True)])
def test_dates_excel_cannot_show_are_refused(value, date1904):
    with pytest.raises(ValueError):
        excel_serial(value, date1904)


def test_excel_datetimes_to_and_from_the_cores_values():
    assert from_excel_datetime(datetime(2026, 1, 31)) == date(2026, 1, 31)
    assert from_excel_datetime(datetime(2026, 1, 31, 9, 30, tzinfo=timezone.utc)) == datetime(2026, 1, 31, 9, 30)
    assert as_excel_datetime(date(2026, 1, 31)) == datetime(2026, 1, 31)
    assert as_excel_datetime(datetime(2026, 1, 31, 9, 30)) == datetime(2026, 1, 31, 9, 30)
