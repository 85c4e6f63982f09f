"""SPEC §0 "Layout contract": columns are found by header text in row 1, never by letter."""
from __future__ import annotations

from hypothesis import given, strategies as st

from xl_addin.core.findings import ERROR, WARNING
from xl_addin.core.headers import ColumnMap, header_findings, locate_columns, norm_header

MASTER = ["vendor_id", "order_id", "first_dunning_letter", "incasso_state", "reopened"]


def test_norm_header_ignores_case_blanks_nbsp_and_line_breaks():
    assert norm_header("  Incasso_State ") == "incasso_state"
    assert norm_header("Nächster\nSchritt") == "nächster schritt"
    assert norm_header("Fällig\u00a0\u00a0am") == "fällig am"
    assert norm_header(None) == ""
    assert norm_header(2026.0) == "2026"


def test_agent_reordered_columns_and_added_her_own():
    row = ["Meine Notiz", "order_id", "incasso_state", "vendor_id", None, "reopened", "first_dunning_letter"]
    cmap = locate_columns("Masterliste", row, MASTER)
    assert cmap.columns == {"order_id": 2, "incasso_state": 3, "vendor_id": 4, "reopened": 6,
                            "first_dunning_letter": 7}
    assert cmap.missing == [] and cmap.duplicates == {}
    assert cmap.col("incasso_state") == 3
    assert cmap.col(" INCASSO_STATE ") == 3   # callers may pass headers in any spelling
    assert cmap.col("Meine Notiz") is None     # not wanted, not mapped
    assert header_findings(cmap, MASTER) == []


def test_header_with_odd_case_and_spaces_is_found():
    cmap = locate_columns("Masterliste", [" Vendor_ID", "ORDER_ID  ", "incasso_state\n"],
                          MASTER[:2] + ["incasso_state"])
    assert cmap.columns == {"vendor_id": 1, "order_id": 2, "incasso_state": 3}


def test_alias_from_the_settings_sheet_finds_a_renamed_column():
    row = ["vendor_id", "Bestell-ID", "incasso_state"]
    without = locate_columns("Masterliste", row, ["vendor_id", "order_id"])
    assert without.missing == ["order_id"]
    cmap = locate_columns("Masterliste", row, ["vendor_id", "order_id"], {"order_id": ["Bestell-ID", "Order ID"]})
    assert cmap.col("order_id") == 2 and cmap.missing == []


def test_alias_keys_match_like_headers_and_a_single_string_is_accepted():
    cmap = locate_columns("Masterliste", ["x", "bestell id"], ["order_id"], {" Order_ID": "Bestell  ID"})
    assert cmap.col("order_id") == 2


def test_first_occurrence_wins_and_duplicates_are_reported_at_the_second():
    row = ["vendor_id", "order_id", "incasso_state", "x", "y", "Order_ID"]
    cmap = locate_columns("Masterliste", row, MASTER)
    assert cmap.col("order_id") == 2
    assert cmap.duplicates == {"order_id": [2, 6]}
    dup = [f for f in header_findings(cmap, MASTER) if f.code == "XL-HEADER-DUPLICATE"]
    assert len(dup) == 1
    assert dup[0].severity == WARNING and dup[0].cell == "F1" and dup[0].sheet == "Masterliste"
    assert "order_id" in dup[0].message and "B1" in dup[0].message


def test_alias_and_canonical_header_both_present_is_a_duplicate():
    cmap = locate_columns("M", ["Bestell-ID", "order_id"], ["order_id"], {"order_id": ["Bestell-ID"]})
    assert cmap.col("order_id") == 1 and cmap.duplicates == {"order_id": [1, 2]}


def test_missing_required_header_is_an_error_with_the_nearest_header():
    row = ["vendor_id", "order id", "incasso_state"]
    cmap = locate_columns("Masterliste", row, MASTER)
    assert cmap.missing == ["order_id", "first_dunning_letter", "reopened"]
    findings = header_findings(cmap, ["vendor_id", "order_id"])
    assert len(findings) == 1          # only required headers are findings
    f = findings[0]
    assert (f.code, f.severity, f.sheet, f.cell) == ("XL-HEADER-MISSING", ERROR, "Masterliste", "")
    assert f.message == "Spalte 'order_id' fehlt in Zeile 1"
    assert f.suggestion == "order id"
    assert f.text() == "Masterliste  Spalte 'order_id' fehlt in Zeile 1 — meinten Sie 'order id'?"


def test_missing_header_is_not_suggested_from_a_column_already_used():
    cmap = locate_columns("M", ["order_id", "Notizen"], ["order_id", "order_ids"])
    [f] = header_findings(cmap, ["order_ids"])
    assert f.suggestion == ""


def test_empty_sheet_misses_every_header():
    cmap = locate_columns("Masterliste", [], MASTER)
    assert cmap.columns == {} and cmap.missing == MASTER
    assert [f.code for f in header_findings(cmap, ["order_id"])] == ["XL-HEADER-MISSING"]
    assert header_findings(cmap, ["order_id"])[0].suggestion == ""


def test_column_map_constructed_by_hand_still_works():
    cmap = ColumnMap(sheet="S", columns={"a": 1}, missing=["b"], duplicates={})
    assert cmap.col("a") == 1 and cmap.col("b") is None
    assert header_findings(cmap, ["b"])[0].suggestion == ""


@given(st.permutations(MASTER), st.lists(st.sampled_from(["", "Notiz", None, "Extra"]), max_size=4))
def test_every_header_is_found_wherever_it_stands(order, extra):
    row = list(order) + extra
    cmap = locate_columns("Masterliste", row, MASTER)
    assert cmap.missing == []
    for name in MASTER:
        assert row[cmap.col(name) - 1] == name
