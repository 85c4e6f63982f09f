"""The two sheets every workbook kind shares: `Prüfung` (findings, rewritten each run) and
`Protokoll` (audit trail, only ever appended). Turns findings and protocol entries into Plan parts."""
from __future__ import annotations

from .findings import ERROR, WARNING, Finding
from .language import LANGUAGES, language
from .plan import DATETIME_FORMAT, CellValue, Plan, ProtocolEntry, RowAppend, SheetRewrite

FINDINGS_SHEET = "Prüfung"
PROTOCOL_SHEET = "Protokoll"
FINDINGS_HEADER = list(language("de").findings_header)
PROTOCOL_HEADER = ["Zeit", "Wer", "Aktion", "Blatt", "Schlüssel", "Zelle", "Alt", "Neu"]
# Column widths of the two sheets, in header order: what a run writes and what a template shows.
FINDINGS_WIDTHS = (10, 22, 24, 14, 90, 28)
PROTOCOL_WIDTHS = (17, 14, 34, 22, 14, 8, 24, 24)
FINDINGS_KEY = (2, 3, 4)         # Code, Zelle, Schlüssel: a finding's identity from run to run
_SEVERITY_ORDER = {ERROR: 0, WARNING: 1, "info": 2}


def findings_sheet_name(plan: Plan) -> str:
    """The sheet this plan writes its findings to (`Prüfung`, `Verifica` in the Italian workbook)."""
    names = [rw.sheet for rw in plan.rewrites if rw.rows and rw.rows[0]
             and tuple(rw.rows[0]) in {lang.findings_header for lang in LANGUAGES.values()}]
    return names[-1] if names else FINDINGS_SHEET


def sorted_findings(findings: list[Finding]) -> list[Finding]:
    """Errors first, then by sheet and cell in reading order; duplicates (same code and cell) once."""
    def cell_key(f: Finding) -> tuple[int, str, int, int, str]:
        return (_SEVERITY_ORDER.get(f.severity, 3), f.sheet, *f.row_col, f.code)

    seen, out = set(), []
    for f in sorted(findings, key=cell_key):
        k = (f.code, f.sheet, f.cell, f.message)
        if k not in seen:
            seen.add(k)
            out.append(f)
    return out


CELL_TEXT_LIMIT = 32767        # Excel's limit for the text of one cell


def _fits(text: str | None) -> str | None:
    """A text the findings sheet can hold: a finding quoting a cell of 32,767 characters must not
    make the whole run refuse to write (issue 12); the terminal and --json keep it whole."""
    if text is None or len(text) <= CELL_TEXT_LIMIT:
        return text
    return text[:CELL_TEXT_LIMIT - 1] + "…"


def findings_sheet(findings: list[Finding], sheet: str = FINDINGS_SHEET, lang: str = "de") -> SheetRewrite:
    words = language(lang)
    rows: list[list[CellValue]] = [list(words.findings_header)]
    for f in sorted_findings(findings):
        rows.append([words.severity.get(f.severity, f.severity), f.code, _fits(f.location), _fits(f.key) or None,
                     _fits(f.message), _fits(f.suggestion) or None])
    if len(rows) == 1:
        rows.append([words.severity["info"], "OK", None, None, words.no_findings, None])
    # A finding is the same finding next run when its code, cell and key are (FINDINGS_KEY).
    return SheetRewrite(sheet=sheet, rows=rows, column_widths=dict(enumerate(FINDINGS_WIDTHS, start=1)),
                        key_columns=FINDINGS_KEY)


def protocol_append(entries: list[ProtocolEntry], sheet: str = PROTOCOL_SHEET) -> RowAppend | None:
    if not entries:
        return None
    rows: list[list[CellValue]] = [[e.time, e.user, e.action, e.sheet, e.key or None, e.cell or None, e.old, e.new]
                                   for e in entries]
    return RowAppend(sheet=sheet, rows=rows, header=list(PROTOCOL_HEADER),
                     column_widths=dict(enumerate(PROTOCOL_WIDTHS, start=1)), number_formats={1: DATETIME_FORMAT},
                     continues=True)


def finish(plan: Plan, findings_sheet_name: str = FINDINGS_SHEET,
           protocol_sheet_name: str = PROTOCOL_SHEET, lang: str = "de") -> Plan:
    """Add the Prüfung rewrite (in the kind's language ``lang``) and the Protokoll append to a
    plan built by a workbook kind."""
    plan.findings = sorted_findings(plan.findings)
    plan.rewrites.append(findings_sheet(plan.findings, findings_sheet_name, lang))
    app = protocol_append(plan.protocol, protocol_sheet_name)
    if app is not None:
        plan.appends.append(app)
    return plan
