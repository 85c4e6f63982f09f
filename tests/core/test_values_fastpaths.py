"""The parsers' fast paths (exact str/int/float/bool/date/datetime, cached choice keys) give
exactly what the plain versions gave: the same value of the same type, or the same ParseError
text and suggestion. The plain versions are kept here, verbatim, as the oracle."""
from __future__ import annotations

import math
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from xl_addin.core import values as V
from xl_addin.core.com_values import EXCEL_ERROR_TEXTS

INCASSO_STATES = ["canceled", "blocked", "sent_for_collection", "paid", "on_hold"]
DEBT_STATUSES = ["Gesperrt", "Läuft", "Ans Inkasso übergeben", "Bezahlt", "Storniert", "Blockiert"]


# --------------------------------------------------------------------------- the oracle

def ref_norm_text(value):
    if V.is_blank(value):
        return ""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def ref_norm_key(value):
    return ref_norm_text(value).casefold()


def ref_parse_date(value):
    if V.is_blank(value):
        return None
    if isinstance(value, datetime):
        return V._usable(value.replace(tzinfo=None), value)
    if isinstance(value, date):
        return V._usable(value, value)
    if isinstance(value, bool):
        raise V._not_a_date(value)
    if isinstance(value, (int, float)):
        return V._from_serial(value)
    if isinstance(value, str):
        return V._parse_date_text(value.strip())
    raise V._not_a_date(value)


def ref_parse_bool(value):
    if V.is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    if V._is_number(value):
        if value == 1:
            return True
        if value == 0:
            return False
    elif isinstance(value, str):
        word = ref_norm_key(value)
        if word in V._BOOL_WORDS:
            return V._BOOL_WORDS[word]
        if word in ("1.0", "0.0", "1,0", "0,0"):
            return word.startswith("1")
        suggestion = V.nearest_choice(word, [w for w in V._BOOL_WORDS if len(w) > 2])
        raise V.ParseError(f"'{V.display(value)}' ist kein Ja/Nein-Wert ({V._BOOL_HELP})", suggestion)
    raise V.ParseError(f"'{V.display(value)}' ist kein Ja/Nein-Wert ({V._BOOL_HELP})")


def ref_parse_id(value):
    if V.is_blank(value):
        return None
    if isinstance(value, (bool, date, datetime)):
        raise V.ParseError(f"'{V.display(value)}' ist keine gültige ID")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        raise V.ParseError(f"'{V.display(value)}' ist keine gültige ID (keine ganze Zahl)")
    if not isinstance(value, str):
        raise V.ParseError(f"'{V.display(value)}' ist keine gültige ID")
    text = value.strip()
    if any(ch.isspace() for ch in text):
        raise V.ParseError(f"'{text}' ist keine gültige ID (enthält Leerzeichen)", "".join(text.split()))
    if text in EXCEL_ERROR_TEXTS:
        raise V.ParseError(f"'{text}' ist ein Fehlerwert von Excel, keine ID")
    m = V._ID_FLOAT_TEXT.fullmatch(text)
    if m:
        return m[1]
    if V._ID_SCI_TEXT.fullmatch(text):
        number = Decimal(text.replace(",", "."))
        if number == number.to_integral_value() and abs(number) < Decimal(10) ** 30:
            return str(int(number))
        raise V.ParseError(f"'{text}' ist keine gültige ID (keine ganze Zahl)")
    return text


def ref_match_choice(value, choices):
    key = ref_norm_key(value)
    if not key:
        return None
    for choice in choices:
        if ref_norm_key(choice) == key:
            return choice
    return None


# --------------------------------------------------------------------------- comparison

def outcome(fn, *args):
    """(type, value) or ('error', message, suggestion)."""
    try:
        result = fn(*args)
    except V.ParseError as e:
        return ("error", str(e), e.suggestion)
    return (type(result), result)


class IntSub(int):
    def __str__(self):
        return "IntSub!"


class StrSub(str):
    def __str__(self):
        return "StrSub!"


cells = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.text(), st.text(alphabet=" \u00a0\n\tjJaAnNeEiIxX01.,:-/TrueFalsch", max_size=12),
    st.sampled_from(["ja", " Nein ", "WAHR", "False", "true", "x", "1.0", "0,0", "sì", "✓",
                     "10000001", "10000001.0", "1.0000001E+07", " 00123 ", "A 17", "31.01.2026",
                     "2026-01-31 12:30", "01/02/2026", "  ", "\u00a0", "on hold", "On_Hold",
                     " CANCELED ", "läuft", "LÄUFT", "Straße", "#N/A", " #REF! ", "#SPILL!", "#n/a"]),
    st.dates(), st.datetimes(), st.datetimes(timezones=st.just(timezone(timedelta(hours=2)))),
    st.integers().map(IntSub), st.text(max_size=8).map(StrSub),
)


@pytest.mark.parametrize("fast, ref", [
    (V.norm_text, ref_norm_text), (V.norm_key, ref_norm_key), (V.parse_date, ref_parse_date),
    (V.parse_bool, ref_parse_bool), (V.parse_id, ref_parse_id),
])
@settings(max_examples=400)
@given(value=cells)
def test_fast_paths_give_what_the_plain_parsers_gave(fast, ref, value):
    assert outcome(fast, value) == outcome(ref, value)


@settings(max_examples=400)
@given(value=cells, choices=st.sampled_from([INCASSO_STATES, DEBT_STATUSES, ("Paid", "paid"),
                                             ["", " ", "x"], []]))
def test_match_choice_returns_the_first_choice_with_that_key(value, choices):
    assert V.match_choice(value, choices) == ref_match_choice(value, choices)
    assert V.match_choice(value, iter(choices)) == ref_match_choice(value, choices)


def test_datetime_keeps_its_wall_clock_and_loses_its_zone():
    aware = datetime(2026, 1, 31, 12, 30, tzinfo=timezone.utc)
    assert V.parse_date(aware) == datetime(2026, 1, 31, 12, 30)
    assert V.parse_date(aware).tzinfo is None


def test_first_spelling_wins_when_two_choices_read_the_same():
    assert V.match_choice("PAID", ["Paid", "paid"]) == "Paid"
    assert V.match_choice("paid", ["Paid", "paid"]) == "Paid"


@settings(max_examples=400)
@given(value=cells, choices=st.sampled_from([INCASSO_STATES, DEBT_STATUSES, ("Paid", "paid"),
                                             ["", " ", "x"], []]))
def test_a_choice_matcher_answers_what_match_choice_answers(value, choices):
    """The matcher a loop over many cells uses (e.g. the Masterliste's incasso_state column)."""
    assert V.choice_matcher(choices)(value) == ref_match_choice(value, choices)
