"""The four workbook kinds, one folder each, and the one registry of them.

A kind is recognised by its sheets (``Kind.recognises``); the order below is the order of the
look-up (the Inkasso workbook first: its Masterliste is the most specific sheet name).
"""
from __future__ import annotations

from ..core.workbook_data import WorkbookData
from .diagonal import KIND as DIAGONAL
from .inkasso import KIND as INKASSO
from .kind import Kind
from .kundenakten import KIND as KUNDENAKTEN
from .solleciti import KIND as SOLLECITI

KINDS: tuple[Kind, ...] = (INKASSO, DIAGONAL, SOLLECITI, KUNDENAKTEN)

__all__ = [
    "DIAGONAL",
    "INKASSO",
    "KINDS",
    "KUNDENAKTEN",
    "SOLLECITI",
    "Kind",
    "UnknownWorkbook",
    "detect_kind",
    "kind_named",
]


class UnknownWorkbook(Exception):
    """The workbook is none of the kinds, or not the kind an action needs; ``str(e)`` says why."""


def kind_named(name: str) -> Kind:
    for k in KINDS:
        if k.name == name:
            return k
    raise KeyError(name)


def detect_kind(wb: WorkbookData) -> Kind:
    for kind in KINDS:
        if kind.recognises(wb):
            return kind
    known = "; ".join(k.describe() for k in KINDS)
    raise UnknownWorkbook(f"'{wb.source}': unbekannte Arbeitsmappe — erwartet wird eine von: {known}")
