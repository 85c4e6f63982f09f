"""A big rewritten part is deflated in pieces at once (pigz's way): the pieces must make one
valid deflate stream that inflates to the part — checked with zlib and with zipfile reading a
member stored so."""
from __future__ import annotations

import io
import random
import zipfile
import zlib

import pytest
from hypothesis import given, settings, strategies as st

from xl_addin.package.archive import ArchiveWriter, deflate


def inflate(raw: bytes) -> bytes:
    unpacker = zlib.decompressobj(-15)
    out = unpacker.decompress(raw) + unpacker.flush()
    assert unpacker.eof and not unpacker.unused_data
    return out


def sheet_like(n: int, seed: int) -> bytes:
    rnd = random.Random(seed)
    rows = [f'<row r="{r}"><c r="A{r}" t="s"><v>{rnd.randrange(50)}</v></c><c r="B{r}"><v>{rnd.random()}</v></c></row>'
            for r in range(1, n + 1)]
    return ("<sheetData>" + "".join(rows) + "</sheetData>").encode()


@pytest.mark.parametrize("pieces", [2, 3, 4, 7])
def test_pieces_make_one_stream_that_inflates_to_the_part(pieces):
    data = sheet_like(20_000, pieces)
    whole, parts = deflate(data, pieces=1), deflate(data, pieces=pieces)
    assert inflate(parts.data) == data
    assert (parts.crc, parts.size) == (whole.crc, whole.size)
    assert len(parts.data) < len(whole.data) * 1.01        # primed pieces lose next to nothing


@settings(max_examples=60, deadline=None)
@given(data=st.binary(min_size=0, max_size=200_000), pieces=st.integers(1, 5))
def test_any_bytes_in_any_pieces(data, pieces):
    assert inflate(deflate(data, pieces=pieces).data) == data


def test_zipfile_reads_a_member_deflated_in_pieces():
    data = sheet_like(30_000, 1)
    buf = io.BytesIO()
    out = ArchiveWriter(buf)
    out.write("xl/worksheets/sheet1.xml", deflate(data, pieces=4))
    out.close(b"")
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zf:
        assert zf.testzip() is None
        assert zf.read("xl/worksheets/sheet1.xml") == data


def test_a_part_deflated_as_it_is_made_is_the_same_part():
    from xl_addin.package.archive import deflate_stream
    data = sheet_like(30_000, 2)
    pieces = [data[i:i + 777] for i in range(0, len(data), 777)]
    streamed = deflate_stream(memoryview(p) for p in pieces)
    assert inflate(streamed.data) == data
    assert (streamed.crc, streamed.size) == (zlib.crc32(data), len(data))
    assert len(streamed.data) < len(deflate(data, pieces=1).data) * 1.01   # primed chunks lose next to nothing
    assert inflate(deflate_stream([]).data) == b""
    buf = io.BytesIO()
    out = ArchiveWriter(buf)
    out.write("xl/worksheets/sheet1.xml", streamed)
    out.close(b"")
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zf:
        assert zf.testzip() is None and zf.read("xl/worksheets/sheet1.xml") == data



@settings(max_examples=40, deadline=None)
@given(data=st.binary(min_size=0, max_size=300_000), cut=st.integers(1, 70_000), workers=st.integers(1, 3))
def test_a_part_deflated_as_it_is_made_inflates_to_the_part_whatever_its_pieces(data, cut, workers):
    """Chunks deflated side by side, each primed with the 32 KB before it, the stream ended by an
    empty final block."""
    from xl_addin.package import archive
    old, archive.STREAM_CHUNK = archive.STREAM_CHUNK, 50_000
    try:
        packed = archive.deflate_stream((data[i:i + cut] for i in range(0, len(data), cut)), workers=workers)
    finally:
        archive.STREAM_CHUNK = old
    assert inflate(packed.data) == data
    assert (packed.crc, packed.size) == (zlib.crc32(data), len(data))
