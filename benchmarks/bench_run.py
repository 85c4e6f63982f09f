"""`make bench`: `xl-addin run` on a 20,000-order Masterliste against an openpyxl load+save of the
same file, in the same run, alternating; prints wall times, the ratio and peak memory, and the time
of the CSV export of all vendors.

Both sides are measured as whole processes (interpreter start-up and imports included), each on a
fresh copy of the same input file.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from xl_addin.kinds.inkasso import schema as S  # noqa: E402


def build(path: Path, n_orders: int, n_vendors: int = 40) -> None:
    import xlsxwriter
    rnd = random.Random(7)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    datef = wb.add_format({"num_format": "DD.MM.YYYY"})
    bold = wb.add_format({"bold": True})
    ov = wb.add_worksheet(S.SHEET_OVERVIEW)
    ov.write_row(0, 0, S.OVERVIEW_HEADERS, bold)
    vendors = [1000 + i for i in range(n_vendors)]
    for i, v in enumerate(vendors, start=1):
        ov.write_row(i, 0, [v, f"Vendor {v}", f"v{v}@example.de", "Ja" if i % 7 == 0 else "Nein",
                            "Ja" if i % 5 == 0 else "Nein", "", "Nein" if i % 13 == 0 else "Ja", ""])
    ms = wb.add_worksheet(S.SHEET_MASTER)
    ms.write_row(0, 0, S.MASTER_HEADERS, bold)
    today = date(2026, 11, 22)
    states = [None, None, None, "on_hold", "paid", "canceled", "blocked", "sent_for_collection"]
    for r in range(1, n_orders + 1):
        first = today - timedelta(days=rnd.randint(0, 120)) if rnd.random() < 0.8 else None
        second = first + timedelta(days=14) if first and rnd.random() < 0.6 else None
        state = rnd.choice(states)
        inc = (second or today) + timedelta(days=20) if state == "sent_for_collection" else None
        row = [rnd.choice(vendors), 10_000_000 + r, f"RE-{r:07d}", "Erika", "Mustermann", "Online-Kurs",
               round(rnd.uniform(20, 2000), 2), "Chargeback", first, second, inc, "Mahnung per E-Mail",
               "offen", f"https://example.de/o/{r}", state, "False", None, "False", None, None, None, None, None]
        for c, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, date):
                ms.write_datetime(r, c, v, datef)
            else:
                ms.write(r, c, v)
    wb.add_worksheet(S.SHEET_WAITING).write_row(0, 0, S.WAITING_HEADERS, bold)
    wb.close()


OPENPYXL_ROUNDTRIP = "import openpyxl,sys; wb=openpyxl.load_workbook(sys.argv[1]); wb.save(sys.argv[1])"


def timed(cmd: list[str], ok_codes=(0,)) -> tuple[float, float]:
    """(seconds, peak RSS in MiB) of one child process."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    dt = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) not in ok_codes:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{p.stderr.read().decode()}")
    return dt, ru.ru_maxrss / 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--orders", type=int, default=20_000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    xl_addin = shutil.which("xl-addin", path=str(Path(sys.executable).parent)) or "xl-addin"
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "input.xlsx"
        t0 = time.perf_counter()
        build(src, args.orders)
        print(f"built {args.orders} orders x {len(S.MASTER_HEADERS)} columns in {time.perf_counter() - t0:.1f}s "
              f"({src.stat().st_size / 1e6:.1f} MB)")
        runs, rts, mem_run, mem_rt = [], [], [], []
        for i in range(args.rounds):
            a, b = Path(tmp) / f"run{i}.xlsx", Path(tmp) / f"rt{i}.xlsx"
            shutil.copy(src, a)
            shutil.copy(src, b)
            pair = [("run", [xl_addin, "run", str(a), "--now", "2026-11-22T12:00", "--backups", "0",
                             "--max-findings", "0"]),
                    ("openpyxl", [sys.executable, "-c", OPENPYXL_ROUNDTRIP, str(b)])]
            if i % 2:
                pair.reverse()
            for name, cmd in pair:
                dt, mem = timed(cmd)
                (runs if name == "run" else rts).append(dt)
                (mem_run if name == "run" else mem_rt).append(mem)
                print(f"  round {i + 1}: {name:<9} {dt:6.2f} s  peak {mem:6.0f} MiB")
        out = Path(tmp) / "csv"
        dt_csv, mem_csv = timed([xl_addin, "export-csv", str(Path(tmp) / "run0.xlsx"), "--vendor", "alle",
                                 "--out", str(out)], ok_codes=(0, 1))
        files = list(out.glob("*.csv")) if out.exists() else []
        r, o = statistics.median(runs), statistics.median(rts)
        print()
        print(f"xl-addin run        median {r:6.2f} s   peak {max(mem_run):6.0f} MiB")
        print(f"openpyxl load+save  median {o:6.2f} s   peak {max(mem_rt):6.0f} MiB")
        print(f"ratio run / openpyxl round trip: {r / o:.3f}  (target <= 0.25)")
        print(f"export-csv all vendors: {dt_csv:.2f} s, {len(files)} files, peak {mem_csv:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
