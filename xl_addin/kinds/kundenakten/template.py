"""Template layout of the "Kundenakten" workbook (`xl-addin new kundenakten`)."""
from __future__ import annotations

from ...core.layout import ListRule, SheetLayout, findings_layout, protocol_layout, settings_layout
from ...core.plan import DATE_FORMAT
from . import schema as S


def layouts() -> list[SheetLayout]:
    """The sheets of a new, empty Kundenakten workbook (SPEC §4)."""
    date_cols = {h: DATE_FORMAT for h in (S.K_ASSIGNED, S.K_LAST_VPA, S.K_FOLLOW_UP)}
    customers = SheetLayout(
        S.SHEET_CUSTOMERS, S.CUSTOMER_HEADERS,
        widths={S.K_CUSTOMER: 30, S.K_STATUS: 18, S.K_VPA: 20, S.K_ASSIGNED: 14, S.K_LAST_VPA: 18,
                S.K_CURRENT: 16, S.K_FOLLOW_UP: 14, S.K_NEXT_STEP: 70},
        number_formats=date_cols,
        lists={S.K_STATUS: ListRule(S.CUSTOMER_STATUSES, "Status des Kunden (bestimmt die Chatvorlage an den VPA)")},
        computed=S.CUSTOMER_COMPUTED_HEADERS,
    )
    entries = SheetLayout(
        S.SHEET_ENTRIES, S.ENTRY_HEADERS,
        widths={S.E_DATE: 12, S.E_CUSTOMER: 28, S.E_FILE: 9, S.E_CATEGORY: 24, S.E_SITUATION: 50,
                S.E_RESPONSE: 40, S.E_NEXT: 36, S.E_AUTHOR: 16, S.E_INITIALS: 8, S.E_FOLLOW_UP: 14,
                S.E_DEADLINE: 12},
        number_formats={h: DATE_FORMAT for h in (S.E_DATE, S.E_FOLLOW_UP, S.E_DEADLINE)},
        lists={
            S.E_FILE: ListRule(S.FILE_VALUES, "O-Team = intern (nie für den VPA), VPA = Akte für den VPA"),
            S.E_CATEGORY: ListRule(S.CATEGORIES, "Art des Eintrags", strict=False),
        },
    )
    settings = settings_layout(S.SHEET_SETTINGS, S.SETTINGS, (34, 40, 90))
    return [customers, entries, settings, findings_layout(S.SHEET_FINDINGS), protocol_layout(S.SHEET_PROTOCOL)]

