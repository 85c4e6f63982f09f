"""Whatever the team types into any cell, `run` makes a Plan: it never crashes, never writes an
input column, every finding names a cell, every entry row gets exactly one fill, and only a
row whose `Akte` reads "VPA" is ever green."""
from __future__ import annotations

import re
from datetime import date, datetime

from hypothesis import HealthCheck, given, settings, strategies as st

from tests.kundenakten.data import NOW, akten_data, ctx
from xl_addin.kinds.kundenakten import schema as S
from xl_addin.kinds.kundenakten.rules import plan_run

cell_values = st.one_of(
    st.none(),
    st.text(max_size=20),
    st.sampled_from(["", " ", "VPA", "vpa", "O-Team", "OTeam", "intern", "Prio Kunde", "Inaktiv", "Team-Account",
                     "31.1.26", "31.11.2026", "2026-10-05", "10/31/2026", "=1+1", "#N/A", "Bäckerei Sonnenschein"]),
    st.integers(min_value=-10**9, max_value=10**9),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 12, 31)),
)
customer_row = st.fixed_dictionaries({h: cell_values for h in S.CUSTOMER_HEADERS})
entry_row = st.fixed_dictionaries({h: cell_values for h in S.ENTRY_HEADERS})
ADDRESS = re.compile(r"^[A-Z]{1,3}[1-9][0-9]*$")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(customers=st.lists(customer_row, max_size=4), entries=st.lists(entry_row, max_size=6),
       setting=st.tuples(st.sampled_from([s.key for s in S.SETTINGS]), cell_values))
def test_run_never_crashes_on_arbitrary_cells(customers, entries, setting):
    wb = akten_data(customers, entries, settings=dict([setting]))
    plan = plan_run(wb, ctx(NOW))
    computed = {S.CUSTOMER_HEADERS.index(h) + 1 for h in S.CUSTOMER_COMPUTED_HEADERS}
    assert all(w.sheet == S.SHEET_CUSTOMERS and w.row > 1 and w.col in computed for w in plan.writes)
    for f in plan.findings:
        assert f.sheet and f.message
        assert f.cell == "" or ADDRESS.match(f.cell), f.cell
    green_rows = {f.row for f in plan.fills if f.rgb is not None}
    vpa_rows = {i + 2 for i, e in enumerate(entries)
                if isinstance(e[S.E_FILE], str) and " ".join(e[S.E_FILE].split()).casefold() == "vpa"}
    assert green_rows <= vpa_rows
    assert len({f.row for f in plan.fills}) == len(plan.fills)
