"""The new file is read back before it replaces the original (``writer._verify``,
``archive.reads_back``): a sound file passes, and every way a member can be broken — a changed
byte in a deflated or a stored member, a wrong CRC or size in the directory (which
``ZipFile.testzip`` lets pass for a small or a stored member), a header not where the directory
says, a cut file, members out of order — is found and named, the original left as it is."""
from __future__ import annotations

import io
import random
import re
import struct
import zipfile
import zlib
from concurrent.futures import Future
from itertools import pairwise
from pathlib import Path

import pytest

from xl_addin.package import archive, blocks
from xl_addin.package.archive import Deflated
from xl_addin.package.errors import WorkbookError
from xl_addin.package.writer import _check_made, _verify


def workbook_zip(tmp_path, members: dict[str, bytes], stored: tuple[str, ...] = ()) -> str:
    path = tmp_path / "new.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for member, text in members.items():
            zf.writestr(member, text, zipfile.ZIP_STORED if member in stored else zipfile.ZIP_DEFLATED)
    return str(path)


def log_text(rows: int) -> bytes:
    rnd = random.Random(rows)
    return b"<worksheet><sheetData>" + b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>%x</t></is></c></row>' % (r, r, rnd.getrandbits(64))
        for r in range(1, rows + 1)) + b"</sheetData></worksheet>"


MEMBERS = {"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": log_text(60_000),
           "xl/worksheets/sheet2.xml": log_text(3_000), "xl/media/image1.png": bytes(range(256)) * 50}


def test_a_sound_file_reads_back(tmp_path):
    path = workbook_zip(tmp_path, MEMBERS, stored=("xl/media/image1.png",))
    _verify(path, list(MEMBERS), "Inkasso.xlsx")


def flip(path: str, member: str, at: float) -> None:
    """One byte of ``member``'s stream (``at``: where in it) changed on disk."""
    data = bytearray(Path(path).read_bytes())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(member)
    name_len, extra_len = struct.unpack("<HH", data[info.header_offset + 26:info.header_offset + 30])
    start = info.header_offset + 30 + name_len + extra_len
    data[start + int(info.compress_size * at)] ^= 0x55
    Path(path).write_bytes(bytes(data))


@pytest.mark.parametrize("member, at", [("xl/worksheets/sheet1.xml", 0.0), ("xl/worksheets/sheet1.xml", 0.5),
                                        ("xl/worksheets/sheet1.xml", 0.999), ("xl/worksheets/sheet2.xml", 0.3),
                                        ("xl/media/image1.png", 0.7)])
def test_a_changed_byte_is_found_and_named(tmp_path, member, at):
    path = workbook_zip(tmp_path, MEMBERS, stored=("xl/media/image1.png",))
    flip(path, member, at)
    said = f"Teil '{member}' hat eine falsche Prüfsumme — Original unverändert"
    with pytest.raises(WorkbookError, match=re.escape(said)):
        _verify(path, list(MEMBERS), "Inkasso.xlsx")


@pytest.mark.parametrize("member", list(MEMBERS))
@pytest.mark.parametrize("field, offset", [("CRC", 16), ("size", 24)])
def test_a_member_whose_crc_or_size_is_wrong_in_the_directory_is_found(tmp_path, member, field, offset):
    path = workbook_zip(tmp_path, MEMBERS, stored=("xl/media/image1.png",))
    data = bytearray(Path(path).read_bytes())
    entry = data.index(b"PK\x01\x02")                     # the directory's first entry, then the member's
    for _ in range(list(MEMBERS).index(member)):
        entry = data.index(b"PK\x01\x02", entry + 4)
    assert data[entry + 46:entry + 46 + len(member)] == member.encode()
    data[entry + offset] ^= 0x01
    Path(path).write_bytes(bytes(data))
    with pytest.raises(WorkbookError, match=re.escape(f"Teil '{member}'") + "|neue Datei fehlerhaft"):
        _verify(path, list(MEMBERS), "Inkasso.xlsx")


def test_a_header_not_where_the_directory_says_is_found(tmp_path):
    path = workbook_zip(tmp_path, MEMBERS)
    data = Path(path).read_bytes()
    for info in zipfile.ZipFile(io.BytesIO(data)).infolist():
        assert archive.reads_back(data, info)
        info.header_offset += 1
        assert not archive.reads_back(data, info)


def test_a_cut_file_or_members_out_of_order_are_refused(tmp_path):
    path = workbook_zip(tmp_path, MEMBERS)
    with pytest.raises(WorkbookError, match="neue Datei unvollständig"):
        _verify(path, list(reversed(MEMBERS)), "Inkasso.xlsx")
    data = Path(path).read_bytes()
    Path(path).write_bytes(data[:len(data) // 2])
    with pytest.raises(WorkbookError, match=r"neue Datei fehlerhaft|falsche Prüfsumme"):
        _verify(path, list(MEMBERS), "Inkasso.xlsx")


def test_a_member_read_back_before_it_was_written_must_be_those_bytes_on_disk(tmp_path):
    """A big member read back as soon as it was made (``_check_made``, while the worker still
    makes the Masterliste) is not inflated again at the end: the file must hold exactly the bytes
    that were read back, and its directory their CRC and sizes."""
    path = workbook_zip(tmp_path, MEMBERS)
    data = Path(path).read_bytes()
    infos = {i.filename: i for i in zipfile.ZipFile(io.BytesIO(data)).infolist()}
    member = "xl/worksheets/sheet1.xml"
    text = MEMBERS[member]
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    made = Deflated(packer.compress(text) + packer.flush(), zlib.crc32(text), len(text))
    as_written = archive.Archive.open(path).raw(infos[member])
    same = Deflated(as_written, zlib.crc32(text), len(text))
    assert archive.reads_back(data, infos[member], same)
    assert not archive.reads_back(data, infos[member], made)               # other bytes (level 9)
    assert not archive.reads_back(data, infos[member], Deflated(as_written, zlib.crc32(text) ^ 1, len(text)))
    assert not archive.reads_back(data, infos[member], Deflated(as_written, zlib.crc32(text), len(text) + 1))
    _verify(path, list(MEMBERS), "Inkasso.xlsx", {member: same})
    flip(path, member, 0.5)
    with pytest.raises(WorkbookError, match=re.escape(f"Teil '{member}' hat eine falsche Prüfsumme")):
        _verify(path, list(MEMBERS), "Inkasso.xlsx", {member: same})


def test_only_big_members_that_inflate_to_their_crc_count_as_read_back():
    text = log_text(60_000)
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    good = Deflated(packer.compress(text) + packer.flush(), zlib.crc32(text), len(text))
    small = Deflated(zlib.compress(b"<x/>")[2:-4], zlib.crc32(b"<x/>"), 4)
    wrong = Deflated(good.data, good.crc ^ 1, good.size)

    def done(value):
        future: Future = Future()
        future.set_result(value)
        return future
    pending: Future = Future()
    checked = _check_made({"good": done(good), "small": done(small), "wrong": done(wrong), "pending": pending})
    assert checked == ({"good": good} if blocks.available() else {})


def appended_log(rows: int = 60_000) -> tuple[bytes, Deflated]:
    """A run's new log member (a new dimension, a row appended) made from its old stream, the
    blocks of the rows kept copied (``deflate_stream`` with ``Kept``): (new text, as made)."""
    old = log_text(rows)
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    raw = packer.compress(old) + packer.flush()
    marked = blocks.inflate_marked(raw, len(old), zlib.crc32(old), ends=200_000)
    assert marked is not None
    body, end = old.index(b"<sheetData>") + 11, old.index(b"</sheetData>")
    head, row = b'<worksheet><dimension ref="A1:A%d"/><sheetData>' % (rows + 1), b'<row r="%d"/>' % (rows + 1)
    made = archive.deflate_stream([head, blocks.Kept(body, end), row, old[end:]],
                                  source=blocks.Source(old, raw, marked.blocks))
    return head + old[body:end] + row + old[end:], made


needs_blocks = pytest.mark.skipif(not blocks.available(), reason="no C zlib to find blocks with")


@needs_blocks
def test_a_member_with_copied_blocks_reads_back_from_its_new_pieces():
    """The run's log, its old blocks copied between a new head and a new end, reads back by
    inflating only what was compressed anew — its stretch of copied blocks counts with the size
    and CRC noted when the old stream was inflated — and comes out as a whole inflate does."""
    text, made = appended_log()
    assert zlib.decompress(made.data, -15) == text and (made.size, made.crc) == (len(text), zlib.crc32(text))
    assert len(made.copied) == 1 and made.inflated_bytes() < len(text) // 4
    assert archive.inflates_as_made(made)


@needs_blocks
@pytest.mark.parametrize("where", ["head", "end"])
def test_a_changed_byte_in_a_new_piece_of_a_member_with_copied_blocks_is_found(where):
    _, made = appended_log()
    c = made.copied[0]
    at = c.at // 2 if where == "head" else c.at + c.length + 3
    data = bytearray(made.data)
    data[at] ^= 0x55
    assert not archive.inflates_as_made(Deflated(bytes(data), made.crc, made.size, made.copied))


@needs_blocks
def test_a_member_with_copied_blocks_reads_back_only_as_made():
    """Its size, its CRC, the copied stretch's CRC and size and the text its end was primed with
    must all be right: each wrong one is found."""
    _, made = appended_log()
    c = made.copied[0]
    wrong = [Deflated(made.data, made.crc ^ 1, made.size, made.copied),
             Deflated(made.data, made.crc, made.size + 1, made.copied),
             Deflated(made.data, made.crc, made.size, (c._replace(crc=c.crc ^ 1),)),
             Deflated(made.data, made.crc, made.size, (c._replace(size=c.size - 1),)),
             Deflated(made.data, made.crc, made.size, (c._replace(window=bytes(len(c.window))),)),
             Deflated(made.data, made.crc, made.size, (c._replace(at=c.at + 1),))]
    assert not any(archive.inflates_as_made(w) for w in wrong)


@needs_blocks
def test_the_file_must_hold_a_member_with_copied_blocks_as_made(tmp_path):
    """``_verify`` reads a member with copied blocks back as made (not inflating the copied
    stretch) — the file must hold those very bytes: a byte changed on disk, or in what was made
    and written, is found and named."""
    _, made = appended_log()
    member = "xl/worksheets/sheet1.xml"
    members = {"[Content_Types].xml": archive.deflate(b"<Types/>"), member: made}

    def write(path: Path, chosen: dict[str, Deflated]) -> str:
        with open(path, "wb") as fh:
            out = archive.ArchiveWriter(fh)
            for name, deflated in chosen.items():
                out.write(name, deflated)
            out.close()
        return str(path)
    path = write(tmp_path / "new.xlsx", members)
    _verify(path, list(members), "Inkasso.xlsx", {}, members)
    flip(path, member, 0.999)
    with pytest.raises(WorkbookError, match=re.escape(f"Teil '{member}' hat eine falsche Prüfsumme")):
        _verify(path, list(members), "Inkasso.xlsx", {}, members)
    broken = bytearray(made.data)
    broken[made.copied[0].at + made.copied[0].length + 3] ^= 0x55     # made wrong, written as made
    bad = {**members, member: Deflated(bytes(broken), made.crc, made.size, made.copied)}
    path = write(tmp_path / "bad.xlsx", bad)
    with pytest.raises(WorkbookError, match=re.escape(f"Teil '{member}' hat eine falsche Prüfsumme")):
        _verify(path, list(bad), "Inkasso.xlsx", {}, bad)


@needs_blocks
def test_a_member_with_several_copied_stretches_reads_back_piece_by_piece():
    """A second run's Masterliste: rows edited here and there, the stretches between copied — each
    new piece between two copied stretches is inflated after the text before it; a changed byte in
    any of them is found."""
    old = log_text(80_000)
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    raw = packer.compress(old) + packer.flush()
    marked = blocks.inflate_marked(raw, len(old), zlib.crc32(old))
    assert marked is not None
    body, end = old.index(b"<sheetData>") + 11, old.index(b"</sheetData>")
    cuts = sorted({old.index(b'<row r="%d"' % r) for r in (20_000, 41_000, 60_500)})
    pieces: list = [old[:body]]
    text = [old[:body]]
    start = body
    for k, cut in enumerate(cuts):
        pieces += [blocks.Kept(start, cut), b'<row r="edited %d"/>' % k]
        text += [old[start:cut], b'<row r="edited %d"/>' % k]
        start = old.index(b"</row>", cut) + 6             # the edited row left out of what is kept
    pieces += [blocks.Kept(start, end), old[end:]]
    text += [old[start:end], old[end:]]
    made = archive.deflate_stream(pieces, source=blocks.Source(old, raw, marked.blocks))
    assert zlib.decompress(made.data, -15) == b"".join(text)
    assert len(made.copied) == 4 and archive.inflates_as_made(made)
    for before, after in pairwise(made.copied):                # each new piece between two copies
        data = bytearray(made.data)
        data[(before.at + before.length + after.at) // 2] ^= 0x55
        assert not archive.inflates_as_made(Deflated(bytes(data), made.crc, made.size, made.copied))
