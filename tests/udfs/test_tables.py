"""The tabular UDFs: one per workbook kind, the due and overdue rows of the kind's main sheet as a
spilled table (a pandas DataFrame that xlwings writes without its index) — the same list as
`xl-addin due` and the calendar export, because it is the same call (``Kind.due`` on the kind's
run). Called here as xlwings calls them: every range as rows of cells (numbers as doubles, dates as
datetimes, Excel errors as text or as COM's error codes), no Excel."""
from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from xl_addin import actions, udfs as U
from xl_addin.core import values as V
from xl_addin.core.due import DueItem
from xl_addin.package import read_workbook

from .harness import registered_udfs

DEMO = Path(__file__).resolve().parents[2] / "workbooks" / "demo"
NOW = datetime(2026, 11, 22, 12, 0)
NA = -2146826246                   # #N/A as COM hands it over (0x800A07FA)


def as_excel(value: object) -> object:
    """A cell as xlwings hands it to a UDF: numbers as doubles, dates as datetimes."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def sheet_range(wb, name: str) -> list[list[object]]:
    """The sheet's used range from A1 as Excel passes it: a rectangle of cells."""
    rows = wb.sheet(name).rows
    width = max(len(r) for r in rows)
    return [[as_excel(v) for v in r] + [None] * (width - len(r)) for r in rows]


# kind -> (demo file, the UDF, the sheets it is given in its argument order, settings sheet)
DEMOS = {
    "inkasso": ("Inkasso - Cancelled Installments.xlsx", "XLA_MAHNUNGEN_FAELLIG",
                ["Masterliste", "Overview_Cancelled_Installments", "Warten auf Freigabe"], "Einstellungen"),
    "diagonal": ("Kundenbetreuung Diagonal.xlsx", "XLA_FAELLE_FAELLIG", ["Fälle", "Vendoren"], "Einstellungen"),
    "solleciti": ("Solleciti.xlsx", "XLA_TICKET_IN_SCADENZA", ["Ticket"], "Impostazioni"),
    "kundenakten": ("Kundenakten.xlsx", "XLA_VPA_WIEDERVORLAGEN", ["Kunden", "Einträge"], "Einstellungen"),
}


def call_on_demo(kind: str, until: datetime | None = None):
    file, name, sheets, settings_sheet = DEMOS[kind]
    wb = read_workbook(DEMO / file)
    ranges = [sheet_range(wb, s) for s in sheets]
    return getattr(U, name)(*ranges, NOW, sheet_range(wb, settings_sheet), until)


def due_by(items: list[DueItem], last: date) -> list[DueItem]:
    """What the table lists: overdue, or due on a day up to ``last``."""
    return [i for i in items if i.overdue or (i.due.date() if isinstance(i.due, datetime) else i.due) <= last]


def due_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The table's due rows (those with a due date), not the rows left to check."""
    return table[table.iloc[:, 0].notna()]


@pytest.mark.parametrize("kind", sorted(DEMOS))
@pytest.mark.parametrize("days_ahead", [0, 7])
def test_each_kind_lists_what_xl_addin_due_lists_soonest_first(kind, days_ahead):
    until = NOW + timedelta(days=days_ahead) if days_ahead else None
    table = call_on_demo(kind, until)
    assert isinstance(table, pd.DataFrame), table
    book = actions.open_file(DEMO / DEMOS[kind][0], now=NOW)
    expected = due_by(actions.due_items(book), (until or NOW).date())
    assert expected, "the demo has due rows"
    due = due_rows(table)
    words = U._TABLE_WORDS[book.kind.language]
    assert list(due.iloc[:, 3]) == [i.row for i in expected]                  # Zeile / Riga, in that order
    assert list(due.iloc[:, 0]) == [V.as_excel_datetime(i.due) for i in expected]
    assert list(due.iloc[:, 1]) == [words.yes if i.overdue else words.no for i in expected]
    assert [V.norm_text(v) for v in due[book.kind.due_columns.key[0]]] == [i.label for i in expected]
    assert list(due[book.kind.due_columns.action]) == [i.action for i in expected]
    moments = [V.as_excel_datetime(i.due) for i in expected]
    assert moments == sorted(moments)
    if days_ahead == 0:
        assert all(i.overdue or i.due in (NOW.date(), NOW) or i.due.date() == NOW.date() for i in expected)


def test_the_header_row_is_the_kinds_own_words():
    cols = {kind: list(call_on_demo(kind).columns) for kind in DEMOS}
    assert cols["inkasso"] == ["Fällig am", "Überfällig", "Tage überfällig", "Zeile", "order_id",
                               "Nächster Schritt", "vendor_id", "Prüfen"]
    assert cols["diagonal"] == ["Fällig am", "Überfällig", "Tage überfällig", "Zeile", "Bestell-ID", "Anfrageart",
                                "Datum", "Nächste Aktion", "Saved Reply", "Agentur", "Prüfen"]
    assert cols["solleciti"] == ["Scadenza task", "In ritardo", "Giorni di ritardo", "Riga", "Ticket", "Azione",
                                 "Cliente", "Template", "Tag", "Priorità", "Da verificare"]
    assert cols["kundenakten"] == ["Wiedervorlage", "Überfällig", "Tage überfällig", "Zeile", "Kunde",
                                   "Nächster Schritt", "VPA", "Prüfen"]


def test_a_rows_findings_are_those_of_the_run_on_the_file():
    """The Prüfen cell of a row shows what `xl-addin check` reports for that row."""
    table = call_on_demo("diagonal", NOW + timedelta(days=30))
    book = actions.open_file(DEMO / DEMOS["diagonal"][0], now=NOW)
    findings = actions.plan_run(book).findings
    for _, r in table.iterrows():
        if pd.isna(r["Zeile"]):
            continue
        on_row = [f.text() for f in findings if f.sheet == "Fälle" and f.row_col[0] == r["Zeile"]
                  and f.severity in ("error", "warning")]
        assert r["Prüfen"] == "; ".join(on_row), r["Zeile"]


# ---------------------------------------------------------------- bad cells: each a message in its cell

MASTER_HEADER = ["vendor_id", "order_id", "first_dunning_letter", "second_dunning_letter", "incasso_state"]
OVERVIEW = [["User-ID", "Vendor", "Aktiv"], [77820.0, "Lernwerk GmbH", "ja"], [60877.0, "Kurswerk", "nein"]]


def test_inkasso_bad_cells_are_named_in_their_row_and_nothing_is_lost():
    master = [MASTER_HEADER,
              [77820.0, 10000001.0, datetime(2026, 10, 1), None, None],      # a float id, 2nd letter overdue
              [77820.0, 10000002.0, "31.11.2026", None, None],               # no such day
              [77820.0, "#N/A", datetime(2026, 10, 1), None, None],          # an error value as the id
              [77820.0, 10000004.0, "01.11.2026", None, None],               # a text date: read as the run reads it
              [77820.0, 10000005.0, NA, None, None],                         # an error code from COM
              [77820.0, 10000006.0, datetime(2026, 10, 1), datetime(2026, 10, 15), "cancelled"],
              [60877.0, 10000007.0, "31.11.2026", None, None],               # vendor not active: not followed
              [None, None, None, None, None]]
    table = U.XLA_MAHNUNGEN_FAELLIG(master, OVERVIEW, None, NOW)
    rows = [list(r) for r in table.itertuples(index=False)]
    assert rows[:2] == [
        [datetime(2026, 10, 15), "Ja", 38, 2, 10000001, "2. Mahnung senden", 77820, ""],
        [datetime(2026, 11, 15), "Ja", 7, 5, 10000004, "2. Mahnung senden", 77820, ""],
    ]
    checks = {r[3]: r for r in rows[2:]}
    assert sorted(checks) == [3, 4, 6, 7]
    assert all(r[0] is None and r[1] is None for r in checks.values())     # no due date: left to check
    assert checks[3][7] == ("Masterliste!C3  first_dunning_letter: '31.11.2026' ist kein Datum "
                            "(erwartet TT.MM.JJJJ)")
    assert checks[4][4] == "#N/A" and checks[4][7] == (
        "Masterliste!B4  order_id: '#N/A' ist ein Fehlerwert von Excel, keine ID")
    assert "Masterliste!C6  first_dunning_letter: '#N/A' ist kein Datum" in checks[6][7]
    assert checks[7][4] == 10000006 and "Masterliste!E7" in checks[7][7] and "'canceled'" in checks[7][7]
    assert all(r[5].startswith("Eingabe prüfen") for r in checks.values() if r[3] != 7)


def test_until_takes_what_falls_due_within_the_week():
    master = [MASTER_HEADER, [77820.0, 10000001.0, None, None, None],          # 1st letter: next run day 01.12.
              [77820.0, 10000002.0, datetime(2026, 11, 10), None, None]]       # 2nd letter due 24.11.
    assert U.XLA_MAHNUNGEN_FAELLIG(master, OVERVIEW, None, NOW).empty
    week = U.XLA_MAHNUNGEN_FAELLIG(master, OVERVIEW, None, NOW, None, "29.11.2026")
    assert list(week["order_id"]) == [10000002] and list(week["Überfällig"]) == ["Nein"]
    month = U.XLA_MAHNUNGEN_FAELLIG(master, OVERVIEW, None, NOW, None, datetime(2026, 12, 1))
    assert list(month["order_id"]) == [10000002, 10000001]
    assert list(month["Fällig am"]) == [datetime(2026, 11, 24), datetime(2026, 12, 1)]


def test_the_settings_range_brings_aliases_and_timers():
    master = [["vendor_id", "Bestellnummer", "1. Mahnung", "second_dunning_letter"],
              [77820.0, 10000001.0, datetime(2026, 11, 1), None]]
    settings_range = [["Schlüssel", "Wert"], ["Alias order_id", "Bestellnummer"],
                      ["Alias first_dunning_letter", "1. Mahnung"], ["Tage bis 2. Mahnung", 21.0]]
    table = U.XLA_MAHNUNGEN_FAELLIG(master, OVERVIEW, None, NOW, settings_range, "30.11.2026")
    assert list(table.columns[4:6]) == ["order_id", "Nächster Schritt"]
    assert list(table["order_id"]) == [10000001] and list(table["Fällig am"]) == [datetime(2026, 11, 22)]
    without = U.XLA_MAHNUNGEN_FAELLIG(master, OVERVIEW, None, NOW)
    assert isinstance(without, str) and without.startswith("Eingabe prüfen: ") and "'order_id' fehlt" in without


def test_diagonal_moments_stay_moments_and_bad_cells_are_named():
    faelle = [["Datum", "Agentur", "Anfrageart", "Bestell-ID", "User-ID", "VIP", "Schritt", "Schritt seit",
               "Rückmeldung"],
              [datetime(2026, 11, 18), "Diagonal", "Adressermittlung", 10004711.0, 77820.0, "Nein",
               "Vendor informiert", datetime(2026, 11, 20, 9, 30), None],         # reminder due 22.11. 09:30
              [datetime(2026, 11, 18), "Diagonal", "Adressermittlung", 10004712.0, 77820.0, "Nein",
               "Vendor informiert", "20.11.2026 15:00", None],                   # text moment: due 22.11. 15:00
              [datetime(2026, 11, 18), "Diagonal", "Hausbesuch", 10004713.0, 77820.0, "Nein", "#N/A", None, None],
              [datetime(2026, 11, 18), "Diagonal", "Adressermittlung", 10004714.0, 77820.0, "Nein", "Erinnert",
               "gestern", None]]
    table = U.XLA_FAELLE_FAELLIG(faelle, None, NOW)
    due = due_rows(table)
    assert list(due["Bestell-ID"]) == [10004711, 10004712]
    assert list(due["Fällig am"]) == [datetime(2026, 11, 22, 9, 30), datetime(2026, 11, 22, 15, 0)]
    assert list(due["Überfällig"]) == ["Ja", "Nein"] and list(due["Tage überfällig"]) == [0, 0]
    assert list(due["Saved Reply"]) == ["307 Nachfrage (Diagonal)"] * 2
    left = table[table["Fällig am"].isna()]
    assert list(left["Zeile"]) == [4, 5]
    assert "Fälle!G4" in left.iloc[0]["Prüfen"] and "'#N/A'" in left.iloc[0]["Prüfen"]
    assert "Fälle!H5" in left.iloc[1]["Prüfen"] and "'gestern'" in left.iloc[1]["Prüfen"]


def test_solleciti_answers_in_italian():
    ticket = [["Ticket", "Cliente", "Stato", "Esito chiamata", "Data contatto"],
              [24219.0, "Pizzeria Da Gino", "Nuovo", "Non risponde", datetime(2026, 11, 10)],
              [24220.0, "Bar Sport", "Chiamata 9", "Non risponde", datetime(2026, 11, 10)]]
    table = U.XLA_TICKET_IN_SCADENZA(ticket, NOW)
    first = table.iloc[0]
    assert (first["Ticket"], first["In ritardo"], first["Giorni di ritardo"], first["Riga"]) == (24219, "Sì", 5, 2)
    assert first["Scadenza task"] == datetime(2026, 11, 17)          # +5 working days from 10.11.
    assert table.iloc[1]["Riga"] == 3 and "Ticket!C3" in table.iloc[1]["Da verificare"]
    assert "'Chiamata 9'" in table.iloc[1]["Da verificare"]
    shown = U.XLA_TICKET_IN_SCADENZA(ticket, "ieri")
    assert shown == "DA CORREGGERE: oggi: 'ieri' non è una data"


def test_kundenakten_needs_its_entries_and_says_so():
    kunden = [["Kunde", "Kundenstatus", "VPA", "Zugewiesen am"],
              ["Kosmetikstudio Anmut", "Prio Kunde", "Sofia Lange", datetime(2026, 7, 1)]]
    eintraege = [["Datum", "Kunde", "Akte", "Kategorie", "Situation"],
                 [datetime(2026, 9, 1), "Kosmetikstudio Anmut", "VPA", "Chat/Mail", "Rückfrage"]]
    table = U.XLA_VPA_WIEDERVORLAGEN(kunden, eintraege, NOW)
    assert list(table["Kunde"]) == ["Kosmetikstudio Anmut"]
    assert table.iloc[0]["Wiedervorlage"] == datetime(2026, 9, 29)     # 4 weeks after the last VPA entry
    assert table.iloc[0]["Tage überfällig"] == 54 and table.iloc[0]["VPA"] == "Sofia Lange"
    shown = U.XLA_VPA_WIEDERVORLAGEN(kunden, [[None]], NOW)
    assert isinstance(shown, str) and shown.startswith("Eingabe prüfen: Einträge") and "Zeile 1" in shown


@pytest.mark.parametrize("bad", [None, "Fälle!A1:P20", 12.0, [1.0, 2.0]])
def test_a_range_that_is_no_table_is_one_line(bad):
    shown = U.XLA_FAELLE_FAELLIG(bad, None, NOW)
    assert shown == "Eingabe prüfen: faelle: bitte den Bereich des Blatts 'Fälle' mit seiner Kopfzeile angeben"


def test_today_as_a_range_or_an_error_is_named():
    faelle = [["Datum", "Anfrageart", "Bestell-ID", "Schritt", "Schritt seit"]]
    assert U.XLA_FAELLE_FAELLIG(faelle, None, "#N/A") == "Eingabe prüfen: heute: die Zelle enthält den Fehler #N/A"
    assert U.XLA_FAELLE_FAELLIG(faelle, None, [[NOW], [NOW]]).startswith("Eingabe prüfen: heute: bitte eine")


_CELLS = st.one_of(st.none(), st.text(max_size=12), st.floats(allow_nan=False, allow_infinity=False),
                   st.sampled_from(["#N/A", "#REF!", NA, "31.11.2026", "01.11.2026", "Neu", "Vendor informiert",
                                    "Adressermittlung", "ja", 10000001.0, "Chiamata 1", "Non risponde"]),
                   st.booleans(), st.datetimes(min_value=datetime(1899, 12, 30), max_value=datetime(9999, 12, 31)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), kind=st.sampled_from(sorted(DEMOS)))
def test_any_cells_give_a_table_or_one_line_never_an_exception(data, kind):
    name = DEMOS[kind][1]
    headers = {"inkasso": [MASTER_HEADER, OVERVIEW[0], ["A"] * 13],
               "diagonal": [["Datum", "Anfrageart", "Bestell-ID", "User-ID", "VIP", "Schritt", "Schritt seit",
                             "Rückmeldung"], ["User-ID", "VIP"]],
               "solleciti": [["Ticket", "Stato", "Esito chiamata", "Tentativi", "Proforma aperti", "Data contatto"]],
               "kundenakten": [["Kunde", "Kundenstatus", "VPA", "Zugewiesen am"],
                               ["Datum", "Kunde", "Akte", "Kategorie", "Situation"]]}[kind]
    ranges = [[h] + data.draw(st.lists(st.lists(_CELLS, min_size=len(h), max_size=len(h)), max_size=6))
              for h in headers]
    today = data.draw(st.one_of(st.none(), st.just(NOW), _CELLS))
    result = getattr(U, name)(*ranges, today)
    if isinstance(result, str):
        assert not result.startswith("Fehler in ") and "Traceback" not in result, result
        return
    assert isinstance(result, pd.DataFrame)
    for row in result.itertuples(index=False):
        assert all(v is None or isinstance(v, (str, int, float, bool, datetime)) for v in row), row


# ---------------------------------------------------------------- through xlwings, as Excel gets it

def test_xlwings_writes_the_table_as_header_and_rows_without_the_index():
    """xlwings' own return conversion (its router and DataFrame converter; the last stage, which
    hands each value to COM, needs Excel): header row + rows, no index column."""
    with registered_udfs() as reg:
        f = reg.module.XLA_MAHNUNGEN_FAELLIG
        options = f.__xlfunc__["ret"]["options"]
        # no index column; the converter is xlwings' default (typing.Any from the annotation routes by type)
        assert options["index"] is False and set(options) <= {"index", "convert"}
        assert options.get("convert") in (None, Any)
        ranges = [[MASTER_HEADER, [77820.0, 10000001.0, datetime(2026, 10, 1), None, None]], OVERVIEW]
        table = f(*ranges, None, NOW)
        from xlwings.conversion import accessors
        converter = accessors[options.get("convert")].router(table, None, options)
        cells = converter.write_value(table, options)
        assert accessors[options.get("convert")].router("Eingabe prüfen: …", None, options).__name__ == \
            "ValueAccessor"                            # a message is one cell
    assert converter.__name__ == "PandasDataFrameConverter"
    assert cells[0] == list(table.columns)
    assert cells[1][:7] == [datetime(2026, 10, 15), "Ja", 38, 2, 10000001, "2. Mahnung senden", 77820]
    assert len(cells) == 2


def test_pandas_is_imported_only_when_a_table_is_asked_for():
    """xl_addin.udfs imports no pandas (xlwings does, where it runs: in Excel it is loaded anyway)."""
    code = ("import sys; sys.modules['xlwings'] = None; import xl_addin.udfs as U;"
            "assert 'pandas' not in sys.modules, 'imported at start';"
            "U.XLA_TICKET_IN_SCADENZA([['Ticket', 'Stato']]); assert 'pandas' in sys.modules")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
