"""The agent's three actions on the case log, pure: "Schritt erledigt", "Neuer Fall", the due list —
each logged in Protokoll, each one Plan that already holds the recompute; and `run` twice changes
nothing the second time."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from tests.diagonal.helpers import (
    NOW,
    PLAIN,
    VIP,
    apply_writes,
    case,
    cell,
    col,
    computed,
    ctx,
    diagonal_data,
    fills,
    finding,
)
from xl_addin.kinds.diagonal import schema as S
from xl_addin.kinds.diagonal.actions import due_cases, plan_new_case, plan_step_done
from xl_addin.kinds.diagonal.rules import ActionError, plan_run


def protocol_of(plan, action_prefix=""):
    return [e for e in plan.protocol if e.action.startswith(action_prefix)]


def walk(wb, steps: int, row: int = 2, now: datetime = NOW, reply: str | None = None):
    """Press "Schritt erledigt" ``steps`` times on ``row`` (an hour apart); returns the steps seen."""
    seen = []
    for i in range(steps):
        plan = plan_step_done(wb, ctx(now + timedelta(hours=i)), rows=[row])
        wb = apply_writes(wb, plan)
        seen.append(wb.sheets[S.SHEET_CASES].value(row, col(S.C_STEP)))
        if reply is not None and seen[-1] == S.S_VENDOR_INFORMED:
            wb.sheets[S.SHEET_CASES].rows[row - 1][col(S.C_REPLY) - 1] = reply
    return seen, wb


# ------------------------------------------------------------------ step-done: the paths through the table

def test_step_done_sets_the_next_step_and_schritt_seit_now_logs_both_and_recomputes():
    wb = diagonal_data([case()])
    plan = plan_step_done(wb, ctx(), rows=[2])
    assert cell(plan, 2, S.C_STEP) == S.S_VENDOR_INFORMED
    assert cell(plan, 2, S.C_SINCE) == NOW
    since_write = next(w for w in plan.writes if w.row == 2 and w.col == col(S.C_SINCE))
    assert since_write.number_format == "DD.MM.YYYY HH:MM"
    # the recompute is in the same plan: the 48 h snooze runs from now
    assert computed(plan)[1:] == ("307 Nachfrage (Diagonal)", datetime(2026, 11, 24, 12, 0), "Nein")
    assert fills(plan)[col(S.C_REPLY)] == "FFFF00"
    log = protocol_of(plan)
    assert [(e.cell, e.old, e.new) for e in log] == [("H2", "Neu", S.S_VENDOR_INFORMED),
                                                     ("I2", datetime(2026, 11, 18, 9, 30), NOW)]
    order_id = str(wb.sheets[S.SHEET_CASES].value(2, col(S.C_ORDER_ID)))
    assert {(e.user, e.sheet, e.key, e.time) for e in log} == {("agent", "Fälle", order_id, NOW)}
    assert plan.summary["Schritt erledigt"] == 1
    assert plan.appends[-1].sheet == "Protokoll" and len(plan.appends[-1].rows) == 2


def test_no_answer_path_of_a_plain_vendor_ends_cancelled():
    seen, wb = walk(diagonal_data([case()]), 3)
    assert seen == [S.S_VENDOR_INFORMED, S.S_REMINDED, S.S_CANCELLED]
    assert set(fills(plan_run(wb, ctx())).values()) == {"BFBFBF"}


def test_no_answer_path_of_a_vip_goes_through_the_vip_manager():
    seen, wb = walk(diagonal_data([case(**{S.C_USER_ID: VIP, S.C_EMAIL: None})]), 4)
    assert seen == [S.S_VENDOR_INFORMED, S.S_REMINDED, S.S_VIP_MANAGER, S.S_CANCELLED]
    assert S.NOTE_VIP_GRACE in wb.sheets[S.SHEET_CASES].value(2, col(S.C_NOTE))


def test_cost_path_after_zustimmung_invoice_reminder_then_cancelled_with_note():
    seen, wb = walk(diagonal_data([case(**{S.C_NOTE: "Vendor bat um Rückruf"})]), 5, reply=S.R_ACCEPT)
    assert seen == [S.S_VENDOR_INFORMED, S.S_COSTS_ACCEPTED, S.S_INVOICE_SENT, S.S_INVOICE_REMINDED,
                    S.S_CANCELLED]
    assert wb.sheets[S.SHEET_CASES].value(2, col(S.C_NOTE)) == \
        f"Vendor bat um Rückruf; 22.11.2026: {S.NOTE_NO_PAYMENT}"


def test_vip_invoice_reminder_cancels_with_the_vip_note():
    fields = {S.C_STEP: S.S_INVOICE_REMINDED, S.C_REPLY: S.R_ACCEPT, S.C_VIP: "Ja"}
    plan = plan_step_done(diagonal_data([case(**fields)]), ctx(), rows=[2])
    assert cell(plan, 2, S.C_STEP) == S.S_CANCELLED
    assert cell(plan, 2, S.C_NOTE) == f"22.11.2026: {S.NOTE_NO_PAYMENT_VIP}"
    assert [e.action for e in plan.protocol] == ["Schritt erledigt (Rechnung erinnert → Storniert)",
                                                "Schritt seit gesetzt", "Notiz ergänzt"]


def test_storno_bestaetigt_writes_the_note_once():
    row = case(**{S.C_STEP: S.S_REMINDED, S.C_REPLY: S.R_CANCEL_CONFIRMED,
                  S.C_NOTE: "Stornierung vom Vendor bestätigt (Mail 20.11.)"})
    plan = plan_step_done(diagonal_data([row]), ctx(), rows=[2])
    assert cell(plan, 2, S.C_STEP) == S.S_CANCELLED and cell(plan, 2, S.C_NOTE) is None
    assert "Notiz ergänzt" not in [e.action for e in plan.protocol]


def test_debtist_request_is_done_in_one_step():
    fields = {S.C_TYPE: S.T_DEBTIST_ADDRESS, S.C_AGENCY: S.DEBTIST}
    seen, _ = walk(diagonal_data([case(**fields)]), 1)
    assert seen == [S.S_DONE]


def test_debtist_zahlung_asks_the_vendor_then_confirms_to_debtist():
    fields = {S.C_TYPE: S.T_DEBTIST_PAYMENT, S.C_AGENCY: S.DEBTIST}
    seen, _ = walk(diagonal_data([case(**fields)]), 2, reply=S.R_ACCEPT)
    assert seen == [S.S_VENDOR_INFORMED, S.S_DONE]


def test_hausbesuch_declined_closes_as_abgelehnt():
    seen, _ = walk(diagonal_data([case(**{S.C_TYPE: S.T_HOME_VISIT})]), 1)
    assert seen == [S.S_DECLINED]


def test_step_done_on_several_rows_and_by_order_id():
    a, b, c = case(), case(**{S.C_STEP: S.S_VENDOR_INFORMED}), case(**{S.C_STEP: S.S_COSTS_ACCEPTED})
    plan = plan_step_done(diagonal_data([a, b, c]), ctx(), rows=[2, 3], orders=[str(c[S.C_ORDER_ID]) + ".0"])
    assert [cell(plan, r, S.C_STEP) for r in (2, 3, 4)] == [S.S_VENDOR_INFORMED, S.S_REMINDED, S.S_INVOICE_SENT]
    assert plan.summary["Schritt erledigt"] == 3 and len(protocol_of(plan, "Schritt erledigt")) == 3


def test_by_order_id_the_open_case_is_taken_and_two_open_cases_are_refused():
    oid = 10001234
    closed, open_ = case(**{S.C_ORDER_ID: oid, S.C_STEP: S.S_DONE}), case(**{S.C_ORDER_ID: oid})
    plan = plan_step_done(diagonal_data([closed, open_]), ctx(), orders=[oid])
    assert cell(plan, 3, S.C_STEP) == S.S_VENDOR_INFORMED and cell(plan, 2, S.C_STEP) is None
    twice = plan_step_done(diagonal_data([case(**{S.C_ORDER_ID: oid}), case(**{S.C_ORDER_ID: oid})]), ctx(),
                           orders=[oid])
    f = finding(twice, "DIA-STEP-DONE-REFUSED")
    assert "Zeilen 2, 3" in f.message and twice.summary["Schritt erledigt"] == 0 and twice.protocol == []


def test_a_row_that_cannot_advance_is_refused_the_others_advance():
    rows = [case(**{S.C_STEP: S.S_PAID}), case(**{S.C_STEP: S.S_REMINDED, S.C_USER_ID: 99999, S.C_EMAIL: None}),
            case(**{S.C_TYPE: "Hausbesuh?"}), case()]
    plan = plan_step_done(diagonal_data(rows), ctx(), rows=[2, 3, 4, 5, 9])
    refused = {f.location: f.message for f in plan.findings if f.code == "DIA-STEP-DONE-REFUSED"}
    assert set(refused) == {"Fälle!H2", "Fälle!H3", "Fälle!H4", "Fälle!A9"}
    assert "abgeschlossen" in refused["Fälle!H2"] and "VIP unbekannt" in refused["Fälle!H3"]
    assert "Anfrageart" in refused["Fälle!H4"]
    assert cell(plan, 5, S.C_STEP) == S.S_VENDOR_INFORMED and plan.summary["Schritt erledigt"] == 1


def test_step_done_without_schritt_seit_still_advances_and_fixes_it():
    plan = plan_step_done(diagonal_data([case(**{S.C_STEP: S.S_VENDOR_INFORMED, S.C_SINCE: None})]), ctx(), rows=[2])
    assert cell(plan, 2, S.C_STEP) == S.S_REMINDED and computed(plan)[2] == datetime(2026, 11, 23, 12, 0)
    assert "DIA-SINCE-MISSING" not in {f.code for f in plan.findings}


def test_step_done_needs_a_selection():
    with pytest.raises(ActionError):
        plan_step_done(diagonal_data([case()]), ctx())


# ------------------------------------------------------------------ new case

def test_new_case_appends_a_row_with_today_neu_and_vip_and_email_from_vendoren():
    wb = diagonal_data([case(), case(**{S.C_STEP: S.S_DONE})])
    plan = plan_new_case(wb, ctx(), "10009999", "60877", "gläubigeranfrage")
    (append,) = [a for a in plan.appends if a.sheet == S.SHEET_CASES]
    row = dict(zip(S.CASE_HEADERS, append.rows[0], strict=True))
    assert row[S.C_DATE] == date(2026, 11, 22) and row[S.C_STEP] == S.S_NEW and row[S.C_SINCE] == NOW
    assert (row[S.C_AGENCY], row[S.C_TYPE], row[S.C_ORDER_ID], row[S.C_USER_ID]) == \
        ("Diagonal", S.T_CREDITOR, 10009999, 60877)
    assert (row[S.C_VIP], row[S.C_EMAIL]) == ("Ja", "team@weber-coaching.de")
    assert row[S.C_SAVED_REPLY] == "308 Gläubigeranfrage (Diagonal)" and row[S.C_DUE] == NOW
    assert append.number_formats[col(S.C_DATE)] == "DD.MM.YYYY"
    assert not [w for w in plan.writes if w.row == 4] and not fills(plan, 4)
    (log,) = plan.protocol
    assert (log.action, log.key, log.cell) == ("Fall angelegt", "10009999", "A4:O4")
    assert plan.summary["Fall angelegt (Zeile)"] == 4


def test_new_case_goes_below_the_last_row_with_a_value_not_into_a_gap():
    wb = diagonal_data([case(), {}, case()])
    wb.sheets[S.SHEET_CASES].rows.append([None] * len(S.CASE_HEADERS))     # a row with formatting only
    plan = plan_new_case(wb, ctx(), 1, PLAIN, S.T_PAYMENT)
    assert plan.protocol[0].cell == "A5:O5"
    wb2 = apply_writes(wb, plan)
    assert wb2.sheets[S.SHEET_CASES].value(5, col(S.C_TYPE)) == S.T_PAYMENT
    assert wb2.sheets[S.SHEET_CASES].value(3, col(S.C_TYPE)) is None


def test_new_debtist_case_and_plain_vendor():
    plan = plan_new_case(diagonal_data([]), ctx(), 7, PLAIN, "Debtist-Zahlung", agency="Debtist")
    row = dict(zip(S.CASE_HEADERS, plan.appends[0].rows[0], strict=True))
    assert (row[S.C_AGENCY], row[S.C_VIP], row[S.C_DUE]) == ("Debtist", "Nein", NOW)
    assert row[S.C_NEXT].startswith("Akte im Debtist-System suchen; erst den Vendor fragen")


def test_new_case_for_a_vendor_not_on_vendoren_leaves_vip_blank_with_a_warning():
    plan = plan_new_case(diagonal_data([case()]), ctx(), 8, 4711, S.T_ADDRESS)
    row = dict(zip(S.CASE_HEADERS, plan.appends[0].rows[0], strict=True))
    assert row[S.C_VIP] is None and row[S.C_EMAIL] is None
    assert finding(plan, "DIA-VENDOR-UNKNOWN").location == "Fälle!E3"


@pytest.mark.parametrize("args,message", [
    ((1, PLAIN, "Adresermittlung"), "meinten Sie 'Adressermittlung'"),
    ((1, PLAIN, "Debtist-Storno"), "gehört zu Debtist"),
    ((None, PLAIN, S.T_ADDRESS), "Bestell-ID fehlt"),
    (("12 34", PLAIN, S.T_ADDRESS), "Leerzeichen"),
])
def test_new_case_refuses_bad_arguments_with_a_german_line(args, message):
    with pytest.raises(ActionError, match=message):
        plan_new_case(diagonal_data([case()]), ctx(), *args)


# ------------------------------------------------------------------ due list

def test_due_lists_open_cases_due_now_soonest_first_and_within_a_window():
    rows = [case(**{S.C_STEP: S.S_VENDOR_INFORMED, S.C_SINCE: datetime(2026, 11, 21, 9, 0)}),   # due 23.11. 09:00
            case(**{S.C_STEP: S.S_REMINDED, S.C_SINCE: datetime(2026, 11, 20, 9, 0)}),          # due 21.11. 09:00
            case(**{S.C_STEP: S.S_DONE}),
            case(**{S.C_STEP: S.S_INVOICE_SENT, S.C_SINCE: datetime(2026, 11, 20, 9, 0)}),      # due 27.11.
            case(**{S.C_SINCE: datetime(2026, 11, 22, 8, 0)})]                                  # Neu: due now
    wb = diagonal_data(rows)
    now = due_cases(wb, ctx())
    assert [d.row for d in now] == [3, 6] and [d.overdue for d in now] == [True, True]
    assert [d.row for d in due_cases(wb, ctx(), timedelta(hours=24))] == [3, 6, 2]
    soon = due_cases(wb, ctx(), timedelta(days=7))
    assert [d.row for d in soon] == [3, 6, 2, 5]
    assert soon[2].as_dict()["due"] == "2026-11-23T09:00:00" and soon[2].saved_reply.startswith("307")


# ------------------------------------------------------------------ idempotence

def test_run_twice_changes_nothing_the_second_time():
    rows = [case(**{S.C_STEP: s, S.C_VIP: "Ja" if i % 2 else None}) for i, s in enumerate(S.STEPS)]
    rows += [case(**{S.C_STEP: S.S_VENDOR_INFORMED, S.C_SINCE: date(2026, 11, 21)}),
             case(**{S.C_STEP: "Erinert"}), case(**{S.C_TYPE: S.T_HOME_VISIT}),
             case(**{S.C_STEP: S.S_REMINDED, S.C_REPLY: S.R_OTHER})]
    wb = diagonal_data(rows, headers=S.CASE_INPUT_HEADERS)        # computed columns missing at first
    first = plan_run(wb, ctx())
    assert first.writes
    second = plan_run(apply_writes(wb, first), ctx())
    assert second.writes == [] and second.protocol == [] and second.appends == []
    assert second.fills == first.fills


def test_a_run_after_an_action_changes_nothing():
    wb = diagonal_data([case(), case(**{S.C_STEP: S.S_VENDOR_INFORMED})])
    wb = apply_writes(wb, plan_step_done(wb, ctx(), rows=[2, 3]))
    wb = apply_writes(wb, plan_new_case(wb, ctx(), 5, VIP, S.T_LIST))
    again = plan_run(wb, ctx())
    assert again.writes == [] and again.protocol == []
