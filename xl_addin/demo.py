"""`make demo`: copy the bundled demo workbooks to a scratch folder, run the main job on them
(recompute in place, export the Diagonal CSVs) and print a short summary; then import the month's
returned files (``workbooks/demo/imports/``: the platform's debts exports and Diagonal's feedback)
into a copy of the recomputed Inkasso workbook (``<out>/import/``) and say what changed — the
workbooks of the run itself stay as the run left them.

    python -m xl_addin.demo --out demo-output --now 2026-11-22T12:00
"""
from __future__ import annotations

import argparse
import shutil
import sys
from datetime import datetime
from pathlib import Path

from . import actions
from .core.findings import ERROR, count_by_severity
from .core.report import findings_sheet_name
from .core.values import display

REPO = Path(__file__).resolve().parents[1]
DEMO_SOURCE = REPO / "workbooks" / "demo"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="demo-output", type=Path, help="scratch folder (recreated)")
    ap.add_argument("--source", default=DEMO_SOURCE, type=Path, help="folder with the demo workbooks")
    ap.add_argument("--now", default=None, help="reference time, e.g. 2026-11-22T12:00")
    args = ap.parse_args(argv)

    now = datetime.fromisoformat(args.now) if args.now else None
    books = sorted(p for p in args.source.iterdir() if p.suffix.lower() in (".xlsx", ".xlsm"))
    if not books:
        print(f"demo: keine Arbeitsmappen in {args.source}", file=sys.stderr)
        return 1
    out = args.out
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    written: list[Path] = []
    failed = False
    for src in books:
        dst = out / src.name
        shutil.copy2(src, dst)
        res = actions.run_file(dst, now, "demo")
        print(f"\n== {dst.name}")
        if not res.ok or res.plan is None:
            print(f"   konnte nicht laufen: {res.error}")
            failed = True
            continue
        written.append(dst)
        plan = res.plan
        c = count_by_severity(plan.findings)
        for k, v in plan.summary.items():
            print(f"   {k:<55} {v:>5}")
        print(f"   Befunde: {c['error']} Fehler, {c['warning']} Warnungen (Blatt '{findings_sheet_name(plan)}')")
        for f in plan.findings[:8]:
            print(f"     {f.text()}")
        if len(plan.findings) > 8:
            print(f"     … {len(plan.findings) - 8} weitere")
        print(f"   Protokoll: {len(plan.protocol)} neue Einträge")
        if res.kind == "inkasso":
            written += _export_inkasso(dst, out / "handover")
            imports = args.source / "imports"
            if imports.is_dir():
                written += _import_inkasso(dst, imports, out / "import", now)
    print("\nGeschrieben:")
    for p in written:
        print(f"   {p}")
    print(f"\nErgebnisse liegen in {out.resolve()}/ — öffnen Sie die Arbeitsmappen dort.")
    return 1 if failed else 0


def _export_inkasso(path: Path, out_dir: Path) -> list[Path]:
    book = actions.open_file(path, action="export-csv")
    exports = actions.handover_csvs(book, ["alle"])
    print("   Diagonal-CSV je Vendor:")
    files = []
    for ex, written in zip(exports, actions.write_handover_csvs(exports, out_dir), strict=True):
        if written is None:
            errors = [f for f in ex.findings if f.severity == ERROR]
            example = errors[0].text() if errors else ""
            print(f"     Vendor {ex.vendor_id}: blockiert — {len(errors)} Fehler, z. B. {example}")
        else:
            files.append(written)
            print(f"     Vendor {ex.vendor_id}: {ex.rows} Bestellungen -> {written.name}")
    return files


def _shown(value: object) -> str:
    return "–" if value is None or value == "" else display(value).replace("\n", " / ")


def _import_inkasso(workbook: Path, sources: Path, out_dir: Path, now: datetime | None) -> list[Path]:
    """The returned files into a copy of the recomputed workbook: the debts exports first, then
    Diagonal's feedback (a file whose name starts with 'diagonal')."""
    files = sorted(p for p in sources.iterdir() if p.suffix.lower() in (".csv", ".xlsx"))
    order = sorted(files, key=lambda p: (p.name.lower().startswith("diagonal"), p.name))
    if not order:
        return []
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / workbook.name
    shutil.copy2(workbook, target)
    print(f"\n== {target.relative_to(out_dir.parent)}: Rückläufer des Monats importiert")
    for source in order:
        action = "import-diagonal" if source.name.lower().startswith("diagonal") else "import-schulden"
        try:
            result = actions.import_file(action, target, source, now, "demo")
        except actions.AGENT_ERRORS as e:
            print(f"   {source.name}: nicht importiert — {e}")
            continue
        print(f"   {source.name} ({actions.IMPORTS[action].title}): "
              + "; ".join(f"{k} {v}" for k, v in result.counts.items() if v))
        changed = [p for p in result.plan.protocol if p.action.startswith("Import ")]
        for entry in changed[:6]:
            print(f"     {entry.sheet}!{entry.cell} {entry.key}: {_shown(entry.old)} → {_shown(entry.new)}")
        if len(changed) > 6:
            print(f"     … {len(changed) - 6} weitere Änderungen (Blatt 'Protokoll')")
        for f in result.findings[:4]:
            print(f"     {f.severity}: {f.text()}")
        if len(result.findings) > 4:
            print(f"     … {len(result.findings) - 4} weitere Befunde zum Import (Blatt 'Prüfung')")
    return [target]


if __name__ == "__main__":
    sys.exit(main())
