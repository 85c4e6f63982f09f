"""Workbook "Inkasso - Cancelled Installments" (SPEC §2): dunning, Freigabe, hand-over to Diagonal.

schema (sheets, headers, statuses, settings) · rules (the run) · handover (the Diagonal CSV) ·
status_list (a vendor's orders by Schulden-Status) · imports (the debts export and Diagonal's
feedback, read back) · template (a new, empty workbook).
"""
from ...core.context import RunContext
from ...core.due import DueColumns
from ...core.layout import SheetLayout
from ...core.plan import Plan
from ...core.workbook_data import WorkbookData
from ..kind import Kind
from . import schema as S
from .findings import Inkasso


def plan_run(wb: WorkbookData, ctx: RunContext) -> Plan:
    """The run (``rules.plan_run``), imported on its first call: recognising a workbook imports no
    kind's rules, and a run imports its own kind's only."""
    from .rules import plan_run
    return plan_run(wb, ctx)


def layouts() -> list[SheetLayout]:
    """The sheets of a new workbook (``template.layouts``), imported when one is made."""
    from .template import layouts
    return layouts()


KIND = Kind(
    name=S.KIND, title=S.TITLE, signature=(S.SHEET_MASTER,),
    settings_sheet=S.SHEET_SETTINGS, settings=S.SETTINGS, columns=S.COLUMNS, plan_run=plan_run, layouts=layouts,
    run_module=f"{__name__}.rules",
    catalog=Inkasso,
    findings_sheet=S.SHEET_FINDINGS, protocol_sheet=S.SHEET_PROTOCOL, overview_sheet=S.SHEET_SUMMARY,
    reads=(S.SHEET_OVERVIEW, S.SHEET_WAITING, S.SHEET_STATE),
    actions=("export-csv", "status-list", "import-schulden", "import-diagonal"),
    due_columns=DueColumns(S.SHEET_MASTER, (S.M_ORDER_ID,), S.M_NEXT_STEP, S.M_DUE, details=(S.M_VENDOR_ID,),
                           open_when=(S.M_FOLLOW, S.FOLLOW_YES)),
)
