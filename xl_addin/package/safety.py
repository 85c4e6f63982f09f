"""Defences against files we must not trust: encrypted/OLE files, broken or hostile zips,
XML with DTDs (entity bombs, external entities), and the workbook being open in Excel."""
from __future__ import annotations

import os
import re
from pathlib import Path

from lxml import etree

from .errors import WorkbookError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MAX_MEMBER_SIZE = 512 * 1024 * 1024        # uncompressed bytes of one zip member
MAX_TOTAL_SIZE = 2 * 1024 * 1024 * 1024    # uncompressed bytes of all members together
MAX_RATIO = 400                            # uncompressed / compressed, for members > 1 MiB
#                                            (sheet XML: 10-50; deflate's ceiling: ~1030)
MAX_MEMBERS = 20000
_PROLOG_LIMIT = 64 * 1024

# Tokens allowed before the root element: declaration, processing instructions, comments, blanks.
_PROLOG_TOKEN = re.compile(r"\s+|<\?.*?\?>|<!--.*?-->", re.S)


def label(path: Path | str) -> str:
    """How messages name a workbook file."""
    return Path(path).name


def describe_ole(data: bytes, name: str) -> str:
    """Message for an OLE compound file: an encrypted workbook or an old .xls."""
    if "EncryptionInfo".encode("utf-16-le") in data:
        return (f"Datei '{name}' ist mit einem Kennwort verschlüsselt — bitte in Excel ohne "
                f"Kennwort speichern")
    return (f"Datei '{name}' ist keine .xlsx/.xlsm-Arbeitsmappe (altes Excel-Format .xls?) — "
            f"bitte in Excel als .xlsx speichern")


def _xml_prolog(data: bytes) -> str:
    head = data[:_PROLOG_LIMIT]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="ignore")
    if head.startswith(b"<\x00"):
        return head.decode("utf-16-le", errors="ignore")
    if head.startswith(b"\x00<"):
        return head.decode("utf-16-be", errors="ignore")
    return head.decode("utf-8", errors="ignore").lstrip("\ufeff")


def prolog_state(data: bytes) -> bool | None:
    """True: a DTD (or other declaration) precedes the root element; False: the root element
    starts with none; None: undecided within these bytes."""
    text = _xml_prolog(data)
    pos = 0
    while True:
        m = _PROLOG_TOKEN.match(text, pos)
        if not m:
            break
        pos = m.end()
    if text.startswith("<!DOCTYPE", pos) or text.startswith("<!ENTITY", pos):
        return True
    if pos < len(text) and text[pos] == "<" and text[pos + 1:pos + 2] not in ("!", "?", ""):
        return False
    if pos < len(text) and text[pos] != "<":
        return False                       # not XML at all: the parser will say so
    return None


def has_dtd(data: bytes) -> bool:
    """True when the XML declares a DOCTYPE, or its prolog is longer than 64 KiB."""
    state = prolog_state(data)
    if state is None:
        return len(data) > 0 and (len(data) >= _PROLOG_LIMIT or data.lstrip().startswith(b"<!"))
    return state


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                           load_dtd=False, dtd_validation=False, remove_blank_text=False,
                           collect_ids=False)


def parse_xml(data: bytes, member: str, name: str) -> etree._Element:
    """Parse one package part safely; DTDs and entity declarations are refused."""
    if has_dtd(data):
        raise WorkbookError(f"Datei '{name}': Teil '{member}' enthält eine DTD/Entity-Deklaration "
                            f"— aus Sicherheitsgründen abgelehnt")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise WorkbookError(f"Datei '{name}' ist beschädigt: Teil '{member}' ist kein gültiges "
                            f"XML ({exc.msg})") from None
    if root.getroottree().docinfo.internalDTD is not None:
        raise WorkbookError(f"Datei '{name}': Teil '{member}' enthält eine DTD — aus "
                            f"Sicherheitsgründen abgelehnt")
    return root


def iterparse_safe(source, tag: str):
    """lxml iterparse with the same safety settings (DTD already refused by the caller)."""
    return etree.iterparse(source, events=("end",), tag=tag, resolve_entities=False,
                           no_network=True, huge_tree=False, load_dtd=False)


def _owner_files(path: Path) -> list[str]:
    """Names of the owner files an office program puts next to a workbook it has open: Excel's
    '~$<name>', LibreOffice's '.~lock.<name>#'."""
    return ["~$" + path.name, ".~lock." + path.name + "#"]


def _find_owner_file(path: Path) -> Path | None:
    wanted = _owner_files(path)
    for want in wanted:
        if os.path.lexists(path.with_name(want)):
            return path.with_name(want)
    folded = {w.casefold() for w in wanted}
    try:
        for entry in os.listdir(path.parent or "."):
            if entry.startswith(("~$", ".~lock.")) and entry.casefold() in folded:
                return path.with_name(entry)
    except OSError:
        return None
    return None


def lock_file(path: Path) -> Path | None:
    """The owner file of Excel ('~$<name>') or LibreOffice ('.~lock.<name>#') next to the workbook,
    if present (any letter case) — next to the name given and, for a link, next to its target."""
    p = Path(path)
    real = Path(os.path.realpath(p))
    for candidate in dict.fromkeys([p, real]):
        found = _find_owner_file(candidate)
        if found is not None:
            return found
    return None


def open_elsewhere(path: Path) -> str | None:
    """One line when the workbook is open in Excel or LibreOffice (its owner file is there)."""
    lock = lock_file(path)
    if lock is None:
        return None
    program = "LibreOffice" if lock.name.startswith(".~lock.") else "Excel"
    return (f"Datei '{label(path)}' ist in {program} geöffnet (Sperrdatei '{lock.name}') — "
            f"bitte schließen")


def check_writable(path) -> None:
    """Raise WorkbookError unless ``path`` exists, is not open in Excel or LibreOffice, and can be
    replaced (a link: its target, in the target's folder)."""
    p = Path(path)
    name = label(p)
    if not p.is_file():
        if p.is_dir():
            raise WorkbookError(f"'{name}' ist ein Ordner, keine Arbeitsmappe")
        if p.exists():
            raise WorkbookError(f"'{name}' ist keine gewöhnliche Datei (Pipe, Gerät?) — abgelehnt")
        raise WorkbookError(f"Datei '{name}' nicht gefunden ({p})")
    busy = open_elsewhere(p)
    if busy is not None:
        raise WorkbookError(busy)
    real = Path(os.path.realpath(p))
    if not os.access(real, os.W_OK):
        raise WorkbookError(f"Datei '{name}' ist schreibgeschützt — keine Änderung möglich")
    folder = real.parent
    if not os.access(folder, os.W_OK | os.X_OK):
        raise WorkbookError(f"Datei '{name}': Ordner '{folder}' ist schreibgeschützt — "
                            f"keine Änderung möglich")
