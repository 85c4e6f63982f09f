"""The workbook file as a zip archive: validated opening, bounded reads, and writing a new
archive that copies every member we do not rewrite *raw* (same compressed bytes, same
compression method, same order)."""
from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib
from collections import deque
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from lxml import etree

from . import limits, safety
from .blocks import Kept, Source, crc_combine, inflates_to
from .errors import WorkbookError
from .guard import FileIdentity, read_file

_LOCAL_HEADER = struct.Struct("<4s5H3L2H")   # 30 bytes
_DATA_DESCRIPTOR_FLAG = 0x08
_ENCRYPTED_FLAG = 0x01
REWRITE_LEVEL = 5   # zlib: as small as 6 on sheet XML, about twice as fast
PARALLEL_DEFLATE_FROM = 4 * 1024 * 1024   # bytes of a part deflated in pieces at once
_WINDOW = 32 * 1024                       # deflate's window: what a piece is primed with
COPY_BLOCKS_FROM = 256 << 10              # a kept stretch of a part's text whose blocks are copied


@dataclass
class Archive:
    """An opened, validated workbook archive held in memory."""
    path: Path
    data: bytes
    zf: zipfile.ZipFile
    name: str                                           # for messages
    _by_key: dict[str, zipfile.ZipInfo] = field(default_factory=dict)
    identity: FileIdentity | None = None                # the file as it was read (open())

    @classmethod
    def open(cls, path, write: bool = False) -> Archive:
        """The workbook file, validated; refused above the file-size limit before it is read and
        above the memory limit (``write``: of a run that rewrites it) before it is unpacked."""
        p = Path(path)
        name = safety.label(p)
        try:
            data, identity = read_file(p, name, limits.check_file_size)
        except FileNotFoundError:
            raise WorkbookError(f"Datei '{name}' nicht gefunden ({p})") from None
        except IsADirectoryError:
            raise WorkbookError(f"'{name}' ist ein Ordner, keine Arbeitsmappe") from None
        except OSError as exc:
            raise WorkbookError(f"Datei '{name}' kann nicht gelesen werden ({exc.strerror})") from None
        archive = cls.from_bytes(p, data)
        archive.identity = identity
        limits.check_memory(archive.infos, len(data), name, write)
        return archive

    @classmethod
    def from_bytes(cls, path: Path, data: bytes) -> Archive:
        name = safety.label(path)
        if data.startswith(safety.OLE_MAGIC):
            raise WorkbookError(safety.describe_ole(data, name))
        if not data.startswith(safety.ZIP_MAGIC):
            if not data:
                raise WorkbookError(f"Datei '{name}' ist leer (0 Byte) — keine Arbeitsmappe")
            raise WorkbookError(f"Datei '{name}' ist keine Excel-Arbeitsmappe (.xlsx/.xlsm)")
        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
            raise WorkbookError(f"Datei '{name}' ist beschädigt oder unvollständig gespeichert "
                                f"(ZIP-Struktur defekt)") from None
        archive = cls(Path(path), data, zf, name)
        archive._validate()
        return archive

    def twin(self) -> Archive:
        """The same validated archive with a zip reader of its own, for a worker thread."""
        return Archive(self.path, self.data, zipfile.ZipFile(io.BytesIO(self.data)), self.name,
                       self._by_key, self.identity)

    def _validate(self) -> None:
        infos = self.zf.infolist()
        if len(infos) > safety.MAX_MEMBERS:
            self._fail(f"enthält zu viele Teile ({len(infos)})")
        total = 0
        for info in infos:
            key = info.filename.casefold()
            if key in self._by_key:
                self._fail(f"enthält den Teil '{info.filename}' doppelt")
            self._by_key[key] = info
            if info.flag_bits & _ENCRYPTED_FLAG:
                self._fail(f"enthält den verschlüsselten Teil '{info.filename}'")
            if info.file_size > safety.MAX_MEMBER_SIZE:
                self._fail(f"Teil '{info.filename}' ist entpackt zu groß "
                           f"({info.file_size // 2**20} MiB)")
            if (info.file_size > 2**20 and
                    info.file_size > safety.MAX_RATIO * max(info.compress_size, 1)):
                self._fail(f"Teil '{info.filename}' ist verdächtig stark komprimiert (ZIP-Bombe?)")
            total += info.file_size
            if info.header_offset + info.compress_size > len(self.data):
                self._fail("ist unvollständig (abgeschnitten)")
        if total > safety.MAX_TOTAL_SIZE:
            self._fail("ist entpackt zu groß")
        if not self.has("[Content_Types].xml"):
            self._fail("ist keine Excel-Arbeitsmappe ('[Content_Types].xml' fehlt)")

    def _fail(self, why: str):
        raise WorkbookError(f"Datei '{self.name}' {why} — abgelehnt")

    # --- reading -------------------------------------------------------------------------
    @property
    def infos(self) -> list[zipfile.ZipInfo]:
        return self.zf.infolist()

    def info(self, member: str) -> zipfile.ZipInfo | None:
        """Zip entry of a part; OPC part names compare case-insensitively."""
        return self._by_key.get(member.lstrip("/").casefold())

    def member_name(self, part: str) -> str:
        """The zip member name of a part that is there (spelled as the zip spells it)."""
        info = self.info(part)
        if info is None:
            raise WorkbookError(f"Datei '{self.name}' ist beschädigt: Teil '{part}' fehlt")
        return info.filename

    def has(self, member: str) -> bool:
        return self.info(member) is not None

    def read(self, member: str) -> bytes:
        info = self.info(member)
        if info is None:
            raise WorkbookError(f"Datei '{self.name}' ist beschädigt: Teil '{member}' fehlt")
        try:
            if info.compress_type == zipfile.ZIP_DEFLATED:
                return self._inflate(info)
            return self.zf.read(info)   # bounded by the (checked) declared size; CRC verified
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError) as exc:
            raise WorkbookError(f"Datei '{self.name}' ist beschädigt: Teil '{member}' lässt sich "
                                f"nicht entpacken ({type(exc).__name__})") from None

    def _inflate(self, info: zipfile.ZipInfo) -> bytes:
        """What zipfile's read gives for a deflated member — bounded by the declared size, CRC
        checked — in one call that lets go of the GIL (zipfile inflates in pieces)."""
        inflater = zlib.decompressobj(-15)
        data = inflater.decompress(self.raw(info), info.file_size)
        if len(data) != info.file_size or not inflater.eof or inflater.unconsumed_tail:
            raise zipfile.BadZipFile(f"Größe von '{info.filename}' stimmt nicht")
        if zlib.crc32(data) != info.CRC:
            raise zipfile.BadZipFile(f"Bad CRC-32 for file {info.filename!r}")
        return data

    def xml(self, member: str) -> etree._Element:
        return safety.parse_xml(self.read(member), member, self.name)

    def check_xml_prologs(self) -> None:
        """Refuse any XML part that declares a DTD (cheap: only each part's first bytes)."""
        for info in self.infos:
            low = info.filename.lower()
            if not low.endswith((".xml", ".rels", ".vml")):
                continue
            try:
                with self.zf.open(info) as fh:
                    head = fh.read(4096)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError):
                raise WorkbookError(f"Datei '{self.name}' ist beschädigt: Teil '{info.filename}' "
                                    f"lässt sich nicht entpacken") from None
            state = safety.prolog_state(head)
            if state is None and len(head) == 4096:
                state = safety.has_dtd(self.read(info.filename))
            if state:
                raise WorkbookError(f"Datei '{self.name}': Teil '{info.filename}' enthält eine "
                                    f"DTD/Entity-Deklaration — aus Sicherheitsgründen abgelehnt")

    def raw(self, info: zipfile.ZipInfo) -> bytes:
        """The member's compressed bytes exactly as stored."""
        found = _local_header(self.data, info)
        if found is None:
            raise WorkbookError(f"Datei '{self.name}' ist beschädigt: Kopf von '{info.filename}' "
                                f"defekt")
        start = found[1]
        raw = self.data[start:start + info.compress_size]
        if len(raw) != info.compress_size:
            raise WorkbookError(f"Datei '{self.name}' ist unvollständig: '{info.filename}' "
                                f"abgeschnitten")
        return raw


def _local_header(data: bytes, info: zipfile.ZipInfo) -> tuple[tuple, int] | None:
    """The fields of the member's local header in the zip file ``data`` and where its stream
    begins; None when no local header is where the directory says."""
    off = info.header_offset
    header = data[off:off + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size or header[:4] != safety.ZIP_MAGIC:
        return None
    fields = _LOCAL_HEADER.unpack(header)
    return fields, off + _LOCAL_HEADER.size + fields[-2] + fields[-1]


VERIFY_STEP = 1 << 20        # bytes inflated at a time when a member is read back


def reads_back(data: bytes, info: zipfile.ZipInfo, checked: Deflated | None = None) -> bool:
    """Does the member ``info`` of the zip file ``data`` read back — its local header there and
    naming it, its stream inflating (a step at a time) to exactly its size and CRC? (Stricter
    than ``ZipFile.testzip``, which takes a stream that ends early or a stored member for
    sound whatever size the directory gives it.) ``checked``: the member's bytes as made, known
    to inflate to their size and CRC — the file must hold exactly those, and its directory
    their CRC and sizes."""
    found = _local_header(data, info)
    if found is None:
        return False
    fields, start = found
    named = info.header_offset + _LOCAL_HEADER.size
    name = data[named:named + fields[-2]].decode("utf-8" if fields[2] & 0x800 else "cp437", "replace")
    if name != info.orig_filename:
        return False
    raw = memoryview(data)[start:start + info.compress_size]
    if len(raw) != info.compress_size:
        return False
    if checked is not None:
        return (info.compress_type == zipfile.ZIP_DEFLATED and raw == checked.data
                and (info.CRC, info.file_size) == (checked.crc, checked.size))
    if info.compress_type == zipfile.ZIP_STORED:
        return len(raw) == info.file_size and zlib.crc32(raw) == info.CRC
    if info.compress_type != zipfile.ZIP_DEFLATED:
        return False
    inflater = zlib.decompressobj(-15)
    crc = size = 0
    rest: bytes | memoryview = raw
    try:
        while True:
            out = inflater.decompress(rest, VERIFY_STEP)
            crc = zlib.crc32(out, crc)
            size += len(out)
            if size > info.file_size:
                return False
            rest = inflater.unconsumed_tail
            if not rest and (inflater.eof or not out):
                break
    except zlib.error:
        return False
    return inflater.eof and size == info.file_size and crc == info.CRC


class Copied(NamedTuple):
    """A stretch of a new stream copied from an old one's blocks (``deflate_stream``, ``Kept``):
    ``data[at:at + length]``, standing for ``size`` bytes of text of CRC-32 ``crc``, and the 32 KB
    of text before its end (what the piece after it was primed with)."""
    at: int
    length: int
    size: int
    crc: int
    window: bytes


@dataclass(frozen=True)
class Deflated:
    """A member's bytes, compressed as the zip stores them."""
    data: bytes          # raw deflate stream
    crc: int
    size: int            # uncompressed
    copied: tuple[Copied, ...] = ()     # stretches copied from the member's old stream, in order

    def inflated_bytes(self) -> int:
        """What reading it back inflates (``inflates_as_made``): the text but its copied stretches."""
        return self.size - sum(c.size for c in self.copied)


def inflates_as_made(made: Deflated) -> bool | None:
    """Does ``made`` inflate to exactly its size and CRC? The pieces compressed here are inflated
    (each primed with the text before it); a stretch copied from the member's old stream is not:
    its blocks were inflated, their text checked against the old member's CRC, when the old
    stream was read (``blocks.inflate_marked``/``find_blocks``), and a block inflates to the same
    text wherever it stands after the same 32 KB (``Blocks.copyable``) — it counts with the size
    and CRC noted there. None when the C zlib is not at hand (a member without copied stretches
    only: there are none without it)."""
    if not made.copied:
        return inflates_to(made.data, made.size, made.crc)
    view = memoryview(made.data)
    crc = size = pos = 0
    window = b""
    for c in made.copied:
        found = _inflated_piece(view[pos:c.at], window, final=False)
        if found is None:
            return False
        crc, size = crc_combine(crc, found[0], found[1]), size + found[1]
        crc, size = crc_combine(crc, c.crc, c.size), size + c.size
        pos, window = c.at + c.length, c.window
    found = _inflated_piece(view[pos:], window, final=True)
    if found is None:
        return False
    crc, size = crc_combine(crc, found[0], found[1]), size + found[1]
    return size == made.size and crc == made.crc


def _inflated_piece(piece: memoryview, window: bytes, final: bool) -> tuple[int, int] | None:
    """(CRC-32, length) of the text the piece of a raw deflate stream inflates to after the text
    ``window`` — all of it used, the stream's end reached at its end (``final``) or not before;
    None when it does not inflate so."""
    inflater = zlib.decompressobj(-15, zdict=window) if window else zlib.decompressobj(-15)
    crc = size = 0
    rest: bytes | memoryview = piece
    try:
        while rest:
            out = inflater.decompress(rest, VERIFY_STEP)
            crc, size = zlib.crc32(out, crc), size + len(out)
            rest = inflater.unconsumed_tail
            if inflater.eof:
                break
        if not inflater.eof:
            out = inflater.flush()
            crc, size = zlib.crc32(out, crc), size + len(out)
    except zlib.error:
        return None
    if inflater.eof != final or inflater.unused_data or rest:
        return None
    return crc, size


def _deflate_piece(view, start: int, end: int, level: int, final: bool) -> bytes:
    """``view[start:end]`` as a piece of one deflate stream (pigz's way): primed with the 32 KB
    before it, ended on a byte boundary (Z_SYNC_FLUSH) unless ``final``."""
    if start:
        packer = zlib.compressobj(level, zlib.DEFLATED, -15, zlib.DEF_MEM_LEVEL, zlib.Z_DEFAULT_STRATEGY,
                                  bytes(view[max(0, start - _WINDOW):start]))
    else:
        packer = zlib.compressobj(level, zlib.DEFLATED, -15)
    out = packer.compress(view[start:end])
    return out + packer.flush(zlib.Z_FINISH if final else zlib.Z_SYNC_FLUSH)


def deflate(data: bytes, level: int = REWRITE_LEVEL, *, pieces: int | None = None) -> Deflated:
    """What zipfile's writestr would store (zlib lets go of the GIL: runs on a worker). A big
    part is deflated in ``pieces`` (default: one per CPU, up to 4) at once, as pigz does: each
    piece primed with the 32 KB before it and ended on a byte boundary, the last one final —
    one valid deflate stream, a few bytes longer than one made in one go."""
    if pieces is None:
        pieces = _workers() if len(data) >= PARALLEL_DEFLATE_FROM else 1
    if pieces <= 1 or len(data) < 2 * _WINDOW:
        packer = zlib.compressobj(level, zlib.DEFLATED, -15)
        return Deflated(packer.compress(data) + packer.flush(), zlib.crc32(data), len(data))
    view = memoryview(data)
    step = -(-len(data) // pieces)
    bounds = [(i, min(i + step, len(data))) for i in range(0, len(data), step)]
    with ThreadPoolExecutor(max_workers=len(bounds), thread_name_prefix="xl_addin-deflate") as pool:
        outs = list(pool.map(lambda b: _deflate_piece(view, b[0], b[1], level, b[1] == len(data)), bounds))
    return Deflated(b"".join(outs), zlib.crc32(data), len(data))


def _workers() -> int:
    return min(os.cpu_count() or 1, 4)


STREAM_CHUNK = 1024 * 1024   # bytes of a part handed to zlib at a time
_LAST_BLOCK = b"\x03\x00"     # an empty final block (fixed Huffman codes): ends a stream of pieces


def deflate_stream(pieces: Iterable[bytes | memoryview | Kept], level: int = REWRITE_LEVEL,
                   workers: int | None = None, source: Source | None = None) -> Deflated:
    """``deflate`` of the concatenated ``pieces`` without ever holding the whole part: chunks of
    about STREAM_CHUNK bytes go to zlib on helper threads (it lets go of the GIL) while the next
    chunk is made — each chunk a piece of one stream as ``deflate`` makes them (primed with the
    32 KB before it, so they compress as well as in one go), up to ``workers`` at once (one per
    CPU, up to 4), the stream ended by an empty final block; at most two chunks per worker are
    held at a time.

    With ``source``, a piece may be a stretch of its text as read (``Kept``): the blocks of the
    member's old stream that lie inside it are copied, not compressed again (``blocks``)."""
    workers = _workers() if workers is None else max(1, workers)
    done: deque[Future] = deque()
    out: list[bytes] = []
    copies: dict[int, tuple[int, int, bytes]] = {}      # id of a copied piece -> (size, crc, window)
    crc = size = 0
    chunk: list[bytes | memoryview] = []
    filled = 0
    tail: bytes | memoryview = b""                       # the 32 KB before the next chunk
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="xl_addin-deflate") as pool:

        def hand_over(data: bytes) -> None:
            nonlocal crc, size, tail
            crc = zlib.crc32(data, crc)
            primed = bytes(tail) + data
            done.append(pool.submit(_deflate_piece, memoryview(primed), len(tail), len(primed), level, False))
            size += len(data)
            tail = primed[-_WINDOW:]
            while len(done) > 2 * workers:
                out.append(done.popleft().result())

        for piece in pieces:
            if isinstance(piece, Kept):
                assert source is not None, "a kept stretch needs the text it lies in"
                view = memoryview(source.text)
                span = source.blocks.copyable(*piece) if piece.end - piece.start >= COPY_BLOCKS_FROM else None
                if span is None:
                    piece = view[piece.start:piece.end]
                else:
                    first, last = span
                    begin, end = source.blocks.starts[first], source.blocks.starts[last]
                    chunk.append(view[piece.start:begin])
                    hand_over(b"".join(chunk))
                    chunk, filled = [], 0
                    copied: Future[bytes] = Future()
                    copied.set_result(source.blocks.middle(source.raw, first, last))
                    done.append(copied)
                    own = source.blocks.crc_of(first, last)
                    crc = crc_combine(crc, own, end - begin)
                    size += end - begin
                    tail = view[end - _WINDOW:end]
                    copies[id(copied.result())] = (end - begin, own, bytes(tail))
                    piece = view[end:piece.end]
            chunk.append(piece)
            filled += len(piece)
            if filled >= STREAM_CHUNK:
                hand_over(b"".join(chunk))
                chunk, filled = [], 0
        if chunk:
            hand_over(b"".join(chunk))
        out.extend(f.result() for f in done)
    out.append(_LAST_BLOCK)
    copied_at: list[Copied] = []
    at = 0
    for data in out:
        hit = copies.get(id(data))
        if hit is not None:
            copied_at.append(Copied(at, len(data), *hit))
        at += len(data)
    return Deflated(b"".join(out), crc, size, tuple(copied_at))


class ArchiveWriter:
    """Writes the new archive: raw copies of untouched members, deflated rewritten ones."""

    def __init__(self, fileobj):
        self.zf = zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED,
                                  allowZip64=True)

    def copy_raw(self, source: Archive, info: zipfile.ZipInfo) -> None:
        raw = source.raw(info)
        out = zipfile.ZipInfo(info.filename, date_time=info.date_time)
        out.compress_type = info.compress_type
        out.create_system = info.create_system
        out.external_attr = info.external_attr
        out.internal_attr = info.internal_attr
        out.comment = info.comment
        out.flag_bits = info.flag_bits & ~_DATA_DESCRIPTOR_FLAG & ~0x800
        out.CRC = info.CRC
        out.compress_size = info.compress_size
        out.file_size = info.file_size
        self._put(out, raw)

    def write(self, member: str, data: Deflated, like: zipfile.ZipInfo | None = None) -> None:
        """A member compressed beforehand (``deflate``)."""
        out = zipfile.ZipInfo(member, date_time=like.date_time if like else (1980, 1, 1, 0, 0, 0))
        if like is not None:
            out.external_attr = like.external_attr
            out.create_system = like.create_system
        out.external_attr = out.external_attr or 0o600 << 16     # as zipfile's writestr does
        out.compress_type = zipfile.ZIP_DEFLATED
        out.CRC = data.crc
        out.compress_size = len(data.data)
        out.file_size = data.size
        self._put(out, data.data)

    def _put(self, out: zipfile.ZipInfo, raw: bytes) -> None:
        """Local header (sizes and CRC known up front), the stored bytes, directory entry."""
        zf: Any = self.zf       # its private state (typeshed declares none of it): see module doc
        with zf._lock:
            zip64 = out.file_size > zipfile.ZIP64_LIMIT or out.compress_size > zipfile.ZIP64_LIMIT
            out.header_offset = zf.fp.tell()
            zf.fp.write(out.FileHeader(zip64))
            zf.fp.write(raw)
            zf.filelist.append(out)
            zf.NameToInfo[out.filename] = out
            zf.start_dir = zf.fp.tell()
            zf._didModify = True

    def close(self, comment: bytes = b"") -> None:
        self.zf.comment = comment
        self.zf.close()

    def abort(self) -> None:
        """Give up: release the zip object without writing its directory."""
        zf: Any = self.zf       # private state, as in _put
        zf._didModify = False
        zf._writing = False
        zf.close()
