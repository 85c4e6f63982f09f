"""What a reader hands the core: each sheet's cell values, nothing else."""
from __future__ import annotations

from dataclasses import dataclass, field

from .plan import CellValue


@dataclass
class SheetData:
    name: str
    # rows[0] is row 1; rows may be ragged and may be shorter than the sheet
    rows: list[list[CellValue]]
    state: str = "visible"   # "visible" | "hidden" | "veryHidden"

    def value(self, row: int, col: int) -> CellValue:
        """1-based access; None outside the data."""
        if row < 1 or row > len(self.rows):
            return None
        r = self.rows[row - 1]
        return r[col - 1] if 0 < col <= len(r) else None

    @property
    def max_row(self) -> int:
        return len(self.rows)


@dataclass
class WorkbookData:
    sheets: dict[str, SheetData] = field(default_factory=dict)  # in workbook order
    source: str = ""  # path or description, for messages

    def sheet(self, name: str) -> SheetData | None:
        """Exact name first, then case/blank-insensitive."""
        if name in self.sheets:
            return self.sheets[name]
        want = " ".join(name.split()).casefold()
        for k, v in self.sheets.items():
            if " ".join(k.split()).casefold() == want:
                return v
        return None
