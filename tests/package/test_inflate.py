"""Deflated parts are inflated in one call (not through zipfile's reader). The checks zipfile
made must still hold: the declared size bounds the output, and the CRC must match."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from xl_addin.package import WorkbookError
from xl_addin.package.archive import Archive, ArchiveWriter, Deflated, deflate

XML = b'<?xml version="1.0"?><worksheet>' + b"<row/>" * 5000 + b"</worksheet>"


def archive_with(member: Deflated) -> Archive:
    buf = io.BytesIO()
    out = ArchiveWriter(buf)
    out.write("[Content_Types].xml", deflate(b"<Types/>"))
    out.write("xl/worksheets/sheet1.xml", member)
    out.close()
    return Archive.from_bytes(Path("Mappe.xlsx"), buf.getvalue())


def test_a_sound_part_reads_as_zipfile_reads_it():
    archive = archive_with(deflate(XML))
    assert archive.read("xl/worksheets/sheet1.xml") == XML
    with zipfile.ZipFile(io.BytesIO(archive.data)) as zf:
        assert zf.read("xl/worksheets/sheet1.xml") == XML


@pytest.mark.parametrize("lie", [
    lambda d: Deflated(d.data, d.crc ^ 1, d.size),             # wrong CRC
    lambda d: Deflated(d.data, d.crc, d.size - 100),           # more data than declared
    lambda d: Deflated(d.data, d.crc, d.size + 100),           # less data than declared
    lambda d: Deflated(d.data[: len(d.data) // 2], d.crc, d.size),   # cut short
])
def test_a_damaged_or_lying_part_is_refused_naming_it(lie):
    archive = archive_with(lie(deflate(XML)))
    with pytest.raises(WorkbookError, match=r"beschädigt: Teil 'xl/worksheets/sheet1\.xml'"):
        archive.read("xl/worksheets/sheet1.xml")
