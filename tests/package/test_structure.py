"""Structure the writer must not trust (issue 12, items 8–9): two sheets that point at one part,
and a Protokoll that reaches Excel's last row. Real files in temporary folders."""
from __future__ import annotations

from pathlib import Path

from lxml import etree

from tests.hostile.files import PKG_REL, edit_member, inkasso_book, sheet_parts
from xl_addin import actions
from xl_addin.kinds.inkasso import schema as S

NOW_TEXT = "2026-11-22T12:00"


# --- 8. two sheets, one part ---------------------------------------------------------------------
def test_two_sheets_pointing_at_one_part_are_refused_and_nothing_is_written(tmp_path):
    path = inkasso_book(tmp_path / "Inkasso.xlsx")
    first = actions.run_file(path, user="test")          # makes 'Prüfung' (and 'Protokoll')
    assert first.ok, first.error
    parts = sheet_parts(path)
    master, check = parts[S.SHEET_MASTER], parts[S.SHEET_FINDINGS]

    def point_check_at_master(data: bytes) -> bytes:
        root = etree.fromstring(data)
        for rel in root.iter(f"{{{PKG_REL}}}Relationship"):
            if "xl/" + rel.get("Target", "").lstrip("/").removeprefix("xl/") == check:
                rel.set("Target", master.removeprefix("xl/"))
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    edit_member(path, "xl/_rels/workbook.xml.rels", point_check_at_master)
    before = path.read_bytes()
    res = actions.run_file(path, user="test")
    assert not res.ok
    assert "\n" not in res.error
    assert f"'{S.SHEET_FINDINGS}'" in res.error and f"'{S.SHEET_MASTER}'" in res.error
    assert "Inkasso.xlsx" in res.error
    assert path.read_bytes() == before
    # check refuses it too: reading such a package is already wrong (two sheets, one content)
    assert not actions.run_file(path, write=False).ok


# --- 9. the Protokoll at Excel's last row ---------------------------------------------------------
LAST_ROW = 1_048_576


def needs_waiting(n: int = 3) -> list[dict]:
    """Orders with both letters long past: each is put on 'Warten auf Freigabe' and its
    incasso_state set to on_hold — logged, so every run of a fresh copy adds Protokoll lines."""
    from datetime import date

    from tests.builders import order
    return [order(**{S.M_FIRST_LETTER: date(2026, 8, 1), S.M_SECOND_LETTER: date(2026, 8, 15)}) for _ in range(n)]


def protocol_near_the_limit(tmp_path, free_rows: int) -> Path:
    """An Inkasso workbook whose Protokoll's last line stands ``free_rows`` above Excel's last row
    (a sparse sheet: one header row and one old line — not a million rows)."""
    import re

    from tests.hostile.files import edit_member, sheet_parts
    seed = inkasso_book(tmp_path / "seed.xlsx", needs_waiting(1))
    assert actions.run_file(seed, user="test").ok                     # makes 'Protokoll'
    path = inkasso_book(tmp_path / "Inkasso.xlsx", needs_waiting(3))
    from openpyxl import load_workbook
    book = load_workbook(path)
    old = book.create_sheet(S.SHEET_PROTOCOL)
    for r, row in enumerate(load_workbook(seed)[S.SHEET_PROTOCOL].iter_rows(values_only=True), start=1):
        for c, v in enumerate(row, start=1):
            old.cell(r, c, v)
    book.save(path)
    last = LAST_ROW - free_rows

    def move_cells(data: bytes) -> bytes:
        rows = re.findall(rb'<row r="(\d+)"', data)
        n = rows[-1].decode()
        data = data.replace(f'<row r="{n}"'.encode(), f'<row r="{last}"'.encode())
        return re.sub(rb'(<c r="[A-Z]+)%s"' % n.encode(), rb'\g<1>%d"' % last, data)

    edit_member(path, sheet_parts(path)[S.SHEET_PROTOCOL], move_cells)
    return path


def test_a_full_protokoll_continues_on_a_new_sheet_with_a_clear_line(tmp_path):
    from xl_addin.package import read_workbook
    path = protocol_near_the_limit(tmp_path, free_rows=2)
    before = read_workbook(path)
    assert before.sheets[S.SHEET_PROTOCOL].max_row == LAST_ROW - 2
    res = actions.run_file(path, user="test")
    assert res.ok, res.error
    assert res.plan is not None and len(res.plan.protocol) >= 3
    assert any("Protokoll 2" in note and "1.048.576" in note for note in res.notes), res.notes
    after = read_workbook(path)
    full, more = after.sheets[S.SHEET_PROTOCOL], after.sheets["Protokoll 2"]
    assert full.max_row == LAST_ROW
    assert more.rows[0][:3] == ["Zeit", "Wer", "Aktion"]                  # the header again
    logged = [r for r in full.rows[LAST_ROW - 2:] if r] + more.rows[1:]
    assert len(logged) == len(res.plan.protocol)                          # every line, once
    # the next run appends to 'Protokoll 2', never past the full sheet
    from datetime import datetime

    from xl_addin.core.plan import Plan, ProtocolEntry
    from xl_addin.core.report import protocol_append
    from xl_addin.package import apply_plan
    entry = ProtocolEntry(datetime(2026, 11, 23, 2, 0), "batch", "Lauf", S.SHEET_MASTER, "10000001", "O2", None, "x")
    appended = protocol_append([entry])
    assert appended is not None
    apply_plan(path, Plan(appends=[appended]), backups=0)
    last = read_workbook(path)
    assert last.sheets[S.SHEET_PROTOCOL].max_row == LAST_ROW
    assert last.sheets["Protokoll 2"].max_row == more.max_row + 1
    assert last.sheets["Protokoll 2"].rows[-1][1] == "batch"


def test_appending_past_the_last_row_of_a_sheet_that_cannot_continue_is_refused(tmp_path):
    """Only the Protokoll continues on a new sheet; any other list that would pass Excel's last
    row is refused in one line and nothing is written."""
    from xl_addin.core.plan import Plan, RowAppend
    from xl_addin.package import WorkbookError, apply_plan
    path = protocol_near_the_limit(tmp_path, free_rows=1)
    before = path.read_bytes()
    plan = Plan(appends=[RowAppend(S.SHEET_PROTOCOL, [["a"], ["b"]])])
    import pytest
    with pytest.raises(WorkbookError, match=r"1\.048\.576"):
        apply_plan(path, plan, backups=0)
    assert path.read_bytes() == before
