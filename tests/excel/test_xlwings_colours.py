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
