"""Timings of the package reader/writer on a 20,000-row x 23-column Masterliste.

    .venv/bin/python tests/package/bench_writer.py [--rows 20000] [--openpyxl]

Not a test (not collected): prints read / plan-apply / total seconds, and with --openpyxl
the time openpyxl needs for load+save of the same file, for comparison.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import xlsxwriter

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from xl_addin.core.plan import DATE_FORMAT, CellWrite, Plan, RowFill
from xl_addin.package import apply_plan, read_workbook

HEADERS = ["vendor_id", "order_id", "Rechnungsnummer", "Vorname", "Nachname", "Produkt",
           "Offener Betrag", "Grund", "first_dunning_letter", "second_dunning_letter",
           "incasso_date", "support_comment", "status_support", "offer_link", "incasso_state",
           "reopened", "reopened_id", "invalid_address", "Schulden-Status", "Notizen",
           "Verfolgen", "Nächster Schritt", "Fällig am"]


def build(path: Path, rows: int) -> None:
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("Masterliste")
    dates = wb.add_format({"num_format": "dd.mm.yyyy"})
    agent = wb.add_format({"bg_color": "#00B0F0"})
    ws.write_row(0, 0, HEADERS)
    start = date(2025, 1, 1)
    for r in range(1, rows + 1):
        ws.write_number(r, 0, 5000 + r % 300)
        ws.write_number(r, 1, 10_000_000 + r)
        ws.write_string(r, 2, f"RE-{r:07d}")
        ws.write_string(r, 3, "Max")
        ws.write_string(r, 4, f"Mustermann{r % 97}")
        ws.write_string(r, 5, "Kurs Premium")
        ws.write_number(r, 6, 49.9 + r % 13)
        ws.write_string(r, 7, "chargeback")
        ws.write_datetime(r, 8, start + timedelta(days=r % 200), dates)
        ws.write_datetime(r, 9, start + timedelta(days=14 + r % 200), dates)
        ws.write_string(r, 11, "Kunde angeschrieben")
        ws.write_string(r, 12, "open", agent if r % 50 == 0 else None)
        ws.write_string(r, 14, "on_hold")
        ws.write_boolean(r, 15, False)
        ws.write_boolean(r, 17, False)
        ws.write_string(r, 18, "Laufend")
    ws.data_validation(1, 14, rows, 14, {"validate": "list",
                                         "source": ["canceled", "blocked", "paid", "on_hold"]})
    ws.conditional_format(1, 6, rows, 6, {"type": "cell", "criteria": ">", "value": 55,
                                          "format": wb.add_format({"font_color": "red"})})
    other = wb.add_worksheet("Overview_Cancelled_Installments")
    other.write_row(0, 0, ["User-ID", "Vendor", "Aktiv"])
    wb.close()


def make_plan(rows: int) -> Plan:
    writes, fills = [], []
    due = date(2026, 12, 1)
    for r in range(2, rows + 2):
        writes.append(CellWrite("Masterliste", r, 21, "Ja" if r % 3 else "Nein"))
        writes.append(CellWrite("Masterliste", r, 22, "2. Mahnung senden"))
        writes.append(CellWrite("Masterliste", r, 23, due, DATE_FORMAT))
        fills.append(RowFill("Masterliste", r, tuple(range(1, 24)),
                             "FFFF00" if r % 3 else "BFBFBF"))
    return Plan(kind="inkasso", writes=writes, fills=fills,
                product_colours=frozenset({"FFFF00", "BFBFBF"}))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--openpyxl", action="store_true", help="also time openpyxl load+save")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "Inkasso.xlsx"
        t0 = time.perf_counter()
        build(src, args.rows)
        print(f"build (XlsxWriter)       {time.perf_counter() - t0:6.2f} s  "
              f"{src.stat().st_size / 1e6:.1f} MB")
        work = Path(tmp) / "work.xlsx"
        shutil.copy(src, work)
        plan = make_plan(args.rows)
        t0 = time.perf_counter()
        data = read_workbook(work)
        t1 = time.perf_counter()
        result = apply_plan(work, plan, backups=1)
        t2 = time.perf_counter()
        print(f"read_workbook            {t1 - t0:6.2f} s  "
              f"({len(data.sheets['Masterliste'].rows)} rows)")
        print(f"apply_plan               {t2 - t1:6.2f} s  "
              f"({result.cells_written} cells written, {result.cells_filled} filled)")
        print(f"read + apply             {t2 - t0:6.2f} s")
        t0 = time.perf_counter()
        check = read_workbook(work)
        print(f"re-read result           {time.perf_counter() - t0:6.2f} s  "
              f"W2={check.sheets['Masterliste'].value(2, 23)!r}")
        if args.openpyxl:
            import openpyxl
            t0 = time.perf_counter()
            wb = openpyxl.load_workbook(src)
            wb.save(Path(tmp) / "openpyxl.xlsx")
            print(f"openpyxl load+save       {time.perf_counter() - t0:6.2f} s")


if __name__ == "__main__":
    main()
