"""What a new, empty workbook of a kind looks like ("template layout"), as plain data.

A kind declares its sheets as ``SheetLayout``s; ``xl_addin.templates`` renders them into an
.xlsx. Nothing here writes a file.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .plan import DATETIME_FORMAT
from .report import FINDINGS_HEADER, FINDINGS_WIDTHS, PROTOCOL_HEADER, PROTOCOL_WIDTHS
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


def settings_layout(name: str, specs: Sequence[SettingSpec], widths: tuple[float, float, float] = (34, 24, 80),
                    header: Sequence[str] | None = None) -> SheetLayout:
    """The settings sheet: key, default and description of every setting under ``header`` (the
    German one unless given)."""
    rows = settings_rows(specs)
    names = list(header) if header is not None else [str(h) for h in rows[0]]
    return SheetLayout(name, names, rows=rows[1:], widths=dict(zip(names, widths, strict=True)))


def findings_layout(name: str, headers: Sequence[str] = FINDINGS_HEADER) -> SheetLayout:
    """Prüfung: rewritten by every run (see core.report)."""
    return SheetLayout(name, list(headers), widths=dict(zip(headers, FINDINGS_WIDTHS, strict=True)))


def protocol_layout(name: str) -> SheetLayout:
    """Protokoll: appended by every run; the first column is the time."""
    headers = list(PROTOCOL_HEADER)
    return SheetLayout(name, headers, number_formats={headers[0]: DATETIME_FORMAT},
                       widths=dict(zip(headers, PROTOCOL_WIDTHS, strict=True)))

