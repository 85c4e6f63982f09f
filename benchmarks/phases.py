"""Where the time of one `xl-addin run` on the bench Masterliste goes, phase by phase.

    .venv/bin/python benchmarks/phases.py [--orders 20000] [--profile apply|plan]

Builds the same input as bench_run.py (agent_workbook.build: the Excel-like workbook), then times
read / plan / apply and, inside them, the functions listed in PHASES (wrapped with a timer; nested
phases are included in their parent).
"""
from __future__ import annotations

import argparse
import cProfile
import gc
import importlib
import pstats
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime
from functools import wraps
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

PHASES = [
    ("xl_addin.kinds.inkasso.rules", None, "_read_orders"),
    ("xl_addin.kinds.inkasso.rules", None, "_export_findings"),
    ("xl_addin.package.archive", "Archive", "xml"),
    ("xl_addin.package.sheet", "SheetPatcher", "replace_content"),
    ("xl_addin.package.sheet", "SheetPatcher", "write"),
    ("xl_addin.package.sheet", "SheetPatcher", "write_all"),
    ("xl_addin.package.sheet", "SheetPatcher", "fill_all"),
    ("xl_addin.package.sheet", "SheetPatcher", "fill"),
    ("xl_addin.package.sheet", "SheetPatcher", "font_colour"),
    ("xl_addin.package.sheet", "SheetPatcher", "append"),
    ("xl_addin.package.sheet", "SheetPatcher", "delete_rows"),
    ("xl_addin.package.writer", "_Edit", "apply"),
    ("xl_addin.package.writer", "_Edit", "members"),
    ("xl_addin.package.writer", "_Edit", "release"),
    ("xl_addin.package.archive", "ArchiveWriter", "write"),
    ("xl_addin.package.archive", "ArchiveWriter", "copy_raw"),
    ("xl_addin.package.writer", "_Edit", "write_to"),
    ("xl_addin.package.writer", None, "_verify"),
    ("xl_addin.package.writer", "_Edit", "_referrers"),
    ("xl_addin.package.writer", "_Edit", "_sheet_bytes"),
    ("xl_addin.package.writer", "_Edit", "_append_plan"),
    ("xl_addin.package.writer", None, "_apply_plan"),
]


def instrument(totals: dict[str, float]) -> None:
    for module, cls, name in PHASES:
        owner = importlib.import_module(module)
        if cls:
            owner = getattr(owner, cls)
        original = getattr(owner, name)
        label = f"{cls + '.' if cls else ''}{name}"

        def timed(*args, _f=original, _label=label, **kwargs):
            t0 = time.perf_counter()
            try:
                return _f(*args, **kwargs)
            finally:
                totals[_label] += time.perf_counter() - t0
        setattr(owner, name, wraps(original)(timed))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--orders", type=int, default=20_000)
    ap.add_argument("--profile", choices=["apply", "plan"])
    ap.add_argument("--input", type=Path, help="an existing workbook instead of building one")
    args = ap.parse_args()
    t0 = time.perf_counter()
    from xl_addin.actions import open_workbook, plan_run, sheets_needed  # as `run` plans: gc paused
    from xl_addin.core.context import RunContext
    from xl_addin.package import apply_plan, read_workbook
    t_import = time.perf_counter() - t0
    from agent_workbook import build

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "input.xlsx"
        if args.input:
            shutil.copy(args.input, src)
        else:
            build(src, args.orders)
        work = Path(tmp) / "run.xlsx"
        shutil.copy(src, work)
        gc.collect()
        totals: dict[str, float] = defaultdict(float)
        if not args.profile:
            instrument(totals)
        ctx = RunContext(datetime(2026, 11, 22, 12), "bench")
        t = time.perf_counter()
        wb = read_workbook(work, sheets_needed)             # only the sheets `run` reads
        t_read = time.perf_counter() - t
        t = time.perf_counter()
        book = open_workbook(wb, now=ctx.now, user=ctx.user)
        if args.profile == "plan":
            cProfile.runctx("plan_run(book)", globals(), locals(), str(Path(tmp) / "p.out"))
            pstats.Stats(str(Path(tmp) / "p.out")).sort_stats("tottime").print_stats(30)
        plan = plan_run(book)
        t_plan = time.perf_counter() - t
        del wb, book
        t = time.perf_counter()
        if args.profile == "apply":
            cProfile.runctx("apply_plan(work, plan, backups=0)", globals(), locals(),
                            str(Path(tmp) / "a.out"))
            pstats.Stats(str(Path(tmp) / "a.out")).sort_stats("tottime").print_stats(30)
        else:
            apply_plan(work, plan, backups=0)
        t_apply = time.perf_counter() - t
    print(f"imports {t_import:6.3f} s")
    print(f"read    {t_read:6.3f} s")
    print(f"plan    {t_plan:6.3f} s")
    print(f"apply   {t_apply:6.3f} s")
    for label, secs in totals.items():
        print(f"  {label:<28} {secs:6.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
