"""The live adapter colours cells through Excel's COM objects as Excel wants it: fills on
``Range.Interior``, text colours on ``Range.Font`` (BGR numbers), "no colour" as Excel's own
default (``Interior.Pattern = xlNone``, ``Font.ColorIndex = xlColorIndexAutomatic``), and many
blocks in a few multi-area ranges. A recording stand-in for the COM objects takes Excel's place."""
from __future__ import annotations

from types import SimpleNamespace

from xl_addin.excel.adapter import XL_AUTOMATIC, XL_NONE, XlwingsBook


class _Recorder:
    """A COM object (Interior, Font) that records what is set on it."""

    def __init__(self, log: list, address: str, part: str) -> None:
        object.__setattr__(self, "_where", (log, address, part))

    def __setattr__(self, name: str, value) -> None:
        log, address, part = self._where
        log.append((address, part, name, value))


def _book(log: list) -> XlwingsBook:
    def com_range(address: str):
        return SimpleNamespace(Interior=_Recorder(log, address, "Interior"), Font=_Recorder(log, address, "Font"))
    sheet = SimpleNamespace(api=SimpleNamespace(Range=com_range))
    return XlwingsBook(SimpleNamespace(name="Mappe.xlsx", sheets={"Fälle": sheet}))


def test_fills_and_text_colours_are_bgr_numbers_and_none_is_excels_default():
    log: list = []
    book = _book(log)
    book.set_fill("Fälle", [(2, 1, 3, 2)], "FFFF00")
    book.set_fill("Fälle", [(4, 1, 4, 1)], None)
    book.set_font_colour("Fälle", [(2, 3, 2, 3)], "FF0000")
    book.set_font_colour("Fälle", [(5, 3, 5, 3)], None)
    assert log == [("A2:B3", "Interior", "Color", 0x00FFFF), ("A4", "Interior", "Pattern", XL_NONE),
                   ("C2", "Font", "Color", 0x0000FF), ("C5", "Font", "ColorIndex", XL_AUTOMATIC)]


def test_many_blocks_go_in_a_few_ranges_each_short_enough_for_excel():
    log: list = []
    book = _book(log)
    blocks = [(row, 1, row, 1) for row in range(2, 402, 2)]   # 200 separate cells
    book.set_font_colour("Fälle", blocks, "00B050")
    addresses = [address for address, *_ in log]
    assert 1 < len(addresses) < 20 and all(len(a) <= 255 for a in addresses)
    assert ",".join(addresses).split(",") == [f"A{row}" for row in range(2, 402, 2)]
    assert {(part, name, value) for _, part, name, value in log} == {("Font", "Color", 0x50B000)}


# ---------------------------------------------------------------- the fills of a block in one read

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
    from xl_addin.excel.adapter import OTHER_FILL, styles_from_xml
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
    from xl_addin.excel.adapter import XL_XML_SPREADSHEET, XML_CHUNK_ROWS
    asked: list[tuple[str, int]] = []

    class Range:
        def __init__(self, address: str) -> None:
            self.address = address

        def GetValue(self, kind: int) -> str:  # COM name
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
    try:
        with book.batch():
            assert (app.screen_updating, app.calculation, app_api.EnableEvents) == (False, "manual", False)
            raise RuntimeError("COM error half-way")
    except RuntimeError:
        pass
    assert (app.screen_updating, app.calculation, app_api.EnableEvents) == (True, "automatic", True)
