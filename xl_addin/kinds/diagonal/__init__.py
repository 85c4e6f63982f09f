"""Workbook "Kundenbetreuung Diagonal" (SPEC §1): the case log of messages from Diagonal and Debtist.

schema · rules (the step table and the run) · actions (step done, new case, due cases) · template.
"""
from ...core.context import RunContext
from ...core.due import DueColumns
from ...core.layout import SheetLayout
from ...core.plan import Plan
from ...core.workbook_data import WorkbookData
from ..kind import Kind
from . import schema as S
from .findings import Diagonal


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
    name=S.KIND, title=S.TITLE, signature=(S.SHEET_CASES,), timezone=S.TIMEZONE,
    settings_sheet=S.SHEET_SETTINGS, settings=S.SETTINGS, columns=S.COLUMNS, plan_run=plan_run, layouts=layouts,
    run_module=f"{__name__}.rules",
    catalog=Diagonal,
    findings_sheet=S.SHEET_FINDINGS, protocol_sheet=S.SHEET_PROTOCOL, overview_sheet=S.SHEET_SUMMARY,
    reads=(S.SHEET_VENDORS,),
    actions=("step-done", "new-case", "due"),
    # a case is Bestell-ID + Anfrageart + Datum (an order may have several requests over time)
    due_columns=DueColumns(S.SHEET_CASES, (S.C_ORDER_ID, S.C_TYPE, S.C_DATE), S.C_NEXT, S.C_DUE,
                           details=(S.C_SAVED_REPLY, S.C_AGENCY)),
)
