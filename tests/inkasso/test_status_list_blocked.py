"""Issue 12, item 15: the status list for a vendor once listed orders in `Blockiert`, the internal
pause that vendors never see (SPEC §2). Now an order is listed only with a status a vendor may
see: `Blockiert` (also as incasso_state `blocked`, or misspelt) never reaches the CSV or the
.xlsx, and `--status Blockiert` is refused with one line.

Real files: the Masterliste written by openpyxl, the list made by `xl-addin status-list`, the
.xlsx read back by python-calamine and the CSV as bytes."""
from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st
from python_calamine import CalamineWorkbook

from tests.builders import inkasso_data, order, write_xlsx
from xl_addin.cli import main
from xl_addin.core.settings import Settings
from xl_addin.kinds.inkasso import schema as S
from xl_addin.kinds.inkasso.status_list import VENDOR_STATUSES, build_status_list

SECRET_WORDS = ("Blockiert", "blockiert", "Blokiert", "blocked", "BLOCKIERT")


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def book(tmp_path):
    orders = [
        order(**{S.M_ORDER_ID: 501, S.M_DEBT_STATUS: "Ans Inkasso übergeben",
                 S.M_INCASSO_STATE: "sent_for_collection"}),
        order(**{S.M_ORDER_ID: 502, S.M_DEBT_STATUS: "Blockiert", S.M_INCASSO_STATE: "blocked"}),
        order(**{S.M_ORDER_ID: 503, S.M_DEBT_STATUS: " blockiert "}),
        order(**{S.M_ORDER_ID: 504, S.M_DEBT_STATUS: "Laufend", S.M_INCASSO_STATE: "Blocked"}),
        order(**{S.M_ORDER_ID: 505, S.M_DEBT_STATUS: "Blokiert"}),
        order(**{S.M_ORDER_ID: 506, S.M_DEBT_STATUS: "Laufend"}),
        order(**{S.M_ORDER_ID: 507, S.M_DEBT_STATUS: None, S.M_INCASSO_STATE: "blocked"}),
        order(**{S.M_ORDER_ID: 508, S.M_DEBT_STATUS: None}),
    ]
    return write_xlsx(inkasso_data(orders), tmp_path / "Inkasso - Cancelled Installments.xlsx")


def _files(out):
    (csv_path,) = out.glob("*.csv")
    (xlsx_path,) = out.glob("*.xlsx")
    text = csv_path.read_bytes().decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    sheet = CalamineWorkbook.from_path(str(xlsx_path)).get_sheet_by_name("Status-Liste").to_python()
    return text, table, sheet


def test_all_statuses_list_no_blocked_order_and_the_agent_is_told(book, tmp_path):
    out = tmp_path / "out"
    result = cli("status-list", book, "--vendor", 1006, "--out", out, "--now", "2026-11-22T12:00")
    assert result.exit_code == 0, result.output
    text, table, sheet = _files(out)
    assert [r[0] for r in table[1:]] == ["501", "506", "508"]
    assert [r[0] for r in sheet[1:]] == [501, 506, 508]
    assert not [w for w in SECRET_WORDS if w in text or w in repr(sheet)]
    # the agent's terminal names every withheld order and its cell
    for order_id in (502, 503, 504, 507):
        assert f"Bestellung {order_id}: " in result.output
    assert "'Blokiert' ist kein gültiger Schulden-Status — Bestellung fehlt in der Liste" in result.output
    assert "Vendor 1006: 3 Bestellungen" in result.output


def test_laufend_does_not_list_an_order_whose_incasso_state_is_blocked(book, tmp_path):
    out = tmp_path / "out"
    result = cli("status-list", book, "--vendor", 1006, "--status", "Laufend", "--out", out)
    assert result.exit_code == 0, result.output
    _, table, sheet = _files(out)
    assert [r[0] for r in table[1:]] == ["506"] and [r[0] for r in sheet[1:]] == [506]


@pytest.mark.parametrize("asked", ["Blockiert", "blocked", " BLOCKIERT "])
def test_asking_for_blockiert_is_refused_with_one_line(book, tmp_path, asked):
    out = tmp_path / "out"
    result = cli("status-list", book, "--vendor", 1006, "--status", "Laufend", "--status", asked, "--out", out)
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "'Blockiert' ist intern und wird Vendoren nie gezeigt" in lines[0]
    assert not out.exists() or not list(out.iterdir())


# ------------------------------------------------------------------ the property

SPELLINGS: dict[str, list[str | None]] = {
    "Blockiert": ["Blockiert", " blockiert", "BLOCKIERT "], "blocked-state": ["Laufend"],
    **{s: [s, s.upper()] for s in VENDOR_STATUSES}, "typo": ["Blokiert", "Blockiert!"], "blank": [None]}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(st.sampled_from(sorted(SPELLINGS)), st.data()), min_size=1, max_size=10),
       wanted=st.one_of(st.none(), st.sets(st.sampled_from(VENDOR_STATUSES), min_size=1)))
def test_no_blocked_order_in_any_list_and_every_visible_order_in_it(rows, wanted):
    orders, expected = [], []
    for i, (kind, data) in enumerate(rows):
        spelling = data.draw(st.sampled_from(SPELLINGS[kind]))
        state = "blocked" if kind in ("Blockiert", "blocked-state") else None
        orders.append(order(**{S.M_ORDER_ID: 900 + i, S.M_DEBT_STATUS: spelling, S.M_INCASSO_STATE: state}))
        visible = kind in VENDOR_STATUSES or (kind == "blank" and not wanted)
        if visible and (not wanted or kind in wanted):
            expected.append(900 + i)
    sl = build_status_list(inkasso_data(orders), 1006, sorted(wanted) if wanted else None,
                           Settings.defaults(S.SETTINGS))
    assert [r[0] for r in sl.rows] == expected
    assert not [r for r in sl.rows if r[-1] not in VENDOR_STATUSES and r[-1] is not None]
