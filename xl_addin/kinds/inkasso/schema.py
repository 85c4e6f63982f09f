"""Sheets, headers, statuses and settings of the "Inkasso - Cancelled Installments" workbook
(SPEC §2). The names here are the contract with the agents."""
from __future__ import annotations

from dataclasses import dataclass

from ...core.settings import Settings, SettingSpec

KIND = "inkasso"
TITLE = "Inkasso - Cancelled Installments"

SHEET_OVERVIEW = "Overview_Cancelled_Installments"
SHEET_MASTER = "Masterliste"
SHEET_WAITING = "Warten auf Freigabe"
SHEET_SETTINGS = "Einstellungen"
SHEET_FINDINGS = "Prüfung"
SHEET_PROTOCOL = "Protokoll"
SHEET_SUMMARY = "Übersicht"          # the overview the product rewrites (core.overview)
SHEET_STATE = "xl_addin_Statusverlauf"   # hidden: last seen Schulden-Status per order

# Overview_Cancelled_Installments
OV_USER_ID = "User-ID"
OV_VENDOR = "Vendor"
OV_EMAIL = "E-Mail"
OV_VIP = "VIP"
OV_DIRECT = "Direkt ins Inkasso"
OV_WA_GROUP = "WA-Gruppe"
OV_ACTIVE = "Aktiv"
OV_NOTES = "Notizen"
OVERVIEW_HEADERS = [OV_USER_ID, OV_VENDOR, OV_EMAIL, OV_VIP, OV_DIRECT, OV_WA_GROUP, OV_ACTIVE, OV_NOTES]
OVERVIEW_REQUIRED = [OV_USER_ID]

# Masterliste
M_VENDOR_ID = "vendor_id"
M_ORDER_ID = "order_id"
M_INVOICE_NO = "Rechnungsnummer"
M_FIRST_NAME = "Vorname"
M_LAST_NAME = "Nachname"
M_PRODUCT = "Produkt"
M_AMOUNT = "Offener Betrag"
M_REASON = "Grund"
M_FIRST_LETTER = "first_dunning_letter"
M_SECOND_LETTER = "second_dunning_letter"
M_INCASSO_DATE = "incasso_date"
M_SUPPORT_COMMENT = "support_comment"
M_STATUS_SUPPORT = "status_support"
M_OFFER_LINK = "offer_link"
M_INCASSO_STATE = "incasso_state"
M_REOPENED = "reopened"
M_REOPENED_ID = "reopened_id"
M_INVALID_ADDRESS = "invalid_address"
M_DEBT_STATUS = "Schulden-Status"
M_NOTES = "Notizen"
M_FOLLOW = "Verfolgen"            # computed
FOLLOW_YES, FOLLOW_NO = "Ja", "Nein"   # its values
M_NEXT_STEP = "Nächster Schritt"  # computed
M_DUE = "Fällig am"               # computed

MASTER_INPUT_HEADERS = [
    M_VENDOR_ID, M_ORDER_ID, M_INVOICE_NO, M_FIRST_NAME, M_LAST_NAME, M_PRODUCT, M_AMOUNT, M_REASON,
    M_FIRST_LETTER, M_SECOND_LETTER, M_INCASSO_DATE, M_SUPPORT_COMMENT, M_STATUS_SUPPORT, M_OFFER_LINK,
    M_INCASSO_STATE, M_REOPENED, M_REOPENED_ID, M_INVALID_ADDRESS, M_DEBT_STATUS, M_NOTES,
]
MASTER_COMPUTED_HEADERS = [M_FOLLOW, M_NEXT_STEP, M_DUE]
MASTER_HEADERS = MASTER_INPUT_HEADERS + MASTER_COMPUTED_HEADERS
MASTER_REQUIRED = [M_VENDOR_ID, M_ORDER_ID]
# the sheets whose columns are found by header, with the columns the product knows on them (an
# alias may never name another of them: core.settings)
COLUMNS = {SHEET_OVERVIEW: OVERVIEW_HEADERS, SHEET_MASTER: MASTER_HEADERS}

# Warten auf Freigabe: columns A–M fixed by the seed (1-based numbers)
W_INVOICE_NO, W_USER_ID, W_VENDOR, W_EMAIL, W_ORDER_ID, W_FIRST_NAME, W_LAST_NAME, W_AMOUNT, \
    W_PRODUCT, W_FIRST_LETTER, W_SECOND_LETTER, W_STATUS, W_VIP_STATUS = range(1, 14)
WAITING_HEADERS = [
    "Rechnungsnummer", "User-ID", "Vendor", "E-Mail", "Bestell-ID", "Vorname", "Nachname",
    "Offener Betrag", "Produkt", "1. Mahnung", "2. Mahnung", "Status", "Status VIP-Manager",
]
WAITING_APPROVED = "Freigabe"
WAITING_CANCEL = "Kündigung"

# The CSV's incasso_state values (SPEC §2: exactly these, `canceled` with one "l")
STATE_CANCELED = "canceled"
STATE_BLOCKED = "blocked"
STATE_SENT = "sent_for_collection"
STATE_PAID = "paid"
STATE_ON_HOLD = "on_hold"
INCASSO_STATES = [STATE_CANCELED, STATE_BLOCKED, STATE_SENT, STATE_PAID, STATE_ON_HOLD]

# Schulden-Status (the platform's debts tab, seed 004)
DEBT_LOCKED = "Gesperrt"
DEBT_RUNNING = "Laufend"
DEBT_CANCELLED = "Gekündigt"
DEBT_BLOCKED = "Blockiert"
DEBT_SENT = "Ans Inkasso übergeben"
DEBT_PAID = "Bezahlt"
DEBT_STATUSES = [DEBT_LOCKED, DEBT_RUNNING, DEBT_CANCELLED, DEBT_BLOCKED, DEBT_SENT, DEBT_PAID]
DEBT_OPEN = [DEBT_LOCKED, DEBT_RUNNING, DEBT_SENT]   # states from which Gekündigt/Blockiert/Bezahlt may follow

# Consistency Schulden-Status <-> incasso_state
DEBT_TO_STATE = {DEBT_PAID: STATE_PAID, DEBT_CANCELLED: STATE_CANCELED,
                 DEBT_BLOCKED: STATE_BLOCKED, DEBT_SENT: STATE_SENT}

# Nächster Schritt values
STEP_FIRST = "1. Mahnung senden"
STEP_SECOND = "2. Mahnung senden"
STEP_ASK_APPROVAL = "Freigabe beim Vendor anfragen"
STEP_HAND_OVER = "Ans Inkasso übergeben"
STEP_CLARIFY = "Klären (blockiert)"
STEP_AT_AGENCY = "Beim Inkasso – Rückmeldung von Diagonal eintragen"
STEP_NONE = "Keine Aktion"
STEP_REOPENED = "Neu bestellt ({reopened_id})"
STEP_VENDOR_INACTIVE = "Vendor nicht im Mahnwesen"

# Settings (Einstellungen) with SPEC defaults
SETTINGS = [
    SettingSpec("Feiertage Region", "DE", "region", "Feiertage für Werktage (DE = bundesweit, z. B. DE-BY für Bayern)"),
    SettingSpec("Farbe gelb", "FFFF00", "colour", "Füllfarbe: zu verfolgen / wartet"),
    SettingSpec("Farbe grau", "BFBFBF", "colour", "Füllfarbe: nicht verfolgen / abgeschlossen"),
    SettingSpec("Mahnlauf Tag", 1, "int", "Tag des Monats, an dem der monatliche Mahnlauf stattfindet"),
    SettingSpec("Mahnlauf auf Werktag verschieben", False, "bool",
                "Ja: fällt der Mahnlauf auf Wochenende/Feiertag, gilt der nächste Werktag"),
    SettingSpec("Tage bis 2. Mahnung", 14, "days", "Tage nach der 1. Mahnung bis zur 2. Mahnung"),
    SettingSpec("Tage bis Freigabe", 14, "days", "Tage nach der 2. Mahnung ohne Zahlung bis Freigabe/Übergabe"),
    SettingSpec("Interner Marker", "intern:", "str",
                "Zeilen im support_comment, die so beginnen, werden nie exportiert"),
    SettingSpec("CSV Dateiname", "vendor_{vendor_id}.csv", "str", "Dateiname der Übergabe-CSV je Vendor"),
    SettingSpec("Backups", 3, "int", "Anzahl Sicherungskopien, die ein Lauf behält"),
    SettingSpec("VIP-Manager", "VIP-Manager", "str", "Rolle: VIP Relationship Manager (WA-Gruppen)"),
    SettingSpec("Rechnungsstellung", "Rechnungsstellung", "str", "Rolle: erstellt Rechnungen"),
    SettingSpec("Buchhaltung", "Buchhaltung", "str", "Rolle: prüft Zahlungseingänge"),
    SettingSpec("Eskalation", "Eskalation", "str", "Rolle: strittige Fälle"),
]


@dataclass(frozen=True)
class InkassoSettings:
    """What the Inkasso rules read from Einstellungen, typed, read once per run."""
    region: str                       # Feiertage Region
    yellow: str                       # Farbe gelb
    grey: str                         # Farbe grau
    run_day: int                      # Mahnlauf Tag
    run_day_on_working_day: bool      # Mahnlauf auf Werktag verschieben
    days_to_second_letter: int        # Tage bis 2. Mahnung
    days_to_approval: int             # Tage bis Freigabe
    backups: int

    @classmethod
    def from_settings(cls, s: Settings) -> InkassoSettings:
        return cls(region=s.text("Feiertage Region"), yellow=s.text("Farbe gelb"), grey=s.text("Farbe grau"),
                   run_day=s.whole("Mahnlauf Tag"), run_day_on_working_day=s.flag("Mahnlauf auf Werktag verschieben"),
                   days_to_second_letter=s.whole("Tage bis 2. Mahnung"), days_to_approval=s.whole("Tage bis Freigabe"),
                   backups=s.whole("Backups"))

    @classmethod
    def defaults(cls) -> InkassoSettings:
        return cls.from_settings(Settings.defaults(SETTINGS))
