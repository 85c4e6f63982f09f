"""Structure the writer must not trust (issue 12, items 8–9): two sheets that point at one part,
and a Protokoll that reaches Excel's last row. Real files in temporary folders."""
from __future__ import annotations

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
            if "xl/" + rel.get("Target").lstrip("/").removeprefix("xl/") == check:
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
