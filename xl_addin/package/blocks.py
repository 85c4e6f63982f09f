"""Where the blocks of a member's deflate stream begin — so that a big member a run changes only
in places is not compressed again whole: the run's log (the Protokoll, 100,000 lines after a
few years) gets a new dimension at its start and rows at its end; a second run's Masterliste
(20 MB) changes in the few rows the agents edited. Every block of the old stream inside a
stretch of rows left as read is copied bit for bit (the method of zlib's examples/gzappend.c).

Finding the blocks takes zlib's ``inflate`` with Z_BLOCK, which Python's zlib module does not
offer: the C library itself through ctypes, where it is found (``libz.so.1`` on Linux, the
one Python's own zlib module uses). Without it (Windows' Python has zlib built in), the member
is deflated whole — the same text comes out either way, only slower
(tests/package/test_blocks.py).

A copied stretch of blocks is valid in the new stream when the 32 KB before it are the same
bytes as before it in the old one (deflate looks back at most 32 KB): the writer copies only
blocks that begin at least 32 KB into a stretch of the text it keeps (``copyable``).

The text's CRC-32 is taken as it is inflated, a call's output at a time while it is still in the
cache, and noted where each block begins: the CRC of a copied stretch then comes from two of those
(zlib's ``crc32_combine``) instead of another pass over its megabytes (``Blocks.crc_of``).
"""
from __future__ import annotations

import ctypes
import zlib
from array import array
from bisect import bisect_left, bisect_right
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NamedTuple

from .memsearch import address

WINDOW = 32 * 1024          # how far back deflate's matches reach
_Z_OK, _Z_STREAM_END, _Z_BLOCK = 0, 1, 5


class _ZStream(ctypes.Structure):
    """zlib's z_stream (zlib.h; inflateInit2_ checks its size against the library's)."""
    _fields_ = [("next_in", ctypes.c_void_p), ("avail_in", ctypes.c_uint), ("total_in", ctypes.c_ulong),
                ("next_out", ctypes.c_void_p), ("avail_out", ctypes.c_uint), ("total_out", ctypes.c_ulong),
                ("msg", ctypes.c_char_p), ("state", ctypes.c_void_p), ("zalloc", ctypes.c_void_p),
                ("zfree", ctypes.c_void_p), ("opaque", ctypes.c_void_p), ("data_type", ctypes.c_int),
                ("adler", ctypes.c_ulong), ("reserved", ctypes.c_ulong)]


def _load_zlib():
    """The C zlib with the functions used (and its crc32_combine, 64-bit lengths), or None."""
    for name in ("libz.so.1", "libz.1.dylib", "libz.so"):
        try:
            lib = ctypes.CDLL(name)          # calls let go of the GIL
        except OSError:
            continue
        try:
            lib.zlibVersion.restype = ctypes.c_char_p
            lib.inflateInit2_.argtypes = [ctypes.POINTER(_ZStream), ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
            lib.inflate.argtypes = [ctypes.POINTER(_ZStream), ctypes.c_int]
            lib.inflateEnd.argtypes = [ctypes.POINTER(_ZStream)]
            lib.crc32.restype = ctypes.c_ulong
            lib.crc32.argtypes = [ctypes.c_ulong, ctypes.c_void_p, ctypes.c_uint]
            combine = getattr(lib, "crc32_combine64", None) or lib.crc32_combine
            combine.restype = ctypes.c_ulong
            combine.argtypes = [ctypes.c_ulong, ctypes.c_ulong, ctypes.c_int64]
        except AttributeError:
            continue
        return lib, combine
    return None, None


_ZLIB, _CRC32_COMBINE = _load_zlib()


def available() -> bool:
    return _ZLIB is not None


def crc_combine(crc: int, then: int, length: int) -> int:
    """The CRC-32 of A + B from A's (``crc``), B's (``then``) and B's ``length`` (the C zlib's
    ``crc32_combine``; only where there are Blocks)."""
    combine = _CRC32_COMBINE
    assert combine is not None
    return combine(crc, then, length)


@dataclass(frozen=True)
class Blocks:
    """Where each block of a deflate stream begins: its first bit in the stream (``bits``,
    counted from the stream's first byte, lowest bit first), its first byte in the text
    (``starts``) and the CRC-32 of the text before it (``crcs``) — ascending, the first block
    at (0, 0, 0). ``crc`` and ``compressed``: the member's CRC-32 and compressed size (which
    stream they describe)."""
    bits: array
    starts: array
    crcs: array
    crc: int
    compressed: int

    def copyable(self, start: int, end: int) -> tuple[int, int] | None:
        """The blocks to copy for the kept stretch ``text[start:end]``: (first, last) block
        index, the blocks first … last-1 — the first beginning WINDOW bytes or more into the
        stretch on an even bit (``middle`` pads to it with empty blocks of 10 bits), the last
        beginning no later than ``end``; None when there is no such block."""
        starts, bits = self.starts, self.bits
        first = bisect_left(starts, start + WINDOW)
        last = bisect_right(starts, end) - 1
        while first < last and bits[first] & 1:
            first += 1
        return (first, last) if first < last else None

    def crc_of(self, first: int, last: int) -> int:
        """``zlib.crc32(text[starts[first]:starts[last]])`` without reading the text: the
        stretch's own CRC is the one before its end with the one before its start taken out
        (zlib's ``crc32_combine`` is linear: crc(A+B) = combine(crc(A), 0, |B|) ^ crc(B))."""
        combine = _CRC32_COMBINE
        assert combine is not None              # (there are no Blocks without the C zlib)
        return self.crcs[last] ^ combine(self.crcs[first], 0, self.starts[last] - self.starts[first])

    def middle(self, raw: bytes, first: int, last: int) -> bytes:
        """The blocks first … last-1 of the stream ``raw`` as a piece of a new stream that
        begins on a byte boundary and ends on one: empty fixed-code blocks (10 bits each) up to
        the first block's bit, its bits copied, then an empty stored block (3 bits, up to the
        byte's end, 00 00 FF FF — what zlib's Z_SYNC_FLUSH writes)."""
        p, q = self.bits[first], self.bits[last]
        lead = p & 7                                 # even: lead // 2 empty fixed blocks
        fill = sum(2 << (10 * k) for k in range(lead // 2))    # BFINAL 0, BTYPE 01, end-of-block 0000000
        out = bytearray(fill.to_bytes(-(-(lead * 5) // 8), "little"))   # 10 bits each, rounded up
        if lead:                                   # the last filler byte holds ``lead`` bits
            low = (1 << lead) - 1
            out[-1] = (out[-1] & low) | (raw[p >> 3] & ~low & 0xFF)
        else:
            out.append(raw[p >> 3])
        out += memoryview(raw)[(p >> 3) + 1:q >> 3]
        rest = q & 7
        if rest:
            out.append(raw[q >> 3] & ((1 << rest) - 1))
            if rest > 5:                             # the stored block's 3 bits do not fit
                out.append(0)
        else:
            out.append(0)
        out += b"\x00\x00\xff\xff"
        return bytes(out)


class Kept(NamedTuple):
    """A stretch of a part's text as read, given out as where it lies (``SheetPatcher.iter_xml``
    with ``kept=True``) so that its blocks may be copied (``archive.deflate_stream``)."""
    start: int
    end: int


@dataclass(frozen=True)
class Source:
    """What a part's new stream may copy blocks from: its text as read, the member's stream
    (``Archive.raw``) and where that stream's blocks begin."""
    text: bytes
    raw: bytes
    blocks: Blocks


@dataclass(frozen=True)
class MarkedText:
    """A member's text with the blocks of the stream it was inflated from."""
    text: bytes
    blocks: Blocks


def inflate_marked(raw: bytes, size: int, crc: int, ends: int | None = None) -> MarkedText | None:
    """The raw deflate stream ``raw`` inflated to its ``size`` bytes, with where its blocks
    begin; None when the C zlib is not at hand or the stream does not inflate to ``size``
    bytes of CRC ``crc`` (the caller reads the member as ever and reports what is wrong).
    With ``ends``, only the blocks beginning within that many bytes of the text's start or end
    are marked (a log: kept whole but for its two ends) — the stretch between is inflated in one
    call, where a call per block would wait for the GIL at each block's end (up to 5 ms each
    while another thread runs Python: a hundred blocks outlast the plan)."""
    if _ZLIB is None or not 0 < size < 1 << 32:
        return None
    text = _unfilled_bytes(size)
    quiet = (ends, size - ends) if ends is not None and size > 2 * ends else None
    found = _scan(raw, size, (ctypes.c_char * size).from_address(address(text)), quiet)
    if found is None or found[3] != crc:
        return None
    return MarkedText(text, Blocks(*found[:3], crc, len(raw)))


def find_blocks(raw: bytes, size: int, crc: int) -> Blocks | None:
    """Where the blocks of the raw deflate stream ``raw`` begin, its text not kept (inflated a
    megabyte at a time: the caller has it already, as read — ``crc`` is the member's, which that
    text was checked against, and the CRCs noted are that text's); None as ``inflate_marked``."""
    if _ZLIB is None or not 0 < size < 1 << 32:
        return None
    found = _scan(raw, size, ctypes.create_string_buffer(min(size, 1 << 20)))
    return None if found is None or found[3] != crc else Blocks(*found[:3], crc, len(raw))


def _scan(raw: bytes, size: int, target, quiet: tuple[int, int] | None = None
          ) -> tuple[array, array, array, int] | None:
    """Inflate ``raw`` into ``target`` (a ctypes buffer: the whole text, or a smaller one used
    over and over) stopping at each block's end (Z_BLOCK): the blocks' first bits, first bytes
    and the CRC before each, and the text's CRC; None unless it inflates to exactly ``size``
    bytes, all of ``raw`` used. ``quiet`` (the whole text's target only): from the first block
    end at or after its start, the text up to its end is inflated in one call, no block
    between marked."""
    assert quiet is None or len(target) == size
    bits, starts, crcs = array("q", [0]), array("q", [0]), array("Q", [0])
    crc = 0
    ended = False
    with _inflater(raw) as (lib, stream):
        if stream is None:
            return None
        while True:
            if stream.avail_out == 0:                    # (again) from the buffer's start
                stream.next_out = ctypes.addressof(target)
                stream.avail_out = len(target)
            before = (stream.total_in, stream.total_out)
            at = stream.next_out
            if quiet is not None and quiet[0] <= stream.total_out < quiet[1]:
                stream.avail_out = quiet[1] - stream.total_out
                rc = lib.inflate(ctypes.byref(stream), 0)              # Z_NO_FLUSH: up to quiet's end
                crc = lib.crc32(crc, at, stream.total_out - before[1])
                stream.avail_out = size - stream.total_out
                quiet = None
                if rc == _Z_STREAM_END:
                    ended = True
                    break
                if rc != _Z_OK or before == (stream.total_in, stream.total_out):
                    break
                continue
            rc = lib.inflate(ctypes.byref(stream), _Z_BLOCK)
            crc = lib.crc32(crc, at, stream.total_out - before[1])     # while it is in the cache
            if rc == _Z_STREAM_END:
                ended = True
                break
            if rc != _Z_OK or before == (stream.total_in, stream.total_out) or stream.total_out > size:
                break
            kind = stream.data_type
            if kind & 128 and not kind & 64:         # after a block's end: the next one's header
                bits.append(stream.total_in * 8 - (kind & 7))
                starts.append(stream.total_out)
                crcs.append(crc)
        if not ended or stream.total_out != size or stream.total_in != len(raw):
            return None
    if starts[-1] == size:                          # no block begins at the text's end
        bits.pop()
        starts.pop()
        crcs.pop()
    return bits, starts, crcs, crc


# A bytes object made to be filled, as C code makes one (PyBytes_FromStringAndSize with no
# source: its bytes not even zeroed), and filled before anything else sees it — the text
# inflated straight into it instead of into a buffer copied afterwards (28 MB for a long
# Protokoll: a copy and as many fresh pages again).
_NEW_BYTES = ctypes.pythonapi.PyBytes_FromStringAndSize
_NEW_BYTES.restype = ctypes.py_object
_NEW_BYTES.argtypes = [ctypes.c_char_p, ctypes.c_ssize_t]


def _unfilled_bytes(size: int) -> bytes:
    return _NEW_BYTES(None, size)


def inflate_into(raw: bytes, target: bytearray, step: int, done) -> bool:
    """The raw deflate stream ``raw`` inflated into ``target`` (exactly its length) ``step`` bytes
    at a time — each one call of zlib's inflate, the GIL let go — telling ``done(n)`` after each
    that the first n bytes are there (a reader looks at them while the rest is inflated). False
    when the C zlib is not at hand (nothing done) or the stream does not fill ``target``
    exactly, all of ``raw`` used."""
    size = len(target)
    if not 0 < size < 1 << 32:
        return False
    buffer = (ctypes.c_char * size).from_buffer(target)
    ended = False
    with _inflater(raw) as (lib, stream):
        if stream is None:
            return False
        stream.next_out = ctypes.addressof(buffer)
        while stream.total_out < size:
            stream.avail_out = min(step, size - stream.total_out)
            before = stream.total_out
            rc = lib.inflate(ctypes.byref(stream), 0)          # Z_NO_FLUSH
            if rc not in (_Z_OK, _Z_STREAM_END) or stream.total_out == before:
                break
            done(stream.total_out)
            if rc == _Z_STREAM_END:
                ended = True
                break
        if not ended and stream.total_out == size and stream.avail_in:
            stream.avail_out = 0                             # the end of the stream, nothing more
            ended = lib.inflate(ctypes.byref(stream), 0) == _Z_STREAM_END
        whole = ended and stream.total_out == size and stream.total_in == len(raw)
    del buffer                                               # (``target`` may grow or shrink again)
    return whole


def inflates_to(raw: bytes, size: int, crc: int) -> bool | None:
    """Does the raw deflate stream ``raw`` inflate to exactly ``size`` bytes of CRC ``crc``, all
    of it used? One call of zlib's inflate (the GIL let go throughout: a thread that runs Python
    meanwhile does not make it wait at every step). None when the C zlib is not at hand."""
    if _ZLIB is None or not 0 < size < 1 << 32:
        return None
    target = bytearray(size)
    return inflate_into(raw, target, size, _nothing) and zlib.crc32(target) == crc


def _nothing(_: int) -> None:
    return None


@contextmanager
def _inflater(raw: bytes):
    """(the C zlib, a raw inflate stream reading ``raw``) for the ``with`` block, ended after it;
    (None, None) when the library is not at hand or ``raw`` is too long for one stream."""
    lib = _ZLIB
    stream = _ZStream()
    if lib is None or len(raw) >= 1 << 32 or lib.inflateInit2_(
            ctypes.byref(stream), -15, lib.zlibVersion(), ctypes.sizeof(_ZStream)) != _Z_OK:
        yield None, None
        return
    source = ctypes.c_char_p(raw)                    # bytes: no copy (held until the end)
    stream.next_in = ctypes.cast(source, ctypes.c_void_p)
    stream.avail_in = len(raw)
    try:
        yield lib, stream
    finally:
        lib.inflateEnd(ctypes.byref(stream))
