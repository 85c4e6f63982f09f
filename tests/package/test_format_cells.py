"""New cells past the end of a row (written values) and the cells a row colour creates with
nothing but a format are not made as elements: they are written into the sheet's XML when it is
serialised (or made as elements as soon as anything else looks at the row). Whatever happens to
the sheet, the bytes must be exactly those of creating them as elements right away."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings, strategies as st
from lxml import etree

from xl_addin.core.plan import CellWrite
from xl_addin.package import WorkbookError
from xl_addin.package.opc import MAIN_NS
from xl_addin.package.sheet import SheetPatcher
from xl_addin.package.styles import Styles

from .test_bulk_equivalence import STYLES, cell_writes

YELLOW, GREY, RED = "FFFF00", "BFBFBF", "FF0000"
PRODUCT = frozenset({YELLOW, GREY})


def sheet_xml(layout, prefixed: bool, r_last: bool, col_styles: bool) -> bytes:
    """Rows 1..n: existing columns and a kind: 'fmt' (own format), 'ext' (ends with extLst),
    'gap' (row absent), 'empty' (a <row/> without cells), 'note' (a comment that looks like
    cells and rows)."""
    p = "x:" if prefixed else ""
    ns = f'xmlns:x="{MAIN_NS}"' if prefixed else f'xmlns="{MAIN_NS}"'
    cols = (f'<{p}cols><{p}col min="2" max="4" width="9" style="1"/></{p}cols>' if col_styles
            else "")
    rows = []
    for r, (present, kind) in enumerate(layout, start=1):
        if kind == "gap":
            continue
        attrs = ' s="2" customFormat="1"' if kind == "fmt" else ' spans="2:3"'

        def cell(c, r):
            ref = f'{chr(64 + c)}{r}'
            a = f's="1" r="{ref}"' if r_last else f'r="{ref}" s="1"'
            return f'<{p}c {a}><{p}v>{c}</{p}v></{p}c>'
        cells = "" if kind == "empty" else "".join(cell(c, r) for c in sorted(present))
        if kind == "note":
            cells = f'<!-- <c r="A{r}"/></row><row r="{r + 1}"><c r="B{r + 1}"/> -->' + cells
        ext = f"<{p}extLst/>" if kind == "ext" else ""
        body = cells + ext
        rows.append(f'<{p}row r="{r}"{attrs}>{body}</{p}row>' if body else f'<{p}row r="{r}"{attrs}/>')
    return (f'<{p}worksheet {ns}><{p}dimension ref="A1"/>{cols}<{p}sheetData>{"".join(rows)}'
            f'</{p}sheetData></{p}worksheet>').encode()


def patcher(xml: bytes, defer: bool) -> SheetPatcher:
    styles = Styles(etree.fromstring(STYLES), "test.xlsx")
    return SheetPatcher(etree.fromstring(xml), sheet="Blatt", styles=styles, date1904=False,
                        file="test.xlsx", defer_cells=defer)


def run(p: SheetPatcher, steps) -> tuple:
    try:
        for step in steps:
            step(p)
        p.grow_dimension()
        xml = p.to_xml()
    except WorkbookError as e:
        return ("refused", str(e))
    return (xml, etree.tostring(p.styles.root), p.cells_filled, p.cells_written, p._extent)


layouts = st.lists(st.tuples(st.sets(st.integers(1, 7), max_size=5),
                             st.sampled_from(["", "", "fmt", "ext", "gap", "empty", "note"])),
                   min_size=1, max_size=6)
fills = st.lists(st.tuples(st.integers(1, 8), st.lists(st.integers(1, 9), max_size=8),
                           st.sampled_from([YELLOW, GREY, None])), max_size=6)
later = st.sampled_from(["none", "write", "font", "append", "delete", "fill-again", "rewrite",
                         "append-twice", "append-then-fill", "append-then-delete"])


def then(kind: str):
    if kind == "write":
        return [lambda p: p.write_all([CellWrite("Blatt", 2, 5, "neu"), CellWrite("Blatt", 3, 9, 7)])]
    if kind == "font":
        return [lambda p: p.font_colour(2, tuple(range(1, 10)), RED, frozenset())]
    if kind == "append":
        return [lambda p: p.append([["a", 1, date(2026, 1, 31)]], {})]
    if kind == "delete":
        return [lambda p: p.delete_rows([1, 3])]
    if kind == "fill-again":
        return [lambda p: p.fill(2, tuple(range(1, 10)), GREY, PRODUCT)]
    if kind == "rewrite":
        return [lambda p: p.replace_content([["Kopf", "Datum"], [1, date(2026, 1, 31)]], {}, True)]
    appended = [lambda p: p.append([["a", 1, date(2026, 1, 31)], [None, "b"]], {3: "0.00"})]
    if kind == "append-twice":
        return appended + [lambda p: p.append([["c", 2.5]], {})]
    if kind == "append-then-fill":
        return appended + [lambda p, r=r: p.fill(r, (1, 2, 3, 4), YELLOW, PRODUCT) for r in (6, 7, 8)]
    if kind == "append-then-delete":
        return appended + [lambda p: p.delete_rows([1])]
    return []


@settings(max_examples=400, deadline=None)
@given(layout=layouts, writes=cell_writes, fills=fills, after=later, prefixed=st.booleans(),
       r_last=st.booleans(), col_styles=st.booleans())
def test_cells_kept_as_text_come_out_as_if_made_as_elements(layout, writes, fills, after,
                                                            prefixed, r_last, col_styles):
    """A run's order: writes (new cells past a row's end are kept as text), row colours (they
    recolour those, and keep their own new cells as text), then anything else."""
    xml = sheet_xml(layout, prefixed, r_last, col_styles)
    plan = [CellWrite("Blatt", r, c, v, f) for r, c, v, f in writes]
    steps = [lambda p: p.write_all(plan)]
    steps += [(lambda p, r=r, cols=tuple(cols), rgb=rgb: p.fill(r, cols, rgb, PRODUCT))
              for r, cols, rgb in fills] + then(after)
    assert run(patcher(xml, defer=True), steps) == run(patcher(xml, defer=False), steps)


def test_a_run_of_fills_is_written_in_and_stays_in_column_order():
    xml = sheet_xml([({1, 4}, ""), ({2}, ""), (set(), "empty"), (set(), "gap")], False, False,
                    False)
    p = patcher(xml, defer=True)
    for r in (1, 2, 3, 4):
        p.fill(r, (1, 2, 3, 4, 5), YELLOW, PRODUCT)
    assert len(p.rows[1]) == 2                                  # A1, D1: no element made
    assert sorted(p._pending[1]) == [2, 3, 5] and len(set(p._pending[1].values())) == 1
    out = etree.fromstring(p.to_xml())
    refs = [c.get("r") for c in out.iter(f"{{{MAIN_NS}}}c")]
    assert refs == ["A1", "B1", "C1", "D1", "E1", "A2", "B2", "C2", "D2", "E2",
                    "A3", "B3", "C3", "D3", "E3", "A4", "B4", "C4", "D4", "E4"]


def test_cells_outside_the_sheet_are_still_refused():
    p = patcher(sheet_xml([({1}, "")], False, False, False), defer=True)
    with pytest.raises(WorkbookError, match="außerhalb"):
        p.fill(1, (1, 16385), YELLOW, PRODUCT)


@pytest.mark.parametrize("after", ["append-then-fill", "append-twice", "append-then-delete"])
def test_rows_kept_as_text_come_out_as_if_made_as_elements(after):
    xml = sheet_xml([({1, 2}, ""), ({1, 3}, ""), ({2, 3, 4, 5}, ""), ({1}, ""), ({2}, ""),
                     ({1, 2}, "")], False, False, False)
    assert run(patcher(xml, defer=True), then(after)) == run(patcher(xml, defer=False), then(after))
