"""The agent's file is never damaged: a workbook open in Excel, broken/encrypted/hostile files
and failures half-way through writing all leave the original byte-identical, with a German
one-line reason; backups rotate."""
from __future__ import annotations

import io
import os
import shutil
import time
import zipfile
from pathlib import Path

import pytest

from xl_addin.core.plan import CellWrite, Plan
from xl_addin.package import (
    BACKUP_DIR,
    WorkbookError,
    apply_plan,
    archive as archive_module,
    backup_paths,
    check_writable,
    read_workbook,
    safety,
    writer,
)

PLAN = Plan(writes=[CellWrite("Masterliste", 2, 4, "Ja")])


def folder_listing(path: Path) -> list[str]:
    return sorted(os.listdir(path.parent))


def assert_refused(path: Path, plan: Plan = PLAN, *, match: str) -> WorkbookError:
    before = path.read_bytes() if path.exists() else None
    listing = folder_listing(path)
    with pytest.raises(WorkbookError, match=match) as info:
        apply_plan(path, plan)
    assert (path.read_bytes() if path.exists() else None) == before
    assert folder_listing(path) == listing              # no temp file, no backup
    message = str(info.value)
    assert "\n" not in message and path.name in message
    return info.value


def rewrite_member(path: Path, member: str, transform) -> None:
    with zipfile.ZipFile(path) as zin:
        items = [(i, zin.read(i.filename)) for i in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in items:
            zout.writestr(info, transform(data) if info.filename == member else data)


# --- Excel's lock file -----------------------------------------------------------------------
def test_workbook_open_in_excel_is_not_touched(simple_book):
    lock = simple_book.with_name("~$" + simple_book.name)
    lock.write_bytes(b"\x05agent")
    error = assert_refused(simple_book, match="in Excel geöffnet")
    assert f"~${simple_book.name}" in str(error)
    with pytest.raises(WorkbookError, match="bitte schließen"):
        check_writable(simple_book)
    lock.unlink()
    check_writable(simple_book)                          # closed again: fine
    assert apply_plan(simple_book, PLAN).written


def test_lock_file_appearing_during_the_run_stops_the_replace(simple_book, monkeypatch):
    original = simple_book.read_bytes()
    real_write = writer._Edit.write_to

    def write_then_excel_opens(self, fh):
        order = real_write(self, fh)
        simple_book.with_name("~$" + simple_book.name).write_bytes(b"x")
        return order
    monkeypatch.setattr(writer._Edit, "write_to", write_then_excel_opens)
    with pytest.raises(WorkbookError, match="in Excel geöffnet"):
        apply_plan(simple_book, PLAN)
    assert simple_book.read_bytes() == original
    assert not [n for n in folder_listing(simple_book) if n.endswith(".tmp")]


def test_file_saved_by_someone_else_during_the_run_is_not_overwritten(simple_book, monkeypatch):
    real_apply = writer._Edit.apply

    def apply_while_agent_saves(self):
        real_apply(self)
        rewrite_member(simple_book, "docProps/core.xml", lambda d: d.replace(b"</cp:coreProperties>",
                                                                          b"<!--saved--></cp:coreProperties>"))
    monkeypatch.setattr(writer._Edit, "apply", apply_while_agent_saves)
    with pytest.raises(WorkbookError, match="während des Laufs von jemand anderem gespeichert"):
        apply_plan(simple_book, PLAN)
    assert b"<!--saved-->" in zipfile.ZipFile(simple_book).read("docProps/core.xml")


def test_a_mere_touch_during_the_run_is_no_save(simple_book, monkeypatch):
    """Same bytes, newer mtime (backup software, `touch`): nothing was lost, the run writes."""
    real_apply = writer._Edit.apply

    def apply_while_touched(self):
        real_apply(self)
        os.utime(simple_book, ns=(time.time_ns(), time.time_ns() + 5_000_000_000))
    monkeypatch.setattr(writer._Edit, "apply", apply_while_touched)
    assert apply_plan(simple_book, PLAN).written
    assert read_workbook(simple_book).sheets["Masterliste"].value(2, 4) == "Ja"


# --- broken, encrypted, hostile files ----------------------------------------------------------
def broken_variants(good: bytes) -> dict[str, tuple[bytes, str]]:
    ole_header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    encrypted = ole_header + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 100
    return {
        "truncated": (good[: len(good) // 2], "beschädigt"),
        "encrypted": (encrypted, "Kennwort verschlüsselt"),
        "old_xls": (ole_header + b"\x00" * 200, "altes Excel-Format"),
        "not_a_zip": (b"order_id;Name\n1;Erika\n", "keine Excel-Arbeitsmappe"),
        "empty": (b"", "leer"),
        "zip_without_workbook": (_zip_of({"hello.txt": b"hi"}), "keine Excel-Arbeitsmappe"),
        "central_directory_garbled": (good[:-22] + b"PK\x05\x06" + b"\xff" * 18, "beschädigt"),
    }


def _zip_of(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize("variant", ["truncated", "encrypted", "old_xls", "not_a_zip", "empty",
                                     "zip_without_workbook", "central_directory_garbled"])
def test_broken_files_are_refused_on_read_and_apply(simple_book, variant):
    data, match = broken_variants(simple_book.read_bytes())[variant]
    simple_book.write_bytes(data)
    with pytest.raises(WorkbookError, match=match) as info:
        read_workbook(simple_book)
    assert simple_book.name in str(info.value)
    assert_refused(simple_book, match=match)


def test_missing_file(tmp_path):
    missing = tmp_path / "Weg.xlsx"
    for call in (lambda: read_workbook(missing), lambda: apply_plan(missing, PLAN),
                 lambda: check_writable(missing), lambda: apply_plan(missing, Plan())):
        with pytest.raises(WorkbookError, match="nicht gefunden"):
            call()


def test_corrupt_member_data_is_detected(simple_book):
    """A damaged part the writer would only copy (theme) is caught by the CRC check of the new
    file; a damaged part it reads (the sheet) is refused right away."""
    data = bytearray(simple_book.read_bytes())
    with zipfile.ZipFile(simple_book) as zf:
        theme = zf.getinfo("xl/theme/theme1.xml")
    name_len = int.from_bytes(data[theme.header_offset + 26:theme.header_offset + 28], "little")
    start = theme.header_offset + 30 + name_len + 40
    data[start:start + 8] = b"\x00\xff" * 4
    simple_book.write_bytes(bytes(data))
    assert_refused(simple_book, match="beschädigt|Prüfsumme")


def test_empty_plan_does_not_touch_the_file(simple_book):
    stat = simple_book.stat()
    result = apply_plan(simple_book, Plan())
    assert not result.written
    assert simple_book.stat().st_mtime_ns == stat.st_mtime_ns
    assert not (simple_book.parent / BACKUP_DIR).exists()


@pytest.mark.parametrize("member", ["xl/worksheets/sheet1.xml", "xl/workbook.xml",
                                    "xl/sharedStrings.xml"])
def test_billion_laughs_is_refused_quickly(simple_book, member):
    bomb = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
            + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                       for i in range(1, 10))
            + b"]>\n")
    rewrite_member(simple_book, member,
                   lambda data: bomb + data.split(b"?>", 1)[1].replace(
                       b"</sheetData>",
                       b"<row r='99'><c r='A99' t='inlineStr'><is><t>&lol9;</t></is></c></row></sheetData>"))
    started = time.monotonic()
    with pytest.raises(WorkbookError, match="DTD"):
        read_workbook(simple_book)
    assert_refused(simple_book, match="DTD")
    assert time.monotonic() - started < 10                  # refused, not expanded


def test_external_entity_is_refused(simple_book):
    rewrite_member(simple_book, "xl/workbook.xml", lambda data: data.replace(
        b"?>", b'?>\n<!DOCTYPE workbook [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', 1))
    with pytest.raises(WorkbookError, match="DTD"):
        read_workbook(simple_book)
    assert_refused(simple_book, match="DTD")


def test_zip_bomb_is_refused(simple_book, monkeypatch):
    rewrite_member(simple_book, "docProps/core.xml", lambda data: data + b" " * (4 * 2**20))
    assert_refused(simple_book, match="ZIP-Bombe")
    with pytest.raises(WorkbookError, match="ZIP-Bombe"):
        read_workbook(simple_book)


def test_oversized_member_is_refused(simple_book, monkeypatch):
    monkeypatch.setattr(safety, "MAX_MEMBER_SIZE", 1000)
    assert_refused(simple_book, match="zu groß")


def test_unknown_sheet_layout_is_refused(simple_book):
    rewrite_member(simple_book, "xl/worksheets/sheet1.xml",
                   lambda d: d.replace(b'<row r="2"', b'<row r="9"', 1))
    assert_refused(simple_book, match="unbekannten Aufbau")


def test_values_excel_cannot_store_are_refused_naming_the_cell(simple_book):
    error = assert_refused(simple_book, Plan(writes=[CellWrite("Masterliste", 3, 2, float("nan"))]),
                           match="Masterliste!B3")
    assert "nan" in str(error)
    assert_refused(simple_book, Plan(writes=[CellWrite("Masterliste", 3, 2, "x" * 40000)]),
                   match="32767")
    assert_refused(simple_book, Plan(writes=[CellWrite("Fehlt", 1, 1, 1)]), match="'Fehlt' fehlt")
    assert_refused(simple_book, Plan(writes=[CellWrite("Masterliste", 2, 16385, 1)]),
                   match="außerhalb")
    assert_refused(simple_book, Plan(writes=[CellWrite("Masterliste", 0, 1, 1)]), match="außerhalb")


# --- failures half-way ---------------------------------------------------------------------------
def test_exception_while_writing_leaves_original_and_no_temp_file(simple_book, monkeypatch):
    calls = []
    real = archive_module.ArchiveWriter.copy_raw

    def failing_copy(self, source, info):
        calls.append(info.filename)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real(self, source, info)
    monkeypatch.setattr(archive_module.ArchiveWriter, "copy_raw", failing_copy)
    error = assert_refused(simple_book, match="Schreiben fehlgeschlagen")
    assert "Original unverändert" in str(error) and len(calls) == 3


def test_interrupt_while_writing_cleans_up(simple_book, monkeypatch):
    def interrupted(self, source, info):
        raise KeyboardInterrupt
    monkeypatch.setattr(archive_module.ArchiveWriter, "copy_raw", interrupted)
    before, listing = simple_book.read_bytes(), folder_listing(simple_book)
    with pytest.raises(KeyboardInterrupt):
        apply_plan(simple_book, PLAN)
    assert simple_book.read_bytes() == before and folder_listing(simple_book) == listing


def test_failing_rename_leaves_original(simple_book, monkeypatch):
    before = simple_book.read_bytes()

    def no_replace(src, dst):
        raise PermissionError(13, "Zugriff verweigert")
    monkeypatch.setattr(writer.os, "replace", no_replace)
    with pytest.raises(WorkbookError, match="Schreiben fehlgeschlagen"):
        apply_plan(simple_book, PLAN, backups=0)
    assert simple_book.read_bytes() == before
    assert not [n for n in folder_listing(simple_book) if n.endswith(".tmp")]


# --- backups -------------------------------------------------------------------------------------
def test_backups_rotate_and_respect_the_count(simple_book):
    versions = [simple_book.read_bytes()]
    for i in range(5):
        result = apply_plan(simple_book, Plan(writes=[CellWrite("Masterliste", 2, 4, i)]), backups=3)
        assert result.backup_path == backup_paths(simple_book, 3)[0]
        versions.append(simple_book.read_bytes())
    folder = simple_book.parent / BACKUP_DIR
    assert sorted(p.name for p in folder.iterdir()) == [
        "Einfach.bak1.xlsx", "Einfach.bak2.xlsx", "Einfach.bak3.xlsx"]
    bak1, bak2, bak3 = backup_paths(simple_book, 3)
    assert bak1.read_bytes() == versions[-2]
    assert bak2.read_bytes() == versions[-3]
    assert bak3.read_bytes() == versions[-4]
    assert read_workbook(bak1).sheets["Masterliste"].value(2, 4) == 3
    apply_plan(simple_book, Plan(writes=[CellWrite("Masterliste", 2, 4, 9)]), backups=1)
    assert sorted(p.name for p in folder.iterdir()) == ["Einfach.bak1.xlsx"]
    assert bak1.read_bytes() == versions[-1]


def test_no_backup_when_asked_for_none(simple_book):
    result = apply_plan(simple_book, PLAN, backups=0)
    assert result.backup_path is None and not (simple_book.parent / BACKUP_DIR).exists()


def test_file_permissions_are_kept(simple_book):
    os.chmod(simple_book, 0o640)
    apply_plan(simple_book, PLAN, backups=0)
    assert (simple_book.stat().st_mode & 0o777) == 0o640


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root may write anyway")
def test_read_only_file_is_refused(simple_book):
    os.chmod(simple_book, 0o444)
    with pytest.raises(WorkbookError, match="schreibgeschützt"):
        check_writable(simple_book)
    shutil.copy(simple_book, simple_book.with_suffix(".copy"))
