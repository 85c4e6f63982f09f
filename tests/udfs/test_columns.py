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
    assert sorted(CASES) == sorted(U.UDF_NAMES)


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


def test_a_blank_today_is_one_moment_for_the_whole_column(monkeypatch):
    seen = []
    real = U._now

    def counting(value, tz, label="heute", lang="de"):
        seen.append(value)
        return real(value, tz, label, lang)
    monkeypatch.setattr(U, "_now", counting)
    U.XLA_MAHNSCHRITT([None] * 500, None)
    assert seen[0] is None and all(isinstance(v, datetime) for v in seen[1:])
    assert len({v for v in seen[1:]}) == 1      # every row computed for the same moment


def test_single_cell_form_is_unchanged():
    assert U.XLA_MAHNSCHRITT(None, None, heute=NOW) == "1. Mahnung senden"
    assert U.XLA_CSV_DATUM(datetime(2020, 1, 31)) == "01/31/2020"
