"""Sheets, headers, values and settings of the "Kundenbetreuung Diagonal" case log (SPEC §1,
seed 000_5bf3135b48cc5042). The names here are the contract with the agents."""
from __future__ import annotations

from ...core.settings import SettingSpec

KIND = "diagonal"
TITLE = "Kundenbetreuung Diagonal"
TIMEZONE = "Europe/Berlin"

SHEET_CASES = "Fälle"
SHEET_VENDORS = "Vendoren"
SHEET_SETTINGS = "Einstellungen"
SHEET_FINDINGS = "Prüfung"
SHEET_PROTOCOL = "Protokoll"
SHEET_SUMMARY = "Übersicht"          # the overview the product rewrites (core.overview)

# Fälle
C_DATE = "Datum"
C_AGENCY = "Agentur"
C_TYPE = "Anfrageart"
C_ORDER_ID = "Bestell-ID"
C_USER_ID = "User-ID"
C_EMAIL = "Vendor-E-Mail"
C_VIP = "VIP"
C_STEP = "Schritt"
C_SINCE = "Schritt seit"
C_REPLY = "Rückmeldung"
C_NOTE = "Notiz/Kommentar"
C_NEXT = "Nächste Aktion"        # computed
C_SAVED_REPLY = "Saved Reply"    # computed
C_DUE = "Fällig am"              # computed
C_OVERDUE = "Überfällig"         # computed

CASE_INPUT_HEADERS = [C_DATE, C_AGENCY, C_TYPE, C_ORDER_ID, C_USER_ID, C_EMAIL, C_VIP, C_STEP, C_SINCE,
                      C_REPLY, C_NOTE]
CASE_COMPUTED_HEADERS = [C_NEXT, C_SAVED_REPLY, C_DUE, C_OVERDUE]
CASE_HEADERS = CASE_INPUT_HEADERS + CASE_COMPUTED_HEADERS
CASE_REQUIRED = [C_TYPE, C_ORDER_ID, C_STEP, C_SINCE]

# Vendoren
V_USER_ID = "User-ID"
V_VENDOR = "Vendor"
V_EMAIL = "E-Mail"
V_VIP = "VIP"
V_DIRECT = "Direkt ins Inkasso"
V_WA_GROUP = "WA-Gruppe"
VENDOR_HEADERS = [V_USER_ID, V_VENDOR, V_EMAIL, V_VIP, V_DIRECT, V_WA_GROUP]
# the sheets whose columns are found by header, with the columns the product knows on them (an
# alias may never name another of them: core.settings)
COLUMNS = {SHEET_CASES: CASE_HEADERS, SHEET_VENDORS: VENDOR_HEADERS}

# Agentur
DIAGONAL = "Diagonal"
DEBTIST = "Debtist"
AGENCIES = [DIAGONAL, DEBTIST]

# Anfrageart
T_ADDRESS = "Adressermittlung"
T_RESIDENT = "Einwohneranfrage"
T_EXTRACT = "Betreibungsauszug"
T_HOME_VISIT = "Hausbesuch"
T_CREDITOR = "Gläubigeranfrage"
T_LIST = "Diagonalliste"
T_PAYMENT = "Zahlungsanfrage"
T_DEBTIST_ADDRESS = "Debtist-Adresse"
T_DEBTIST_INVOICE = "Debtist-Rechnung"
T_DEBTIST_PAYMENT = "Debtist-Zahlung"
T_DEBTIST_CANCEL = "Debtist-Storno"
REQUEST_TYPES = [T_ADDRESS, T_RESIDENT, T_EXTRACT, T_HOME_VISIT, T_CREDITOR, T_LIST, T_PAYMENT,
                 T_DEBTIST_ADDRESS, T_DEBTIST_INVOICE, T_DEBTIST_PAYMENT, T_DEBTIST_CANCEL]
PAID_STEP_TYPES = (T_ADDRESS, T_RESIDENT, T_EXTRACT)          # saved reply 306; the vendor bears the cost
DEBTIST_TYPES = (T_DEBTIST_ADDRESS, T_DEBTIST_INVOICE, T_DEBTIST_PAYMENT, T_DEBTIST_CANCEL)


def agency_of(request_type: str | None) -> str:
    """The agency a request type belongs to (Diagonal's unless it is a Debtist type)."""
    return DEBTIST if request_type in DEBTIST_TYPES else DIAGONAL


# Schritt
S_NEW = "Neu"
S_VENDOR_INFORMED = "Vendor informiert"
S_REMINDED = "Erinnert"
S_VIP_MANAGER = "VIP-Manager informiert"
S_COSTS_ACCEPTED = "Kostenübernahme zugesagt"
S_INVOICE_SENT = "Rechnung gesendet"
S_INVOICE_REMINDED = "Rechnung erinnert"
S_CANCELLED = "Storniert"
S_DECLINED = "Abgelehnt"
S_DONE = "Erledigt"
S_PAID = "Bezahlt"
STEPS = [S_NEW, S_VENDOR_INFORMED, S_REMINDED, S_VIP_MANAGER, S_COSTS_ACCEPTED, S_INVOICE_SENT,
         S_INVOICE_REMINDED, S_CANCELLED, S_DECLINED, S_DONE, S_PAID]
WAITING_STEPS = (S_VENDOR_INFORMED, S_REMINDED, S_VIP_MANAGER, S_INVOICE_SENT, S_INVOICE_REMINDED)
CLOSED_STEPS = (S_CANCELLED, S_DECLINED, S_DONE, S_PAID)
INVOICE_STEPS = (S_COSTS_ACCEPTED, S_INVOICE_SENT, S_INVOICE_REMINDED)   # the vendor's Zustimmung is behind us

# Rückmeldung
R_OPEN = "offen"
R_ACCEPT = "Zustimmung"
R_DECLINE = "Ablehnung"
R_CANCEL_CONFIRMED = "Storno bestätigt"
R_OTHER = "andere Entscheidung"
REPLIES = [R_OPEN, R_ACCEPT, R_DECLINE, R_CANCEL_CONFIRMED, R_OTHER]

YES, NO = "Ja", "Nein"

# Notes the product writes into Notiz/Kommentar when step-done closes a case (seed: "Notiz ... hinterlassen")
NOTE_CANCEL_CONFIRMED = "Stornierung vom Vendor bestätigt"
NOTE_NO_PAYMENT = "Keine Zahlung nach Erinnerung – Bestellung storniert"
NOTE_NO_PAYMENT_VIP = "VIP-Manager kontaktiert, keine Rückmeldung – Bestellung storniert"
NOTE_VIP_GRACE = "Keine Rückmeldung nach Info an VIP-Manager – Bestellung storniert"

# Settings (Einstellungen) with SPEC defaults
K_SNOOZE_VENDOR = "Snooze Vendor-Nachricht"
K_SNOOZE_REMINDER = "Snooze Erinnerung"
K_INVOICE_DAYS = "Zahlungsfrist Rechnung"
K_VIP_DUE = "VIP-Frist fällig"
K_VIP_OVERDUE = "VIP-Frist überfällig"
K_REPLY_ADDRESS = "Saved Reply Adressermittlung"
K_REPLY_REMINDER = "Saved Reply Nachfrage"
K_REPLY_CREDITOR = "Saved Reply Gläubigeranfrage"
K_REPLY_PAYMENT = "Saved Reply Zahlungsanfrage"
K_YELLOW = "Farbe gelb"
K_GREY = "Farbe grau"
K_BACKUPS = "Backups"
K_VIP_MANAGER = "VIP-Manager"
K_INVOICING = "Rechnungsstellung"
K_ACCOUNTING = "Buchhaltung"
K_ESCALATION = "Eskalation"

SETTINGS = [
    SettingSpec(K_SNOOZE_VENDOR, 48, "hours",
                "Stunden, die die Nachricht an den Vendor gesnoozed wird (306/308/309), bis zur Erinnerung"),
    SettingSpec(K_SNOOZE_REMINDER, 24, "hours",
                "Stunden nach einer Erinnerung (307), bis storniert bzw. der VIP-Manager informiert wird"),
    SettingSpec(K_INVOICE_DAYS, 7, "days", "Zahlungsfrist der Rechnung in Tagen, danach Erinnerung (307)"),
    SettingSpec(K_VIP_DUE, 2, "days", "VIP: Tage nach Info an den VIP-Manager, ab denen storniert werden soll"),
    SettingSpec(K_VIP_OVERDUE, 3, "days", "VIP: Tage nach Info an den VIP-Manager, ab denen der Fall überfällig ist"),
    SettingSpec(K_REPLY_ADDRESS, "306 Adressermittlung (Diagonal)", "str",
                "Saved Reply für Adressermittlung, Einwohneranfrage, Betreibungsauszug"),
    SettingSpec(K_REPLY_REMINDER, "307 Nachfrage (Diagonal)", "str", "Saved Reply für jede Erinnerung"),
    SettingSpec(K_REPLY_CREDITOR, "308 Gläubigeranfrage (Diagonal)", "str",
                "Saved Reply für Gläubigeranfrage und Nachweise zur Diagonalliste"),
    SettingSpec(K_REPLY_PAYMENT, "309 Zahlungsanfrage (Diagonal)", "str", "Saved Reply für Zahlungsanfrage"),
    SettingSpec(K_YELLOW, "FFFF00", "colour", "Füllfarbe der Rückmeldung, solange der Fall auf den Vendor wartet"),
    SettingSpec(K_GREY, "BFBFBF", "colour", "Füllfarbe der ganzen Zeile, sobald der Fall abgeschlossen ist"),
    SettingSpec(K_BACKUPS, 3, "int", "Anzahl Sicherungskopien, die ein Lauf behält"),
    SettingSpec(K_VIP_MANAGER, "VIP-Manager", "str", "Rolle: VIP Relationship Manager (VIP-Gruppen)"),
    SettingSpec(K_INVOICING, "Rechnungsstellung", "str", "Rolle: erstellt Rechnungen"),
    SettingSpec(K_ACCOUNTING, "Buchhaltung", "str", "Rolle: prüft Zahlungseingänge"),
    SettingSpec(K_ESCALATION, "Eskalation", "str", "Rolle: strittige Fälle"),
]
