"""The shared strings a rewrite reads (an owned sheet's header, the agents' columns) are parsed
only as far as the highest index asked for: a long Protokoll's million strings cost a run nothing."""
from __future__ import annotations

import pytest

from xl_addin.package import WorkbookError
from xl_addin.package.opc import MAIN_NS
from xl_addin.package.owned import SharedStrings


def table(n: int) -> bytes:
    items = "".join(f"<si><t>Text {i} &amp; mehr</t></si>" for i in range(n))
    return (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}" count="{n}" uniqueCount="{n}">'
            f'{items}<si><r><t>rich </t></r><r><t>text</t></r><rPh><t>phonetic</t></rPh></si></sst>').encode()


def test_read_as_far_as_asked_and_as_a_list_reads():
    sst = SharedStrings(table(100_000), "xl/sharedStrings.xml", "a.xlsx")
    assert sst[3] == "Text 3 & mehr"
    assert len(sst._texts) == 4                       # nothing past the index asked for
    assert sst[0] == "Text 0 & mehr" and len(sst._texts) == 4
    assert sst[100_000] == "rich text"                # runs joined, phonetic text left out
    with pytest.raises(IndexError):
        sst[100_001]
    with pytest.raises(IndexError):
        sst[-1]
    with pytest.raises(IndexError):
        SharedStrings(None)[0]


def test_a_broken_table_is_one_line_naming_the_part():
    sst = SharedStrings(table(3)[:-30], "xl/sharedStrings.xml", "a.xlsx")
    assert sst[0] == "Text 0 & mehr"
    with pytest.raises(WorkbookError, match=r"a\.xlsx.*xl/sharedStrings\.xml"):
        sst[3]
