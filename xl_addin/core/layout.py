"""What a new, empty workbook of a kind looks like ("template layout"), as plain data.

A kind declares its sheets as ``SheetLayout``s; ``xl_addin.templates`` renders them into an
.xlsx. Nothing here writes a file.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .plan import DATETIME_FORMAT
from .report import FINDINGS_HEADER, PROTOCOL_HEADER
from .settings import Settings, SettingSpec

AMOUNT_FORMAT = "#,##0.00 €"
YES, NO = "Ja", "Nein"
TRUE_FALSE = ["True", "False"]


@dataclass(frozen=True)
class ListRule:
    """A drop-down on one column. ``strict`` False lets the agent type other text too."""
    values: list[str]
    prompt: str
    strict: bool = True


@dataclass
class SheetLayout:
    """What a template sheet looks like: headers in row 1 and per-column extras."""
    name: str
    headers: list[str]
    widths: dict[str, float] = field(default_factory=dict)
    number_formats: dict[str, str] = field(default_factory=dict)
    lists: dict[str, ListRule] = field(default_factory=dict)
    computed: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)   # data rows below the header (settings)
    notes: dict[str, str] = field(default_factory=dict)   # header -> note shown on the header cell


def settings_rows(specs: Sequence[SettingSpec]) -> list[list]:
    """[[Schlüssel, Wert, Beschreibung], [key, default, description], ...] for the settings sheet."""
    return [list(r) for r in Settings.defaults(specs).template_rows()]


def settings_layout(name: str, specs: Sequence[SettingSpec],
                    widths: tuple[float, float, float] = (34, 24, 80)) -> SheetLayout:
    rows = settings_rows(specs)
    header = [str(h) for h in rows[0]]
    return SheetLayout(name, header, rows=rows[1:], widths=dict(zip(header, widths)))


def findings_layout(name: str, headers: Sequence[str] = FINDINGS_HEADER) -> SheetLayout:
    """Prüfung: rewritten by every run (see core.report)."""
    return SheetLayout(name, list(headers), widths=dict(zip(headers, [10, 22, 24, 14, 90, 28])))


def protocol_layout(name: str) -> SheetLayout:
    """Protokoll: appended by every run; the first column is the time."""
    headers = list(PROTOCOL_HEADER)
    return SheetLayout(name, headers, number_formats={headers[0]: DATETIME_FORMAT},
                       widths=dict(zip(headers, [17, 14, 34, 22, 14, 8, 24, 24])))

