"""Report Preblocco holds every ticket that reached the PREBLOCCO procedure exactly once (also
across runs, and when the callers typed rows themselves); a second run changes nothing; task dates
stay where they are when the workbook is run again on a later day; MANCATO CONTATTO N counts up
month by month."""
from __future__ import annotations

from datetime import date, datetime

from tests.solleciti.builders import (
    NOW,
    UNCHANGED,
    apply,
    findings_at,
    report_appends,
    result,
    run,
    set_cells,
    solleciti_data,
    ticket,
    written,
)
from xl_addin.kinds.solleciti import schema as S

PREBLOCCO = dict(status="Chiamata 2", outcome="Non risponde", attempts=2, proformas=4)


def report_tickets(wb):
    sheet = wb.sheet(S.SHEET_REPORT)
    col = sheet.rows[0].index(S.RP_TICKET)
    return [r[col] for r in sheet.rows[1:] if len(r) > col and r[col] not in (None, "")]


# ------------------------------------------------------------------ Report Preblocco

def test_first_preblocco_creates_the_report_row_and_logs_it():
    wb = solleciti_data([ticket(ticket=7001, client="Bar Sport di Neri", **PREBLOCCO)])
    plan = run(wb, user="g.verdi")
    [append] = [a for a in plan.appends if a.sheet == S.SHEET_REPORT]
    assert append.header == S.REPORT_HEADERS
    row = dict(zip(S.REPORT_HEADERS, append.rows[0], strict=True))
    assert row == {S.RP_TICKET: 7001, S.RP_CLIENT: "Bar Sport di Neri", S.RP_PROFORMAS: 4,
                   S.RP_CAUSE: "3ª chiamata senza risposta, 4 proforma aperti", S.RP_ADDED_ON: NOW.date(),
                   S.RP_CHECK_BY: date(2026, 12, 3), S.RP_ADDED_BY: "g.verdi"}
    [entry] = plan.protocol
    assert (entry.action, entry.sheet, entry.key, entry.user) == ("Aggiunto al Report Preblocco", S.SHEET_REPORT,
                                                                   "7001", "g.verdi")


def test_ticket_already_in_the_report_is_not_added_again():
    wb = solleciti_data([ticket(ticket=7001, **PREBLOCCO)], report=[["7001.0", "Bar Sport", 4, "a mano"]])
    plan = run(wb)
    assert not report_appends(plan) and not plan.protocol
    assert result(plan)["in_report"] == "Sì"


def test_same_ticket_on_two_rows_goes_into_the_report_once():
    wb = solleciti_data([ticket(ticket=7001, **PREBLOCCO), ticket(ticket=7001, **PREBLOCCO)])
    plan = run(wb)
    assert [r[0] for r in report_appends(plan)] == [7001]
    assert findings_at(plan, "A3")[0].code == "SOL-TICKET-DUPLICATE"
    assert result(plan, 2)["in_report"] == result(plan, 3)["in_report"] == "Sì"


def test_report_is_never_duplicated_across_runs_and_days():
    wb = solleciti_data([ticket(ticket=7001, **PREBLOCCO), ticket(ticket=7002, status="Nuovo")])
    wb = apply(wb, run(wb))
    assert report_tickets(wb) == [7001]
    # days later the caller sends the mail and sets Pre-Blocco; another ticket reaches PREBLOCCO
    wb = set_cells(wb, 2, status="Pre-Blocco", preblocco_on=date(2026, 11, 19))
    wb = set_cells(wb, 3, status="Chiamata 1", outcome="Nessun accordo", attempts=1, reason="Rifiuta generico")
    for day in (20, 25, 30):
        wb = apply(wb, run(wb, now=datetime(2026, 11, day, 9, 0)))
    assert report_tickets(wb) == [7001, 7002]
    wb = apply(wb, run(wb, now=datetime(2026, 12, 10, 9, 0)))   # 7001 now "DA BLOCCARE"
    assert report_tickets(wb) == [7001, 7002]


def test_duplicates_the_callers_typed_into_the_report_are_reported_never_removed():
    wb = solleciti_data([ticket(ticket=7001, **PREBLOCCO)],
                        report=[[7001, "Bar Sport"], [7005, "Ottica Blu"], [7001, "Bar Sport"]])
    plan = run(wb)
    [f] = [f for f in plan.findings if f.code == "SOL-REPORT-DUPLICATE"]
    assert (f.sheet, f.cell, f.severity) == (S.SHEET_REPORT, "A4", "warning")
    assert "7001" in f.message
    assert not report_appends(plan) and not plan.deletions


def test_pre_blocco_set_by_hand_is_added_to_the_report():
    wb = solleciti_data([ticket(ticket=7003, status="Pre-Blocco", preblocco_on=date(2026, 11, 10), proformas=2)])
    row = dict(zip(S.REPORT_HEADERS, report_appends(run(wb))[0], strict=True))
    assert row[S.RP_TICKET] == 7003 and row[S.RP_CHECK_BY] == date(2026, 11, 25)
    assert "Pre-Blocco" in row[S.RP_CAUSE]


def test_report_with_reordered_and_extra_columns_gets_values_under_the_right_headers():
    header = ["Note operatore", "Causa", "Ticket", "Cliente", "Data inserimento"]
    wb = solleciti_data([ticket(ticket=7001, client="Bar Sport", **PREBLOCCO)], report=[["vecchio", "x", 6999]],
                        report_header=header)
    [row] = report_appends(run(wb))
    assert row == [None, "3ª chiamata senza risposta, 4 proforma aperti", 7001, "Bar Sport", NOW.date()]


def test_report_without_ticket_column_gets_nothing_and_says_so():
    wb = solleciti_data([ticket(**PREBLOCCO)], report=[["x"]], report_header=["Numero"])
    plan = run(wb)
    assert not report_appends(plan)
    assert any(f.sheet == S.SHEET_REPORT and f.code == "SOL-REPORT-COLUMN-MISSING" for f in plan.findings)


def test_row_without_ticket_number_cannot_enter_the_report():
    wb = solleciti_data([ticket(ticket=None, **PREBLOCCO)])
    plan = run(wb)
    assert not report_appends(plan)
    assert result(plan)["in_report"] == "No" and result(plan)["tag"] == "preblocco"
    assert findings_at(plan, "A2")[0].code == "SOL-TICKET-MISSING"


# ------------------------------------------------------------------ running twice

def all_leaves_book():
    return solleciti_data([
        ticket(status="Nuovo"),
        ticket(status="Nuovo", outcome="Non risponde", attempts=0),
        ticket(status="Chiamata 2", outcome="Non risponde", attempts=2, proformas=1),
        ticket(**PREBLOCCO),
        ticket(status="Chiamata 1", outcome="Ha già pagato", attempts=1, paid_on=date(2026, 10, 1)),
        ticket(status="Chiamata 1", outcome="Accordo di pagamento", attempts=1, agreed_on="27.11.2026",
               payment_kind="saldo"),
        ticket(status="Pre-Blocco", preblocco_on=date(2026, 11, 10)),
        ticket(status="In attesa di pagamento", agreed_on=date(2026, 11, 13), proformas=1),
        ticket(status="Rientro", update="Risolto"),
        ticket(status="Accordo di pagamento"),                      # a bad Stato
        ticket(status="Chiamata 2", outcome="Accordo di pagamento"),  # missing data
    ], report=[])


def test_run_twice_changes_nothing_the_second_time():
    wb = all_leaves_book()
    first = run(wb)
    assert first.writes and report_appends(first)
    wb = apply(wb, first)
    second = run(wb)
    assert second.writes == []
    assert not [a for a in second.appends]
    assert not second.protocol
    assert [r.sheet for r in second.rewrites] == [S.SHEET_FINDINGS, S.SHEET_SUMMARY]  # the hidden state is unchanged
    assert second.findings == first.findings


def test_a_later_run_with_the_same_inputs_keeps_the_task_dates():
    wb = solleciti_data([ticket(status="Nuovo", outcome="Non risponde", attempts=0),
                         ticket(status="Chiamata 2", outcome="Non risponde", attempts=2, proformas=1),
                         ticket(status="Chiamata 1", outcome="Nessun accordo", attempts=1,
                                reason="Problema da risolvere", problem="Tecnico")])
    wb = apply(wb, run(wb))                                            # Wed 18.11.
    later = run(wb, now=datetime(2026, 12, 1, 9, 0))
    assert later.writes == []
    assert wb.sheet(S.SHEET_TICKETS).rows[1][S.TICKET_HEADERS.index(S.T_DUE)] == date(2026, 11, 25)


def test_a_new_outcome_counts_from_the_day_it_is_first_seen():
    wb = solleciti_data([ticket(status="Nuovo", outcome="Non risponde", attempts=0)])
    wb = apply(wb, run(wb))
    wb = set_cells(wb, 2, status="Chiamata 1", attempts=1)           # second call on Wed 25.11.
    plan = run(wb, now=datetime(2026, 11, 25, 16, 0))
    assert written(plan, 2, S.T_DUE) == date(2026, 12, 2)
    assert written(plan, 2, S.T_TAG) == "chiamata 2"
    assert written(plan, 2, S.T_TEMPLATE) is None                     # RIEPILOGO only on the first


def test_data_contatto_sets_the_day_tasks_count_from():
    wb = solleciti_data([ticket(status="Nuovo", outcome="Non risponde", attempts=0, contact_on=date(2026, 11, 16))])
    assert result(run(wb))["due"] == date(2026, 11, 23)


def test_mancato_contatto_counts_up_month_by_month():
    wb = solleciti_data([ticket(ticket=7100, status="Chiamata 2", outcome="Non risponde", attempts=2, proformas=2)])
    wb = apply(wb, run(wb))
    row = wb.sheet(S.SHEET_TICKETS).rows[1]
    assert row[S.TICKET_HEADERS.index(S.T_TAG)] == "MANCATO CONTATTO 1"
    # 10.12.: the ticket starts from zero; later in December the 3rd call (Stato Chiamata 2) fails again
    wb = set_cells(wb, 2, status="Nuovo", outcome=None, attempts=0)
    wb = apply(wb, run(wb, now=datetime(2026, 12, 10, 9, 0)))
    wb = set_cells(wb, 2, status="Chiamata 2", outcome="Non risponde", attempts=2)
    plan = run(wb, now=datetime(2026, 12, 21, 9, 0))
    assert written(plan, 2, S.T_TAG) == "MANCATO CONTATTO 2"
    assert written(plan, 2, S.T_DUE) == date(2027, 1, 11)
    wb = apply(wb, plan)
    assert run(wb, now=datetime(2026, 12, 22, 9, 0)).writes == []     # still 2 the day after
    state = {r[0]: r for r in wb.sheet(S.SHEET_STATE).rows[1:]}
    assert state["7100"][3] == "2026-12-10;2027-01-11"
    assert wb.sheet(S.SHEET_STATE).state == "veryHidden"


def test_stale_computed_cells_are_cleared_when_the_row_now_lacks_data():
    wb = solleciti_data([ticket(status="Chiamata 2", outcome="Accordo di pagamento", attempts=2,
                                action="vecchia azione", tag="preblocco", due=date(2026, 1, 1), priority="BLOCCANTE",
                                template="PREBLOCCO", in_report="Sì")])
    plan = run(wb)
    assert written(plan, 2, S.T_ACTION).startswith("DATI MANCANTI")
    for header in (S.T_TAG, S.T_DUE, S.T_PRIORITY, S.T_TEMPLATE):
        assert written(plan, 2, header) is None
    assert written(plan, 2, S.T_ASSIGNEE) == UNCHANGED
    assert written(plan, 2, S.T_IN_REPORT) == "No"
