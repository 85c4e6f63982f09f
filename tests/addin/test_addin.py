"""The ribbon add-in, built on Linux from the text in macros/, opened by tools that are not ours:
olevba (oletools) must list every VBA module with its source, every ribbon button's onAction
must have its Sub, and the package must be wired the way Excel looks for an add-in."""
from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from xl_addin.addin import vba_project as vp
from xl_addin.addin.build import (
    ADDIN_FILENAME,
    CT_ADDIN,
    REL_UI14,
    RIBBON_NS,
    SOURCE_MACROS_DIR,
    AddinBuildError,
    build_addin,
    ribbon_buttons,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
ISSUE_BUTTONS = ["Neu berechnen", "Vorschau", "Prüfen", "CSV für Diagonal exportieren", "Status-Liste für Vendor",
                 "Schulden-Export importieren", "Diagonal-Rückmeldung importieren",
                 "Neuer Fall (Diagonal)", "Schritt erledigt", "Fällige Fälle", "VPA-Akte exportieren"]


@pytest.fixture(scope="module")
def xlam(tmp_path_factory) -> Path:
    return build_addin(tmp_path_factory.mktemp("addin"))


@pytest.fixture(scope="module")
def macros(xlam) -> dict[str, str]:
    """module name -> source, as olevba reads them from the built add-in."""
    from oletools.olevba import VBA_Parser
    parser = VBA_Parser(str(xlam))
    try:
        assert parser.detect_vba_macros()
        return {Path(name).stem: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def test_build_writes_xl_addin_xlam_with_the_addin_content_type(xlam):
    assert xlam.name == ADDIN_FILENAME
    with zipfile.ZipFile(xlam) as zf:
        assert zf.testzip() is None
        names = zf.namelist()
        types = etree.fromstring(zf.read("[Content_Types].xml"))
        rels = etree.fromstring(zf.read("_rels/.rels"))
        wb_rels = etree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
        workbook = zf.read("xl/workbook.xml")
    assert {"[Content_Types].xml", "xl/workbook.xml", "xl/vbaProject.bin", "customUI/customUI14.xml"} <= set(names)
    overrides = {o.get("PartName"): o.get("ContentType") for o in types}
    assert overrides["/xl/workbook.xml"] == CT_ADDIN == "application/vnd.ms-excel.addin.macroEnabled.main+xml"
    defaults = {d.get("Extension"): d.get("ContentType") for d in types if d.get("Extension")}
    assert defaults["bin"] == "application/vnd.ms-office.vbaProject"
    root_rels = {r.get("Type"): r.get("Target") for r in rels.iter(PKG_REL)}
    assert root_rels[REL_UI14] == "customUI/customUI14.xml", "the ribbon hangs off the package root"
    assert root_rels[
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"] == "xl/workbook.xml"
    targets = {r.get("Target") for r in wb_rels.iter(PKG_REL)}
    assert "vbaProject.bin" in targets
    assert b'codeName="ThisWorkbook"' in workbook and b'name="xl_addin.conf"' in workbook


def test_olevba_lists_every_module_with_its_source(macros):
    ours = {p.stem for p in SOURCE_MACROS_DIR.glob("*.bas")}
    assert ours <= set(macros), "every .bas of macros/"
    assert {"ThisWorkbook", "Sheet1", "xlwings", "xlwings_udfs", "XlAddinFunctions"} <= set(macros)
    for name in ours:
        source = (SOURCE_MACROS_DIR / f"{name}.bas").read_text(encoding="utf-8")
        body = [line.rstrip() for line in source.splitlines() if not line.startswith("Attribute VB_")]
        got = [line.rstrip() for line in macros[name].replace("\r\n", "\n").splitlines()
               if not line.startswith("Attribute VB_")]
        assert "\n".join(got).strip() == "\n".join(body).strip(), f"{name}: source round trip"


def test_every_ribbon_button_has_its_sub_calling_runpython(xlam, macros):
    with zipfile.ZipFile(xlam) as zf:
        xml = zf.read("customUI/customUI14.xml")
    root = etree.fromstring(xml)
    assert root.tag == f"{{{RIBBON_NS}}}customUI"
    tab = root.find(f".//{{{RIBBON_NS}}}tab")
    assert tab.get("label").replace("&&", "&") == "Inkasso & Mahnwesen"
    buttons = ribbon_buttons(xml)
    assert len(buttons) >= 6
    assert [b.label for b in buttons] == ISSUE_BUTTONS
    for b in buttons:
        code = macros[b.module]
        m = re.search(rf"Sub {b.sub}\(control As IRibbonControl\)(.*?)End Sub", code, re.S)
        assert m, f"{b.module}.{b.sub} fehlt"
        assert re.search(r'RunPython "import xl_addin\.excel\.entry as e; e\.\w+\(\)"', m.group(1)), b.sub
        assert "On Error GoTo Failed" in m.group(1) and "BeginAction" in m.group(1)


def test_xlwings_module_is_bsd_licensed_and_patched_for_this_addin(macros):
    code = macros["xlwings"]
    assert "xlwings is distributed under a BSD 3-clause license" in code
    assert 'Public Const PROJECT_NAME As String = "xl_addin"' in code
    assert "Content = XlAddinRibbon.LastErrorLine(ReadFile(FileName))" in code
    assert "Function RunPython(" in code and "Function XLPy()" in code


def test_the_addin_carries_its_config_sheet(xlam):
    with zipfile.ZipFile(xlam) as zf:
        sheet = etree.fromstring(zf.read("xl/worksheets/sheet1.xml"))
    assert sheet.find("{*}sheetPr").get("codeName") == "Sheet1"
    rows = {}
    for row in sheet.iter("{*}row"):
        cells = list(row)
        key = "".join(cells[0].itertext())
        v = cells[1]
        rows[key] = bool(int(v.findtext("{*}v"))) if v.get("t") == "b" else "".join(v.itertext())
    assert rows["INTERPRETER_WIN"] == r"%LOCALAPPDATA%\xl_addin\venv\Scripts\python.exe"
    assert rows["UDF MODULES"] == "xl_addin.udfs"
    assert rows["ADD_WORKBOOK_TO_PYTHONPATH"] is False and rows["SHOW CONSOLE"] is False
    import xlwings
    assert rows["XL_ADDIN_XLWINGS_VERSION"] == xlwings.__version__


def test_build_is_reproducible_and_takes_an_interpreter(tmp_path, xlam):
    again = build_addin(tmp_path / "a")
    assert again.read_bytes() == xlam.read_bytes()
    other = build_addin(tmp_path / "b", interpreter=r"C:\Python311\python.exe")
    with zipfile.ZipFile(other) as zf:
        assert rb"C:\Python311\python.exe" in zf.read("xl/worksheets/sheet1.xml")


def test_a_button_without_its_sub_stops_the_build(tmp_path):
    macros = tmp_path / "macros"
    shutil.copytree(SOURCE_MACROS_DIR, macros)
    bas = macros / "XlAddinRibbon.bas"
    bas.write_text(bas.read_text(encoding="utf-8").replace("Public Sub DueCases(", "Public Sub DueCasesX("),
                   encoding="utf-8")
    with pytest.raises(AddinBuildError, match=r"Fällige Fälle.*XlAddinRibbon\.DueCases"):
        build_addin(tmp_path / "out", macros_dir=macros)
    assert not (tmp_path / "out" / ADDIN_FILENAME).exists()


def test_the_installed_copy_of_the_sources_comes_before_the_source_tree(tmp_path, monkeypatch):
    from xl_addin.addin import build
    packaged = tmp_path / "site-packages" / "macros"
    monkeypatch.setattr(build, "PACKAGED_MACROS_DIR", packaged)
    assert build.find_macros_dir() == SOURCE_MACROS_DIR, "an editable install reads macros/"
    shutil.copytree(SOURCE_MACROS_DIR, packaged)
    assert build.find_macros_dir() == packaged
    monkeypatch.setattr(build, "SOURCE_MACROS_DIR", tmp_path / "no-tree")
    (packaged / "customUI14.xml").unlink()
    with pytest.raises(AddinBuildError, match="Quellen des Add-ins fehlen"):
        build_addin(tmp_path / "out")

def test_cli_build_addin(tmp_path):
    from xl_addin.cli import main

    res = CliRunner().invoke(main, ["build-addin", "--out", str(tmp_path / "dist")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "dist" / ADDIN_FILENAME).is_file()
    assert "11 Knöpfe" in res.output and "für xlwings" in res.output


# ---------------------------------------------------------------- the MS-OVBA pieces

@pytest.mark.parametrize("text", [
    b"", b"a", b"abcabcabcabc", b"'" * 5000, b"Sub X()\r\n" * 900,
    bytes(range(256)) * 20, "Prüfen – fällig".encode("cp1252") * 300,
])
def test_compression_round_trips_through_olevba(text):
    from oletools.olevba import decompress_stream
    packed = vp.compress(text)
    assert bytes(decompress_stream(bytearray(packed))) == text
    assert vp.decompress(packed) == text


def test_project_stream_encrypts_an_unprotected_visible_project():
    project_id = "{6A5C4E6B-2E9B-4C55-9D7E-3F1F7C1B9A10}"
    for seed in (0, 2, 4, 6, 0x5D, 0xFF):
        for data in (bytes(4), b"\x00", b"\xff"):
            assert vp.decrypt(project_id, vp.encrypt(project_id, data, seed)) == data
    # values Excel wrote (xlwings' quickstart add-in): no protection, no password, visible
    quickstart_id = "{318BEE36-5BE1-492A-826D-473DB19B0F30}"
    assert vp.decrypt(quickstart_id, "5D5F8AADDAA8DEA8DEA8DEA8DE") == bytes(4)
    assert vp.decrypt(quickstart_id, "5D5F8AADDAADDBADDBAD") == b"\x00"
    assert vp.decrypt(quickstart_id, "5D5F8AADDAADDBADDB52") == b"\xff"


def test_module_names_must_be_unique_and_sources_cp1252():
    with pytest.raises(vp.VbaSourceError):
        vp.project_streams("P", [vp.VbaModule("A", ""), vp.VbaModule("a", "")])
    with pytest.raises(vp.VbaSourceError, match="Codepage"):
        vp.module_source(vp.VbaModule("A", "' 日本"))


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice nicht installiert")
def test_libreoffice_imports_the_vba_project(xlam, tmp_path):
    """A second, independent reader of MS-OVBA: LibreOffice turns the VBA modules into Basic.
    (It does not open the add-in content type, so the copy is labelled a macro workbook.)"""
    copy = tmp_path / "addin.xlsm"
    with zipfile.ZipFile(xlam) as zi, zipfile.ZipFile(copy, "w") as zo:
        for info in zi.infolist():
            data = zi.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(CT_ADDIN.encode(), b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
            zo.writestr(info, data)
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "ods", "--outdir", str(tmp_path), str(copy)],
                   check=True, capture_output=True, timeout=180)
    with zipfile.ZipFile(tmp_path / "addin.ods") as zf:
        names = set(zf.namelist())
        ribbon = zf.read("Basic/xl_addin/XlAddinRibbon.xml").decode("utf-8")
    assert {f"Basic/xl_addin/{m}.xml" for m in ("xlwings", "XlAddinRibbon", "ThisWorkbook", "Sheet1")} <= names
    assert "Public Sub StepDone(control As IRibbonControl)" in ribbon and "Prüfen" in ribbon


# ---------------------------------------------------------------- the formula functions, built in

def test_the_udf_wrappers_are_in_the_addin_and_need_no_import_step(macros):
    from xl_addin import udfs
    from xl_addin.addin.udf_wrappers import wrapper_module
    wrappers = macros["xlwings_udfs"].replace("\r\n", "\n")
    expected = wrapper_module([("xl_addin.udfs", udfs)])
    assert wrappers.strip() == expected.strip()
    for name in udfs.UDF_NAMES:
        assert re.search(rf"^Function {name}\(", wrappers, re.M), name
        assert f'XLPy.CallUDF("xl_addin.udfs", "{name}", ' in wrappers
        assert f'Describe "{name}", "{udfs.CATEGORY}", _' in macros["XlAddinFunctions"]
    everything = "\n".join(macros.values())
    assert "ImportPythonUDFs" not in "\n".join(v for k, v in macros.items() if k != "xlwings")
    assert "VBProject" not in "\n".join(v for k, v in macros.items() if k != "xlwings")
    assert "xl_addin.xlam" not in everything, "the add-in addresses itself as ThisWorkbook"


def test_workbook_open_registers_descriptions_and_checks_python(macros):
    this = macros["ThisWorkbook"]
    assert re.search(r"Private Sub Workbook_Open\(\)\s+.*XlAddinSetup\.AddinOpened\s+End Sub", this, re.S)
    setup = macros["XlAddinSetup"]
    assert "XlAddinFunctions.RegisterDescriptions" in setup
    assert 'AddinSetting("XL_ADDIN_XLWINGS_VERSION")' in setup and '"xlwings64-" & version & ".dll"' in setup
    assert "ActiveWorkbook" not in setup, "at Excel's start no workbook may be active"


def test_every_button_refuses_without_an_active_workbook(macros):
    """xlwings' RunPython reads ActiveWorkbook: without one every button stopped with error 91."""
    code = macros["XlAddinRibbon"]
    begin = re.search(r"Private Function BeginAction\(ByVal what As String\) As Boolean(.*?)End Function", code, re.S)
    assert begin and "If ActiveWorkbook Is Nothing Then" in begin.group(1)
    for m in re.finditer(r"Sub (\w+)\(control As IRibbonControl\)(.*?)End Sub", code, re.S):
        body = m.group(2)
        assert body.index("BeginAction(") < body.index("RunPython"), m.group(1)


# Excel's own control ids (Office 2016 ExcelControls list) used as icons.
EXCEL_IMAGES = {"CalculateNow", "DataValidation", "FileSaveAs", "FileSaveAsExcelXlsx", "ImportTextFile",
                "ImportExcel", "FileNew", "MarkAsFinal", "FunctionsDateTimeInsertGallery", "FileSaveAsPdfOrXps",
                "FilePrintPreview"}   # Vorschau: Excel's "Print Preview and Print" icon


def test_ribbon_icons_are_excels_own(xlam):
    with zipfile.ZipFile(xlam) as zf:
        root = etree.fromstring(zf.read("customUI/customUI14.xml"))
    images = {b.get("imageMso") for b in root.iter(f"{{{RIBBON_NS}}}button")}
    assert images <= EXCEL_IMAGES
    assert not images & {"ExportTextFile", "ExportExcel", "ReviewAcceptChange", "DateAndTimeInsert"}


def test_a_udf_module_that_does_not_load_stops_the_build(tmp_path):
    macros_dir = tmp_path / "macros"
    shutil.copytree(SOURCE_MACROS_DIR, macros_dir)
    conf = macros_dir / "xl_addin.conf"
    conf.write_text(conf.read_text(encoding="utf-8").replace('"xl_addin.udfs"', '"xl_addin.gibtsnicht"'),
                    encoding="utf-8")
    with pytest.raises(AddinBuildError, match=re.escape("UDF-Modul 'xl_addin.gibtsnicht' lässt sich nicht laden")):
        build_addin(tmp_path / "out", macros_dir=macros_dir)


def test_the_addin_package_passes_the_ooxml_validator(xlam):
    from tests.package.ooxml_validate import check_package
    assert check_package(xlam) == []
