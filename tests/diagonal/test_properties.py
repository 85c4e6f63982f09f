"""Whatever an agent types into any cell of the case log, `run`, `step-done` and `due` never crash,
`run` never writes an input column, and every finding names a cell."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from hypothesis import HealthCheck, given, settings, strategies as st

from tests.diagonal.helpers import apply_writes, ctx, diagonal_data
from xl_addin.kinds.diagonal import schema as S
from xl_addin.kinds.diagonal.actions import due_cases, plan_step_done
from xl_addin.kinds.diagonal.rules import plan_run

cell_values = st.one_of(
    st.none(),
    st.text(max_size=20),
    st.sampled_from(["", " ", "ja", "Nein", "x", "Neu", "Erinnert", "vendor informiert", "Storniert", "Zustimmung",
                     "offen", "Storno bestätigt", "Hausbesuch", "Debtist-Zahlung", "Gläubigeranfrage", "Debtist",
                     "31.11.2026", "20.11.2026 16:00", "2026-03-29T02:30", "10/31/2026", "#N/A", "60877",
                     "1.5E+07", "00123"]),
    st.integers(min_value=-10**12, max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=date(1900, 1, 1), max_value=date(9999, 12, 31)),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(9999, 12, 31)),
    st.times().map(lambda t: datetime.combine(date(1899, 12, 31), t)),
)
row = st.fixed_dictionaries({h: cell_values for h in S.CASE_HEADERS})
ADDRESS = re.compile(r"^[A-Z]{1,3}[1-9][0-9]*$")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases=st.lists(row, min_size=1, max_size=5),
       setting=st.tuples(st.sampled_from([s.key for s in S.SETTINGS]), cell_values),
       now=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1)))
def test_run_step_done_and_due_never_crash_on_arbitrary_cells(cases, setting, now):
    wb = diagonal_data(cases, settings=dict([setting]))
    plan = plan_run(wb, ctx(now))
    inputs = {S.CASE_HEADERS.index(h) + 1 for h in S.CASE_INPUT_HEADERS}
    assert not [w for w in plan.writes if w.sheet == S.SHEET_CASES and w.row > 1 and w.col in inputs]
    for f in plan.findings:
        assert f.sheet and f.message
        assert f.cell == "" or ADDRESS.match(f.cell), f.cell
    again = plan_run(apply_writes(wb, plan), ctx(now))
    assert [w for w in again.writes if w.sheet == S.SHEET_CASES] == []
    rows = list(range(2, len(cases) + 2))
    done = plan_step_done(wb, ctx(now), rows=rows)
    assert done.summary["Schritt erledigt"] + done.summary["nicht möglich"] >= len(cases) - sum(
        1 for c in cases if all(c[h] in (None, "") or (isinstance(c[h], str) and not c[h].strip())
                                for h in S.CASE_INPUT_HEADERS))
    due_cases(wb, ctx(now), timedelta(days=3))
