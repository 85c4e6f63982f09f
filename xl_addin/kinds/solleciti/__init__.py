"""Workbook "Solleciti" (SPEC §3): the Italian firm's collection calls, in Italian.

schema · flowchart (the seed's decision tree for one ticket) · run (the whole sheet) · template.
"""
from ...core.context import RunContext
from ...core.due import DueColumns
from ...core.layout import SheetLayout
from ...core.plan import Plan
from ...core.workbook_data import WorkbookData
from ..kind import ROME, Kind
from . import schema as S
from .findings import Solleciti


def plan_run(wb: WorkbookData, ctx: RunContext) -> Plan:
    """The run (``run.plan_run``), imported on its first call: recognising a workbook imports no
    kind's rules, and a run imports its own kind's only."""
    from .run import plan_run
    return plan_run(wb, ctx)


def layouts() -> list[SheetLayout]:
    """The sheets of a new workbook (``template.layouts``), imported when one is made."""
    from .template import layouts
    return layouts()


KIND = Kind(
    name=S.KIND, title=S.TITLE, signature=(S.SHEET_TICKETS,), timezone=ROME, language=S.LANGUAGE,
    settings_sheet=S.SHEET_SETTINGS, settings=S.SETTINGS, columns=S.COLUMNS, plan_run=plan_run, layouts=layouts,
    run_module=f"{__name__}.run",
    catalog=Solleciti,
    findings_sheet=S.SHEET_FINDINGS, protocol_sheet=S.SHEET_PROTOCOL, overview_sheet=S.SHEET_SUMMARY,
    reads=(S.SHEET_REPORT, S.SHEET_STATE),
    due_columns=DueColumns(S.SHEET_TICKETS, (S.T_TICKET,), S.T_ACTION, S.T_DUE,
                           details=(S.T_CLIENT, S.T_TEMPLATE, S.T_TAG, S.T_PRIORITY)),
)
