"""Hostile and broken workbooks for the crash and structure tests (issue 12, items 8–11): a real
Inkasso workbook made by openpyxl, then one zip member edited the way a broken tool or an
attacker would leave it."""
from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from lxml import etree

from tests.builders import inkasso_data, order, write_xlsx
from xl_addin.kinds.inkasso import schema as S

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


def inkasso_book(path: Path, orders: list[dict] | None = None, **kw) -> Path:
    """An Inkasso workbook of two ordinary orders (both with a first letter) unless ``orders``."""
    if orders is None:
        orders = [order(**{S.M_FIRST_LETTER: date(2026, 9, 1)}), order(**{S.M_FIRST_LETTER: date(2026, 9, 2)})]
    return write_xlsx(inkasso_data(orders, **kw), path)


def edit_member(path: Path, member: str, change: Callable[[bytes], bytes]) -> None:
    """Rewrite one zip member in place (every other member copied as it is)."""
    with zipfile.ZipFile(path) as src:
        items = [(info, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in items:
            out.writestr(info, change(data) if info.filename == member else data)


def sheet_parts(path: Path) -> dict[str, str]:
    """Sheet name -> zip member of its part."""
    with zipfile.ZipFile(path) as z:
        wb = etree.fromstring(z.read("xl/workbook.xml"))
        rels = etree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id", ""): r.get("Target", "") for r in rels.iter(f"{{{PKG_REL}}}Relationship")}
    out: dict[str, str] = {}
    for sh in wb.iter(f"{{{MAIN}}}sheet"):
        target = targets[sh.get(f"{{{REL}}}id", "")]
        out[sh.get("name", "")] = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
    return out


def set_cell_xml(path: Path, sheet: str, ref: str, cell_xml: str) -> None:
    """Replace the cell ``ref`` of ``sheet`` (it must exist) by ``cell_xml`` as it stands."""
    def change(data: bytes) -> bytes:
        new, n = re.subn(rb'<c r="%s"[^>]*?(?:/>|>.*?</c>)' % ref.encode(), cell_xml.encode(), data, flags=re.S)
        assert n == 1, f"{sheet}!{ref} not found"
        return new
    edit_member(path, sheet_parts(path)[sheet], change)


def cell_style(path: Path, sheet: str, ref: str) -> str:
    with zipfile.ZipFile(path) as z:
        data = z.read(sheet_parts(path)[sheet]).decode()
    m = re.search(r'<c r="' + ref + r'"[^>]*?\ss="(\d+)"', data)
    assert m, f"{sheet}!{ref} has no style"
    return m[1]


_CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/'
       '2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
       '+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
       '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
       'worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
       'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
_ROOT_RELS = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" '
              f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WB = (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets><sheet name="Blatt" '
       f'sheetId="1" r:id="rId1"/></sheets></workbook>')
_WB_RELS = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" '
            f'Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
            f'Type="{REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>')


def many_strings_book(path: Path, n: int) -> Path:
    """A workbook of ``n`` different texts in column A (shared strings), written directly — a
    workbook that takes far more memory to load than its file size suggests, in a second."""
    sst = [f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="{n}" uniqueCount="{n}">']
    sst += [f"<si><t>Text {i:07d}</t></si>" for i in range(n)]
    sst.append("</sst>")
    rows = [f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>']
    rows += [f'<row r="{i + 1}"><c r="A{i + 1}" t="s"><v>{i}</v></c></row>' for i in range(n)]
    rows.append("</sheetData></worksheet>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("xl/workbook.xml", _WB)
        z.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        z.writestr("xl/sharedStrings.xml", "".join(sst))
        z.writestr("xl/worksheets/sheet1.xml", "".join(rows))
    return path
