"""The Inkasso overview (`Übersicht`): rows per next step, due today, overdue — and per vendor the
open orders, their open amount, and how many are in dunning, wait for the Freigabe or lie at the
agency. Counted from the Masterliste as the run leaves it."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from ...core.overview import EURO_FORMAT, Block, OverviewSpec, Row, due_state
from ...core.plan import CellValue
from ...core.tables import data_rows, sheet_columns
from ...core.workbook_data import WorkbookData
from . import schema as S

VENDOR_HEADER = ("Vendor", "User-ID", "offene Bestellungen", "offener Betrag", "im Mahnwesen",
                 "warten auf Freigabe", "beim Inkasso")


def _id(value: CellValue) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def is_open(row: Row) -> bool:
    """Followed (`Verfolgen` = Ja) — the yellow rows."""
    return _folded(row.get(S.M_FOLLOW)) == "ja"


_FOLDED: dict[str, str] = {}


def _folded(value: CellValue) -> str:
    """A cell as text, stripped and case-folded ("" for blank); a text (the same few in every
    row: 'Ja', 'on_hold' …) is folded once."""
    if type(value) is str:
        folded = _FOLDED.get(value)
        if folded is None:
            folded = value.strip().casefold()
            if len(_FOLDED) < 4096:
                _FOLDED[value] = folded
        return folded
    return str(value or "").strip().casefold()


def vendor_names(wb: WorkbookData, aliases: Mapping[str, Sequence[str]] | None) -> dict[str, str]:
    sheet = wb.sheet(S.SHEET_OVERVIEW)
    if sheet is None:
        return {}
    cmap = sheet_columns(sheet, S.OVERVIEW_HEADERS, aliases)
    id_col, name_col = cmap.col(S.OV_USER_ID), cmap.col(S.OV_VENDOR)
    if id_col is None:
        return {}
    out: dict[str, str] = {}
    for r in data_rows(sheet, [id_col]):
        key = _id(sheet.value(r, id_col))
        if key and key not in out:
            out[key] = str(sheet.value(r, name_col) or "").strip() if name_col else ""
    return out


def vendor_block(rows: list[Row], names: Mapping[str, str]) -> Block:
    """Per vendor (in order of User-ID): open orders, open amount (of the open orders; amounts
    that are not numbers do not add up), in dunning (1./2. Mahnung next), waiting for the
    Freigabe (incasso_state on_hold), at the agency (sent_for_collection)."""
    per: dict[str, list[float]] = {}
    dunning = (S.STEP_FIRST, S.STEP_SECOND)
    for row in rows:
        vendor = _id(row.get(S.M_VENDOR_ID))
        acc = per.get(vendor)
        if acc is None:
            acc = per[vendor] = [0, 0.0, 0, 0, 0]
        state = _folded(row.get(S.M_INCASSO_STATE))
        if is_open(row):
            acc[0] += 1
            amount = row.get(S.M_AMOUNT)
            if isinstance(amount, (int, float)) and not isinstance(amount, bool):
                acc[1] += float(amount)
        step = row.get(S.M_NEXT_STEP)
        if (step if type(step) is str and step in dunning else str(step or "").strip()) in dunning:
            acc[2] += 1
        if state == S.STATE_ON_HOLD:
            acc[3] += 1
        if state == S.STATE_SENT:
            acc[4] += 1
    out: list[list[CellValue]] = []
    for vendor in sorted(per, key=lambda v: (not v.isdecimal(), int(v) if v.isdecimal() else 0, v)):
        acc = per[vendor]
        out.append([names.get(vendor, "") or vendor or "(leer)", vendor or None, int(acc[0]),
                    round(acc[1], 2), int(acc[2]), int(acc[3]), int(acc[4])])
    return Block(VENDOR_HEADER, out, {4: EURO_FORMAT})


def spec(wb: WorkbookData, aliases: Mapping[str, Sequence[str]] | None) -> OverviewSpec:
    names = vendor_names(wb, aliases)

    def extra(rows: list[Row], now: datetime) -> list[Block]:
        return [vendor_block(rows, names)]

    return OverviewSpec(source=S.SHEET_MASTER, key=S.M_ORDER_ID, step=S.M_NEXT_STEP, due=S.M_DUE,
                        group=None, group_title="", is_open=is_open,
                        others=(S.M_FOLLOW, S.M_VENDOR_ID, S.M_AMOUNT, S.M_INCASSO_STATE), extra=extra)


__all__ = ["VENDOR_HEADER", "due_state", "is_open", "spec", "vendor_block"]
