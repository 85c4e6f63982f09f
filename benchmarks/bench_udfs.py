"""µs per row of every UDF for a sheet of 20,000 rows (no Excel, no COM), in both forms:

- single: one call per row, as 20,000 formulas =XLA_…(A2; B2; …) make them — what Python spends;
  Excel's own overhead per call (a round trip into Python each) comes on top;
- column: one call for the whole sheet, =XLA_…(A2:A20001; B2:B20001; …) spilling one column —
  the arguments that differ between rows are passed as columns, the others (settings range,
  today, a region) once. Settings and today are read once per call, and a row whose cells are
  those of an earlier row gets that row's answer;
- column, distinct rows: the column form on the sheet's distinct rows only (what a row costs
  when no row repeats another: only the settings and today read once help).

Both forms get the same rows and must give the same answers, row by row (checked for every row).
Then the tabular UDFs (one call per sheet, the due rows as a table): each on its demo workbook's
main sheet grown to 20,000 rows (the demo's rows over and over, each with a key of its own).
The best of ``--repeat`` runs counts (other work on the machine only ever adds time). Not a test.

    .venv/bin/python benchmarks/bench_udfs.py [--rows 20000] [--repeat 3]

Inputs vary per row as in a real sheet (dates of a year, steps, ticket states; dunning letters and
statuses repeat, comments do not), and they come as Excel hands them (datetimes, doubles, text);
settings are passed as the settings sheet's range, so reading them is part of what is measured.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from xl_addin import udfs as U
from xl_addin.package import read_workbook

DEMO = Path(__file__).resolve().parent.parent / "workbooks" / "demo"

NOW = datetime(2026, 11, 22, 12, 0)
INKASSO_SETTINGS = [["Schlüssel", "Wert"], ["Feiertage Region", "DE"], ["Mahnlauf Tag", 1.0],
                    ["Tage bis 2. Mahnung", 14.0], ["Tage bis Freigabe", 14.0]]
DIAGONAL_SETTINGS = [["Schlüssel", "Wert"], ["Snooze Vendor-Nachricht", 48.0], ["Snooze Erinnerung", 24.0]]
SOLLECITI_SETTINGS = [["Chiave", "Valore"], ["Regione festività", "IT"], ["Responsabile", "resp.solleciti"]]
KUNDEN_SETTINGS = [["Schlüssel", "Wert"], ["Tage ohne VPA-Eintrag", 28.0], ["Frist VPA Tage", 7.0]]

STEPS = ["Neu", "Vendor informiert", "Erinnert", "VIP-Manager informiert", "Rechnung gesendet", "Storniert"]
TYPES = ["Adressermittlung", "Gläubigeranfrage", "Zahlungsanfrage", "Debtist-Zahlung", "Hausbesuch"]
STATI = [("Chiamata 1", "Non risponde", 1.0), ("Chiamata 3", "Non risponde", 3.0),
         ("Nuovo", "Accordo di pagamento", 1.0), ("Pre-Blocco", None, None), ("In attesa di pagamento", None, None)]


def day(i: int) -> datetime:
    return datetime(2026, 1, 1) + timedelta(days=i % 320)


def cases() -> dict[str, Callable[[int], tuple]]:
    """UDF name -> the arguments of its i-th call."""
    def inkasso(i):
        first = day(i) if i % 3 else None
        second = day(i + 14) if i % 3 == 2 else None
        state = ("paid", "on_hold", None, "blocked", None)[i % 5]
        return (first, second, None, state, None, None, None, "nein", None, "ja", NOW, INKASSO_SETTINGS)

    def diagonal(i):
        return (TYPES[i % len(TYPES)], STEPS[i % len(STEPS)], day(i) + timedelta(hours=i % 24), None,
                ("ja", "nein")[i % 2], day(i), None, NOW, DIAGONAL_SETTINGS)

    def ticket(i):
        stato, esito, tentativi = STATI[i % len(STATI)]
        return (stato, esito, tentativi, None, float(i % 5), None, None, None, None, "Saldo", day(i), day(i), 0.0,
                None, day(i), NOW, SOLLECITI_SETTINGS)

    def vpa(i):
        return ("Anna Berger", day(i), day(i + 20), None, "Prio Kunde", NOW, KUNDEN_SETTINGS)

    return {
        "XLA_MAHNSCHRITT": inkasso, "XLA_MAHNFRIST": inkasso,
        "XLA_CSV_DATUM": lambda i: (day(i),),
        "XLA_CSV_KOMMENTAR": lambda i: (f"Kunde angerufen {i}\nintern: Notiz\nRatenplan angeboten",),
        "XLA_STATUS": lambda i: (("canceled", " PAID ", "cancelled", "on_hold")[i % 4], "incasso_state"),
        "XLA_WERKTAGE": lambda i: (day(i), float(i % 20), ("DE", "DE-BY", "IT")[i % 3]),
        "XLA_FALL_AKTION": diagonal, "XLA_FALL_SAVED_REPLY": diagonal, "XLA_FALL_FAELLIG": diagonal,
        "XLA_FALL_UEBERFAELLIG": diagonal,
        "XLA_TICKET_AZIONE": ticket, "XLA_TICKET_SCADENZA": ticket,
        "XLA_VPA_AKTUELL": vpa, "XLA_VPA_SCHRITT": vpa, "XLA_VPA_WIEDERVORLAGE": vpa,
    }


def _same(a: object, b: object) -> bool:
    return type(a) is type(b) and a == b


def as_columns(rows: list[tuple]) -> list[object]:
    """The arguments of the column form: a column where the rows differ, else the one value."""
    first = rows[0]
    return [[r[i] for r in rows] if any(not _same(r[i], first[i]) for r in rows) else first[i]
            for i in range(len(first))]


def _best(repeat: int, run: Callable[[], object]) -> tuple[float, object]:
    """The shortest of ``repeat`` timed runs, and what the run returned."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    n, repeat = options.rows, options.repeat
    table = cases()
    assert sorted(table) == sorted(U.CELL_UDF_NAMES), "every UDF needs a benchmark case"
    print(f"{n:,} rows; µs per row (best of {repeat})")
    print(f"{'UDF':<24}{'single':>8}{'column':>8}{'cheaper':>9}{'distinct':>10}{'column':>8}{'cheaper':>9}"
          f"   example")
    for name in U.CELL_UDF_NAMES:
        f, make = getattr(U, name), table[name]
        rows = [make(i) for i in range(n)]
        f(*rows[0])                                    # warm the caches (holidays, parsed settings)
        single, singles = _best(repeat, lambda f=f, rows=rows: [f(*args) for args in rows])
        args = as_columns(rows)
        column, result = _best(repeat, lambda f=f, args=args: f(*args))
        assert [r[0] for r in result] == singles, f"{name}: the column form differs from the single calls"
        # a row's cells as the column form compares them (a range, the same object in every row, by identity)
        distinct = list({tuple((type(v), id(v) if isinstance(v, list) else v) for v in r): r for r in rows}.values())
        unique, _ = _best(repeat, lambda f=f, d=distinct: f(*as_columns(d)) if len(d) > 1 else f(*d[0]))
        example = singles[1]
        text = example.strftime("%d.%m.%Y %H:%M") if isinstance(example, datetime) else str(example)
        print(f"{name:<24}{single / n * 1e6:>8.1f}{column / n * 1e6:>8.1f}{single / column:>8.1f}×"
              f"{len(distinct):>10,}{unique / len(distinct) * 1e6:>8.1f}{single / unique * len(distinct) / n:>8.1f}×"
              f"   {text[:40]}")


    tables(n, repeat)


def as_excel(value: object) -> object:
    """A cell as xlwings hands it over: numbers as doubles, dates as datetimes."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def grown(rows: list[list], n: int, key_col: int, other: list[list] | None = None,
          other_key_col: int = 0) -> tuple[list[list], list[list] | None]:
    """``rows`` (header first) grown to ``n`` data rows by repeating its data rows, each copy's key
    made its own (numbers + 1,000,000 per copy, text + ' #copy'); ``other`` (a sheet keyed by the
    same column, e.g. Einträge) grown along with it."""
    data = [r for r in rows[1:] if any(v is not None for v in r)]

    def key(value: object, copy: int) -> object:
        if copy == 0 or value is None:
            return value
        return value + copy * 1_000_000 if isinstance(value, float) else f"{value} #{copy}"

    out = [rows[0]]
    copies = -(-n // len(data))
    for copy in range(copies):
        out += [[key(v, copy) if c == key_col else v for c, v in enumerate(r)] for r in data]
    out = out[: n + 1]
    if other is None:
        return out, None
    # rows of ``other`` for a key the sheet lacks (a typo the demo holds on purpose) keep their
    # key: one typo over and over, not thousands of different ones; rows of a copy that ``n`` cut
    # off go (they would all be typos)
    known, kept = {r[key_col] for r in data}, {r[key_col] for r in out[1:]}
    grown_other = [other[0]]
    for copy in range(copies):
        for r in other[1:]:
            if not any(v is not None for v in r):
                continue
            k = r[other_key_col]
            if k in known and key(k, copy) not in kept:
                continue
            grown_other.append([key(v, copy) if c == other_key_col and k in known else v for c, v in enumerate(r)])
    return out, grown_other


def sheet(wb, name: str) -> list[list]:
    rows = wb.sheet(name).rows
    width = max(len(r) for r in rows)
    return [[as_excel(v) for v in r] + [None] * (width - len(r)) for r in rows]


def tables(n: int, repeat: int) -> None:
    print(f"\ntabular UDFs: one call for a sheet of {n:,} rows (best of {repeat})")
    print(f"{'UDF':<26}{'s / call':>9}{'µs/row':>8}{'due rows':>10}")
    inkasso = read_workbook(DEMO / "Inkasso - Cancelled Installments.xlsx")
    diagonal = read_workbook(DEMO / "Kundenbetreuung Diagonal.xlsx")
    solleciti = read_workbook(DEMO / "Solleciti.xlsx")
    kunden = read_workbook(DEMO / "Kundenakten.xlsx")
    master = sheet(inkasso, "Masterliste")
    customers, entries = grown(sheet(kunden, "Kunden"), n, 0, sheet(kunden, "Einträge"), 1)
    calls = {
        "XLA_MAHNUNGEN_FAELLIG": (grown(master, n, master[0].index("order_id"))[0],
                                  sheet(inkasso, "Overview_Cancelled_Installments"),
                                  sheet(inkasso, "Warten auf Freigabe"), NOW, sheet(inkasso, "Einstellungen")),
        "XLA_FAELLE_FAELLIG": (grown(sheet(diagonal, "Fälle"), n, sheet(diagonal, "Fälle")[0].index("Bestell-ID"))[0],
                               sheet(diagonal, "Vendoren"), NOW, sheet(diagonal, "Einstellungen")),
        "XLA_TICKET_IN_SCADENZA": (grown(sheet(solleciti, "Ticket"), n, 0)[0], NOW, sheet(solleciti, "Impostazioni")),
        "XLA_VPA_WIEDERVORLAGEN": (customers, entries, NOW, sheet(kunden, "Einstellungen")),
    }
    assert sorted(calls) == sorted(U.TABLE_UDF_NAMES), "every tabular UDF needs a benchmark case"
    for name in U.TABLE_UDF_NAMES:
        f, args = getattr(U, name), calls[name]
        assert len(args[0]) == n + 1
        elapsed, result = _best(repeat, lambda f=f, args=args: f(*args))
        assert not isinstance(result, str), f"{name}: {result}"
        due = int(result.iloc[:, 0].notna().sum())  # type: ignore[union-attr]
        print(f"{name:<26}{elapsed:>9.2f}{elapsed / n * 1e6:>8.0f}{due:>10,}")


if __name__ == "__main__":
    main()
