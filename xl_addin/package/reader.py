"""read_workbook: every worksheet's values via python-calamine, states from workbook.xml."""
from __future__ import annotations

import io
import re

import python_calamine as calamine

from ..core.workbook_data import SheetData, WorkbookData
from .archive import Archive
from .errors import WorkbookError
from .opc import WorkbookParts, m
from .refs import split_cell_ref
from .safety import iterparse_safe

_EXACT_INT = 2 ** 53
_ERROR_MARKER = re.compile(rb"""t=["']e["']""")
C_TAG, V_TAG = m("c"), m("v")


def _clean(value):
    """calamine value -> CellValue: '' -> None, integral floats -> int."""
    t = type(value)
    if t is float:
        if value.is_integer() and -_EXACT_INT < value < _EXACT_INT:
            return int(value)
        return value
    if t is str:
        return value or None
    return value


def _error_cells(archive: Archive, part: str) -> list[tuple[int, int, str]]:
    """(row, col, '#N/A') for cells of type error: calamine hands those over as ''."""
    data = archive.read(part)
    if not _ERROR_MARKER.search(data):
        return []
    out = []
    for _, c in iterparse_safe(io.BytesIO(data), C_TAG):
        if c.get("t") == "e" and c.get("r"):
            v = c.find(V_TAG)
            if v is not None and v.text:
                row, col = split_cell_ref(c.get("r"))
                out.append((row, col, v.text))
        c.clear(keep_tail=True)
    return out


def read_archive(archive: Archive) -> WorkbookData:
    parts = WorkbookParts(archive)
    archive.check_xml_prologs()
    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(archive.data))
    except calamine.PasswordError:
        raise WorkbookError(f"Datei '{archive.name}' ist mit einem Kennwort geschützt") from None
    except Exception as exc:  # calamine raises several types for broken files
        raise WorkbookError(f"Datei '{archive.name}' ist beschädigt und kann nicht gelesen "
                            f"werden ({type(exc).__name__})") from None
    result = WorkbookData(source=str(archive.path))
    try:
        for entry in parts.sheets:
            if not entry.is_worksheet:
                continue
            sheet = book.get_sheet_by_name(entry.name)
            rows = [[_clean(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
            for row, col, text in _error_cells(archive, entry.part):
                while len(rows) < row:
                    rows.append([])
                line = rows[row - 1]
                if len(line) < col:
                    line.extend([None] * (col - len(line)))
                line[col - 1] = text
            result.sheets[entry.name] = SheetData(entry.name, rows, entry.state)
    except WorkbookError:
        raise
    except Exception as exc:
        raise WorkbookError(f"Datei '{archive.name}' ist beschädigt und kann nicht gelesen "
                            f"werden ({type(exc).__name__}: {exc})") from None
    finally:
        book.close()
    return result


def read_workbook(path) -> WorkbookData:
    """All worksheets in workbook order; rows[0] is row 1, column A is index 0. Dates as
    date/datetime, numbers as int/float, text as str, booleans as bool, errors as '#N/A'
    etc., empty cells as None. Raises WorkbookError for missing, encrypted, corrupt files."""
    return read_archive(Archive.open(path))


__all__ = ["read_archive", "read_workbook"]
