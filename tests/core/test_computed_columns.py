"""Adding missing computed columns is one core mechanism (core.headers.add_missing_columns):
every kind adds a computed column it lacks after the table's last column, and a computed column
the agents named through an ``Alias …`` setting is present — it is never added a second time."""
from __future__ import annotations

from datetime import date, datetime

from tests.builders import inkasso_data, order
from tests.diagonal.helpers import case, diagonal_data
from tests.kundenakten.data import akten_data, customer, entry
from tests.solleciti.builders import solleciti_data, ticket
from xl_addin.core.context import RunContext
from xl_addin.core.headers import add_missing_columns, locate_columns
from xl_addin.core.plan import CellWrite
from xl_addin.kinds import DIAGONAL, INKASSO, KUNDENAKTEN, SOLLECITI
from xl_addin.kinds.diagonal import schema as DS
from xl_addin.kinds.inkasso import schema as IS
from xl_addin.kinds.kundenakten import schema as KS
from xl_addin.kinds.solleciti import schema as SS

NOW = RunContext(datetime(2026, 11, 18, 10, 0), "agent")


def _renamed(headers: list[str], canonical: str, alias: str) -> list[str]:
    return [alias if h == canonical else h for h in headers]


def _header_writes(plan, sheet: str) -> list[CellWrite]:
    return [w for w in plan.writes if w.sheet == sheet and w.row == 1]


def _values_in(plan, sheet: str, col: int) -> list:
    return [w.value for w in plan.writes if w.sheet == sheet and w.row > 1 and w.col == col]


def test_core_adds_each_missing_column_after_the_last_one_and_keeps_alias_found_ones():
    cmap = locate_columns("Blatt", ["A", None, "Frist", "  "], ["A", "Fällig am", "Neu 1", "Neu 2"],
                          {"Fällig am": ["Frist"]})
    writes = add_missing_columns(cmap, ["Fällig am", "Neu 1", "Neu 2"])
    assert writes == [CellWrite("Blatt", 1, 4, "Neu 1"), CellWrite("Blatt", 1, 5, "Neu 2")]
    assert cmap.col("Neu 2") == 5 and cmap.col("Fällig am") == 3 and cmap.table_columns() == (1, 2, 3, 4, 5)
    assert add_missing_columns(cmap, ["Fällig am", "Neu 1", "Neu 2"]) == []


def test_inkasso_alias_named_computed_column_is_not_added_again():
    headers = _renamed(IS.MASTER_HEADERS, IS.M_DUE, "Fällig")
    wb = inkasso_data([order()], settings={"Alias Fällig am": "Fällig"}, master_headers=headers)
    plan = INKASSO.plan_run(wb, NOW)
    assert _header_writes(plan, IS.SHEET_MASTER) == []
    assert _values_in(plan, IS.SHEET_MASTER, headers.index("Fällig") + 1) == [date(2026, 12, 1)]


def test_inkasso_missing_computed_column_is_added_after_the_last_header():
    headers = [h for h in IS.MASTER_HEADERS if h != IS.M_DUE]
    plan = INKASSO.plan_run(inkasso_data([order()], master_headers=headers), NOW)
    assert _header_writes(plan, IS.SHEET_MASTER) == [CellWrite(IS.SHEET_MASTER, 1, len(headers) + 1, IS.M_DUE)]


def test_diagonal_alias_named_computed_column_is_not_added_again():
    headers = _renamed(DS.CASE_HEADERS, DS.C_DUE, "Frist")
    wb = diagonal_data([case()], settings={f"Alias {DS.C_DUE}": "Frist"}, headers=headers)
    plan = DIAGONAL.plan_run(wb, NOW)
    assert _header_writes(plan, DS.SHEET_CASES) == []
    assert len(_values_in(plan, DS.SHEET_CASES, headers.index("Frist") + 1)) == 1


def test_solleciti_alias_named_computed_column_is_not_added_again():
    headers = _renamed(SS.TICKET_HEADERS, SS.T_DUE, "Scadenza")
    wb = solleciti_data([ticket(status=SS.S_NEW)], settings={f"Alias {SS.T_DUE}": "Scadenza"}, headers=headers)
    plan = SOLLECITI.plan_run(wb, NOW)
    assert _header_writes(plan, SS.SHEET_TICKETS) == []
    assert len(_values_in(plan, SS.SHEET_TICKETS, headers.index("Scadenza") + 1)) == 1


def test_kundenakten_alias_named_computed_column_is_not_added_again():
    headers = _renamed(KS.CUSTOMER_HEADERS, KS.K_FOLLOW_UP, "WV")
    wb = akten_data([customer()], [entry()], settings={f"Alias {KS.K_FOLLOW_UP}": "WV"}, customer_headers=headers)
    plan = KUNDENAKTEN.plan_run(wb, NOW)
    assert _header_writes(plan, KS.SHEET_CUSTOMERS) == []
    assert len(_values_in(plan, KS.SHEET_CUSTOMERS, headers.index("WV") + 1)) == 1
