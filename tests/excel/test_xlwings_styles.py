"""The xlwings layer's bulk reads and its batch frame, against recording stand-ins for COM:
the fills and text colours of a block from Excel's XML Spreadsheet form of the range (one call
per 5,000 rows), and screen updating / calculation / events restored on every path."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from xl_addin.excel.adapter import OTHER_FILL, XL_XML_SPREADSHEET, XML_CHUNK_ROWS, XlwingsBook, styles_from_xml

XML = """<?xml version="1.0"?>
<ss:Workbook xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet" xmlns:x="urn:schemas-microsoft-com:office:excel">
 <ss:Styles>
  <ss:Style ss:ID="Default" ss:Name="Normal"><ss:Font ss:FontName="Calibri" ss:Size="11" ss:Color="#000000"/>
   <ss:Interior/></ss:Style>
  <ss:Style ss:ID="s62"><ss:Interior ss:Color="#FFFF00" ss:Pattern="Solid"/></ss:Style>
  <ss:Style ss:ID="s63"><ss:Interior ss:Color="#BFBFBF" ss:Pattern="Solid"/><ss:Font ss:Color="#FF0000"/></ss:Style>
  <ss:Style ss:ID="s64"><ss:Interior ss:Color="#00B0F0" ss:Pattern="Gray50"/></ss:Style>
  <ss:Style ss:ID="s65" ss:Parent="s62"><ss:NumberFormat ss:Format="Short Date"/></ss:Style>
 </ss:Styles>
 <ss:Worksheet ss:Name="Masterliste">
  <ss:Table ss:ExpandedColumnCount="3" ss:ExpandedRowCount="5">
   <ss:Column ss:Index="3" ss:StyleID="s63"/>
   <ss:Row><ss:Cell ss:StyleID="s62"><ss:Data ss:Type="Number">1</ss:Data></ss:Cell>
    <ss:Cell ss:StyleID="s62"/><ss:Cell ss:StyleID="s62"/></ss:Row>
   <ss:Row ss:Index="3" ss:StyleID="s63"><ss:Cell ss:Index="2" ss:StyleID="s64"/></ss:Row>
   <ss:Row><ss:Cell ss:StyleID="s65" ss:MergeAcross="1"/></ss:Row>
  </ss:Table>
 </ss:Worksheet>
</ss:Workbook>"""


def test_fills_and_text_colours_of_a_block_from_excels_xml_spreadsheet_form():
    grid = styles_from_xml(XML, 5, 3)
    fills = [[f for f, _ in row] for row in grid]
    fonts = [[t for _, t in row] for row in grid]
    assert fills == [["FFFF00", "FFFF00", "FFFF00"],
                     [None, None, "BFBFBF"],            # a row the XML leaves out: its columns' styles
                     ["BFBFBF", OTHER_FILL, "BFBFBF"],  # the row's style; a pattern is the agent's
                     ["FFFF00", "FFFF00", "BFBFBF"],    # inherited from ss:Parent, merged across
                     [None, None, "BFBFBF"]]
    assert fonts[0] == ["000000"] * 3 and fonts[2] == ["FF0000", "000000", "FF0000"]


def test_the_block_is_read_in_chunks_of_rows_one_call_each():
    asked: list[tuple[str, int]] = []

    class Range:
        def __init__(self, address: str) -> None:
            self.address = address

        def GetValue(self, kind: int) -> str:  # COM name (pywin32's form of Value(11))
            asked.append((self.address, kind))
            return XML

    sheet = SimpleNamespace(api=SimpleNamespace(Range=Range))
    book = XlwingsBook(SimpleNamespace(name="Mappe.xlsx", sheets={"Masterliste": sheet}))
    fills = book.read_fills("Masterliste", (2, 1, 2 * XML_CHUNK_ROWS + 10, 3))
    assert len(fills) == 2 * XML_CHUNK_ROWS + 9 and all(len(r) == 3 for r in fills)
    assert [a for a, _ in asked] == [f"A2:C{XML_CHUNK_ROWS + 1}", f"A{XML_CHUNK_ROWS + 2}:C{2 * XML_CHUNK_ROWS + 1}",
                                     f"A{2 * XML_CHUNK_ROWS + 2}:C{2 * XML_CHUNK_ROWS + 10}"]
    assert {k for _, k in asked} == {XL_XML_SPREADSHEET}


def test_batch_restores_screen_calculation_and_events_on_every_path():
    app_api = SimpleNamespace(EnableEvents=True)
    app = SimpleNamespace(screen_updating=True, calculation="automatic", api=app_api)
    book = XlwingsBook(SimpleNamespace(name="Mappe.xlsx", app=app, sheets={}))
    seen = []
    with pytest.raises(RuntimeError), book.batch():
        seen.append((app.screen_updating, app.calculation, app_api.EnableEvents))
        raise RuntimeError("COM error half-way")
    assert seen == [(False, "manual", False)]
    assert (app.screen_updating, app.calculation, app_api.EnableEvents) == (True, "automatic", True)


def test_many_blocks_are_coloured_through_temporary_names_of_hundreds_of_areas_taken_as_one_union():
    """Each hidden name holds ~8,000 characters of references; one Range("n1,n2,…") takes the
    union of up to NAMES_PER_UNION names (a name list within 255 characters); every name is
    deleted again, also when Excel refuses the union."""
    from xl_addin.excel.adapter import NAMES_PER_UNION, REFERENCE_LIMIT, TEMP_NAME, XlwingsBook
    log: list = []
    names: dict[str, str] = {}          # the workbook's defined names: name -> reference

    class Target:
        def __init__(self, refers: str) -> None:
            object.__setattr__(self, "refers", refers)

        def __setattr__(self, name, value) -> None:
            log.append((self.refers, name, value))

    class Name:
        def __init__(self, name: str) -> None:
            self.name = name

        def Delete(self) -> None:  # COM name
            log.append(("deleted", self.name))
            del names[self.name]

    def add(Name: str, RefersTo: str, Visible: bool):
        assert Name.startswith(TEMP_NAME) and Visible is False and len(RefersTo) <= REFERENCE_LIMIT + 1
        names[Name] = RefersTo
        return globals_name(Name)
    globals_name = Name

    def com_range(address: str):
        assert len(address) <= 255, address
        if not all(n in names for n in address.split(",")):
            return SimpleNamespace(Interior=Target(address))          # an address of cells
        if refuse:
            raise RuntimeError("Excel lehnt ab")
        return SimpleNamespace(Interior=Target(",".join(names[n][1:] for n in address.split(","))))
    refuse = False
    api = SimpleNamespace(Names=SimpleNamespace(Add=add))
    sheet = SimpleNamespace(api=SimpleNamespace(Range=com_range))
    book = XlwingsBook(SimpleNamespace(name="Mappe.xlsx", api=api, sheets={"Master liste": sheet}))
    blocks = [(r, 1, r, 23) for r in range(2, 6002, 2)]            # 3,000 separate rows
    book.set_fill("Master liste", blocks, "BFBFBF")
    sets = [e for e in log if e[0] != "deleted"]
    deleted = [e for e in log if e[0] == "deleted"]
    assert len(sets) == 1 and NAMES_PER_UNION >= len(deleted) > 1 and not names
    areas = sets[0][0].split(",")
    assert areas[:2] == ["'Master liste'!$A$2:$W$2", "'Master liste'!$A$4:$W$4"] and len(areas) == 3000
    assert {(name, value) for _, name, value in sets} == {("Color", 0xBFBFBF)}
    refuse, log[:] = True, []            # an Excel that refuses the union: addresses of 255 characters
    book.set_fill("Master liste", blocks, "BFBFBF")
    assert not names and [e for e in log if e[0] == "deleted"]
    sets = [e for e in log if e[0] != "deleted"]
    assert len(sets) > 20 and ",".join(a for a, _, _ in sets).split(",")[-1] == "A6000:W6000"
