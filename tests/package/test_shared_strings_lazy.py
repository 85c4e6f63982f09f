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


def test_an_item_far_ahead_is_found_in_the_text_and_equals_the_parsed_one():
    """Excel saves an owned sheet's header after the agents' data: its strings come last. They
    are found by their "<si" in the text, not by parsing the table up to them — and read the same."""
    data = table(5_000).replace(b"<si><t>Text 7 ", b"<si/><si ><t>Text 7 ").replace(
        b"<si><t>Text 4000 ", b'<si><r><rPr><b/></rPr><t xml:space="preserve">Text 4000 </t></r><rPh><t>x</t></rPh><t>')
    far, near = SharedStrings(data), SharedStrings(data)
    assert far._data is not None
    wanted = [4_999, 4_001, 4_000, 5_000, 300, 8, 7, 5_001]
    got = [far[i] for i in wanted]
    assert len(far._texts) == 9                       # in order only as far as item 8
    assert got == [near[i] for i in wanted]
    assert far[4_001] == "Text 4000 & mehr" and far[7] == "" and far[8] == "Text 7 & mehr"
    with pytest.raises(IndexError):
        far[5_002]


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 7, 64, 1 << 16])
def test_an_item_far_ahead_is_counted_to_by_stretches_of_the_text(chunk, monkeypatch):
    """``_far`` counts the items of whole stretches of the text (``CHUNK`` bytes) before matching
    them one by one: whatever the stretch, an item cut by its edge and every form of "<si" (with
    attributes, empty, a line break) are counted once — the same item is found."""
    data = table(3_000).replace(b"<si><t>Text 700 ", b"<si/><si ><t>Text 700 ").replace(
        b"<si><t>Text 999 ", b"<si\n><t>Text 999 ").replace(b"<si><t>Text 1500 ", b'<si xml:space="x"><t>Text 1500 ')
    monkeypatch.setattr(SharedStrings, "CHUNK", chunk)
    far, near = SharedStrings(data), SharedStrings(data)
    wanted = [2_999, 1_501, 1_500, 1_000, 999, 3_000, 701, 700, 3_001, 2_000, 300]
    assert [far[i] for i in wanted] == [near[i] for i in wanted]
    assert far[1_501] == "Text 1500 & mehr" and far[700] == "" and far[1_000] == "Text 999 & mehr"
    assert len(far._texts) == 0                        # each found in the text


@pytest.mark.parametrize("change", [(b"<si><t>Text 2 ", b"<!-- <si> --><si><t>Text 2 "),
                                    (b"&amp; mehr</t></si><si><t>Text 3 ", b"<![CDATA[<si>]]></t></si><si><t>Text 3 "),
                                    (b"<sst xmlns=", b"<sst xmlns:x=")])
def test_a_table_whose_items_the_text_cannot_tell_is_parsed_in_order(change):
    data = table(1_000).replace(*change, 1)
    sst = SharedStrings(data)
    assert sst._data is None
    if b"xmlns:x" not in data:
        assert sst[999] == "Text 999 & mehr"
