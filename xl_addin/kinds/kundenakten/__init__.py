"""Workbook "Kundenakten" (SPEC §4): the agency's customer files, O-Team and VPA.

schema · rules (freshness, Wiedervorlage, colours) · vpa_export (the VPA file for the assistant) · template.
"""
from ...core.context import RunContext
from ...core.due import DueColumns
from ...core.layout import SheetLayout
from ...core.plan import Plan
from ...core.workbook_data import WorkbookData
from ..kind import Kind
from . import schema as S
from .findings import Kundenakten


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
    name=S.KIND, title=S.TITLE, signature=(S.SHEET_CUSTOMERS, S.SHEET_ENTRIES),
    settings_sheet=S.SHEET_SETTINGS, settings=S.SETTINGS, columns=S.COLUMNS, plan_run=plan_run, layouts=layouts,
    run_module=f"{__name__}.rules",
    catalog=Kundenakten,
    findings_sheet=S.SHEET_FINDINGS, protocol_sheet=S.SHEET_PROTOCOL, overview_sheet=S.SHEET_SUMMARY,
    actions=("export-akte",),
    due_columns=DueColumns(S.SHEET_CUSTOMERS, (S.K_CUSTOMER,), S.K_NEXT_STEP, S.K_FOLLOW_UP, details=(S.K_VPA,)),
)
