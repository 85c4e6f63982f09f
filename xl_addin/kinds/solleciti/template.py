"""Template layout of the Italian "Solleciti" workbook (`xl-addin new solleciti`)."""
from __future__ import annotations

from ...core.layout import ListRule, SheetLayout, findings_layout, protocol_layout, settings_layout
from . import schema as S

_HEADER_NOTES = {
    S.T_STATUS: "Stato PRIMA della chiamata registrata in Esito chiamata: Nuovo = 1ª chiamata, Chiamata 1 = 2ª, "
                "Chiamata 2 = 3ª",
    S.T_ATTEMPTS: "Facoltativo: chiamate fatte PRIMA di quella registrata in Esito chiamata (0 con Stato Nuovo, "
                  "N con Chiamata N). Conta lo Stato: se non coincide, avviso in Verifica",
    S.T_MISSED_APPTS: "Appuntamenti telefonici mancati finora, compreso quello dell'esito registrato",
    S.T_BROKEN_PROMISES: "Promesse di pagamento non rispettate finora",
    S.T_CONTACT_ON: "Giorno della chiamata/del contatto registrato nella riga. Vuota: vale il giorno in cui "
                    "xl_addin vede l'esito per la prima volta",
}


def layouts() -> list[SheetLayout]:
    """The sheets of a new, empty Solleciti workbook (SPEC §3), in Italian."""
    count_format = "0"
    tickets = SheetLayout(
        S.SHEET_TICKETS, S.TICKET_HEADERS,
        widths={S.T_TICKET: 11, S.T_CLIENT: 30, S.T_STATUS: 26, S.T_OUTCOME: 22, S.T_ATTEMPTS: 11,
                S.T_MISSED_APPTS: 13, S.T_OPEN_PROFORMAS: 12, S.T_REASON: 22, S.T_CONTACT_PERSON: 16,
                S.T_PROBLEM: 16, S.T_PAID_ON: 14, S.T_PAYMENT_KIND: 14, S.T_AGREED_ON: 13,
                S.T_PREBLOCCO_ON: 14, S.T_BROKEN_PROMISES: 12, S.T_UPDATE: 15, S.T_CONTACT_ON: 13,
                S.T_ACTION: 70, S.T_TEMPLATE: 12, S.T_TAG: 34, S.T_DUE: 13, S.T_PRIORITY: 12,
                S.T_ASSIGNEE: 18, S.T_IN_REPORT: 10},
        number_formats={**{h: S.DATE_FORMAT_IT for h in S.TICKET_DATE_HEADERS + [S.T_DUE]},
                        **{h: count_format for h in S.TICKET_COUNT_HEADERS}},
        lists={
            S.T_STATUS: ListRule(S.STATUSES, "Stato del ticket prima della chiamata registrata"),
            S.T_OUTCOME: ListRule(S.OUTCOMES, "Esito dell'ultima chiamata (mail e ticket valgono come contatto)"),
            S.T_REASON: ListRule(S.REASONS, "Perché non si è concluso un accordo"),
            S.T_CONTACT_PERSON: ListRule(S.CONTACT_PERSONS, "Con chi vuole parlare il cliente"),
            S.T_PROBLEM: ListRule(S.PROBLEMS, "Tipologia di problematica"),
            S.T_PAYMENT_KIND: ListRule(S.PAYMENT_KINDS, "Saldo del dovuto o pagamento parziale"),
            S.T_UPDATE: ListRule(S.UPDATES, "Dal Customer Care: aggiornamento o problema risolto"),
        },
        computed=S.TICKET_COMPUTED_HEADERS,
        notes=_HEADER_NOTES,
    )
    report = SheetLayout(S.SHEET_REPORT, S.REPORT_HEADERS,
                         widths={S.RP_TICKET: 12, S.RP_CLIENT: 30, S.RP_PROFORMAS: 15, S.RP_CAUSE: 60,
                                 S.RP_ADDED_ON: 16, S.RP_CHECK_BY: 17, S.RP_ADDED_BY: 16},
                         number_formats={S.RP_ADDED_ON: S.DATE_FORMAT_IT, S.RP_CHECK_BY: S.DATE_FORMAT_IT})
    settings = settings_layout(S.SHEET_SETTINGS, S.SETTINGS, (36, 24, 90), header=["Chiave", "Valore", "Descrizione"])
    return [tickets, report, settings, findings_layout(S.SHEET_FINDINGS, S.FINDINGS_HEADER_IT),
            protocol_layout(S.SHEET_PROTOCOL)]
