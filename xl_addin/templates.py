"""New, empty workbooks ("templates") for the agents: a kind's layout rendered with openpyxl.

The kinds declare their sheets as data (``core.layout.SheetLayout``); this module turns them into
the bytes of an .xlsx in the kind's language. ``actions.new_workbook`` writes the file.
"""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .core.layout import ListRule, SheetLayout

TEMPLATE_LAST_ROW = 2000            # formats and drop-downs are prepared for rows 2..2000
AUTHOR = "xl_addin"

# the renderer's own words, per language of the kind
_TEXTS = {
    "de": {"computed": "wird von xl_addin berechnet", "error_title": "Ungültiger Wert",
           "error": "Bitte einen Wert aus der Liste wählen: {values}"},
    "it": {"computed": "calcolato da xl_addin", "error_title": "Valore non valido",
           "error": "Scegliere un valore dall'elenco: {values}"},
}

COMPUTED_NOTE = _TEXTS["de"]["computed"]

_HEADER_FONT = Font(bold=True)
_COMPUTED_FONT = Font(bold=True, italic=True, color="595959")
_COMPUTED_FILL = PatternFill("solid", fgColor="E7E6E6")


def _list_validation(rule: ListRule, column: str, texts: dict[str, str]) -> DataValidation:
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
        dv.errorTitle = texts["error_title"]
        dv.error = texts["error"].format(values=", ".join(rule.values))[:255]
    else:
        dv.showErrorMessage = False
        dv.errorStyle = "information"
    return dv


def _write_sheet(ws: Worksheet, layout: SheetLayout, texts: dict[str, str]) -> None:
    ws.title = layout.name
    for col, header in enumerate(layout.headers, start=1):
        cell = ws.cell(row=1, column=col, value=header)
        if header in layout.computed:
            cell.font = _COMPUTED_FONT
            cell.fill = _COMPUTED_FILL
            cell.comment = Comment(texts["computed"], AUTHOR, width=200, height=40)
        else:
            cell.font = _HEADER_FONT
        note = layout.notes.get(header)
        if note:
            cell.comment = Comment(note, AUTHOR, width=260, height=70)
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
            dv = _list_validation(rule, header, texts)
            dv.add(f"{letter}2:{letter}{TEMPLATE_LAST_ROW}")
            ws.add_data_validation(dv)


def render_workbook(layouts: list[SheetLayout], title: str, language: str = "de") -> bytes:
    """The .xlsx bytes of a new workbook with ``layouts`` as its sheets (in that order)."""
    texts = _TEXTS[language]
    wb = Workbook()
    for i, layout in enumerate(layouts):
        ws = wb.active if i == 0 else wb.create_sheet()
        assert isinstance(ws, Worksheet)     # a new workbook's first sheet, or one it adds
        _write_sheet(ws, layout, texts)
    wb.active = 0
    wb.properties.title = title
    wb.properties.creator = AUTHOR
    wb.properties.subject = title
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
