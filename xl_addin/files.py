"""Every file the product writes besides the agent's workbook itself: finished bytes put on disk
atomically (exports, new workbooks, the add-in) and the PDF made from an .xlsx by LibreOffice.

Knows no workbook kind: the kinds build bytes in memory, ``xl_addin.actions`` decides names and
folders and calls these functions. The agent's workbook is rewritten by ``xl_addin.package``
(``apply_plan``), which has its own atomic write (see its ``_write``) and makes its rename durable
with ``fsync_folder`` from here.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["PdfConversionError", "atomic_write_bytes", "convert_to_pdf", "find_soffice", "fsync_folder",
           "write_new_file"]

PDF_TIMEOUT_SECONDS = 180.0


class PdfConversionError(Exception):
    """LibreOffice made no PDF; ``str(e)`` is a German one-liner saying why."""


@contextmanager
def _finished_temp_file(path: Path, data: bytes) -> Iterator[str]:
    """A temp file next to ``path`` holding ``data``, flushed to disk; removed afterwards unless
    the caller renamed it into place. Missing folders are created."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        yield tmp
    finally:
        Path(tmp).unlink(missing_ok=True)


def fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (not possible on every platform)."""
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def atomic_write_bytes(path, data: bytes) -> Path:
    """Write ``data`` to ``path`` so that readers see the old file or the whole new one, never
    half of it; missing folders are created. Returns the path."""
    path = Path(path)
    with _finished_temp_file(path, data) as tmp:
        os.replace(tmp, path)
    fsync_folder(path.parent)
    return path


def write_new_file(path, data: bytes) -> Path:
    """Write ``data`` as the new file ``path``: FileExistsError when it exists, also when it appears
    while writing (the finished temp file is linked in place, never renamed over a file)."""
    path = Path(path)
    exists = FileExistsError(f"Die Datei '{path}' gibt es schon — sie wird nicht überschrieben.")
    with _finished_temp_file(path, data) as tmp:
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise exists from None
        except OSError:   # a file system without hard links
            if path.exists():
                raise exists from None
            os.replace(tmp, path)
    return path


def find_soffice() -> str | None:
    """Path of LibreOffice's command line (``soffice``/``libreoffice``), None when not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(xlsx: Path, pdf: Path, soffice: str, timeout: float = PDF_TIMEOUT_SECONDS) -> Path:
    """``soffice --headless --convert-to pdf`` of the file ``xlsx`` with a private profile
    (parallel runs do not share LibreOffice's lock), the result written atomically to ``pdf``."""
    import subprocess  # only for the PDF: not at every start-up

    with tempfile.TemporaryDirectory(prefix="xl_addin_soffice_") as tmp:
        work = Path(tmp)
        src = work / "akte.xlsx"
        shutil.copyfile(xlsx, src)
        cmd = [soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
               "--norestore", "--nolockcheck", "--convert-to", "pdf", "--outdir", str(work), str(src)]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise PdfConversionError(
                f"PDF nicht erstellt: LibreOffice hat nach {timeout:.0f} s nicht geantwortet") from None
        produced = work / "akte.pdf"
        if not produced.exists():
            why = (proc.stderr or proc.stdout).decode("utf-8", "replace").strip().splitlines()
            raise PdfConversionError(
                "PDF nicht erstellt: " + (why[-1] if why else f"LibreOffice Exit {proc.returncode}"))
        atomic_write_bytes(pdf, produced.read_bytes())
    return pdf
