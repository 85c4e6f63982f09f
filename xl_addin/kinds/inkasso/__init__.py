"""Workbook "Inkasso - Cancelled Installments" (SPEC §2): dunning, Freigabe, hand-over to Diagonal.

schema (sheets, headers, statuses, settings) · rules (the run) · handover (the Diagonal CSV) ·
status_list (a vendor's orders by Schulden-Status) · imports (the debts export and Diagonal's
feedback, read back) · template (a new, empty workbook).
"""
from ...core.due import DueColumns
from ..kind import Kind
from . import schema as S
from .findings import Inkasso
from .rules import FOLLOW_YES, plan_run
from .template import layouts

KIND = Kind(
    name=S.KIND, title=S.TITLE, signature=(S.SHEET_MASTER,),
    settings_sheet=S.SHEET_SETTINGS, settings=S.SETTINGS, columns=S.COLUMNS, plan_run=plan_run, layouts=layouts,
    catalog=Inkasso,
    findings_sheet=S.SHEET_FINDINGS, protocol_sheet=S.SHEET_PROTOCOL, overview_sheet=S.SHEET_SUMMARY,
    reads=(S.SHEET_OVERVIEW, S.SHEET_WAITING, S.SHEET_STATE),
    actions=("export-csv", "status-list", "import-schulden", "import-diagonal"),
    due_columns=DueColumns(S.SHEET_MASTER, (S.M_ORDER_ID,), S.M_NEXT_STEP, S.M_DUE, details=(S.M_VENDOR_ID,),
                           open_when=(S.M_FOLLOW, FOLLOW_YES)),
)
