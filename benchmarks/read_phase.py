"""The read phase of `xl-addin run`, and whether the Protokoll's history costs a run anything.

    .venv/bin/python benchmarks/read_phase.py [--orders 20000] [--history 100000] [--rounds 3]

Builds an Excel-like Inkasso workbook (XlsxWriter's default mode: shared strings, no hyperlinks)
twice — with an empty Protokoll and with one of ``--history`` earlier lines — and measures, each in
a fresh process and alternating: the read phase (``actions.open_file`` as `run` calls it: lock,
read, kind) — wall and CPU time (on a shared machine the CPU time is the steadier figure) and
its peak memory above the process's start — and the whole `xl-addin run`. The
read phase must not grow with the history (the Protokoll is not read at all); what the whole run
adds on top is the writer's (it finds the Protokoll's last row).
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from xl_addin.kinds.inkasso import schema as S  # noqa: E402

PROTOCOL_HEADER = ["Zeit", "Benutzer", "Aktion", "Blatt", "Schlüssel", "Zelle", "Alt", "Neu"]


def build(path: Path, n_orders: int, history: int, n_vendors: int = 40) -> None:
    """The bench Masterliste (bench_run.build) the way Excel stores it (shared strings, no
    hyperlinks), and a Protokoll of ``history`` lines."""
    from bench_run import build as plain_build

    def protocol(wb, bold) -> None:
        stampf = wb.add_format({"num_format": "DD.MM.YYYY HH:MM"})
        pr = wb.add_worksheet(S.SHEET_PROTOCOL)
        pr.write_row(0, 0, PROTOCOL_HEADER, bold)
        start = datetime(2025, 1, 1, 8, 0)
        for i in range(1, history + 1):
            pr.write_datetime(i, 0, start + timedelta(minutes=i), stampf)
            pr.write_row(i, 1, ["agent", "Wert geändert", S.SHEET_MASTER, 10_000_000 + i % n_orders,
                                f"O{i % n_orders + 2}", None, "on_hold"])

    plain_build(path, n_orders, n_vendors, workbook_options={"strings_to_urls": False}, before_close=protocol)


READ = r"""
import sys, time
from xl_addin.actions import open_file
def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1]) / 1024
base = status("VmRSS")
t, cpu = time.perf_counter(), time.process_time()
book = open_file(sys.argv[1], writable=True)
dt, dcpu = time.perf_counter() - t, time.process_time() - cpu
book.close()
print(dt, dcpu, status("VmHWM") - base)
"""


def read_phase(path: Path) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak MiB above the start) of the read phase."""
    out = subprocess.run([sys.executable, "-c", READ, str(path)], capture_output=True, text=True,
                         cwd=HERE.parent, check=True)
    dt, cpu, mem = out.stdout.split()
    return float(dt), float(cpu), float(mem)


def whole_run(path: Path) -> float:
    xl_addin = shutil.which("xl-addin", path=str(Path(sys.executable).parent)) or "xl-addin"
    t = time.perf_counter()
    subprocess.run([xl_addin, "run", str(path), "--now", "2026-11-22T12:00", "--backups", "0",
                    "--max-findings", "0"], capture_output=True, check=False)
    return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--orders", type=int, default=20_000)
    ap.add_argument("--history", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        books = {}
        for label, lines in (("empty Protokoll", 0), (f"{args.history:,}-line Protokoll", args.history)):
            books[label] = Path(tmp) / f"p{lines}.xlsx"
            build(books[label], args.orders, lines)
            print(f"built {args.orders:,} orders, {label}: {books[label].stat().st_size / 1e6:.1f} MB")
        reads: dict[str, list[tuple[float, float, float]]] = {k: [] for k in books}
        runs: dict[str, list[float]] = {k: [] for k in books}
        for i in range(args.rounds):
            for label in (list(books) if i % 2 == 0 else list(reversed(books))):
                reads[label].append(read_phase(books[label]))
                work = Path(tmp) / "run.xlsx"
                shutil.copy(books[label], work)
                runs[label].append(whole_run(work))
        print()
        for label in books:
            t = statistics.median(r[0] for r in reads[label])
            cpu = statistics.median(r[1] for r in reads[label])
            mem = max(r[2] for r in reads[label])
            print(f"{label:<26} read phase median {t:6.3f} s (CPU {cpu:5.3f} s, +{mem:4.0f} MiB)   "
                  f"whole run median {statistics.median(runs[label]):6.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
