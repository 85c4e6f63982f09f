"""Sheets, headers, closed lists, tags and settings of the Italian collection-call workbook
"Solleciti" (SPEC §3, seed 003). The Italian names here are the contract with the callers."""
from __future__ import annotations

from ...core.language import language
from ...core.settings import SettingSpec

KIND = "solleciti"
TITLE = "Solleciti"
LANGUAGE = "it"                      # of sheet names, messages and findings

SHEET_TICKETS = "Ticket"
SHEET_REPORT = "Report Preblocco"
SHEET_SETTINGS = "Impostazioni"
SHEET_FINDINGS = "Verifica"          # the Italian workbook's "Prüfung"
SHEET_PROTOCOL = "Protokoll"
SHEET_SUMMARY = "Riepilogo"          # the overview the product rewrites (core.overview)
SHEET_STATE = "xl_addin_Solleciti"   # veryHidden: since when a row holds its outcome, MANCATO CONTATTO history

# ---------------------------------------------------------------- Ticket sheet: inputs
T_TICKET = "Ticket"
T_CLIENT = "Cliente"
T_STATUS = "Stato"
T_OUTCOME = "Esito chiamata"
T_ATTEMPTS = "Tentativi"
T_MISSED_APPTS = "Appuntamenti mancati"
T_OPEN_PROFORMAS = "Proforma aperti"
T_REASON = "Motivo"
T_CONTACT_PERSON = "Interlocutore"
T_PROBLEM = "Tipo problema"
T_PAID_ON = "Data pagamento"
T_PAYMENT_KIND = "Tipo pagamento"
T_AGREED_ON = "Data accordo"
T_PREBLOCCO_ON = "Data preblocco"
T_BROKEN_PROMISES = "Promesse saltate"
T_UPDATE = "Aggiornamento"
T_CONTACT_ON = "Data contatto"       # optional (not in SPEC): day of the call recorded in the row

# computed
T_ACTION = "Azione"
T_TEMPLATE = "Template"
T_TAG = "Tag"
T_DUE = "Scadenza task"
T_PRIORITY = "Priorità"
T_ASSIGNEE = "Assegnare a"
T_IN_REPORT = "Report preblocco"

TICKET_INPUT_HEADERS = [
    T_TICKET, T_CLIENT, T_STATUS, T_OUTCOME, T_ATTEMPTS, T_MISSED_APPTS, T_OPEN_PROFORMAS, T_REASON,
    T_CONTACT_PERSON, T_PROBLEM, T_PAID_ON, T_PAYMENT_KIND, T_AGREED_ON, T_PREBLOCCO_ON,
    T_BROKEN_PROMISES, T_UPDATE, T_CONTACT_ON,
]
TICKET_COMPUTED_HEADERS = [T_ACTION, T_TEMPLATE, T_TAG, T_DUE, T_PRIORITY, T_ASSIGNEE, T_IN_REPORT]
TICKET_HEADERS = TICKET_INPUT_HEADERS + TICKET_COMPUTED_HEADERS
TICKET_REQUIRED = [T_TICKET, T_STATUS]
TICKET_DATE_HEADERS = [T_PAID_ON, T_AGREED_ON, T_PREBLOCCO_ON, T_CONTACT_ON]
TICKET_COUNT_HEADERS = [T_ATTEMPTS, T_MISSED_APPTS, T_OPEN_PROFORMAS, T_BROKEN_PROMISES]

# ---------------------------------------------------------------- closed lists
S_NEW = "Nuovo"
S_NOT_WORKED = "Non lavorato"
S_CALL_1 = "Chiamata 1"
S_CALL_2 = "Chiamata 2"
S_CALL_3 = "Chiamata 3"
S_APPOINTMENT = "Appuntamento telefonico"
S_PREBLOCCO = "Pre-Blocco"
S_CUSTOMER_CARE = "Risoluzione Customer Care"
S_RETURNED = "Rientro"
S_AWAITING_PAYMENT = "In attesa di pagamento"
STATUSES = [S_NEW, S_NOT_WORKED, S_CALL_1, S_CALL_2, S_CALL_3, S_APPOINTMENT, S_PREBLOCCO,
            S_CUSTOMER_CARE, S_RETURNED, S_AWAITING_PAYMENT]
# Stato is the ticket's state before the call in Esito chiamata (SPEC §3 "Which attempt a row records"):
# the calls made before it — what Tentativi must say when filled. The recorded call is the next one.
CALLS_BEFORE = {S_NEW: 0, S_NOT_WORKED: 0, S_CALL_1: 1, S_CALL_2: 2, S_CALL_3: 3}
CONTACT_STATUSES = [S_NEW, S_NOT_WORKED, S_CALL_1, S_CALL_2, S_CALL_3, S_APPOINTMENT]

O_NO_ANSWER = "Non risponde"
O_ALREADY_PAID = "Ha già pagato"
O_AGREEMENT = "Accordo di pagamento"
O_NO_AGREEMENT = "Nessun accordo"
OUTCOMES = [O_NO_ANSWER, O_ALREADY_PAID, O_AGREEMENT, O_NO_AGREEMENT]

R_PROBLEM = "Problema da risolvere"
R_WONT_TALK = "Non vuole comunicare"
R_MUST_VERIFY = "Deve verificare"
R_REFUSES = "Rifiuta generico"
REASONS = [R_PROBLEM, R_WONT_TALK, R_MUST_VERIFY, R_REFUSES]

C_STUDIO = "Studio"
C_ADMIN = "Amministrazione"
C_MANAGER = "Responsabile"
CONTACT_PERSONS = [C_STUDIO, C_ADMIN, C_MANAGER]

P_BALANCE = "Bilancio/Studio"
P_ACCOUNTING = "Contabilità"
P_TECHNICAL = "Tecnico"
PROBLEMS = [P_BALANCE, P_ACCOUNTING, P_TECHNICAL]

PAY_FULL = "Saldo"
PAY_PARTIAL = "Parziale"
PAYMENT_KINDS = [PAY_FULL, PAY_PARTIAL]

U_UPDATE = "Aggiornamento"
U_RESOLVED = "Risolto"
UPDATES = [U_UPDATE, U_RESOLVED]

PRIO_MEDIUM = "MEDIA"
PRIO_HIGH = "ALTA"
PRIO_BLOCKING = "BLOCCANTE"
PRIORITIES = [PRIO_MEDIUM, PRIO_HIGH, PRIO_BLOCKING]

YES, NO = "Sì", "No"

CHOICES = {
    T_STATUS: STATUSES, T_OUTCOME: OUTCOMES, T_REASON: REASONS, T_CONTACT_PERSON: CONTACT_PERSONS,
    T_PROBLEM: PROBLEMS, T_PAYMENT_KIND: PAYMENT_KINDS, T_UPDATE: UPDATES,
}

# ---------------------------------------------------------------- what the seed tells the caller to set
TEMPLATE_SUMMARY = "RIEPILOGO"
TEMPLATE_PREBLOCCO = "PREBLOCCO"

TAG_CALL = "chiamata {n}"
TAG_NO_CONTACT = "MANCATO CONTATTO {n}"
TAG_PREBLOCCO = "preblocco"
TAG_PAYMENT_CHECK = "CONTROLLO PAGAMENTO"
TAG_PAYMENT_VERIFY = "VERIFICA PAGAMENTO"
TAG_VERIFY_OFFICE = "VERIFICA SEDE"
TAG_CC_ACCOUNTANT = "CUSTOMER CARE/CONTABILE"
TAG_CC = "CUSTOMER CARE"
TAG_STUDIO = "GESTIONE STUDIO"
TAG_OFFICE = "GESTIONE SEDE"
TAG_APPOINTMENT = "APPUNTAMENTO TELEFONICO"
TAG_TO_BLOCK = "DA BLOCCARE"
TAG_PROMISE = "PROMESSA DI PAGAMENTO {n}"
TAG_SEPARATOR = "; "

TASK_AGREEMENT = "ACCORDO PAGAMENTO"
TASK_VERIFY_PAYMENT = "VERIFICA PAGAMENTO"
NOTE_NO_ANSWER = "CLIENTE NON RISPONDE/NON REPERIBILE"
NOTE_PREBLOCCO = "avviso di PREBLOCCO inoltrato"

# ---------------------------------------------------------------- Report Preblocco
RP_TICKET = "Ticket"
RP_CLIENT = "Cliente"
RP_PROFORMAS = "Proforma aperti"
RP_CAUSE = "Causa"
RP_ADDED_ON = "Data inserimento"
RP_CHECK_BY = "Ricontrollo entro"
RP_ADDED_BY = "Inserito da"
REPORT_HEADERS = [RP_TICKET, RP_CLIENT, RP_PROFORMAS, RP_CAUSE, RP_ADDED_ON, RP_CHECK_BY, RP_ADDED_BY]
# the sheets whose columns are found by header, with the columns the product knows on them (an
# alias may never name another of them: core.settings)
COLUMNS = {SHEET_TICKETS: TICKET_HEADERS, SHEET_REPORT: REPORT_HEADERS}

# ---------------------------------------------------------------- hidden state
STATE_HEADER = ["Ticket", "Impronta", "Visto dal", "Mancato contatto"]

# ---------------------------------------------------------------- Verifica (findings) in Italian
FINDINGS_HEADER_IT = list(language(LANGUAGE).findings_header)

DATE_FORMAT_IT = "DD/MM/YYYY"

# ---------------------------------------------------------------- Impostazioni (SPEC defaults)
K_REGION = "Regione festività"
K_OFFICE = "Assegnatario sede"
K_MANAGER = "Responsabile"
K_RECALL_DAYS = "Giorni richiamata"
K_RECENT_PAYMENT_DAYS = "Giorni pagamento recente"
K_PAYMENT_CHECK_DAYS = "Giorni controllo pagamento"
K_PROBLEM_DAYS = "Giorni problema"
K_PREBLOCCO_DAYS = "Giorni preblocco"
K_NO_CONTACT_DAY = "Giorno mancato contatto"
K_CALLS_BEFORE_NO_CONTACT = "Chiamate prima del mancato contatto"
K_MAX_MISSED_APPTS = "Appuntamenti mancati massimi"
K_PROFORMAS_PREBLOCCO = "Proforma per preblocco"
K_MAX_PROFORMAS_WAITING = "Proforma massimi in attesa"
K_MAX_BROKEN_PROMISES = "Promesse saltate massime"
K_BACKUPS = "Backup"

SETTINGS = [
    SettingSpec(K_REGION, "IT", "region",
                "Festività per i giorni lavorativi (IT = nazionali; es. IT-RM aggiunge il patrono di Roma)"),
    SettingSpec(K_OFFICE, "assistenza.xriba", "str",
                "Utente a cui assegnare verifica pagamenti, gestione studio/sede e ticket da bloccare"),
    SettingSpec(K_MANAGER, "Responsabile", "str",
                "Utente del responsabile (cliente che vuole parlare solo con un responsabile)"),
    SettingSpec(K_RECALL_DAYS, 5, "days", "Giorni lavorativi fino alla nuova chiamata dopo una mancata risposta"),
    SettingSpec(K_RECENT_PAYMENT_DAYS, 5, "days",
                "'Ha già pagato' fino a questi giorni lavorativi fa: contabile via email; oltre: verifica in sede"),
    SettingSpec(K_PAYMENT_CHECK_DAYS, 3, "days",
                "Giorni lavorativi dopo la data accordata/promessa per il controllo del pagamento"),
    SettingSpec(K_PROBLEM_DAYS, 10, "days", "Giorni lavorativi della task di ricontatto per un problema da risolvere"),
    SettingSpec(K_PREBLOCCO_DAYS, 15, "days", "Giorni di calendario dalla mail di PREBLOCCO al blocco"),
    SettingSpec(K_NO_CONTACT_DAY, 10, "int",
                "Giorno del mese successivo per la task di mancato contatto (o primo giorno lavorativo seguente)"),
    SettingSpec(K_CALLS_BEFORE_NO_CONTACT, 3, "int",
                "Chiamata senza risposta a partire dalla quale si va a mancato contatto/preblocco"),
    SettingSpec(K_MAX_MISSED_APPTS, 3, "int",
                "Appuntamenti telefonici mancati a partire dai quali si va a mancato contatto/preblocco"),
    SettingSpec(K_PROFORMAS_PREBLOCCO, 3, "int",
                "Mancato contatto: da questo numero di proforma aperti si passa al PREBLOCCO"),
    SettingSpec(K_MAX_PROFORMAS_WAITING, 3, "int",
                "In attesa di pagamento: oltre questo numero di proforma aperti si passa al PREBLOCCO"),
    SettingSpec(K_MAX_BROKEN_PROMISES, 2, "int",
                "In attesa di pagamento: oltre questo numero di promesse saltate si passa al PREBLOCCO"),
    SettingSpec(K_BACKUPS, 3, "int", "Copie di sicurezza che un'esecuzione conserva"),
]
