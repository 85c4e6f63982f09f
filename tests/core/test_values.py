"""SPEC §0 "Dates", "Booleans", ids: what agents type into input cells, and what the core makes
of it. Every accepted spelling has a test, and so has its nearest rejected neighbour."""
from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, strategies as st

from xl_addin.core.cells import excel_serial
from xl_addin.core.values import (
    ParseError,
    format_date_csv,
    format_date_de,
    id_for_output,
    is_blank,
    match_choice,
    nearest_choice,
    norm_key,
    norm_text,
    parse_amount,
    parse_bool,
    parse_date,
    parse_id,
    parse_int,
)

INCASSO_STATES = ["canceled", "blocked", "sent_for_collection", "paid", "on_hold"]
NEXT_STEPS = ["1. Mahnung senden", "2. Mahnung senden", "Freigabe beim Vendor anfragen",
              "Ans Inkasso übergeben", "Klären (blockiert)", "Keine Aktion"]


# --------------------------------------------------------------------------- blanks and text

@pytest.mark.parametrize("value", [None, "", "   ", "\u00a0", "\n\t "])
def test_blank_cells_are_blank(value):
    assert is_blank(value)
    assert norm_text(value) == ""


@pytest.mark.parametrize("value", [0, 0.0, False, "0", "x", date(2026, 1, 1)])
def test_values_that_look_empty_but_are_not(value):
    assert not is_blank(value)


def test_norm_text_collapses_blanks_and_drops_float_tail():
    assert norm_text("  Ans   Inkasso\u00a0übergeben \n") == "Ans Inkasso übergeben"
    assert norm_text(12.0) == "12"
    assert norm_text(12.5) == "12.5"
    assert norm_text(10000001) == "10000001"
    assert norm_key(" CANCELED ") == "canceled"
    assert norm_key("Straße") == norm_key("STRASSE")  # casefold, not lower


# --------------------------------------------------------------------------- dates

@pytest.mark.parametrize("typed, expected", [
    ("31.01.2026", date(2026, 1, 31)),
    ("31.1.26", date(2026, 1, 31)),           # the agent typed it short in first_dunning_letter
    ("31.01.26", date(2026, 1, 31)),
    ("1.2.2026", date(2026, 2, 1)),
    (" 31.01.2026 ", date(2026, 1, 31)),
    ("01.01.00", date(2000, 1, 1)),           # 2-digit years are 2000+yy
    ("31.12.99", date(2099, 12, 31)),
    ("2026-01-31", date(2026, 1, 31)),
    ("29.02.2024", date(2024, 2, 29)),        # leap year
    ("29.02.24", date(2024, 2, 29)),
])
def test_text_dates_the_agents_type(typed, expected):
    result = parse_date(typed)
    assert result == expected
    assert type(result) is date


@pytest.mark.parametrize("typed, expected", [
    ("31.01.2026 14:30", datetime(2026, 1, 31, 14, 30)),
    ("31.01.2026 14:30:15", datetime(2026, 1, 31, 14, 30, 15)),
    ("31.1.26 8:05", datetime(2026, 1, 31, 8, 5)),
    ("2026-01-31T14:30", datetime(2026, 1, 31, 14, 30)),
    ("2026-01-31 14:30:00", datetime(2026, 1, 31, 14, 30)),
    ("31.01.2026 00:00", datetime(2026, 1, 31, 0, 0)),
])
def test_text_date_times_keep_the_time(typed, expected):
    result = parse_date(typed)
    assert result == expected
    assert type(result) is datetime


@pytest.mark.parametrize("typed", [
    "32.13.2026", "32.01.2026", "31.13.2026", "00.01.2026", "29.02.2025", "29.02.25", "31.04.2026",
    "2026-02-30", "31.01.2026 24:00", "31.01.2026 14:60", "31.01.2026 14:30:61",
    "morgen", "31.01.", "31.01", "31-01-2026", "2026/01/31", "1.1.202", "Jan 31 2026", "31.01.2026x",
])
def test_impossible_or_foreign_dates_are_findings_not_guesses(typed):
    with pytest.raises(ParseError) as err:
        parse_date(typed)
    assert f"'{typed.strip()}' ist kein Datum" in str(err.value)


def test_error_text_names_the_value_and_the_expected_format():
    with pytest.raises(ParseError) as err:
        parse_date("32.13.2026")
    assert str(err.value) == "'32.13.2026' ist kein Datum (erwartet TT.MM.JJJJ)"
    assert err.value.suggestion == ""


@pytest.mark.parametrize("typed, suggestion", [
    ("01/31/2026", "31.01.2026"),   # US: month first; 31 cannot be a month
    ("12/25/26", "25.12.2026"),
    ("31/01/2026", "31.01.2026"),   # British order, also only one real reading
    ("01/05/2026", ""),             # 5 January or 1 May? No suggestion at all
    ("02/30/2026", ""),             # neither reading is a date
])
def test_slash_dates_are_refused_with_a_suggestion_only_when_unambiguous(typed, suggestion):
    with pytest.raises(ParseError) as err:
        parse_date(typed)
    assert err.value.suggestion == suggestion


def test_numeric_text_is_not_taken_as_a_serial():
    # "46053" typed as text could be a serial (31.01.2026) or a mistyped id: never guess
    with pytest.raises(ParseError):
        parse_date("46053")
    with pytest.raises(ParseError):
        parse_date("46053.5")


def test_real_excel_dates_pass_through():
    assert parse_date(date(2026, 1, 31)) == date(2026, 1, 31)
    assert type(parse_date(date(2026, 1, 31))) is date
    dt = datetime(2026, 1, 31, 14, 30, 15)
    assert parse_date(dt) == dt
    aware = datetime(2026, 1, 31, 14, 30, tzinfo=timezone.utc)
    assert parse_date(aware) == datetime(2026, 1, 31, 14, 30)
    assert parse_date(aware).tzinfo is None


USABLE_FROM, USABLE_TO = datetime(1900, 1, 1), datetime(9899, 12, 31, 23, 59, 59)


@pytest.mark.parametrize("value", [2921942, 2958465, 2958465.9999999, "31.12.9999", "9900-01-31",
                                   date(9999, 12, 31), datetime(9950, 1, 1, 12), "31.12.1899", date(1, 1, 1),
                                   datetime(1899, 12, 30, 14, 0)])
def test_dates_no_deadline_can_be_computed_from_are_refused(value):
    """Before 1900 Excel cannot show a deadline computed from it; after 9899 one would pass
    31.12.9999 (an OverflowError killed the batch, issue 12)."""
    with pytest.raises(ParseError):
        parse_date(value)


@pytest.mark.parametrize("serial, expected", [
    (1, date(1900, 1, 1)),
    (59, date(1900, 2, 28)),
    (61, date(1900, 3, 1)),
    (43861, date(2020, 1, 31)),
    (46053, date(2026, 1, 31)),
    (46053.0, date(2026, 1, 31)),
    (2921941, date(9899, 12, 31)),       # the last day a deadline can be computed from (values.LAST_YEAR)
])
def test_whole_excel_serials_are_dates(serial, expected):
    result = parse_date(serial)
    assert result == expected and type(result) is date


def test_serial_60_is_the_fake_leap_day_and_refused():
    with pytest.raises(ParseError) as err:
        parse_date(60)
    assert "29.02.1900" in str(err.value)
    with pytest.raises(ParseError):
        parse_date(60.5)


def test_serials_with_fraction_are_datetimes_rounded_to_the_second():
    assert parse_date(46053.5) == datetime(2026, 1, 31, 12, 0)
    assert parse_date(46053.604166666664) == datetime(2026, 1, 31, 14, 30)
    assert parse_date(46053 + 15 / 86400 + 0.4 / 86400) == datetime(2026, 1, 31, 0, 0, 15)
    assert parse_date(59.75) == datetime(1900, 2, 28, 18, 0)
    assert parse_date(61.25) == datetime(1900, 3, 1, 6, 0)


@pytest.mark.parametrize("value", [0, 0.5, -1, 2958466, 1e12, float("nan"), float("inf"), True, False])
def test_serials_out_of_range_and_booleans_are_refused(value):
    with pytest.raises(ParseError):
        parse_date(value)


@pytest.mark.parametrize("d, serial", [
    (date(1900, 1, 1), 1.0), (date(1900, 2, 28), 59.0), (date(1900, 3, 1), 61.0),
    (date(2020, 1, 31), 43861.0), (datetime(2026, 1, 31, 12), 46053.5),
])
def test_excel_serial_is_the_inverse(d, serial):
    assert excel_serial(d) == serial


@pytest.mark.parametrize("d, csv, de", [
    (date(2020, 1, 31), "01/31/2020", "31.01.2020"),
    (date(2026, 12, 5), "12/05/2026", "05.12.2026"),
    (datetime(2020, 1, 31, 14, 30, 59), "01/31/2020", "31.01.2020 14:30"),
    (None, "", ""),
])
def test_date_formats_for_csv_and_messages(d, csv, de):
    assert format_date_csv(d) == csv
    assert format_date_de(d) == de


# --------------------------------------------------------------------------- booleans

@pytest.mark.parametrize("typed", [True, 1, 1.0, "1", "ja", "Ja", "JA", " j ", "wahr", "WAHR", "true",
                                   "TRUE", "yes", "x", "X", "sì", "Sì", "si", "✓"])
def test_true_spellings(typed):
    assert parse_bool(typed) is True


@pytest.mark.parametrize("typed", [False, 0, 0.0, "0", "nein", "Nein", "n", "falsch", "FALSCH", "false",
                                   "no", "No"])
def test_false_spellings(typed):
    assert parse_bool(typed) is False


@pytest.mark.parametrize("typed", [None, "", "  "])
def test_blank_bool_is_none_not_false(typed):
    # the caller decides what blank means (SPEC §2: blank reopened -> False with a warning)
    assert parse_bool(typed) is None


@pytest.mark.parametrize("typed", ["vielleicht", "xx", "2", 2, 0.5, -1, "jein", date(2026, 1, 1)])
def test_other_bools_name_the_accepted_words(typed):
    with pytest.raises(ParseError) as err:
        parse_bool(typed)
    assert "ja/nein" in str(err.value) and "x" in str(err.value)


def test_bool_typo_gets_a_suggestion():
    with pytest.raises(ParseError) as err:
        parse_bool("fasle")
    assert err.value.suggestion == "false"


# --------------------------------------------------------------------------- ids

@pytest.mark.parametrize("cell, canonical", [
    (10000001, "10000001"),
    (10000001.0, "10000001"),        # Excel/calamine hand numbers over as floats
    ("10000001", "10000001"),
    ("10000001.0", "10000001"),      # pasted from a CSV that went through pandas
    ("1.0000001E+07", "10000001"),   # pasted from a cell showing scientific notation
    ("1,0000001E+07", "10000001"),
    ("00123", "00123"),              # leading zeros of text ids are kept
    (" 00123 ", "00123"),
    ("A-4711", "A-4711"),
    (0, "0"),
])
def test_ids(cell, canonical):
    assert parse_id(cell) == canonical


@pytest.mark.parametrize("cell", [10000001.5, True, False, "100 001", "1.00000015E+07", float("nan"),
                                  float("inf"), date(2026, 1, 1)])
def test_ids_that_are_not_ids(cell):
    with pytest.raises(ParseError):
        parse_id(cell)


@pytest.mark.parametrize("cell", ["#N/A", " #REF! ", "#SPILL!", "#CALC!", "#DIV/0!"])
def test_an_excel_error_value_is_no_id(cell):
    """What a cell shows for a broken formula (read from the file as its text, or handed over by
    Excel) never becomes an order id — a vendor's CSV with order_id #N/A."""
    with pytest.raises(ParseError, match="Fehlerwert von Excel"):
        parse_id(cell)
    assert parse_id("#17") == "#17"                  # a text id may start with '#'


def test_id_with_inner_space_suggests_the_joined_id():
    with pytest.raises(ParseError) as err:
        parse_id("1000 0001")
    assert err.value.suggestion == "10000001"


def test_blank_id_is_none():
    assert parse_id(None) is None and parse_id("  ") is None


@pytest.mark.parametrize("canonical, out", [
    ("10000001", 10000001), ("0", 0), ("00123", "00123"), ("A-4711", "A-4711"), ("١٢٣", "١٢٣"),
])
def test_id_for_output(canonical, out):
    result = id_for_output(canonical)
    assert result == out and type(result) is type(out)


# --------------------------------------------------------------------------- counts and amounts

@pytest.mark.parametrize("cell, n", [(3, 3), (3.0, 3), ("3", 3), (" 3 ", 3), ("3,0", 3), ("3.0", 3),
                                     (0, 0), ("-2", -2)])
def test_counts(cell, n):
    assert parse_int(cell) == n and type(parse_int(cell)) is int


@pytest.mark.parametrize("cell", [2.5, "2,5", "abc", "3 Anrufe", True, float("nan"), date(2026, 1, 1)])
def test_counts_refused(cell):
    with pytest.raises(ParseError):
        parse_int(cell)


@pytest.mark.parametrize("cell, amount", [
    (12.5, 12.5), (12, 12.0), ("12,50", 12.5), ("12.50", 12.5), ("1.234,56 €", 1234.56),
    ("€ 1.234,56", 1234.56), ("1234,56", 1234.56), ("1,234.56", 1234.56), ("1.234.567", 1234567.0),
    ("1 234,56 EUR", 1234.56), ("-12,50", -12.5), ("0,500", 0.5), ("12", 12.0),
])
def test_amounts(cell, amount):
    assert parse_amount(cell) == pytest.approx(amount)


@pytest.mark.parametrize("cell", ["1.234", "12,34,5", "abc", "12,", "1.234.56", "€", True, float("nan")])
def test_amounts_refused(cell):
    with pytest.raises(ParseError):
        parse_amount(cell)


# --------------------------------------------------------------------------- choices

@pytest.mark.parametrize("typed, canonical", [
    ("canceled", "canceled"), ("Canceled", "canceled"), (" PAID ", "paid"), ("on_hold\u00a0", "on_hold"),
    ("\u00a0sent_for_collection", "sent_for_collection"),
])
def test_match_choice_normalises_case_and_blanks(typed, canonical):
    assert match_choice(typed, INCASSO_STATES) == canonical


def test_match_choice_collapses_inner_spaces():
    assert match_choice("ans  inkasso   übergeben", NEXT_STEPS) == "Ans Inkasso übergeben"


@pytest.mark.parametrize("typed", ["cancelled", "on hold", "", None, "paid!"])
def test_match_choice_refuses_other_spellings(typed):
    assert match_choice(typed, INCASSO_STATES) is None


@pytest.mark.parametrize("typed, nearest", [
    ("cancelled", "canceled"), ("paied", "paid"), ("blokced", "blocked"), ("on-hold", "on_hold"),
    ("sent for collection", "sent_for_collection"),
])
def test_nearest_choice_for_typos(typed, nearest):
    assert nearest_choice(typed, INCASSO_STATES) == nearest


def test_nearest_choice_for_german_statuses():
    assert nearest_choice("Ans inkaso übergeben", NEXT_STEPS) == "Ans Inkasso übergeben"


@pytest.mark.parametrize("typed", ["xyz", "", None, "Mahnung"])
def test_nearest_choice_is_empty_when_nothing_is_close(typed):
    assert nearest_choice(typed, INCASSO_STATES) == ""


# --------------------------------------------------------------------------- properties

any_cell = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.text(), st.text(alphabet="0123456789.,:-/ TEe+€", max_size=25),
    st.dates(), st.datetimes(), st.datetimes(timezones=st.just(timezone.utc)),
)


@pytest.mark.parametrize("parser", [parse_date, parse_bool, parse_id, parse_int, parse_amount])
@given(value=any_cell)
def test_parsers_raise_nothing_but_parse_error(parser, value):
    try:
        parser(value)
    except ParseError as e:
        assert str(e) and isinstance(e.suggestion, str)


@given(st.integers(min_value=1, max_value=2921941).filter(lambda n: n != 60))
def test_whole_serials_round_trip(serial):
    d = parse_date(serial)
    assert type(d) is date
    assert excel_serial(d) == serial


@given(st.integers(min_value=61, max_value=2921941), st.integers(min_value=0, max_value=86399))
def test_serials_with_seconds_round_trip(days, seconds):
    d = parse_date(days + seconds / 86400)
    expected = date(1899, 12, 30) + timedelta(days=days)
    if seconds:
        assert d == datetime(expected.year, expected.month, expected.day) + timedelta(seconds=seconds)
    else:
        assert d == expected


@given(st.one_of(st.dates(USABLE_FROM.date(), USABLE_TO.date()), st.datetimes(USABLE_FROM, USABLE_TO)))
def test_german_text_of_a_date_parses_back(d):
    text = format_date_de(d)
    back = parse_date(text)
    if isinstance(d, datetime):
        assert back == d.replace(second=0, microsecond=0)
    else:
        assert back == d


@given(st.one_of(st.dates(), st.datetimes()))
def test_csv_dates_are_always_mm_dd_yyyy(d):
    text = format_date_csv(d)
    assert re.fullmatch(r"\d\d/\d\d/\d{4}", text)
    month, day, year = map(int, text.split("/"))
    assert (year, month, day) == (d.year, d.month, d.day)


@given(st.integers(min_value=0, max_value=10**18))
def test_numeric_ids_survive_every_cell_shape(n):
    canonical = str(n)
    assert parse_id(n) == canonical
    assert parse_id(f"{n}.0") == canonical
    assert id_for_output(canonical) == n
    if n < 2**53:
        assert parse_id(float(n)) == canonical


@given(st.text(alphabet="0123456789", min_size=2, max_size=12).filter(lambda s: s.startswith("0")))
def test_text_ids_with_leading_zeros_stay_text(text):
    assert parse_id(text) == text
    assert id_for_output(text) == text


@given(st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_german_amount_text_parses(amount):
    text = f"{amount:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    assert parse_amount(text) == pytest.approx(float(amount))
    assert not math.isnan(parse_amount(text))
