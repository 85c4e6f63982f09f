"""Template layout of the "Inkasso - Cancelled Installments" workbook (`xl-addin new inkasso`)."""
from __future__ import annotations

from ...core.layout import (
    AMOUNT_FORMAT,
    NO,
    TRUE_FALSE,
    YES,
    ListRule,
    SheetLayout,
    findings_layout,
    protocol_layout,
    settings_layout,
)
from ...core.plan import DATE_FORMAT
from . import schema as S


def layouts() -> list[SheetLayout]:
    """The sheets of a new, empty \"Inkasso - Cancelled Installments\" workbook (SPEC §2)."""
    overview = SheetLayout(
        S.SHEET_OVERVIEW, S.OVERVIEW_HEADERS,
        widths={S.OV_USER_ID: 12, S.OV_VENDOR: 32, S.OV_EMAIL: 34, S.OV_VIP: 8,
                S.OV_DIRECT: 20, S.OV_WA_GROUP: 24, S.OV_ACTIVE: 9, S.OV_NOTES: 48},
        lists={S.OV_VIP: ListRule([YES, NO], "Ja: VIP-Vendor (VIP-Manager betreut die WA-Gruppe)"),
               S.OV_DIRECT: ListRule([YES, NO], "Ja: Bestellungen gehen ohne Freigabe ans Inkasso"),
               S.OV_ACTIVE: ListRule([YES, NO], "Nein: Vendor nimmt nicht (mehr) am Mahnwesen teil")},
    )
    master_dates = [S.M_FIRST_LETTER, S.M_SECOND_LETTER, S.M_INCASSO_DATE, S.M_DUE]
    master = SheetLayout(
        S.SHEET_MASTER, S.MASTER_HEADERS,
        widths={S.M_VENDOR_ID: 11, S.M_ORDER_ID: 12, S.M_INVOICE_NO: 18, S.M_FIRST_NAME: 14,
                S.M_LAST_NAME: 16, S.M_PRODUCT: 34, S.M_AMOUNT: 15, S.M_REASON: 26,
                S.M_FIRST_LETTER: 14, S.M_SECOND_LETTER: 14, S.M_INCASSO_DATE: 14,
                S.M_SUPPORT_COMMENT: 40, S.M_STATUS_SUPPORT: 20, S.M_OFFER_LINK: 34,
                S.M_INCASSO_STATE: 20, S.M_REOPENED: 10, S.M_REOPENED_ID: 13,
                S.M_INVALID_ADDRESS: 14, S.M_DEBT_STATUS: 22, S.M_NOTES: 40,
                S.M_FOLLOW: 11, S.M_NEXT_STEP: 44, S.M_DUE: 13},
        number_formats={**{h: DATE_FORMAT for h in master_dates}, S.M_AMOUNT: AMOUNT_FORMAT},
        lists={
            S.M_INCASSO_STATE: ListRule(
                S.INCASSO_STATES, "canceled (mit einem l), blocked, sent_for_collection, paid, on_hold"),
            S.M_DEBT_STATUS: ListRule(S.DEBT_STATUSES, "Status aus dem Schulden-Tab"),
            S.M_REOPENED: ListRule(TRUE_FALSE, "True: es gibt eine neue Bestellung (reopened_id eintragen)"),
            S.M_INVALID_ADDRESS: ListRule(TRUE_FALSE, "True: Kunde hat keine oder eine falsche Adresse"),
        },
        computed=S.MASTER_COMPUTED_HEADERS,
    )
    waiting_col = {n: S.WAITING_HEADERS[n - 1] for n in range(1, len(S.WAITING_HEADERS) + 1)}
    waiting = SheetLayout(
        S.SHEET_WAITING, S.WAITING_HEADERS,
        widths={waiting_col[S.W_INVOICE_NO]: 18, waiting_col[S.W_USER_ID]: 11,
                waiting_col[S.W_VENDOR]: 30, waiting_col[S.W_EMAIL]: 32,
                waiting_col[S.W_ORDER_ID]: 12, waiting_col[S.W_FIRST_NAME]: 14,
                waiting_col[S.W_LAST_NAME]: 16, waiting_col[S.W_AMOUNT]: 15,
                waiting_col[S.W_PRODUCT]: 34, waiting_col[S.W_FIRST_LETTER]: 13,
                waiting_col[S.W_SECOND_LETTER]: 13, waiting_col[S.W_STATUS]: 22,
                waiting_col[S.W_VIP_STATUS]: 36},
        number_formats={waiting_col[S.W_FIRST_LETTER]: DATE_FORMAT,
                        waiting_col[S.W_SECOND_LETTER]: DATE_FORMAT,
                        waiting_col[S.W_AMOUNT]: AMOUNT_FORMAT},
        lists={waiting_col[S.W_STATUS]: ListRule(
            [S.WAITING_APPROVED, S.WAITING_CANCEL],
            "Name des Vendors, solange es bei ihm liegt; 'Freigabe' nach seinem Go; "
            "'Kündigung', wenn er die Bestellung kündigen möchte",
            strict=False)},
    )
    return [overview, master, waiting, settings_layout(S.SHEET_SETTINGS, S.SETTINGS),
            findings_layout(S.SHEET_FINDINGS), protocol_layout(S.SHEET_PROTOCOL)]
