"""Whatever a caller types into any cell, `run` makes a Plan: it never crashes, never writes an
input column, every finding names a real cell, every ticket row gets an Azione, and Report
Preblocco never receives a ticket that is already there (nor one twice)."""
from __future__ import annotations

import re
from datetime import date, datetime

from hypothesis import HealthCheck, given, settings, strategies as st

from tests.solleciti.builders import NOW, apply, solleciti_data
from xl_addin.core import values as V
from xl_addin.core.context import RunContext
from xl_addin.kinds.solleciti import schema as S
from xl_addin.kinds.solleciti.run import plan_run

cell_values = st.one_of(
    st.none(),
    st.text(max_size=20),
    st.sampled_from(S.STATUSES + S.OUTCOMES + S.REASONS + S.CONTACT_PERSONS + S.PROBLEMS + S.PAYMENT_KINDS
                    + S.UPDATES + ["", " ", "chiamata1", "Ha gia' pagato", "31.11.2026", "05/12/2026", "2026-11-30",
                                   "12.11.26", "-1", "3", "4.0", "#N/A", "=1+1"]),
    st.integers(min_value=-5, max_value=10),
    st.integers(min_value=-10**9, max_value=10**9),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 12, 31)),
)
row = st.fixed_dictionaries({h: cell_values for h in S.TICKET_INPUT_HEADERS})
ticket_ids = st.sampled_from([1, 2, 3, "A-7", None])
ADDRESS = re.compile(r"^[A-Z]{1,3}[1-9][0-9]*$")
INPUT_COLS = {S.TICKET_HEADERS.index(h) + 1 for h in S.TICKET_INPUT_HEADERS}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(ticket_ids, row), min_size=1, max_size=6),
       report=st.lists(st.tuples(ticket_ids, cell_values), max_size=3),
       setting=st.tuples(st.sampled_from([s.key for s in S.SETTINGS]), cell_values),
       days=st.integers(min_value=0, max_value=60))
def test_run_never_crashes_and_never_duplicates_the_report(rows, report, setting, days):
    tickets = [{**r, S.T_TICKET: tid} for tid, r in rows]
    wb = solleciti_data(tickets, report=[[tid, c] for tid, c in report], settings=dict([setting]))
    plan = plan_run(wb, RunContext(NOW, "operatore"))
    assert not [w for w in plan.writes if w.sheet == S.SHEET_TICKETS and w.row > 1 and w.col in INPUT_COLS]
    for f in plan.findings:
        assert f.sheet and f.message
        assert f.cell == "" or ADDRESS.match(f.cell), f.cell
    action_col = S.TICKET_HEADERS.index(S.T_ACTION) + 1
    has_values = {i + 2 for i, t in enumerate(tickets) if any(not V.is_blank(v) for v in t.values())}
    assert {w.row for w in plan.writes if w.col == action_col} == has_values

    def in_report(wb):
        sheet = wb.sheet(S.SHEET_REPORT)
        ids = []
        for r in sheet.rows[1:]:
            try:
                ids.append(V.parse_id(r[0]) if r else None)
            except V.ParseError:
                ids.append(V.norm_text(r[0]))
        return ids

    before = [i for i in in_report(wb) if i]
    wb = apply(wb, plan)
    later = plan_run(wb, RunContext(datetime(2026, 11, 18 + days % 12, 9, 0), "operatore"))
    wb = apply(wb, later)
    added = [i for i in in_report(wb) if i][len(before):]
    assert len(added) == len(set(added)) and not set(added) & set(before)
    again = plan_run(wb, RunContext(datetime(2026, 11, 18 + days % 12, 9, 0), "operatore"))
    assert again.writes == [] and not [a for a in again.appends if a.sheet == S.SHEET_REPORT]
