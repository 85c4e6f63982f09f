"""An independent check of what the writer produces: every changed or new XML part against the
ISO/IEC 29500 Transitional schemas (vendored in ``schemas/``, see its README), after markup-
compatibility preprocessing (ECMA-376 Part 3), plus the rules Excel applies that no schema can say
(table headers, overlapping ranges, hidden-but-selected sheets, counts, dimensions, indexes into
styles, relationship targets). Excel "repairs" a file that breaks any of them — for the agents that
is a broken workbook.

Nothing here imports the product: the check reads the zip with ``zipfile`` and ``lxml`` only.

    problems = check_written(before_path, after_path)   # [] when all is well
    assert problems == [], "\n".join(problems)
"""
from __future__ import annotations

import functools
import posixpath
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from lxml import etree

SCHEMAS = Path(__file__).parent / "schemas"

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
XML_NS = "http://www.w3.org/XML/1998/namespace"
X = f"{{{MAIN}}}"

# schema file (relative to SCHEMAS) per namespace, imported into one compiled schema set;
# order matters only in that the Dublin Core and xml namespaces come before the OPC core
# properties schema, whose own imports point to the network
_IMPORTS = [
    (XML_NS, "ISO-IEC29500-4_2016/xml.xsd"),
    ("http://purl.org/dc/elements/1.1/", "dublincore/dc.xsd"),
    ("http://purl.org/dc/terms/", "dublincore/dcterms.xsd"),
    (MAIN, "ISO-IEC29500-4_2016/sml.xsd"),
    ("http://schemas.openxmlformats.org/drawingml/2006/chart", "ISO-IEC29500-4_2016/dml-chart.xsd"),
    ("http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
     "ISO-IEC29500-4_2016/shared-documentPropertiesExtended.xsd"),
    ("http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
     "ISO-IEC29500-4_2016/shared-documentPropertiesCustom.xsd"),
    (CT_NS, "ecma/fouth-edition/opc-contentTypes.xsd"),
    (PKG_RELS, "ecma/fouth-edition/opc-relationships.xsd"),
    ("http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
     "ecma/fouth-edition/opc-coreProperties.xsd"),
    (MC, "mce/mc.xsd"),
]

# namespaces the compiled set declares (read from the schema files): what "understood" means for
# markup compatibility, and which parts can be checked at all
@functools.lru_cache(maxsize=1)
def understood_namespaces() -> frozenset[str]:
    found = {XML_NS, MC, "http://www.w3.org/2001/XMLSchema-instance"}
    for path in SCHEMAS.rglob("*.xsd"):
        tns = etree.parse(str(path)).getroot().get("targetNamespace")
        if tns:
            found.add(tns)
    return frozenset(found)


@functools.lru_cache(maxsize=1)
def schema() -> etree.XMLSchema:
    """The compiled schema set, once per process (compiling takes about a second)."""
    imports = "".join(f'<xs:import namespace="{ns}" schemaLocation="{(SCHEMAS / loc).as_uri()}"/>'
                      for ns, loc in _IMPORTS)
    wrapper = (f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" '
               f'targetNamespace="urn:xl-addin:test-wrapper">{imports}</xs:schema>')
    return etree.XMLSchema(etree.fromstring(wrapper.encode(), base_url=SCHEMAS.as_uri() + "/"))


# --------------------------------------------------------------------------- markup compatibility

class MceError(ValueError):
    pass


def _prefixes(el: etree._Element, value: str | None) -> set[str]:
    out = set()
    for prefix in (value or "").split():
        ns = el.nsmap.get(prefix)
        if ns is None:
            raise MceError(f"mc: prefix '{prefix}' is not declared")
        out.add(ns)
    return out


def preprocess_mce(root: etree._Element) -> etree._Element:
    """What a consumer that understands only the vendored schemas sees (ECMA-376 Part 3): elements
    and attributes of ignorable, not understood namespaces dropped (the content of those listed
    in mc:ProcessContent kept), mc:AlternateContent replaced by its first Choice whose Requires
    are all understood, else by its Fallback, else by nothing; mc attributes removed. A not
    understood namespace in mc:MustUnderstand is an error. Works on (and returns) ``root``."""
    understood = understood_namespaces()

    def visit(el: etree._Element, ignorable: frozenset[str], process: frozenset[str]) -> None:
        ign = el.get(f"{{{MC}}}Ignorable")
        if ign is not None:
            ignorable = ignorable | _prefixes(el, ign)
        pc = el.get(f"{{{MC}}}ProcessContent")
        if pc is not None:
            process = process | {_prefixes(el, p.split(":")[0]).pop() for p in pc.split()}
        must = _prefixes(el, el.get(f"{{{MC}}}MustUnderstand"))
        if must - understood:
            raise MceError(f"mc:MustUnderstand names {sorted(must - understood)}")
        for name in list(el.attrib):
            ns = etree.QName(name).namespace
            if ns == MC or (ns in ignorable and ns not in understood):
                del el.attrib[name]
        i = 0
        while i < len(el):
            child = el[i]
            if not isinstance(child.tag, str):
                i += 1
                continue
            ns = etree.QName(child).namespace
            if child.tag == f"{{{MC}}}AlternateContent":
                chosen = None
                for branch in child:
                    if branch.tag == f"{{{MC}}}Choice" and _prefixes(branch, branch.get("Requires")) <= understood:
                        chosen = branch
                        break
                    if branch.tag == f"{{{MC}}}Fallback":
                        chosen = branch
                        break
                _replace(child, list(chosen) if chosen is not None else [])
                continue              # the spliced-in children are looked at next
            if ns in ignorable and ns not in understood:
                _replace(child, list(child) if ns in process else [])
                continue
            visit(child, ignorable, process)
            i += 1

    visit(root, frozenset(), frozenset())
    return root


def _replace(el: etree._Element, children: list[etree._Element]) -> None:
    parent = el.getparent()
    assert parent is not None
    at = parent.index(el)
    parent.remove(el)
    for i, c in enumerate(children):
        parent.insert(at + i, c)


# --------------------------------------------------------------------------- schema validation

@dataclass
class Report:
    errors: list[str] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)   # XML parts in namespaces with no schema here
    checked: list[str] = field(default_factory=list)


def _is_xml_member(name: str) -> bool:
    return name.endswith((".xml", ".rels"))


def validate_part(name: str, data: bytes, report: Report) -> None:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        report.errors.append(f"{name}: not well-formed XML: {e}")
        return
    ns = etree.QName(root).namespace
    if ns not in understood_namespaces() or ns == MC:
        report.unchecked.append(f"{name} ({ns})")
        return
    try:
        preprocess_mce(root)
    except MceError as e:
        report.errors.append(f"{name}: {e}")
        return
    # xml:space is XML 1.0's own attribute (section 2.10); Excel writes it on every <t> with
    # blanks at the ends, and SpreadsheetML's schema does not declare it: check it here, drop it
    space = f"{{{XML_NS}}}space"
    for el in root.iter():
        value = el.get(space) if isinstance(el.tag, str) else None
        if value is not None:
            if value not in ("preserve", "default"):
                report.errors.append(f"{name}: xml:space={value!r} on <{etree.QName(el).localname}>")
            if etree.QName(el).namespace == MAIN:
                del el.attrib[space]
    # the schema allows <extLst/>; Excel never writes one: a container left behind
    for el in root.iter(f"{X}extLst"):
        if len(el) == 0:
            report.errors.append(f"{name}:{el.sourceline}: empty <extLst> left behind")
    s = schema()
    if not s.validate(root):
        for err in cast(Iterable[Any], s.error_log):   # lxml-stubs: _ErrorLog is iterable
            report.errors.append(f"{name}:{err.line}: {err.message}")
    report.checked.append(name)


def members(path: Path | str) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i) for i in z.infolist() if not i.is_dir()}


def changed_parts(before: dict[str, bytes], after: dict[str, bytes]) -> list[str]:
    """Members of ``after`` that are new or differ from ``before``."""
    return [n for n, data in after.items() if before.get(n) != data]


def validate_parts(after: dict[str, bytes], names: Iterable[str]) -> Report:
    report = Report()
    for name in names:
        if _is_xml_member(name):
            validate_part(name, after[name], report)
    return report


# --------------------------------------------------------------------------- Excel's own rules

_CELL = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def parse_cell(ref: str) -> tuple[int, int]:
    m = _CELL.match(ref)
    if not m:
        raise ValueError(f"not a cell reference: {ref!r}")
    return int(m.group(2)), col_number(m.group(1))


Box = tuple[int, int, int, int]   # top row, left col, bottom row, right col


def parse_range(ref: str) -> Box:
    a, _, b = ref.partition(":")
    r1, c1 = parse_cell(a)
    r2, c2 = parse_cell(b) if b else (r1, c1)
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def overlap(a: Box, b: Box) -> bool:
    return not (a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1])


def inside(inner: Box, outer: Box) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


def unescape(text: str) -> str:
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def _xml(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))


def _rels(files: dict[str, bytes], part: str) -> dict[str, tuple[str, str, str]]:
    """rId -> (type, absolute target, mode) of ``part``'s relationships."""
    folder, base = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", base + ".rels")
    if rels_name not in files:
        return {}
    out = {}
    for rel in _xml(files[rels_name]):
        target = rel.get("Target", "")
        mode = rel.get("TargetMode", "Internal")
        if mode == "Internal":
            target = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id", "")] = (rel.get("Type", ""), target, mode)
    return out


def _text(el: etree._Element | None) -> str:
    """The text of a shared string / inline string: every t outside phonetic runs."""
    if el is None:
        return ""
    return "".join(t.text or "" for t in el.iter(f"{X}t")
                   if getattr(t.getparent(), "tag", None) != f"{X}rPh")


@dataclass
class Sheet:
    name: str
    part: str
    state: str
    root: etree._Element


def sheets(files: dict[str, bytes]) -> tuple[etree._Element, list[Sheet]]:
    wb_part = next(t for _, t, _ in _rels(files, "").values() if t.endswith(("workbook.xml", "workbook.bin")))
    wb = _xml(files[wb_part])
    rels = _rels(files, wb_part)
    out = []
    for s in wb.iter(f"{X}sheet"):
        _, target, _ = rels[s.get(f"{{{R_NS}}}id", "")]
        if target in files and _xml(files[target]).tag == f"{X}worksheet":
            out.append(Sheet(s.get("name", ""), target, s.get("state", "visible"), _xml(files[target])))
        else:
            out.append(Sheet(s.get("name", ""), target, s.get("state", "visible"), etree.Element("other")))
    return wb, out


def _cell_text(c: etree._Element, sst: list[str]) -> str:
    t = c.get("t", "n")
    if t == "inlineStr":
        return _text(c.find(f"{X}is"))
    v = c.findtext(f"{X}v")
    if v is None:
        return ""
    if t == "s":
        return sst[int(v)]
    return v


def semantic_problems(files: dict[str, bytes]) -> list[str]:
    """Excel's rules the schema cannot say, over the whole package."""
    problems: list[str] = []
    problems += _package_problems(files)
    wb, sheet_list = sheets(files)
    sst = [_text(si) for si in _xml(files["xl/sharedStrings.xml"])] if "xl/sharedStrings.xml" in files else []
    problems += _count_problems(files)
    problems += _selection_problems(wb, sheet_list)
    xf_count = _cell_xf_count(files)
    table_names: dict[str, str] = {}
    table_ids: dict[str, str] = {}
    for sheet in sheet_list:
        if sheet.root.tag != f"{X}worksheet":
            continue
        problems += _cell_problems(sheet, xf_count)
        problems += _table_problems(files, sheet, sst, table_names, table_ids)
    return problems


def _package_problems(files: dict[str, bytes]) -> list[str]:
    out = []
    types = _xml(files["[Content_Types].xml"])
    defaults = {d.get("Extension", "").lower() for d in types.iter(f"{{{CT_NS}}}Default")}
    overrides = {o.get("PartName", "").lstrip("/") for o in types.iter(f"{{{CT_NS}}}Override")}
    for name in files:
        if name == "[Content_Types].xml":
            continue
        if name not in overrides and name.rsplit(".", 1)[-1].lower() not in defaults:
            out.append(f"{name}: no content type")
    for name in overrides - set(files):
        out.append(f"[Content_Types].xml: override for missing part /{name}")
    for rels_name in [n for n in files if n.endswith(".rels")]:
        folder, base = posixpath.split(rels_name)
        source = posixpath.join(posixpath.dirname(folder), base[:-len(".rels")])
        ids = set()
        for rid, (_, target, mode) in _rels(files, source).items():
            if rid in ids:
                out.append(f"{rels_name}: relationship id {rid} twice")
            ids.add(rid)
            if mode == "Internal" and target not in files:
                out.append(f"{rels_name}: {rid} points to missing part {target}")
    return out


def _count_problems(files: dict[str, bytes]) -> list[str]:
    out = []
    if "xl/styles.xml" in files:
        styles = _xml(files["xl/styles.xml"])
        for el in styles:
            count = el.get("count")
            if count is not None and int(count) != len(el):
                out.append(f"xl/styles.xml: <{etree.QName(el).localname} count=\"{count}\"> has {len(el)} entries")
        n = {tag: len(styles.findall(f"{X}{tag}s/{X}{tag}")) for tag in ("font", "fill", "border")}
        style_xfs = styles.find(f"{X}cellStyleXfs")
        n_style_xfs = len(style_xfs) if style_xfs is not None else 0
        num_fmts = {int(f.get("numFmtId", "0")) for f in styles.iter(f"{X}numFmt")}
        cell_xfs = styles.find(f"{X}cellXfs")
        for i, xf in enumerate(cell_xfs if cell_xfs is not None else []):
            for attr, limit in (("fontId", n["font"]), ("fillId", n["fill"]), ("borderId", n["border"]),
                                ("xfId", n_style_xfs)):
                value = xf.get(attr)
                if value is not None and int(value) >= limit:
                    out.append(f"xl/styles.xml: cellXfs[{i}] {attr}={value} but only {limit} exist")
            fmt = int(xf.get("numFmtId", "0"))
            if fmt >= 164 and fmt not in num_fmts:
                out.append(f"xl/styles.xml: cellXfs[{i}] numFmtId={fmt} is not defined")
    if "xl/sharedStrings.xml" in files:
        sst = _xml(files["xl/sharedStrings.xml"])
        unique = sst.get("uniqueCount")
        if unique is not None and int(unique) != len(sst):
            out.append(f"xl/sharedStrings.xml: uniqueCount={unique} but {len(sst)} strings")
    return out


def _cell_xf_count(files: dict[str, bytes]) -> int:
    if "xl/styles.xml" not in files:
        return 1
    xfs = _xml(files["xl/styles.xml"]).find(f"{X}cellXfs")
    return len(xfs) if xfs is not None else 0


def _selection_problems(wb: etree._Element, sheet_list: list[Sheet]) -> list[str]:
    out = []
    visible = [i for i, s in enumerate(sheet_list) if s.state == "visible"]
    if not visible:
        out.append("xl/workbook.xml: no visible sheet")
    view = wb.find(f"{X}bookViews/{X}workbookView")
    active = int(view.get("activeTab", "0")) if view is not None else 0
    if active >= len(sheet_list):
        out.append(f"xl/workbook.xml: activeTab={active} but {len(sheet_list)} sheets")
    elif sheet_list[active].state != "visible":
        out.append(f"xl/workbook.xml: the active tab is '{sheet_list[active].name}', "
                   f"a {sheet_list[active].state} sheet")
    selected = [i for i, s in enumerate(sheet_list)
                if any(v.get("tabSelected") in ("1", "true") for v in s.root.iter(f"{X}sheetView"))]
    for i in selected:
        if sheet_list[i].state != "visible":
            out.append(f"{sheet_list[i].part}: '{sheet_list[i].name}' is {sheet_list[i].state} "
                       f"but selected (tabSelected)")
    # none selected: Excel selects the active tab; some selected: the active one is among them
    if selected and active < len(sheet_list) and active not in selected:
        s = sheet_list[active]
        out.append(f"{s.part}: '{s.name}' is the active tab but not selected, while "
                   f"{[sheet_list[i].name for i in selected]} are")
    return out


def _cell_problems(sheet: Sheet, xf_count: int) -> list[str]:
    out = []
    last_row = 0
    box: Box | None = None
    for row in sheet.root.iter(f"{X}row"):
        r = int(row.get("r", last_row + 1))
        if r <= last_row:
            out.append(f"{sheet.part}: row {r} after row {last_row}")
        last_row = r
        if row.get("s") is not None and int(row.get("s", "0")) >= xf_count:
            out.append(f"{sheet.part}: row {r} style s={row.get('s')} but {xf_count} cell formats")
        last_col = 0
        for c in row.iter(f"{X}c"):
            ref = c.get("r")
            if ref is None:
                col = last_col + 1
            else:
                cr, col = parse_cell(ref)
                if cr != r:
                    out.append(f"{sheet.part}: cell {ref} inside row {r}")
            if col <= last_col:
                out.append(f"{sheet.part}: row {r}: cell {ref} out of order")
            last_col = col
            if int(c.get("s", "0")) >= xf_count:
                out.append(f"{sheet.part}: {ref} style s={c.get('s')} but {xf_count} cell formats")
            box = (r, col, r, col) if box is None else (min(box[0], r), min(box[1], col),
                                                        max(box[2], r), max(box[3], col))
    for col_el in sheet.root.iter(f"{X}col"):
        if int(col_el.get("style", "0")) >= xf_count:
            out.append(f"{sheet.part}: <col min={col_el.get('min')}> style {col_el.get('style')} "
                       f"but {xf_count} cell formats")
    dim = sheet.root.find(f"{X}dimension")
    if dim is not None and box is not None and not inside(box, parse_range(dim.get("ref", "A1"))):
        out.append(f"{sheet.part}: dimension {dim.get('ref')} does not cover the cells (rows {box[0]}–{box[2]}, "
                   f"columns {box[1]}–{box[3]})")
    merges = [(m.get("ref", ""), parse_range(m.get("ref", "A1"))) for m in sheet.root.iter(f"{X}mergeCell")]
    out += _overlaps(sheet.part, "merged range", merges)
    mc = sheet.root.find(f"{X}mergeCells")
    if mc is not None and mc.get("count") is not None and int(mc.get("count", "0")) != len(mc):
        out.append(f"{sheet.part}: mergeCells count={mc.get('count')} but {len(mc)}")
    return out


def _overlaps(part: str, what: str, ranges: list[tuple[str, Box]]) -> list[str]:
    out = []
    for i, (ref_a, a) in enumerate(ranges):
        for ref_b, b in ranges[i + 1:]:
            if overlap(a, b):
                out.append(f"{part}: {what} {ref_a} overlaps {ref_b}")
    return out


def _table_problems(files: dict[str, bytes], sheet: Sheet, sst: list[str],
                    names: dict[str, str], ids: dict[str, str]) -> list[str]:
    out = []
    rels = _rels(files, sheet.part)
    cells = {c.get("r"): c for c in sheet.root.iter(f"{X}c")}
    tables: list[tuple[str, Box]] = []
    for tp in sheet.root.iter(f"{X}tablePart"):
        _, part, _ = rels.get(tp.get(f"{{{R_NS}}}id", ""), ("", "", ""))
        if part not in files:
            out.append(f"{sheet.part}: tablePart {tp.get(f'{{{R_NS}}}id')} has no table part")
            continue
        t = _xml(files[part])
        name = t.get("displayName") or t.get("name") or ""
        if name.casefold() in names:
            out.append(f"{part}: table name '{name}' also used by {names[name.casefold()]}")
        names[name.casefold()] = part
        if t.get("id") in ids:
            out.append(f"{part}: table id {t.get('id')} also used by {ids[t.get('id', '')]}")
        ids[t.get("id", "")] = part
        ref = t.get("ref", "A1")
        box = parse_range(ref)
        tables.append((f"table '{name}' {ref}", box))
        columns = t.findall(f"{X}tableColumns/{X}tableColumn")
        width = box[3] - box[1] + 1
        declared = t.find(f"{X}tableColumns")
        if declared is not None and int(declared.get("count", len(columns))) != len(columns):
            out.append(f"{part}: tableColumns count={declared.get('count')} but {len(columns)} columns")
        if len(columns) != width:
            out.append(f"{part}: ref {ref} is {width} columns wide but the table has {len(columns)} columns")
        col_names = [unescape(c.get("name", "")) for c in columns]
        folded = [n.casefold() for n in col_names]
        for n in sorted({n for n in folded if folded.count(n) > 1}):
            out.append(f"{part}: column name '{n}' twice")
        header_rows = int(t.get("headerRowCount", "1"))
        totals = int(t.get("totalsRowCount", "0"))
        if header_rows:
            for i, expect in enumerate(col_names[:width]):
                ref_cell = f"{_letters(box[1] + i)}{box[0]}"
                c = cells.get(ref_cell)
                got = _cell_text(c, sst) if c is not None else ""
                if got != expect:
                    out.append(f"{part}: header cell '{sheet.name}'!{ref_cell} is {got!r} "
                               f"but the table column is {expect!r}")
        af = t.find(f"{X}autoFilter")
        if af is not None:
            expect_box = (box[0], box[1], box[2] - totals, box[3])
            if parse_range(af.get("ref", "A1")) != expect_box:
                out.append(f"{part}: autoFilter {af.get('ref')} is not the table {ref} without its totals row")
        if box[2] - box[0] + 1 < header_rows + totals + (0 if totals else 1) and header_rows:
            out.append(f"{part}: ref {ref} has no data row")
    out += _overlaps(sheet.part, "", tables)
    merges = [(m.get("ref", ""), parse_range(m.get("ref", "A1"))) for m in sheet.root.iter(f"{X}mergeCell")]
    for tref, tbox in tables:
        for mref, mbox in merges:
            if overlap(tbox, mbox):
                out.append(f"{sheet.part}: merged range {mref} inside {tref}")
        af = sheet.root.find(f"{X}autoFilter")
        if af is not None and overlap(tbox, parse_range(af.get("ref", "A1"))):
            out.append(f"{sheet.part}: sheet autoFilter {af.get('ref')} overlaps {tref}")
    return out


def _letters(col: int) -> str:
    s = ""
    while col:
        col, rem = divmod(col - 1, 26)
        s = chr(65 + rem) + s
    return s


# --------------------------------------------------------------------------- what the tests call

def check_package(after: Path | str, names: Iterable[str] | None = None) -> list[str]:
    """Schema errors of ``names`` (default: every XML part) and Excel's rules over the package."""
    files = members(after)
    report = validate_parts(files, files if names is None else names)
    return report.errors + semantic_problems(files)


def check_written(before: Path | str | dict[str, bytes], after: Path | str) -> list[str]:
    """Every XML part that differs from ``before`` (or is new) against the schemas, and Excel's
    rules over the whole result. [] when Excel would open the file without repairing it, as far
    as these checks can see."""
    old = before if isinstance(before, dict) else members(before)
    files = members(after)
    report = validate_parts(files, changed_parts(old, files))
    return report.errors + semantic_problems(files)


def iter_unchecked(after: Path | str, before: Path | str | dict[str, bytes] | None = None) -> Iterator[str]:
    """Changed XML parts in namespaces the vendored schemas do not cover."""
    files = members(after)
    old = {} if before is None else (before if isinstance(before, dict) else members(before))
    yield from validate_parts(files, changed_parts(old, files)).unchecked


__all__ = ["check_package", "check_written", "iter_unchecked", "preprocess_mce", "schema",
           "semantic_problems", "validate_part"]
