"""Excel tables (``xl/tables/tableN.xml``) as the writer grows them: a range, its filter, its
columns — kept consistent the way Excel keeps them when one types next to a table."""
from __future__ import annotations

import uuid

from lxml import etree

from .opc import m
from .refs import cell_ref, ref_box

_UID = "{http://schemas.microsoft.com/office/spreadsheetml/2014/revision}uid"


def totals_rows(table: etree._Element) -> int:
    try:
        return int(table.get("totalsRowCount", "0"))
    except ValueError:
        return 0


def header_rows(table: etree._Element) -> int:
    try:
        return int(table.get("headerRowCount", "1"))
    except ValueError:
        return 1


def box(table: etree._Element) -> tuple[int, int, int, int] | None:
    """(first row, first column, last row, last column) of the table, totals row included."""
    return ref_box(table.get("ref", ""))


def data_span(table: etree._Element) -> tuple[int, int, range] | None:
    """(first data row, last data row, its columns)."""
    b = box(table)
    if b is None:
        return None
    r1, c1, r2, c2 = b
    return r1 + header_rows(table), r2 - totals_rows(table), range(c1, c2 + 1)


def set_box(table: etree._Element, r1: int, c1: int, r2: int, c2: int) -> None:
    """New range; the table's filter covers it without the totals row."""
    table.set("ref", f"{cell_ref(r1, c1)}:{cell_ref(r2, c2)}")
    auto = table.find(m("autoFilter"))
    if auto is not None:
        auto.set("ref", f"{cell_ref(r1, c1)}:{cell_ref(r2 - totals_rows(table), c2)}")


def column_names(table: etree._Element) -> list[str]:
    cols = table.find(m("tableColumns"))
    return [c.get("name", "") for c in cols.iterchildren(m("tableColumn"))] if cols is not None else []


def unique_name(names: list[str], wanted: str) -> str:
    """Excel's rule: a name already taken (case ignored) gets 2, 3, … appended."""
    taken = {n.casefold() for n in names}
    name = wanted or "Spalte"
    n = 1
    while name.casefold() in taken:
        n += 1
        name = f"{wanted}{n}"
    return name


def add_column(table: etree._Element, wanted: str) -> str:
    """One more column at the right; returns its (unique) name."""
    cols = table.find(m("tableColumns"))
    if cols is None:
        cols = etree.SubElement(table, m("tableColumns"))
    items = list(cols.iterchildren(m("tableColumn")))
    name = unique_name([c.get("name", "") for c in items], wanted)
    ids = [int(c.get("id", "0")) for c in items if c.get("id", "").isdecimal()]
    col = cols.makeelement(m("tableColumn"), {})
    col.set("id", str(max(ids, default=0) + 1))
    if items and items[-1].get(_UID) is not None:
        col.set(_UID, "{" + str(uuid.uuid4()).upper() + "}")
    col.set("name", name)
    if items:
        items[-1].addnext(col)
    else:
        cols.append(col)
    cols.set("count", str(len(items) + 1))
    return name


def calculated_columns(table: etree._Element) -> dict[int, str]:
    """Sheet column -> the calculated column's formula (as written in the first data row)."""
    b = box(table)
    cols = table.find(m("tableColumns"))
    if b is None or cols is None:
        return {}
    out = {}
    for i, col in enumerate(cols.iterchildren(m("tableColumn"))):
        f = col.find(m("calculatedColumnFormula"))
        if f is not None and f.text and f.get("array") not in ("1", "true"):
            out[b[1] + i] = f.text
    return out


def qualified(formula: str, table: str) -> str:
    """A calculated column's formula as a cell holds it: structured references name the table
    ('[@Betrag]' is written 'Tabelle1[[#This Row],[Betrag]]' in cells)."""
    from openpyxl.formula.tokenizer import Token, Tokenizer

    if not table or "[" not in formula:
        return formula
    try:
        tokens = Tokenizer("=" + formula).items
    except Exception:  # not tokenizable: left as written
        return formula
    out = []
    for tok in tokens:
        value = tok.value
        if tok.type == Token.OPERAND and tok.subtype == Token.RANGE and value.startswith("["):
            value = table + value
        out.append(value)
    return "".join(out)


def fit_rewritten(table: etree._Element, headers: dict[int, str], last_row: int,
                  product: frozenset[str]) -> dict[int, str] | None:
    """A table over a sheet the product rewrites (row 1 = ``headers``, data to ``last_row``):
    its header row stays row 1, its columns are the contiguous headed columns it covered (by
    name, where they are now) — the product's whole block when it covered one of them — its
    ``tableColumn`` names equal the header texts (a column keeps its id, formats and calculated
    formula; the product's columns lose a calculated formula), its ``ref`` and filter end at
    ``last_row``; a totals row and filter/sort criteria go (they described rows that are no
    more). Returns column -> header text where a name had to be made unique (the header cell
    is rewritten to it), or None when the table cannot stay (its header is not row 1, or its
    columns are not one block of headed columns): then the caller drops it."""
    b = box(table)
    if b is None or header_rows(table) != 1 or b[0] != 1:
        return None
    cols_el = table.find(m("tableColumns"))
    if cols_el is None:
        return None
    old = {c.get("name", "").casefold(): c for c in cols_el.iterchildren(m("tableColumn"))}
    by_name = {text.casefold(): col for col, text in headers.items()}
    covered = [by_name[name] for name in old if name in by_name]
    if not covered:
        return None
    if any(" ".join(headers[c].split()).casefold() in product for c in covered):
        covered += [c for c, text in headers.items() if " ".join(text.split()).casefold() in product]
    lo, hi = min(covered), max(covered)
    if any(c not in headers for c in range(lo, hi + 1)):
        return None
    ids = [int(c.get("id", "0")) for c in old.values() if c.get("id", "").isdecimal()]
    uids = [a for c in old.values() for a in c.attrib if str(a).endswith("}uid")]  # xr3:uid as Excel writes
    next_id = max(ids, default=0) + 1
    new_items: list[etree._Element] = []
    names: list[str] = []
    renamed: dict[int, str] = {}
    for col in range(lo, hi + 1):
        text = headers[col]
        item = old.pop(text.casefold(), None)
        if item is None:
            item = cols_el.makeelement(m("tableColumn"), {"id": str(next_id)})
            next_id += 1
            if uids:                                      # Excel's revision ids, where it keeps them
                item.set(uids[0], "{" + str(uuid.uuid4()).upper() + "}")
        name = unique_name(names, text)
        if name != text:
            renamed[col] = name
        names.append(name)
        item.set("name", name)
        for attr in ("totalsRowFunction", "totalsRowLabel"):
            if attr in item.attrib:
                del item.attrib[attr]
        for child in list(item):
            if child.tag in (m("totalsRowFormula"),) or (
                    child.tag == m("calculatedColumnFormula")
                    and " ".join(text.split()).casefold() in product):
                item.remove(child)
        new_items.append(item)
    for child in list(cols_el):
        cols_el.remove(child)
    cols_el.extend(new_items)
    cols_el.set("count", str(len(new_items)))
    if "totalsRowCount" in table.attrib:
        del table.attrib["totalsRowCount"]
    if table.get("totalsRowShown") is not None:
        table.set("totalsRowShown", "0")
    for child in list(table):
        if child.tag == m("sortState"):
            table.remove(child)
    auto = table.find(m("autoFilter"))
    if auto is not None:
        for child in list(auto):
            if child.tag in (m("filterColumn"), m("sortState")):
                auto.remove(child)
    set_box(table, 1, lo, max(last_row, 2), hi)
    return renamed


__all__ = ["add_column", "box", "calculated_columns", "column_names", "data_span", "fit_rewritten", "header_rows",
           "qualified", "set_box", "totals_rows", "unique_name"]
