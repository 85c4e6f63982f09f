"""The preview of a Plan (SPEC §0 "Preview", the proposal run of SAP's dunning program): what a Plan
would change in the workbook it was made from — cell by cell, old → new, fills by colour name, rows
added and removed, sheets rewritten, the Protokoll lines — without writing anything.

Pure: a Plan and the WorkbookData it was made from in, a ``Preview`` out. Each front end renders
it: the CLI as a table grouped by sheet (rich) or as JSON, Excel as a message box.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from . import values as V
from .cellreader import same_value
from .cells import address, col_letter
from .findings import Finding, count_by_severity
from .plan import CellValue, Plan, ProtocolEntry
from .tables import sheet_columns
from .workbook_data import SheetData, WorkbookData

__all__ = ["CHANGE_KINDS", "COLOUR_NAMES", "FILL", "FONT", "ROW_ADDED", "ROW_REMOVED", "SHEET_REWRITTEN", "VALUE",
           "Change", "Preview", "colour_name", "plan_preview"]

# what a change is; the order is the order of a sheet's changes in the preview
VALUE, ROW_ADDED, ROW_REMOVED, FILL, FONT, SHEET_REWRITTEN = (
    "value", "row-added", "row-removed", "fill", "font", "sheet-rewritten")
CHANGE_KINDS = (VALUE, ROW_ADDED, ROW_REMOVED, FILL, FONT, SHEET_REWRITTEN)

# the product's colours by name (SPEC §0 "Colours"); any other colour is shown as #RRGGBB
COLOUR_NAMES = {"FFFF00": "gelb", "BFBFBF": "grau", "C6EFCE": "grün", "000000": "schwarz"}


def colour_name(rgb: str | None, none: str = "keine Farbe") -> str:
    if rgb is None:
        return none
    rgb = rgb.upper()[-6:]
    return COLOUR_NAMES.get(rgb, f"#{rgb}")


@dataclass(frozen=True)
class Change:
    """One change: ``cell`` is a cell ('S17'), a row's range ('A242:W242') or '' for a whole sheet;
    ``old``/``new`` the values (for a fill or a text colour, colour names; for a row, its values joined
    by ' | ', and ``values`` the row's cells as the plan has them)."""
    sheet: str
    kind: str
    cell: str
    old: CellValue
    new: CellValue
    key: str = ""
    values: tuple[CellValue, ...] = ()

    def as_dict(self) -> dict:
        out = {"sheet": self.sheet, "kind": self.kind, "cell": self.cell, "key": self.key or None,
               "old": _json_value(self.old), "new": _json_value(self.new)}
        if self.values:
            out["values"] = [_json_value(v) for v in self.values]
        return out


@dataclass
class Preview:
    changes: list[Change] = field(default_factory=list)
    protocol: list[ProtocolEntry] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    summary: dict[str, int] = field(default_factory=dict)

    def by_sheet(self) -> dict[str, list[Change]]:
        out: dict[str, list[Change]] = {}
        for c in self.changes:
            out.setdefault(c.sheet, []).append(c)
        return out

    def counts(self) -> dict[str, int]:
        """How many changes of each kind (fills: rows)."""
        out = dict.fromkeys(CHANGE_KINDS, 0)
        for c in self.changes:
            out[c.kind] += 1
        return out

    def counts_text(self) -> str:
        """'3 Werte, 1 Zeile neu, 12 Zeilen gefärbt, 2 Blätter neu geschrieben, 4 Protokollzeilen' — the
        line an agent reads first (nothing that is zero)."""
        c = self.counts()
        words = ((VALUE, "Wert", "Werte"), (ROW_ADDED, "Zeile neu", "Zeilen neu"),
                 (ROW_REMOVED, "Zeile entfernt", "Zeilen entfernt"), (FILL, "Zeile gefärbt", "Zeilen gefärbt"),
                 (FONT, "Zeile mit Schriftfarbe", "Zeilen mit Schriftfarbe"),
                 (SHEET_REWRITTEN, "Blatt neu geschrieben", "Blätter neu geschrieben"))
        parts = [f"{c[k]} {one if c[k] == 1 else many}" for k, one, many in words if c[k]]
        if self.protocol:
            parts.append(f"{len(self.protocol)} Protokollzeile{'' if len(self.protocol) == 1 else 'n'}")
        return ", ".join(parts) or "keine Änderungen"

    def as_dict(self) -> dict:
        return {"changes": [c.as_dict() for c in self.changes],
                "counts": self.counts(),
                "protocol": [{"time": e.time.isoformat(), "user": e.user, "action": e.action, "sheet": e.sheet,
                              "key": e.key or None, "cell": e.cell or None, "old": _json_value(e.old),
                              "new": _json_value(e.new)} for e in self.protocol],
                "findings": [f.as_dict() for f in self.findings],
                "severities": count_by_severity(self.findings),
                "summary": dict(self.summary)}


def _json_value(value: CellValue) -> object:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _row_text(values: list[CellValue]) -> str:
    return " | ".join(V.display(v) for v in values if not V.is_blank(v))


def _last_value_row(rows: list[list[CellValue]]) -> int:
    for r in range(len(rows), 0, -1):
        if any(not V.is_blank(v) for v in rows[r - 1]):
            return r
    return 0


def _row_keys(wb: WorkbookData, key_columns: Mapping[str, str],
              aliases: Mapping[str, Sequence[str]] | None) -> dict[str, Callable[[int], str]]:
    """Per sheet: row -> the row's key (order id, ticket, customer) as shown, '' when blank."""
    out: dict[str, Callable[[int], str]] = {}
    for name, header in key_columns.items():
        sheet = wb.sheet(name)
        col = sheet_columns(sheet, [header], aliases).col(header) if sheet is not None and sheet.rows else None
        if sheet is None or col is None:
            continue
        out[sheet.name] = _key_reader(sheet, col)
    return out


def _key_reader(sheet: SheetData, col: int) -> Callable[[int], str]:
    def key(row: int) -> str:
        value = sheet.value(row, col)
        return "" if V.is_blank(value) else V.display(value)
    return key


def plan_preview(plan: Plan, wb: WorkbookData, protocol_sheet: str = "Protokoll",
                 key_columns: Mapping[str, str] | None = None,
                 aliases: Mapping[str, Sequence[str]] | None = None) -> Preview:
    """Every change ``plan`` would make to the workbook ``wb`` it was made from:

    - a cell write whose value differs from what the cell shows (old → new);
    - the rows appended (where they will land: below the sheet's last row holding a value) and the
      rows removed (with their values), the Protokoll's lines apart (``protocol``);
    - the fills and text colours, one change per row with the colour's name (the reader does not see
      the colours a workbook has, so every row the plan colours is listed; an agent's own colour stays);
    - each sheet the product rewrites as a whole (Prüfung, the hidden state sheet), once.

    ``key_columns`` (sheet -> header, e.g. Masterliste -> order_id): a change on such a sheet names
    its row's key, so an agent sees whose row it is."""
    keys = _row_keys(wb, key_columns or {}, aliases)

    def key_of(sheet: str, row: int) -> str:
        found = keys.get(sheet)
        return found(row) if found is not None else ""

    changes: list[Change] = []
    for w in plan.writes:
        sheet = wb.sheet(w.sheet)
        old = sheet.value(w.row, w.col) if sheet is not None else None
        if same_value(old, w.value):
            continue
        name = sheet.name if sheet is not None else w.sheet
        changes.append(Change(name, VALUE, address(w.row, w.col), old, w.value, key_of(name, w.row)))
    for ap in plan.appends:
        if ap.sheet == protocol_sheet:
            continue
        sheet = wb.sheet(ap.sheet)
        start = (_last_value_row(sheet.rows) if sheet is not None else (1 if ap.header else 0)) + 1
        for i, values in enumerate(ap.rows):
            width = max(len(values), 1)
            changes.append(Change(ap.sheet, ROW_ADDED, f"A{start + i}:{col_letter(width)}{start + i}", None,
                                  _row_text(values), values=tuple(values)))
    for d in plan.deletions:
        sheet = wb.sheet(d.sheet)
        for r in sorted(set(d.rows)):
            values = sheet.rows[r - 1] if sheet is not None and 0 < r <= sheet.max_row else []
            changes.append(Change(d.sheet, ROW_REMOVED, f"A{r}:{col_letter(max(len(values), 1))}{r}",
                                  _row_text(list(values)), None, key_of(sheet.name if sheet else d.sheet, r),
                                  values=tuple(values)))
    for f in plan.fills:
        if not f.cols:
            continue
        changes.append(Change(f.sheet, FILL, f"{address(f.row, min(f.cols))}:{address(f.row, max(f.cols))}", None,
                              colour_name(f.rgb)))
    for t in plan.fonts:
        if not t.cols:
            continue
        changes.append(Change(t.sheet, FONT, f"{address(t.row, min(t.cols))}:{address(t.row, max(t.cols))}", None,
                              colour_name(t.rgb, "automatisch")))
    for rw in plan.rewrites:
        state = "" if rw.state == "visible" else f" ({'sehr ' if rw.state == 'veryHidden' else ''}versteckt)"
        changes.append(Change(rw.sheet, SHEET_REWRITTEN, "", None, f"{max(len(rw.rows) - 1, 0)} Zeilen{state}"))
    order = {k: i for i, k in enumerate(CHANGE_KINDS)}
    sheets = list(dict.fromkeys(c.sheet for c in changes))
    changes.sort(key=lambda c: (sheets.index(c.sheet), order[c.kind]))
    return Preview(changes, list(plan.protocol), list(plan.findings), dict(plan.summary))
