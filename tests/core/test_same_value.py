""""Does the computed cell already show it" (core.cellreader.same_value) is one rule for every
kind. Before, each kind had its own; the four are kept below as they were, and the property tests
show that the one rule answers exactly as each kind's own rule did on every case that kind meets:
the value an earlier run wrote, read back from the file (a moment comes back within a fraction of
a second), a blank cell, another value the kind writes, an Excel serial number. The table after
them names the cases where the kinds' rules disagreed, and which answer holds now."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, strategies as st

from xl_addin.core import values as V
from xl_addin.core.cellreader import as_day, same_value
from xl_addin.core.cells import excel_serial

# ---------------------------------------------------------------- the kinds' rules before

def inkasso_and_kundenakten_before(old, new) -> bool:
    if V.is_blank(old) and V.is_blank(new):
        return True
    if isinstance(new, date):
        try:
            return as_day(V.parse_date(old)) == new
        except V.ParseError:
            return False
    return old == new


def solleciti_before(old, new) -> bool:
    if V.is_blank(old) and V.is_blank(new):
        return True
    if isinstance(new, date):
        try:
            parsed = V.parse_date(old)
        except V.ParseError:
            return False
        return (parsed.date() if isinstance(parsed, datetime) else parsed) == new and not isinstance(old, str)
    return isinstance(old, str) and old == new


def _start_of(d):
    return d if isinstance(d, datetime) else datetime.combine(d, time())


def diagonal_before(old, new) -> bool:
    if V.is_blank(old) and V.is_blank(new):
        return True
    if isinstance(new, (date, datetime)):
        try:
            got = V.parse_date(old)
        except V.ParseError:
            return False
        if got is None:
            return False
        if isinstance(new, datetime) or isinstance(got, datetime):
            return abs((_start_of(got) - _start_of(new)).total_seconds()) < 1 and (
                isinstance(new, datetime) or _start_of(got).time() == time())
        return got == new
    return V.norm_text(old) == new if isinstance(new, str) else old == new


# ---------------------------------------------------------------- what the kinds write and meet

TEXTS = st.sampled_from(["Ja", "Nein", "1. Mahnung senden", "Keine Aktion", "MEDIA", "BLOCCANTE",
                         "Frist an VPA läuft bis 01.12.2026", "Sì", "No"])
DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
MOMENTS = st.builds(lambda d, m: datetime.combine(d, time()) + timedelta(minutes=m),
                    DAYS, st.integers(0, 24 * 60 - 1))
BLANKS = st.sampled_from([None, "", "   "])


def read_back(value):
    """What the file gives back for a value a run wrote: a moment within a fraction of a second
    (the serial number is a double), a date at midnight as a date, everything else as written."""
    if isinstance(value, datetime):
        return st.builds(lambda us: value + timedelta(microseconds=us), st.integers(-400_000, 400_000))
    return st.just(value)


def serial(value):
    return st.just(excel_serial(value)) if isinstance(value, date) and not isinstance(value, datetime) \
        else st.nothing()


def cases(new_values):
    """(old, new) pairs as a run meets them for a kind that writes ``new_values``."""
    return new_values.flatmap(lambda new: st.tuples(
        st.one_of(read_back(new), BLANKS, new_values, serial(new)), st.just(new)))


INKASSO_WRITES = st.one_of(st.none(), TEXTS, DAYS)            # Verfolgen, Nächster Schritt, Fällig am
KUNDENAKTEN_WRITES = st.one_of(st.none(), TEXTS, DAYS)        # Letzter VPA-Eintrag, aktuell, Wiedervorlage, Schritt
SOLLECITI_WRITES = st.one_of(st.none(), TEXTS, DAYS)          # Azione, Template, Tag, Scadenza, Priorità, …
DIAGONAL_WRITES = st.one_of(st.none(), TEXTS, DAYS, MOMENTS)  # Nächste Aktion, Saved Reply, Fällig am, Überfällig


@given(cases(INKASSO_WRITES))
def test_inkasso_and_kundenakten_answer_as_before(pair):
    old, new = pair
    assert same_value(old, new) == inkasso_and_kundenakten_before(old, new)


@given(cases(SOLLECITI_WRITES))
def test_solleciti_answers_as_before(pair):
    old, new = pair
    assert same_value(old, new) == solleciti_before(old, new)


@given(cases(DIAGONAL_WRITES))
def test_diagonal_answers_as_before(pair):
    old, new = pair
    assert same_value(old, new) == diagonal_before(old, new)


@given(st.one_of(INKASSO_WRITES, DIAGONAL_WRITES).flatmap(lambda v: st.tuples(read_back(v), st.just(v))))
def test_what_a_run_wrote_is_not_written_again(pair):
    old, new = pair
    assert same_value(old, new)


# ---------------------------------------------------------------- where the kinds disagreed

D, T = date(2026, 11, 20), datetime(2026, 11, 20, 9, 30)


@pytest.mark.parametrize("old,new,shown,why", [
    ("20.11.2026", D, True, "date text reads as the day (Inkasso, Kundenakten, Diagonal; Solleciti rewrote it)"),
    ("2026-11-20", D, True, "ISO text too"),
    ("20.11.2026 09:30", T, True, "moment text reads as the moment (Diagonal, which alone writes moments)"),
    (T, D, False, "a date column showing a time of day is rewritten (Diagonal; the others kept it)"),
    (datetime(2026, 11, 20), D, True, "a moment at midnight is the day"),
    (D, datetime(2026, 11, 20, 0, 0), True, "…and the other way round"),
    (D, T, False, "a day does not show a moment within it"),
    (T + timedelta(milliseconds=400), T, True, "a serial number's rounding is no change"),
    (T + timedelta(seconds=2), T, False, "a different second is"),
    (46346, D, True, "an Excel serial number reads as its day (every kind)"),
    (True, D, False, "yes/no is no date"),
    ("kein Datum", D, False, "unreadable text"),
    (" Keine Aktion ", "Keine Aktion", False, "text with blanks around it is rewritten (Diagonal kept it)"),
    (12, "12", False, "a number does not show a text"),
    (None, "Ja", False, "blank does not show a value"),
    ("Ja", None, False, "a value is cleared when the run has none"),
    ("  ", None, True, "blanks-only text is blank"),
    (1, True, False, "a number is not a yes/no"),
    (1.0, 1, True, "numbers compare by value"),
])
def test_the_one_rule(old, new, shown, why):
    assert same_value(old, new) is shown, why


# ---------------------------------------------------------------- the common cases answered first

def the_rule_in_general(old, new) -> bool:
    """same_value as it reads without its shortcuts for the common cases (kept verbatim)."""
    from xl_addin.core.cellreader import start_of
    if V.is_blank(old) and V.is_blank(new):
        return True
    if isinstance(new, date):
        try:
            got = V.parse_date(old)
        except V.ParseError:
            return False
        if got is None:
            return False
        if isinstance(new, datetime) or isinstance(got, datetime):
            close = abs((start_of(got) - start_of(new)).total_seconds()) < 1
            return close and (isinstance(new, datetime) or start_of(got).time() == time())
        return got == new
    if isinstance(new, str):
        return isinstance(old, str) and old == new
    return isinstance(old, bool) == isinstance(new, bool) and old == new


class _Str(str):
    pass


_any_cell = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=False, width=32),
                      st.sampled_from(["", " ", "\u00a0", "Ja", "Nein", "Ja ", "31.01.2026", "x"]),
                      st.text(max_size=4), st.text(max_size=3).map(_Str),
                      st.dates(min_value=date(1, 1, 1)), st.datetimes(min_value=datetime(1800, 1, 1)))


@given(_any_cell, _any_cell)
def test_the_shortcuts_answer_as_the_rule(old, new):
    assert same_value(old, new) == the_rule_in_general(old, new)
