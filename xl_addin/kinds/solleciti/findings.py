"""The Solleciti workbook's finding codes (prefix ``SOL-``), in Italian like the workbook. Columns
found by header and the Impostazioni sheet are the core's codes (``XL-``), in Italian too."""
from __future__ import annotations

from ...core.findings import ERROR, WARNING, Catalog, Code
from .schema import TITLE


class Solleciti(Catalog, prefix="SOL-", title=TITLE, languages=("it",)):
    # ---- sheets and columns
    SHEET_MISSING = Code(
        ERROR, "The Ticket sheet is missing: nothing is computed.", it="Foglio '{sheet}' mancante: niente da calcolare")
    COLUMN_MISSING = Code(
        WARNING, "An input column of Ticket is missing: tickets that need it stay to be completed.",
        it="Colonna '{header}' mancante nella riga 1: i ticket che ne hanno bisogno restano da completare")
    REPORT_COLUMN_MISSING = Code(
        ERROR, "Report Preblocco has no Ticket column: no ticket is added to it.",
        it="Colonna '{header}' mancante nella riga 1 del {sheet}: nessun ticket viene aggiunto")

    # ---- Ticket cells
    TICKET_INVALID = Code(
        ERROR, "The Ticket cell holds no usable id.", it="Ticket: '{value}' non è un identificativo valido")
    TICKET_MISSING = Code(
        ERROR, "A row without Ticket: it is computed but cannot go onto Report Preblocco.",
        it="Ticket mancante: la riga viene calcolata, ma non può entrare nel Report Preblocco")
    TICKET_DUPLICATE = Code(
        WARNING, "A Ticket stands twice on the Ticket sheet.",
        it="Ticket {ticket} compare più volte (anche riga {first_row})")
    VALUE_INVALID = Code(
        ERROR, "A closed-list cell (Stato, Esito chiamata, …) holds none of its values.",
        it="{header} '{value}' non è un valore valido{allowed}")
    DATE_INVALID = Code(
        ERROR, "A date cell holds no date, or a year outside 2000–2100.", it="{header}: '{value}' {problem}")
    NUMBER_INVALID = Code(
        ERROR, "A count (Tentativi, …) is not a whole number ≥ 0.", it="{header}: '{value}' non è un numero intero ≥ 0")
    ATTEMPTS_MISMATCH = Code(
        WARNING, "Tentativi (calls before the recorded one) disagrees with the Stato; the decision follows the Stato.",
        it="Tentativi {value} non è coerente con Stato '{status}', che vuol dire {calls} prima di quella registrata "
           "(Tentativi '{implied}'): vale lo Stato, {attempt}ª chiamata",
        fix="{implied}")

    # ---- the flow chart
    MISSING = Code(
        ERROR, "The flow chart needs a value the row does not have.", it="{header} mancante: serve {why}{absent}")
    CONTRADICTION = Code(ERROR, "The row's values contradict each other (the message says which).", it="{reason}")

    # ---- Report Preblocco
    REPORT_DUPLICATE = Code(
        WARNING, "A Ticket stands twice on Report Preblocco.",
        it="Ticket {ticket} compare più volte nel {sheet} (anche riga {first_row}): cancellare la riga doppia a mano")
