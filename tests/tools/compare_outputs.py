"""Compare two output folders of `make demo` member by member (workbooks unzipped, CSVs as bytes).

    python tests/tools/compare_outputs.py BEFORE_DIR AFTER_DIR [--codes-may-differ]

Prints every zip member or file that differs and exits 1 if any does. Used to show that a
refactoring writes the same cells, colours and CSV bytes as before.

``--codes-may-differ``: a worksheet of a findings sheet (row 1 begins with "Schwere, Code" or
"Gravità, Codice") may differ in the text of its Code column (B, below row 1) and nowhere else —
every other cell, attribute and part must be the same. It prints each such changed code once
("old -> new") and ``identical but for codes`` when that is all.
"""
from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_CODE_HEADERS = (("Schwere", "Code"), ("Gravità", "Codice"))


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _cells(xml: bytes) -> tuple[dict[str, ET.Element], bytes]:
    """The worksheet's cells by reference, and the worksheet without its sheetData."""
    root = ET.fromstring(xml)
    data = root.find(f"{_MAIN}sheetData")
    cells = {c.get("r", ""): c for c in data.iter(f"{_MAIN}c")} if data is not None else {}
    if data is not None:
        root.remove(data)
    return cells, ET.tostring(root)


def _text(cell: ET.Element) -> str:
    return "".join(cell.itertext())


def _code_changes(before: bytes, after: bytes) -> dict[str, str] | None:
    """old code -> new code when the two worksheets are a findings sheet that differs only in Code
    cells; None when anything else differs (or the sheet is no findings sheet)."""
    cb, rest_b = _cells(before)
    ca, rest_a = _cells(after)
    header = (_text(cb["A1"]) if "A1" in cb else "", _text(cb["B1"]) if "B1" in cb else "")
    if rest_b != rest_a or set(cb) != set(ca) or header not in _CODE_HEADERS:
        return None
    changes: dict[str, str] = {}
    for ref, b in cb.items():
        a = ca[ref]
        if ET.tostring(a) == ET.tostring(b):
            continue
        if not (ref.startswith("B") and ref[1:].isdigit() and ref != "B1") or a.attrib != b.attrib:
            return None
        changes[_text(b)] = _text(a)
    return changes


def compare(before: Path, after: Path, codes_may_differ: bool = False,
            renamed: dict[str, str] | None = None) -> list[str]:
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
                if mb.get(name) == ma.get(name):
                    continue
                changes = (_code_changes(mb[name], ma[name])
                           if codes_may_differ and name in mb and name in ma and name.startswith("xl/worksheets/")
                           else None)
                if changes is None:
                    diffs.append(f"{rel}: member {name} differs")
                elif renamed is not None:
                    renamed.update(changes)
        elif b.read_bytes() != a.read_bytes():
            diffs.append(f"{rel}: differs")
    return diffs


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    codes = "--codes-may-differ" in sys.argv
    renamed: dict[str, str] = {}
    found = compare(Path(args[0]), Path(args[1]), codes, renamed)
    for old, new in sorted(renamed.items()):
        print(f"code {old} -> {new}")
    print("\n".join(found) or ("identical but for codes" if renamed else "identical"))
    sys.exit(1 if found else 0)
