"""Build ``xl_addin.xlam`` — the ribbon add-in — on any OS from the text sources in ``macros/``.

``macros/customUI14.xml``  the ribbon tab "Inkasso & Mahnwesen" (Office 2010+ schema)
``macros/*.bas``           VBA standard modules (one Sub per ribbon ``onAction``)
``macros/xl_addin.conf``   the add-in's own xlwings settings (interpreter, UDF modules), in
                           xlwings' config-file format; written into the add-in's sheet
                           ``xl_addin.conf`` so no agent edits a path by hand

The VBA project also gets xlwings' own BSD-3 ``xlwings_custom_addin.bas`` (the module
``xlwings quickstart --addin`` uses), taken from the installed xlwings so that VBA and Python
side have the same version, licence header kept, with two asserted patches: the project
name (config sheet ``xl_addin.conf``, user file ``%USERPROFILE%\\.xl_addin\\xl_addin.conf``) and
``ShowError`` showing the last line of Python's error output instead of a traceback.

The formula functions need no import step in Excel: the build imports the UDF modules named
by ``UDF MODULES`` in ``xl_addin.conf`` and writes their VBA wrappers (module ``xlwings_udfs``,
the text xlwings' ``import_udfs`` writes) and the function wizard's texts (module
``XlAddinFunctions``) into the project — see :mod:`xl_addin.addin.udf_wrappers`. The
``ThisWorkbook`` module's ``Workbook_Open`` calls ``XlAddinSetup.AddinOpened`` (macros/), which
sets those texts and checks that Python and the pinned xlwings are where the add-in expects them.

xlwings is pinned (``xl_addin.addin.XLWINGS_VERSION``): the build refuses another installed
version, because the VBA module it takes declares that version's DLL.

The package is a zip with [Content_Types].xml (add-in content type), the workbook with one
hidden-by-nature config sheet, ``xl/vbaProject.bin`` and ``customUI/customUI14.xml`` wired from
the package root. Same sources → byte-identical file.

Where the sources are found: an installed wheel carries a copy of ``macros/`` as package data
in ``xl_addin/addin/macros/`` (``setup.py`` copies it at build time); an editable install or a
checkout reads the top-level ``macros/`` of the source tree.
"""
from __future__ import annotations

import csv
import importlib
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

from ..files import atomic_write_bytes
from . import ADDIN_FILENAME, CONFIG_SHEET, PROJECT_NAME, xlwings_mismatch
from .cfb import compound_file
from .udf_wrappers import UdfWrapperError, descriptions_module, wrapper_module
from .vba_project import (
    WORKBOOK_BASE,
    WORKSHEET_BASE,
    VbaModule,
    parse_bas,
    project_streams,
)

XLWINGS_MODULE = "xlwings"
RIBBON_NS = "http://schemas.microsoft.com/office/2009/07/customui"
RIBBON_FILE = "customUI14.xml"
PACKAGED_MACROS_DIR = Path(__file__).resolve().with_name("macros")      # in an installed wheel
SOURCE_MACROS_DIR = Path(__file__).resolve().parents[2] / "macros"      # in the source tree

CT_ADDIN = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
REL_OFFICE_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
REL_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
REL_APP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties"
REL_UI14 = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
REL_SHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
REL_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
REL_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"

_FIXED_TIME = (2026, 1, 1, 0, 0, 0)   # zip entry times: reproducible builds


class AddinBuildError(Exception):
    """Why the add-in cannot be built (one German line)."""


@dataclass(frozen=True)
class RibbonButton:
    id: str
    label: str
    module: str
    sub: str


# ------------------------------------------------------------------ sources

def ribbon_buttons(xml: bytes) -> list[RibbonButton]:
    """Every button of the ribbon XML with the ``Module.Sub`` its onAction names."""
    try:
        root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as e:
        raise AddinBuildError(f"customUI14.xml ist kein gültiges XML: {e}") from None
    if root.tag != f"{{{RIBBON_NS}}}customUI":
        raise AddinBuildError(f"customUI14.xml: Wurzel muss customUI im Namensraum {RIBBON_NS} sein")
    out = []
    for b in root.iter(f"{{{RIBBON_NS}}}button"):
        action = b.get("onAction", "")
        module, _, sub = action.rpartition(".")
        if not module or not sub:
            raise AddinBuildError(f"customUI14.xml: Knopf '{b.get('id')}' braucht onAction=\"Modul.Sub\"")
        out.append(RibbonButton(b.get("id", ""), (b.get("label") or "").replace("&&", "&"), module, sub))
    return out


def ribbon_sub_pattern(sub: str) -> re.Pattern:
    """A ribbon callback: ``[Public] Sub <name>(control As IRibbonControl)``."""
    return re.compile(rf"^\s*(Public\s+)?Sub\s+{re.escape(sub)}\s*\(\s*(ByRef\s+|ByVal\s+)?\w+\s+As\s+"
                      rf"IRibbonControl\s*\)", re.IGNORECASE | re.MULTILINE)


def read_config(text: str) -> list[tuple[str, object]]:
    """xlwings' config-file format: one ``"KEY","value"`` per line; "True"/"False" -> bool."""
    rows: list[tuple[str, object]] = []
    for parts in csv.reader(io.StringIO(text)):
        if not parts or not parts[0].strip() or parts[0].lstrip().startswith("#"):
            continue
        if len(parts) != 2:
            raise AddinBuildError(f"xl_addin.conf: Zeile {parts!r} hat nicht genau zwei Werte")
        key, value = parts[0].strip(), parts[1].strip()
        rows.append((key, {"true": True, "false": False}.get(value.lower(), value)))
    return rows


def xlwings_module() -> tuple[VbaModule, str]:
    """xlwings' custom-add-in VBA module, patched for this add-in, and the xlwings version."""
    problem = xlwings_mismatch()
    if problem:
        raise AddinBuildError(f"{problem} — das Add-in enthält das VBA-Modul dieser xlwings-Version")
    import xlwings
    src = Path(xlwings.__file__).with_name("xlwings_custom_addin.bas")
    if not src.is_file():
        raise AddinBuildError(f"xlwings {xlwings.__version__}: {src.name} fehlt")
    text = src.read_text(encoding="utf-8")
    patches = [
        ('Public Const PROJECT_NAME As String = "myaddin"',
         f'Public Const PROJECT_NAME As String = "{PROJECT_NAME}"'),
        ("        Content = ReadFile(FileName)",
         "        Content = XlAddinRibbon.LastErrorLine(ReadFile(FileName))"),
    ]
    for old, new in patches:
        if text.count(old) != 1:
            raise AddinBuildError(f"xlwings {xlwings.__version__}: Stelle {old.strip()!r} nicht "
                                  f"genau einmal gefunden — Add-in-Bau an diese Version anpassen")
        text = text.replace(old, new)
    module = parse_bas(text, XLWINGS_MODULE)
    return VbaModule(XLWINGS_MODULE, module.code), xlwings.__version__


@dataclass
class AddinSources:
    ribbon_xml: bytes
    buttons: list[RibbonButton]
    modules: list[VbaModule]           # in project order: documents, xlwings, ours
    config: list[tuple[str, object]]
    xlwings_version: str
    udf_modules: list[str]
    udf_count: int


def find_macros_dir() -> Path:
    """The add-in's sources: the copy installed with the package, else the source tree's."""
    for folder in (PACKAGED_MACROS_DIR, SOURCE_MACROS_DIR):
        if (folder / RIBBON_FILE).is_file():
            return folder
    raise AddinBuildError(f"die Quellen des Add-ins fehlen: weder '{PACKAGED_MACROS_DIR}' (Paket) noch "
                          f"'{SOURCE_MACROS_DIR}' (Quellbaum) enthält {RIBBON_FILE} — xl_addin neu "
                          f"installieren")


def load_sources(macros_dir: Path | None = None, interpreter: str | None = None) -> AddinSources:
    folder = Path(macros_dir) if macros_dir else find_macros_dir()
    ribbon = folder / RIBBON_FILE
    if not ribbon.is_file():
        raise AddinBuildError(f"'{ribbon}' fehlt")
    xml = ribbon.read_bytes()
    buttons = ribbon_buttons(xml)
    xlw, version = xlwings_module()
    ours = [parse_bas(p.read_text(encoding="utf-8"), p.stem) for p in sorted(folder.glob("*.bas"))]
    by_name = {m.name: m for m in ours}
    for b in buttons:
        m = by_name.get(b.module)
        if m is None:
            raise AddinBuildError(f"customUI14.xml: Knopf '{b.label}' ruft Modul '{b.module}', "
                                  f"das in macros/*.bas fehlt")
        if not ribbon_sub_pattern(b.sub).search(m.code):
            raise AddinBuildError(f"customUI14.xml: Knopf '{b.label}' ruft {b.module}.{b.sub}, "
                                  f"aber dort fehlt 'Sub {b.sub}(control As IRibbonControl)'")
    conf_file = folder / f"{PROJECT_NAME}.conf"
    config = read_config(conf_file.read_text(encoding="utf-8")) if conf_file.is_file() else []
    if interpreter:
        config = [(k, v) for k, v in config if k.upper() != "INTERPRETER_WIN"]
        config.insert(0, ("INTERPRETER_WIN", interpreter))
    config.append(("XL_ADDIN_XLWINGS_VERSION", version))   # XlAddinSetup's check of the DLL
    names, udf_modules = udf_modules_of(config)
    try:
        wrappers = parse_bas(wrapper_module(udf_modules), "xlwings_udfs")
        described = parse_bas(descriptions_module(udf_modules), "XlAddinFunctions")
    except UdfWrapperError as e:
        raise AddinBuildError(f"Formelfunktionen: {e}") from None
    if "XlAddinSetup" not in by_name or "Sub AddinOpened()" not in by_name["XlAddinSetup"].code:
        raise AddinBuildError("macros/XlAddinSetup.bas mit 'Public Sub AddinOpened()' fehlt — "
                              "Workbook_Open des Add-ins ruft sie")
    udf_count = wrappers.code.count("\nFunction ") + wrappers.code.startswith("Function ")
    modules = [VbaModule("ThisWorkbook", THIS_WORKBOOK_CODE, "document", WORKBOOK_BASE),
               VbaModule("Sheet1", "", "document", WORKSHEET_BASE),
               xlw, wrappers, described, *ours]
    return AddinSources(xml, buttons, modules, config, version, names, udf_count)


THIS_WORKBOOK_CODE = """Option Explicit

Private Sub Workbook_Open()
    ' Function wizard texts and the check of Python/xlwings (macros/XlAddinSetup.bas).
    XlAddinSetup.AddinOpened
End Sub
"""


def udf_modules_of(config: list[tuple[str, object]]) -> tuple[list[str], list[tuple[str, ModuleType]]]:
    """The UDF modules of ``UDF MODULES`` (xlwings' ';'-list), imported: every one must load and
    register each name its ``UDF_NAMES`` lists (a function the add-in would miss otherwise)."""
    value = next((str(v) for k, v in config if k.upper() == "UDF MODULES"), "")
    names = [n.strip() for n in value.split(";") if n.strip()]
    if not names:
        raise AddinBuildError("xl_addin.conf: 'UDF MODULES' fehlt — ohne sie hat das Add-in keine Formelfunktionen")
    loaded: list[tuple[str, ModuleType]] = []
    for name in names:
        try:
            module = importlib.import_module(name)
        except Exception as e:   # any failure of the import: the build names the module
            raise AddinBuildError(f"UDF-Modul '{name}' lässt sich nicht laden ({type(e).__name__}: {e})") from None
        missing = [n for n in getattr(module, "UDF_NAMES", ()) if not hasattr(getattr(module, n, None), "__xlfunc__")]
        if missing:
            raise AddinBuildError(f"UDF-Modul '{name}': {', '.join(missing)} nicht als Formelfunktion registriert "
                                  f"(@udf_wrappers.func fehlt)")
        loaded.append((name, module))
    return names, loaded


# ------------------------------------------------------------------ package parts

def _xml(body: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + body).encode("utf-8")


def _content_types() -> bytes:
    ct = "application/vnd.openxmlformats-officedocument"
    return _xml(
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{CT_ADDIN}"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.spreadsheetml.worksheet+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{ct}.spreadsheetml.styles+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        f'<Override PartName="/docProps/app.xml" ContentType="{ct}.extended-properties+xml"/>'
        '</Types>')


def _rels(items: list[tuple[str, str, str]]) -> bytes:
    body = "".join(f'<Relationship Id="{i}" Type="{t}" Target="{target}"/>' for i, t, target in items)
    return _xml(f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                f'{body}</Relationships>')


def _workbook() -> bytes:
    return _xml(
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<workbookPr codeName="ThisWorkbook"/>'
        '<bookViews><workbookView visibility="hidden" activeTab="0"/></bookViews>'
        f'<sheets><sheet name={quoteattr(CONFIG_SHEET)} sheetId="1" r:id="rId1"/></sheets>'
        '<calcPr calcId="191029"/>'
        '</workbook>')


def _config_sheet(config: list[tuple[str, object]]) -> bytes:
    rows = []
    for r, (key, value) in enumerate(config, start=1):
        cells = f'<c r="A{r}" t="inlineStr"><is><t>{escape(key)}</t></is></c>'
        if isinstance(value, bool):
            cells += f'<c r="B{r}" t="b"><v>{int(value)}</v></c>'
        else:
            cells += f'<c r="B{r}" t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'
        rows.append(f'<row r="{r}">{cells}</row>')
    last = max(len(config), 1)
    return _xml(
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheetPr codeName="Sheet1"/>'
        f'<dimension ref="A1:B{last}"/>'
        '<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
        '<cols><col min="1" max="1" width="34" customWidth="1"/>'
        '<col min="2" max="2" width="70" customWidth="1"/></cols>'
        f'<sheetData>{"".join(rows)}</sheetData>'
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        '</worksheet>')


def _styles() -> bytes:
    return _xml(
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        '</styleSheet>')


def _core(version: str) -> bytes:
    return _xml(
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        '<dc:title>xl_addin — Inkasso &amp; Mahnwesen</dc:title>'
        f'<dc:description>Ribbon-Add-in von xl_addin (xlwings {escape(version)})</dc:description>'
        '<dc:creator>xl_addin</dc:creator>'
        '</cp:coreProperties>')


def _app() -> bytes:
    return _xml(
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        '<Application>Microsoft Excel</Application></Properties>')


def build_addin(out_dir, *, interpreter: str | None = None, macros_dir=None) -> Path:
    """Write ``<out_dir>/xl_addin.xlam`` (atomically) and return its path.

    ``interpreter`` overrides ``INTERPRETER_WIN`` of ``macros/xl_addin.conf`` (environment
    variables such as ``%LOCALAPPDATA%`` are expanded by xlwings on the agent's PC)."""
    src = load_sources(macros_dir, interpreter)
    vba = compound_file(project_streams(PROJECT_NAME, src.modules))
    parts: list[tuple[str, bytes]] = [
        ("[Content_Types].xml", _content_types()),
        ("_rels/.rels", _rels([("rId1", REL_OFFICE_DOC, "xl/workbook.xml"),
                               ("rId2", REL_CORE, "docProps/core.xml"),
                               ("rId3", REL_APP, "docProps/app.xml"),
                               ("rId4", REL_UI14, "customUI/customUI14.xml")])),
        ("docProps/core.xml", _core(src.xlwings_version)),
        ("docProps/app.xml", _app()),
        ("xl/workbook.xml", _workbook()),
        ("xl/_rels/workbook.xml.rels", _rels([("rId1", REL_SHEET, "worksheets/sheet1.xml"),
                                              ("rId2", REL_STYLES, "styles.xml"),
                                              ("rId3", REL_VBA, "vbaProject.bin")])),
        ("xl/worksheets/sheet1.xml", _config_sheet(src.config)),
        ("xl/styles.xml", _styles()),
        ("xl/vbaProject.bin", vba),
        ("customUI/customUI14.xml", src.ribbon_xml),
    ]
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts:
            info = zipfile.ZipInfo(name, _FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return atomic_write_bytes(Path(out_dir) / ADDIN_FILENAME, package.getvalue())
