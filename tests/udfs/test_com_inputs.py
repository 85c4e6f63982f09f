"""What Excel hands a UDF over COM besides plain cells: Currency amounts as Decimal, the newer
error values (#SPILL!, #CALC!, #GETTING_DATA) as numbers — and what a cell can show as a date."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from xl_addin import udfs as U

NOW = datetime(2026, 11, 22, 12, 0)
ERRORS = {-2146826243: "#SPILL!", -2146826238: "#CALC!", -2146826245: "#GETTING_DATA",
          -2146826246: "#N/A"}


@pytest.mark.parametrize(("code", "text"), sorted(ERRORS.items()))
def test_error_values_are_named_not_read_as_numbers(code, text):
    shown = U.XLA_MAHNSCHRITT(code, None, heute=NOW)
    assert shown == f"Eingabe prüfen: first_dunning_letter: die Zelle enthält den Fehler {text}"
    assert str(code) not in U.XLA_CSV_DATUM(code) and text in U.XLA_CSV_DATUM(code)
    assert text in U.XLA_WERKTAGE(datetime(2026, 1, 5), code)
    assert text in U.XLA_TICKET_AZIONE("Chiamata 1", "Non risponde", proforma_aperti=code, oggi=NOW)


def test_an_error_value_in_the_settings_range_reads_as_blank_like_the_run():
    settings = [["Schlüssel", "Wert"], ["Tage bis 2. Mahnung", -2146826243]]
    assert U.XLA_MAHNFRIST(datetime(2026, 11, 1), None, heute=NOW, einstellungen=settings) == datetime(2026, 11, 15)


def test_currency_amounts_arrive_as_decimal_and_count_as_numbers():
    assert U.XLA_WERKTAGE(datetime(2026, 1, 5), Decimal("3.0000")) == datetime(2026, 1, 8)
    assert U.XLA_TICKET_AZIONE("Chiamata 2", "Non risponde", proforma_aperti=Decimal("3.0000"), oggi=NOW) == \
        U.XLA_TICKET_AZIONE("Chiamata 2", "Non risponde", proforma_aperti=3.0, oggi=NOW)
    assert U.XLA_CSV_DATUM(Decimal("46174.0000")) == "06/01/2026"     # a serial number as Currency
    settings = [["Schlüssel", "Wert"], ["Tage bis 2. Mahnung", Decimal("21.0000")]]
    assert U.XLA_MAHNFRIST(datetime(2026, 11, 1), None, heute=NOW, einstellungen=settings) == datetime(2026, 11, 22)


def test_werktage_never_returns_a_day_before_1900():
    shown = U.XLA_WERKTAGE(datetime(1900, 1, 2), -5)
    assert shown.startswith("Eingabe prüfen: ") and "vor dem 01.01.1900" in shown
    assert U.XLA_WERKTAGE(datetime(1900, 1, 8), -1) == datetime(1900, 1, 5)
    assert U.XLA_WERKTAGE(1.0, 0) == datetime(1900, 1, 1)     # serial 1 is a Monday and no holiday
