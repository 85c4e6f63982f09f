"""The core's finding codes (prefix ``XL-``): what every workbook kind shares — columns found by
header, the settings sheet, input cells that cannot be read. Each in German and Italian: the
kind's language (``Kind.language``) chooses.

The kinds' own codes are in ``kinds/<kind>/findings.py``; ``tests/test_codes.py`` checks that
every finding the product makes is declared in one of them.
"""
from __future__ import annotations

from .findings import ERROR, INFO, WARNING, Catalog, Code

__all__ = ["NOT_IN_LIST", "SETTING_EXPECTED", "Core"]

# "<value> is not one of the closed list's values": the message of every kind's closed-list code
# (incasso_state, Agentur, …), so that they read alike; {allowed} is '' when there is a suggestion.
NOT_IN_LIST = {
    "de": "'{value}' ist kein gültiger Wert für {header}{allowed}",
    "it": "'{value}' non è un valore valido per {header}{allowed}",
}

# What an Italian settings value must look like, by setting kind (the German message quotes the
# parser's reason instead).
SETTING_EXPECTED = {
    "it": {"days": "atteso un numero intero di giorni", "int": "atteso un numero intero",
           "region": "es. IT o IT-RM", "bool": "sì/no"},
}


class Core(Catalog, prefix="XL-", title="Alle Arbeitsmappen", languages=("de", "it")):
    HEADER_MISSING = Code(
        ERROR, "A required column is not found by its header text in row 1 (aliases included).",
        de="Spalte '{header}' fehlt in Zeile 1{consequence}",
        it="Colonna '{header}' mancante nella riga 1{consequence}")
    HEADER_DUPLICATE = Code(
        WARNING, "A header stands more than once in row 1; the first column is used.",
        de="Spalte '{header}' steht mehrfach in Zeile 1 ({cells}); verwendet wird {used}",
        it="Colonna '{header}' presente più volte nella riga 1 ({cells}): si usa {used}")
    SETTINGS_HEADER_MISSING = Code(
        WARNING, "The settings sheet has no key/value header in row 1; every setting keeps its default.",
        de="Einstellungen nicht lesbar: Zeile 1 braucht die Spalten 'Schlüssel' und 'Wert' — es gelten "
           "die Standardwerte",
        it="Impostazioni non leggibili: la riga 1 deve avere le colonne 'Chiave' e 'Valore' — valgono i "
           "valori predefiniti")
    SETTINGS_DUPLICATE = Code(
        WARNING, "A setting stands twice on the settings sheet; the first row applies.",
        de="Einstellung '{setting}' steht doppelt; es gilt Zeile {first_row}, diese Zeile wird ignoriert",
        it="Impostazione '{setting}' ripetuta: vale la prima riga, questa viene ignorata")
    SETTINGS_INVALID = Code(
        WARNING, "A setting's value cannot be read; its default applies.",
        de="Einstellung '{setting}': Wert '{value}' ungültig ({reason}) — es gilt der Standardwert '{default}'",
        it="Impostazione '{typed_setting}': valore '{value}' non valido{expected} — vale il predefinito "
           "'{default}'")
    SETTINGS_ALIAS_COLUMN = Code(
        WARNING, "An 'Alias <column>' setting names another known column of the same sheet (e.g. "
                 "support_comment = Notizen, the internal notes): that alias is ignored.",
        de="Alias für '{header}': '{alias}' ist eine andere Spalte des Blatts '{sheet}' — ignoriert (ein "
           "Alias darf nie eine andere bekannte Spalte meinen)",
        it="Alias per '{header}': '{alias}' è un'altra colonna del foglio '{sheet}' — ignorato (un alias "
           "non può mai indicare un'altra colonna nota)")
    DATE_INVALID = Code(
        ERROR, "A date cell holds something that is not a date (TT.MM.JJJJ, ISO or an Excel date).",
        de="{header}: {reason}", it="{header}: {reason}")
    BOOL_INVALID = Code(
        ERROR, "A yes/no cell holds something that is not yes or no.",
        de="{header}: {reason}", it="{header}: {reason}")
    ID_INVALID = Code(
        ERROR, "An id cell (order, vendor, user) holds no usable id (a fraction, blanks inside, a date).",
        de="{header}: {reason}", it="{header}: {reason}")
    FORMULA_NO_VALUE = Code(
        WARNING, "A formula cell the product reads has no computed value in the file (saved by a program "
                 "that does not calculate): it reads as blank.",
        de="{header}: Formel ohne berechneten Wert (die Datei wurde von einem Programm gespeichert, das "
           "nicht rechnet) — wird als leer gelesen; in Excel öffnen und speichern",
        it="{header}: formula senza valore calcolato (file salvato da un programma che non calcola) — "
           "letta come vuota; aprire e salvare il file in Excel")
    OVERVIEW_FOREIGN = Code(
        INFO, "The agents keep a sheet of the overview's name of their own: it stays as it is and the "
              "overview goes to '<name> (automatisch)'.",
        de="Blatt '{sheet}' gehört nicht dem Produkt (A1 ist nicht '{marker}') und bleibt, wie es ist — "
           "die Übersicht steht auf '{target}'",
        it="Il foglio '{sheet}' non è del prodotto (A1 non è '{marker}') e resta com'è — il riepilogo è "
           "sul foglio '{target}'")
