"""The overview sheet (`Übersicht`; `Riepilogo` in the Italian workbook): the counts a team lead
looks at first, recounted from the summarised sheet as the run leaves it, and a native bar chart
of the rows per next step. Pure: tables in, Plan parts out.

Layout (the product's block, columns A–H; everything right of it is the agents'):

    A1  Kennzahl | Wert                       header
        Stand | <now>                         date and time of the run
        Zeilen | offen | fällig heute | überfällig
    (blank row)
        Nächster Schritt | Zeilen | fällig heute | überfällig      one row per step
    (blank row)
        the chart of these rows, over columns A–G (CHART_ROWS rows)
    (blank row)
        <group> | Zeilen | offen | fällig heute | überfällig       per request type / priority / VPA
    (blank row)
        extra blocks of the kind (Inkasso: per vendor with open amount …)

The chart follows the table it shows, so that it is on the first printed page however many
vendors, request types or VPAs follow. Printed, the sheet is one page wide (``print_one_page_wide``):
columns A–G are wider than a portrait page, and a chart cut at the page's edge loses its title.
Widths: the templates' fixed widths, widened to the longest text of a column (a Stand's date and
time, a long header), so that nothing prints as ``###`` or is cut.

"Due today": the due cell's day is today and it is not overdue. "Overdue": a due date before
today, or a due moment (date and time) at or before now — the rule of Diagonal's `Überfällig`.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from .catalog import Core
from .cellreader import values_in
from .findings import Finding
from .headers import locate_columns
from .plan import DATETIME_FORMAT, CellValue, CellWrite, Plan, SheetChart, SheetRewrite, auto_column_widths
from .report import findings_sheet, sorted_findings
from .workbook_data import WorkbookData

OWNED_COLS = 8          # the product's columns A–H; the agents' own columns start at I
CHART_ROWS = 18         # height of the chart, in rows
EURO_FORMAT = '#,##0.00 "€"'
COUNT_FORMAT = "0"
WIDTHS = {1: 46.0, 2: 12.0, 3: 12.0, 4: 14.0, 5: 14.0, 6: 16.0, 7: 16.0, 8: 4.0}
CHART_NAME = "xl_addin Übersicht"

Row = Mapping[str, CellValue]


@dataclass(frozen=True)
class Words:
    metric: str
    value: str
    as_of: str
    rows: str
    open: str
    due_today: str
    overdue: str
    step: str
    chart_title: str
    no_step: str
    blank: str


WORDS = {
    "de": Words("Kennzahl", "Wert", "Stand", "Zeilen", "offen", "fällig heute", "überfällig",
                "Nächster Schritt", "Zeilen je nächster Schritt", "(kein Schritt)", "(leer)"),
    "it": Words("Indicatore", "Valore", "Aggiornato al", "Righe", "aperte", "scadenza oggi", "scadute",
                "Azione", "Righe per azione", "(nessuna azione)", "(vuoto)"),
}
FOREIGN_SUFFIX = {"de": " (automatisch)", "it": " (automatico)"}


@dataclass(frozen=True)
class Block:
    """A table of the overview: a header row and its rows; ``formats`` per column (1-based)."""
    header: tuple[str, ...]
    rows: list[list[CellValue]]
    formats: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class OverviewSpec:
    """What a kind's overview summarises: the sheet, the headers of its key (a row counts when
    it has one), next-step and due columns and the column it is grouped by; ``is_open`` says
    whether a row (header -> value, after the run) is still to be worked; ``extra`` adds the
    kind's own blocks from the rows."""
    source: str
    key: str
    step: str
    due: str
    group: str | None
    group_title: str
    is_open: Callable[[Row], bool]
    others: tuple[str, ...] = ()                 # further headers ``is_open``/``extra`` read
    extra: Callable[[list[Row], datetime], list[Block]] | None = None


_DATE_IN_TEXT = re.compile(r"\s*\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b")
_PARENS = re.compile(r"\([^)]*\d[^)]*\)")
LABEL_LENGTH = 80


@functools.lru_cache(maxsize=4096)
def step_label(text: str) -> str:
    """The step a next-step text names, without the row's particulars: dates and bracketed
    ids become "…" / "(…)", a text after ': ' of an input problem is cut, at most 80 characters
    — so that rows with the same step count together."""
    label = _PARENS.sub("(…)", text.strip())
    label = _DATE_IN_TEXT.sub(" …", label)
    for head in ("Eingabe prüfen:", "DATI MANCANTI:"):
        if label.startswith(head):
            label = head[:-1]
    return label if len(label) <= LABEL_LENGTH else label[:LABEL_LENGTH - 1].rstrip() + "…"


def due_state(value: CellValue, now: datetime) -> str:
    """"overdue", "today" or "" for one due cell."""
    if isinstance(value, datetime):
        if value <= now:
            return "overdue"
        return "today" if value.date() == now.date() else ""
    if isinstance(value, date):
        if value < now.date():
            return "overdue"
        return "today" if value == now.date() else ""
    return ""


def read_rows(wb: WorkbookData, spec: OverviewSpec,
              aliases: Mapping[str, Sequence[str]] | None = None) -> list[Row]:
    """The summarised sheet's rows (header -> value) as ``wb`` holds them."""
    return read_rows_written(wb, spec, (), aliases)


def read_rows_written(wb: WorkbookData, spec: OverviewSpec, writes: Iterable[CellWrite],
                      aliases: Mapping[str, Sequence[str]] | None = None) -> list[Row]:
    """``read_rows(wb.with_writes(writes), spec, aliases)`` — the summarised sheet's rows with
    ``writes`` to it applied (later writes win) — without copying the sheet: a run writes to
    every one of the Masterliste's 20,000 rows, and ``with_writes`` copies each row it writes."""
    sheet = wb.sheet(spec.source)
    if sheet is None:
        return []
    cells: dict[int, dict[int, CellValue]] = {}           # row -> col -> value written
    for w in writes:
        at = cells.get(w.row)
        if at is None:
            at = cells[w.row] = {}
        at[w.col] = w.value
    rows = sheet.rows
    header = list(rows[0]) if rows else []
    for col, value in cells.get(1, {}).items():
        header.extend([None] * (col - len(header)))
        header[col - 1] = value
    wanted = list(dict.fromkeys([spec.key, spec.step, spec.due, *([spec.group] if spec.group else []),
                                 *spec.others]))
    cmap = locate_columns(sheet.name, header, wanted, aliases)
    key_col = cmap.col(spec.key)
    if key_col is None:
        return []
    cols = [(h, -1 if c is None else c - 1) for h, c in ((h, cmap.col(h)) for h in wanted)]
    key = key_col - 1
    empty: list[CellValue] = []
    out: list[Row] = []
    for r in range(2, max(len(rows), max(cells, default=0)) + 1):
        values = rows[r - 1] if r <= len(rows) else empty
        written = cells.get(r)
        if written is None:
            if not values_in(values, [key]):
                continue
            n = len(values)
            out.append({h: (values[i] if 0 <= i < n else None) for h, i in cols})
            continue
        n = len(values)
        if values_in([written[key + 1] if key + 1 in written else values[key] if key < n else None], [0]):
            out.append({h: (written[i + 1] if i + 1 in written else values[i] if 0 <= i < n else None)
                        if i >= 0 else None for h, i in cols})
    return out


def _text(value: CellValue) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def blocks(rows: list[Row], spec: OverviewSpec, now: datetime,
           lang: str = "de") -> tuple[list[list[CellValue]], list[Block]]:
    """The metrics (label, value) and the blocks of the overview."""
    w = WORDS[lang]
    states = [due_state(r.get(spec.due), now) for r in rows]
    open_flags = [spec.is_open(r) for r in rows]
    metrics: list[list[CellValue]] = [
        [w.as_of, now.replace(tzinfo=None, second=0, microsecond=0)],
        [w.rows, len(rows)],
        [w.open, sum(open_flags)],
        [w.due_today, states.count("today")],
        [w.overdue, states.count("overdue")],
    ]
    by_step: dict[str, list[int]] = {}
    by_group: dict[str, list[int]] = {}
    labels: dict[str, str] = {}         # a step text (the same few in every row) -> its label
    for i, r in enumerate(rows):
        raw = r.get(spec.step)
        step = labels.get(raw) if type(raw) is str else None
        if step is None:
            step = step_label(_text(raw)) or w.no_step
            if type(raw) is str:
                labels[raw] = step
        indexes = by_step.get(step)
        if indexes is None:
            indexes = by_step[step] = []
        indexes.append(i)
        if spec.group:
            by_group.setdefault(_text(r.get(spec.group)) or w.blank, []).append(i)

    def counts(indexes: list[int]) -> tuple[int, int]:
        return (sum(states[i] == "today" for i in indexes), sum(states[i] == "overdue" for i in indexes))

    steps = Block((w.step, w.rows, w.due_today, w.overdue),
                  [[name, len(ix), *counts(ix)] for name, ix in
                   sorted(by_step.items(), key=lambda kv: (-len(kv[1]), kv[0]))])
    groups = Block((spec.group_title, w.rows, w.open, w.due_today, w.overdue),
                   [[name, len(ix), sum(open_flags[i] for i in ix), *counts(ix)] for name, ix in
                    sorted(by_group.items(), key=lambda kv: kv[0].casefold())])
    out = [steps, groups] if spec.group else [steps]
    if spec.extra is not None:
        out += spec.extra(rows, now)
    return metrics, out


def column_widths(rows: list[list[CellValue]]) -> dict[int, float]:
    """The fixed widths of the product's columns, each widened to the longest text in it
    (``auto_column_widths``: a moment as TT.MM.JJJJ HH:MM, at most 60)."""
    longest = auto_column_widths(rows)
    return {col: max(width, longest.get(col, 0.0)) for col, width in WIDTHS.items()}


def overview_parts(rows: list[Row], spec: OverviewSpec, now: datetime, sheet: str,
                   lang: str = "de") -> tuple[SheetRewrite, SheetChart]:
    """The overview sheet's rewrite and its chart (bars: rows per next step)."""
    w = WORDS[lang]
    metrics, tables = blocks(rows, spec, now, lang)
    out: list[list[CellValue]] = [[w.metric, w.value], *metrics]
    bold: list[int] = []
    formats: dict[tuple[int, int], str] = {(2, 2): DATETIME_FORMAT}
    step_rows = (0, 0)
    top = 0
    for n, block in enumerate(tables):
        if n == 1:                          # the chart's rows, below the step table
            out.extend([] for _ in range(top + CHART_ROWS - len(out)))
        out.append([])
        bold.append(len(out) + 1)
        out.append(list(block.header))
        first = len(out) + 1
        for line in block.rows:
            out.append(list(line))
            for col, fmt in block.formats.items():
                formats[(len(out), col)] = fmt
        if n == 0:
            step_rows = (first, len(out))
            top = len(out) + 2
    categories = tuple(str(r[0]) for r in tables[0].rows)
    counts = tuple(float(r[1]) for r in tables[0].rows if isinstance(r[1], int))
    last = max(step_rows[1], step_rows[0])
    rewrite = SheetRewrite(sheet=sheet, rows=out, column_widths=column_widths(out), owned_cols=OWNED_COLS,
                           bold_rows=tuple(bold), cell_formats=formats, print_one_page_wide=True)
    chart = SheetChart(sheet=sheet, name=CHART_NAME, title=f"{sheet}: {w.chart_title}",
                       series_name=w.rows, categories_col=1, values_col=2,
                       first_row=step_rows[0], last_row=last,
                       anchor=(1, top, OWNED_COLS - 1, top + CHART_ROWS),
                       category_values=categories, value_values=counts)
    return rewrite, chart


def overview_sheet_name(wb: WorkbookData, name: str, lang: str = "de") -> tuple[str, Finding | None]:
    """Where the overview goes: ``name``, unless the agents keep a sheet of that name of their
    own (its A1 is not the product's first header) — then ``name (automatisch)`` and an info."""
    existing = wb.sheet(name)
    marker = WORDS[lang].metric
    if existing is None or _text(existing.value(1, 1)) == marker:
        return name, None
    target = name + FOREIGN_SUFFIX[lang]
    return target, Core.OVERVIEW_FOREIGN.at(existing.name, "A1", lang=lang, sheet=existing.name,
                                             marker=marker, target=target)


def add_overview(plan: Plan, wb: WorkbookData, spec: OverviewSpec, now: datetime, sheet: str,
                 lang: str = "de", aliases: Mapping[str, Sequence[str]] | None = None) -> Plan:
    """Add the overview (recounted from ``wb`` with the plan's cell writes applied) to ``plan``."""
    now = now.replace(tzinfo=None)
    target, note = overview_sheet_name(wb, sheet, lang)
    if note is not None:
        plan.findings.append(note)
    source = spec.source.casefold()
    sheets = {name for name in {w.sheet for w in plan.writes} if name.casefold() == source}
    rows = read_rows_written(wb, spec, (w for w in plan.writes if w.sheet in sheets), aliases)
    rewrite, chart = overview_parts(rows, spec, now, target, lang)
    plan.rewrites.append(rewrite)
    plan.charts.append(chart)
    return plan


def add_overview_finished(plan: Plan, wb: WorkbookData, spec: OverviewSpec, now: datetime, sheet: str,
                          findings_sheet_name: str, lang: str = "de",
                          aliases: Mapping[str, Sequence[str]] | None = None) -> Plan:
    """``add_overview`` on a plan that ``report.finish`` completed already: a note about the
    overview is put on the findings sheet too."""
    before = len(plan.findings)
    add_overview(plan, wb, spec, now, sheet, lang, aliases)
    if len(plan.findings) > before:
        plan.findings = sorted_findings(plan.findings)
        for i, rw in enumerate(plan.rewrites):
            if rw.sheet == findings_sheet_name:
                plan.rewrites[i] = findings_sheet(plan.findings, findings_sheet_name, lang)
    return plan
