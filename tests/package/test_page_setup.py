"""Print setup of the overview sheet: one page wide, only where the sheet has no page setup of
its own, every element in the schema's order (checked against the ISO schemas)."""
from __future__ import annotations

import pytest
from lxml import etree

from tests.package.ooxml_validate import Report, validate_part
from xl_addin.package.page_setup import print_one_page_wide

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _sheet(inner: str) -> etree._Element:
    return etree.fromstring(f'<worksheet xmlns="{NS}" xmlns:r="{R}">{inner}</worksheet>'.encode())


def _valid(root: etree._Element) -> list[str]:
    report = Report()
    validate_part("sheet.xml", etree.tostring(root), report)
    return report.errors


def _names(root: etree._Element) -> list[str]:
    return [etree.QName(c).localname for c in root]


DATA = '<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>'


@pytest.mark.parametrize(("inner", "order"), [
    # the writer's new sheet: margins, then the drawing of the chart
    (f'<dimension ref="A1"/>{DATA}<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" '
     'header="0.3" footer="0.3"/><drawing r:id="rId1"/>',
     ["sheetPr", "dimension", "sheetData", "pageMargins", "pageSetup", "drawing"]),
    # no margins at all, a header/footer and a table: margins come in before the setup
    (f'{DATA}<headerFooter><oddFooter>&amp;P</oddFooter></headerFooter><tableParts count="0"/>',
     ["sheetPr", "sheetData", "pageMargins", "pageSetup", "headerFooter", "tableParts"]),
    # nothing after sheetData
    (DATA, ["sheetPr", "sheetData", "pageMargins", "pageSetup"]),
])
def test_a_sheet_without_page_setup_prints_one_page_wide(inner, order):
    root = _sheet(inner)
    assert print_one_page_wide(root)
    assert _names(root) == order
    setup = root.find(f"{{{NS}}}pageSetup")
    assert setup is not None
    assert (setup.get("fitToWidth"), setup.get("fitToHeight"), setup.get("orientation"),
            setup.get("paperSize")) == ("1", "0", "portrait", "9")
    fit = root.find(f"{{{NS}}}sheetPr/{{{NS}}}pageSetUpPr")
    assert fit is not None and fit.get("fitToPage") == "1"
    assert _valid(root) == []


def test_an_agents_sheet_properties_stay_and_the_fit_goes_in_its_place():
    root = _sheet('<sheetPr codeName="Tabelle9"><tabColor rgb="FF00B050"/><outlinePr summaryBelow="0"/></sheetPr>'
                  f'{DATA}')
    assert print_one_page_wide(root)
    pr = root.find(f"{{{NS}}}sheetPr")
    assert pr is not None and pr.get("codeName") == "Tabelle9"
    assert _names(pr) == ["tabColor", "outlinePr", "pageSetUpPr"]
    assert _valid(root) == []


def test_a_page_setup_someone_chose_stays_byte_identical():
    inner = (f'<sheetPr><pageSetUpPr fitToPage="0"/></sheetPr>{DATA}'
             '<pageMargins left="0.2" right="0.2" top="0.5" bottom="0.5" header="0.1" footer="0.1"/>'
             '<pageSetup paperSize="8" orientation="landscape" r:id="rId3"/>')
    root = _sheet(inner)
    before = etree.tostring(root)
    assert not print_one_page_wide(root)
    assert etree.tostring(root) == before
