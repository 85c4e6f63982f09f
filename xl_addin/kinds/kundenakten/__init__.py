"""Workbook "Kundenakten" (SPEC §4): the agency's customer files, O-Team and VPA.

schema · rules (freshness, Wiedervorlage, colours) · vpa_export (the VPA file for the assistant) · template.
"""
from ...core.due import DueColumns
from ..kind import Kind
from . import schema as S
from .findings import Kundenakten
from .rules import plan_run
from .template import layouts

KIND = Kind(
    name=S.KIND, title=S.TITLE, signature=(S.SHEET_CUSTOMERS, S.SHEET_ENTRIES),
    settings_sheet=S.SHEET_SETTINGS, settings=S.SETTINGS, columns=S.COLUMNS, plan_run=plan_run, layouts=layouts,
    catalog=Kundenakten,
    findings_sheet=S.SHEET_FINDINGS, protocol_sheet=S.SHEET_PROTOCOL, overview_sheet=S.SHEET_SUMMARY,
    actions=("export-akte",),
    due_columns=DueColumns(S.SHEET_CUSTOMERS, (S.K_CUSTOMER,), S.K_NEXT_STEP, S.K_FOLLOW_UP, details=(S.K_VPA,)),
)
