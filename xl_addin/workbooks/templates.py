"""New, empty workbooks ("templates") for the agents, written with openpyxl.

``create_workbook(kind, path)`` builds a fresh file of the given kind; it never overwrites an
existing file. Every kind registers a builder in ``TEMPLATE_BUILDERS``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..core.plan import DATE_FORMAT, DATETIME_FORMAT
from ..core.report import FINDINGS_HEADER, PROTOCOL_HEADER
from ..core.settings import Settings
from . import inkasso_schema as ink

AMOUNT_FORMAT = "#,##0.00 €"
TEMPLATE_LAST_ROW = 2000            # formats and drop-downs are prepared for rows 2..2000
COMPUTED_NOTE = "wird von xl_addin berechnet"
AUTHOR = "xl_addin"

YES, NO = "Ja", "Nein"
TRUE_FALSE = ["True", "False"]


_HEADER_FONT = Font(bold=True)
_COMPUTED_FONT = Font(bold=True, italic=True, color="595959")
_COMPUTED_FILL = PatternFill("solid", fgColor="E7E6E6")


@dataclass(frozen=True)
class ListRule:
    """A drop-down on one column. ``strict`` False lets the agent type other text too."""
    values: list[str]
    prompt: str
    strict: bool = True


@dataclass
class SheetLayout:
    """What a template sheet looks like: headers in row 1 and per-column extras."""
    name: str
    headers: list[str]
    widths: dict[str, float] = field(default_factory=dict)
    number_formats: dict[str, str] = field(default_factory=dict)
    lists: dict[str, ListRule] = field(default_factory=dict)
    computed: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)   # data rows below the header (settings)


TemplateBuilder = Callable[[Path], Path]
TEMPLATE_BUILDERS: dict[str, TemplateBuilder] = {}


def register_template(kind: str, builder: TemplateBuilder) -> None:
    TEMPLATE_BUILDERS[kind] = builder


def create_workbook(kind: str, path) -> Path:
    """Create a new workbook of ``kind`` at ``path``; FileExistsError if it exists."""
    try:
        builder = TEMPLATE_BUILDERS[kind]
    except KeyError:
        known = ", ".join(sorted(TEMPLATE_BUILDERS))
        raise ValueError(f"Unbekannte Arbeitsmappen-Art '{kind}' (bekannt: {known})") from None
    return builder(Path(path))


# --------------------------------------------------------------------------- building blocks

def _refuse_existing(path: Path) -> None:
    if path.exists():
        raise FileExistsError(f"Die Datei '{path}' gibt es schon — sie wird nicht überschrieben.")


def _list_validation(rule: ListRule, column: str) -> DataValidation:
    dv = DataValidation(
        type="list",
        formula1='"' + ",".join(rule.values) + '"',
        allow_blank=True,
        showInputMessage=True,
        promptTitle=column[:32],
        prompt=rule.prompt[:255],
    )
    if rule.strict:
        dv.showErrorMessage = True
        dv.errorStyle = "stop"
        dv.errorTitle = "Ungültiger Wert"
        dv.error = f"Bitte einen Wert aus der Liste wählen: {', '.join(rule.values)}"[:255]
    else:
        dv.showErrorMessage = False
        dv.errorStyle = "information"
    return dv


def _write_sheet(ws: Worksheet, layout: SheetLayout) -> None:
    ws.title = layout.name
    for col, header in enumerate(layout.headers, start=1):
        cell = ws.cell(row=1, column=col, value=header)
        if header in layout.computed:
            cell.font = _COMPUTED_FONT
            cell.fill = _COMPUTED_FILL
            cell.comment = Comment(COMPUTED_NOTE, AUTHOR, width=200, height=40)
        else:
            cell.font = _HEADER_FONT
        cell.alignment = Alignment(vertical="center")
        letter = get_column_letter(col)
        ws.column_dimensions[letter].width = layout.widths.get(header, max(12.0, len(header) + 4.0))
    for r, values in enumerate(layout.rows, start=2):
        for c, value in enumerate(values, start=1):
            ws.cell(row=r, column=c, value=value)
    last_col = get_column_letter(len(layout.headers))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{last_col}{max(1, len(layout.rows) + 1)}"

    for col, header in enumerate(layout.headers, start=1):
        fmt = layout.number_formats.get(header)
        if fmt:
            for row in range(2, TEMPLATE_LAST_ROW + 1):
                ws.cell(row=row, column=col).number_format = fmt
        rule = layout.lists.get(header)
        if rule:
            letter = get_column_letter(col)
            dv = _list_validation(rule, header)
            dv.add(f"{letter}2:{letter}{TEMPLATE_LAST_ROW}")
            ws.add_data_validation(dv)


def settings_rows(specs) -> list[list]:
    """[[Schlüssel, Wert, Beschreibung], [key, default, description], ...] for the settings sheet."""
    return [list(r) for r in Settings.defaults(specs).template_rows()]


def _settings_layout(name: str, specs) -> SheetLayout:
    rows = settings_rows(specs)
    return SheetLayout(name, [str(h) for h in rows[0]], rows=rows[1:],
                       widths={rows[0][0]: 34, rows[0][1]: 24, rows[0][2]: 80})


def findings_layout(name: str = ink.SHEET_FINDINGS) -> SheetLayout:
    """Prüfung: rewritten by every run (see core.report)."""
    headers = list(FINDINGS_HEADER)
    return SheetLayout(name, headers, widths=dict(zip(headers, [10, 22, 24, 14, 90, 28])))


def protocol_layout(name: str = ink.SHEET_PROTOCOL) -> SheetLayout:
    """Protokoll: appended by every run; the first column is the time."""
    headers = list(PROTOCOL_HEADER)
    return SheetLayout(name, headers, number_formats={headers[0]: DATETIME_FORMAT},
                       widths=dict(zip(headers, [17, 14, 34, 22, 14, 8, 24, 24])))


def build_workbook(path: Path, layouts: list[SheetLayout], title: str) -> Path:
    """Write ``layouts`` as the sheets of a new workbook (in that order)."""
    path = Path(path)
    _refuse_existing(path)
    wb = Workbook()
    for i, layout in enumerate(layouts):
        ws = wb.active if i == 0 else wb.create_sheet()
        _write_sheet(ws, layout)
    wb.active = 0
    wb.properties.title = title
    wb.properties.creator = AUTHOR
    wb.properties.subject = title
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    try:
        wb.save(tmp)
        _refuse_existing(path)
        tmp.rename(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


# --------------------------------------------------------------------------- inkasso (SPEC §2)

INKASSO_TITLE = "Inkasso - Cancelled Installments"


def inkasso_layouts() -> list[SheetLayout]:
    overview = SheetLayout(
        ink.SHEET_OVERVIEW, ink.OVERVIEW_HEADERS,
        widths={ink.OV_USER_ID: 12, ink.OV_VENDOR: 32, ink.OV_EMAIL: 34, ink.OV_VIP: 8,
                ink.OV_DIRECT: 20, ink.OV_WA_GROUP: 24, ink.OV_ACTIVE: 9, ink.OV_NOTES: 48},
        lists={ink.OV_VIP: ListRule([YES, NO], "Ja: VIP-Vendor (VIP-Manager betreut die WA-Gruppe)"),
               ink.OV_DIRECT: ListRule([YES, NO], "Ja: Bestellungen gehen ohne Freigabe ans Inkasso"),
               ink.OV_ACTIVE: ListRule([YES, NO], "Nein: Vendor nimmt nicht (mehr) am Mahnwesen teil")},
    )
    master_dates = [ink.M_FIRST_LETTER, ink.M_SECOND_LETTER, ink.M_INCASSO_DATE, ink.M_DUE]
    master = SheetLayout(
        ink.SHEET_MASTER, ink.MASTER_HEADERS,
        widths={ink.M_VENDOR_ID: 11, ink.M_ORDER_ID: 12, ink.M_INVOICE_NO: 18, ink.M_FIRST_NAME: 14,
                ink.M_LAST_NAME: 16, ink.M_PRODUCT: 34, ink.M_AMOUNT: 15, ink.M_REASON: 26,
                ink.M_FIRST_LETTER: 14, ink.M_SECOND_LETTER: 14, ink.M_INCASSO_DATE: 14,
                ink.M_SUPPORT_COMMENT: 40, ink.M_STATUS_SUPPORT: 20, ink.M_OFFER_LINK: 34,
                ink.M_INCASSO_STATE: 20, ink.M_REOPENED: 10, ink.M_REOPENED_ID: 13,
                ink.M_INVALID_ADDRESS: 14, ink.M_DEBT_STATUS: 22, ink.M_NOTES: 40,
                ink.M_FOLLOW: 11, ink.M_NEXT_STEP: 44, ink.M_DUE: 13},
        number_formats={**{h: DATE_FORMAT for h in master_dates}, ink.M_AMOUNT: AMOUNT_FORMAT},
        lists={
            ink.M_INCASSO_STATE: ListRule(
                ink.INCASSO_STATES, "canceled (mit einem l), blocked, sent_for_collection, paid, on_hold"),
            ink.M_DEBT_STATUS: ListRule(ink.DEBT_STATUSES, "Status aus dem Schulden-Tab"),
            ink.M_REOPENED: ListRule(TRUE_FALSE, "True: es gibt eine neue Bestellung (reopened_id eintragen)"),
            ink.M_INVALID_ADDRESS: ListRule(TRUE_FALSE, "True: Kunde hat keine oder eine falsche Adresse"),
        },
        computed=ink.MASTER_COMPUTED_HEADERS,
    )
    waiting_col = {n: ink.WAITING_HEADERS[n - 1] for n in range(1, len(ink.WAITING_HEADERS) + 1)}
    waiting = SheetLayout(
        ink.SHEET_WAITING, ink.WAITING_HEADERS,
        widths={waiting_col[ink.W_INVOICE_NO]: 18, waiting_col[ink.W_USER_ID]: 11,
                waiting_col[ink.W_VENDOR]: 30, waiting_col[ink.W_EMAIL]: 32,
                waiting_col[ink.W_ORDER_ID]: 12, waiting_col[ink.W_FIRST_NAME]: 14,
                waiting_col[ink.W_LAST_NAME]: 16, waiting_col[ink.W_AMOUNT]: 15,
                waiting_col[ink.W_PRODUCT]: 34, waiting_col[ink.W_FIRST_LETTER]: 13,
                waiting_col[ink.W_SECOND_LETTER]: 13, waiting_col[ink.W_STATUS]: 22,
                waiting_col[ink.W_VIP_STATUS]: 36},
        number_formats={waiting_col[ink.W_FIRST_LETTER]: DATE_FORMAT,
                        waiting_col[ink.W_SECOND_LETTER]: DATE_FORMAT,
                        waiting_col[ink.W_AMOUNT]: AMOUNT_FORMAT},
        lists={waiting_col[ink.W_STATUS]: ListRule(
            [ink.WAITING_APPROVED, ink.WAITING_CANCEL],
            "Name des Vendors, solange es bei ihm liegt; 'Freigabe' nach seinem Go; "
            "'Kündigung', wenn er die Bestellung kündigen möchte",
            strict=False)},
    )
    return [overview, master, waiting, _settings_layout(ink.SHEET_SETTINGS, ink.SETTINGS),
            findings_layout(ink.SHEET_FINDINGS), protocol_layout(ink.SHEET_PROTOCOL)]


def create_inkasso(path) -> Path:
    """A new, empty "Inkasso - Cancelled Installments" workbook (SPEC §2)."""
    return build_workbook(Path(path), inkasso_layouts(), INKASSO_TITLE)


register_template(ink.KIND, create_inkasso)
