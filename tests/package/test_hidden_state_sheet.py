"""Issue 11, defect 7: an agent unhides the product's very hidden state sheet
(``xl_addin_Statusverlauf``, ``xl_addin_Solleciti``), clicks on it and saves. The next run hides it
again — but it stayed ``tabSelected`` (and the active tab), so Excel opened with the sheets grouped
and typing went into the hidden sheet too. A sheet the product hides is never the active or a
selected one: the active tab moves to a visible selected sheet, else to the first visible one, and
the agents' other sheets stay byte-identical."""
from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
import xlsxwriter
from lxml import etree

from xl_addin import actions
from xl_addin.core.plan import CellWrite, Plan, SheetRewrite
from xl_addin.package import apply_plan

from . import ooxml_validate as V

REPO = Path(__file__).resolve().parents[2]
DEMOS = REPO / "workbooks" / "demo"
NOW = datetime(2026, 11, 22, 12, 0)
WB = "xl/workbook.xml"


def run(book: Path) -> dict[str, bytes]:
    before = V.members(book)
    result = actions.run_file(book, now=NOW, backups=0)
    assert not result.error, result.error
    assert V.check_written(before, book) == []
    return before


def _sheet_parts(files: dict[str, bytes]) -> list[tuple[str, str, str]]:
    """(name, state, part) of every sheet, in workbook order."""
    wb = etree.fromstring(files[WB])
    rels = etree.fromstring(files["xl/_rels/workbook.xml.rels"])
    targets = {r.get("Id"): "xl/" + r.get("Target", "") for r in rels}
    return [(s.get("name", ""), s.get("state", "visible"), targets[s.get(f"{{{V.R_NS}}}id")])
            for s in wb.iter(f"{{{V.MAIN}}}sheet")]


def _edit(book: Path, changes: dict[str, Callable[[str], str]]) -> None:
    with zipfile.ZipFile(book) as z:
        items = [(i, z.read(i)) for i in z.infolist()]
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in items:
            if info.filename in changes:
                data = changes[info.filename](data.decode("utf-8")).encode("utf-8")
            z.writestr(info, data)


def unhide_and_select(book: Path, state_sheet: str, also_selected: str | None = None) -> None:
    """What the agent does in Excel: unhide the state sheet, click its tab (it becomes the
    active and the only selected sheet — or, with Ctrl, one of two selected), save."""
    sheets = _sheet_parts(V.members(book))
    index = next(i for i, s in enumerate(sheets) if s[0] == state_sheet)

    def workbook(text: str) -> str:
        text, n = re.subn(rf'(<sheet name="{state_sheet}"[^>]*?) state="veryHidden"', r"\1", text)
        assert n == 1
        text = re.sub(r'(<workbookView[^>]*?) activeTab="\d+"', r"\1", text)
        return text.replace("<workbookView ", f'<workbookView activeTab="{index}" ', 1)

    def sheet_view(selected: bool) -> Callable[[str], str]:
        def change(text: str) -> str:
            text = text.replace('<sheetView tabSelected="1" ', "<sheetView ", 1)
            return text.replace("<sheetView ", '<sheetView tabSelected="1" ', 1) if selected else text
        return change

    changes: dict[str, Callable[[str], str]] = {WB: workbook}
    for name, _, part in sheets:
        changes[part] = sheet_view(name in (state_sheet, also_selected))
    _edit(book, changes)


def selection(files: dict[str, bytes]) -> tuple[str, list[str]]:
    """(the active tab's sheet, the selected sheets)."""
    wb = etree.fromstring(files[WB])
    view = wb.find(f"{{{V.MAIN}}}bookViews/{{{V.MAIN}}}workbookView")
    assert view is not None
    sheets = _sheet_parts(files)
    selected = [name for name, _, part in sheets if b'tabSelected="1"' in files[part].split(b"<sheetData")[0]]
    return sheets[int(view.get("activeTab", "0"))][0], selected


def states(files: dict[str, bytes]) -> dict[str, str]:
    return {name: state for name, state, _ in _sheet_parts(files)}


@pytest.mark.parametrize(("demo", "state_sheet", "also_selected", "active"), [
    ("Inkasso - Cancelled Installments.xlsx", "xl_addin_Statusverlauf", None, "Overview_Cancelled_Installments"),
    ("Solleciti.xlsx", "xl_addin_Solleciti", None, "Ticket"),
    ("Solleciti.xlsx", "xl_addin_Solleciti", "Statistiche", "Statistiche"),     # grouped with Ctrl
])
def test_an_unhidden_selected_state_sheet_is_hidden_and_neither_active_nor_selected(
        tmp_path, demo, state_sheet, also_selected, active):
    book = Path(shutil.copy(DEMOS / demo, tmp_path / demo))
    run(book)                                               # the state sheet exists, very hidden
    control = Path(shutil.copy(book, tmp_path / "control.xlsx"))
    unhide_and_select(book, state_sheet, also_selected)
    agent_saved = V.members(book)
    assert states(agent_saved)[state_sheet] == "visible"
    assert selection(agent_saved) == (state_sheet, sorted({state_sheet, also_selected} - {None},
                                                          key=list(states(agent_saved)).index))
    assert V.check_package(book) == []                      # as the agent saved it: a valid file

    control_before = run(control)
    for attempt in (1, 2):
        before = run(book)
        after = V.members(book)
        assert states(after)[state_sheet] == "veryHidden", attempt
        got_active, got_selected = selection(after)
        assert got_active == active, attempt
        assert state_sheet not in got_selected, attempt
        assert got_selected in ([], [active]), attempt
        # only what a run changes anyway, plus the workbook's wiring, differs
        changed = set(V.changed_parts(before, after)) - {WB}
        if attempt == 1:
            owned = set(V.changed_parts(control_before, V.members(control)))
            parts = {name: part for name, _, part in _sheet_parts(after)}
            assert changed <= owned | {parts[state_sheet]}, sorted(changed - owned)
            for name, part in parts.items():
                if part not in owned and name != state_sheet and name != active:
                    assert after[part] == agent_saved[part], name


@pytest.mark.parametrize(("patched", "selected"), [("Fälle", ["Fälle"]), ("Vendoren", [])])
def test_the_sheet_that_becomes_active_is_marked_selected_only_when_the_run_patches_it_anyway(
        tmp_path, patched, selected):
    book = tmp_path / "b.xlsx"
    wb = xlsxwriter.Workbook(str(book))
    for name in ("Fälle", "Vendoren", "_state"):
        wb.add_worksheet(name).write("A1", name)
    wb.worksheets()[2].activate()                           # the agent left the state sheet active
    wb.close()
    before = V.members(book)
    assert selection(before) == ("_state", ["_state"])
    apply_plan(book, Plan(writes=[CellWrite(patched, 2, 1, "x")],
                          rewrites=[SheetRewrite("_state", [["k"], [1]], state="veryHidden")]), backups=0)
    after = V.members(book)
    assert V.check_written(before, book) == []
    assert selection(after) == ("Fälle", selected)          # none selected: Excel selects the active
    if not selected:
        assert after["xl/worksheets/sheet1.xml"] == before["xl/worksheets/sheet1.xml"]
