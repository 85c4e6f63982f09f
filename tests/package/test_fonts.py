"""Text colour (Kundenakten: O-Team rows black): only cells with a value, only where the text
colour is automatic or the product's own; an agent's colour stays; idempotent."""
from __future__ import annotations

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from xl_addin.core.plan import Plan, RowFont
from xl_addin.package import apply_plan


def _book(path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Einträge"
    ws.append(["Datum", "Akte", "Situation", "Notiz"])
    ws.append(["01.11.2026", "O-Team", "intern", None])
    ws.append(["02.11.2026", "O-Team", "rot markiert", None])
    ws["C3"].font = Font(color="FFFF0000")
    ws["B2"].font = Font(bold=True)
    wb.save(path)
    return path


def _colour(cell):
    c = cell.font.color
    return None if c is None or c.rgb is None or not isinstance(c.rgb, str) else c.rgb[-6:]


def _plan(rgb):
    p = Plan(product_font_colours=frozenset({"000000"}), full_recalc=False)
    p.fonts = [RowFont("Einträge", r, (1, 2, 3, 4), rgb) for r in (2, 3)]
    return p


def test_black_text_for_cells_with_values_and_agents_red_stays(tmp_path):
    path = _book(tmp_path / "k.xlsx")
    apply_plan(path, _plan("000000"), backups=0)
    ws = load_workbook(path)["Einträge"]
    assert [_colour(ws.cell(2, c)) for c in (1, 2, 3)] == ["000000"] * 3
    assert ws["B2"].font.b                                     # the rest of the font is kept
    assert _colour(ws["C3"]) == "FF0000"                       # the agent's colour
    assert ws["D2"].value is None and ws["D2"].has_style is False   # no empty cell created


def test_second_run_changes_nothing_and_none_removes_the_products_colour(tmp_path):
    path = _book(tmp_path / "k.xlsx")
    apply_plan(path, _plan("000000"), backups=0)
    once = path.read_bytes()
    apply_plan(path, _plan("000000"), backups=0)
    from zipfile import ZipFile
    with ZipFile(path) as a, ZipFile(__import__("io").BytesIO(once)) as b:
        assert a.read("xl/worksheets/sheet1.xml") == b.read("xl/worksheets/sheet1.xml")
        assert a.read("xl/styles.xml") == b.read("xl/styles.xml")
    apply_plan(path, _plan(None), backups=0)
    ws = load_workbook(path)["Einträge"]
    assert _colour(ws["A2"]) is None and _colour(ws["C3"]) == "FF0000"
