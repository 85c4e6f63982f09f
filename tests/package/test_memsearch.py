"""memsearch answers as Python's own search does, memmem or not."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from xl_addin.package import memsearch


@pytest.fixture(params=["memmem", "python"])
def searcher(request, monkeypatch):
    if request.param == "memmem":
        if memsearch._MEMMEM is None:
            pytest.skip("no memmem in this C library")
        monkeypatch.setattr(memsearch, "FROM", 0)           # every text through memmem
    else:
        monkeypatch.setattr(memsearch, "_MEMMEM", None)
    return memsearch


ALPHABET = st.sampled_from([b"<", b"f", b">", b"a", b" ", b"\x00", b"\xff", b"M"])


@settings(max_examples=300, deadline=None)
@given(data=st.lists(ALPHABET, max_size=300).map(b"".join),
       needle=st.lists(ALPHABET, min_size=1, max_size=6).map(b"".join), start=st.integers(-5, 320),
       end=st.one_of(st.none(), st.integers(-5, 320)))
def test_find_and_contains_as_python(data, needle, start, end):
    for searcher in ("memmem", "python"):
        saved = memsearch._MEMMEM, memsearch.FROM
        try:
            if searcher == "python":
                memsearch._MEMMEM = None
            else:
                memsearch.FROM = 0
            assert memsearch.find(data, needle, start) == data.find(needle, start)
            assert memsearch.find(data, needle, start, end) == data.find(needle, start, end)
            assert memsearch.contains(data, needle) == (needle in data)
        finally:
            memsearch._MEMMEM, memsearch.FROM = saved


def test_a_big_text(searcher):
    text = b'<row r="1"><c r="A1" t="s"><v>1</v></c></row>' * 40_000
    needle = b"Masterliste"
    assert not searcher.contains(text, needle)
    at = len(text) - 5_000
    placed = text[:at] + needle + text[at:]
    assert searcher.find(placed, needle) == at
    assert searcher.find(placed, needle, at) == at
    assert searcher.find(placed, needle, at + 1) == -1
    assert searcher.find(placed, needle, 0, at + len(needle)) == at
    assert searcher.find(placed, needle, 0, at + len(needle) - 1) == -1
    assert searcher.find(placed, b"<v>2") == -1
    assert searcher.contains(placed, b"</row><row")


def test_not_bytes_is_searched_by_python(searcher):
    text = bytearray(b"x" * (200 << 10) + b"<formula")
    assert searcher.find(text, b"<formula") == 200 << 10
