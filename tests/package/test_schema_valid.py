"""Everything the writer produces is what Excel opens without "repairing": every XML part a run
changes or creates validates against the ISO/IEC 29500 Transitional schemas (after markup-
compatibility preprocessing), and Excel's own rules hold (tables, merges, selection, counts,
dimension) — on every demo workbook run twice, every template, the agent's workbook of the
fidelity test and Excel's own files. The first half proves the validator can fail."""
from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
import xlsxwriter
from lxml import etree

from xl_addin import actions
from xl_addin.core.plan import CellWrite, Plan, RowFill, SheetRewrite
from xl_addin.package import apply_plan, read_workbook

from . import ooxml_validate as V
from .conftest import EXCEL_MADE
from .test_excel_made import MC, craft_dynamic_array_book
from .test_fidelity import run_plan

REPO = Path(__file__).resolve().parents[2]
DEMOS = sorted((REPO / "workbooks" / "demo").glob("*.xlsx"))
NOW = datetime(2026, 11, 22, 12, 0)


# --------------------------------------------------------------------------- the validator can fail

def table_book(path: Path) -> Path:
    """A valid workbook with a table (header, totals row), a merge, two sheets."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Daten")
    ws.add_table("A1:C4", {"name": "Bestellungen", "total_row": True, "columns": [
        {"header": "order_id", "total_string": "Summe"}, {"header": "Kunde"},
        {"header": "Betrag", "total_function": "sum"}],
        "data": [[1, "Erika", 10.5], [2, "Max", 20.0]]})
    ws.merge_range("E1:F2", "Hinweis")
    wb.add_worksheet("Zweites").write("A1", "x")
    wb.close()
    return path


def rewrite(path: Path, member: str, change: Callable[[str], str]) -> Path:
    with zipfile.ZipFile(path) as z:
        items = [(i, z.read(i)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in items:
            if info.filename == member:
                new = change(data.decode())
                assert new != data.decode(), f"the change did not apply to {member}"
                data = new.encode()
            z.writestr(info, data)
    return path


def test_a_valid_workbook_has_no_problems(tmp_path):
    assert V.check_package(table_book(tmp_path / "a.xlsx")) == []


@pytest.mark.parametrize(("member", "old", "new", "expected"), [
    # schema
    ("xl/worksheets/sheet1.xml", "</worksheet>",
     '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}"/></extLst></worksheet>',
     "sheet1.xml"),
    ("xl/worksheets/sheet1.xml", "</worksheet>", "<extLst/></worksheet>", "extLst"),
    ("xl/worksheets/sheet1.xml", '<c r="A2"', '<c r="A2" t="bogus"', "bogus"),
    ("xl/workbook.xml", "<sheets>", "<sheets><wrong/>", "wrong"),
    # Excel's rules
    ("xl/tables/table1.xml", 'name="Kunde"', 'name="Name"', "header cell 'Daten'!B1 is 'Kunde'"),
    ("xl/tables/table1.xml", 'ref="A1:C4"', 'ref="A1:D4"', "4 columns wide but the table has 3"),
    ("xl/worksheets/sheet1.xml", '<mergeCell ref="E1:F2"/>', '<mergeCell ref="E1:F2"/><mergeCell ref="F2:G3"/>',
     "overlaps"),
    ("xl/worksheets/sheet1.xml", '<mergeCell ref="E1:F2"/>', '<mergeCell ref="C1:D1"/>', "inside table"),
    ("xl/workbook.xml", '<sheet name="Daten" sheetId="1"', '<sheet name="Daten" sheetId="1" state="hidden"',
     "hidden but selected"),
    ("xl/workbook.xml", "<workbookView ", '<workbookView activeTab="1" ', "active tab but not selected"),
    ("xl/styles.xml", '<fonts count="1">', '<fonts count="2">', "fonts count"),
    ("xl/sharedStrings.xml", 'uniqueCount="', 'uniqueCount="9', "uniqueCount"),
    ("xl/worksheets/sheet1.xml", '<dimension ref="A1:F4"/>', '<dimension ref="A1:C4"/>', "dimension"),
    ("xl/worksheets/sheet1.xml", '<c r="A2">', '<c r="A2" s="40">', "style s=40"),
    ("xl/_rels/workbook.xml.rels", 'Target="worksheets/sheet2.xml"', 'Target="worksheets/sheet9.xml"',
     "missing part"),
])
def test_each_rule_finds_its_defect(tmp_path, member, old, new, expected):
    book = table_book(tmp_path / "a.xlsx")
    rewrite(book, member, lambda text: text.replace(old, new, 1))
    problems = V.check_package(book)
    assert any(expected in p for p in problems), problems


def test_only_changed_parts_are_schema_checked_but_rules_see_everything(tmp_path):
    before = table_book(tmp_path / "a.xlsx")
    after = Path(shutil.copy(before, tmp_path / "b.xlsx"))
    rewrite(after, "xl/worksheets/sheet2.xml", lambda t: t.replace("<sheetData>", "<sheetData><zz/>"))
    rewrite(after, "xl/tables/table1.xml", lambda t: t.replace('name="Betrag"', 'name="Summe"'))
    problems = V.check_written(before, after)
    assert any(p.startswith("xl/worksheets/sheet2.xml:") for p in problems), problems
    assert any("header cell 'Daten'!C1" in p for p in problems), problems


def test_markup_compatibility_is_resolved_as_a_consumer_would():
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    sheet = (f'<worksheet xmlns="{V.MAIN}" xmlns:mc="{mc}" xmlns:x14ac="urn:x14ac" '
             f'xmlns:xr="urn:xr" mc:Ignorable="x14ac xr" xr:uid="{{1}}">'
             '<sheetFormatPr defaultRowHeight="15" x14ac:dyDescent="0.25"/>'
             '<sheetData><x14ac:thing/></sheetData>'
             '<mc:AlternateContent><mc:Choice Requires="x14ac"><x14ac:controls/></mc:Choice>'
             '<mc:Fallback><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
             'footer="0.3"/></mc:Fallback></mc:AlternateContent></worksheet>')
    root = V.preprocess_mce(etree.fromstring(sheet))
    assert V.schema().validate(root), V.schema().error_log
    left = [e for e in root.iter() if "urn:x" in e.tag or any("urn:x" in a for a in e.attrib)]
    assert left == []
    report = V.Report()
    V.validate_part("s.xml", sheet.replace(' mc:Ignorable="x14ac xr"', "").encode(), report)
    assert report.errors                                       # not ignorable: not valid
    report = V.Report()
    V.validate_part("s.xml", sheet.replace("<sheetData>", '<sheetData mc:MustUnderstand="xr">').encode(), report)
    assert any("MustUnderstand" in e for e in report.errors)


def test_excel_made_files_are_valid_as_they_are():
    """No false alarms: Excel's own files pass every check."""
    for book in sorted(EXCEL_MADE.iterdir()):
        assert V.check_package(book) == [], book.name


# --------------------------------------------------------------------------- what the product writes

@pytest.mark.parametrize("demo", DEMOS, ids=lambda p: p.stem)
def test_demo_workbooks_stay_valid_over_two_runs(demo, tmp_path):
    book = shutil.copy(demo, tmp_path / demo.name)
    for attempt in (1, 2):
        before = V.members(book)
        result = actions.run_file(book, now=NOW, backups=0)
        assert not result.error, result.error
        assert V.check_written(before, book) == [], f"run {attempt}"
        assert list(V.iter_unchecked(book, before)) == []


@pytest.mark.parametrize("kind", actions.kind_names())
def test_templates_are_valid(kind, tmp_path):
    path = actions.new_workbook(kind, tmp_path / f"{kind}.xlsx")
    assert V.check_package(path) == []
    before = V.members(path)
    result = actions.run_file(path, now=NOW, backups=0)
    assert not result.error, result.error
    assert V.check_written(before, path) == []


def test_the_agents_workbook_of_the_fidelity_test_stays_valid(agent_book, tmp_path):
    before = V.members(agent_book)
    assert V.check_package(agent_book) == []
    apply_plan(agent_book, run_plan(), backups=0)
    assert V.check_written(before, agent_book) == []


@pytest.mark.parametrize("name", sorted(p.name for p in EXCEL_MADE.iterdir()))
def test_excel_made_files_stay_valid_after_a_run(name, tmp_path):
    book = shutil.copy(EXCEL_MADE / name, tmp_path / name)
    first = next(iter(read_workbook(book).sheets))
    free = read_workbook(book).sheets[first].max_row + 3
    plan = Plan(writes=[CellWrite(first, free, 1, "xl_addin"), CellWrite(first, free, 2, date(2026, 11, 22))],
                fills=[RowFill(first, 1, (1, 2, 3), "FFFF00")], product_colours=frozenset({"FFFF00"}),
                rewrites=[SheetRewrite("Prüfung", [["Ort", "Meldung"], ["A1", "ok"]]),
                          SheetRewrite("_state", [["k"], [1]], state="veryHidden")])
    before = V.members(book)
    apply_plan(book, plan, backups=0)
    assert V.check_written(before, book) == []


def test_alternate_content_and_extensions_in_a_patched_sheet_stay_valid(tmp_path):
    book = craft_dynamic_array_book(tmp_path / "da.xlsx")
    # as Excel writes it: the prefix mc:Choice Requires names is declared on the root
    x14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
    rewrite(book, "xl/worksheets/sheet1.xml",
            lambda t: t.replace(f'xmlns:mc="{MC}"', f'xmlns:mc="{MC}" xmlns:x14="{x14}"', 1))
    before = V.members(book)
    apply_plan(book, Plan(writes=[CellWrite("Sheet1", 9, 1, "x")]), backups=0)
    changed = V.changed_parts(before, V.members(book))
    assert "xl/worksheets/sheet1.xml" in changed
    assert V.check_written(before, book) == []


def test_the_compiled_schema_is_shared():
    assert V.schema() is V.schema()
    assert re.search(r"spreadsheetml/2006/main", " ".join(V.understood_namespaces()))
