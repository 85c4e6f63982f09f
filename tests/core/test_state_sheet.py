"""The hidden keyed state sheet (core.state_sheet), shared by Inkasso and Solleciti."""
from __future__ import annotations

from hypothesis import given, strategies as st

from tests.builders import NOW, inkasso_data, order
from tests.solleciti.builders import apply as apply_solleciti, run as run_solleciti, solleciti_data, ticket
from xl_addin.core.context import RunContext
from xl_addin.core.state_sheet import read_state, state_rewrite
from xl_addin.core.workbook_data import SheetData
from xl_addin.kinds.inkasso import schema as IS
from xl_addin.kinds.inkasso.rules import plan_run as run_inkasso
from xl_addin.kinds.solleciti import schema as SS


def test_rows_are_keyed_by_their_id_and_the_first_row_of_an_id_wins():
    sheet = SheetData("xl_addin_x", [["id", "a", "b"], [10000001.0, "x"], [None, "ohne id"], [True, "kein id"],
                                     ["10000001", "zweite"], ["A-7", "y", "z", "über die Spalten hinaus"]])
    assert read_state(sheet, 3) == {"10000001": ("x", None), "A-7": ("y", "z")}
    assert read_state(None, 3) == {}


def test_the_sheet_is_rewritten_very_hidden_only_when_its_content_changes():
    rows = [["id", "a"], ["1", "x"]]
    assert state_rewrite("S", [["id", "a"]], None) is None                  # nothing to remember
    new = state_rewrite("S", rows, None)
    assert new is not None and new.state == "veryHidden" and new.rows == rows
    same = SheetData("s", [["id", "a", None], [1, " x "], [None]], "veryHidden")   # as read back
    assert state_rewrite("S", rows, same) is None
    assert state_rewrite("S", [["id", "a"], ["1", "y"]], same).sheet == "S"


def test_a_state_sheet_an_agent_unhid_is_hidden_again_even_when_its_content_is_the_same():
    rows = [["id", "a"], ["1", "x"]]
    for state in ("visible", "hidden"):
        again = state_rewrite("S", rows, SheetData("S", [list(r) for r in rows], state))
        assert again is not None and again.state == "veryHidden" and again.rows == rows


def _applied(wb, plan):
    for w in plan.writes:
        rows = wb.sheets[w.sheet].rows
        rows[w.row - 1] += [None] * (w.col - len(rows[w.row - 1]))
        rows[w.row - 1][w.col - 1] = w.value
    for rw in plan.rewrites:
        wb.sheets[rw.sheet] = SheetData(rw.sheet, [list(r) for r in rw.rows], rw.state)
    return wb


def test_inkasso_and_solleciti_rewrite_their_state_sheet_only_when_it_changes():
    ctx = RunContext(NOW, "agent")
    wb = inkasso_data([order(**{IS.M_DEBT_STATUS: "Laufend"})])
    first = run_inkasso(wb, ctx)
    assert [r.state for r in first.rewrites if r.sheet == IS.SHEET_STATE] == ["veryHidden"]
    second = run_inkasso(_applied(wb, first), ctx)
    assert not [r for r in second.rewrites if r.sheet == IS.SHEET_STATE]

    sol = solleciti_data([ticket(status=SS.S_NEW)])
    first = run_solleciti(sol)
    assert [r.state for r in first.rewrites if r.sheet == SS.SHEET_STATE] == ["veryHidden"]
    second = run_solleciti(apply_solleciti(sol, first))
    assert not [r for r in second.rewrites if r.sheet == SS.SHEET_STATE]


_cells = st.one_of(st.none(), st.sampled_from(["", " ", "10000001", "10000001 ", "Laufend", "2026-11-22"]),
                   st.integers(0, 3), st.floats(allow_nan=True), st.booleans(), st.text(max_size=3))
_rows = st.lists(st.one_of(st.lists(_cells, max_size=5), st.tuples(_cells, _cells)), max_size=5)


@given(_rows, _rows)
def test_the_sheet_is_compared_as_its_text_is(a, b):
    """The row-by-row comparison (equal texts need no normalising) answers as comparing the texts."""
    from xl_addin.core.state_sheet import _as_text, _same_text
    assert _same_text(a, b) == (_as_text(a) == _as_text(b))
    assert _same_text(a, a) and _same_text(a, [list(r) for r in a] + [[None, ""]])
