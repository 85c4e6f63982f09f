"""SPEC §4 rules as the O-Team lives them: a `Kunden` row and its `Einträge` in, the computed
cells (Letzter VPA-Eintrag, VPA-Akte aktuell, Wiedervorlage, Nächster Schritt), colours and
findings out. Pure: no files. "Today" is 22.11.2026."""
from __future__ import annotations

import copy
from datetime import date, datetime, timedelta

from tests.kundenakten.data import NOW, TODAY, akten_data, ctx, customer, days_ago, entry
from xl_addin.core.workbook_data import WorkbookData
from xl_addin.kinds.kundenakten import schema as S
from xl_addin.kinds.kundenakten.rules import STEP_NO_ASSIGNMENT, STEP_NO_VPA, STEP_OK, RowFont, plan_fonts, plan_run

GREEN = "C6EFCE"
CUSTOMER_COLS = {h: i + 1 for i, h in enumerate(S.CUSTOMER_HEADERS)}
ENTRY_COLS = {h: i + 1 for i, h in enumerate(S.ENTRY_HEADERS)}
TEMPLATE_REGULAR = S.TEMPLATE_DEFAULTS[S.STATUS_REGULAR]


def run(wb: WorkbookData, now: datetime = NOW):
    return plan_run(wb, ctx(now))


def computed(plan, row: int = 2, headers: list[str] = S.CUSTOMER_HEADERS) -> dict:
    """The four computed cells of `Kunden` row `row` after the run (they start blank here)."""
    out = {}
    for h in S.CUSTOMER_COMPUTED_HEADERS:
        col = headers.index(h) + 1 if h in headers else None
        hits = [w for w in plan.writes if w.sheet == S.SHEET_CUSTOMERS and w.row == row and w.col == col]
        out[h] = hits[-1].value if hits else None
    return out


def findings(plan, code: str) -> list:
    return [f for f in plan.findings if f.code == code]


def fill(plan, row: int):
    hits = [f for f in plan.fills if f.sheet == S.SHEET_ENTRIES and f.row == row]
    assert len(hits) == 1, hits
    return hits[0].rgb


def send_step(template: str = TEMPLATE_REGULAR, deadline: date = TODAY + timedelta(days=7)) -> str:
    return (f"Vorlage '{template}' an VPA senden, Frist bis {deadline:%d.%m.%Y} setzen, "
            f"Wiedervorlage einstellen")


# ------------------------------------------------------------------ freshness: 4 weeks

def test_assigned_27_days_ago_without_vpa_entry_is_still_current():
    plan = run(akten_data([customer(**{S.K_ASSIGNED: days_ago(27)})], []))
    assert computed(plan) == {S.K_LAST_VPA: None, S.K_CURRENT: "Ja", S.K_FOLLOW_UP: TODAY + timedelta(days=1),
                              S.K_NEXT_STEP: STEP_OK}


def test_assigned_28_days_ago_without_vpa_entry_is_not_current_and_names_the_template_and_deadline():
    plan = run(akten_data([customer(**{S.K_ASSIGNED: days_ago(28)})], []))
    assert computed(plan) == {S.K_LAST_VPA: None, S.K_CURRENT: "Nein", S.K_FOLLOW_UP: TODAY,
                              S.K_NEXT_STEP: send_step()}


def test_last_vpa_entry_27_days_ago_is_current_28_days_ago_is_not():
    for age, current, follow_up in ((27, "Ja", TODAY + timedelta(days=1)), (28, "Nein", TODAY)):
        plan = run(akten_data([customer(**{S.K_ASSIGNED: days_ago(90)})], [entry(day=days_ago(age))]))
        got = computed(plan)
        assert (got[S.K_LAST_VPA], got[S.K_CURRENT], got[S.K_FOLLOW_UP]) == (days_ago(age), current, follow_up), age


def test_the_newest_vpa_entry_counts_whatever_the_row_order():
    wb = akten_data([customer(**{S.K_ASSIGNED: days_ago(90)})],
                    [entry(day=days_ago(3)), entry(day=days_ago(50)), entry(day=datetime(2026, 11, 21, 16, 45))])
    got = computed(run(wb))
    assert got[S.K_LAST_VPA] == date(2026, 11, 21) and got[S.K_FOLLOW_UP] == date(2026, 12, 19)


def test_the_four_weeks_and_the_deadline_are_settings():
    wb = akten_data([customer(**{S.K_ASSIGNED: days_ago(14)})], [],
                    settings={S.SET_STALE_DAYS: "14 Tage", S.SET_DEADLINE_DAYS: 3})
    got = computed(run(wb))
    assert got[S.K_CURRENT] == "Nein"
    assert got[S.K_NEXT_STEP] == send_step(deadline=TODAY + timedelta(days=3))
    wb = akten_data([customer(**{S.K_ASSIGNED: days_ago(13)})], [], settings={S.SET_STALE_DAYS: 14})
    assert computed(run(wb))[S.K_CURRENT] == "Ja"


def test_the_template_matches_the_customer_status_and_can_be_renamed():
    wb = akten_data([customer(**{S.K_STATUS: "prio kunde", S.K_ASSIGNED: days_ago(40)}),
                     customer("Nord GmbH", **{S.K_STATUS: S.STATUS_INACTIVE, S.K_ASSIGNED: days_ago(40)})], [],
                    settings={"Vorlage Inaktiv": "Reaktivierung – Akte"})
    plan = run(wb)
    assert computed(plan, 2)[S.K_NEXT_STEP] == send_step(S.TEMPLATE_DEFAULTS[S.STATUS_PRIO])
    assert computed(plan, 3)[S.K_NEXT_STEP] == send_step("Reaktivierung – Akte")


# ------------------------------------------------------------------ no VPA entry yet

def test_customer_with_no_vpa_entry_yet_counts_from_the_assignment_and_o_team_entries_do_not_count():
    wb = akten_data([customer(**{S.K_ASSIGNED: days_ago(10)})],
                    [entry(akte=S.FILE_OTEAM, day=days_ago(1), **{S.E_CATEGORY: "Lead-Gespräch"}),
                     entry(akte=S.FILE_OTEAM, day=days_ago(12))])
    assert computed(run(wb)) == {S.K_LAST_VPA: None, S.K_CURRENT: "Ja",
                                 S.K_FOLLOW_UP: days_ago(10) + timedelta(days=28), S.K_NEXT_STEP: STEP_OK}
    wb = akten_data([customer(**{S.K_ASSIGNED: days_ago(30)})], [entry(akte=S.FILE_OTEAM, day=days_ago(1))])
    assert computed(run(wb))[S.K_CURRENT] == "Nein"


def test_customer_without_vpa_or_without_assignment_date_gets_no_verdict():
    wb = akten_data([customer(**{S.K_VPA: None, S.K_ASSIGNED: None}),
                     customer("Nord GmbH", **{S.K_ASSIGNED: None})], [])
    plan = run(wb)
    assert computed(plan, 2) == {S.K_LAST_VPA: None, S.K_CURRENT: None, S.K_FOLLOW_UP: None, S.K_NEXT_STEP: STEP_NO_VPA}
    assert computed(plan, 3) == {S.K_LAST_VPA: None, S.K_CURRENT: None, S.K_FOLLOW_UP: None,
                                 S.K_NEXT_STEP: STEP_NO_ASSIGNMENT}
    [f] = findings(plan, "KA-ASSIGNED-MISSING")
    assert (f.cell, f.severity, f.key) == ("D3", "warning", "Nord GmbH")


def test_without_assignment_date_the_last_vpa_entry_still_starts_the_clock():
    wb = akten_data([customer(**{S.K_ASSIGNED: None})], [entry(day=days_ago(5))])
    assert computed(run(wb))[S.K_FOLLOW_UP] == days_ago(5) + timedelta(days=28)


# ------------------------------------------------------------------ reassignment

def test_reassignment_restarts_the_clock_entries_of_the_previous_vpa_do_not_count():
    old_entries = [entry(day=days_ago(40)), entry(day=days_ago(35))]
    before = akten_data([customer(**{S.K_VPA: "Lena Vogt", S.K_ASSIGNED: days_ago(120)})], old_entries)
    got = computed(run(before))
    assert (got[S.K_LAST_VPA], got[S.K_CURRENT]) == (days_ago(35), "Nein")

    after = akten_data([customer(**{S.K_VPA: "Jonas Krüger", S.K_STATUS: S.STATUS_REASSIGNED,
                                    S.K_ASSIGNED: days_ago(27)})], old_entries)
    assert computed(run(after)) == {S.K_LAST_VPA: None, S.K_CURRENT: "Ja",
                                    S.K_FOLLOW_UP: TODAY + timedelta(days=1), S.K_NEXT_STEP: STEP_OK}
    after = akten_data([customer(**{S.K_VPA: "Jonas Krüger", S.K_STATUS: S.STATUS_REASSIGNED,
                                    S.K_ASSIGNED: days_ago(28)})], old_entries)
    got = computed(run(after))
    assert (got[S.K_LAST_VPA], got[S.K_CURRENT]) == (None, "Nein")
    assert got[S.K_NEXT_STEP] == send_step(S.TEMPLATE_DEFAULTS[S.STATUS_REASSIGNED])


def test_the_new_vpas_first_entry_on_the_assignment_day_counts():
    wb = akten_data([customer(**{S.K_ASSIGNED: days_ago(20)})], [entry(day=days_ago(21)), entry(day=days_ago(20))])
    got = computed(run(wb))
    assert (got[S.K_LAST_VPA], got[S.K_FOLLOW_UP]) == (days_ago(20), days_ago(20) + timedelta(days=28))


# ------------------------------------------------------------------ deadline and reminder

def test_a_deadline_set_for_the_vpa_becomes_the_follow_up_and_is_not_vpa_activity():
    reminder = entry(akte=S.FILE_OTEAM, day=days_ago(2), **{S.E_DEADLINE: TODAY + timedelta(days=5),
                                                            S.E_SITUATION: "VPA per Vorlage angeschrieben"})
    in_vpa_file = entry(day=days_ago(2), **{S.E_DEADLINE: TODAY + timedelta(days=5),
                                            S.E_SITUATION: "Bitte Akte bis Freitag nachtragen"})
    for note in (reminder, in_vpa_file):
        wb = akten_data([customer(**{S.K_ASSIGNED: days_ago(35)})], [note])
        assert computed(run(wb)) == {S.K_LAST_VPA: None, S.K_CURRENT: "Nein",
                                     S.K_FOLLOW_UP: TODAY + timedelta(days=5),
                                     S.K_NEXT_STEP: f"Frist an VPA läuft bis {TODAY + timedelta(days=5):%d.%m.%Y}"}


def test_a_missed_deadline_asks_to_write_to_the_vpa_again():
    wb = akten_data([customer(**{S.K_ASSIGNED: days_ago(45)})],
                    [entry(akte=S.FILE_OTEAM, day=days_ago(15), **{S.E_DEADLINE: days_ago(8)})])
    got = computed(run(wb))
    assert got[S.K_CURRENT] == "Nein" and got[S.K_FOLLOW_UP] == days_ago(8)
    assert got[S.K_NEXT_STEP].startswith(f"Frist {days_ago(8):%d.%m.%Y} verstrichen: VPA erneut anschreiben "
                                         f"(Vorlage '{TEMPLATE_REGULAR}'), neue Frist bis 29.11.2026")


def test_a_vpa_entry_after_the_deadline_makes_the_file_current_again():
    wb = akten_data([customer(**{S.K_ASSIGNED: days_ago(45)})],
                    [entry(akte=S.FILE_OTEAM, day=days_ago(15), **{S.E_DEADLINE: days_ago(8)}),
                     entry(day=days_ago(9))])
    assert computed(run(wb))[S.K_CURRENT] == "Ja"


def test_an_entry_dated_in_the_future_does_not_make_the_file_current():
    wb = akten_data([customer(**{S.K_ASSIGNED: days_ago(40)})], [entry(day=TODAY + timedelta(days=3))])
    plan = run(wb)
    assert computed(plan)[S.K_CURRENT] == "Nein"
    [f] = findings(plan, "KA-DATE-FUTURE")
    assert f.cell == "A2"


# ------------------------------------------------------------------ findings on entries

def test_entry_without_situation_is_a_finding_in_either_file():
    wb = akten_data([customer()], [entry(**{S.E_SITUATION: None}), entry(akte=S.FILE_OTEAM, **{S.E_SITUATION: "  "}),
                                   entry()])
    plan = run(wb)
    assert [f.cell for f in findings(plan, "KA-SITUATION-MISSING")] == ["E2", "E3"]
    assert all(f.sheet == S.SHEET_ENTRIES and f.severity == "warning" for f in findings(plan, "KA-SITUATION-MISSING"))


def test_shared_account_entries_need_initials_the_account_name_is_a_setting():
    rows = [entry(**{S.E_AUTHOR: "Office Team", S.E_INITIALS: None}),        # 2: shared, no Kürzel
            entry(**{S.E_AUTHOR: " office  team ", S.E_INITIALS: "MK"}),     # 3: shared, with Kürzel
            entry(**{S.E_AUTHOR: "Lena Vogt", S.E_INITIALS: None}),          # 4: own account
            entry(akte=S.FILE_OTEAM, **{S.E_AUTHOR: "office team"}),         # 5: shared, no Kürzel
            entry(**{S.E_AUTHOR: "Sales Desk"})]                             # 6: second shared account
    plan = run(akten_data([customer()], rows, settings={S.SET_SHARED_ACCOUNT: "Office Team; Sales Desk"}))
    got = findings(plan, "KA-INITIALS-MISSING")
    assert [f.cell for f in got] == ["I2", "I5", "I6"]
    assert "'Office Team'" in got[0].message and got[0].key == "Bäckerei Sonnenschein"
    # with the default setting nobody writes from the shared account
    assert not findings(run(akten_data([customer()], rows)), "KA-INITIALS-MISSING")


def test_shared_account_rule_cannot_be_checked_without_the_author_column():
    headers = [h for h in S.ENTRY_HEADERS if h != S.E_AUTHOR]
    rows = [{k: v for k, v in entry().items() if k != S.E_AUTHOR}]
    plan = run(akten_data([customer()], rows, entry_headers=headers))
    [f] = findings(plan, "KA-AUTHOR-COLUMN-MISSING")
    assert f.severity == "info" and not findings(plan, "KA-INITIALS-MISSING")


def test_entries_for_a_customer_not_on_kunden_are_findings_and_count_for_nobody():
    wb = akten_data([customer("Nord GmbH", **{S.K_ASSIGNED: days_ago(40)})],
                    [entry("Nordd GmbH", day=days_ago(1)), entry("Fremdfirma AG", akte=S.FILE_OTEAM)])
    plan = run(wb)
    got = findings(plan, "KA-CUSTOMER-UNKNOWN")
    assert [(f.cell, f.suggestion) for f in got] == [("B2", "Nord GmbH"), ("B3", "")]
    assert "Kunde 'Nordd GmbH' steht nicht auf 'Kunden'" in got[0].text()
    assert computed(plan)[S.K_CURRENT] == "Nein"          # the typo'd entry is not Nord GmbH's
    assert fill(plan, 2) == GREEN                          # it is still a VPA row


def test_customer_names_match_ignoring_case_and_blanks():
    wb = akten_data([customer("Nord  GmbH", **{S.K_ASSIGNED: days_ago(40)})], [entry(" nord gmbh ", day=days_ago(2))])
    plan = run(wb)
    assert computed(plan)[S.K_LAST_VPA] == days_ago(2) and not findings(plan, "KA-CUSTOMER-UNKNOWN")


def test_bad_cells_are_findings_with_cell_and_suggestion():
    wb = akten_data([customer(**{S.K_STATUS: "Prio-Kunde", S.K_ASSIGNED: "31.11.2026"}),
                     customer(**{S.K_ASSIGNED: days_ago(3)})],
                    [entry(akte="VPA Akte?"), entry(akte=None), entry(**{S.E_CATEGORY: "Beschwerden"}),
                     entry(day="2026-13-01"), entry(**{S.E_DATE: None})])
    plan = run(wb)
    status = findings(plan, "KA-STATUS-INVALID")[0]
    assert (status.cell, status.suggestion, status.severity) == ("B2", S.STATUS_PRIO, "error")
    assert sorted((f.sheet, f.cell) for f in findings(plan, "XL-DATE-INVALID")) == [
        (S.SHEET_ENTRIES, "A5"), (S.SHEET_CUSTOMERS, "D2")]
    assert computed(plan, 2)[S.K_NEXT_STEP] == "Eingabe prüfen: Zugewiesen am"
    assert [f.cell for f in findings(plan, "KA-FILE-INVALID")] == ["C2", "C3"]
    cat = findings(plan, "KA-CATEGORY-INVALID")[0]
    assert (cat.cell, cat.suggestion) == ("D4", "Beschwerde")
    assert [f.cell for f in findings(plan, "KA-DATE-MISSING")] == ["A6"]
    dup = findings(plan, "KA-CUSTOMER-DUPLICATE")[0]
    assert dup.cell == "A3" and "Zeile 2" in dup.message


def test_unknown_status_still_gives_a_follow_up_without_naming_a_wrong_template():
    wb = akten_data([customer(**{S.K_STATUS: "VIP", S.K_ASSIGNED: days_ago(30)})], [])
    assert computed(run(wb))[S.K_NEXT_STEP] == ("Vorlage zum Kundenstatus (Kundenstatus prüfen) an VPA senden, "
                                                 "Frist bis 29.11.2026 setzen, Wiedervorlage einstellen")


# ------------------------------------------------------------------ colours

def test_vpa_rows_green_o_team_rows_black_text_and_no_product_fill():
    wb = akten_data([customer()], [entry(), entry(akte="O-Team"), entry(akte=" oteam "), entry(akte="intern"),
                                   entry(akte="vpa")])
    plan = run(wb)
    assert [fill(plan, r) for r in range(2, 7)] == [GREEN, None, None, None, GREEN]
    assert GREEN in plan.product_colours
    all_cols = tuple(range(1, len(S.ENTRY_HEADERS) + 1))
    assert all(f.cols == all_cols for f in plan.fills)
    fonts = {f.row: f for f in plan_fonts(wb, ctx())}
    assert [fonts[r].rgb for r in range(2, 7)] == [None, "000000", "000000", None, None]
    assert fonts[3] == RowFont(S.SHEET_ENTRIES, 3, all_cols, "000000")


def test_colours_are_settings():
    wb = akten_data([customer()], [entry(), entry(akte="O-Team")],
                    settings={S.SET_GREEN: "#A9D08E", S.SET_BLACK: "202020"})
    plan = run(wb)
    assert fill(plan, 2) == "A9D08E" and {"A9D08E", GREEN} <= plan.product_colours
    assert [f.rgb for f in plan_fonts(wb, ctx())] == [None, "202020"]


def test_an_entry_changed_from_vpa_to_o_team_loses_the_green():
    plan = run(akten_data([customer()], [entry(akte=S.FILE_OTEAM)]))
    assert fill(plan, 2) is None      # RowFill(None) removes the product's green, agents' colours stay


# ------------------------------------------------------------------ layout

def test_columns_are_found_by_header_text_in_any_order_with_extra_columns():
    c_headers = ["Notiz", S.K_NEXT_STEP, S.K_ASSIGNED, " kunde ", S.K_VPA, S.K_CURRENT, S.K_STATUS,
                 S.K_FOLLOW_UP, S.K_LAST_VPA]
    e_headers = list(reversed(S.ENTRY_HEADERS)) + ["Link"]
    c = customer(**{S.K_ASSIGNED: days_ago(28)})
    c[" kunde "] = c.pop(S.K_CUSTOMER)
    plan = run(akten_data([c], [entry(day=days_ago(30))], customer_headers=c_headers, entry_headers=e_headers))
    got = computed(plan, 2, c_headers)
    assert got[S.K_CURRENT] == "Nein" and got[S.K_FOLLOW_UP] == TODAY
    assert not [w for w in plan.writes if w.col in (1, 3, 4, 5, 7)]     # input and agents' columns untouched
    assert plan.fills[0].cols == tuple(range(1, len(e_headers) + 1))


def test_missing_computed_columns_are_added_after_the_last_header():
    headers = S.CUSTOMER_INPUT_HEADERS + ["Notiz"]
    plan = run(akten_data([customer(**{S.K_ASSIGNED: days_ago(28)})], [], customer_headers=headers))
    header_writes = {w.col: w.value for w in plan.writes if w.sheet == S.SHEET_CUSTOMERS and w.row == 1}
    assert header_writes == {6: S.K_LAST_VPA, 7: S.K_CURRENT, 8: S.K_FOLLOW_UP, 9: S.K_NEXT_STEP}
    assert [w.value for w in plan.writes if w.row == 2 and w.col == 7] == ["Nein"]


def test_missing_required_column_is_an_error_and_nothing_is_computed():
    headers = [h for h in S.ENTRY_HEADERS if h != S.E_FILE]
    rows = [{k: v for k, v in entry().items() if k != S.E_FILE}]
    plan = run(akten_data([customer()], rows, entry_headers=headers))
    [f] = findings(plan, "XL-HEADER-MISSING")
    assert f.sheet == S.SHEET_ENTRIES and "'Akte'" in f.message
    assert not plan.writes and not plan.fills
    assert S.SHEET_FINDINGS in [rw.sheet for rw in plan.rewrites]          # (the overview recounts the sheet as it is)


def test_blank_rows_in_between_are_skipped_not_the_end():
    wb = akten_data([customer(**{S.K_ASSIGNED: days_ago(40)})], [entry(day=days_ago(50))])
    wb.sheets[S.SHEET_ENTRIES].rows += [[None] * len(S.ENTRY_HEADERS)] * 3
    wb.sheets[S.SHEET_ENTRIES].rows.append([entry(day=days_ago(2)).get(h) for h in S.ENTRY_HEADERS])
    plan = run(wb)
    assert computed(plan)[S.K_LAST_VPA] == days_ago(2)
    assert [f.row for f in plan.fills] == [2, 6]


# ------------------------------------------------------------------ run twice

def _apply_writes(wb: WorkbookData, plan) -> WorkbookData:
    out = copy.deepcopy(wb)
    for w in plan.writes:
        rows = out.sheets[w.sheet].rows
        while len(rows) < w.row:
            rows.append([])
        row = rows[w.row - 1]
        row += [None] * (w.col - len(row))
        row[w.col - 1] = w.value
    return out


def test_running_twice_changes_nothing():
    wb = akten_data([customer(**{S.K_ASSIGNED: days_ago(28)}),
                     customer("Nord GmbH", **{S.K_ASSIGNED: days_ago(5)}),
                     customer("Süd KG", **{S.K_VPA: None}),
                     customer("West AG", **{S.K_ASSIGNED: days_ago(60)})],
                    [entry("Nord GmbH", day=days_ago(1)), entry(akte=S.FILE_OTEAM),
                     entry("West AG", akte=S.FILE_OTEAM, day=days_ago(3), **{S.E_DEADLINE: days_ago(1)})],
                    customer_headers=S.CUSTOMER_INPUT_HEADERS)
    first = run(wb)
    assert first.writes
    second = run(_apply_writes(wb, first))
    assert second.writes == []
    assert second.fills == first.fills and second.rewrites[0].rows == first.rewrites[0].rows
    assert second.protocol == []


def test_run_writes_no_input_column_and_logs_nothing():
    wb = akten_data([customer(**{S.K_ASSIGNED: days_ago(28)})],
                    [entry(day=days_ago(40)), entry(akte=S.FILE_OTEAM)])
    plan = run(wb)
    assert all(w.sheet == S.SHEET_CUSTOMERS and w.col in (5, 6, 7, 8) for w in plan.writes)
    assert plan.protocol == [] and not [a for a in plan.appends]
    assert plan.summary["VPA-Akte nicht aktuell"] == 1 and plan.summary["Einträge O-Team (schwarz)"] == 1
