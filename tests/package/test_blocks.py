"""A big member a run changes only at its ends (the Protokoll: a new dimension at its start, rows
appended at its end) keeps the blocks of its old deflate stream in between, copied bit for bit
(``package.blocks``). Whatever the stream's maker, its blocks' bit offsets and the kept stretch,
the new stream must inflate to exactly the new text — and the member must come out of a run as
it does when it is deflated whole."""
from __future__ import annotations

import random
import zipfile
import zlib

import pytest
import xlsxwriter

from xl_addin.core.plan import Plan, RowAppend, RowDelete
from xl_addin.package import apply_plan, blocks, read_workbook_as_is
from xl_addin.package.archive import COPY_BLOCKS_FROM, Archive, deflate_stream
from xl_addin.package.blocks import Kept, Source, find_blocks, inflate_marked

pytestmark = pytest.mark.skipif(not blocks.available(), reason="no C zlib to find blocks with")


def sheet_text(rows: int, seed: int = 1) -> bytes:
    """Rows as a log's: repetitive, with some variety (so blocks of several kinds come out)."""
    rnd = random.Random(seed)
    words = ["Mahnung", "Inkasso", "Freigabe", "Diagonal", "Debtist", "bezahlt", "storniert", "offen"]
    out = [b'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet><dimension ref="A1:D%d"/><sheetData>' % rows]
    for r in range(1, rows + 1):
        text = " ".join(rnd.choice(words) for _ in range(rnd.randint(1, 6)))
        out.append(b'<row r="%d"><c r="A%d"><v>%d</v></c><c r="B%d" t="inlineStr"><is><t>%s</t></is></c></row>'
                   % (r, r, rnd.randint(1, 10**9), r, text.encode()))
    out.append(b"</sheetData></worksheet>")
    return b"".join(out)


def raw_deflate(data: bytes, level: int = 6, strategy: int = zlib.Z_DEFAULT_STRATEGY, mem: int = 8) -> bytes:
    packer = zlib.compressobj(level, zlib.DEFLATED, -15, mem, strategy)
    return packer.compress(data) + packer.flush()


def inflate(raw: bytes) -> bytes:
    return zlib.decompress(raw, -15)


TEXT = sheet_text(40_000)


@pytest.mark.parametrize("level, strategy, mem", [
    (1, zlib.Z_DEFAULT_STRATEGY, 8), (6, zlib.Z_DEFAULT_STRATEGY, 8), (9, zlib.Z_FILTERED, 9),
    (6, zlib.Z_HUFFMAN_ONLY, 8), (6, zlib.Z_RLE, 8), (6, zlib.Z_FIXED, 8), (0, zlib.Z_DEFAULT_STRATEGY, 8),
    (5, zlib.Z_DEFAULT_STRATEGY, 1)])
def test_the_blocks_found_are_where_the_stream_can_be_cut(level, strategy, mem):
    """Every block found begins where a stream can go on: the stream up to it, an empty stored
    block, then a fresh stream primed with the 32 KB before it, inflates to the text — for streams
    of every kind zlib makes (stored, fixed and dynamic codes, many or few blocks)."""
    raw = raw_deflate(TEXT, level, strategy, mem)
    marked = inflate_marked(raw, len(TEXT), zlib.crc32(TEXT))
    assert marked is not None and marked.text == TEXT
    found = marked.blocks
    assert find_blocks(raw, len(TEXT), zlib.crc32(TEXT)) == found        # the text not kept: the same
    assert found.bits[0] == 0 and found.starts[0] == 0 and len(found.bits) == len(found.starts) > 3
    assert list(found.starts) == sorted(set(found.starts)) and list(found.bits) == sorted(set(found.bits))
    for k in random.Random(level).sample(range(1, len(found.bits)), min(6, len(found.bits) - 1)):
        p, u = found.bits[k], found.starts[k]
        head = int.from_bytes(raw[:-(-p // 8)], "little") & ((1 << p) - 1)       # the stream before block k
        stored = head.to_bytes(-(-(p + 3) // 8), "little") + b"\x00\x00\xff\xff"  # + empty stored block
        packer = zlib.compressobj(5, zlib.DEFLATED, -15, 8, zlib.Z_DEFAULT_STRATEGY, TEXT[max(0, u - 32768):u])
        assert inflate(stored + packer.compress(TEXT[u:]) + packer.flush()) == TEXT
    assert type(marked.text) is bytes


@pytest.mark.parametrize("level, ends", [(1, 20_000), (6, 100_000), (0, 300_000), (6, 10**9)])
def test_a_log_has_only_the_blocks_near_its_ends_marked(level, ends):
    """A log's text (``ends``) comes out the same, with the blocks that begin within ``ends``
    bytes of its start or end marked (one beginning right at the end of the stretch between
    may not be) and none between but the first after the head; a text not longer than twice
    ``ends`` has every block marked. A copy of its kept middle inflates to the new text."""
    raw = raw_deflate(TEXT, level)
    every = inflate_marked(raw, len(TEXT), zlib.crc32(TEXT)).blocks
    marked = inflate_marked(raw, len(TEXT), zlib.crc32(TEXT), ends)
    assert marked is not None and marked.text == TEXT and type(marked.text) is bytes
    found = marked.blocks
    all_of = {u: (p, c) for u, p, c in zip(every.starts, every.bits, every.crcs, strict=True)}
    assert all(all_of[u] == (p, c) for u, p, c in zip(found.starts, found.bits, found.crcs, strict=True))
    if len(TEXT) <= 2 * ends:
        assert found == every
        return
    first_after_head = next(u for u in every.starts if u >= ends)
    assert [u for u in every.starts if u <= first_after_head or u > len(TEXT) - ends] == \
        [u for u in found.starts if u <= first_after_head or u > len(TEXT) - ends]
    assert not [u for u in found.starts if first_after_head < u < len(TEXT) - ends]
    body, end = TEXT.index(b"<sheetData>") + 11, TEXT.index(b"</sheetData>")
    out = deflate_stream([TEXT[:body].replace(b"A1:D40000", b"A1:D40001"), Kept(body, end),
                          b'<row r="40001"/>', TEXT[end:]], source=Source(TEXT, raw, found))
    assert inflate(out.data) == TEXT.replace(b"A1:D40000", b"A1:D40001").replace(b"</sheetData>",
                                                                                 b'<row r="40001"/></sheetData>')


@pytest.mark.parametrize("level", [0, 1, 6])
def test_the_crc_of_a_stretch_of_blocks_comes_from_the_crcs_noted_while_inflating(level):
    """The CRC before each block is the text's up to there, and ``crc_of`` of a stretch of
    blocks, combined with any CRC before it, continues that CRC as reading the stretch would."""
    raw = raw_deflate(TEXT, level)
    found = inflate_marked(raw, len(TEXT), zlib.crc32(TEXT)).blocks
    assert len(found.crcs) == len(found.starts)
    assert all(found.crcs[k] == zlib.crc32(TEXT[:found.starts[k]]) for k in range(len(found.starts)))
    rnd = random.Random(level)
    for _ in range(20):
        first, last = sorted(rnd.sample(range(len(found.starts)), 2))
        before = rnd.getrandbits(32)
        stretch = TEXT[found.starts[first]:found.starts[last]]
        assert found.crc_of(first, last) == zlib.crc32(stretch)
        assert blocks.crc_combine(before, found.crc_of(first, last), len(stretch)) == zlib.crc32(stretch, before)
    assert found.crc_of(3, 3) == 0 and blocks.crc_combine(7, 0, 0) == 7


def test_a_stretch_of_blocks_copied_between_new_pieces_inflates_to_the_new_text():
    """``Blocks.middle`` for stretches starting on every even bit and ending on every bit: the
    new head (compressed anew, ending on a byte), the copied blocks, the new tail (primed with
    the 32 KB before it) inflate to head + stretch + tail."""
    text = TEXT[:400_000]
    raw = raw_deflate(text, 5, mem=1)                       # small blocks: many to choose from
    found = inflate_marked(raw, len(text), zlib.crc32(text)).blocks
    leads, rests = set(), set()
    for first in range(1, len(found.bits) - 1):
        if found.bits[first] & 1 or found.starts[first] < 32768:
            continue
        for last in (first + 1, len(found.bits) - 1):
            u, v = found.starts[first], found.starts[last]
            head = b"<new head, longer than before>" + text[:u]
            packer = zlib.compressobj(1, zlib.DEFLATED, -15)
            fresh = packer.compress(head) + packer.flush(zlib.Z_SYNC_FLUSH)
            tail = text[v:] + b"<appended/>" * 100
            packer = zlib.compressobj(1, zlib.DEFLATED, -15, 8, zlib.Z_DEFAULT_STRATEGY, text[v - 32768:v])
            stream = fresh + found.middle(raw, first, last) + packer.compress(tail) + packer.flush()
            assert inflate(stream) == head + text[u:v] + tail
            leads.add(found.bits[first] & 7)
            rests.add(found.bits[last] & 7)
    assert leads == {0, 2, 4, 6} and rests == set(range(8))   # every way the bits can fall


@pytest.mark.parametrize("workers", [1, 2])
def test_deflate_stream_copies_the_blocks_of_a_kept_stretch(workers):
    """``deflate_stream`` given kept stretches of the text (``Kept``) and the old stream: the
    new stream inflates to the new text, carries the old stream's blocks in the big stretches
    and compresses the small ones anew."""
    raw = raw_deflate(TEXT, 6)
    marked = inflate_marked(raw, len(TEXT), zlib.crc32(TEXT))
    source = Source(TEXT, raw, marked.blocks)
    body_start = TEXT.index(b"<sheetData>") + len(b"<sheetData>")
    cut = TEXT.index(b'<row r="20000">')
    end = TEXT.index(b"</sheetData>")
    pieces = [TEXT[:body_start].replace(b"A1:D40000", b"A1:D40003"), Kept(body_start, cut),
              b'<row r="19999"><c r="A19999"><v>1</v></c></row>', Kept(cut, end), Kept(end - 10, end),
              b"<row r=\"40001\"/>" * 3, TEXT[end:]]
    expected = b"".join(TEXT[p.start:p.end] if isinstance(p, Kept) else p for p in pieces)
    out = deflate_stream(iter(pieces), workers=workers, source=source)
    assert inflate(out.data) == expected and out.crc == zlib.crc32(expected) and out.size == len(expected)
    first, last = marked.blocks.copyable(body_start, cut)
    p, q = marked.blocks.bits[first], marked.blocks.bits[last]
    assert raw[p // 8 + 1:q // 8] in out.data                 # the old blocks, not compressed again
    small = deflate_stream(iter([TEXT[:100], Kept(100, 100 + COPY_BLOCKS_FROM - 1), TEXT[100 + COPY_BLOCKS_FROM - 1:]]),
                           source=source)
    assert inflate(small.data) == TEXT


def test_a_stream_that_does_not_inflate_to_its_size_and_crc_is_not_marked():
    raw = raw_deflate(TEXT)
    assert find_blocks(raw, len(TEXT) - 1, 0) is None and find_blocks(raw[:-100], len(TEXT), 0) is None
    assert inflate_marked(raw, len(TEXT) - 1, zlib.crc32(TEXT)) is None
    assert inflate_marked(raw, len(TEXT), zlib.crc32(TEXT) ^ 1) is None
    assert find_blocks(raw, len(TEXT), zlib.crc32(TEXT) ^ 1) is None
    assert inflate_marked(raw[:-100], len(TEXT), zlib.crc32(TEXT)) is None
    assert inflate_marked(raw + b"\x00", len(TEXT), zlib.crc32(TEXT)) is None
    broken = bytearray(raw)
    broken[len(raw) // 2] ^= 0xFF
    assert inflate_marked(bytes(broken), len(TEXT), zlib.crc32(TEXT)) is None


# --- in a run: the Protokoll --------------------------------------------------------------

def log_book(path, lines: int):
    """A workbook as Excel leaves it, with a long Protokoll (shared strings, no inline text)."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Masterliste")
    ws.write_row(0, 0, ["order_id", "Name"])
    for i in range(20):
        ws.write_row(i + 1, 0, [10000001 + i, f"Kunde {i}"])
    log = wb.add_worksheet("Protokoll")
    log.write_row(0, 0, ["Zeitpunkt", "Aktion", "Bestellung", "Notiz"])
    rnd = random.Random(7)
    for r in range(1, lines + 1):
        log.write_row(r, 0, [f"2026-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d} 09:00",
                             rnd.choice(["Mahnung", "Freigabe", "Inkasso", "bezahlt"]), 10000000 + r,
                             f"Notiz {rnd.randint(1, 5000)}"])
    ws2 = wb.add_worksheet("Warten")
    ws2.write_row(0, 0, ["order_id"])
    for i in range(5):
        ws2.write_row(i + 1, 0, [20000001 + i])
    wb.close()
    return path


PLAN = Plan(appends=[RowAppend("Protokoll", [["2026-12-05 06:00", "Lauf", 10000001 + i, "neu"] for i in range(40)])],
            deletions=[RowDelete("Warten", (3,))])


def member(path, name):
    with zipfile.ZipFile(path) as zf:
        return zf.read(name), zf.getinfo(name)


def test_a_run_appending_to_a_long_protokoll_copies_its_blocks_and_writes_what_a_whole_deflate_would(tmp_path):
    """The Protokoll inflated aside (``ahead=``) with its blocks; the run writes its text exactly
    as without them (the other file), the member a valid stream — its old blocks copied."""
    whole, copied = log_book(tmp_path / "whole.xlsx", 60_000), log_book(tmp_path / "copied.xlsx", 60_000)
    part = "xl/worksheets/sheet2.xml"
    archive = Archive.open(copied)
    info = archive.info(part)
    raw_before = archive.raw(info)
    assert info.file_size > 2 * COPY_BLOCKS_FROM
    _, read_as = read_workbook_as_is(whole, lambda names: ["Masterliste"])
    apply_plan(whole, PLAN, backups=0, read_as=read_as)
    texts: dict = {}
    _, read_as = read_workbook_as_is(copied, lambda names: ["Masterliste"], texts=texts, ahead=lambda: ["Protokoll"])
    assert isinstance(texts[part].result(), blocks.MarkedText)
    apply_plan(copied, PLAN, backups=0, read_as=read_as, texts=texts)
    (text, new_info), (expected, _) = member(copied, part), member(whole, part)
    assert text == expected and b'<row r="60041"' in text and b'ref="A1:D60041"' in text
    with zipfile.ZipFile(copied) as zf:
        assert zf.testzip() is None
    marked = inflate_marked(raw_before, info.file_size, info.CRC)
    first, last = marked.blocks.copyable(text.index(b'<row r="2"'), text.index(b'<row r="60001"'))
    p, q = marked.blocks.bits[first], marked.blocks.bits[last]
    assert Archive.open(copied).raw(new_info).find(raw_before[p // 8 + 1:q // 8]) > 0
    for name in zipfile.ZipFile(whole).namelist():
        if name not in (part, "docProps/core.xml"):
            assert member(copied, name)[0] == member(whole, name)[0], name


def test_without_the_c_zlib_the_protokoll_is_deflated_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(blocks, "_ZLIB", None)
    whole, plain = log_book(tmp_path / "whole.xlsx", 30_000), log_book(tmp_path / "plain.xlsx", 30_000)
    _, read_as = read_workbook_as_is(whole, lambda names: ["Masterliste"])
    apply_plan(whole, PLAN, backups=0, read_as=read_as)
    texts: dict = {}
    _, read_as = read_workbook_as_is(plain, lambda names: ["Masterliste"], texts=texts, ahead=lambda: ["Protokoll"])
    assert isinstance(texts["xl/worksheets/sheet2.xml"].result(), bytes)
    apply_plan(plain, PLAN, backups=0, read_as=read_as, texts=texts)
    assert member(plain, "xl/worksheets/sheet2.xml") [0] == member(whole, "xl/worksheets/sheet2.xml")[0]


def test_a_second_run_keeps_the_blocks_of_the_rows_it_leaves_alone(tmp_path):
    """A big sheet handed over as read (``texts``) whose run changes a few rows (a second run's
    Masterliste): the blocks of its untouched stretches are found meanwhile and copied; the
    sheet comes out as when it is deflated whole."""
    from xl_addin.core.plan import CellWrite, RowFill
    plan = Plan(writes=[CellWrite("Masterliste", r, 2, f"neu {r}") for r in (3, 9000, 17000)],
                fills=[RowFill("Masterliste", r, (1, 2), "FFFF00") for r in (3, 9000, 17000)],
                product_colours=frozenset({"FFFF00"}))

    def book(path):
        wb = xlsxwriter.Workbook(str(path))
        ws = wb.add_worksheet("Masterliste")
        rnd = random.Random(3)
        for r in range(30_000):
            ws.write_row(r, 0, [10000000 + r, f"Kunde {rnd.randint(1, 10**6)}", rnd.random() * 1000,
                                f"Straße {rnd.randint(1, 99)}, {rnd.randint(10000, 99999)} Stadt"])
        wb.close()
        return path

    whole, copied = book(tmp_path / "whole.xlsx"), book(tmp_path / "copied.xlsx")
    part = "xl/worksheets/sheet1.xml"
    apply_plan(whole, plan, backups=0)
    raw_before = Archive.open(copied).raw(Archive.open(copied).info(part))
    texts: dict = {}
    _, read_as = read_workbook_as_is(copied, texts=texts)
    assert len(texts[part]) >= 2 << 20
    apply_plan(copied, plan, backups=0, read_as=read_as, texts=texts)
    assert member(copied, part)[0] == member(whole, part)[0]
    with zipfile.ZipFile(copied) as zf:
        assert zf.testzip() is None
    new_raw = Archive.open(copied).raw(Archive.open(copied).info(part))
    text = inflate(raw_before)                              # as read
    found = find_blocks(raw_before, len(text), zlib.crc32(text))
    first, last = found.copyable(text.index(b'<row r="9001"'), text.index(b'<row r="17000"'))
    assert raw_before[found.bits[first] // 8 + 1:found.bits[last] // 8] in new_raw     # old blocks, as they were


@pytest.mark.parametrize("step", [1, 1000, 1 << 20, 1 << 30])
def test_a_stream_inflated_into_a_buffer_a_step_at_a_time(step):
    """``inflate_into`` (a big sheet is looked at while it is inflated): the whole text, each step
    told as it is there; a buffer of another length, a cut or longer stream: False."""
    text = TEXT[:200_000]
    raw = raw_deflate(text)
    seen: list[int] = []
    target = bytearray(len(text))
    assert blocks.inflate_into(raw, target, step, seen.append) and bytes(target) == text
    assert seen == sorted(seen) and seen[-1] == len(text) and len(seen) >= min(len(text) // step, 50)
    for wrong_raw, length in ((raw, len(text) - 1), (raw, len(text) + 1), (raw[:-50], len(text)),
                              (raw + b"\x00", len(text))):
        assert not blocks.inflate_into(wrong_raw, bytearray(length), step, lambda n: None)
