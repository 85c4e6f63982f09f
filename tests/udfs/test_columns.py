"""Every UDF also takes whole columns and returns a column (one call for the sheet: a dynamic
array that spills), row by row the same answers as its single-cell form — tested with 20,000 rows."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from xl_addin import udfs as U

NOW = datetime(2026, 11, 22, 12, 0)
N = 20_000
SETTINGS = [["Schlüssel", "Wert"], ["Tage bis 2. Mahnung", 21.0]]


def day(i: int) -> datetime:
    return datetime(2026, 1, 1) + timedelta(days=i % 330)


# (UDF, the varying first arguments per row, fixed keyword arguments) — every UDF once
CASES = {
    "XLA_MAHNSCHRITT": (lambda i: (day(i) if i % 3 else None, day(i + 14) if i % 3 == 2 else None),
                        {"heute": NOW, "einstellungen": SETTINGS}),
    "XLA_MAHNFRIST": (lambda i: (day(i) if i % 3 else "31.11.2026", None), {"heute": NOW}),
    "XLA_CSV_DATUM": (lambda i: (day(i) if i % 7 else "kein Datum",), {}),
    "XLA_CSV_KOMMENTAR": (lambda i: (f"Anruf {i}\nintern: x",), {}),
    "XLA_STATUS": (lambda i: (("paid", "cancelled", " on_hold ")[i % 3],), {}),
    "XLA_WERKTAGE": (lambda i: (day(i), float(i % 15)), {"region": "DE-BY"}),
    "XLA_FALL_AKTION": (lambda i: (("Adressermittlung", "Hausbesuch")[i % 2], ("Neu", "Erinnert")[i % 2],
                                   day(i)), {"heute": NOW}),
    "XLA_FALL_SAVED_REPLY": (lambda i: ("Adressermittlung", ("Neu", "Vendor informiert")[i % 2], day(i)),
                             {"heute": NOW}),
    "XLA_FALL_FAELLIG": (lambda i: ("Zahlungsanfrage", ("Vendor informiert", "Rechnung gesendet")[i % 2],
                                    day(i) + timedelta(hours=i % 24)), {"heute": NOW}),
    "XLA_FALL_UEBERFAELLIG": (lambda i: ("Zahlungsanfrage", "Vendor informiert", day(i)), {"heute": NOW}),
    "XLA_TICKET_AZIONE": (lambda i: (("Nuovo", "Chiamata 1", "Chiamata 2")[i % 3], "Non risponde"),
                          {"proforma_aperti": 2.0, "oggi": NOW}),
    "XLA_TICKET_SCADENZA": (lambda i: (("Nuovo", "Chiamata 1")[i % 2], "Non risponde"), {"oggi": NOW}),
    "XLA_VPA_AKTUELL": (lambda i: ("Anna", day(i)), {"heute": NOW}),
    "XLA_VPA_SCHRITT": (lambda i: ("Anna", day(i)), {"heute": NOW, "kundenstatus": "Prio Kunde"}),
    "XLA_VPA_WIEDERVORLAGE": (lambda i: ("Anna", day(i)), {"heute": NOW}),
}


def test_every_udf_has_a_column_case():
    assert sorted(CASES) == sorted(U.CELL_UDF_NAMES)     # the tabular ones take whole tables anyway


@pytest.mark.parametrize("name", sorted(CASES))
def test_column_form_gives_each_row_its_single_cell_answer(name):
    f = getattr(U, name)
    make, fixed = CASES[name]
    rows = [make(i) for i in range(N)]
    columns = [list(c) for c in zip(*rows, strict=True)]
    result = f(*columns, **fixed)
    assert isinstance(result, list) and len(result) == N and all(len(r) == 1 for r in result)
    for i in range(0, N, 997):                 # a sample across the column, errors included
        assert result[i][0] == f(*rows[i], **fixed), (name, i)


def test_a_column_as_xlwings_hands_it_over_in_rows_and_one_value_for_every_row():
    col = [[datetime(2026, 11, 1)], [None], ["31.11.2026"]]
    assert U.XLA_MAHNSCHRITT(col, None, heute=NOW) == [["2. Mahnung senden"], ["1. Mahnung senden"],
                                                      [U.XLA_MAHNSCHRITT("31.11.2026", None, heute=NOW)]]
    # a one-cell "range" broadcasts like a single value
    assert U.XLA_WERKTAGE([datetime(2026, 1, 5), datetime(2026, 1, 9)], [1.0]) == [
        [datetime(2026, 1, 6)], [datetime(2026, 1, 12)]]


def test_ranges_of_different_lengths_are_named_not_guessed():
    shown = U.XLA_WERKTAGE([datetime(2026, 1, 5)] * 3, [1.0, 2.0])
    assert shown == [["Eingabe prüfen: die Bereiche sind verschieden lang (2 / 3 Zeilen)"]]
    assert U.XLA_TICKET_AZIONE(["Nuovo"] * 2, ["Non risponde"] * 3, oggi=NOW)[0][0].startswith("DA CORREGGERE: ")


def test_a_blank_today_is_read_once_one_moment_for_the_whole_column(monkeypatch):
    reads = []

    def clock(tz):                                    # moves on a minute each time it is read
        reads.append(tz)
        return datetime(2026, 11, 2, 8, 0) + timedelta(minutes=len(reads))
    monkeypatch.setattr(U, "_local_now", clock)
    since = [datetime(2026, 10, 31, 8, 0) + timedelta(minutes=i) for i in range(500)]
    shown = U.XLA_FALL_UEBERFAELLIG("Adressermittlung", "Vendor informiert", since)
    assert len(reads) == 1                            # the clock is read once for the column
    # due 48 h after Schritt seit (02.11. 08:00 + i minutes); now is 08:01 for every row
    assert [r[0] for r in shown[:3]] == ["Ja", "Ja", "Nein"]
    assert all(r == ["Nein"] for r in shown[2:])
    U.XLA_FALL_UEBERFAELLIG("Adressermittlung", "Vendor informiert", since[0])
    assert len(reads) == 2                            # the single form reads it on each call


@pytest.mark.parametrize("name", ["XLA_MAHNSCHRITT", "XLA_FALL_AKTION", "XLA_TICKET_SCADENZA", "XLA_VPA_SCHRITT",
                                  "XLA_CSV_KOMMENTAR", "XLA_WERKTAGE", "XLA_STATUS"])
def test_settings_and_today_are_parsed_once_per_column_call(monkeypatch, name):
    """What is the same for every row (the settings range, single settings, today, the list's
    name) is read once per call, not once per row: the column form is cheaper per row."""
    counts = {"settings": 0, "now": 0, "list": 0}
    for fn, count in (("_sheet_rows", "settings"), ("_settings_key", "settings"), ("_read_now", "now"),
                      ("_list_named", "list")):
        real = getattr(U, fn)

        def counting(*args, _real=real, _count=count, **kwargs):
            counts[_count] += 1
            return _real(*args, **kwargs)
        monkeypatch.setattr(U, fn, counting)
    make, fixed = CASES[name]
    rows = [make(i) for i in range(2_000)]
    columns = [list(c) for c in zip(*rows, strict=True)]
    result = getattr(U, name)(*columns, **fixed)
    assert len(result) == 2_000
    assert counts["settings"] <= 2 and counts["now"] <= 1 and counts["list"] <= 1, counts
    counts.update(dict.fromkeys(counts, 0))
    getattr(U, name)(*rows[0], **fixed)
    getattr(U, name)(*rows[1], **fixed)
    assert sum(counts.values()) >= 2                  # the single form reads them on each call


def test_a_settings_column_that_varies_per_row_is_read_per_row():
    """A setting given as a column (one region per row) is no fixed value: each row uses its own."""
    shown = U.XLA_WERKTAGE([datetime(2026, 12, 23)] * 3, 2.0, ["DE", "IT", "DE-BY"])
    assert [r[0] for r in shown] == [datetime(2026, 12, 28), datetime(2026, 12, 28), datetime(2026, 12, 28)]
    shown = U.XLA_WERKTAGE([datetime(2026, 1, 5)] * 3, 1.0, ["DE", "DE-BY", "IT"])   # 6 Jan: BY and IT
    assert [r[0] for r in shown] == [datetime(2026, 1, 6), datetime(2026, 1, 7), datetime(2026, 1, 7)]


def test_single_cell_form_is_unchanged():
    assert U.XLA_MAHNSCHRITT(None, None, heute=NOW) == "1. Mahnung senden"
    assert U.XLA_CSV_DATUM(datetime(2020, 1, 31)) == "01/31/2020"


def test_rows_with_the_same_cells_are_computed_once_per_call(monkeypatch):
    calls = []
    real = U.inkasso.decide

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)
    monkeypatch.setattr(U.inkasso, "decide", counting)
    firsts = [datetime(2026, 9, 1), datetime(2026, 10, 1), None] * 400      # the monthly run's dates
    shown = U.XLA_MAHNSCHRITT(firsts, None, heute=NOW)
    assert len(calls) == 3
    assert [r[0] for r in shown[:3]] == ["2. Mahnung senden", "2. Mahnung senden", "1. Mahnung senden"]
    assert shown == shown[:3] * 400


def test_a_repeated_row_is_told_apart_by_the_type_of_its_cells():
    """1.0 and TRUE are equal in Python, not in a cell: serial 1 is a date, TRUE is not."""
    shown = U.XLA_CSV_DATUM([1.0, True, 1.0, True])
    assert shown[0] == shown[2] == ["01/01/1900"]
    assert shown[1] == shown[3] and shown[1][0].startswith("Eingabe prüfen: ")
