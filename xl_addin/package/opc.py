"""The package's wiring: which part is the workbook, its sheets (name, state, part), its
relationships and content types — and the few edits the writer makes to them (add a sheet,
set a sheet's state, drop calcChain, ask for a full recalculation on load)."""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import unquote

from lxml import etree

from ..core.workbook_data import find_sheet
from .archive import Archive
from .errors import WorkbookError

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT_NS = "http://purl.oclc.org/ooxml/spreadsheetml/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
RT_OFFICE_DOCUMENT = REL_NS + "/officeDocument"
RT_WORKSHEET = REL_NS + "/worksheet"
RT_STYLES = REL_NS + "/styles"
RT_CALC_CHAIN = REL_NS + "/calcChain"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
SHEET_STATES = ("visible", "hidden", "veryHidden")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_SHEET_VIEW = re.compile(rb"<(?:[\w.-]+:)?sheetView\b([^>]*)>")
_TAB_SELECTED = re.compile(rb"""\btabSelected\s*=\s*["'](?:1|true)["']""")
# CT_Workbook children that come after <calcPr> (ECMA-376 §18.2.27).
_AFTER_CALCPR = {"oleSize", "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes",
                 "webPublishing", "fileRecoveryPr", "webPublishObjects", "extLst"}


def m(tag: str) -> str:
    return f"{{{MAIN_NS}}}{tag}"


def serialize(root: etree._Element) -> bytes:
    """The part's bytes: an Excel-style declaration, then the document (incl. top-level
    comments/processing instructions)."""
    tree = root.getroottree()
    standalone = tree.docinfo.standalone
    decl = b'<?xml version="1.0" encoding="UTF-8"'
    if standalone is not None:
        decl += b' standalone="yes"' if standalone else b' standalone="no"'
    return decl + b"?>\r\n" + etree.tostring(tree, encoding="UTF-8", xml_declaration=False)


def rels_part_of(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def resolve_target(source_part: str, target: str) -> str:
    target = unquote(target)
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))


def local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


@dataclass
class SheetEntry:
    name: str
    part: str            # zip member, e.g. "xl/worksheets/sheet1.xml"
    state: str
    element: etree._Element
    is_worksheet: bool
    created: bool = False


class WorkbookParts:
    """workbook.xml + its .rels + [Content_Types].xml, parsed once; edits mark them dirty."""

    def __init__(self, archive: Archive):
        self.archive = archive
        self.name = archive.name
        root_rels = archive.xml("_rels/.rels") if archive.has("_rels/.rels") else None
        self.workbook_part = "xl/workbook.xml"
        if root_rels is not None:
            for rel in root_rels.iter(f"{{{PKG_REL_NS}}}Relationship"):
                if rel.get("Type") == RT_OFFICE_DOCUMENT:
                    self.workbook_part = resolve_target("", rel.get("Target", ""))
        if not archive.has(self.workbook_part):
            raise WorkbookError(f"Datei '{self.name}' ist keine Excel-Arbeitsmappe "
                                f"('{self.workbook_part}' fehlt)")
        self.workbook = archive.xml(self.workbook_part)
        if self.workbook.tag == f"{{{STRICT_NS}}}workbook":
            raise WorkbookError(f"Datei '{self.name}' ist im Format 'Strict Open XML' gespeichert "
                                f"— bitte als normale Excel-Arbeitsmappe (.xlsx) speichern")
        if self.workbook.tag != m("workbook"):
            raise WorkbookError(f"Datei '{self.name}': unbekannter Aufbau von "
                                f"'{self.workbook_part}'")
        self.rels_part = rels_part_of(self.workbook_part)
        self.rels = archive.xml(self.rels_part) if archive.has(self.rels_part) else None
        self.content_types = archive.xml("[Content_Types].xml")
        self.dirty: set[str] = set()          # member names whose XML we changed
        self.dropped: set[str] = set()        # member names to leave out
        self.added: dict[str, bytes] = {}     # new members
        # sheets made the active tab of a view (index) that their sheet view does not mark
        # tabSelected: the writer marks them when it patches them anyway
        self.activated: list[tuple[SheetEntry, int]] = []
        self._targets: dict[str, tuple[str, str]] = {}   # rId -> (type, part)
        if self.rels is not None:
            for rel in self.rels.iter(f"{{{PKG_REL_NS}}}Relationship"):
                if rel.get("TargetMode") == "External":
                    continue
                self._targets[rel.get("Id", "")] = (
                    rel.get("Type", ""), resolve_target(self.workbook_part, rel.get("Target", "")))
        pr = self.workbook.find(m("workbookPr"))
        self.date1904 = pr is not None and pr.get("date1904") in ("1", "true")
        self.sheets: list[SheetEntry] = []
        sheets_el = self.workbook.find(m("sheets"))
        if sheets_el is None:
            raise WorkbookError(f"Datei '{self.name}': Arbeitsmappe ohne Blätter")
        self.sheets_el = sheets_el
        for el in sheets_el.iter(m("sheet")):
            rid = el.get(f"{{{REL_NS}}}id", "")
            rtype, part = self._targets.get(rid, ("", ""))
            self.sheets.append(SheetEntry(
                name=el.get("name", ""), part=part, state=el.get("state", "visible"),
                element=el, is_worksheet=rtype == RT_WORKSHEET and archive.has(part)))
        self._refuse_shared_parts()

    def _refuse_shared_parts(self) -> None:
        """Two sheets that point at one part: rewriting the one ('Prüfung') would wipe the other
        ('Masterliste'). Excel never writes such a package; refuse it."""
        seen: dict[str, str] = {}
        for entry in self.sheets:
            if not entry.part:
                continue
            key = entry.part.casefold()
            if key in seen:
                raise WorkbookError(
                    f"Datei '{self.name}' ist beschädigt: die Blätter '{seen[key]}' und '{entry.name}' "
                    f"zeigen auf denselben Teil '{entry.part}' — abgelehnt (in Excel öffnen und neu speichern)")
            seen[key] = entry.name

    # --- lookups -------------------------------------------------------------------------
    def part_of_type(self, rtype: str) -> str | None:
        for t, part in self._targets.values():
            if t == rtype:
                return part
        return None

    @property
    def styles_part(self) -> str | None:
        return self.part_of_type(RT_STYLES)

    def sheet(self, name: str) -> SheetEntry | None:
        found = find_sheet([entry.name for entry in self.sheets], name)
        return next((entry for entry in self.sheets if entry.name == found), None)

    def defined_names(self) -> list[etree._Element]:
        names = self.workbook.find(m("definedNames"))
        return list(names.iterchildren(m("definedName"))) if names is not None else []

    # --- edits ---------------------------------------------------------------------------
    def add_sheet(self, name: str, state: str, xml: bytes) -> SheetEntry:
        """A new worksheet part, its relationship, content type and <sheet> (at the end)."""
        check_sheet_name(name, self.name)
        if self.sheet(name) is not None or any(e.name.casefold() == name.casefold()
                                               for e in self.sheets):
            raise WorkbookError(f"Datei '{self.name}': Blatt '{name}' gibt es schon")
        if self.rels is None:
            raise WorkbookError(f"Datei '{self.name}': '{self.rels_part}' fehlt")
        taken = {i.filename.casefold() for i in self.archive.infos} | {
            k.casefold() for k in self.added}
        folder = posixpath.join(posixpath.dirname(self.workbook_part), "worksheets")
        n = 1
        while posixpath.join(folder, f"sheet{n}.xml").casefold() in taken:
            n += 1
        part = posixpath.join(folder, f"sheet{n}.xml")
        rels = self.rels
        rid_numbers = [int(x[3:]) for x in _rel_ids(rels) if re.fullmatch(r"rId\d+", x)]
        rid = f"rId{max(rid_numbers, default=0) + 1}"
        while rid in _rel_ids(rels):
            rid += "x"
        rel = etree.SubElement(rels, f"{{{PKG_REL_NS}}}Relationship")
        rel.set("Id", rid)
        rel.set("Type", RT_WORKSHEET)
        rel.set("Target", posixpath.relpath(part, posixpath.dirname(self.workbook_part)))
        self._targets[rid] = (RT_WORKSHEET, part)
        override = etree.SubElement(self.content_types, f"{{{CT_NS}}}Override")
        override.set("PartName", "/" + part)
        override.set("ContentType", CT_WORKSHEET)
        ids = [int(e.element.get("sheetId", "0")) for e in self.sheets
               if e.element.get("sheetId", "").isdecimal()]
        el = etree.SubElement(self.sheets_el, m("sheet"))
        el.set("name", name)
        el.set("sheetId", str(max(ids, default=0) + 1))
        if state != "visible":
            el.set("state", state)
        el.set(f"{{{REL_NS}}}id", rid)
        entry = SheetEntry(name, part, state, el, True, created=True)
        self.sheets.append(entry)
        self.added[part] = xml
        self.dirty.update({self.workbook_part, self.rels_part, "[Content_Types].xml"})
        return entry

    def set_state(self, entry: SheetEntry, state: str) -> None:
        """A sheet's state; a sheet hidden here is never left the active tab (the writer takes
        its tabSelected away: ``unselect``)."""
        if state not in SHEET_STATES:
            raise WorkbookError(f"Datei '{self.name}': unbekannter Blattstatus '{state}'")
        if entry.state != state:
            if state == "visible":
                if "state" in entry.element.attrib:
                    del entry.element.attrib["state"]
            else:
                entry.element.set("state", state)
            entry.state = state
            self.dirty.add(self.workbook_part)
        if state != "visible":
            self._keep_active_tab_visible()

    def _keep_active_tab_visible(self) -> None:
        """Every workbook view whose active tab (or first tab shown) is not a visible sheet
        gets a visible one: a selected visible sheet if there is one (the agents grouped it
        with the hidden one), else the first visible sheet. Excel takes the active tab as
        selected; one that is not marked tabSelected while others are would group them."""
        visible = [i for i, e in enumerate(self.sheets) if e.state == "visible"]
        if not visible:
            return
        for view_id, view in enumerate(self.workbook.iter(m("workbookView"))):
            active = _int(view.get("activeTab"))
            if not (0 <= active < len(self.sheets)) or active not in visible:
                target = next((i for i in visible if self.is_selected(self.sheets[i], view_id)), visible[0])
                view.set("activeTab", str(target))
                self.dirty.add(self.workbook_part)
                if not self.is_selected(self.sheets[target], view_id):
                    self.activated.append((self.sheets[target], view_id))
            first = _int(view.get("firstSheet"))
            if view.get("firstSheet") is not None and first not in visible:
                view.set("firstSheet", str(next((i for i in visible if i > first), visible[0])))
                self.dirty.add(self.workbook_part)

    def is_selected(self, entry: SheetEntry, view_id: int = 0) -> bool:
        """Does the sheet's view for workbook view ``view_id`` say tabSelected (as saved)?"""
        if entry.created or not entry.is_worksheet:
            return False
        data = self.archive.read(entry.part)
        head = data[:data.find(b"sheetData")] if b"sheetData" in data else data
        for attrs in _SHEET_VIEW.findall(head):
            if (_TAB_SELECTED.search(attrs) and
                    _int(_attr(attrs, b"workbookViewId")) == view_id):
                return True
        return False

    def drop_calc_chain(self) -> bool:
        """Remove xl/calcChain.xml, its relationship and content-type override."""
        part = self.part_of_type(RT_CALC_CHAIN)
        if part is None or self.rels is None:
            return False
        for rel in list(self.rels.iter(f"{{{PKG_REL_NS}}}Relationship")):
            if rel.get("Type") == RT_CALC_CHAIN:
                _detach(rel)
                self._targets.pop(rel.get("Id", ""), None)
        for ov in list(self.content_types.iter(f"{{{CT_NS}}}Override")):
            if ov.get("PartName", "").lstrip("/").casefold() == part.casefold():
                _detach(ov)
        info = self.archive.info(part)
        if info is not None:
            self.dropped.add(info.filename)
        self.dirty.update({self.rels_part, "[Content_Types].xml"})
        return True

    def request_full_calc(self) -> None:
        """<calcPr fullCalcOnLoad="1"/>: add the attribute, keep the rest of calcPr."""
        calc = self.workbook.find(m("calcPr"))
        if calc is None:
            calc = etree.Element(m("calcPr"))
            after = next((c for c in self.workbook if local(c.tag) in _AFTER_CALCPR), None)
            if after is not None:
                after.addprevious(calc)
            else:
                self.workbook.append(calc)
        if calc.get("fullCalcOnLoad") not in ("1", "true"):
            calc.set("fullCalcOnLoad", "1")
            self.dirty.add(self.workbook_part)


    def changed_xml(self) -> dict[str, bytes]:
        """Serialised bytes of every wiring part we changed, keyed by its zip member name."""
        out: dict[str, bytes] = {}
        roots = {self.workbook_part: self.workbook, "[Content_Types].xml": self.content_types}
        if self.rels is not None:
            roots[self.rels_part] = self.rels
        for part in self.dirty:
            info = self.archive.info(part)
            out[info.filename if info else part] = serialize(roots[part])
        return out


def check_sheet_name(name: str, file: str) -> None:
    if not name or len(name) > 31 or _BAD_SHEET_CHARS.search(name) or name.startswith("'") \
            or name.endswith("'") or name.casefold() == "history":
        raise WorkbookError(f"Datei '{file}': '{name}' ist kein gültiger Blattname")


def unselect(root: etree._Element) -> bool:
    """Take tabSelected off every view of a worksheet (one the product hides); True if any had it."""
    changed = False
    for view in root.iter(m("sheetView")):
        if "tabSelected" in view.attrib:
            del view.attrib["tabSelected"]
            changed = True
    return changed


def select(root: etree._Element, view_id: int) -> None:
    """Mark the worksheet's view of workbook view ``view_id`` tabSelected."""
    for view in root.iter(m("sheetView")):
        if _int(view.get("workbookViewId")) == view_id:
            view.set("tabSelected", "1")
            return


def _int(text: str | bytes | None) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return 0


def _attr(attrs: bytes, name: bytes) -> bytes | None:
    found = re.search(rb"\b" + name + rb"""\s*=\s*["']([^"']*)["']""", attrs)
    return found.group(1) if found else None


def _rel_ids(rels: etree._Element) -> set[str]:
    return {r.get("Id", "") for r in rels.iter(f"{{{PKG_REL_NS}}}Relationship")}


def _detach(el: etree._Element) -> None:
    """Take ``el`` out of the tree (it was found below the root, so it has a parent)."""
    parent = el.getparent()
    if parent is not None:
        parent.remove(el)
