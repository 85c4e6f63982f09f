"""Which row of a rewritten sheet is which from one run to the next (issue 11, defect 2): the
pure rule both adapters use to keep the agents' own columns on the right row."""
from __future__ import annotations

from xl_addin.core.plan import SheetRewrite, agents_columns, carried_rows, value_key
from xl_addin.core.report import FINDINGS_HEADER, FINDINGS_KEY

HEADER = list(FINDINGS_HEADER)


def rewrite(*rows: list) -> SheetRewrite:
    return SheetRewrite("Prüfung", [HEADER, *map(list, rows)], key_columns=FINDINGS_KEY)


def test_the_agents_columns_go_right_of_the_product_block():
    rw = rewrite(["Fehler", "X", "M!A1", "1", "m", None])
    old = {1: "Schwere", 2: "Code", 3: "Zelle", 4: "Schlüssel", 5: "Meldung", 6: "Vorschlag",
           7: "Erledigt", 9: "  kommentar  "}
    assert agents_columns(rw, old) == {7: 7, 9: 9}
    # put first by the agents: moved right of the findings, in their order
    assert agents_columns(rw, {1: "Erledigt", 2: "Schwere", 3: "Code", 4: "ZELLE", 5: "Schlüssel"}) == {1: 7}
    # nothing of the agents', or row 1 not the product's layout (the key headers missing)
    assert agents_columns(rw, {c: h for c, h in enumerate(HEADER, start=1)}) is None
    assert agents_columns(rw, {1: "alt", 2: "0", 3: "alt"}) is None


def test_rows_follow_their_identity_never_their_position():
    a = ["Fehler", "C1", "M!O2", "1", "alt", None]
    b = ["Fehler", "C2", "M!J3", "2", "m", None]
    b_new_message = ["Fehler", "C2", "M!J3", "2", "anders", None]
    old = {2: [value_key(v) for v in a], 3: [value_key(v) for v in b]}
    # a fixed, b's message changed, a new one first: b's cells go to row 3, a's nowhere
    assert carried_rows(rewrite(["Fehler", "C0", "M!A1", "9", "n", None], b_new_message), old) == {3: 3}


def test_duplicates_prefer_the_equal_row_then_keep_their_order():
    one = ["Fehler", "C", "M!A1", "1", "eins", None]
    two = ["Fehler", "C", "M!A1", "1", "zwei", None]
    old = {2: [value_key(v) for v in one], 3: [value_key(v) for v in two]}
    assert carried_rows(rewrite(two, one), old) == {2: 3, 3: 2}
    assert carried_rows(rewrite(["Fehler", "C", "M!A1", "1", "drei", None]), old) == {2: 2}


def test_a_row_without_identity_takes_nothing():
    blank = ["Hinweis", "", "", "", "Keine Befunde.", None]
    old = {2: [value_key(v) for v in blank]}
    assert carried_rows(rewrite(blank), old) == {}


def test_numbers_match_as_the_sheet_stores_them():
    rw = SheetRewrite("_state", [["order_id", "Status"], [10000001, "Laufend"]])
    assert carried_rows(rw, {5: ["10000001", "Gesperrt"]}) == {2: 5}
    assert value_key(10000001.0) == "10000001" and value_key(1.5) == "1.5" and value_key(True) == "TRUE"
