"""Compare two output folders of `make demo` member by member (workbooks unzipped, CSVs as bytes).

    python tests/tools/compare_outputs.py BEFORE_DIR AFTER_DIR

Prints every zip member or file that differs and exits 1 if any does. Used to show that a
refactoring writes the same cells, colours and CSV bytes as before.
"""
from __future__ import annotations

import sys
import zipfile
from pathlib import Path


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def compare(before: Path, after: Path) -> list[str]:
    diffs: list[str] = []
    names_b = {p.relative_to(before) for p in before.rglob("*") if p.is_file()}
    names_a = {p.relative_to(after) for p in after.rglob("*") if p.is_file()}
    for rel in sorted(names_b ^ names_a):
        diffs.append(f"only in {'before' if rel in names_b else 'after'}: {rel}")
    for rel in sorted(names_b & names_a):
        b, a = before / rel, after / rel
        if rel.suffix.lower() in (".xlsx", ".xlsm"):
            mb, ma = _members(b), _members(a)
            for name in sorted(set(mb) | set(ma)):
                if mb.get(name) != ma.get(name):
                    diffs.append(f"{rel}: member {name} differs")
        elif b.read_bytes() != a.read_bytes():
            diffs.append(f"{rel}: differs")
    return diffs


if __name__ == "__main__":
    found = compare(Path(sys.argv[1]), Path(sys.argv[2]))
    print("\n".join(found) or "identical")
    sys.exit(1 if found else 0)
