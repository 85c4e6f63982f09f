"""Whatever an agent types into any cell, `run` makes a Plan: it never crashes, it never writes
an input column except incasso_state, and every finding names a cell of the workbook."""
from __future__ import annotations

import re
from datetime import date, datetime

from hypothesis import HealthCheck, given, settings, strategies as st

from tests.builders import NOW, inkasso_data
from xl_addin.core.context import RunContext
from xl_addin.kinds.inkasso import schema as S
from xl_addin.kinds.inkasso.rules import plan_run

cell_values = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.sampled_from(["", " ", "ja", "x", "True", "nein", "31.1.26", "31.11.2026", "2026-10-05", "10/31/2026",
                     "cancelled", " Paid ", "on hold", "Laufend", "Ans Inkasso übergeben", "Freigabe", "Kündigung",
                     "=1+1", "#N/A", "1006", "10000123.0", "00123", "1.5E+07"]),
    st.integers(min_value=-10**12, max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 12, 31)),
    st.times().map(lambda t: datetime.combine(date(1899, 12, 31), t)),
)

row = st.fixed_dictionaries({h: cell_values for h in S.MASTER_INPUT_HEADERS})
vendor_row = st.fixed_dictionaries({h: cell_values for h in S.OVERVIEW_HEADERS})
waiting = st.lists(st.lists(cell_values, min_size=13, max_size=13), max_size=3)
ADDRESS = re.compile(r"^[A-Z]{1,3}[1-9][0-9]*$")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(orders=st.lists(row, min_size=1, max_size=5), vendors=st.lists(vendor_row, max_size=3), waiting=waiting,
       setting=st.tuples(st.sampled_from([s.key for s in S.SETTINGS]), cell_values))
def test_run_never_crashes_on_arbitrary_cells(orders, vendors, waiting, setting):
    wb = inkasso_data(orders, vendors=vendors, waiting=waiting, settings=dict([setting]))
    plan = plan_run(wb, RunContext(NOW, "agent"))
    input_cols = {S.MASTER_HEADERS.index(h) + 1 for h in S.MASTER_INPUT_HEADERS if h != S.M_INCASSO_STATE}
    assert not [w for w in plan.writes if w.sheet == S.SHEET_MASTER and w.row > 1 and w.col in input_cols]
    for f in plan.findings:
        assert f.sheet and f.message
        assert f.cell == "" or ADDRESS.match(f.cell), f.cell

