"""A VBA project (`vbaProject.bin`) built from VBA source text, as [MS-OVBA] describes it.

Excel reads a VBA project from an OLE compound file with the streams
``PROJECT``, ``PROJECTwm``, ``VBA/dir``, ``VBA/_VBA_PROJECT`` and one ``VBA/<module>`` stream
per module. We write no compiled p-code: ``_VBA_PROJECT`` carries version ``0xFFFF`` and every
module's source starts at offset 0 of its stream, so Excel compiles the project from source
when it opens the file — xlwings' own ``quickstart_addin_ribbon.xlam`` ships its ``xlwings``
module exactly like this.

This module builds the streams (and the [MS-OVBA] §2.4.1 compression, written here because
``ms-ovba-compression`` 1.0.1 corrupts sources with long repeated runs — see
/work/notes/addin_choice.md). The compound file around them is written by our own
:mod:`xl_addin.addin.cfb`.
"""
from __future__ import annotations

import hashlib
import struct
import uuid
from dataclasses import dataclass
from pathlib import Path

from .cfb import write_compound_file

CODE_PAGE = 1252
ENCODING = "cp1252"
LCID = 0x0409

# Document modules' base classes (VB_Base): the workbook and a worksheet.
WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
WORKSHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"

# Type libraries every Excel VBA project references. "Office" declares IRibbonControl.
REFERENCES: tuple[tuple[str, str], ...] = (
    ("stdole", "*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#"
               "C:\\Windows\\System32\\stdole2.tlb#OLE Automation"),
    ("Office", "*\\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#"
               "C:\\Program Files\\Common Files\\Microsoft Shared\\OFFICE16\\MSO.DLL#"
               "Microsoft Office 16.0 Object Library"),
)


@dataclass(frozen=True)
class VbaModule:
    """One module of the project. ``kind``: "module" (a .bas standard module) or "document"
    (ThisWorkbook, a sheet). ``code`` is the source without ``Attribute VB_Name``."""
    name: str
    code: str
    kind: str = "module"
    base: str = ""          # VB_Base of a document module


class VbaSourceError(ValueError):
    pass


# ------------------------------------------------------------------ sources

def parse_bas(text: str, fallback_name: str = "") -> VbaModule:
    """A standard module as the VBA editor exports it (``Attribute VB_Name = "X"`` first)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    name = fallback_name
    body: list[str] = []
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("Attribute VB_Name") and "=" in stripped:
            name = stripped.split("=", 1)[1].strip().strip('"')
            continue
        body.append(line)
    while body and not body[-1].strip():
        body.pop()
    if not name or not name.replace("_", "a").isalnum() or not name[0].isalpha():
        raise VbaSourceError(f"ungültiger Modulname {name!r}")
    return VbaModule(name, "\n".join(body) + "\n")


def module_source(module: VbaModule) -> bytes:
    """The module's text as stored in its stream: attributes first, CRLF, cp1252."""
    head = [f'Attribute VB_Name = "{module.name}"']
    if module.kind == "document":
        head += [f'Attribute VB_Base = "{module.base}"',
                 "Attribute VB_GlobalNameSpace = False",
                 "Attribute VB_Creatable = False",
                 "Attribute VB_PredeclaredId = True",
                 "Attribute VB_Exposed = True",
                 "Attribute VB_TemplateDerived = False",
                 "Attribute VB_Customizable = True"]
    body = module.code.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n")
    text = "\r\n".join(head) + "\r\n" + (body.replace("\n", "\r\n") + "\r\n" if body else "")
    try:
        return text.encode(ENCODING)
    except UnicodeEncodeError as e:
        raise VbaSourceError(f"Modul {module.name}: Zeichen {text[e.start]!r} ist nicht in "
                             f"Codepage {CODE_PAGE} darstellbar") from None


# ------------------------------------------------------------------ compression (MS-OVBA 2.4.1)

def _bit_count(position: int) -> int:
    """Bits of a copy token's offset at ``position`` bytes into the chunk (at least 4)."""
    bits = 4
    while (1 << bits) < position:
        bits += 1
    return bits


def _compress_chunk(chunk: bytes) -> bytes:
    out = bytearray()
    n = len(chunk)
    pos = 0
    seen: dict[bytes, list[int]] = {}   # 3-byte prefix -> positions (ascending)

    def remember(upto: int, start: int) -> None:
        for p in range(start, min(upto, n - 2)):
            seen.setdefault(chunk[p:p + 3], []).append(p)

    indexed = 0
    while pos < n:
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= n:
                break
            remember(pos, indexed)
            indexed = max(indexed, pos)
            bits = _bit_count(pos)
            max_len = (0xFFFF >> bits) + 3
            best_len, best_off = 0, 0
            limit = min(max_len, n - pos)
            if limit >= 3:
                for cand in reversed(seen.get(chunk[pos:pos + 3], ())):
                    length = 3
                    while length < limit and chunk[cand + length] == chunk[pos + length]:
                        length += 1
                    if length > best_len:
                        best_len, best_off = length, pos - cand
                        if length == limit:
                            break
            if best_len >= 3:
                token = ((best_off - 1) << (16 - bits)) | (best_len - 3)
                out += struct.pack("<H", token)
                flags |= 1 << bit
                pos += best_len
            else:
                out.append(chunk[pos])
                pos += 1
        out[flag_at] = flags
    return bytes(out)


def compress(data: bytes) -> bytes:
    """A CompressedContainer: signature byte 0x01, then one chunk per 4096 bytes."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), 4096):
        chunk = data[start:start + 4096]
        body = _compress_chunk(chunk)
        if len(body) <= 4096:
            out += struct.pack("<H", 0xB000 | (len(body) + 2 - 3)) + body
        elif len(chunk) == 4096:        # incompressible: a raw chunk
            out += struct.pack("<H", 0x3000 | 0x0FFF) + chunk
        else:
            raise VbaSourceError("Quelltext lässt sich nicht komprimieren")
    return bytes(out)


def decompress(data: bytes) -> bytes:
    """The inverse of :func:`compress` (used by the tests and to read sources back)."""
    if not data or data[0] != 1:
        raise ValueError("kein komprimierter VBA-Container")
    out = bytearray()
    i = 1
    while i < len(data):
        header, = struct.unpack_from("<H", data, i)
        size = (header & 0x0FFF) + 3
        body = data[i + 2:i + size]
        i += size
        start = len(out)
        if not header & 0x8000:
            out += body[:4096]
            continue
        j = 0
        while j < len(body):
            flags = body[j]
            j += 1
            for bit in range(8):
                if j >= len(body):
                    break
                if flags & (1 << bit):
                    token, = struct.unpack_from("<H", body, j)
                    j += 2
                    bits = _bit_count(len(out) - start)
                    length = (token & (0xFFFF >> bits)) + 3
                    offset = (token >> (16 - bits)) + 1
                    for _ in range(length):
                        out.append(out[-offset])
                else:
                    out.append(body[j])
                    j += 1
    return bytes(out)


# ------------------------------------------------------------------ project streams

def _rec(rid: int, payload: bytes) -> bytes:
    return struct.pack("<HI", rid, len(payload)) + payload


def _name_records(rid: int, rid_unicode: int, text: str) -> bytes:
    return _rec(rid, text.encode(ENCODING)) + _rec(rid_unicode, text.encode("utf-16-le"))


def dir_stream(project_name: str, modules: list[VbaModule]) -> bytes:
    """The uncompressed ``VBA/dir`` stream ([MS-OVBA] 2.3.4.2)."""
    d = bytearray()
    d += _rec(0x0001, struct.pack("<I", 3))              # SysKind: 64-bit Windows
    d += _rec(0x0002, struct.pack("<I", LCID))
    d += _rec(0x0014, struct.pack("<I", LCID))
    d += _rec(0x0003, struct.pack("<H", CODE_PAGE))
    d += _rec(0x0004, project_name.encode(ENCODING))
    d += _name_records(0x0005, 0x0040, "")               # doc string
    d += _name_records(0x0006, 0x003D, "")               # help file 1 / 2
    d += _rec(0x0007, struct.pack("<I", 0))              # help context
    d += _rec(0x0008, struct.pack("<I", 0))              # lib flags
    d += struct.pack("<HIIH", 0x0009, 4, 1, 0)           # version 1.0
    d += _name_records(0x000C, 0x003C, "")               # constants
    for name, libid in REFERENCES:
        d += _name_records(0x0016, 0x003E, name)
        raw = libid.encode(ENCODING)
        body = struct.pack("<I", len(raw)) + raw + struct.pack("<IH", 0, 0)
        d += _rec(0x000D, body)
    d += _rec(0x000F, struct.pack("<H", len(modules)))
    d += _rec(0x0013, struct.pack("<H", 0xFFFF))         # project cookie
    for m in modules:
        d += _rec(0x0019, m.name.encode(ENCODING))
        d += _rec(0x0047, m.name.encode("utf-16-le"))
        d += _name_records(0x001A, 0x0032, m.name)       # stream name
        d += _name_records(0x001C, 0x0048, "")           # doc string
        d += _rec(0x0031, struct.pack("<I", 0))          # source at offset 0: no p-code
        d += _rec(0x001E, struct.pack("<I", 0))
        d += _rec(0x002C, struct.pack("<H", 0xFFFF))     # module cookie
        d += _rec(0x0022 if m.kind == "document" else 0x0021, b"")
        d += _rec(0x002B, b"")
    d += _rec(0x0010, b"")
    return bytes(d)


def encrypt(project_id: str, data: bytes, seed: int) -> str:
    """[MS-OVBA] 2.4.3.2 data encryption (the CMG/DPB/GC values of the PROJECT stream)."""
    version = 2
    proj_key = sum(project_id.encode(ENCODING)) & 0xFF
    out = [seed, seed ^ version, seed ^ proj_key]
    unenc1, enc1, enc2 = proj_key, seed ^ proj_key, seed ^ version
    payload = bytes((seed & 6) // 2) + struct.pack("<I", len(data)) + data
    for byte in payload:
        enc = byte ^ ((enc2 + unenc1) & 0xFF)
        out.append(enc)
        enc2, enc1, unenc1 = enc1, enc, byte
    return bytes(out).hex().upper()


def decrypt(project_id: str, text: str) -> bytes:
    raw = bytes.fromhex(text)
    seed, version_enc, key_enc = raw[0], raw[1], raw[2]
    if seed ^ version_enc != 2:
        raise ValueError("unbekannte Version")
    proj_key = seed ^ key_enc
    if proj_key != sum(project_id.encode(ENCODING)) & 0xFF:
        raise ValueError("ProjKey passt nicht zur Projekt-ID")
    unenc1, enc1, enc2 = proj_key, key_enc, version_enc
    plain = bytearray()
    for enc in raw[3:]:
        byte = enc ^ ((enc2 + unenc1) & 0xFF)
        plain.append(byte)
        enc2, enc1, unenc1 = enc1, enc, byte
    skip = (seed & 6) // 2
    length, = struct.unpack_from("<I", plain, skip)
    return bytes(plain[skip + 4:skip + 4 + length])


def project_stream(project_id: str, project_name: str, modules: list[VbaModule]) -> bytes:
    """The ``PROJECT`` stream ([MS-OVBA] 2.3.1): text, CRLF, with an unprotected, visible
    project (CMG/DPB/GC encrypt 'no protection', 'no password', 'visible')."""
    seed = hashlib.sha256(project_id.encode()).digest()[0]
    lines = [f'ID="{project_id}"']
    for m in modules:
        lines.append(f"Document={m.name}/&H00000000" if m.kind == "document" else f"Module={m.name}")
    lines += [f'Name="{project_name}"', 'HelpContextID="0"', 'VersionCompatible32="393222000"',
              f'CMG="{encrypt(project_id, bytes(4), seed)}"',
              f'DPB="{encrypt(project_id, bytes(1), (seed + 1) & 0xFF)}"',
              f'GC="{encrypt(project_id, bytes([0xFF]), (seed + 2) & 0xFF)}"',
              "", "[Host Extender Info]",
              "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
              "", "[Workspace]"]
    lines += [f"{m.name}=0, 0, 0, 0, C" for m in modules]
    return ("\r\n".join(lines) + "\r\n").encode(ENCODING)


def projectwm_stream(modules: list[VbaModule]) -> bytes:
    out = bytearray()
    for m in modules:
        out += m.name.encode(ENCODING) + b"\x00" + m.name.encode("utf-16-le") + b"\x00\x00"
    return bytes(out + b"\x00\x00")


def project_streams(project_name: str, modules: list[VbaModule]) -> dict[tuple[str, ...], bytes]:
    """Every stream of the compound file, keyed by its path."""
    names = [m.name.casefold() for m in modules]
    if len(set(names)) != len(names):
        raise VbaSourceError("Modulnamen müssen eindeutig sein")
    project_id = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "xl_addin:" + project_name)).upper() + "}"
    streams: dict[tuple[str, ...], bytes] = {
        ("PROJECT",): project_stream(project_id, project_name, modules),
        ("PROJECTwm",): projectwm_stream(modules),
        ("VBA", "_VBA_PROJECT"): bytes([0xCC, 0x61, 0xFF, 0xFF, 0x00, 0x01, 0x00]),
        ("VBA", "dir"): compress(dir_stream(project_name, modules)),
    }
    for m in modules:
        streams[("VBA", m.name)] = compress(module_source(m))
    return streams


def write_vba_project(path: Path, project_name: str, modules: list[VbaModule]) -> Path:
    """Write ``vbaProject.bin`` (an OLE compound file) at ``path``."""
    path = Path(path)
    write_compound_file(path, project_streams(project_name, modules))
    return path
