"""Workbooks for the package tests: an agent's Inkasso workbook with every feature the writer
must not damage (built with XlsxWriter), Excel-made files from XlsxWriter's test suite, and
helpers to compare zip members and sheet XML."""
from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from datetime import date
from pathlib import Path

import pytest
import xlsxwriter
from lxml import etree

DATA = Path(__file__).parent / "data"
EXCEL_MADE = DATA / "excel_made"
VBA_PROJECT = DATA / "vbaProject01.bin"          # real VBA project from XlsxWriter's test suite
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS = {"x": MAIN}

MASTER_HEADERS = ["order_id", "Name", "Betrag", "incasso_state", "Verfolgen", "Nächster Schritt",
                  "Fällig am", "Summe"]
WAIT_HEADERS = ["Rechnungsnummer", "User-ID", "Vendor", "E-Mail", "order_id", "Vorname",
                "Nachname", "Offener Betrag", "Produkt", "1. Mahnung", "2. Mahnung", "Status",
                "VIP-Manager"]


def tiny_png(width: int = 4, height: int = 3) -> bytes:
    """A valid RGB PNG, made here so the test needs no image file."""
    def chunk(kind: bytes, payload: bytes) -> bytes:
        return (struct.pack(">I", len(payload)) + kind + payload
                + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF))
    raw = b"".join(b"\x00" + bytes([200, 30, 30]) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def build_agent_workbook(path: Path, *, macro: bool) -> Path:
    """The agent's Inkasso workbook: data on Masterliste / Warten auf Freigabe (the product owns
    cells there) and charts, images, comments, drop-downs, conditional formats, a table,
    defined names, a text box, a form button and VBA around it."""
    wb = xlsxwriter.Workbook(str(path))
    if macro:
        wb.add_vba_project(str(VBA_PROJECT))
    bold = wb.add_format({"bold": True})
    date_fmt = wb.add_format({"num_format": "dd.mm.yyyy"})
    agent_blue = wb.add_format({"bg_color": "#00B0F0"})
    old_yellow = wb.add_format({"bg_color": "#FFFF00"})

    ml = wb.add_worksheet("Masterliste")
    ml.write_row(0, 0, MASTER_HEADERS, bold)
    for i in range(10):
        r = i + 1
        ml.write_number(r, 0, 10000001 + i)
        ml.write_string(r, 1, f"Kunde {i}", agent_blue if r == 4 else None)   # B5: agent's blue
        ml.write_number(r, 2, 10.5 * (i + 1))
        ml.write_string(r, 3, "cancelled" if r == 2 else "on_hold")
        if r == 1:
            ml.write_string(r, 4, "Ja", old_yellow)        # E2: the product's yellow of a former run
    ml.write_formula("H2", "=SUM(C2:C11)", None, 577.5)
    for r in range(11, 14):                              # rows 12-14: prepared formatting only
        ml.write_blank(r, 6, None, date_fmt)
    ml.data_validation("D2:D40", {"validate": "list", "source": [
        "canceled", "blocked", "sent_for_collection", "paid", "on_hold"]})
    ml.conditional_format("C2:C40", {"type": "cell", "criteria": ">", "value": 50,
                                     "format": wb.add_format({"font_color": "#9C0006"})})
    ml.write_comment("A2", "Erste Bestellung — bitte prüfen")
    ml.insert_image("J2", "logo.png", {"image_data": io.BytesIO(tiny_png())})
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"values": "=Masterliste!$C$2:$C$11", "name": "Betrag"})
    ml.insert_chart("J8", chart)
    if macro:
        ml.insert_button("L2", {"macro": "say_hello", "caption": "Hallo"})

    wf = wb.add_worksheet("Warten auf Freigabe")
    wf.write_row(0, 0, WAIT_HEADERS, bold)
    for i in range(5):
        r = i + 1
        wf.write_row(r, 0, [f"RE-{r}", 1006, "Lernwerk GmbH", "kontakt@lernwerk.de",
                            10000001 + i, "Erika", f"Muster{r}", 20.0 + r, "Kurs"])
        wf.write_datetime(r, 9, date(2026, 9, 1), date_fmt)
        wf.write_datetime(r, 10, date(2026, 9, 15), date_fmt)
        wf.write_string(r, 11, "Kündigung" if r == 2 else "Lernwerk GmbH")
    wf.merge_range("M5:M6", "WA-Gruppe informiert")
    wf.write_url("E5", "https://example.org/order/10000004", None, "10000004")
    wf.data_validation("L2:L50", {"validate": "list", "source": ["Freigabe", "Kündigung"]})

    ven = wb.add_worksheet("Vendoren")
    ven.add_table("A1:C4", {"name": "Vendoren", "columns": [
        {"header": "User-ID"}, {"header": "Vendor"}, {"header": "Aktiv"}],
        "data": [[1006, "Lernwerk GmbH", "Ja"], [2001, "Coachingraum", "Ja"],
                 [3003, "Alt & Weg", "Nein"]]})
    ven.insert_textbox("E2", "Hinweis: Vendoren nur hier pflegen")

    ov = wb.add_worksheet("Übersicht")
    ov.write_formula("A1", "=SUM(Masterliste!C2:C11)", None, 577.5)
    ov.write_string("A2", "Stand November")
    pie = wb.add_chart({"type": "pie"})
    pie.add_series({"values": "=Masterliste!$C$2:$C$6"})
    ov.insert_chart("C2", pie)

    wb.define_name("Offene_Betraege", "=Masterliste!$C$2:$C$11")
    wb.define_name("Vendorliste", "=Vendoren!$A$2:$A$4")
    wb.close()
    add_calc_chain(path)
    return path


def add_calc_chain(path: Path) -> None:
    """Give the file a calcChain.xml (as Excel writes one) and a calcPr without
    fullCalcOnLoad, so a run has both to handle."""
    with zipfile.ZipFile(path) as zin:
        infos = [(i, zin.read(i.filename)) for i in zin.infolist()]
    out = []
    for info, data in infos:
        if info.filename == "[Content_Types].xml":
            data = data.replace(b"</Types>", b'<Override PartName="/xl/calcChain.xml" ContentType='
                                b'"application/vnd.openxmlformats-officedocument.spreadsheetml.'
                                b'calcChain+xml"/></Types>')
        elif info.filename == "xl/_rels/workbook.xml.rels":
            data = data.replace(b"</Relationships>", b'<Relationship Id="rId99" Type="http://'
                                b'schemas.openxmlformats.org/officeDocument/2006/relationships/'
                                b'calcChain" Target="calcChain.xml"/></Relationships>')
        elif info.filename == "xl/workbook.xml":
            data = data.replace(b' fullCalcOnLoad="1"', b"")
        out.append((info, data))
    chain = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<calcChain xmlns="'
             + MAIN.encode() + b'"><c r="H2" i="1"/><c r="A1" i="4"/></calcChain>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in out:
            zout.writestr(info, data, compress_type=info.compress_type)
        zout.writestr("xl/calcChain.xml", chain)


# --- comparing -------------------------------------------------------------------------------
def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def member_names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as zf:
        return zf.namelist()


def raw_member(path: Path, name: str) -> tuple[int, int, bytes]:
    """(compress_type, CRC, compressed bytes exactly as stored)."""
    data = path.read_bytes()
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(name)
    n, m = struct.unpack("<HH", data[info.header_offset + 26:info.header_offset + 30])
    start = info.header_offset + 30 + n + m
    return info.compress_type, info.CRC, data[start:start + info.compress_size]


def xml(data: bytes) -> etree._Element:
    return etree.fromstring(data)


def canon(el: etree._Element) -> bytes:
    return etree.tostring(el, method="c14n")


def cells_by_ref(sheet_root: etree._Element) -> dict[str, etree._Element]:
    return {c.get("r"): c for c in sheet_root.iterfind("x:sheetData/x:row/x:c", NS)}


def cell_without(el: etree._Element, *attrs: str) -> bytes:
    import copy
    clone = copy.deepcopy(el)
    for a in attrs:
        clone.attrib.pop(a, None)
    return canon(clone)


def sheet_part_names(path: Path) -> dict[str, str]:
    """Sheet name -> zip member, read from workbook.xml and its relationships."""
    m = members(path)
    wb = xml(m["xl/workbook.xml"])
    rels = xml(m["xl/_rels/workbook.xml.rels"])
    targets = {r.get("Id"): r.get("Target") for r in rels}
    rid = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    out = {}
    for s in wb.iterfind("x:sheets/x:sheet", NS):
        t = targets[s.get(rid)]
        out[s.get("name")] = t.lstrip("/") if t.startswith("/") else "xl/" + t
    return out


def strip_ns_decl(text: str) -> str:
    return re.sub(r'\sxmlns(:\w+)?="[^"]*"', "", text)


@pytest.fixture(params=["xlsx", "xlsm"])
def agent_book(request, tmp_path) -> Path:
    return build_agent_workbook(tmp_path / f"Inkasso.{request.param}",
                                macro=request.param == "xlsm")


@pytest.fixture
def simple_book(tmp_path) -> Path:
    """One small sheet 'Masterliste' (3 data rows) and a sheet 'Andere'."""
    path = tmp_path / "Einfach.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Masterliste")
    ws.write_row(0, 0, ["order_id", "Name", "Betrag"])
    for i in range(3):
        ws.write_row(i + 1, 0, [10000001 + i, f"Kunde {i}", 10.0 * (i + 1)])
    wb.add_worksheet("Andere").write("A1", "bleibt")
    wb.close()
    return path
