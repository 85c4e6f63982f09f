"""Template layout of the "Kundenbetreuung Diagonal" case log (`xl-addin new diagonal`)."""
from __future__ import annotations

from ...core.layout import ListRule, SheetLayout, findings_layout, protocol_layout, settings_layout
from ...core.plan import DATE_FORMAT, DATETIME_FORMAT
from . import schema as S


def layouts() -> list[SheetLayout]:
    """The sheets of a new, empty case log (SPEC §1)."""
    yes_no = [S.YES, S.NO]
    cases = SheetLayout(
        S.SHEET_CASES, S.CASE_HEADERS,
        widths={S.C_DATE: 12, S.C_AGENCY: 11, S.C_TYPE: 19, S.C_ORDER_ID: 12, S.C_USER_ID: 10,
                S.C_EMAIL: 32, S.C_VIP: 7, S.C_STEP: 25, S.C_SINCE: 17, S.C_REPLY: 20, S.C_NOTE: 40,
                S.C_NEXT: 70, S.C_SAVED_REPLY: 32, S.C_DUE: 17, S.C_OVERDUE: 11},
        number_formats={S.C_DATE: DATE_FORMAT, S.C_SINCE: DATETIME_FORMAT, S.C_DUE: DATETIME_FORMAT},
        lists={
            S.C_AGENCY: ListRule(S.AGENCIES, "Diagonal oder Debtist"),
            S.C_TYPE: ListRule(S.REQUEST_TYPES, "Art der Anfrage von Diagonal/Debtist"),
            S.C_STEP: ListRule(S.STEPS, "Aktueller Schritt; 'Schritt erledigt' setzt den nächsten"),
            S.C_REPLY: ListRule(S.REPLIES, "Antwort des Vendors (leer/offen = keine Antwort)"),
            S.C_VIP: ListRule(yes_no, "Leer: wird auf 'Vendoren' nachgeschlagen"),
        },
        computed=S.CASE_COMPUTED_HEADERS,
    )
    vendors = SheetLayout(
        S.SHEET_VENDORS, S.VENDOR_HEADERS,
        widths={S.V_USER_ID: 11, S.V_VENDOR: 32, S.V_EMAIL: 34, S.V_VIP: 8, S.V_DIRECT: 20, S.V_WA_GROUP: 26},
        lists={S.V_VIP: ListRule(yes_no, "Ja: VIP-Vendor (VIP-Manager betreut die VIP-Gruppe)"),
               S.V_DIRECT: ListRule(yes_no, "Ja: Bestellungen gehen ohne Freigabe ans Inkasso")},
    )
    settings = settings_layout(S.SHEET_SETTINGS, S.SETTINGS, (34, 34, 90))
    return [cases, vendors, settings, findings_layout(S.SHEET_FINDINGS), protocol_layout(S.SHEET_PROTOCOL)]
