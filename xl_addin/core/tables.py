"""A kind's table: a sheet found by name whose columns are found by their headers, its data rows,
and a table keyed by an id column (the vendors of Inkasso's `Übersicht` and Diagonal's
`Vendoren`). The mechanics are the same for every kind; the kind brings its headers, its codes and
what it reads from a row."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from . import values as V
from .cellreader import CellReader, values_in
from .findings import Code, Finding
from .headers import ColumnMap, header_findings, locate_columns
from .workbook_data import SheetData, WorkbookData

__all__ = ["Table", "data_rows", "locate_table", "rows_by_id", "sheet_columns"]

_Row = TypeVar("_Row")


@dataclass(frozen=True)
class Table:
    """A sheet and where its columns are."""
    sheet: SheetData
    cmap: ColumnMap


def sheet_columns(sheet: SheetData, wanted: Sequence[str],
                  aliases: Mapping[str, Sequence[str]] | None = None) -> ColumnMap:
    """``locate_columns`` on the sheet's row 1 (an empty sheet has no header)."""
    return locate_columns(sheet.name, sheet.rows[0] if sheet.rows else [], wanted, aliases)


def locate_table(wb: WorkbookData, name: str, headers: Sequence[str], required: Sequence[str],
                 aliases: Mapping[str, Sequence[str]] | None, findings: list[Finding], sheet_missing: Code,
                 **fields: object) -> Table | None:
    """The sheet ``name`` with its columns, or None when the table cannot be read: the sheet is
    missing (the finding ``sheet_missing``; fields ``sheet`` and ``fields``) or a ``required``
    header is (``header_findings`` go to ``findings`` either way)."""
    sheet = wb.sheet(name)
    if sheet is None:
        findings.append(sheet_missing.finding(name, "", {"sheet": name, **fields}))
        return None
    cmap = sheet_columns(sheet, headers, aliases)
    findings += header_findings(cmap, required)
    if any(h in cmap.missing for h in required):
        return None
    return Table(sheet, cmap)


def data_rows(sheet: SheetData, cols: Iterable[int]) -> Iterator[int]:
    """Row numbers from 2 on that hold a value in any of ``cols`` (formatting-only rows are no data)."""
    indexes = [c - 1 for c in cols if c > 0]
    for r, values in enumerate(sheet.rows[1:], start=2):
        if values_in(values, indexes):
            yield r


def rows_by_id(rd: CellReader, id_header: str, read_row: Callable[[int, str], _Row], duplicate: Code,
               id_field: str, blank_id: Code | None = None) -> dict[str, _Row]:
    """The data rows of ``rd``'s table keyed by the id in column ``id_header``, each read by
    ``read_row(row, id)``. A row without a readable id is skipped (a blank one is the finding
    ``blank_id`` when given); the first row of an id wins, a later one is the finding
    ``duplicate`` with the id as field ``id_field`` and ``first_row``."""
    out: dict[str, _Row] = {}
    first_row: dict[str, int] = {}
    for r in data_rows(rd.sheet, rd.cmap.columns.values()):
        row_id = rd.ident(r, id_header)
        if row_id is None:
            if blank_id is not None and V.is_blank(rd.raw(r, id_header)):
                rd.add(blank_id, r, id_header)
            continue
        item = read_row(r, row_id)
        if row_id in out:
            rd.findings.append(duplicate.finding(rd.sheet.name, rd.cell(r, id_header),
                                                 {id_field: row_id, "first_row": first_row[row_id]}, lang=rd.lang))
            continue
        out[row_id], first_row[row_id] = item, r
    return out
