"""The tables of finding codes in README.md, generated from the catalogs.

    python tests/tools/code_tables.py          # rewrite the blocks in README.md
    python tests/tools/code_tables.py --check  # exit 1 when README.md is not current

Each kind's README section holds one block between ``<!-- codes:<kind> -->`` and
``<!-- /codes:<kind> -->`` (``core`` for the codes every workbook shares); only those blocks are
rewritten. tests/test_code_tables.py fails when README.md is not current.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

from xl_addin.core.catalog import Core
from xl_addin.core.findings import Catalog
from xl_addin.kinds import KINDS

README = Path(__file__).resolve().parents[2] / "README.md"


def catalogs() -> dict[str, tuple[type[Catalog], str]]:
    """Block name -> (catalog, the module it is declared in)."""
    out: dict[str, tuple[type[Catalog], str]] = {"core": (Core, "xl_addin/core/catalog.py")}
    for kind in KINDS:
        assert kind.catalog is not None, kind.name
        out[kind.name] = (kind.catalog, f"xl_addin/kinds/{kind.name}/findings.py")
    return out


def table(catalog: type[Catalog], source: str) -> str:
    lines = [f"Finding codes (`{catalog.prefix}`), generated from `{source}` by "
             "`python tests/tools/code_tables.py`:", "", "| code | severity | meaning |", "|---|---|---|"]
    lines += [f"| `{code.code}` | {code.severity} | {code.doc} |" for code in catalog.codes()]
    return "\n".join(lines)


def update(text: str) -> str:
    """``text`` with every code block rewritten; ValueError when a block is missing."""
    for name, (catalog, source) in catalogs().items():
        block = re.compile(rf"(<!-- codes:{name} -->\n).*?(<!-- /codes:{name} -->)", re.DOTALL)
        if not block.search(text):
            raise ValueError(f"README.md has no block <!-- codes:{name} --> … <!-- /codes:{name} -->")
        rows = table(catalog, source)
        text = block.sub(lambda m, rows=rows: m[1] + rows + "\n" + m[2], text)
    return text


if __name__ == "__main__":
    current = README.read_text(encoding="utf-8")
    wanted = update(current)
    if "--check" in sys.argv:
        print("README.md is current" if wanted == current else "README.md code tables are out of date")
        sys.exit(0 if wanted == current else 1)
    README.write_text(wanted, encoding="utf-8")
