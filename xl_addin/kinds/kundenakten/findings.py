"""The Kundenakten workbook's finding codes (prefix ``KA-``): the run and the VPA export. Cells
that cannot be read as a date are the core's code ``XL-DATE-INVALID``."""
from __future__ import annotations

from ...core.findings import ERROR, INFO, WARNING, Catalog, Code
from .schema import FILE_VPA, TITLE


class Kundenakten(Catalog, prefix="KA-", title=TITLE):
    SHEET_MISSING = Code(
        ERROR, "The Kunden or Einträge sheet is missing: nothing is computed.",
        de="Blatt '{sheet}' fehlt — nichts berechnet")

    # ---- Kunden
    CUSTOMER_MISSING = Code(
        ERROR, "A customer row or an entry names no customer.", de="Kunde fehlt — {consequence}")
    CUSTOMER_DUPLICATE = Code(
        WARNING, "A customer stands twice on the Kunden sheet.",
        de="Kunde '{customer}' steht mehrfach auf '{sheet}' (auch Zeile {first_row})")
    STATUS_INVALID = Code(
        ERROR, "Kundenstatus is none of the statuses.",
        de="Kundenstatus '{value}' ist kein gültiger Wert (erlaubt: {allowed})")
    ASSIGNED_MISSING = Code(
        WARNING, "A VPA is named but 'Zugewiesen am' is missing: the file's age is unknown.",
        de="VPA '{vpa}' ist eingetragen, aber 'Zugewiesen am' fehlt — ab wann zählt die Akte?")
    DATE_FUTURE = Code(
        WARNING, "A date (assignment, entry) lies in the future.",
        de="{what} {date} liegt in der Zukunft{consequence}")

    # ---- Einträge
    DATE_MISSING = Code(
        WARNING, "An entry has no date: it does not count for freshness.",
        de="Datum fehlt — der Eintrag zählt nicht für die Aktualität")
    FILE_INVALID = Code(
        ERROR, "An entry's Akte is neither O-Team nor VPA: it is neither coloured nor exported.",
        de="Akte {problem} (erlaubt: {allowed}) — der Eintrag wird weder gefärbt noch exportiert")
    CUSTOMER_UNKNOWN = Code(
        WARNING, "An entry's customer is not on the Kunden sheet.", de="Kunde '{customer}' steht nicht auf '{sheet}'")
    CATEGORY_INVALID = Code(
        WARNING, "An entry's Kategorie is not in the settings' list.",
        de="Kategorie '{value}' ist nicht in der Liste (Einstellung '{setting}')")
    SITUATION_MISSING = Code(
        WARNING, "An entry has no Situation.",
        de="Situation fehlt — jeder Eintrag beschreibt die Situation (dann Reaktion/Lösung, nächste Schritte)")
    INITIALS_MISSING = Code(
        WARNING, "An entry from the shared account has no initials.",
        de="Eintrag aus dem gemeinsamen Konto '{account}' ohne Kürzel — wer hat ihn geschrieben?")
    AUTHOR_COLUMN_MISSING = Code(
        INFO, "The author column is missing: shared-account entries cannot be checked for initials.",
        de="Spalte '{header}' fehlt — ob Einträge aus dem gemeinsamen Konto ein Kürzel haben, kann nicht "
           "geprüft werden")

    # ---- the VPA export
    EXPORT_WITHHELD = Code(
        WARNING, "An entry whose Akte is unclear is withheld from the VPA export (only 'VPA' goes out).",
        de="Akte {problem} — Eintrag nicht exportiert (nur 'VPA' geht an den VPA)", fix=FILE_VPA)
    EXPORT_FORMULA_NO_VALUE = Code(
        WARNING, "A cell the VPA export reads is a formula without a computed value (saved by a program that "
                 "does not calculate): it is blank in the export, or the entry cannot be assigned.",
        de="{header}: Formel ohne berechneten Wert (die Datei wurde von einem Programm gespeichert, das nicht "
           "rechnet) — {consequence}; Datei in Excel öffnen und speichern")
    EXPORT_FORMULA = Code(
        WARNING, "A cell the VPA export would pass on holds a formula: its cached result may come from any "
                 "row (an O-Team entry), so it is not exported — only typed values leave the workbook.",
        de="{header} ist eine Formel — {consequence} (nur eingetippte Werte gehen an den VPA)",
        fix="Wert eintippen oder 'Inhalte einfügen → Werte'")
