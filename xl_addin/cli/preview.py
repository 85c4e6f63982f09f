"""A Preview (``xl_addin.core.preview``) on the terminal: one table per sheet, old → new, fills as
colour names (consecutive rows of one colour in one line), then the Protokoll lines; and as JSON."""
from __future__ import annotations

import json
import sys
from collections.abc import Iterable

from ..core import values as V
from ..core.cells import split_address
from ..core.preview import FILL, FONT, ROW_ADDED, ROW_REMOVED, SHEET_REWRITTEN, VALUE, Change, Preview

__all__ = ["preview_json", "print_preview", "row_ranges", "show_value"]

_KIND_WORDS = {VALUE: "Wert", ROW_ADDED: "Zeile neu", ROW_REMOVED: "Zeile entfernt", FILL: "Farbe",
               FONT: "Schriftfarbe", SHEET_REWRITTEN: "Blatt neu geschrieben"}


def show_value(value: object) -> str:
    if value is None or value == "":
        return "–"
    return V.display(value).replace("\n", " ⏎ ")


def row_ranges(rows: Iterable[int]) -> str:
    """[2, 3, 4, 7, 9, 10] -> '2–4, 7, 9–10'."""
    out: list[str] = []
    ordered = sorted(set(rows))
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        out.append(str(ordered[i]) if i == j else f"{ordered[i]}–{ordered[j]}")
        i = j + 1
    return ", ".join(out)


def _fill_lines(changes: list[Change], kind: str = FILL) -> list[tuple[str, str, str, str]]:
    by_colour: dict[str, list[int]] = {}
    for c in changes:
        if c.kind == kind:
            by_colour.setdefault(str(c.new), []).append(split_address(c.cell.split(":")[0])[0])
    return [(_KIND_WORDS[kind], f"Zeilen {row_ranges(rows)}", f"{len(rows)} Zeile(n)", colour)
            for colour, rows in by_colour.items()]


def print_preview(preview: Preview, title: str, *, max_rows: int = 200) -> None:
    """The changes grouped by sheet (fills by colour, one line each), then the Protokoll lines."""
    from rich.console import Console
    from rich.table import Table
    # no colours: stdout shows control characters escaped (options.PrintableStream), rich's too
    console = Console(file=sys.stdout, width=160, soft_wrap=False, highlight=False, color_system=None)
    if not preview.changes:
        console.print(f"{title}: keine Änderungen.")
        return
    console.print(f"{title}: {preview.counts_text()}")
    for sheet, changes in preview.by_sheet().items():
        table = Table(title=sheet, title_justify="left", expand=False)
        keyed = any(c.key for c in changes)
        for name in ("Art", "Zelle", *(("Schlüssel",) if keyed else ()), "Alt", "Neu"):
            table.add_column(name, overflow="fold", max_width=70)
        lines = [(_KIND_WORDS[c.kind], c.cell or "–", *((c.key or "–",) if keyed else ()), show_value(c.old),
                  show_value(c.new)) for c in changes if c.kind not in (FILL, FONT)]
        lines += [(kind, cell, *(("",) if keyed else ()), old, new)
                  for kind, cell, old, new in _fill_lines(changes) + _fill_lines(changes, FONT)]
        for line in lines[:max_rows]:
            table.add_row(*line)
        if len(lines) > max_rows:
            table.add_row("…", f"und {len(lines) - max_rows} weitere", *[""] * (3 if keyed else 2))
        console.print(table)
    if preview.protocol:
        table = Table(title="Protokoll (neue Zeilen)", title_justify="left", expand=False)
        for name in ("Aktion", "Blatt", "Schlüssel", "Zelle", "Alt", "Neu"):
            table.add_column(name, overflow="fold", max_width=60)
        for e in preview.protocol[:max_rows]:
            table.add_row(e.action, e.sheet, e.key or "–", e.cell or "–", show_value(e.old), show_value(e.new))
        if len(preview.protocol) > max_rows:
            table.add_row("…", f"und {len(preview.protocol) - max_rows} weitere", "", "", "", "")
        console.print(table)


def preview_json(preview: Preview, /, **extra: object) -> str:
    return json.dumps({**extra, **preview.as_dict()}, ensure_ascii=False, indent=2, default=str)
