"""The run's shortcuts change no result (issue 15): the Masterliste read row by row in one go and
the Diagonal CSV's findings taken from the orders the run has parsed give the Plan that the plain
reading rule (``_read_order`` per row) and the export's own reading of the workbook as the run
leaves it (``export_findings(after)``) give — the same cells, fills, Protokoll and findings in the
same order. Hypothesis draws Masterlisten with the agents' mistakes, formulas with and without a
value, reordered and aliased columns, Kündigungen and duplicates."""
from __future__ import annotations

import random
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.builders import NOW, inkasso_data, waiting_row
from xl_addin.core.cellreader import CellReader
from xl_addin.core.context import RunContext
from xl_addin.core.tables import data_rows
from xl_addin.core.workbook_data import SheetData
from xl_addin.kinds.inkasso import handover, rules, schema as S

DATES = [None, date(2026, 9, 1), date(2026, 10, 1), date(2026, 10, 15), date(2026, 11, 30),
         datetime(2026, 10, 1, 9, 30), "15.10.2026", "31.11.2026", "2026-10-01", "10/31/2026", 46300, "x"]
VALUES = {
    S.M_VENDOR_ID: [1006, 2001, 3003, 4711, None, "1006", 1006.0, "10 06", "abc", 12.5, True],
    S.M_ORDER_ID: [None, "A-1", "00123", 10000001.0, "1.5E+07", "1 2", 7.25, False],
    S.M_FIRST_LETTER: DATES,
    S.M_SECOND_LETTER: DATES,
    S.M_INCASSO_DATE: DATES,
    S.M_INCASSO_STATE: [None, None, "on_hold", " ON_HOLD ", "paid", "canceled", "cancelled", "blocked",
                        "sent_for_collection", "sent", " ", 3],
    S.M_DEBT_STATUS: [None, "Gesperrt", "Laufend", "Bezahlt", "Gekündigt", "Blockiert", "Ans Inkasso übergeben",
                      "laufend ", "Offen"],
    S.M_REOPENED: [None, "False", "True", "ja", "nein", False, True, "vielleicht", 1, 0],
    S.M_REOPENED_ID: [None, None, None, 10000555, "R-9", "1 2"],
    S.M_INVALID_ADDRESS: [None, "False", "True", False, True, "x", "kaputt"],
    S.M_SUPPORT_COMMENT: [None, "Mahnung per E-Mail", "intern: nur wir", "=HYPERLINK(1)"],
    S.M_AMOUNT: [None, 199.0, "1.234,50", "viel"],
    S.M_NOTES: [None, "Notiz"],
}


def _cell(rnd: random.Random, header: str, n: int) -> object:
    if header == S.M_ORDER_ID and rnd.random() < 0.7:
        return 10000000 + n
    options = VALUES.get(header)
    return rnd.choice(options) if options else rnd.choice([None, f"{header} {n}"])


@st.composite
def masterlisten(draw):
    rnd = random.Random(draw(st.integers(0, 2**32)))
    n = draw(st.integers(1, 14))
    orders = [{h: _cell(rnd, h, i) for h in S.MASTER_INPUT_HEADERS} for i in range(n)]
    for o in orders:                       # plausible rows too, not only noise
        if rnd.random() < 0.4:
            o.update({S.M_VENDOR_ID: 1006, S.M_ORDER_ID: 10000000 + rnd.randint(0, 9), S.M_REOPENED: "False",
                      S.M_INVALID_ADDRESS: "False", S.M_REOPENED_ID: None, S.M_INCASSO_DATE: None,
                      S.M_FIRST_LETTER: date(2026, 9, 1), S.M_SECOND_LETTER: rnd.choice([None, date(2026, 9, 20)]),
                      S.M_INCASSO_STATE: rnd.choice([None, "on_hold", "paid"])})
    headers = list(S.MASTER_HEADERS)
    if rnd.random() < 0.3:
        rnd.shuffle(headers)
    aliases = {}
    if rnd.random() < 0.2:                 # the agents' own header text for a column
        headers[headers.index(S.M_INCASSO_STATE)] = "Status Inkasso"
        aliases["Alias incasso_state"] = "Status Inkasso"
    if rnd.random() < 0.15:                # an alias that names another known column: ignored
        aliases["Alias support_comment"] = S.M_NOTES
    if rnd.random() < 0.2:                 # computed columns missing: the run adds them
        headers = [h for h in headers if h not in S.MASTER_COMPUTED_HEADERS]
    waiting = [waiting_row(o, rnd.choice([None, "Freigabe", "Kündigung"])) for o in orders
               if rnd.random() < 0.2 and isinstance(o[S.M_ORDER_ID], int) and isinstance(o[S.M_INVOICE_NO], str)]
    wb = inkasso_data([{h: o.get(h) for h in headers if h in o or h in S.MASTER_HEADERS} for o in orders],
                      waiting=waiting, settings=aliases, master_headers=headers)
    master = wb.sheets[S.SHEET_MASTER]
    if rnd.random() < 0.2:                 # rows that only carry a value outside the orders' columns
        master.rows.append([None] * (len(headers) - 1) + ["nur berechnet"])
    if rnd.random() < 0.4:                 # formulas, some of them without a computed value
        cells = [(r, c) for r in range(2, len(master.rows) + 1) for c in range(1, len(headers) + 1)]
        formulas = set(rnd.sample(cells, k=min(len(cells), rnd.randint(1, 4))))
        without = {rc for rc in formulas if rnd.random() < 0.5}
        for r, c in without:
            row = master.rows[r - 1]
            if c <= len(row):
                row[c - 1] = None
        wb.sheets[S.SHEET_MASTER] = SheetData(master.name, master.rows, master.state,
                                              formulas_without_value=frozenset(without), formulas=frozenset(formulas))
    return wb


def _plain_read_orders(master, cmap, findings):
    rd = CellReader(master, cmap, findings)
    return [rules._read_order(rd, r) for r in data_rows(master, cmap.cols(S.MASTER_INPUT_HEADERS))]


def _plain_export_findings(wb, settings, parsed, columns, written, after, *dropped):
    return handover.export_findings(after(), settings)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(wb=masterlisten())
def test_the_shortcuts_give_the_plan_of_the_plain_rules(wb):
    ctx = RunContext(NOW, "agent")
    fast = rules.plan_run(wb, ctx)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(rules, "_read_orders", _plain_read_orders)
        mp.setattr(rules, "export_findings_parsed", _plain_export_findings)
        plain = rules.plan_run(wb, ctx)
    assert fast.findings == plain.findings
    assert repr(fast) == repr(plain)


def test_the_check_behind_the_shortcut_sees_what_the_export_sees():
    """A row the shortcut calls clean is one the CSV's own check has nothing to say about."""
    wb = inkasso_data([{S.M_VENDOR_ID: 1006, S.M_ORDER_ID: 10000001, S.M_REOPENED: "False",
                        S.M_INVALID_ADDRESS: "False", S.M_INCASSO_STATE: "on_hold",
                        S.M_FIRST_LETTER: date(2026, 9, 1), S.M_SECOND_LETTER: date(2026, 9, 1)}])
    plan = rules.plan_run(wb, RunContext(NOW, "agent"))
    assert any(f.code == "INK-CSV-DATE-ORDER" for f in plan.findings)   # 2nd letter not after the 1st
