"""Sheets, headers, values and settings of the "Kundenakten" workbook (SPEC §4, seed 002).
The names here are the contract with the agents.

Two files per customer live on one sheet `Einträge`, told apart by the column `Akte`: the
internal O-Team file (black text; never shown to the assistant, "VPA") and the VPA file (green
fill; hand-over to and from the assistant). `Kunden` has one row per customer; the product
computes when the VPA last wrote, whether the VPA file is current and when to follow up.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ...core.settings import Settings, SettingSpec

KIND = "kundenakten"
TITLE = "Kundenakten"

SHEET_CUSTOMERS = "Kunden"
SHEET_ENTRIES = "Einträge"
SHEET_SETTINGS = "Einstellungen"
SHEET_FINDINGS = "Prüfung"
SHEET_PROTOCOL = "Protokoll"
SHEET_SUMMARY = "Übersicht"          # the overview the product rewrites (core.overview)

# Kunden
K_CUSTOMER = "Kunde"
K_STATUS = "Kundenstatus"
K_VPA = "VPA"
K_ASSIGNED = "Zugewiesen am"
K_LAST_VPA = "Letzter VPA-Eintrag"      # computed
K_CURRENT = "VPA-Akte aktuell"          # computed
K_FOLLOW_UP = "Wiedervorlage"           # computed
K_NEXT_STEP = "Nächster Schritt"        # computed (names the template and the deadline)
CUSTOMER_INPUT_HEADERS = [K_CUSTOMER, K_STATUS, K_VPA, K_ASSIGNED]
CUSTOMER_COMPUTED_HEADERS = [K_LAST_VPA, K_CURRENT, K_FOLLOW_UP, K_NEXT_STEP]
CUSTOMER_HEADERS = CUSTOMER_INPUT_HEADERS + CUSTOMER_COMPUTED_HEADERS
CUSTOMER_REQUIRED = [K_CUSTOMER]

# Kundenstatus (seed: Neukunde = Angebotskunde / regulärer Bucher / Prio Kunde; inaktiver Kunde;
# Neuzuweisung = VPA-Wechsel oder Ausfall)
STATUS_OFFER = "Angebotskunde"
STATUS_REGULAR = "Regulärer Bucher"
STATUS_PRIO = "Prio Kunde"
STATUS_INACTIVE = "Inaktiv"
STATUS_REASSIGNED = "Neuzuweisung"
CUSTOMER_STATUSES = [STATUS_OFFER, STATUS_REGULAR, STATUS_PRIO, STATUS_INACTIVE, STATUS_REASSIGNED]

CURRENT_YES, CURRENT_NO = "Ja", "Nein"

# Einträge
E_DATE = "Datum"
E_CUSTOMER = "Kunde"
E_FILE = "Akte"
E_CATEGORY = "Kategorie"
E_SITUATION = "Situation"
E_RESPONSE = "Reaktion/Lösung"
E_NEXT = "Nächste Schritte"
E_AUTHOR = "Verfasst von"     # the account the entry was written from (shared-account rule)
E_INITIALS = "Kürzel"
E_FOLLOW_UP = "Wiedervorlage"
E_DEADLINE = "Frist VPA"
ENTRY_HEADERS = [E_DATE, E_CUSTOMER, E_FILE, E_CATEGORY, E_SITUATION, E_RESPONSE, E_NEXT,
                 E_AUTHOR, E_INITIALS, E_FOLLOW_UP, E_DEADLINE]
# the sheets whose columns are found by header, with the columns the product knows on them (an
# alias may never name another of them: core.settings)
COLUMNS = {SHEET_CUSTOMERS: CUSTOMER_HEADERS, SHEET_ENTRIES: ENTRY_HEADERS}
ENTRY_REQUIRED = [E_DATE, E_CUSTOMER, E_FILE]

# Akte: which file an entry belongs to
FILE_OTEAM = "O-Team"
FILE_VPA = "VPA"
FILE_VALUES = [FILE_OTEAM, FILE_VPA]
# spellings of the seed that mean the internal file ("OTeam Kundenakte", "O Team Kundenakte");
# the VPA file has no alias on purpose: only a cell that reads exactly "VPA" is ever exported
OTEAM_ALIASES = ["OTeam", "O Team", "O-Team-Akte", "OTeam-Akte"]

# Kategorie (seed: what goes into the files; "Übergabe" and "Kundenbetreuung" are the VPA
# file's two purposes, seed 2.1 and 2.2)
CATEGORIES = [
    "Lead-Gespräch", "Chat/Mail", "Statusänderung", "VPA-Wechsel", "IT-Problem", "Telefonat",
    "Beschwerde", "Stundenpaketverlängerung", "Sondervereinbarung", "Add-on-Buchung",
    "Übergabe", "Kundenbetreuung",
]

# Settings keys
SET_STALE_DAYS = "Tage ohne VPA-Eintrag"
SET_DEADLINE_DAYS = "Frist VPA Tage"
SET_SHARED_ACCOUNT = "Gemeinsames Konto"
SET_GREEN = "Farbe VPA"
SET_BLACK = "Schriftfarbe O-Team"
SET_CATEGORIES = "Kategorien"
SET_BACKUPS = "Backups"
TEMPLATE_KEY = "Vorlage {status}"

TEMPLATE_DEFAULTS = {
    STATUS_OFFER: "Chatvorlage Akte – Angebotskunde",
    STATUS_REGULAR: "Chatvorlage Akte – Regulärer Bucher",
    STATUS_PRIO: "Chatvorlage Akte – Prio Kunde",
    STATUS_INACTIVE: "Chatvorlage Akte – Inaktiver Kunde",
    STATUS_REASSIGNED: "Chatvorlage Akte – Neuzuweisung",
}

SETTINGS = [
    SettingSpec(SET_STALE_DAYS, 28, "days",
                "Ohne VPA-Eintrag so viele Tage nach Zuweisung bzw. letztem Eintrag ist die VPA-Akte "
                "nicht aktuell (28 = 4 Wochen)"),
    SettingSpec(SET_DEADLINE_DAYS, 7, "days", "Frist für den VPA, die Akte nachzutragen (Tage ab heute)"),
    SettingSpec(SET_SHARED_ACCOUNT, ["Team-Account"], "list",
                "Name des gemeinsamen Kontos (mehrere mit ; trennen): Einträge, die dort 'Verfasst von' "
                "stehen haben, brauchen ein Kürzel"),
    SettingSpec(SET_GREEN, "C6EFCE", "colour", "Füllfarbe der VPA-Einträge (grün)"),
    SettingSpec(SET_BLACK, "000000", "colour", "Schriftfarbe der O-Team-Einträge (schwarz)"),
    SettingSpec(SET_CATEGORIES, list(CATEGORIES), "list", "Erlaubte Kategorien der Einträge (mit ; trennen)"),
    *[SettingSpec(TEMPLATE_KEY.format(status=s), t, "str",
                  f"Chatvorlage an den VPA, wenn die Akte eines Kunden mit Status '{s}' nicht aktuell ist")
      for s, t in TEMPLATE_DEFAULTS.items()],
    SettingSpec(SET_BACKUPS, 3, "int", "Anzahl Sicherungskopien, die ein Lauf behält"),
]


@dataclass(frozen=True)
class KundenaktenSettings:
    """What the Kundenakten rules read from Einstellungen, typed, read once per run."""
    stale_days: int                       # Tage ohne VPA-Eintrag
    deadline_days: int                    # Frist VPA Tage
    shared_accounts: tuple[str, ...]      # Gemeinsames Konto
    green: str                            # Farbe VPA
    black: str                            # Schriftfarbe O-Team
    categories: tuple[str, ...]           # Kategorien
    backups: int
    templates: dict[str, str] = field(default_factory=dict)   # Kundenstatus -> Vorlage …

    @classmethod
    def from_settings(cls, s: Settings) -> KundenaktenSettings:
        return cls(stale_days=s.whole(SET_STALE_DAYS), deadline_days=s.whole(SET_DEADLINE_DAYS),
                   shared_accounts=s.texts(SET_SHARED_ACCOUNT), green=s.text(SET_GREEN), black=s.text(SET_BLACK),
                   categories=s.texts(SET_CATEGORIES), backups=s.whole(SET_BACKUPS),
                   templates={status: s.text(TEMPLATE_KEY.format(status=status)) for status in TEMPLATE_DEFAULTS})

    @classmethod
    def defaults(cls) -> KundenaktenSettings:
        return cls.from_settings(Settings.defaults(SETTINGS))


# The VPA export: the only columns of an entry that ever leave the workbook (allow-list)
EXPORT_COLUMNS = [E_DATE, E_CATEGORY, E_SITUATION, E_RESPONSE, E_NEXT, E_DEADLINE]
EXPORT_SHEET = "VPA-Akte"
EXPORT_TITLE = "VPA-Kundenakte"
