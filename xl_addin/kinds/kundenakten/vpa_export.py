"""The VPA export of the "Kundenakten" workbook (SPEC §4): one customer's VPA file as a NEW
.xlsx for the assistant (``xl_addin.actions`` also makes a PDF of it when LibreOffice is installed).

An O-Team entry in this export is a security defect, so the export is built from an allow-list:
only rows whose `Akte` reads exactly "VPA" and whose `Kunde` is the customer, and of those only
the columns in ``EXPORT_COLUMNS``. Only typed values cross the boundary: a formula's value is the
cached result of a calculation over any cell (``=E25`` may be an O-Team entry's text), so a cell
that holds a formula is never exported (``KA-EXPORT-FORMULA``): in an exported column it stays
blank, in `Kunde` or `Akte` — which decide what is exported — it withholds the whole entry, and
as the customer's VPA on `Kunden` the VPA's name is left out. Nothing is copied from the agents'
file (no styles, comments, properties): the workbook is written from scratch with neutral
document properties.

Pure: ``build_vpa_export`` (tables in, rows out) and ``xlsx_bytes`` (rows in, the file's bytes out).
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from ...core import values as V
from ...core.cells import address
from ...core.findings import Finding, Refusal
from ...core.headers import ColumnMap
from ...core.tables import sheet_columns
from ...core.workbook_data import SheetData, WorkbookData
from . import schema as S
from .findings import Kundenakten as KA
from .rules import classify_file, read_settings

__all__ = ["ExportError", "VpaExport", "build_vpa_export", "export_basename", "xlsx_bytes"]

_XLSX_DATE_FORMAT = "DD.MM.YYYY"
# characters XML 1.0 cannot carry (openpyxl refuses them)
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# document properties the export leaves empty, whatever openpyxl fills in
_BLANK_PROPERTIES = ("subject", "description", "keywords", "category", "contentStatus", "identifier",
                     "language", "version", "revision", "lastPrinted")


class ExportError(Refusal, ValueError):
    """Why no export can be made; ``str(e)`` is a German one-liner."""

    def __init__(self, message: str, suggestion: str = "") -> None:
        super().__init__(message + (f" — meinten Sie '{suggestion}'?" if suggestion else ""))
        self.suggestion = suggestion


@dataclass
class VpaExport:
    customer: str                    # the name as on `Kunden`
    vpa: str                         # the assigned VPA ("" when none)
    header: list[str]                # the export columns the workbook has, in EXPORT_COLUMNS order
    rows: list[list] = field(default_factory=list)          # values of the allow-listed VPA rows
    source_rows: list[int] = field(default_factory=list)    # their row numbers on `Einträge`
    withheld: int = 0                # rows of this customer that are not VPA rows (never exported)
    findings: list[Finding] = field(default_factory=list)


def _cell(value: object) -> object:
    """A value as it goes into the export: dates as dates, text without XML-illegal characters."""
    if isinstance(value, datetime):
        return value if (value.hour, value.minute, value.second) != (0, 0, 0) else value.date()
    if isinstance(value, (date, bool, int, float)) or value is None:
        return value
    return _ILLEGAL_XML.sub("", str(value))


def build_vpa_export(wb: WorkbookData, customer: str) -> VpaExport:
    """The allow-listed VPA rows of one customer; ExportError when the customer is not on
    `Kunden` or the sheets cannot be read."""
    settings, _ = read_settings(wb)
    aliases = settings.aliases()
    csheet, esheet = _export_sheet(wb, S.SHEET_CUSTOMERS), _export_sheet(wb, S.SHEET_ENTRIES)
    ccmap = _export_columns(csheet, S.CUSTOMER_HEADERS, [S.K_CUSTOMER], aliases)
    ecmap = _export_columns(esheet, S.ENTRY_HEADERS, [S.E_CUSTOMER, S.E_FILE], aliases)

    want = V.norm_key(customer)
    names: dict[str, tuple[str, str]] = {}
    name_rows: dict[str, int] = {}
    ccol, vcol = ccmap.required(S.K_CUSTOMER), ccmap.col(S.K_VPA)
    for r in range(2, csheet.max_row + 1):
        name = V.norm_text(csheet.value(r, ccol))
        if name and name.casefold() not in names:
            names[name.casefold()] = (name, V.norm_text(csheet.value(r, vcol)) if vcol else "")
            name_rows[name.casefold()] = r
    if not want:
        raise ExportError("Kein Kunde angegeben")
    if want not in names:
        raise ExportError(f"Kunde '{V.norm_text(customer)}' steht nicht auf '{csheet.name}'",
                          V.nearest_choice(customer, [n for n, _ in names.values()]))
    name, vpa = names[want]
    export_findings: list[Finding] = []
    if vpa and vcol is not None and csheet.is_formula(name_rows[want], vcol):
        export_findings.append(KA.EXPORT_FORMULA.at(csheet.name, address(name_rows[want], vcol), key=name,
                                                    header=S.K_VPA, consequence="Name nicht exportiert"))
        vpa = ""

    header = [h for h in S.EXPORT_COLUMNS if ecmap.col(h) is not None]
    cols = ecmap.cols(header)
    kcol, fcol = ecmap.required(S.E_CUSTOMER), ecmap.required(S.E_FILE)
    export = VpaExport(name, vpa, header, findings=export_findings)
    assert esheet is not None           # the check above raised otherwise
    entries = esheet

    def uncomputed(r: int, col: int | None, header: str, consequence: str) -> bool:
        """A formula without a computed value there: said (it is not the blank it reads as)."""
        if col is None or not entries.has_formula_without_value(r, col):
            return False
        export.findings.append(KA.EXPORT_FORMULA_NO_VALUE.at(entries.name, address(r, col), key=name,
                                                             header=header, consequence=consequence))
        return True

    last = max([entries.max_row, *(r for r, _ in entries.formulas_without_value)])
    for r in range(2, last + 1):
        if uncomputed(r, kcol, S.E_CUSTOMER, "ob der Eintrag zu diesem Kunden gehört, ist unbekannt — "
                                             "nicht exportiert"):
            continue
        if V.norm_key(esheet.value(r, kcol)) != want:
            continue
        if uncomputed(r, fcol, S.E_FILE, "Eintrag nicht exportiert (nur 'VPA' geht an den VPA)"):
            export.withheld += 1
            continue
        raw_file = esheet.value(r, fcol)
        chooser = next((c for c in (kcol, fcol) if esheet.is_formula(r, c)), None)
        if chooser is not None:                         # what decides the allow-list must be typed
            export.withheld += 1
            export.findings.append(KA.EXPORT_FORMULA.at(
                esheet.name, address(r, chooser), key=name, header=S.E_CUSTOMER if chooser == kcol else S.E_FILE,
                consequence="Eintrag nicht exportiert"))
            continue
        if classify_file(raw_file) != S.FILE_VPA:       # the allow-list: VPA rows only
            export.withheld += 1
            if classify_file(raw_file) is None:
                export.findings.append(KA.EXPORT_WITHHELD.at(
                    esheet.name, address(r, fcol), key=name,
                    problem="fehlt" if V.is_blank(raw_file) else f"'{V.norm_text(raw_file)}' ist unklar"))
            continue
        values: list[object] = []
        for h, c in zip(header, cols, strict=True):
            if uncomputed(r, c, h, "bleibt in der VPA-Akte leer"):
                values.append(None)
            elif esheet.is_formula(r, c):
                export.findings.append(KA.EXPORT_FORMULA.at(esheet.name, address(r, c), key=name, header=h,
                                                            consequence="Wert nicht exportiert"))
                values.append(None)
            else:
                values.append(_cell(esheet.value(r, c)))
        export.rows.append(values)
        export.source_rows.append(r)
    return export


def _export_sheet(wb: WorkbookData, name: str) -> SheetData:
    sheet = wb.sheet(name)
    if sheet is None:
        raise ExportError(f"Blatt '{name}' fehlt — keine VPA-Akte exportierbar")
    return sheet


def _export_columns(sheet: SheetData, headers: list[str], needed: list[str],
                    aliases: dict[str, list[str]]) -> ColumnMap:
    cmap = sheet_columns(sheet, headers, aliases)
    for h in needed:
        if cmap.col(h) is None:
            raise ExportError(f"{cmap.sheet}: Spalte '{h}' fehlt in Zeile 1 — keine VPA-Akte exportierbar")
    return cmap


def export_basename(export: VpaExport) -> str:
    """``VPA-Akte_<Kunde>`` with every character that is not a letter, digit or '-' as '_'."""
    safe = re.sub(r"[^\w\-]+", "_", export.customer).strip("_") or "Kunde"
    return f"VPA-Akte_{safe}"


def _date_value(value: object) -> object:
    """A date column: real dates stay dates; German/ISO text becomes a date; anything else stays
    as typed (the assistant sees what the team wrote)."""
    if isinstance(value, str):
        try:
            parsed = V.parse_date(value)
        except V.ParseError:
            return value
        return parsed
    return value


def xlsx_bytes(export: VpaExport, now: datetime) -> bytes:
    """The export as a new workbook: title rows, then one row per VPA entry."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties
    from openpyxl.worksheet.worksheet import Worksheet

    book = Workbook()
    ws = book.active
    assert isinstance(ws, Worksheet)         # a new workbook's one sheet
    ws.title = S.EXPORT_SHEET
    props = book.properties                     # neutral, set explicitly (nothing from the source)
    props.creator = "xl_addin"
    props.lastModifiedBy = "xl_addin"
    props.title = S.EXPORT_TITLE
    for blank in _BLANK_PROPERTIES:
        setattr(props, blank, None)
    props.created = now
    props.modified = now

    ws.cell(1, 1, f"{S.EXPORT_TITLE}: {export.customer}").font = Font(bold=True, size=14)
    ws.cell(2, 1, f"VPA: {export.vpa}" if export.vpa else "VPA: –")
    ws.cell(3, 1, f"Stand: {V.format_date_de(now.date())}")
    head_row = 5
    for c, h in enumerate(export.header, start=1):
        ws.cell(head_row, c, h).font = Font(bold=True)
    date_cols = {i for i, h in enumerate(export.header) if h in (S.E_DATE, S.E_DEADLINE)}
    wrap = Alignment(wrap_text=True, vertical="top")
    for r, row in enumerate(export.rows, start=head_row + 1):
        for c, value in enumerate(row, start=1):
            if c - 1 in date_cols:
                value = _date_value(value)
            if value is None:
                continue
            cell = ws.cell(r, c)
            cell.value = value
            cell.alignment = wrap
            if isinstance(value, str):
                cell.data_type = "s"            # text stays text, even "=..." (never a formula)
            elif isinstance(value, (date, datetime)):
                cell.number_format = _XLSX_DATE_FORMAT
    if not export.rows:
        ws.cell(head_row + 1, 1, "Noch keine Einträge in der VPA-Akte.")
    widths = {S.E_DATE: 12, S.E_CATEGORY: 20, S.E_SITUATION: 48, S.E_RESPONSE: 40, S.E_NEXT: 36,
              S.E_DEADLINE: 12}
    for c, h in enumerate(export.header, start=1):
        ws.column_dimensions[get_column_letter(c)].width = widths.get(h, 16)
    ws.freeze_panes = f"A{head_row + 1}"
    ws.print_title_rows = f"{head_row}:{head_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    return _save(book)


def _save(book) -> bytes:
    """Like ``Workbook.save``, minus its one side effect: it stamps 'modified' with the clock;
    the export keeps the time it was given (reproducible, and nothing of the machine leaks)."""
    from zipfile import ZIP_DEFLATED, ZipFile

    from openpyxl.writer.excel import ExcelWriter

    buf = io.BytesIO()
    with ZipFile(buf, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(book, archive).save()
    return buf.getvalue()

