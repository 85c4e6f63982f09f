"""Rows a run appends below a sheet's data, the rows of an owned sheet it rewrites, and new cells
written past the end of a row are built as XML text and parsed in one go (the fast path). They
must be exactly what writing the same values cell by cell gives — same bytes, same new formats
in styles.xml, same refusals — so that there is one way values are stored, whichever path a row
takes."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st
from lxml import etree

from xl_addin.core.plan import DATE_FORMAT, DATETIME_FORMAT, CellWrite
from xl_addin.package import WorkbookError
from xl_addin.package.opc import MAIN_NS
from xl_addin.package.sheet import SheetPatcher
from xl_addin.package.styles import Styles

STYLES = (
    f'<styleSheet xmlns="{MAIN_NS}">\n'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>\n'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>\n'
    '<borders count="1"><border/></borders>\n'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\n'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>\n'
    '</styleSheet>'
).encode()


def sheet_xml(prefixed: bool, col_styles: bool) -> bytes:
    p = "x:" if prefixed else ""
    ns = f'xmlns:x="{MAIN_NS}"' if prefixed else f'xmlns="{MAIN_NS}"'
    cols = (f'<{p}cols><{p}col min="2" max="3" width="12" style="1" customWidth="1"/>'
            f'<{p}col min="5" max="5" width="9" style="2"/></{p}cols>' if col_styles else "")
    return (f'<{p}worksheet {ns}>{cols}<{p}sheetData><{p}row r="1"><{p}c r="A1" t="inlineStr">'
            f'<{p}is><{p}t>Kopf</{p}t></{p}is></{p}c></{p}row></{p}sheetData></{p}worksheet>').encode()


def patcher(prefixed: bool, col_styles: bool, date1904: bool) -> SheetPatcher:
    styles = Styles(etree.fromstring(STYLES), "test.xlsx")
    return SheetPatcher(etree.fromstring(sheet_xml(prefixed, col_styles)), sheet="Blatt",
                        styles=styles, date1904=date1904, file="test.xlsx")


def cell_by_cell(p: SheetPatcher, start: int, rows, formats, first_row_style) -> None:
    """The reference: what `write` makes of the same values — a number format of the plan
    only where the new cell's format (the row's / column's) is General."""
    for i, values in enumerate(rows):
        for col, value in enumerate(values, start=1):
            if value is None or (isinstance(value, str) and not value):
                continue
            style = first_row_style if i == 0 else None
            base = style if style is not None else p.base_style(None, col)
            code = formats.get(col) if p.styles.number_format(base)[0] == 0 else None
            p.write(start + i, col, value, code, style=style)


def state(p: SheetPatcher) -> tuple:
    return p.to_xml(), etree.tostring(p.styles.root), p.cells_written, p._extent, p.changed


def index(p: SheetPatcher) -> tuple:
    return p.row_numbers, {r: el.get("r") for r, el in p.rows.items()}


def outcome(p: SheetPatcher, action) -> tuple:
    try:
        action()
    except WorkbookError as e:
        return ("refused", str(e))
    return state(p)


awkward_text = st.lists(st.sampled_from(
    list("ab Zß€&<>\"'\r\n\t\u00a0\u2028") + ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1f",
                                                "\ufffe", "\uffff", "\ud800", "\U0001f600",
                                                "]]>", "_x0041_", "\r\n", "&amp;"]),
                        max_size=12).map("".join)
values = st.one_of(
    st.none(), st.just(""), st.text(max_size=20), awkward_text,
    st.sampled_from(["  führende und folgende Blanks  ", "=SUM(A1)", "_x000D_", "x" * 32768]),
    st.integers(min_value=-2**60, max_value=2**60), st.sampled_from([2**53 + 1, 10**400, -0, 0]),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([-0.0, 1e-300, 0.1 + 0.2]),
    st.booleans(),
    st.dates(min_value=date(1899, 12, 1)), st.datetimes(min_value=datetime(1899, 12, 1)),
    st.datetimes(min_value=datetime(1905, 1, 1), timezones=st.just(timezone(timedelta(hours=-5)))),
)
formats = st.dictionaries(st.integers(min_value=1, max_value=6),
                          st.sampled_from([DATE_FORMAT, DATETIME_FORMAT, "#,##0.00", "0", "@"]),
                          max_size=3)
rows = st.lists(st.lists(values, max_size=6), min_size=1, max_size=5)


@settings(max_examples=300, deadline=None)
@given(rows=rows, formats=formats, prefixed=st.booleans(), col_styles=st.booleans(),
       date1904=st.booleans(), bold_first=st.booleans(), start=st.integers(2, 1_048_570))
def test_bulk_rows_are_byte_identical_to_cell_by_cell_writes(rows, formats, prefixed, col_styles,
                                                             date1904, bold_first, start):
    fast, ref = (patcher(prefixed, col_styles, date1904) for _ in range(2))
    first = 2 if bold_first else None
    got = outcome(fast, lambda: fast._bulk_rows(start, rows, formats, first_row_style=first))
    want = outcome(ref, lambda: cell_by_cell(ref, start, rows, formats, first))
    assert got == want
    if got[0] != "refused":           # later writes find the appended rows like written ones
        for p in (fast, ref):
            p.write(start, 2, "danach")
            p.write(start + len(rows) - 1, 7, 42)
        assert state(fast) == state(ref) and index(fast) == index(ref)


def test_special_characters_survive_the_text_path():
    p = patcher(prefixed=False, col_styles=False, date1904=False)
    text = "a&b <c> \"d\" 'e'\r\nf\tg ]]> \x01 _x0041_"
    p._bulk_rows(2, [[text, True, 1.5, date(2026, 1, 31)]])
    row = etree.fromstring(p.to_xml()).find(f"{{{MAIN_NS}}}sheetData")[1]    # read back
    assert row.get("r") == "2" and row[0].get("t") == "inlineStr"
    assert row[0][0][0].text == "a&b <c> \"d\" 'e'\r\nf\tg ]]> _x0001_ _x005F_x0041_"
    assert [x.get("t") for x in row] == ["inlineStr", "b", None, None]
    assert row[3][0].text == "46053"


@pytest.mark.parametrize("bad, why", [(Decimal("1.5"), "Typ Decimal"), (float("nan"), "keine"),
                                      ("x" * 32768, "länger als"), (date(1899, 1, 1), "vor 1900")])
def test_a_value_no_cell_can_hold_is_refused_naming_the_cell(bad, why):
    p = patcher(prefixed=False, col_styles=False, date1904=False)
    with pytest.raises(WorkbookError, match=f"Blatt!C7 — Wert .*{why}"):
        p._bulk_rows(5, [[], [], [1, 2, bad]])


# --- writes into existing rows: new cells past a row's end are batched the same way --------
def sheet_with_rows(prefixed: bool, col_styles: bool, layout) -> bytes:
    """Rows 1..n: each a list of existing columns; a row marked 'fmt' has its own format, one
    marked 'ext' ends with an <extLst> (a new cell must go before it)."""
    p = "x:" if prefixed else ""
    ns = f'xmlns:x="{MAIN_NS}"' if prefixed else f'xmlns="{MAIN_NS}"'
    cols = (f'<{p}cols><{p}col min="2" max="3" width="12" style="1" customWidth="1"/></{p}cols>'
            if col_styles else "")
    rows = []
    for r, (present, kind) in enumerate(layout, start=1):
        attrs = ' s="2" customFormat="1"' if kind == "fmt" else ' spans="1:3"' if kind == "spans" else ""
        cells = "".join(f'<{p}c r="{chr(64 + c)}{r}"><{p}v>{c}</{p}v></{p}c>' for c in sorted(present))
        ext = f"<{p}extLst/>" if kind == "ext" else ""
        rows.append(f'<{p}row r="{r}"{attrs}>{cells}{ext}</{p}row>')
    return (f'<{p}worksheet {ns}>{cols}<{p}sheetData>{"".join(rows)}</{p}sheetData>'
            f'</{p}worksheet>').encode()


layouts = st.lists(st.tuples(st.sets(st.integers(1, 6), max_size=4),
                             st.sampled_from(["", "fmt", "ext", "spans"])), min_size=1, max_size=5)
cell_writes = st.lists(st.tuples(st.integers(1, 6), st.integers(1, 9), values,
                                 st.sampled_from([None, DATE_FORMAT, "0.00"])), max_size=12)


@settings(max_examples=300, deadline=None)
@given(layout=layouts, writes=cell_writes, prefixed=st.booleans(), col_styles=st.booleans())
def test_write_all_is_byte_identical_to_writing_one_by_one(layout, writes, prefixed, col_styles):
    def make():
        styles = Styles(etree.fromstring(STYLES), "test.xlsx")
        return SheetPatcher(etree.fromstring(sheet_with_rows(prefixed, col_styles, layout)),
                            sheet="Blatt", styles=styles, date1904=False, file="test.xlsx")

    plan = [CellWrite("Blatt", r, c, v, f) for r, c, v, f in writes]
    fast, ref = make(), make()

    def one_by_one():
        for w in plan:
            ref.write(w.row, w.col, w.value, w.number_format)

    assert outcome(fast, lambda: fast.write_all(plan)) == outcome(ref, one_by_one)
