"""Time 10,000 pure calls of every UDF (no Excel, no COM): what filling a 10,000-row column costs
in Python, apart from Excel's own per-call overhead — and the column form: one call for a whole
column of 20,000 rows (what one spilling formula costs). Prints µs per call / per row; not a test.

    .venv/bin/python benchmarks/bench_udfs.py [--calls 10000] [--rows 20000]

Inputs vary per call (different dates, steps, ticket states) as in a real column, and they come
as Excel hands them (datetimes, doubles, text); settings are passed as the settings sheet's range,
so the cache of parsed settings is part of what is measured.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from xl_addin import udfs as U

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--rows", type=int, default=20_000)
    options = parser.parse_args()
    n = options.calls
    table = cases()
    assert sorted(table) == sorted(U.UDF_NAMES), "every UDF needs a benchmark case"
    print(f"{'UDF':<24}{'µs/call':>10}{'s / ' + format(n, ',') + ' rows':>18}   example")
    for name in U.UDF_NAMES:
        f, make = getattr(U, name), table[name]
        calls = [make(i) for i in range(n)]
        f(*calls[0])                                   # warm the caches (holidays, parsed settings)
        start = time.perf_counter()
        for args in calls:
            f(*args)
        elapsed = time.perf_counter() - start
        example = f(*calls[1])
        text = example.strftime("%d.%m.%Y %H:%M") if isinstance(example, datetime) else str(example)
        print(f"{name:<24}{elapsed / n * 1e6:>10.1f}{elapsed:>18.3f}   {text[:60]}")
    rows = options.rows
    print(f"\ncolumn form: one call per column of {rows:,} rows (the first argument varies per row)")
    print(f"{'UDF':<24}{'µs/row':>10}{'s / call':>18}")
    for name in U.UDF_NAMES:
        f, make = getattr(U, name), table[name]
        calls = [make(i) for i in range(rows)]
        column = [c[0] for c in calls]
        fixed = calls[0][1:]
        start = time.perf_counter()
        result = f(column, *fixed)
        elapsed = time.perf_counter() - start
        assert len(result) == rows
        print(f"{name:<24}{elapsed / rows * 1e6:>10.1f}{elapsed:>18.3f}")


if __name__ == "__main__":
    main()
