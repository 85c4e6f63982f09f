"""What only a live Excel hands over: Currency as Decimal, the newer error values as numbers."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from hypothesis import given, settings, strategies as st

from tests.builders import inkasso_data, order
from tests.excel.fakebook import FakeBook
from xl_addin.core.com_values import as_read, excel_error, from_com
from xl_addin.excel.adapter import _from_excel, _merge_value2, read_workbook_live
from xl_addin.kinds.inkasso import rules as inkasso, schema as S

SPILL, CALC, GETTING_DATA = -2146826243, -2146826238, -2146826245


def test_new_error_values_arrive_as_numbers_and_read_as_their_text():
    assert excel_error(SPILL) == "#SPILL!" and excel_error(CALC) == "#CALC!"
    assert excel_error(GETTING_DATA) == "#GETTING_DATA"
    assert excel_error(-2146826246) == "#N/A" and excel_error(" #N/A ") == "#N/A"
    assert _from_excel(SPILL) == "#SPILL!" and _from_excel(-2146826238) == "#CALC!"
    # numbers stay numbers: Excel hands numbers over as floats; small ints are ordinary values
    assert excel_error(-2146826243.0) is None and excel_error(5) is None and excel_error(True) is None
    assert _from_excel(-2146826243.0) == -2146826243


def test_currency_decimal_reads_as_the_double_excel_holds():
    assert from_com(Decimal("119.5000")) == 119.5 and isinstance(from_com(Decimal("119.5000")), float)
    assert _from_excel(Decimal("120.0000")) == 120 and isinstance(_from_excel(Decimal("120.0000")), int)
    assert _from_excel(Decimal("0.1235")) == 0.1235


def test_value2_gives_the_exact_number_where_value_gives_a_rounded_decimal():
    value = [[datetime(2026, 6, 1), Decimal("0.1235"), "x"]]
    value2 = ((46174.0, 0.123456, "x"),)
    assert _merge_value2(value, value2) == [[datetime(2026, 6, 1), 0.123456, "x"]]
    assert _merge_value2([[Decimal("1.5000")]], 1.5) == [[1.5]]      # a one-cell range: a scalar


def test_a_currency_amount_and_a_spill_error_in_a_live_masterliste():
    """The rules see 119.5 (a number) for a Currency cell and '#SPILL!' for an error cell, as
    the package reader would give them — no '119.5000', no '-2146826243 ist kein Datum'."""
    wb = inkasso_data([order(), order()])
    live = FakeBook.from_workbook(wb)
    master = live.sheets[S.SHEET_MASTER]
    header = [master.values.get((1, c)) for c in range(1, master.max_col + 1)]
    amount, first = header.index(S.M_AMOUNT) + 1, header.index(S.M_FIRST_LETTER) + 1
    master.values[(2, amount)] = Decimal("119.5000")
    master.values[(3, first)] = SPILL
    data = read_workbook_live(live)
    sheet = data.sheets[S.SHEET_MASTER]
    assert sheet.rows[1][amount - 1] == 119.5
    assert sheet.rows[2][first - 1] == "#SPILL!"
    plan = inkasso.plan_run(data, __import__("tests.excel.test_adapter", fromlist=["CTX"]).CTX)
    texts = [f.text() for f in plan.findings if f.cell == f"{_col(first)}3"]
    assert texts and all("-2146826243" not in t for t in texts)


def _col(n: int) -> str:
    from xl_addin.core.cells import col_letter
    return col_letter(n)


def _as_read_long_way(value):
    """``as_read`` without its fast paths (what it was before they were added)."""
    from xl_addin.core.values import from_excel_datetime
    value = from_com(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 53:
        return int(value)
    if isinstance(value, str) and not value:
        return None
    if isinstance(value, datetime):
        return from_excel_datetime(value)
    return value


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.none(), st.booleans(), st.floats(), st.integers(), st.text(max_size=8),
                 st.sampled_from(["#N/A", " #N/A ", "#SPILL!", "", "  ", "#17", SPILL, -2146826246]),
                 st.datetimes(min_value=datetime(1900, 1, 1)), st.decimals(allow_nan=False, allow_infinity=False)))
def test_as_read_fast_paths_read_as_the_long_way(value):
    fast, slow = as_read(value), _as_read_long_way(value)
    assert type(fast) is type(slow) and (fast == slow or (fast != fast and slow != slow)), value
