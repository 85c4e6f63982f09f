"""SPEC §2 rules, each as the agent lives it: a Masterliste row in, the computed cells, colours,
Warten-auf-Freigabe rows, Protokoll lines and findings out. Pure: no files."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from tests.builders import DEFAULT_VENDORS, NOW, TODAY, inkasso_data, order, waiting_row
from xl_addin.core.context import RunContext
from xl_addin.kinds.inkasso import schema as S
from xl_addin.kinds.inkasso.rules import plan_run

YELLOW, GREY = "FFFF00", "BFBFBF"


def run(wb, now=NOW):
    return plan_run(wb, RunContext(now, "agent"))


def col(header, headers=S.MASTER_HEADERS):
    return headers.index(header) + 1


def written(plan, sheet, row, c):
    hits = [w for w in plan.writes if w.sheet == sheet and w.row == row and w.col == c]
    return hits[-1].value if hits else "<unchanged>"


def result(plan, row):
    """(Verfolgen, Nächster Schritt, Fällig am, fill) of Masterliste row `row`."""
    fills = [f for f in plan.fills if f.sheet == S.SHEET_MASTER and f.row == row]

    def value(header):  # the computed columns start blank in these scenarios
        v = written(plan, S.SHEET_MASTER, row, col(header))
        return None if v == "<unchanged>" else v
    return value(S.M_FOLLOW), value(S.M_NEXT_STEP), value(S.M_DUE), (fills[-1].rgb if fills else None)


def codes(plan):
    return {f.code for f in plan.findings}


def finding(plan, code):
    hits = [f for f in plan.findings if f.code == code]
    assert hits, f"no finding {code}; have {[f.text() for f in plan.findings]}"
    return hits[0]


# ------------------------------------------------------------------ dunning schedule

def test_order_without_letter_is_due_at_the_next_monthly_run():
    plan = run(inkasso_data([order()]))
    assert result(plan, 2) == ("Ja", S.STEP_FIRST, date(2026, 12, 1), YELLOW)


def test_order_without_letter_on_run_day_is_due_today():
    plan = run(inkasso_data([order()]), now=datetime(2026, 12, 1, 8, 0))
    assert result(plan, 2)[2] == date(2026, 12, 1)


def test_run_day_is_a_setting_and_short_months_use_their_last_day():
    plan = run(inkasso_data([order()], settings={"Mahnlauf Tag": 31}), now=datetime(2027, 2, 3, 9, 0))
    assert result(plan, 2)[2] == date(2027, 2, 28)


def test_run_day_moves_to_next_working_day_when_configured():
    # 1 Nov 2026 is a Sunday
    wb = inkasso_data([order()], settings={"Mahnlauf auf Werktag verschieben": "Ja"})
    plan = run(wb, now=datetime(2026, 10, 20, 9, 0))
    assert result(plan, 2)[2] == date(2026, 11, 2)
    plan = run(inkasso_data([order()]), now=datetime(2026, 10, 20, 9, 0))
    assert result(plan, 2)[2] == date(2026, 11, 1)


@pytest.mark.parametrize("first,expected_due", [
    (date(2026, 11, 20), date(2026, 12, 4)),
    (date(2026, 11, 8), date(2026, 11, 22)),
])
def test_second_letter_due_14_days_after_the_first(first, expected_due):
    plan = run(inkasso_data([order(**{S.M_FIRST_LETTER: first})]))
    assert result(plan, 2) == ("Ja", S.STEP_SECOND, expected_due, YELLOW)


def test_days_to_second_letter_come_from_the_settings_sheet():
    plan = run(inkasso_data([order(**{S.M_FIRST_LETTER: date(2026, 11, 20)})], settings={"Tage bis 2. Mahnung": 10}))
    assert result(plan, 2)[2] == date(2026, 11, 30)


def test_first_letter_as_german_text_date_counts():
    plan = run(inkasso_data([order(**{S.M_FIRST_LETTER: "20.11.26"})]))
    assert result(plan, 2)[1:3] == (S.STEP_SECOND, date(2026, 12, 4))


def test_two_letters_ask_vendor_for_approval_14_days_after_second():
    o = order(**{S.M_FIRST_LETTER: date(2026, 10, 1), S.M_SECOND_LETTER: date(2026, 10, 15)})
    plan = run(inkasso_data([o]))
    assert result(plan, 2) == ("Ja", S.STEP_ASK_APPROVAL, date(2026, 10, 29), YELLOW)


def test_direct_vendor_goes_straight_to_hand_over_and_never_to_waiting_sheet():
    o = order(**{S.M_VENDOR_ID: 2001, S.M_FIRST_LETTER: date(2026, 10, 1), S.M_SECOND_LETTER: date(2026, 10, 15)})
    plan = run(inkasso_data([o]))
    assert result(plan, 2) == ("Ja", S.STEP_HAND_OVER, date(2026, 10, 29), YELLOW)
    assert not [a for a in plan.appends if a.sheet == S.SHEET_WAITING]
    assert written(plan, S.SHEET_MASTER, 2, col(S.M_INCASSO_STATE)) == "<unchanged>"


# ------------------------------------------------------------------ grey orders

def test_reopened_order_is_grey_with_note_and_never_dunned():
    o = order(**{S.M_REOPENED: "True", S.M_REOPENED_ID: 10009999.0, S.M_FIRST_LETTER: date(2026, 10, 1),
                 S.M_SECOND_LETTER: date(2026, 10, 15)})
    plan = run(inkasso_data([o]))
    assert result(plan, 2) == ("Nein", "Neu bestellt (10009999)", None, GREY)
    assert not [a for a in plan.appends if a.sheet == S.SHEET_WAITING]


@pytest.mark.parametrize("fields", [
    {S.M_INCASSO_STATE: "paid"}, {S.M_DEBT_STATUS: "Bezahlt"},
    {S.M_INCASSO_STATE: " Canceled "}, {S.M_DEBT_STATUS: "Gekündigt"},
])
def test_paid_or_cancelled_orders_are_grey(fields):
    plan = run(inkasso_data([order(**{S.M_FIRST_LETTER: date(2026, 10, 1), **fields})]))
    assert result(plan, 2) == ("Nein", S.STEP_NONE, None, GREY)


def test_inactive_vendor_is_grey():
    plan = run(inkasso_data([order(**{S.M_VENDOR_ID: 3003})]))
    assert result(plan, 2) == ("Nein", S.STEP_VENDOR_INACTIVE, None, GREY)
    assert "INK-VENDOR-UNKNOWN" not in codes(plan)


def test_unknown_vendor_is_grey_and_reported_with_its_cell():
    plan = run(inkasso_data([order(**{S.M_VENDOR_ID: 4711})]))
    assert result(plan, 2) == ("Nein", S.STEP_VENDOR_INACTIVE, None, GREY)
    f = finding(plan, "INK-VENDOR-UNKNOWN")
    assert f.location == "Masterliste!A2"


def test_vendor_with_blank_active_counts_as_taking_part():
    vendors = [dict(DEFAULT_VENDORS[0], **{S.OV_ACTIVE: None})]
    plan = run(inkasso_data([order()], vendors=vendors))
    assert result(plan, 2)[0] == "Ja"


# ------------------------------------------------------------------ yellow, other states

def test_blocked_order_needs_clarification_today():
    plan = run(inkasso_data([order(**{S.M_INCASSO_STATE: "blocked", S.M_DEBT_STATUS: "Blockiert"})]))
    assert result(plan, 2) == ("Ja", S.STEP_CLARIFY, TODAY, YELLOW)


def test_order_at_agency_waits_for_diagonals_monthly_feedback():
    o = order(**{S.M_FIRST_LETTER: date(2026, 8, 1), S.M_SECOND_LETTER: date(2026, 8, 15),
                 S.M_INCASSO_DATE: date(2026, 9, 10), S.M_INCASSO_STATE: "sent_for_collection",
                 S.M_DEBT_STATUS: "Ans Inkasso übergeben"})
    plan = run(inkasso_data([o]))
    assert result(plan, 2) == ("Ja", S.STEP_AT_AGENCY, date(2026, 12, 1), YELLOW)


def test_agents_own_row_colour_is_declared_replaceable_only_for_product_colours():
    plan = run(inkasso_data([order()], settings={"Farbe gelb": "#ffeb9c"}))
    assert result(plan, 2)[3] == "FFEB9C"
    assert {"FFEB9C", "BFBFBF"} <= plan.product_colours
    assert "FFC7CE" not in plan.product_colours


def test_whole_row_is_coloured_including_agents_extra_columns():
    headers = S.MASTER_HEADERS + ["Bearbeiter"]
    wb = inkasso_data([dict(order(), Bearbeiter="Anna")], master_headers=headers)
    plan = run(wb)
    fill = next(f for f in plan.fills if f.row == 2)
    assert fill.cols == tuple(range(1, len(headers) + 1))


# ------------------------------------------------------------------ Warten auf Freigabe

def _two_letters(**kw):
    return order(**{S.M_FIRST_LETTER: date(2026, 10, 1), S.M_SECOND_LETTER: date(2026, 10, 15), **kw})


def test_two_letters_unpaid_is_added_once_to_waiting_sheet_and_set_on_hold():
    o = _two_letters(**{S.M_AMOUNT: 249.5})
    plan = run(inkasso_data([o]))
    app = [a for a in plan.appends if a.sheet == S.SHEET_WAITING]
    assert len(app) == 1 and len(app[0].rows) == 1
    row = app[0].rows[0]
    assert row[:11] == [o[S.M_INVOICE_NO], 1006, "Lernwerk GmbH", "kontakt@lernwerk.de", o[S.M_ORDER_ID],
                        "Erika", "Mustermann", 249.5, "Online-Kurs Excel", date(2026, 10, 1), date(2026, 10, 15)]
    assert row[11:] == [None, None]          # L and M belong to the agents
    assert written(plan, S.SHEET_MASTER, 2, col(S.M_INCASSO_STATE)) == "on_hold"
    logged = [e for e in plan.protocol if e.sheet == S.SHEET_MASTER]
    assert logged and logged[0].old is None and logged[0].new == "on_hold" and logged[0].cell == "O2"
    assert any(e.sheet == S.SHEET_WAITING for e in plan.protocol)


def test_order_already_on_waiting_sheet_is_not_added_again_and_L_M_are_kept():
    o = _two_letters(**{S.M_INCASSO_STATE: "on_hold"})
    wb = inkasso_data([o], waiting=[waiting_row(o, "Lernwerk GmbH", "WA-Gruppe angeschrieben")])
    plan = run(wb)
    assert not [a for a in plan.appends if a.sheet == S.SHEET_WAITING]
    assert not [w for w in plan.writes if w.sheet == S.SHEET_WAITING]
    assert result(plan, 2)[1] == S.STEP_ASK_APPROVAL


def test_order_removed_by_hand_from_waiting_sheet_is_not_added_again():
    o = _two_letters(**{S.M_INCASSO_STATE: "on_hold"})
    state = [[str(o[S.M_ORDER_ID]), "1006", None, None, "2026-11-01"]]
    plan = run(inkasso_data([o], state=state))
    assert not [a for a in plan.appends if a.sheet == S.SHEET_WAITING]


def test_existing_state_is_not_overwritten_by_on_hold():
    o = _two_letters(**{S.M_INCASSO_STATE: "blocked"})
    plan = run(inkasso_data([o]))
    assert written(plan, S.SHEET_MASTER, 2, col(S.M_INCASSO_STATE)) == "<unchanged>"


@pytest.mark.parametrize("fields", [
    {S.M_INCASSO_STATE: "paid"}, {S.M_REOPENED: True, S.M_REOPENED_ID: 10001234},
    {S.M_INCASSO_STATE: "canceled"}, {S.M_INCASSO_STATE: "sent_for_collection", S.M_INCASSO_DATE: date(2026, 11, 2)},
    {S.M_VENDOR_ID: 2001}, {S.M_VENDOR_ID: 3003},
])
def test_orders_not_to_be_approved_never_reach_the_waiting_sheet(fields):
    plan = run(inkasso_data([_two_letters(**fields)]))
    assert not [a for a in plan.appends if a.sheet == S.SHEET_WAITING]


def test_only_one_letter_is_not_added():
    plan = run(inkasso_data([order(**{S.M_FIRST_LETTER: date(2026, 10, 1)})]))
    assert not [a for a in plan.appends if a.sheet == S.SHEET_WAITING]


def test_freigabe_on_waiting_sheet_means_hand_over():
    o = _two_letters(**{S.M_INCASSO_STATE: "on_hold"})
    plan = run(inkasso_data([o], waiting=[waiting_row(o, " freigabe ")]))
    assert result(plan, 2)[:2] == ("Ja", S.STEP_HAND_OVER)


def test_kuendigung_removes_waiting_row_cancels_order_and_keeps_it_in_masterliste():
    keep = _two_letters(**{S.M_INCASSO_STATE: "on_hold"})
    gone = _two_letters(**{S.M_INCASSO_STATE: "on_hold"})
    wb = inkasso_data([keep, gone], waiting=[waiting_row(keep, "Lernwerk GmbH"), waiting_row(gone, "Kündigung")])
    plan = run(wb)
    assert [d.rows for d in plan.deletions if d.sheet == S.SHEET_WAITING] == [(3,)]
    assert written(plan, S.SHEET_MASTER, 3, col(S.M_INCASSO_STATE)) == "canceled"
    assert result(plan, 3) == ("Nein", S.STEP_NONE, None, GREY)
    assert result(plan, 2)[1] == S.STEP_ASK_APPROVAL
    actions = [(e.sheet, e.old, e.new) for e in plan.protocol]
    assert (S.SHEET_MASTER, "on_hold", "canceled") in actions
    assert any(s == S.SHEET_WAITING and old == "Kündigung" for s, old, _ in actions)
    # it is not put back on the next run
    assert not [a for a in plan.appends if a.sheet == S.SHEET_WAITING]


# ------------------------------------------------------------------ bad input

def test_misspelt_state_is_a_finding_with_cell_and_nearest_value_and_row_asks_for_check():
    plan = run(inkasso_data([order(**{S.M_INCASSO_STATE: "cancelled"})]))
    f = finding(plan, "INK-STATE-INVALID")
    assert f.location == "Masterliste!O2" and f.suggestion == "canceled"
    assert result(plan, 2)[1].startswith("Eingabe prüfen")
    assert written(plan, S.SHEET_MASTER, 2, col(S.M_INCASSO_STATE)) == "<unchanged>"


def test_impossible_date_is_a_finding_and_nothing_is_guessed():
    plan = run(inkasso_data([order(**{S.M_FIRST_LETTER: "31.11.2026"})]))
    f = [f for f in plan.findings if f.location == "Masterliste!I2"]
    assert f and f[0].severity == "error"
    assert result(plan, 2)[2] is None


def test_float_ids_are_read_as_integers():
    plan = run(inkasso_data([_two_letters(**{S.M_ORDER_ID: 10000555.0, S.M_VENDOR_ID: 1006.0})]))
    row = next(a for a in plan.appends if a.sheet == S.SHEET_WAITING).rows[0]
    assert row[4] == 10000555 and isinstance(row[4], int)
    assert result(plan, 2)[0] == "Ja"


def test_missing_order_id_is_an_error_but_the_rest_is_computed():
    plan = run(inkasso_data([order(**{S.M_ORDER_ID: None}), order()]))
    assert finding(plan, "INK-CSV-ORDER-MISSING").location == "Masterliste!B2"
    assert result(plan, 3)[1] == S.STEP_FIRST


def test_missing_required_column_is_reported_and_nothing_written_to_masterliste():
    headers = [h for h in S.MASTER_HEADERS if h != S.M_ORDER_ID]
    o = order()
    del o[S.M_ORDER_ID]
    plan = run(inkasso_data([o], master_headers=headers))
    assert finding(plan, "XL-HEADER-MISSING").sheet == S.SHEET_MASTER
    assert not [w for w in plan.writes if w.sheet == S.SHEET_MASTER]


def test_columns_are_found_by_header_text_in_any_order_and_missing_computed_headers_are_added():
    headers = [S.M_ORDER_ID, "Bearbeiter", S.M_VENDOR_ID] + [h for h in S.MASTER_INPUT_HEADERS
                                                              if h not in (S.M_ORDER_ID, S.M_VENDOR_ID)]
    wb = inkasso_data([dict(order(), Bearbeiter="Anna")], master_headers=headers)
    plan = run(wb)
    heads = {w.value: w.col for w in plan.writes if w.row == 1}
    assert heads == {S.M_FOLLOW: len(headers) + 1, S.M_NEXT_STEP: len(headers) + 2, S.M_DUE: len(headers) + 3}
    assert written(plan, S.SHEET_MASTER, 2, len(headers) + 2) == S.STEP_FIRST


def test_header_matching_ignores_case_and_blanks():
    headers = [h.upper() + "  " if h == S.M_ORDER_ID else h for h in S.MASTER_HEADERS]
    o = order()
    wb = inkasso_data([{(k.upper() + "  " if k == S.M_ORDER_ID else k): v for k, v in o.items()}],
                      master_headers=headers)
    plan = run(wb)
    assert "XL-HEADER-MISSING" not in codes(plan)


def test_blank_rows_are_skipped_not_taken_as_the_end():
    wb = inkasso_data([order(), order()])
    rows = wb.sheets[S.SHEET_MASTER].rows
    rows.insert(2, [None] * len(rows[0]))
    plan = run(wb)
    assert result(plan, 2)[1] == S.STEP_FIRST and result(plan, 4)[1] == S.STEP_FIRST
    assert not [f for f in plan.fills if f.row == 3]


# ------------------------------------------------------------------ Schulden-Status transitions

def _with_state(o, prev, before=None):
    return inkasso_data([o], state=[[str(o[S.M_ORDER_ID]), "1006", prev, before, None]])


@pytest.mark.parametrize("prev,new,ok", [
    ("Gesperrt", "Laufend", True),
    ("Laufend", "Ans Inkasso übergeben", True),
    ("Gesperrt", "Ans Inkasso übergeben", False),
    ("Laufend", "Gekündigt", True),
    ("Ans Inkasso übergeben", "Bezahlt", True),
    ("Gesperrt", "Blockiert", True),
    ("Bezahlt", "Laufend", False),
    ("Gekündigt", "Gesperrt", False),
    ("Ans Inkasso übergeben", "Laufend", False),
])
def test_schulden_status_changes_are_checked_against_the_allowed_path(prev, new, ok):
    o = order(**{S.M_DEBT_STATUS: new})
    plan = run(_with_state(o, prev))
    assert ("INK-DEBT-TRANSITION" not in codes(plan)) == ok
    if not ok:
        f = finding(plan, "INK-DEBT-TRANSITION")
        assert f.location == "Masterliste!S2" and prev in f.message and new in f.message


def test_straight_to_uebergeben_suggests_laufend_first():
    plan = run(_with_state(order(**{S.M_DEBT_STATUS: "Ans Inkasso übergeben"}), "Gesperrt"))
    assert finding(plan, "INK-DEBT-TRANSITION").suggestion == "Laufend"


def test_blockiert_may_only_go_back_to_the_state_before():
    o = order(**{S.M_DEBT_STATUS: "Laufend"})
    assert "INK-DEBT-TRANSITION" not in codes(run(_with_state(o, "Blockiert", "Laufend")))
    assert "INK-DEBT-TRANSITION" in codes(run(_with_state(o, "Blockiert", "Gesperrt")))


def test_state_before_blocked_is_remembered_between_runs():
    o = order(**{S.M_DEBT_STATUS: "Blockiert", S.M_INCASSO_STATE: "blocked"})
    plan = run(_with_state(o, "Laufend"))
    state = next(r for r in plan.rewrites if r.sheet == S.SHEET_STATE)
    assert state.state == "veryHidden"
    assert state.rows[1][2:4] == ["Blockiert", "Laufend"]


def test_invalid_address_cannot_move_to_laufend():
    o = order(**{S.M_DEBT_STATUS: "Laufend", S.M_INVALID_ADDRESS: "ja"})
    plan = run(_with_state(o, "Gesperrt"))
    assert finding(plan, "INK-DEBT-ADDRESS").location == "Masterliste!S2"


def test_deleted_order_id_is_reported_on_the_next_run_and_stays_remembered():
    o = order()
    plan = run(inkasso_data([o], state=[["10000001", "1006", "Laufend", None, None]]))
    f = finding(plan, "INK-ORDER-DELETED")
    assert "10000001" in f.message
    state = next(r for r in plan.rewrites if r.sheet == S.SHEET_STATE)
    assert ["10000001", "1006", "Laufend", None, None] in state.rows


@pytest.mark.parametrize("state,debt,ok", [
    ("paid", "Bezahlt", True), ("canceled", "Gekündigt", True), ("blocked", "Blockiert", True),
    ("sent_for_collection", "Ans Inkasso übergeben", True), ("on_hold", "Laufend", True),
    ("paid", "Laufend", False), ("canceled", "Bezahlt", False), ("on_hold", "Ans Inkasso übergeben", False),
])
def test_schulden_status_and_incasso_state_must_agree(state, debt, ok):
    o = order(**{S.M_INCASSO_STATE: state, S.M_DEBT_STATUS: debt, S.M_FIRST_LETTER: date(2026, 8, 1),
                 S.M_SECOND_LETTER: date(2026, 8, 20),
                 S.M_INCASSO_DATE: date(2026, 9, 1) if state == "sent_for_collection" else None})
    plan = run(inkasso_data([o]))
    assert ("INK-STATE-CONTRADICTION" not in codes(plan)) == ok


# ------------------------------------------------------------------ Prüfung / Protokoll / idempotence

def test_pruefung_sheet_is_rewritten_with_every_finding():
    plan = run(inkasso_data([order(**{S.M_INCASSO_STATE: "cancelled"})]))
    pr = next(r for r in plan.rewrites if r.sheet == "Prüfung")
    assert pr.rows[0] == ["Schwere", "Code", "Zelle", "Schlüssel", "Meldung", "Vorschlag"]
    assert any(r[2] == "Masterliste!O2" and r[5] == "canceled" for r in pr.rows[1:])


def test_second_run_on_the_result_changes_nothing():
    o1 = _two_letters()
    o2 = order(**{S.M_FIRST_LETTER: date(2026, 11, 20)})
    wb = inkasso_data([o1, o2])
    plan = run(wb)
    # apply the plan to the data as the writer would
    master = wb.sheets[S.SHEET_MASTER]
    for w in plan.writes:
        sheet = wb.sheets[w.sheet]
        while len(sheet.rows) < w.row:
            sheet.rows.append([])
        r = sheet.rows[w.row - 1]
        r.extend([None] * (w.col - len(r)))
        r[w.col - 1] = w.value
    for a in plan.appends:
        if a.sheet in wb.sheets:
            wb.sheets[a.sheet].rows.extend([list(x) for x in a.rows])
    from xl_addin.core.workbook_data import SheetData
    for rw in plan.rewrites:
        wb.sheets[rw.sheet] = SheetData(rw.sheet, [list(x) for x in rw.rows], rw.state)
    plan2 = run(wb)
    assert [w for w in plan2.writes if w.sheet == S.SHEET_MASTER] == []
    assert not plan2.protocol
    assert not [a for a in plan2.appends if a.sheet == S.SHEET_WAITING]
    assert master.rows[2][col(S.M_NEXT_STEP) - 1] == S.STEP_SECOND


def test_blank_incasso_state_is_expected_while_in_dunning_but_reported_otherwise():
    in_dunning = order(**{S.M_FIRST_LETTER: date(2026, 11, 20)})
    at_agency = order(**{S.M_INCASSO_DATE: date(2026, 11, 2), S.M_DEBT_STATUS: "Ans Inkasso übergeben"})
    plan = run(inkasso_data([in_dunning, at_agency]))
    blanks = [f for f in plan.findings if f.code == "INK-STATE-BLANK"]
    assert [f.location for f in blanks] == ["Masterliste!O3"]
    assert blanks[0].suggestion == "sent_for_collection"


def test_a_cell_is_reported_once_even_if_the_export_check_sees_it_too():
    plan = run(inkasso_data([order(**{S.M_INCASSO_STATE: "cancelled"})]))
    assert [f.location for f in plan.findings].count("Masterliste!O2") == 1


def test_blank_booleans_are_one_line_in_the_run_not_one_per_cell():
    plan = run(inkasso_data([order(), order(), order()]))
    blanks = [f for f in plan.findings if f.code == "INK-CSV-BOOL-BLANK-SUMMARY"]
    assert len(blanks) == 1 and blanks[0].severity == "info" and "6 leere Zellen" in blanks[0].message


def test_suggestion_is_not_repeated_when_the_message_already_quotes_it():
    from xl_addin.core.findings import Finding
    assert "meinten" not in Finding("X", "warning", "S", "A1", "wird als 'False' exportiert", "False").text()
    finding = Finding("X", "error", "S", "A1", "Kategorie 'Beschwerden'", "Beschwerde")
    assert "meinten Sie 'Beschwerde'" in finding.text()
