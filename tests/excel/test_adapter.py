"""The ribbon path and the headless path give the same cells.

The agent's Inkasso demo workbook is recomputed twice on the same Plan: once by the package
writer (the CLI's path, on the file) and once through the live-workbook adapter on an
in-memory Excel (``FakeBook``, the stand-in for xlwings). Afterwards every cell of every sheet —
value and fill — must be the same, including the sheets the run creates (Prüfung, Protokoll,
the hidden state sheet) and a second run on the result.
"""
from __future__ import annotations

import itertools
import shutil
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from tests.builders import inkasso_data, order
from tests.excel.fakebook import FakeBook, FakeSheet
from xl_addin.core.context import RunContext
from xl_addin.core.plan import CellWrite, Plan, RowAppend, RowDelete, RowFill, SheetRewrite
from xl_addin.excel.adapter import (
    OTHER_FILL,
    LiveApplyError,
    apply_plan_live,
    merge_blocks,
    read_workbook_live,
)
from xl_addin.kinds.inkasso import rules as inkasso, schema as S

DEMO = Path(__file__).resolve().parents[2] / "workbooks" / "demo" / "Inkasso - Cancelled Installments.xlsx"
CTX = RunContext(datetime(2026, 11, 22, 12, 0), "Agentin")


def _fill_of(cell) -> str | None:
    """The fill as the package writer judges it: none (fill 0/1), a solid RGB, or the agent's."""
    style = getattr(cell, "_style", None)
    if style is None or style.fillId <= 1:
        return None
    f = cell.fill
    if f.patternType in (None, "none"):
        return None
    if f.patternType == "solid" and f.fgColor is not None and f.fgColor.type == "rgb":
        return f.fgColor.rgb[-6:].upper()
    return OTHER_FILL


def file_fills(path: Path) -> dict[str, dict[tuple[int, int], str]]:
    wb = openpyxl.load_workbook(path)
    out: dict[str, dict[tuple[int, int], str]] = {}
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for cell in row:
                f = _fill_of(cell)
                if f is not None:
                    cells[(cell.row, cell.column)] = f
        out[ws.title] = cells
    return out


def file_states(path: Path) -> dict[str, str]:
    wb = openpyxl.load_workbook(path, read_only=True)
    return {ws.title: ws.sheet_state for ws in wb.worksheets}


def _value(v):
    if isinstance(v, datetime) and v.time() == datetime.min.time():
        return v.date()
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return None if v == "" else v


def cells_of_file(path: Path) -> dict[str, dict]:
    from xl_addin.package import read_workbook
    wb = read_workbook(path)
    fills = file_fills(path)
    out = {}
    for name, sheet in wb.sheets.items():
        values = {(r, c): _value(v) for r, row in enumerate(sheet.rows, 1) for c, v in enumerate(row, 1)
                  if _value(v) is not None}
        out[name] = {"state": sheet.state, "values": values, "fills": fills.get(name, {})}
    return out


def cells_of_fake(book: FakeBook) -> dict[str, dict]:
    return {name: {"state": s.state, "values": {k: _value(v) for k, v in s.values.items()},
                   "fills": dict(s.fills)}
            for name, s in book.sheets.items()}


def assert_same_cells(file_cells: dict, fake_cells: dict) -> None:
    assert list(file_cells) == list(fake_cells), "sheets and their order"
    for name in file_cells:
        f, k = file_cells[name], fake_cells[name]
        assert f["state"] == k["state"], name
        diff = {key: (f["values"].get(key), k["values"].get(key))
                for key in set(f["values"]) | set(k["values"]) if f["values"].get(key) != k["values"].get(key)}
        assert not diff, f"{name}: values differ (file, live) at {sorted(diff.items())[:5]}"
        fdiff = {key: (f["fills"].get(key), k["fills"].get(key))
                 for key in set(f["fills"]) | set(k["fills"]) if f["fills"].get(key) != k["fills"].get(key)}
        assert not fdiff, f"{name}: fills differ (file, live) at {sorted(fdiff.items())[:5]}"


@pytest.fixture()
def demo_copy(tmp_path):
    pytest.importorskip("xl_addin.package")
    target = tmp_path / DEMO.name
    shutil.copy2(DEMO, target)
    return target


DEMOS = sorted(p.stem for p in DEMO.parent.glob("*.xlsx"))


@pytest.mark.parametrize("title", DEMOS)
def test_demo_workbooks_same_cells_as_package_writer_over_two_runs(title, tmp_path):
    pkg = pytest.importorskip("xl_addin.package")
    from xl_addin.kinds import detect_kind

    path = tmp_path / f"{title}.xlsx"
    shutil.copy2(DEMO.parent / path.name, path)
    wb = pkg.read_workbook(path)
    kind = detect_kind(wb)
    live = FakeBook.from_workbook(wb, file_fills(path), name=path.name)
    assert_same_cells(cells_of_file(path), cells_of_fake(live))     # the starting point

    for run in (1, 2):
        plan = kind.plan_run(pkg.read_workbook(path), CTX)
        live_plan = kind.plan_run(read_workbook_live(live), CTX)
        assert live_plan.writes == plan.writes and live_plan.fills == plan.fills, f"run {run}: same Plan"
        if run == 1:
            assert plan.writes, "the demo exercises the computed columns"
        if kind.name == "inkasso":
            if run == 1:   # every kind of change; the second run changes nothing
                assert plan.deletions
                assert {a.sheet for a in plan.appends} == {S.SHEET_WAITING, S.SHEET_PROTOCOL}
            else:
                assert not plan.writes and not plan.appends
        pkg.apply_plan(path, plan, backups=0)
        apply_plan_live(live, plan)
        assert_same_cells(cells_of_file(path), cells_of_fake(live))

    if kind.name == "inkasso":
        assert {S.SHEET_FINDINGS, S.SHEET_PROTOCOL, S.SHEET_STATE} <= set(live.sheets)
        assert any(v in ("FFFF00", "BFBFBF") for v in live.sheets[S.SHEET_MASTER].fills.values())


def test_computed_columns_are_whole_column_range_assignments(demo_copy):
    from xl_addin.package import read_workbook

    wb = read_workbook(demo_copy)
    live = FakeBook.from_workbook(wb, file_fills(demo_copy))
    plan = inkasso.plan_run(wb, CTX)
    res = apply_plan_live(live, plan)
    master_writes = [w for w in plan.writes if w.sheet == S.SHEET_MASTER]
    calls = [c for c in live.calls if c[0] == "write_block" and c[1] == S.SHEET_MASTER]
    cols = {w.col for w in master_writes}
    assert len(master_writes) > 100
    assert len(calls) < len(master_writes) / 5, "not cell by cell"
    # a column written on consecutive rows is one assignment
    for col in cols:
        rows = sorted(w.row for w in master_writes if w.col == col)
        runs = 1 + sum(1 for a, b in itertools.pairwise(rows) if b != a + 1)
        col_calls = [c for c in calls if c[3] == col]
        assert len(col_calls) <= runs + sum(1 for w in master_writes if w.col == col and w.number_format)
    assert res.cells_written == len({(w.sheet, w.row, w.col) for w in plan.writes})


def test_cells_between_written_rows_keep_their_values_and_formulas():
    """incasso_state is an input column: the run sets on_hold in some rows. The column is one
    range assignment from the first to the last written row, and the agent's values between are
    written back exactly as they are; with a formula between, each run is its own assignment and
    the formula is never touched."""
    book = FakeBook("Mappe.xlsx", [FakeSheet("Masterliste")])
    s = book.sheets["Masterliste"]
    s.values.update({(1, 1): "incasso_state", (2, 1): "canceled", (3, 1): "00123", (4, 1): "x", (5, 1): 7.5})
    plan = Plan(writes=[CellWrite("Masterliste", 2, 1, "on_hold"), CellWrite("Masterliste", 4, 1, "on_hold")])
    apply_plan_live(book, plan)
    assert [s.values.get((r, 1)) for r in range(1, 6)] == ["incasso_state", "on_hold", "00123", "on_hold", 7.5]
    assert [c for c in book.calls if c[0] == "write_block"] == [("write_block", "Masterliste", 2, 1, 3, 1)]

    book.calls.clear()
    s.formulas.add((3, 1))                            # =A2 between the two written cells
    apply_plan_live(book, Plan(writes=[CellWrite("Masterliste", 2, 1, "paid"), CellWrite("Masterliste", 4, 1, "paid")]))
    assert (3, 1) in s.formulas and s.values[(3, 1)] == "00123"
    assert [c for c in book.calls if c[0] == "write_block"] == [
        ("write_block", "Masterliste", 2, 1, 1, 1), ("write_block", "Masterliste", 4, 1, 1, 1)]


def test_fills_keep_the_agents_colours_and_replace_only_product_colours():
    book = FakeBook("Mappe.xlsx", [FakeSheet("Masterliste")])
    s = book.sheets["Masterliste"]
    s.fills.update({(2, 1): "FFFF00", (2, 2): "00B0F0", (2, 3): OTHER_FILL, (3, 1): "BFBFBF"})
    plan = Plan(product_colours=frozenset({"FFFF00", "BFBFBF"}),
                fills=[RowFill("Masterliste", 2, (1, 2, 3, 4), "BFBFBF"),
                       RowFill("Masterliste", 3, (1, 2), None)])
    apply_plan_live(book, plan)
    assert s.fills == {(2, 1): "BFBFBF", (2, 2): "00B0F0", (2, 3): OTHER_FILL, (2, 4): "BFBFBF"}


def test_appends_go_below_the_last_value_and_deletions_shift_rows_up():
    book = FakeBook("Mappe.xlsx", [FakeSheet("Warten auf Freigabe")])
    s = book.sheets["Warten auf Freigabe"]
    for r, oid in enumerate([None, 11, 12, 13, 14], start=1):
        s.values[(r, 5)] = oid if oid else "Bestell-ID"
    s.fills[(5, 5)] = "FFFF00"
    plan = Plan(appends=[RowAppend("Warten auf Freigabe", [[None, None, None, None, 15]],
                                   number_formats={5: "0"})],
                deletions=[RowDelete("Warten auf Freigabe", (2, 3, 5))])
    apply_plan_live(book, plan)
    column = [s.values.get((r, 5)) for r in range(1, 5)]
    assert column == ["Bestell-ID", 13, 15, None]
    assert (5, 5) not in s.fills and s.formats[(3, 5)] == "0"
    assert [c for c in book.calls if c[0] == "delete_rows"] == [("delete_rows", "Warten auf Freigabe",
                                                                 ((2, 3), (5, 5)))]   # one multi-area call


def test_rewrite_creates_a_hidden_sheet_and_replaces_old_content():
    book = FakeBook("Mappe.xlsx", [FakeSheet("Masterliste"), FakeSheet("Prüfung")])
    book.sheets["Prüfung"].values[(40, 2)] = "alter Befund"
    plan = Plan(rewrites=[SheetRewrite("Prüfung", [["Schwere", "Code"], ["Fehler", "X"]]),
                          SheetRewrite("_xl_addin_state", [["order_id"], [1]], state="veryHidden")])
    apply_plan_live(book, plan)
    assert book.sheets["Prüfung"].rows() == [["Schwere", "Code"], ["Fehler", "X"]]
    assert book.sheets["_xl_addin_state"].state == "veryHidden"
    assert (1, 1) in book.sheets["Prüfung"].bold


def test_a_plan_for_a_missing_sheet_is_refused_in_german():
    book = FakeBook("Mappe.xlsx", [FakeSheet("Masterliste")])
    with pytest.raises(LiveApplyError, match="Blatt 'Fälle' fehlt"):
        apply_plan_live(book, Plan(writes=[CellWrite("Fälle", 2, 1, "x")]))


def test_sheet_names_match_case_and_blank_insensitive():
    book = FakeBook("Mappe.xlsx", [FakeSheet("Master liste")])
    apply_plan_live(book, Plan(writes=[CellWrite("master  liste", 2, 1, "x")]))
    assert book.sheets["Master liste"].values[(2, 1)] == "x"


def test_merge_blocks_stacks_equal_column_runs():
    cells = [(r, c) for r in (2, 3, 4) for c in (1, 2, 3)] + [(6, 1), (6, 2), (7, 5)]
    assert merge_blocks(cells) == [(2, 1, 4, 3), (6, 1, 6, 2), (7, 5, 7, 5)]


def test_read_workbook_live_gives_the_rules_the_same_plan_as_pure_data():
    wb = inkasso_data([order(**{S.M_FIRST_LETTER: date(2026, 10, 1)}), order()])
    live = FakeBook.from_workbook(wb)
    again = read_workbook_live(live)
    assert inkasso.plan_run(again, CTX).writes == inkasso.plan_run(wb, CTX).writes


# ---------------------------------------------------------------- the xlwings layer's conversions

def test_text_that_excel_would_convert_is_written_as_text():
    from xl_addin.excel.adapter import _to_excel
    for text in ("00123", "10000001", "1.5", "22.11.2026", "=SUMME(A1)", "+49 30 1234", "-", "@x", "WAHR", "true"):
        assert _to_excel(text) == "'" + text, text
    for text in ("1. Mahnung senden", "Neu bestellt (10000001)", "on_hold", "Ja", "RE-2025-006368"):
        assert _to_excel(text) == text, text
    assert _to_excel("") is None and _to_excel(None) is None
    assert _to_excel(date(2026, 11, 22)) == datetime(2026, 11, 22)
    assert _to_excel(True) is True and _to_excel(7) == 7


def test_values_from_excel_read_like_the_package_reader():
    from xl_addin.excel.adapter import _from_excel
    assert _from_excel(10000001.0) == 10000001 and isinstance(_from_excel(10000001.0), int)
    assert _from_excel(119.5) == 119.5 and _from_excel("") is None
    assert _from_excel(datetime(2026, 6, 1)) == date(2026, 6, 1)
    assert _from_excel(datetime(2026, 6, 1, 9, 30)) == datetime(2026, 6, 1, 9, 30)


def test_colours_and_addresses_for_com():
    from xl_addin.excel.adapter import _address_batches, _bgr_hex, _hex_bgr
    assert _hex_bgr("FFFF00") == 0x00FFFF and _bgr_hex(0x00FFFF) == "FFFF00"
    assert _bgr_hex(_hex_bgr("C6EFCE")) == "C6EFCE"
    blocks = [(r, 1, r, 24) for r in range(2, 400, 2)]
    batches = list(_address_batches(blocks))
    assert all(len(b) <= 255 for b in batches) and len(batches) > 1
    assert ",".join(batches).split(",")[:2] == ["A2:X2", "A4:X4"]
    assert sum(len(b.split(",")) for b in batches) == len(blocks)
