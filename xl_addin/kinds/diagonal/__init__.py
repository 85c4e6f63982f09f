"""Workbook "Kundenbetreuung Diagonal" (SPEC §1): the case log of messages from Diagonal and Debtist.

schema · rules (the step table and the run) · actions (step done, new case, due cases) · template.
"""
from ...core.due import DueColumns
from ..kind import Kind
from . import schema as S
from .findings import Diagonal
from .rules import plan_run
from .template import layouts

KIND = Kind(
    name=S.KIND, title=S.TITLE, signature=(S.SHEET_CASES,), timezone=S.TIMEZONE,
    settings_sheet=S.SHEET_SETTINGS, settings=S.SETTINGS, columns=S.COLUMNS, plan_run=plan_run, layouts=layouts,
    catalog=Diagonal,
    findings_sheet=S.SHEET_FINDINGS, protocol_sheet=S.SHEET_PROTOCOL, overview_sheet=S.SHEET_SUMMARY,
    reads=(S.SHEET_VENDORS,),
    actions=("step-done", "new-case", "due"),
    # a case is Bestell-ID + Anfrageart + Datum (an order may have several requests over time)
    due_columns=DueColumns(S.SHEET_CASES, (S.C_ORDER_ID, S.C_TYPE, S.C_DATE), S.C_NEXT, S.C_DUE,
                           details=(S.C_SAVED_REPLY, S.C_AGENCY)),
)
