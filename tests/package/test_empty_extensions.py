"""Issue 11, defect 8: a `Kündigung` row of 'Warten auf Freigabe' is removed, and with it the last
x14 drop-down (a list from another sheet, which Excel keeps in the sheet's ``extLst``) or the last
x14 conditional format that covered only that row. The container of the extension was left behind
empty — ``<ext uri="{CCE6A557-…}"/>`` or an empty ``<extLst/>`` — which the schema forbids and Excel
repairs. An extension that still holds something, or that the agents' tools put there for other
reasons, stays as it was."""
from __future__ import annotations

import zipfile
from pathlib import Path

import xlsxwriter
from lxml import etree

from xl_addin.core.plan import Plan, RowDelete
from xl_addin.package import apply_plan, read_workbook

from . import ooxml_validate as V
from .conftest import WAIT_HEADERS

SHEET = "Warten auf Freigabe"
PART = "xl/worksheets/sheet1.xml"
X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
XM = "http://schemas.microsoft.com/office/excel/2006/main"
DV_URI = "{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}"
CF_URI = "{78C0D931-6437-407d-A8EE-F0AAD7539E65}"
OTHER_URI = "{7E03D99C-DC04-49d9-9315-930204A7B6E9}"      # x14 (webExtensions), kept as it is


def _x14_validation(sqref: str) -> str:
    return (f'<x14:dataValidation type="list" allowBlank="1" showInputMessage="1">'
            f'<x14:formula1><xm:f>Listen!$A$1:$A$3</xm:f></x14:formula1>'
            f'<xm:sqref>{sqref}</xm:sqref></x14:dataValidation>')


def _x14_format(sqref: str) -> str:
    """An icon set Excel 2007 cannot show (three triangles): Excel keeps it only in the extLst."""
    cfvo = "".join(f'<x14:cfvo type="percent"><xm:f>{p}</xm:f></x14:cfvo>' for p in (0, 33, 67))
    return (f'<x14:conditionalFormatting xmlns:xm="{XM}"><x14:cfRule type="iconSet" priority="1" '
            f'id="{{00000000-0000-0000-0000-000000000001}}"><x14:iconSet iconSet="3Triangles">{cfvo}'
            f'</x14:iconSet></x14:cfRule><xm:sqref>{sqref}</xm:sqref></x14:conditionalFormatting>')


def waiting_book(path: Path, *, validations: list[str], formats: list[str], other_ext: bool) -> Path:
    """'Warten auf Freigabe' with four orders (row 3 says Kündigung) and the agents' x14
    drop-downs/conditional formats at ``validations``/``formats`` (Excel writes a list drawn from
    another sheet, or a rule Excel 2007 cannot show, into the sheet's extLst)."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet(SHEET)
    ws.write_row(0, 0, WAIT_HEADERS)
    for i, status in enumerate(["Freigabe", "Kündigung", "Vendor X", "Freigabe"]):
        ws.write_row(i + 1, 0, [f"RE-{i}", 70000 + i, "Vendor X", "v@x.de", 10000001 + i, "Erika",
                                "Muster", 100 + i, "Kurs", None, None, status, "offen"])
    lists = wb.add_worksheet("Listen")
    lists.write_column(0, 0, ["Freigabe", "Kündigung", "offen"])
    wb.close()
    ext = ""
    if validations:
        ext += (f'<ext uri="{DV_URI}" xmlns:x14="{X14}"><x14:dataValidations count="{len(validations)}" '
                f'xmlns:xm="{XM}">' + "".join(map(_x14_validation, validations))
                + "</x14:dataValidations></ext>")
    if formats:
        ext += (f'<ext uri="{CF_URI}" xmlns:x14="{X14}"><x14:conditionalFormattings>'
                + "".join(map(_x14_format, formats)) + "</x14:conditionalFormattings></ext>")
    if other_ext:
        ext += f'<ext uri="{OTHER_URI}" xmlns:x14="{X14}"><x14:webExtensions/></ext>'
    with zipfile.ZipFile(path) as z:
        items = [(i, z.read(i)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in items:
            if info.filename == PART:
                data = data.replace(b"</worksheet>", f"<extLst>{ext}</extLst></worksheet>".encode())
            z.writestr(info, data)
    assert V.check_package(path) == []
    return path


def ext_uris(path: Path) -> list[str] | None:
    """The uris of the sheet's extensions; None when it has no extLst."""
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read(PART))
    ext_lst = root.find(f"{{{V.MAIN}}}extLst")
    if ext_lst is None:
        return None
    for ext in ext_lst:
        assert len(ext), f"empty extension {ext.get('uri')} left"
    return [ext.get("uri", "") for ext in ext_lst]


def remove_cancelled_row(path: Path) -> None:
    before = V.members(path)
    result = apply_plan(path, Plan(deletions=[RowDelete(SHEET, (3,))]), backups=0)
    assert result.delete_modes == {SHEET: "shift"}
    assert V.check_written(before, path) == []
    assert [r[4] for r in read_workbook(path).sheets[SHEET].rows[1:]] == [10000001, 10000003, 10000004]


def test_the_last_x14_drop_down_and_format_go_with_their_row_and_leave_no_empty_extension(tmp_path):
    book = waiting_book(tmp_path / "w.xlsx", validations=["M3"], formats=["H3"], other_ext=False)
    remove_cancelled_row(book)
    assert ext_uris(book) is None


def test_an_extension_that_still_holds_something_stays(tmp_path):
    book = waiting_book(tmp_path / "w.xlsx", validations=["M3", "L2:L5"], formats=["H3"], other_ext=True)
    other = extension(book, OTHER_URI)
    remove_cancelled_row(book)
    assert ext_uris(book) == [DV_URI, OTHER_URI]
    with zipfile.ZipFile(book) as z:
        text = z.read(PART)
    assert b"<xm:sqref>L2:L4</xm:sqref>" in text and b'count="1"' in text
    assert extension(book, OTHER_URI) == other                 # the unrelated extension untouched


def extension(path: Path, uri: str) -> bytes:
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read(PART))
    found = root.find(f"{{{V.MAIN}}}extLst/{{{V.MAIN}}}ext[@uri='{uri}']")
    assert found is not None
    return etree.tostring(found, method="c14n")
