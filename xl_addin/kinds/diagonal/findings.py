"""The Diagonal case log's finding codes (prefix ``DIA-``): the run and the actions (step done,
new case). Cells that cannot be read as a date, yes/no or id are the core's codes (``XL-``)."""
from __future__ import annotations

from ...core.catalog import NOT_IN_LIST
from ...core.findings import ERROR, WARNING, Catalog, Code
from .schema import TITLE


class Diagonal(Catalog, prefix="DIA-", title=TITLE):
    # ---- sheets
    CASES_SHEET_MISSING = Code(
        ERROR, "The Fälle sheet is missing: nothing is computed.", de="Blatt '{sheet}' fehlt — nichts berechnet")
    VENDORS_SHEET_MISSING = Code(
        WARNING, "The Vendoren sheet is missing: VIP comes only from the cases' VIP column.",
        de="Blatt '{sheet}' fehlt — VIP nur aus der Spalte VIP der Fälle")

    # ---- Vendoren
    VENDOR_DUPLICATE = Code(
        WARNING, "A User-ID stands twice on Vendoren; the first row applies.",
        de="User-ID {user_id} steht mehrfach (auch Zeile {first_row}) — erste Zeile gilt")

    # ---- Fälle
    ORDER_ID_MISSING = Code(ERROR, "A case has no Bestell-ID.", de="Bestell-ID fehlt")
    AGENCY_INVALID = Code(ERROR, "Agentur is none of the agencies.", de=NOT_IN_LIST["de"])
    TYPE_INVALID = Code(ERROR, "Anfrageart is none of the request types.", de=NOT_IN_LIST["de"])
    TYPE_MISSING = Code(ERROR, "A case has no Anfrageart.", de="Anfrageart fehlt")
    AGENCY_MISMATCH = Code(
        WARNING, "The Agentur does not match the request type (each type belongs to one agency).",
        de="Agentur '{agency}' passt nicht: '{request_type}' gehört zu {expected}")
    STEP_INVALID = Code(ERROR, "Schritt is none of the step table's steps.", de=NOT_IN_LIST["de"])
    REPLY_INVALID = Code(ERROR, "Antwort is none of the replies.", de=NOT_IN_LIST["de"])
    DATE_MISSING = Code(
        WARNING, "A new case has neither Datum nor 'Schritt seit': it is due from today.",
        de="Datum fehlt (Eingang der Nachricht) — fällig ab heute")
    SINCE_MISSING = Code(
        ERROR, "A case past 'Neu' has no 'Schritt seit': its deadline cannot be counted.",
        de="{header} fehlt — die Frist des Schritts '{step}' zählt ab diesem Zeitpunkt")
    VENDOR_UNKNOWN = Code(
        WARNING, "A case's User-ID is not on Vendoren.",
        de="User-ID {user_id} steht nicht auf '{sheet}'{consequence}")
    VIP_MISMATCH = Code(
        WARNING, "The case's VIP contradicts the Vendoren sheet.",
        de="VIP '{vip}' widerspricht '{sheet}' (Zeile {row}: {vendor_vip})")
    EMAIL_MISMATCH = Code(
        WARNING, "The case's vendor e-mail differs from the one on Vendoren.",
        de="Vendor-E-Mail '{email}' weicht von '{sheet}' ab (immer die Adresse aus 'Users' verwenden)")
    VIP_UNKNOWN = Code(
        ERROR, "VIP is blank and the vendor unknown, where the next step depends on it.",
        de="VIP leer und User-ID nicht auf 'Vendoren' — ohne VIP-Status ist der nächste Schritt unklar")

    # ---- actions
    STEP_DONE_REFUSED = Code(
        ERROR, "'Schritt erledigt' cannot advance this row or order id (the reason says why).",
        de="{reason}")
