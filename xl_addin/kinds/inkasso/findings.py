"""The Inkasso workbook's finding codes (prefix ``INK-``): the run, the Diagonal CSV and the status
list. Cells that cannot be read as a date, yes/no or id are the core's codes (``XL-``)."""
from __future__ import annotations

from ...core.catalog import NOT_IN_LIST
from ...core.findings import ERROR, INFO, WARNING, Catalog, Code
from .schema import STATE_SENT, TITLE

# The closing-the-loop imports (kinds/inkasso/imports.py) name two places: a cell of the source
# file (``schulden.csv!C5``) or the Masterliste cell the import would change.


class Inkasso(Catalog, prefix="INK-", title=TITLE):
    # ---- sheets and columns
    NO_MASTER = Code(
        ERROR, "The Masterliste sheet is missing: nothing is computed or exported.",
        de="Blatt '{sheet}' fehlt{consequence}")
    OVERVIEW_SHEET_MISSING = Code(
        ERROR, "The Übersicht sheet (the vendors) is missing: no order can be followed.",
        de="Blatt '{sheet}' fehlt — keine Bestellung kann verfolgt werden")
    STATE_COLUMN_MISSING = Code(
        ERROR, "The run must set incasso_state (Kündigung, on_hold) but the column is missing.",
        de="Spalte '{header}' fehlt — {change} nicht eingetragen")

    # ---- Masterliste rows
    STATE_INVALID = Code(
        ERROR, "incasso_state is none of the SPEC's values.", de=NOT_IN_LIST["de"])
    STATE_BLANK = Code(
        ERROR, "incasso_state is blank where the Diagonal CSV needs it (not while the order is in dunning).",
        de="incasso_state ist leer — erlaubt: {allowed}")
    DEBT_STATUS_INVALID = Code(
        ERROR, "Schulden-Status is none of the SPEC's values.", de=NOT_IN_LIST["de"])
    VENDOR_ID_MISSING = Code(
        ERROR, "An order has no vendor_id: it cannot be followed.", de="vendor_id fehlt")
    VENDOR_UNKNOWN = Code(
        WARNING, "An order's vendor_id is not on the Übersicht: the order is not followed.",
        de="vendor_id {vendor_id} steht nicht auf '{overview}' — Bestellung wird nicht verfolgt")
    CSV_ORDER_MISSING = Code(
        ERROR, "An order has no order_id (order ids are mandatory; Diagonal cannot match the row).",
        de="order_id fehlt (Bestell-IDs sind Pflicht und dürfen nie entfernt werden)")
    CSV_ORDER_DUPLICATE = Code(
        WARNING, "An order_id stands twice in the Masterliste.",
        de="order_id {order_id} steht mehrfach in der Masterliste (auch Zeile {first_row})")
    ORDER_DELETED = Code(
        ERROR, "An order id the product has seen is gone from the Masterliste (ids are never deleted).",
        de="Bestell-ID {order_id} (Vendor {vendor}) fehlt in der Masterliste — Bestell-IDs dürfen nie "
           "gelöscht werden")
    CSV_REOPENED_NO_ID = Code(
        ERROR, "reopened is True but reopened_id (the new order id) is missing.",
        de="reopened ist True, aber reopened_id fehlt (neue Bestell-ID eintragen)")
    CSV_REOPENED_ID_NOT_REOPENED = Code(
        ERROR, "reopened_id is filled in but reopened is not True.",
        de="reopened_id {reopened_id} ist eingetragen, aber reopened ist nicht True", fix="True")
    DEBT_TRANSITION = Code(
        ERROR, "Schulden-Status was changed by hand in a way the SPEC does not allow.",
        de="Schulden-Status von '{old}' zu '{new}' ist kein erlaubter Wechsel{why}")
    DEBT_ADDRESS = Code(
        ERROR, "Schulden-Status 'Inkasso läuft'/'Ans Inkasso übergeben' while invalid_address is True.",
        de="Schulden-Status '{status}' bei invalid_address = True — erst die Adresse korrigieren")
    STATE_CONTRADICTION = Code(
        ERROR, "incasso_state and Schulden-Status say different things.",
        de="incasso_state '{state}' passt nicht zu Schulden-Status '{debt}'{expected}")

    # ---- Übersicht and Warten auf Freigabe
    USER_ID_MISSING = Code(
        WARNING, "A row of the Übersicht has no User-ID: it is ignored.", de="User-ID fehlt — Zeile wird ignoriert")
    VENDOR_DUPLICATE = Code(
        WARNING, "A User-ID stands twice on the Übersicht; the first row applies.",
        de="User-ID {user_id} steht mehrfach (auch Zeile {first_row}) — erste Zeile gilt")
    WAITING_ORDER_ID_MISSING = Code(
        WARNING, "A row of 'Warten auf Freigabe' has no Bestell-ID.", de="Bestell-ID fehlt in Spalte E")
    WAITING_DUPLICATE = Code(
        WARNING, "A Bestell-ID stands twice on 'Warten auf Freigabe'.",
        de="Bestell-ID {order_id} steht mehrfach auf '{sheet}' (auch Zeile {first_row})")
    WAITING_UNKNOWN_ORDER = Code(
        WARNING, "A Bestell-ID on 'Warten auf Freigabe' is not in the Masterliste.",
        de="Bestell-ID {order_id} steht nicht in der Masterliste")
    WAITING_AMOUNT_TEXT = Code(
        WARNING, "An open amount that is no amount is copied to 'Warten auf Freigabe' as text "
                 "(an amount written as text, e.g. '1.234,50', is copied as a number).",
        de="{why} — als Text nach '{sheet}' übernommen")

    # ---- the Diagonal CSV
    VENDOR_BLANK = Code(
        WARNING, "A Masterliste row without vendor_id belongs to no vendor's CSV.",
        de="vendor_id ist leer — die Zeile gehört zu keinem Vendor, wird nicht exportiert")
    VENDOR_INVALID = Code(
        WARNING, "A Masterliste row's vendor_id cannot be read: the row is in no vendor's CSV.",
        de="vendor_id {reason} — die Zeile wird keinem Vendor zugeordnet")
    CSV_BOOL_BLANK = Code(
        WARNING, "reopened/invalid_address is blank: the CSV says 'False'.",
        de="{header} ist leer — wird als 'False' exportiert", fix="False")
    CSV_BOOL_BLANK_SUMMARY = Code(
        INFO, "How many reopened/invalid_address cells are blank and go into the CSV as 'False' (run/check).",
        de="{count} leere Zellen in {columns} werden in der Diagonal-CSV als 'False' exportiert ({cells})")
    CSV_SECOND_WITHOUT_FIRST = Code(
        ERROR, "A second dunning letter without a first one.",
        de="first_dunning_letter fehlt, obwohl die 2. Mahnung am {second} verschickt wurde")
    CSV_DATE_ORDER = Code(
        ERROR, "The second dunning letter is not after the first.",
        de="second_dunning_letter {second} liegt nicht nach first_dunning_letter {first}")
    CSV_LETTER_AFTER_HANDOVER = Code(
        ERROR, "A dunning letter is dated after the hand-over to the agency (incasso_date).",
        de="{header} {letter} liegt nach der Übergabe ans Inkasso (incasso_date {handed})")
    CSV_SENT_NO_DATE = Code(
        ERROR, "incasso_state 'sent_for_collection' without incasso_date.",
        de="incasso_state 'sent_for_collection' braucht ein incasso_date (Übernahmedatum aus der "
           "Diagonal-Aktenübersicht)")
    CSV_SENT_INVALID_ADDRESS = Code(
        ERROR, "incasso_state 'sent_for_collection' while invalid_address is True.",
        de="invalid_address ist True, aber incasso_state ist 'sent_for_collection' — ohne Adresse kann "
           "Diagonal nicht arbeiten")
    CSV_ON_HOLD_LETTERS = Code(
        ERROR, "incasso_state 'on_hold' without both dunning letters.",
        de="incasso_state 'on_hold' braucht beide Mahnungen — {header} fehlt")
    CSV_ON_HOLD_HANDED = Code(
        ERROR, "incasso_state 'on_hold' although incasso_date is set (at the agency already?).",
        de="incasso_state 'on_hold', aber incasso_date {handed} ist gesetzt (schon beim Inkasso?)",
        fix=STATE_SENT)
    CSV_FILENAME = Code(
        WARNING, "The setting 'CSV Dateiname' has no {vendor_id}: the default name is used.",
        de="Einstellung '{setting}' ('{template}') enthält kein {{vendor_id}} — Standard '{default}' wird "
           "verwendet", fix="{default}")
    CSV_FILENAME_FOLDER = Code(
        WARNING, "The setting 'CSV Dateiname' names a folder: only the file name is used.",
        de="Einstellung '{setting}' darf keinen Ordner enthalten — Dateiname '{name}' wird verwendet")
    CSV_FORMULA_NO_VALUE = Code(
        ERROR, "A cell the Diagonal CSV takes is a formula without a computed value (the file was saved by a "
               "program that does not calculate): the CSV would say '' where the workbook shows a value.",
        de="{header}: Formel ohne berechneten Wert (die Datei wurde von einem Programm gespeichert, das nicht "
           "rechnet) — die CSV enthielte hier nichts; Datei in Excel öffnen und speichern")
    CSV_FILENAME_INVALID = Code(
        WARNING, "The setting 'CSV Dateiname' cannot be a file name (a control character, or too long): the "
                 "default name is used.",
        de="Einstellung '{setting}' ist kein möglicher Dateiname ({why}) — Standard '{default}' wird verwendet",
        fix="{default}")
    FILE_NAME_TOO_LONG = Code(
        ERROR, "The file name for this vendor would be longer than a file system allows (255 bytes): no file "
               "for it; the other vendors' files are written.",
        de="Dateiname für vendor_id {vendor_id} wäre {length} Bytes lang, zu lang (höchstens 255) — keine Datei "
           "für diesen Vendor; vendor_id prüfen")
    CSV_NOT_WRITTEN = Code(
        ERROR, "The file could not be written (folder read-only, disk full…): nothing half-written, the other "
               "vendors' files are tried.",
        de="'{name}' nicht geschrieben: {why} — nichts halb geschrieben")
    CSV_NO_ROWS = Code(
        ERROR, "The vendor asked for has no order in the Masterliste: no CSV.",
        de="Keine Bestellungen für vendor_id {vendor_id} in der {sheet}")

    # ---- the status list
    LIST_COLUMN_MISSING = Code(
        WARNING, "An optional column of the status list is missing in the Masterliste: it stays blank.",
        de="Spalte '{header}' fehlt in Zeile 1 — bleibt in der Status-Liste leer")
    LIST_VALUE = Code(
        WARNING, "A value of the status list cannot be read: it is copied as it is.",
        de="{header}: {reason} — unverändert übernommen")
    LIST_FORMULA_NO_VALUE = Code(
        WARNING, "A cell the status list takes is a formula without a computed value: it stays blank there.",
        de="{header}: Formel ohne berechneten Wert (die Datei wurde von einem Programm gespeichert, das nicht "
           "rechnet) — {consequence}; Datei in Excel öffnen und speichern")
    LIST_STATUS_INVALID = Code(
        WARNING, "An order's Schulden-Status is none of the SPEC's values: the order is not listed (a "
                 "vendor sees only statuses it may see).",
        de="'{value}' ist kein gültiger Schulden-Status — Bestellung fehlt in der Liste")
    LIST_BLOCKED = Code(
        INFO, "An order in the internal pause (Schulden-Status 'Blockiert' or incasso_state 'blocked') is "
              "never in a vendor's status list: vendors never see 'Blockiert'.",
        de="Bestellung {order_id}: {header} '{value}' — nicht in der Status-Liste (Vendoren sehen "
           "'Blockiert' nie)")
    LIST_NO_ROWS = Code(
        ERROR, "The vendor asked for has no order in the Masterliste: no status list.",
        de="Keine Bestellungen für vendor_id {vendor_id} in der {sheet}")
    LIST_EMPTY = Code(
        INFO, "The vendor has orders, but none with the statuses asked for.",
        de="Keine Bestellungen von vendor_id {vendor_id} mit Status {statuses}")

    # ---- closing the loop: the platform's debts export and Diagonal's feedback (imports.py)
    IMPORT_ENCODING = Code(
        WARNING, "A source CSV is not UTF-8: it was read as Windows-1252 (German Excel's CSV).",
        de="Datei ist nicht UTF-8 — gelesen als Windows-1252; Umlaute bitte prüfen")
    IMPORT_ROW_NO_ORDER = Code(
        WARNING, "A row of the source file has values but no order id: it is skipped.",
        de="{header} fehlt — Zeile wird nicht übernommen")
    IMPORT_ORDER_TWICE = Code(
        WARNING, "An order stands twice in the source file; the first row applies.",
        de="Bestell-ID {order_id} steht mehrfach in der Datei (auch Zeile {first_row}) — erste Zeile gilt")
    IMPORT_STATUS_INVALID = Code(
        ERROR, "A status of the debts export is neither a Schulden-Status nor an incasso_state value: "
               "the order's status is not changed.",
        de="'{value}' ist kein gültiger Wert für {header}{allowed} — Status nicht übernommen")
    IMPORT_STATUS_NO_PAIR = Code(
        WARNING, "An incasso_state in the debts export has no Schulden-Status (on_hold): not changed.",
        de="incasso_state '{value}' hat keinen Schulden-Status — Status nicht übernommen")
    IMPORT_AMOUNT_INVALID = Code(
        ERROR, "An amount in the source file cannot be read: it is not taken over.",
        de="{header}: {reason}")
    IMPORT_DISAGREES = Code(
        WARNING, "The source file says otherwise than an agent's non-blank cell: the cell is kept.",
        de="{header}: Masterliste '{current}', {source} '{imported}' — nicht überschrieben, bitte klären")
    IMPORT_NEW_ORDER_NO_VENDOR = Code(
        WARNING, "An order of the debts export is not in the Masterliste and the row names no vendor: "
                 "not added.",
        de="Bestell-ID {order_id} steht nicht in der Masterliste und die Zeile nennt keinen Vendor "
           "({header}) — nicht hinzugefügt")
    IMPORT_VENDOR_NOT_ACTIVE = Code(
        INFO, "Orders of the debts export whose vendor is not active on the Übersicht are not added.",
        de="{count} Bestellung(en) von Vendor {vendor_id} nicht hinzugefügt — {why} ({orders})")
    IMPORT_NOT_IN_EXPORT = Code(
        INFO, "Masterliste orders of a vendor in the export that the export lacks (a status filter "
              "does that): kept.",
        de="{count} Bestellung(en) von Vendor {vendor_id} fehlen in '{source}' — bleiben unverändert "
           "({orders})")
    IMPORT_NOTES_COLUMN_MISSING = Code(
        ERROR, "The Masterliste has no column for what an import must enter: nothing entered there.",
        de="Spalte '{header}' fehlt in der Masterliste — {what} nicht eingetragen")
    FEEDBACK_EVENT_INVALID = Code(
        ERROR, "An event of Diagonal's feedback is none of the known events (settings 'Ereignis …' "
               "add spellings): the row changes nothing.",
        de="'{value}' ist kein bekanntes Ereignis{allowed} — Zeile nicht übernommen")
    FEEDBACK_ORDER_UNKNOWN = Code(
        WARNING, "An order of Diagonal's feedback is not in the Masterliste: the row changes nothing.",
        de="Bestell-ID {order_id} steht nicht in der Masterliste — Rückmeldung nicht übernommen")
    FEEDBACK_NOT_AT_AGENCY = Code(
        WARNING, "An order of Diagonal's feedback is not at the agency in the Masterliste: the row "
                 "changes nothing.",
        de="Bestell-ID {order_id} ist laut Masterliste nicht beim Inkasso (Zeile {row}: incasso_state "
           "'{state}', Schulden-Status '{debt}', kein incasso_date) — Rückmeldung nicht übernommen")
    FEEDBACK_DATE_MISSING = Code(
        WARNING, "A row of Diagonal's feedback has no date: without it the note could be entered twice.",
        de="{header} fehlt — ohne Datum wird die Rückmeldung nicht eingetragen")
    FEEDBACK_STATE_KEPT = Code(
        WARNING, "Diagonal reports 'bezahlt' but incasso_state says otherwise (not sent_for_collection): kept.",
        de="Diagonal meldet bezahlt, incasso_state ist '{state}' — nicht überschrieben, bitte klären",
        fix="paid")
