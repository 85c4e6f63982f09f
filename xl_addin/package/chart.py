"""A native Excel chart on a worksheet: the chart part (``xl/charts/chartN.xml``), the drawing
that anchors it (``xl/drawings/drawingN.xml``), their relationships and content types.

Idempotent: the product's chart is the drawing object named ``SheetChart.name``. A run that finds
it replaces that chart part's bytes and that anchor (same part names, same relationship ids) —
a second run with the same numbers writes the same bytes and never adds a second chart. Other
drawing objects on the sheet (the agents' pictures or charts) are left as they are."""
from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping

from lxml import etree

from ..core.cells import col_letter
from ..core.plan import SheetChart
from .errors import WorkbookError
from .opc import CT_NS, PKG_REL_NS, REL_NS, WorkbookParts, m, rels_part_of, resolve_target
from .safety import parse_xml


def escape(text: str, entities: Mapping[str, str] | None = None) -> str:
    """``xml.sax.saxutils.escape``, step by step as it does it: &, > and < as entities, then
    ``entities`` replaced — without that module's start-up (it imports urllib.request,
    http.client and email; ``html.escape`` a table of 2,000 entities)."""
    text = text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
    for char, entity in (entities or {}).items():
        text = text.replace(char, entity)
    return text


RT_DRAWING = REL_NS + "/drawing"
RT_CHART = REL_NS + "/chart"
CT_DRAWING = "application/vnd.openxmlformats-officedocument.drawing+xml"
CT_CHART = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
CT_RELS = "application/vnd.openxmlformats-package.relationships+xml"
XDR_NS = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
C_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
# CT_Worksheet children that come after <drawing> (ECMA-376 §18.3.1.99)
_AFTER_DRAWING = {"legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls",
                  "webPublishItems", "tableParts", "extLst"}
_DECL = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'


def _ref(sheet: str, col: int, first: int, last: int | None = None) -> str:
    quoted = "'" + sheet.replace("'", "''") + "'"
    letters = col_letter(col)
    cell = f"{quoted}!${letters}${first}"
    return cell if last is None else f"{cell}:${letters}${last}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def chart_xml(chart: SheetChart) -> bytes:
    """A clustered horizontal bar chart of one series, its caches filled."""
    n = len(chart.category_values)
    cats = "".join(f'<c:pt idx="{i}"><c:v>{escape(v)}</c:v></c:pt>' for i, v in enumerate(chart.category_values))
    vals = "".join(f'<c:pt idx="{i}"><c:v>{_number(v)}</c:v></c:pt>' for i, v in enumerate(chart.value_values))
    last = max(chart.last_row, chart.first_row)
    title = escape(chart.title)
    header_row = chart.first_row - 1
    text = (
        f'<c:chartSpace xmlns:c="{C_NS}" xmlns:a="{A_NS}" xmlns:r="{REL_NS}">'
        '<c:roundedCorners val="0"/>'
        '<c:chart>'
        '<c:title><c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="1200" b="1"/></a:pPr>'
        f'<a:r><a:rPr lang="de-DE" sz="1200" b="1"/><a:t>{title}</a:t></a:r></a:p></c:rich></c:tx>'
        '<c:overlay val="0"/></c:title>'
        '<c:autoTitleDeleted val="0"/>'
        '<c:plotArea><c:layout/>'
        '<c:barChart><c:barDir val="bar"/><c:grouping val="clustered"/><c:varyColors val="0"/>'
        '<c:ser><c:idx val="0"/><c:order val="0"/>'
        f'<c:tx><c:strRef><c:f>{escape(_ref(chart.sheet, chart.values_col, header_row))}</c:f>'
        f'<c:strCache><c:ptCount val="1"/><c:pt idx="0"><c:v>{escape(chart.series_name)}</c:v></c:pt>'
        '</c:strCache></c:strRef></c:tx>'
        '<c:spPr><a:solidFill><a:srgbClr val="4472C4"/></a:solidFill></c:spPr>'
        '<c:invertIfNegative val="0"/>'
        '<c:dLbls><c:showLegendKey val="0"/><c:showVal val="1"/><c:showCatName val="0"/>'
        '<c:showSerName val="0"/><c:showPercent val="0"/><c:showBubbleSize val="0"/></c:dLbls>'
        f'<c:cat><c:strRef><c:f>{escape(_ref(chart.sheet, chart.categories_col, chart.first_row, last))}</c:f>'
        f'<c:strCache><c:ptCount val="{n}"/>{cats}</c:strCache></c:strRef></c:cat>'
        f'<c:val><c:numRef><c:f>{escape(_ref(chart.sheet, chart.values_col, chart.first_row, last))}</c:f>'
        f'<c:numCache><c:formatCode>General</c:formatCode><c:ptCount val="{n}"/>{vals}</c:numCache>'
        '</c:numRef></c:val>'
        '</c:ser>'
        '<c:gapWidth val="60"/><c:axId val="510000001"/><c:axId val="510000002"/></c:barChart>'
        '<c:catAx><c:axId val="510000001"/><c:scaling><c:orientation val="maxMin"/></c:scaling>'
        '<c:delete val="0"/><c:axPos val="l"/><c:numFmt formatCode="General" sourceLinked="0"/>'
        '<c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
        '<c:crossAx val="510000002"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/>'
        '<c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>'
        '<c:valAx><c:axId val="510000002"/><c:scaling><c:orientation val="minMax"/></c:scaling>'
        '<c:delete val="0"/><c:axPos val="b"/><c:majorGridlines/><c:numFmt formatCode="0" sourceLinked="0"/>'
        '<c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
        '<c:crossAx val="510000001"/><c:crosses val="max"/><c:crossBetween val="between"/></c:valAx>'
        '</c:plotArea>'
        '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/>'
        '</c:chart>'
        '</c:chartSpace>'
    )
    return _DECL + text.encode("utf-8")


def anchor_xml(chart: SheetChart, rid: str, shape_id: int) -> str:
    c1, r1, c2, r2 = chart.anchor
    return (
        f'<xdr:twoCellAnchor xmlns:xdr="{XDR_NS}" xmlns:a="{A_NS}" editAs="oneCell">'
        f'<xdr:from><xdr:col>{c1 - 1}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{r1 - 1}</xdr:row>'
        '<xdr:rowOff>0</xdr:rowOff></xdr:from>'
        f'<xdr:to><xdr:col>{c2}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{r2}</xdr:row>'
        '<xdr:rowOff>0</xdr:rowOff></xdr:to>'
        '<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr>'
        f'<xdr:cNvPr id="{shape_id}" name="{escape(chart.name, {chr(34): "&quot;"})}"/>'
        '<xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>'
        '<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>'
        f'<a:graphic><a:graphicData uri="{C_NS}">'
        f'<c:chart xmlns:c="{C_NS}" xmlns:r="{REL_NS}" r:id="{rid}"/>'
        '</a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor>'
    )


def _bytes(root: etree._Element) -> bytes:
    """A part the product owns, always with the same declaration (a second run: same bytes)."""
    return _DECL + etree.tostring(root, encoding="UTF-8", xml_declaration=False)


def _new_rels() -> etree._Element:
    return parse_xml(f'<Relationships xmlns="{PKG_REL_NS}"/>'.encode(), "_rels", "")


def _add_rel(rels: etree._Element, rtype: str, target: str) -> str:
    ids = {r.get("Id", "") for r in rels.iter(f"{{{PKG_REL_NS}}}Relationship")}
    numbers = [int(x[3:]) for x in ids if re.fullmatch(r"rId\d+", x)]
    rid = f"rId{max(numbers, default=0) + 1}"
    rel = etree.SubElement(rels, f"{{{PKG_REL_NS}}}Relationship")
    rel.set("Id", rid)
    rel.set("Type", rtype)
    rel.set("Target", target)
    return rid


class ChartParts:
    """Reads and edits the drawing wiring of one sheet on behalf of the writer."""

    def __init__(self, parts: WorkbookParts):
        self.parts = parts
        self.archive = parts.archive
        self.replaced: dict[str, bytes] = {}      # existing member name -> new bytes

    def _has(self, part: str) -> bool:
        return self.archive.has(part) or part in self.parts.added

    def _read(self, part: str) -> bytes:
        if part in self.parts.added:
            return self.parts.added[part]
        info = self.archive.info(part)
        name = info.filename if info is not None else part
        return self.replaced.get(name) or self.archive.read(name)

    def _put(self, part: str, data: bytes) -> None:
        if part in self.parts.added or not self.archive.has(part):
            self.parts.added[part] = data
        else:
            info = self.archive.info(part)
            name = info.filename if info is not None else part
            if self.archive.read(name) != data:
                self.replaced[name] = data

    def _free(self, folder: str, stem: str) -> str:
        taken = {i.filename.casefold() for i in self.archive.infos} | {k.casefold() for k in self.parts.added}
        n = 1
        while posixpath.join(folder, f"{stem}{n}.xml").casefold() in taken:
            n += 1
        return posixpath.join(folder, f"{stem}{n}.xml")

    def _override(self, part: str, content_type: str) -> None:
        for ov in self.parts.content_types.iter(f"{{{CT_NS}}}Override"):
            if ov.get("PartName", "").lstrip("/").casefold() == part.casefold():
                return
        override = etree.SubElement(self.parts.content_types, f"{{{CT_NS}}}Override")
        override.set("PartName", "/" + part)
        override.set("ContentType", content_type)
        self.parts.dirty.add("[Content_Types].xml")

    def _rels_default(self) -> None:
        for d in self.parts.content_types.iter(f"{{{CT_NS}}}Default"):
            if d.get("Extension", "").casefold() == "rels":
                return
        el = etree.Element(f"{{{CT_NS}}}Default")
        el.set("Extension", "rels")
        el.set("ContentType", CT_RELS)
        self.parts.content_types.insert(0, el)
        self.parts.dirty.add("[Content_Types].xml")

    def _rels_of(self, part: str) -> etree._Element:
        rels_part = rels_part_of(part)
        if self._has(rels_part):
            return parse_xml(self._read(rels_part), rels_part, self.parts.name)
        self._rels_default()
        return _new_rels()

    def place(self, sheet_part: str, sheet_root: etree._Element, chart: SheetChart) -> bool:
        """Put ``chart`` on the sheet (``sheet_root`` is its parsed XML, edited in place).
        Returns True when the sheet's XML changed (a <drawing> was added)."""
        sheet_changed = False
        sheet_rels_part = rels_part_of(sheet_part)
        sheet_rels = self._rels_of(sheet_part)
        drawing_el = sheet_root.find(m("drawing"))
        drawing_part = None
        if drawing_el is not None:
            rid = drawing_el.get(f"{{{REL_NS}}}id", "")
            for rel in sheet_rels.iter(f"{{{PKG_REL_NS}}}Relationship"):
                if rel.get("Id") == rid and rel.get("Type") == RT_DRAWING:
                    drawing_part = resolve_target(sheet_part, rel.get("Target", ""))
            if drawing_part is None or not self._has(drawing_part):
                raise WorkbookError(f"Datei '{self.parts.name}': Blatt '{chart.sheet}' verweist auf eine "
                                    f"Zeichnung, die fehlt — Diagramm nicht geschrieben")
        if drawing_part is None:
            drawing_part = self._free("xl/drawings", "drawing")
            rid = _add_rel(sheet_rels, RT_DRAWING, posixpath.relpath(drawing_part, posixpath.dirname(sheet_part)))
            self._put(sheet_rels_part, _bytes(sheet_rels))
            self._override(drawing_part, CT_DRAWING)
            drawing_el = sheet_root.makeelement(m("drawing"), {f"{{{REL_NS}}}id": rid})
            after = next((c for c in sheet_root if isinstance(c.tag, str)
                          and c.tag.rsplit("}", 1)[-1] in _AFTER_DRAWING), None)
            if after is not None:
                after.addprevious(drawing_el)
            else:
                sheet_root.append(drawing_el)
            drawing = parse_xml((f'<xdr:wsDr xmlns:xdr="{XDR_NS}" xmlns:a="{A_NS}"/>').encode(),
                                drawing_part, self.parts.name)
            sheet_changed = True
        else:
            drawing = parse_xml(self._read(drawing_part), drawing_part, self.parts.name)
        drawing_rels = self._rels_of(drawing_part)

        ours, chart_part, chart_rid = None, None, None
        for anchor in drawing:
            named = anchor.find(f".//{{{XDR_NS}}}cNvPr")
            ref = anchor.find(f".//{{{C_NS}}}chart")
            if named is not None and named.get("name") == chart.name and ref is not None:
                ours, chart_rid = anchor, ref.get(f"{{{REL_NS}}}id", "")
                for rel in drawing_rels.iter(f"{{{PKG_REL_NS}}}Relationship"):
                    if rel.get("Id") == chart_rid and rel.get("Type") == RT_CHART:
                        chart_part = resolve_target(drawing_part, rel.get("Target", ""))
                break
        if chart_part is None or chart_rid is None:
            chart_part = self._free("xl/charts", "chart")
            chart_rid = _add_rel(drawing_rels, RT_CHART, posixpath.relpath(chart_part, posixpath.dirname(drawing_part)))
            self._override(chart_part, CT_CHART)
        ids = [int(x.get("id", "0")) for x in drawing.iter(f"{{{XDR_NS}}}cNvPr") if x.get("id", "").isdecimal()
               and (ours is None or x not in ours.iter())]
        new_anchor = parse_xml(anchor_xml(chart, chart_rid, max(ids, default=1) + 1).encode(), drawing_part,
                               self.parts.name)
        if ours is not None:
            ours.addprevious(new_anchor)
            drawing.remove(ours)
        else:
            drawing.append(new_anchor)
        self._put(drawing_part, _bytes(drawing))
        self._put(rels_part_of(drawing_part), _bytes(drawing_rels))
        self._put(chart_part, chart_xml(chart))
        return sheet_changed
