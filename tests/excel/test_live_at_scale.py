""""Neu berechnen" on a 20,000-order Masterliste through the live adapter, with the in-memory Excel
counting what each call would cost in COM round trips: a full recompute takes a few hundred calls
(not 170,000), gives the same cells as the headless run, and a failure half-way leaves the
workbook exactly as it was."""
from __future__ import annotations

import re
import shutil
import sys
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tests.excel.fakebook import COM_COST, FakeBook, FakeComError
from tests.excel.test_adapter import DEMO, _fill_of, _value, assert_same_cells, cells_of_fake, file_fills
from xl_addin.core.context import RunContext
from xl_addin.core.plan import Plan, RowDelete
from xl_addin.excel.adapter import LiveApplyError, apply_plan_live, read_workbook_live
from xl_addin.kinds.inkasso import rules as inkasso, schema as S

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from agent_workbook import build  # type: ignore[import-not-found]  # the template's sheets, an agent's colours

CTX = RunContext(datetime(2026, 11, 22, 12, 0), "Agentin")
N_ORDERS = 20_000
FEW_HUNDRED = 400


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("big") / "Inkasso - Cancelled Installments.xlsx"
    build(path, N_ORDERS)
    return path


_CELL = re.compile(rb"<(?:\w+:)?c\s([^>]*)>")
_REF, _STYLE = re.compile(rb'\br="([A-Z]+)(\d+)"'), re.compile(rb'\bs="(\d+)"')


def fills_of_file(path: Path) -> dict[str, dict[tuple[int, int], str]]:
    """``file_fills`` (openpyxl's full load: ~8 s for 20,000 orders) in ~1 s: each cell's style
    index from the sheet XML, its fill judged by ``_fill_of`` on openpyxl's style table."""
    import openpyxl
    from openpyxl.utils.cell import column_index_from_string
    wb: Any = openpyxl.load_workbook(path, read_only=True)      # its style table and archive
    judged: dict[int, str | None] = {}
    out: dict[str, dict[tuple[int, int], str]] = {}
    for ws in wb.worksheets:
        cells = out[ws.title] = {}
        for m in _CELL.finditer(wb._archive.read(ws._worksheet_path)):
            style = _STYLE.search(m.group(1))
            if style is None:
                continue
            sid = int(style.group(1))
            if sid not in judged:
                array = wb._cell_styles[sid]
                judged[sid] = _fill_of(SimpleNamespace(_style=array, fill=wb._fills[array.fillId]))
            fill = judged[sid]
            if fill is not None:
                ref = _REF.search(m.group(1))
                assert ref is not None, f"{ws.title}: a styled cell without r= ({m.group(0)[:60]!r})"
                cells[(int(ref.group(2)), column_index_from_string(ref.group(1).decode()))] = fill
    wb.close()
    return out


def _cells_of_file(path: Path) -> dict[str, dict]:
    from xl_addin.package import read_workbook
    fills = fills_of_file(path)
    return {name: {"state": sheet.state, "fills": fills.get(name, {}),
                   "values": {(r, c): _value(v) for r, row in enumerate(sheet.rows, 1) for c, v in enumerate(row, 1)
                              if _value(v) is not None}}
            for name, sheet in read_workbook(path).sheets.items()}


def test_the_fast_fill_reader_judges_as_openpyxl_does(big):
    for path in (DEMO, big):
        assert fills_of_file(path) == file_fills(path)
    assert any(fills_of_file(big)[S.SHEET_MASTER].values())


def _live(path: Path) -> FakeBook:
    from xl_addin.package import read_workbook
    return FakeBook.from_workbook(read_workbook(path), fills_of_file(path), name=path.name)


def test_full_recompute_of_20000_orders_takes_a_few_hundred_calls_and_the_headless_cells(big, tmp_path):
    from xl_addin.package import apply_plan, read_workbook
    path = tmp_path / big.name
    shutil.copy2(big, path)
    live = _live(path)
    for run in (1, 2):
        live.com_calls = 0
        live.calls.clear()
        plan = inkasso.plan_run(read_workbook_live(live), CTX)
        reading = live.com_calls
        if run == 1:
            assert sum(1 for w in plan.writes if w.sheet == S.SHEET_MASTER) > 40_000
            assert len(plan.fills) >= N_ORDERS
        res = apply_plan_live(live, plan)
        calls = live.com_calls
        print(f"run {run}: {calls} COM calls ({reading} reading the workbook), {len(live.calls)} protocol calls")
        assert calls <= FEW_HUNDRED, f"run {run}: {calls} COM calls"
        assert res.cells_written == len({(w.sheet, w.row, w.col) for w in plan.writes})
        apply_plan(path, inkasso.plan_run(read_workbook(path), CTX), backups=0)
        assert_same_cells(_cells_of_file(path), cells_of_fake(live))
    # the second run finds every fill and value right: nothing is painted again (the sheets the
    # product rewrites each run, Prüfung and the overview, are written anew by definition)
    rewritten = {rw.sheet for rw in plan.rewrites}
    assert not [c for c in live.calls if c[0] in ("set_fill", "set_number_format") and c[1] not in rewritten]


@pytest.mark.parametrize("fail_at", [("set_fill", 2), ("write_block", 5), ("set_number_format", 1),
                                     ("delete_rows", 1), ("write_block", 9), ("add_sheet", 2)])
def test_a_failure_half_way_leaves_the_workbook_as_it_was(fail_at):
    from xl_addin.package import read_workbook
    demo = Path(__file__).resolve().parents[2] / "workbooks" / "demo" / "Inkasso - Cancelled Installments.xlsx"
    live = FakeBook.from_workbook(read_workbook(demo), file_fills(demo), name=demo.name)
    plan = inkasso.plan_run(read_workbook_live(live), CTX)
    assert plan.deletions and plan.appends and plan.rewrites
    before = live.snapshot()
    live.fail_at = fail_at
    with pytest.raises(LiveApplyError) as caught:
        apply_plan_live(live, plan)
    assert "zurückgenommen, die Mappe ist unverändert" in str(caught.value) and "\n" not in str(caught.value)
    assert isinstance(caught.value.__cause__, FakeComError)
    assert live.snapshot() == before
    live.fail_at = None                      # and the same plan goes through afterwards
    apply_plan_live(live, plan)
    assert live.snapshot() != before


def test_a_failure_after_the_multi_area_deletion_takes_it_back():
    """The demo deletes three rows apart from each other in one multi-area call; Excel refuses the
    call right after it (the overview's next write): every deleted row is back with its values,
    number formats and fills."""
    live, plan = _demo_live()
    live.fail_at = ("nothing", 0)
    apply_plan_live(live, plan)                       # a dry run on a copy, to find the call after
    names = [c[0] for c in live.calls]
    deletes = [c for c in live.calls if c[0] == "delete_rows"]
    assert len(deletes) == 1 and len(deletes[0][2]) >= 2, deletes
    after = names[names.index("delete_rows") + 1]
    nth = names[:names.index("delete_rows") + 2].count(after)
    live, plan = _demo_live()
    waiting = live.sheets["Warten auf Freigabe"]
    doomed = plan.deletions[0].rows
    for r in doomed:                                  # formats and fills that must come back
        waiting.formats[(r, 2)] = "0.00"
        waiting.fills[(r, 1)] = "C6E0B4"
    before = live.snapshot()
    live.fail_at = (after, nth)
    with pytest.raises(LiveApplyError, match="die Mappe ist unverändert"):
        apply_plan_live(live, plan)
    assert [c[0] for c in live.calls].count("delete_rows") == 1
    assert live.snapshot() == before


def test_many_blocks_are_deleted_a_few_addresses_at_a_time_and_taken_back_when_excel_refuses_one():
    """200 single rows apart: one multi-area deletion per 255 characters of addresses, bottom up
    (so the rows above keep their numbers), all the same cells as deleting them one by one; a
    refusal of the second call takes back the first too."""
    from tests.excel.fakebook import FakeSheet

    def book() -> FakeBook:
        s = FakeSheet("Warten auf Freigabe")
        for r in range(1, 802):
            s.values[(r, 1)], s.values[(r, 3)] = r, f"Zeile {r}"
            s.formats[(r, 1)], s.formats[(r, 3)] = "0", "@"       # formatted per column, as agents do
            if r % 5 == 0:
                s.fills[(r, 3)] = "FFC000"
        return FakeBook("Mappe.xlsx", [s])
    doomed = tuple(range(3, 800, 4)) + (97, 194, 388)
    doomed = tuple(sorted(set(doomed)))
    live = book()
    before = live.snapshot()
    live.fail_at = ("delete_rows", 2)
    with pytest.raises(LiveApplyError, match="die Mappe ist unverändert"):
        apply_plan_live(live, Plan(deletions=[RowDelete("Warten auf Freigabe", doomed)]))
    assert live.snapshot() == before
    live.fail_at = None
    live.calls.clear()
    live.com_calls = 0
    apply_plan_live(live, Plan(deletions=[RowDelete("Warten auf Freigabe", doomed)]))
    deletes = [c[2] for c in live.calls if c[0] == "delete_rows"]
    assert 2 <= len(deletes) <= 8
    assert deletes[0][-1] == (799, 799) and deletes[-1][0] == (3, 3)       # bottom up
    assert sum(r2 - r1 + 1 for d in deletes for r1, r2 in d) == len(doomed)
    assert all(len(",".join(f"{a}:{b}" for a, b in d)) <= 255 for d in deletes)
    assert live.com_calls <= 60, live.com_calls        # one call per block: 200 deletions, 400 reads
    one_by_one = book()
    for r in reversed(doomed):
        one_by_one.delete_rows("Warten auf Freigabe", [(r, r)])
    assert live.snapshot() == one_by_one.snapshot()


def _demo_live() -> tuple[FakeBook, Plan]:
    from xl_addin.package import read_workbook
    demo = Path(__file__).resolve().parents[2] / "workbooks" / "demo" / "Inkasso - Cancelled Installments.xlsx"
    live = FakeBook.from_workbook(read_workbook(demo), file_fills(demo), name=demo.name)
    return live, inkasso.plan_run(read_workbook_live(live), CTX)


WRITES = ("write_block", "set_fill", "set_font_colour", "set_number_format", "add_sheet", "clear_sheet",
          "delete_rows", "save_copy")


def test_a_protected_sheet_is_refused_before_anything_is_written():
    live, plan = _demo_live()
    live.protected.add("Warten auf Freigabe")
    live.calls.clear()
    with pytest.raises(LiveApplyError, match=r"Blatt .Warten auf Freigabe. ist geschützt .* nichts geändert"):
        apply_plan_live(live, plan)
    assert not [c for c in live.calls if c[0] in WRITES]


def test_merged_cells_in_a_computed_column_are_refused_before_anything_is_written():
    live, plan = _demo_live()
    master = live.sheets[S.SHEET_MASTER]
    header = [master.values.get((1, c)) for c in range(1, master.max_col + 1)]
    live.merged.add((S.SHEET_MASTER, 5, header.index(S.M_NEXT_STEP) + 1))
    live.calls.clear()
    with pytest.raises(LiveApplyError, match=r"Masterliste!\w+\d+:\w+\d+ enthält verbundene Zellen"):
        apply_plan_live(live, plan)
    assert not [c for c in live.calls if c[0] in WRITES]


def test_a_locked_workbook_structure_is_refused_when_a_sheet_must_be_added():
    live, plan = _demo_live()
    assert "Prüfung" not in live.sheets        # the run must add it
    live.structure_locked = True
    with pytest.raises(LiveApplyError, match="Mappenschutz"):
        apply_plan_live(live, plan)


def test_a_copy_is_saved_before_the_first_change(tmp_path):
    live, plan = _demo_live()
    copy = tmp_path / ".xl_addin-backup" / "Inkasso.live.xlsx"
    res = apply_plan_live(live, plan, backup_to=copy)
    assert res.backup == copy and copy.exists()
    names = [c[0] for c in live.calls]
    assert names.index("save_copy") < min(names.index(n) for n in WRITES if n in names and n != "save_copy")


def test_cost_table_names_only_protocol_methods():
    from xl_addin.excel.adapter import LiveBook
    assert set(COM_COST) <= {n for n in dir(LiveBook) if not n.startswith("_")}
