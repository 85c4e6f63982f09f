"""A writer for OLE compound files ([MS-CFB]), the container of ``vbaProject.bin``.

Version 3 files: 512-byte sectors, 64-byte mini sectors, mini-stream cutoff 4096 bytes.
Streams shorter than 4096 bytes live in the mini stream (chained by the mini FAT), the others
in regular sectors (chained by the FAT). Up to 109 FAT sectors are listed in the header's
DIFAT, more in DIFAT sectors. Each storage's children form a red-black tree ordered by the
[MS-CFB] comparison rule (shorter name first, then the upper-cased UTF-16 code units); we build
it balanced and colour the incomplete deepest level red, so every rule of the spec holds.

The output depends on the content only: no timestamps, zero CLSIDs and state bits, the
directory in pre-order with each storage's children sorted, sectors in a fixed order
(FAT, DIFAT, directory, mini FAT, mini stream, large streams). The same tree therefore always
gives the same bytes, whatever order the caller lists it in.

    write_compound_file(path, {("PROJECT",): b"...", ("VBA", "dir"): b"..."})

Written for xl_addin (replacing the AGPL ``cfbwrite``); verified against ``olefile``.
"""
from __future__ import annotations

import os
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..files import atomic_write_bytes

__all__ = ["CompoundFileError", "StreamTree", "compound_file", "name_order_key", "write_compound_file"]

SECTOR_SIZE = 512
MINI_SECTOR_SIZE = 64
MINI_STREAM_CUTOFF = 4096
ENTRY_SIZE = 128
IDS_PER_SECTOR = SECTOR_SIZE // 4            # 128 sector numbers in a FAT/mini FAT sector
HEADER_DIFAT = 109                           # FAT sector numbers held by the header
IDS_PER_DIFAT_SECTOR = IDS_PER_SECTOR - 1    # the last one points to the next DIFAT sector
MAX_NAME_UNITS = 31                          # UTF-16 code units, plus the terminating NUL
MAX_STREAM_SIZE = 0x80000000                 # version 3 limit for a stream's size

MAXREGSECT = 0xFFFFFFFA
DIFSECT = 0xFFFFFFFC
FATSECT = 0xFFFFFFFD
ENDOFCHAIN = 0xFFFFFFFE
FREESECT = 0xFFFFFFFF
NOSTREAM = 0xFFFFFFFF

SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
ROOT_NAME = "Root Entry"
ILLEGAL_NAME_CHARS = frozenset("/\\:!\x00")

TYPE_STORAGE, TYPE_STREAM, TYPE_ROOT = 1, 2, 5
RED, BLACK = 0, 1

# path -> stream bytes, or None for a storage (storages on a stream's path need no entry);
# a path is one name or a tuple/sequence of names (Mapping keys are invariant, hence the union)
StreamTree = (Mapping[str, bytes | None] | Mapping[tuple[str, ...], bytes | None]
              | Mapping[str | Sequence[str], bytes | None])


class CompoundFileError(ValueError):
    """The tree cannot be written as a compound file (bad name, clash, too large)."""


def name_order_key(name: str) -> tuple[int, bytes]:
    """The [MS-CFB] 2.6.4 sibling order: shorter name first, then code unit by code unit of
    the upper-cased UTF-16 names (simple case mapping: a character whose upper case is more
    than one character, such as ``ß``, stays as it is)."""
    upper = "".join(u if len(u := c.upper()) == 1 else c for c in name)
    return len(name.encode("utf-16-le")), upper.encode("utf-16-be")


@dataclass(eq=False)
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: dict[tuple[int, bytes], _Entry] = field(default_factory=dict)
    sid: int = 0
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    color: int = BLACK
    start: int = ENDOFCHAIN     # a storage's is 0 ([MS-CFB] 2.6.3), an empty stream's ENDOFCHAIN
    size: int = 0


def _check_name(name: object, path: tuple) -> str:
    if not isinstance(name, str) or not name:
        raise CompoundFileError(f"empty or non-text name in {path!r}")
    bad = ILLEGAL_NAME_CHARS.intersection(name)
    if bad:
        raise CompoundFileError(f"name {name!r} contains {''.join(sorted(bad))!r}")
    try:
        units = len(name.encode("utf-16-le")) // 2
    except UnicodeEncodeError:
        raise CompoundFileError(f"name {name!r} is not valid UTF-16") from None
    if units > MAX_NAME_UNITS:
        raise CompoundFileError(f"name {name!r} is longer than {MAX_NAME_UNITS} UTF-16 code units")
    return name


def _tree(streams: StreamTree) -> _Entry:
    root = _Entry(ROOT_NAME, TYPE_ROOT)
    for raw_path, data in streams.items():
        path = (raw_path,) if isinstance(raw_path, str) else tuple(raw_path)
        if not path:
            raise CompoundFileError("empty path")
        if data is not None and not isinstance(data, (bytes, bytearray, memoryview)):
            raise CompoundFileError(f"{'/'.join(map(str, path))}: stream data must be bytes")
        node = root
        for depth, name in enumerate(path):
            key = name_order_key(_check_name(name, path))
            last = depth == len(path) - 1
            existing = node.children.get(key)
            if existing is not None and existing.name != name:
                raise CompoundFileError(f"{'/'.join(path)}: {name!r} clashes with {existing.name!r} "
                                        "(names compare case-insensitively)")
            if last and data is not None:
                if existing is not None:
                    raise CompoundFileError(f"{'/'.join(path)}: listed twice or as a storage too")
                node.children[key] = _Entry(name, TYPE_STREAM, bytes(data))
                break
            if existing is None:
                existing = node.children[key] = _Entry(name, TYPE_STORAGE, start=0)
            elif existing.kind != TYPE_STORAGE:
                raise CompoundFileError(f"{'/'.join(path)}: {name!r} is a stream, not a storage")
            node = existing
        # a None value for an existing storage just confirms it
    return root


def _preorder(root: _Entry) -> list[_Entry]:
    order: list[_Entry] = []

    def visit(entry: _Entry) -> None:
        entry.sid = len(order)
        order.append(entry)
        for key in sorted(entry.children):
            visit(entry.children[key])

    visit(root)
    return order


def _link_children(entry: _Entry) -> None:
    """A balanced binary search tree of the children; when its deepest level is not full,
    that level is red and all others black — equal black height on every path, no red pair."""
    kids = [entry.children[key] for key in sorted(entry.children)]
    n = len(kids)
    deepest = n.bit_length() - 1
    partial = (n + 1) & n != 0

    def build(lo: int, hi: int, depth: int) -> int:
        if lo >= hi:
            return NOSTREAM
        mid = (lo + hi) // 2
        node = kids[mid]
        node.left = build(lo, mid, depth + 1)
        node.right = build(mid + 1, hi, depth + 1)
        node.color = RED if partial and depth == deepest else BLACK
        return node.sid

    entry.child = build(0, n, 0)


def _sectors(size: int, unit: int) -> int:
    return -(-size // unit)


def _u32s(values: list[int]) -> bytes:
    return struct.pack(f"<{len(values)}I", *values)


def _pad(data: bytes | bytearray, unit: int) -> bytes:
    return bytes(data) + bytes(-len(data) % unit)


def _dir_entry(e: _Entry) -> bytes:
    name = e.name.encode("utf-16-le") + b"\x00\x00"
    return struct.pack("<64sHBBIII16sIQQIQ", name, len(name), e.kind, e.color, e.left, e.right,
                       e.child, bytes(16), 0, 0, 0, e.start, e.size)


_FREE_ENTRY = struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM,
                          bytes(16), 0, 0, 0, 0, 0)


def compound_file(streams: StreamTree) -> bytes:
    """The bytes of a compound file holding ``streams``.

    Keys are paths — a tuple of names (``("VBA", "dir")``) or one name (``"PROJECT"``) —
    values the stream's bytes, or ``None`` for a storage (needed only for an empty one).
    Names: 1–31 UTF-16 code units, none of ``/ \\ : !``, unique per storage ignoring case."""
    root = _tree(streams)
    entries = _preorder(root)
    for e in entries:
        if e.kind != TYPE_STREAM:
            _link_children(e)

    streams_in_order = [e for e in entries if e.kind == TYPE_STREAM]
    for e in streams_in_order:
        if len(e.data) > MAX_STREAM_SIZE:
            raise CompoundFileError(f"stream {e.name!r} is larger than {MAX_STREAM_SIZE} bytes")

    # mini stream: every non-empty stream under the cutoff, 64-byte sectors chained by the mini FAT
    mini_fat: list[int] = []
    mini_stream = bytearray()
    for e in streams_in_order:
        e.size = len(e.data)
        if 0 < e.size < MINI_STREAM_CUTOFF:
            count = _sectors(e.size, MINI_SECTOR_SIZE)
            e.start = len(mini_fat)
            mini_fat += range(e.start + 1, e.start + count)
            mini_fat.append(ENDOFCHAIN)
            mini_stream += _pad(e.data, MINI_SECTOR_SIZE)
    big = [e for e in streams_in_order if e.size >= MINI_STREAM_CUTOFF]

    # regular sectors: FAT, DIFAT, then these chains one after the other
    dir_bytes_count = len(entries) * ENTRY_SIZE
    chains = [_sectors(dir_bytes_count, SECTOR_SIZE),
              _sectors(len(mini_fat) * 4, SECTOR_SIZE),
              _sectors(len(mini_stream), SECTOR_SIZE),
              *(_sectors(e.size, SECTOR_SIZE) for e in big)]
    content = sum(chains)
    fat_count = difat_count = 0
    while True:
        total = content + fat_count + difat_count
        need_fat = _sectors(total, IDS_PER_SECTOR)
        need_difat = _sectors(max(0, need_fat - HEADER_DIFAT), IDS_PER_DIFAT_SECTOR)
        if (need_fat, need_difat) == (fat_count, difat_count):
            break
        fat_count, difat_count = need_fat, need_difat
    if total > MAXREGSECT:
        raise CompoundFileError("compound file too large for 512-byte sectors")

    fat = [FREESECT] * (fat_count * IDS_PER_SECTOR)
    fat[:fat_count] = [FATSECT] * fat_count
    fat[fat_count:fat_count + difat_count] = [DIFSECT] * difat_count
    starts: list[int] = []
    next_free = fat_count + difat_count
    for length in chains:
        if length == 0:
            starts.append(ENDOFCHAIN)
            continue
        starts.append(next_free)
        fat[next_free:next_free + length - 1] = range(next_free + 1, next_free + length)
        fat[next_free + length - 1] = ENDOFCHAIN
        next_free += length
    dir_start, mini_fat_start, mini_stream_start, *big_starts = starts
    for e, start in zip(big, big_starts, strict=True):
        e.start = start
    root.start, root.size = mini_stream_start, len(mini_stream)

    fat_sectors = list(range(fat_count))
    difat_tail = fat_sectors[HEADER_DIFAT:]
    difat = bytearray()
    for i in range(difat_count):
        ids = difat_tail[i * IDS_PER_DIFAT_SECTOR:(i + 1) * IDS_PER_DIFAT_SECTOR]
        ids += [FREESECT] * (IDS_PER_DIFAT_SECTOR - len(ids))
        following = fat_count + i + 1 if i + 1 < difat_count else ENDOFCHAIN
        difat += _u32s(ids + [following])
    header_difat = fat_sectors[:HEADER_DIFAT]
    header_difat += [FREESECT] * (HEADER_DIFAT - len(header_difat))

    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII", SIGNATURE, bytes(16), 0x003E, 0x0003, 0xFFFE, 9, 6, bytes(6),
        0,                                   # directory sectors: always 0 in version 3
        fat_count, dir_start, 0, MINI_STREAM_CUTOFF,
        mini_fat_start, _sectors(len(mini_fat), IDS_PER_SECTOR),
        fat_count if difat_count else ENDOFCHAIN, difat_count,
    ) + _u32s(header_difat)
    assert len(header) == SECTOR_SIZE

    directory = b"".join(map(_dir_entry, entries))
    directory += _FREE_ENTRY * (-len(entries) % (SECTOR_SIZE // ENTRY_SIZE))
    mini_fat += [FREESECT] * (-len(mini_fat) % IDS_PER_SECTOR)

    out = bytearray(header)
    out += _u32s(fat)
    out += difat
    out += directory
    out += _u32s(mini_fat)
    out += _pad(mini_stream, SECTOR_SIZE)
    for e in big:
        out += _pad(e.data, SECTOR_SIZE)
    assert len(out) == SECTOR_SIZE * (1 + total)
    return bytes(out)


def write_compound_file(path: str | os.PathLike[str] | None, streams: StreamTree) -> bytes:
    """:func:`compound_file`, also written to ``path`` (atomically) unless it is None."""
    data = compound_file(streams)
    if path is not None:
        atomic_write_bytes(path, data)
    return data
