"""Workbook "Solleciti" (SPEC §3): the Italian firm's collection calls, in Italian.

schema · flowchart (the seed's decision tree for one ticket) · run (the whole sheet) · template.
"""
from ...core.due import DueColumns
from ..kind import ROME, Kind
from . import schema as S
from .findings import Solleciti
from .run import plan_run
from .template import layouts

KIND = Kind(
    name=S.KIND, title=S.TITLE, signature=(S.SHEET_TICKETS,), timezone=ROME, language=S.LANGUAGE,
    settings_sheet=S.SHEET_SETTINGS, settings=S.SETTINGS, columns=S.COLUMNS, plan_run=plan_run, layouts=layouts,
    catalog=Solleciti,
    findings_sheet=S.SHEET_FINDINGS, protocol_sheet=S.SHEET_PROTOCOL, overview_sheet=S.SHEET_SUMMARY,
    reads=(S.SHEET_REPORT, S.SHEET_STATE),
    due_columns=DueColumns(S.SHEET_TICKETS, (S.T_TICKET,), S.T_ACTION, S.T_DUE,
                           details=(S.T_CLIENT, S.T_TEMPLATE, S.T_TAG, S.T_PRIORITY)),
)
