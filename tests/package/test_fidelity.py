"""An agent's real workbook goes through a full run — cell writes, row colours, appends, the
Prüfung sheet, a hidden state sheet, a removed 'Warten auf Freigabe' row — and everything the
product does not own comes out byte-identical: charts, images, comments, drop-downs, conditional
formats, the table, defined names, the text box, the form button and the VBA project."""
from __future__ import annotations

import shutil
import zipfile
from datetime import date, datetime

import openpyxl
import pytest

from xl_addin.core.plan import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    CellWrite,
    Plan,
    RowAppend,
    RowDelete,
    RowFill,
    SheetRewrite,
)
from xl_addin.package import WorkbookError, apply_plan, read_workbook

from .conftest import NS, canon, cell_without, cells_by_ref, member_names, members, raw_member, sheet_part_names, xml

MASTER = "xl/worksheets/sheet1.xml"
WAIT = "xl/worksheets/sheet2.xml"
OWNED = {MASTER, WAIT, "xl/styles.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
         "[Content_Types].xml"}
DUE = date(2026, 12, 1)
PROTOCOL_HEADER = ["Zeit", "Wer", "Aktion", "Blatt", "Schlüssel", "Zelle", "Alt", "Neu"]
YELLOW, GREY = "FFFF00", "BFBFBF"


def run_plan() -> Plan:
    writes = []
    for r in range(2, 12):
        writes += [CellWrite("Masterliste", r, 5, "Ja" if r % 2 else "Nein"),
                   CellWrite("Masterliste", r, 6, "1. Mahnung senden"),
                   CellWrite("Masterliste", r, 7, DUE, DATE_FORMAT)]
    writes += [CellWrite("Masterliste", 3, 4, "canceled"),      # input fixed (and logged)
               CellWrite("Masterliste", 4, 3, None)]            # value cleared, format kept
    fills = [RowFill("Masterliste", r, tuple(range(1, 8)), YELLOW if r % 2 else GREY)
             for r in range(2, 12)]
    return Plan(
        kind="inkasso", writes=writes, fills=fills,
        product_colours=frozenset({YELLOW, GREY}),
        rewrites=[
            SheetRewrite("Prüfung", [["Ort", "Meldung"],
                                     ["Masterliste!D3", "'cancelled' ist ungültig — 'canceled'"]]),
            SheetRewrite("_xl_addin_state", [["order_id", "Schulden-Status"],
                                             [10000001, "Laufend"]], state="veryHidden"),
        ],
        appends=[
            RowAppend("Masterliste", [[10000099, "Neu Kunde", 99.5, "on_hold", "Ja",
                                       "1. Mahnung senden", DUE]]),
            RowAppend("Protokoll", [[datetime(2026, 11, 22, 12, 0), "agent", "Wert geändert",
                                     "Masterliste", "10000002", "D3", "cancelled", "canceled"]],
                      header=PROTOCOL_HEADER, number_formats={1: DATETIME_FORMAT}),
        ],
        deletions=[RowDelete("Warten auf Freigabe", (3,))],
        full_recalc=True,
    )


@pytest.fixture
def run(agent_book, tmp_path):
    original = tmp_path / ("original" + agent_book.suffix)
    shutil.copy(agent_book, original)
    before = read_workbook(agent_book)
    result = apply_plan(agent_book, run_plan(), backups=2)
    return original, agent_book, before, result


def test_result_reports_what_was_done(run):
    original, _after, _, result = run
    assert result.written
    assert result.backup_path is not None and result.backup_path.read_bytes() == original.read_bytes()
    assert result.sheets_created == ["Prüfung", "_xl_addin_state", "Protokoll"]
    assert result.calc_chain_dropped
    assert result.rows_deleted == 1 and result.rows_appended == 2
    assert result.delete_modes == {"Warten auf Freigabe": "shift"}


def test_unowned_members_are_byte_identical_raw_and_in_order(run):
    original, after, _, _ = run
    old_names, new_names = member_names(original), member_names(after)
    assert "xl/calcChain.xml" in old_names and "xl/calcChain.xml" not in new_names
    kept = [n for n in old_names if n != "xl/calcChain.xml"]
    assert new_names[:len(kept)] == kept                      # same order, new parts at the end
    assert len(new_names) == len(kept) + 3
    for name in kept:
        if name in OWNED:
            continue
        assert raw_member(after, name) == raw_member(original, name), name
    if after.suffix == ".xlsm":
        assert members(after)["xl/vbaProject.bin"] == members(original)["xl/vbaProject.bin"]
    # the fixture really has every feature the requirement lists
    for part in ("xl/charts/chart1.xml", "xl/media/image1.png", "xl/comments1.xml",
                 "xl/tables/table1.xml", "xl/drawings/vmlDrawing1.vml"):
        assert part in kept


def test_patched_sheet_keeps_everything_but_the_written_cells(run):
    original, after, _, _ = run
    old, new = xml(members(original)[MASTER]), xml(members(after)[MASTER])
    assert old.nsmap == new.nsmap
    skip = {f"{{{NS['x']}}}sheetData", f"{{{NS['x']}}}dimension"}
    assert [canon(e) for e in old if e.tag not in skip] == [canon(e) for e in new if e.tag not in skip]
    assert [e.tag for e in old] == [e.tag for e in new]       # element order unchanged
    old_cells, new_cells = cells_by_ref(old), cells_by_ref(new)
    written = {f"{c}{r}" for r in range(2, 12) for c in "EFG"} | {"D3", "C4"}
    filled = {f"{c}{r}" for r in range(2, 12) for c in "ABCDEFG"}
    for ref, cell in old_cells.items():
        if ref in written:
            continue
        if ref in filled:
            assert cell_without(new_cells[ref], "s") == cell_without(cell, "s"), ref
        elif ref != "G12":                                   # G12 receives the appended date
            assert canon(new_cells[ref]) == canon(cell), ref
    assert new_cells["H2"].find("x:f", NS).text == "SUM(C2:C11)"   # agent's formula untouched
    assert new_cells["G12"].get("s") == old_cells["G12"].get("s")  # prepared format reused
    assert new.find("x:dimension", NS).get("ref") == "A1:H14"
    rows = [int(r.get("r")) for r in new.iterfind("x:sheetData/x:row", NS)]
    assert rows == sorted(rows)
    for row in new.iterfind("x:sheetData/x:row", NS):
        cols = [c.get("r").rstrip("0123456789") for c in row]
        assert cols == sorted(cols, key=lambda s: (len(s), s))


def test_values_read_back_with_calamine_and_openpyxl(run):
    _original, after, before, _ = run
    data = read_workbook(after)
    assert list(data.sheets) == ["Masterliste", "Warten auf Freigabe", "Vendoren", "Übersicht",
                                 "Prüfung", "_xl_addin_state", "Protokoll"]
    for name in ("Vendoren", "Übersicht"):
        assert data.sheets[name].rows == before.sheets[name].rows
    ml = data.sheets["Masterliste"]
    assert [ml.value(r, 5) for r in range(2, 12)] == ["Nein", "Ja"] * 5
    assert ml.value(2, 7) == DUE and ml.value(11, 6) == "1. Mahnung senden"
    assert ml.value(3, 4) == "canceled" and ml.value(4, 3) is None and ml.value(4, 1) == 10000003
    assert ml.rows[11][:7] == [10000099, "Neu Kunde", 99.5, "on_hold", "Ja", "1. Mahnung senden", DUE]
    wait = data.sheets["Warten auf Freigabe"]
    old_wait = before.sheets["Warten auf Freigabe"]
    assert wait.rows == old_wait.rows[:2] + old_wait.rows[3:]
    assert data.sheets["Prüfung"].rows[1] == ["Masterliste!D3", "'cancelled' ist ungültig — 'canceled'"]
    assert data.sheets["_xl_addin_state"].state == "veryHidden"
    assert data.sheets["_xl_addin_state"].rows == [["order_id", "Schulden-Status"], [10000001, "Laufend"]]
    assert data.sheets["Protokoll"].rows == [PROTOCOL_HEADER, [datetime(2026, 11, 22, 12, 0), "agent",
                                             "Wert geändert", "Masterliste", "10000002", "D3",
                                             "cancelled", "canceled"]]

    wb = openpyxl.load_workbook(after, read_only=True, data_only=True)
    try:
        assert wb.sheetnames == list(data.sheets)
        for name in data.sheets:
            got = [list(r) for r in wb[name].iter_rows(values_only=True)]
            for r, row in enumerate(data.sheets[name].rows):
                for c, value in enumerate(row):
                    other = got[r][c] if r < len(got) and c < len(got[r]) else None
                    if isinstance(value, date) and not isinstance(value, datetime):
                        other = other.date() if other is not None else None
                    assert other == value, (name, r + 1, c + 1)
    finally:
        wb.close()


def test_formats_fills_and_workbook_wiring(run):
    original, after, _, _ = run
    wb = openpyxl.load_workbook(after)          # reading only: never saved
    ml = wb["Masterliste"]
    assert ml["B5"].fill.fgColor.rgb == "FF00B0F0"            # the agent's blue stays
    assert ml["A5"].fill.fgColor.rgb == "FF" + YELLOW          # row 5: yellow
    assert ml["E2"].fill.fgColor.rgb == "FF" + GREY            # former product yellow replaced
    assert ml["G2"].number_format == DATE_FORMAT and ml["G2"].fill.fgColor.rgb == "FF" + GREY
    assert ml["C4"].fill.fgColor.rgb == "FF" + GREY and ml["C4"].value is None
    assert wb["Prüfung"]["A1"].font.b and not wb["Prüfung"]["A2"].font.b
    assert wb["Prüfung"].freeze_panes == "A2"
    assert wb["Protokoll"]["A2"].number_format == DATETIME_FORMAT
    assert wb["_xl_addin_state"].sheet_state == "veryHidden"
    assert len(ml.data_validations.dataValidation) == 1
    assert ml.conditional_formatting
    assert len(wb.defined_names) == 2
    wait = wb["Warten auf Freigabe"]
    assert [str(r) for r in wait.merged_cells.ranges] == ["M4:M5"]     # was M5:M6
    assert str(wait.data_validations.dataValidation[0].sqref) == "L2:L49"
    assert wait["E4"].hyperlink is not None and wait["E4"].value == "10000004"
    wb.close()

    old_m, new_m = members(original), members(after)
    wbx_old, wbx_new = xml(old_m["xl/workbook.xml"]), xml(new_m["xl/workbook.xml"])
    assert canon(wbx_old.find("x:definedNames", NS)) == canon(wbx_new.find("x:definedNames", NS))
    calc = wbx_new.find("x:calcPr", NS)
    assert calc.get("fullCalcOnLoad") == "1" and calc.get("calcId") == "124519"
    assert b"calcChain" not in new_m["[Content_Types].xml"]
    assert b"calcChain" not in new_m["xl/_rels/workbook.xml.rels"]
    old_ct = {canon(e) for e in xml(old_m["[Content_Types].xml"]) if b"calcChain" not in canon(e)}
    assert old_ct <= {canon(e) for e in xml(new_m["[Content_Types].xml"])}
    parts = sheet_part_names(after)
    for name in ("Prüfung", "_xl_addin_state", "Protokoll"):
        assert parts[name] in new_m
    # styles: existing entries neither renumbered nor reordered
    st_old, st_new = xml(old_m["xl/styles.xml"]), xml(new_m["xl/styles.xml"])
    for tag in ("fonts", "fills", "cellXfs", "borders", "dxfs", "cellStyleXfs"):
        o, n = st_old.find(f"x:{tag}", NS), st_new.find(f"x:{tag}", NS)
        assert [canon(e) for e in o] == [canon(e) for e in n][:len(o)], tag
        if n.get("count") is not None:
            assert int(n.get("count")) == len(n)


def test_second_identical_run_changes_no_styles(run):
    """Reuse: running the same plan again appends no further fills or cell formats."""
    _original, after, _, _ = run
    styles_once = members(after)["xl/styles.xml"]
    plan = run_plan()
    plan.rewrites, plan.appends, plan.deletions = plan.rewrites[:1], [], []
    apply_plan(after, plan, backups=0)
    assert xml(members(after)["xl/styles.xml"]).find("x:cellXfs", NS).get("count") == \
        xml(styles_once).find("x:cellXfs", NS).get("count")
    with zipfile.ZipFile(after) as zf:
        assert zf.testzip() is None


def test_unusual_zip_layouts_are_copied_raw(simple_book, tmp_path):
    """Stored (uncompressed) members, streamed members with data descriptors and an archive
    comment, as other producers write them, come out with the same stored bytes."""
    import io

    class Unseekable(io.RawIOBase):
        def __init__(self):
            self.buf = bytearray()

        def writable(self):
            return True

        def write(self, b):
            self.buf += b
            return len(b)

    with zipfile.ZipFile(simple_book) as zin:
        items = [(i, zin.read(i.filename)) for i in zin.infolist()]
    sink = Unseekable()
    with zipfile.ZipFile(sink, "w") as zout:
        zout.comment = b"made elsewhere"
        for n, (info, data) in enumerate(items):
            zinfo = zipfile.ZipInfo(info.filename, info.date_time)
            zinfo.compress_type = zipfile.ZIP_STORED if n % 2 else zipfile.ZIP_DEFLATED
            with zout.open(zinfo, "w") as fh:                     # streamed: data descriptor
                fh.write(data)
    streamed = tmp_path / "Gestreamt.xlsx"
    streamed.write_bytes(bytes(sink.buf))
    original = tmp_path / "original.xlsx"
    shutil.copy(streamed, original)
    with zipfile.ZipFile(streamed) as zf:
        assert any(i.flag_bits & 0x08 for i in zf.infolist())
    apply_plan(streamed, Plan(writes=[CellWrite("Masterliste", 2, 4, "Ja")]), backups=0)
    for name in member_names(original):
        if name not in OWNED and name != "xl/worksheets/sheet1.xml":
            assert raw_member(streamed, name) == raw_member(original, name), name
    with zipfile.ZipFile(streamed) as zf:
        assert zf.testzip() is None and zf.comment == b"made elsewhere"
    assert read_workbook(streamed).sheets["Masterliste"].value(2, 4) == "Ja"


@pytest.mark.parametrize("damage", ["crc", "stream"])
def test_a_new_file_that_does_not_read_back_leaves_the_original(simple_book, tmp_path, monkeypatch, damage):
    """The new file is read back from disk before it replaces the original: a member whose bytes
    do not inflate to its CRC — whichever of the checking threads finds it — stops the run."""
    from xl_addin.package import writer
    from xl_addin.package.archive import Deflated
    path = tmp_path / "b.xlsx"
    path.write_bytes(simple_book.read_bytes())
    before = path.read_bytes()
    real = writer.deflate_stream

    def broken(pieces, *a, **k):
        packed = real(pieces, *a, **k)
        if damage == "crc":
            return Deflated(packed.data, packed.crc ^ 1, packed.size)
        return Deflated(packed.data[:-9] + b"\xff" * 9, packed.crc, packed.size)
    monkeypatch.setattr(writer, "deflate_stream", broken)
    with pytest.raises(WorkbookError, match=r"Prüfsumme.*Original unverändert"):
        apply_plan(path, Plan(writes=[CellWrite("Masterliste", 2, 3, "neu")]), backups=0)
    assert path.read_bytes() == before
