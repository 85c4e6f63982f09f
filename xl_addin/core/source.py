"""Files that come back to support (the platform's debts export, Diagonal's feedback), as tables:
row 1 the header, then one row per record — the same shape as a sheet, so that columns are found
by header text and cells are read and reported like a workbook's (SPEC §0).

Pure: a CSV arrives here as bytes (the action reads the file); an .xlsx is read by the package
reader and handed over as a sheet. Findings about a source file name its cells the way Excel
would: ``schulden.csv!C5``, ``[feedback.xlsx]Tabelle1!B7``.
"""
from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from .headers import norm_header
from .plan import CellValue
from .workbook_data import SheetData

__all__ = ["CSV_DELIMITERS", "SourceTable", "decode_csv", "sniff_delimiter", "table_from_csv",
           "table_from_sheet"]

CSV_DELIMITERS = (";", ",", "\t")


@dataclass
class SourceTable:
    """The records of one source file. ``name`` is the file name (as the Protokoll quotes it),
    ``label`` how findings name its cells (``label!C5``), ``rows[0]`` the header row."""
    name: str
    label: str
    rows: list[list[CellValue]]
    delimiter: str = ""          # a CSV's separator (for messages); "" for a workbook
    encoding: str = ""           # what the CSV's bytes were read as: "utf-8", "utf-8-sig", "cp1252", …

    def as_sheet(self) -> SheetData:
        return SheetData(self.label, self.rows)


def decode_csv(data: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 with or without BOM, UTF-16 with BOM (Excel's "Unicode text"), else
    Windows-1252 (German Excel's "CSV (Trennzeichen-getrennt)") — the one fallback that can read
    any byte, named so that the caller can say so."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def _first_record(text: str, delimiter: str) -> list[str]:
    for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        if any(cell.strip() for cell in record):
            return record
    return []


def sniff_delimiter(text: str, known_headers: Sequence[str] = ()) -> str:
    """The separator of a CSV whose first record is its header: of ``;``, ``,`` and tab, the one
    that splits the header into the most known header texts (``known_headers``, compared like
    headers), then into the most fields. A header tells, the data does not: ``99,50`` in a
    ``;``-file has a comma in every row."""
    known = {norm_header(h) for h in known_headers}

    def score(delimiter: str) -> tuple[int, int]:
        fields = _first_record(text, delimiter)
        return sum(1 for f in fields if norm_header(f) in known), len(fields)

    return max(CSV_DELIMITERS, key=lambda d: (score(d), -CSV_DELIMITERS.index(d)))


def table_from_csv(data: bytes, name: str, known_headers: Sequence[str] = ()) -> SourceTable:
    """A CSV file's records as text cells (empty text for an empty field); trailing empty records
    are dropped. Values stay text: the readers of the cells parse ids, dates and amounts as
    everywhere (``10000001.0``, ``00123``, ``01.11.2026``, ``99,50``)."""
    text, encoding = decode_csv(data)
    delimiter = sniff_delimiter(text, known_headers)
    rows: list[list[CellValue]] = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    while rows and not any(str(c).strip() for c in rows[-1]):
        rows.pop()
    return SourceTable(name, name, rows, delimiter, encoding)


def table_from_sheet(sheet: SheetData, name: str, only_sheet: bool) -> SourceTable:
    """A workbook's sheet as a source; its cells are named ``name!C5`` when it is the file's only
    sheet, else ``[name]Sheet!C5``."""
    label = name if only_sheet else f"[{name}]{sheet.name}"
    return SourceTable(name, label, [list(r) for r in sheet.rows])
