"""A sheet's rows are kept as the bytes they were read as (``package/rawrows.py``) and edited as
bytes where that is plain; everything else parses the row into the tree. Whichever path a row
takes, the result must be exactly what the tree gives — same bytes of the sheet, same new
formats in styles.xml, same counters, same refusals — and a row nobody touches keeps its bytes.
"""
from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from hypothesis import given, settings, strategies as st
from lxml import etree

from xl_addin.core.plan import DATE_FORMAT, CellWrite, RowFill
from xl_addin.package import WorkbookError, rawrows, sheet as sheet_module
from xl_addin.package.opc import MAIN_NS
from xl_addin.package.sheet import CUT_FIRST, SheetPatcher
from xl_addin.package.styles import Styles

from .test_bulk_equivalence import STYLES

X14AC = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"
HEAD = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<worksheet xmlns="{MAIN_NS}" '
        f'xmlns:x14ac="{X14AC}"><dimension ref="A1:F6"/>')
COLS = '<cols><col min="2" max="3" width="12" style="1" customWidth="1"/></cols>'
TAIL = '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>'

# Cells as lxml serialises them (so that the tree's output of an untouched row is its input).
CELLS = {
    "empty": '<c r="{ref}"/>',
    "styled": '<c r="{ref}" s="1"/>',
    "number": '<c r="{ref}"><v>42.5</v></c>',
    "date": '<c r="{ref}" s="1"><v>46000</v></c>',
    "shared": '<c r="{ref}" s="2" t="s"><v>0</v></c>',
    "inline": '<c r="{ref}" t="inlineStr"><is><t>a &amp; b</t></is></c>',
    "bool": '<c r="{ref}" t="b"><v>1</v></c>',
    "formula": '<c r="{ref}"><f>1+1</f><v>2</v></c>',
    "other-attr": '<c r="{ref}" s="2" ph="1"><v>7</v></c>',
    "s-after-t": '<c r="{ref}" t="s" s="2"><v>0</v></c>',
    "ext": '<c r="{ref}"><v>1</v><extLst><ext uri="{{X}}"/></extLst></c>',
}
ROW_KINDS = ["", "spans", "fmt", "dy", "ext"]


def row_xml(r: int, kind: str, cells: dict[int, str]) -> str:
    attrs = {"": "", "spans": ' spans="1:6"', "fmt": ' s="2" customFormat="1"',
             "dy": ' x14ac:dyDescent="0.25"', "ext": ""}[kind]
    inner = "".join(CELLS[cells[c]].format(ref=f"{'ABCDEF'[c - 1]}{r}") for c in sorted(cells))
    if kind == "ext":
        inner += '<extLst><ext uri="{X}"/></extLst>'
    return f'<row r="{r}"{attrs}>{inner}</row>' if inner else f'<row r="{r}"{attrs}/>'


rows_strategy = st.dictionaries(
    st.integers(1, 6),
    st.tuples(st.sampled_from(ROW_KINDS), st.dictionaries(st.integers(1, 6), st.sampled_from(sorted(CELLS)),
                                                         max_size=5)),
    min_size=1, max_size=6)


def sheet_bytes(rows, cols: bool) -> bytes:
    body = "".join(row_xml(r, kind, cells) for r, (kind, cells) in sorted(rows.items()))
    return (HEAD + (COLS if cols else "") + f"<sheetData>{body}</sheetData>" + TAIL).encode()


def make(data: bytes, raw: bool) -> SheetPatcher:
    styles = Styles(etree.fromstring(STYLES), "test.xlsx")
    if raw:
        p = SheetPatcher.of_part(data, member="xl/worksheets/sheet1.xml", sheet="Blatt", styles=styles,
                                 date1904=False, file="test.xlsx")
        assert p._raw.holds_rows() or b"<row" not in data, "a plainly written sheet keeps its rows as bytes"
        return p
    return SheetPatcher(etree.fromstring(data), sheet="Blatt", styles=styles, date1904=False,
                        file="test.xlsx")


values = st.one_of(st.none(), st.just(""), st.integers(-5, 10**6), st.floats(-1e6, 1e6, allow_nan=False),
                   st.text(alphabet="ab &<>\r", max_size=4), st.booleans(),
                   st.dates(date(1950, 1, 1), date(2100, 1, 1)), st.just(datetime(2026, 11, 22, 12, 30)))
writes_strategy = st.lists(st.tuples(st.integers(1, 7), st.integers(1, 7), values,
                                     st.sampled_from([None, DATE_FORMAT, "0.00"])), max_size=10)
fills_strategy = st.lists(st.tuples(st.integers(1, 7), st.sets(st.integers(1, 7), min_size=1, max_size=7),
                                    st.sampled_from(["FFFF00", "D9D9D9", None])), max_size=8)
PRODUCT = frozenset({"FFFFFF00", "FFD9D9D9"})


def run(p: SheetPatcher, writes, fills, append, last: bool, batched: bool = False):
    try:
        p.write_all([CellWrite("Blatt", r, c, v, f) for r, c, v, f in writes])
        if batched:                                       # as the writer gives them (fill_all)
            p.fill_all([RowFill("Blatt", r, tuple(sorted(cols)), rgb) for r, cols, rgb in fills], PRODUCT)
        for r, cols, rgb in ([] if batched else fills):
            p.fill(r, tuple(sorted(cols)), rgb, PRODUCT)
        lv = p.last_value_row() if last else None
        if append:
            p.append([["neu", 1.5, date(2026, 1, 2)]], {3: DATE_FORMAT})
        p.grow_dimension()
        return (p.to_xml(), etree.tostring(p.styles.root), p.cells_written, p.cells_filled, p._extent,
                p.changed, lv)
    except WorkbookError as exc:
        return ("refused", str(exc))


@settings(max_examples=400, deadline=None)
@given(rows=rows_strategy, cols=st.booleans(), writes=writes_strategy, fills=fills_strategy,
       append=st.booleans(), last=st.booleans())
def test_rows_kept_as_bytes_come_out_as_the_tree_makes_them(rows, cols, writes, fills, append, last):
    data = sheet_bytes(rows, cols)
    tree = run(make(data, False), writes, fills, append, last)
    assert run(make(data, True), writes, fills, append, last) == tree
    assert run(make(data, True), writes, fills, append, last, batched=True) == tree


@settings(max_examples=300, deadline=None)
@given(rows=rows_strategy, cols=st.booleans(), writes=writes_strategy, fills=fills_strategy,
       append=st.booleans(), last=st.booleans(), read=st.integers(0, 7))
def test_rows_cut_and_read_ahead_come_out_as_the_tree_makes_them(rows, cols, writes, fills, append, last, read):
    """The rows the reader cut and read ahead (``cut_ahead`` until its time is up: the first
    ``read`` of them) are what the writer would have cut and read: the same bytes come out."""
    data = sheet_bytes(rows, cols)
    asked = iter(range(10**6))
    stride, rawrows.LOOK_STRIDE = rawrows.LOOK_STRIDE, 1
    try:
        rawrows.cut_ahead(data, lambda: next(asked) >= read)
        made = run(make(data, True), writes, fills, append, last)
    finally:
        rawrows.forget_ahead()
        rawrows.LOOK_STRIDE = stride
    assert made == run(make(data, False), writes, fills, append, last)


def test_a_row_read_ahead_is_given_out_once_for_its_own_text_and_number():
    data = sheet_bytes({1: ("", {1: "number", 2: "inline"}), 2: ("spans", {3: "shared"})}, False)
    rawrows.cut_ahead(data, lambda: False)
    try:
        start = data.index(b'<row r="2"')
        assert rawrows.looked_ahead(bytes(bytearray(data)), start, 2) is None      # another text
        assert rawrows.looked_ahead(data, start, 3) is None                        # another row
        assert rawrows.looked_ahead(data, data.index(b'<row r="1"'), 1).number == 1
        assert rawrows.looked_ahead(data, data.index(b'<row r="1"'), 1) is None    # once
    finally:
        rawrows.forget_ahead()
    assert rawrows.looked_ahead(data, start, 2) is None


def test_untouched_rows_keep_their_bytes_even_where_the_tree_would_write_them_otherwise():
    odd = b"<row r='2' spans=\"1:2\"><c r='A2' s='1'><v>1</v></c></row>"    # single quotes
    data = (HEAD + "<sheetData>" + row_xml(1, "", {1: "number"})).encode() + odd + (
        row_xml(3, "", {1: "number"}) + "</sheetData>" + TAIL).encode()
    p = make(data, True)
    p.write_all([CellWrite("Blatt", 1, 2, "x"), CellWrite("Blatt", 3, 2, "y")])
    out = p.to_xml()
    assert odd in out
    assert b'<c r="B1" t="inlineStr"><is><t xml:space="preserve">x</t></is></c>' in out


def test_a_part_not_written_plainly_is_parsed_whole():
    plain = sheet_bytes({1: ("", {1: "number"})}, False)
    assert rawrows.split(plain) is not None
    for odd in [plain.replace(b"<sheetData>", b"<sheetData><!-- x -->"),
                plain.replace(b'<row r="1">', b"<row>"),
                plain.replace(b"<sheetData>", b"<sheetData>text"),
                b"\xef\xbb\xbf" + plain]:
        assert rawrows.split(odd) is None


def test_a_row_out_of_order_is_refused_as_the_tree_refuses_it():
    """(Among the rows not cut yet — a log's — as soon as anything looks at them.)"""
    data = (HEAD + "<sheetData>" + row_xml(2, "", {1: "number"}) + row_xml(1, "", {1: "number"})
            + "</sheetData>" + TAIL).encode()
    for raw in (True, False):
        try:
            assert make(data, raw).row_numbers
        except WorkbookError as exc:
            assert "aufsteigender Reihenfolge" in str(exc)
        else:
            raise AssertionError("accepted rows out of order")


def test_a_cell_of_another_row_is_refused_when_the_row_is_touched():
    data = (HEAD + '<sheetData><row r="1"><c r="A2"><v>1</v></c></row></sheetData>' + TAIL).encode()
    outcomes = [run(make(data, raw), [(1, 3, "x", None)], [], False, False) for raw in (True, False)]
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][0] == "refused" and "A2" in outcomes[0][1]


def test_a_fill_that_changes_nothing_leaves_rows_of_the_same_shape_uncut():
    """A second run re-colours every row; once a row of a shape came out unchanged, the others
    of that shape are decided from their cells' start tags — and come out as the tree makes them."""
    rows = {r: ("", {1: "number", 2: "date", 3: "shared"}) for r in range(1, 7)}
    first = make(sheet_bytes(rows, False), True)
    for r in range(1, 7):
        first.fill(r, (1, 2, 3), "FFFF00", PRODUCT)
    coloured, styles = first.to_xml(), etree.tostring(first.styles.root)

    def second(raw: bool):
        again = Styles(etree.fromstring(styles), "test.xlsx")
        p = (SheetPatcher.of_part(coloured, member="s.xml", sheet="Blatt", styles=again, date1904=False,
                                  file="test.xlsx") if raw else
             SheetPatcher(etree.fromstring(coloured), sheet="Blatt", styles=again, date1904=False,
                          file="test.xlsx"))
        for r in range(1, 7):
            p.fill(r, (1, 2, 3), "FFFF00", PRODUCT)
        return p, (p.to_xml(), etree.tostring(p.styles.root), p.cells_filled, p.changed)

    (raw, got), (_, want) = second(True), second(False)
    assert got == want and got[2] == 0 and not got[3]
    assert set(raw._raw_rows) == {1}                   # only the first row was cut


def test_a_row_with_a_cell_of_another_row_is_not_taken_for_its_shape():
    good = row_xml(1, "", {1: "number"})
    bad = '<row r="2"><c r="A3"><v>1</v></c></row>'
    data = (HEAD + "<sheetData>" + good + bad + "</sheetData>" + TAIL).encode()
    fills = [(1, {1}, None), (2, {1}, None)]
    outcomes = [run(make(data, raw), [], fills, False, False) for raw in (True, False)]
    assert outcomes[0] == outcomes[1] and outcomes[0][0] == "refused"


SHAPE_CELLS = sorted(set(CELLS) - {"formula", "ext"})


@settings(max_examples=150, deadline=None)
@given(kind=st.sampled_from(["", "spans", "fmt", "dy"]),
       cells=st.dictionaries(st.integers(1, 6), st.sampled_from(SHAPE_CELLS), min_size=1, max_size=6),
       texts=st.lists(st.sampled_from(['x', 's="1"', ' s="2" t="s"', '<c r="A1">', 'é']), min_size=6, max_size=6),
       write_col=st.integers(1, 7), fill_cols=st.sets(st.integers(1, 7), min_size=1, max_size=7),
       rgb=st.sampled_from(["FFFF00", "D9D9D9", None]))
def test_rows_of_one_shape_filled_after_a_write_come_out_as_the_tree_makes_them(
        kind, cells, texts, write_col, fill_cols, rgb):
    """The first run writes the computed cells of every row, then colours it: a row whose shape a
    fill has met before gets its cells' start tags edited in its bytes, without being cut — the
    same bytes as the tree's, whatever the agents' texts hold (an ` s="` or an escaped tag)."""
    rows = {r: (kind, cells) for r in range(1, 7)}
    writes = [(r, write_col, texts[r - 1], None) for r in range(1, 7)]
    fills = [(r, fill_cols, rgb) for r in range(1, 7)]
    data = sheet_bytes(rows, False)
    raw = make(data, True)
    got = run(raw, writes, fills, False, False)
    assert got == run(make(data, False), writes, fills, False, False)


def log_sheet(n: int, empty_tail: int = 0) -> bytes:
    """A Protokoll-like sheet: a header, ``n`` lines, then ``empty_tail`` formatted empty rows."""
    lines = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>Zeile {r}</t></is></c>'
                    f'<c r="B{r}" s="1"><v>{46000 + r}</v></c></row>' for r in range(2, n + 2))
    empty = "".join(f'<row r="{r}" s="2" customFormat="1"/>' for r in range(n + 2, n + 2 + empty_tail))
    return (HEAD + '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Zeit</t></is></c></row>'
            + lines + empty + "</sheetData>" + TAIL).encode()


def test_a_log_the_run_only_appends_to_is_not_cut_into_rows():
    """A 100,000-line Protokoll costs a run what its last rows cost: appending cuts only the
    last rows (``CUT_FIRST``); the part comes out as the tree makes it."""
    data = log_sheet(500)
    raw, tree = make(data, True), make(data, False)
    assert raw._raw.prefix is not None and len(raw._row_numbers) == CUT_FIRST
    for p in (raw, tree):
        assert p.last_value_row() == 501
        p.append([["neu", 1.5, date(2026, 1, 2)]], {3: DATE_FORMAT})
        p.grow_dimension()
    assert raw._raw.prefix is not None                     # still not cut
    assert raw.to_xml() == tree.to_xml()


@pytest.mark.parametrize("touch", ["write", "fill", "empty tail", "delete", "rows"])
def test_a_row_not_cut_yet_is_cut_when_anything_asks_for_it(touch):
    """Whatever looks at a row before the last ones (a write, a fill, the last value row behind
    empty formatted rows, a deletion, the list of rows) cuts them first: nothing misses a row."""
    data = log_sheet(300, empty_tail=CUT_FIRST + 5 if touch == "empty tail" else 0)
    outcomes = []
    for kept in (True, False):
        p = make(data, kept)
        if touch == "write":
            p.write_all([CellWrite("Blatt", 7, 3, "neu")])
        elif touch == "fill":
            p.fill(7, (1, 2, 3), "FFFF00", PRODUCT)
        elif touch == "empty tail":
            assert p.last_value_row() == 301
            p.append([["neu"]], {})
        elif touch == "delete":
            p.delete_rows([5, 6])
        else:
            assert p.row_numbers == list(range(1, 302))
        if kept:
            assert p._raw.prefix is None
        p.grow_dimension()
        outcomes.append((p.to_xml(), p.cells_written, p.cells_filled))
    assert outcomes[0] == outcomes[1]


@pytest.mark.parametrize("odd", ['<!-- ein Kommentar --><row r="9"><c r="A9"><v>1</v></c></row>',
                                 '<row spans="1:2"><c r="A9"><v>1</v></c></row>'])
def test_rows_not_cut_yet_that_cutting_cannot_read_are_parsed_as_the_tree_parses_them(odd):
    """A comment among a log's early rows, or a row without its number, is found only when the
    rows are cut — they are parsed into the tree then, as a part not written plainly is."""
    row9 = (b'<row r="9"><c r="A9" t="inlineStr"><is><t>Zeile 9</t></is></c>'
            b'<c r="B9" s="1"><v>46009</v></c></row>')
    data = log_sheet(200)
    assert row9 in data
    data = data.replace(row9, odd.encode())
    outcomes = []
    for kept in (True, False):
        p = make(data, kept)
        p._need(190)                                     # a last row in the tree already
        p.write_all([CellWrite("Blatt", 12, 3, "neu")])
        p.append([["neu"]], {})
        p.grow_dimension()
        outcomes.append((p.to_xml(), p.row_numbers))
    assert outcomes[0] == outcomes[1]


def run_moving(p: SheetPatcher, writes, fills, append: int, moves):
    """``run``, then rows deleted or inserted (as the writer does: after writes, fills and appends)."""
    try:
        p.write_all([CellWrite("Blatt", r, c, v, f) for r, c, v, f in writes])
        for r, cols, rgb in fills:
            p.fill(r, tuple(sorted(cols)), rgb, PRODUCT)
        for _ in range(append):
            p.append([["neu", 1.5, date(2026, 1, 2)], [None, 2]], {3: DATE_FORMAT})
        for kind, rows in moves:
            if kind == "delete":
                p.delete_rows(rows)
            else:
                p.insert_rows(min(rows), len(rows))
        p.grow_dimension()
        return (p.to_xml(), etree.tostring(p.styles.root), p.cells_written, p.cells_filled, p.changed,
                p.last_value_row(), p.row_numbers)
    except WorkbookError as exc:
        return ("refused", str(exc))


moves_strategy = st.lists(st.tuples(st.sampled_from(["delete", "insert"]),
                                    st.sets(st.integers(1, 12), min_size=1, max_size=4)), max_size=2)


@settings(max_examples=400, deadline=None)
@given(rows=rows_strategy, cols=st.booleans(), writes=writes_strategy, fills=fills_strategy,
       append=st.integers(0, 2), moves=moves_strategy)
def test_rows_kept_as_bytes_move_as_the_tree_moves_them(rows, cols, writes, fills, append, moves):
    """Rows deleted or inserted: the rows kept as bytes (and appended rows kept as text) are
    renumbered as bytes, rows with a formula go through the tree — the same sheet either way."""
    data = sheet_bytes(rows, cols)
    assert (run_moving(make(data, True), writes, fills, append, moves)
            == run_moving(make(data, False), writes, fills, append, moves))


def test_rows_moved_as_bytes_stay_bytes():
    """Deleting a row of a plain sheet parses no row: the others are renumbered as bytes."""
    data = sheet_bytes({r: ("spans", {1: "number", 2: "inline"}) for r in range(1, 7)}, False)
    p = make(data, True)
    p.write_all([CellWrite("Blatt", 5, 4, "x")])
    p.append([["neu"]], {})
    p.delete_rows([2, 3])
    # the last row (6, now 4) is in the tree: the append read its formats
    assert sorted(p._raw) == [1, 2, 3] and p._parsed == [4] and p._pending_rows[0][0] == [5]
    xml = p.to_xml()
    assert b'<row r="3" spans="1:6"><c r="A3"><v>42.5</v></c><c r="B3" t="inlineStr">' in xml
    assert b'<c r="D3" t="inlineStr"><is><t xml:space="preserve">x</t></is></c></row><row r="4"' in xml
    assert b'<row r="5"><c r="A5" t="inlineStr"><is><t xml:space="preserve">neu</t></is></c></row>' in xml
    assert b'r="A6"' not in xml


# Rows of a coloured sheet changed the ways an agent (or another program) may write them: the
# pattern that decides many rows at once (``SheetPatcher._plain_unchanged``) must not take them
# for rows it knows.
MUTATIONS = {
    "none": lambda row, r: row,
    "extra attribute": lambda row, r: row.replace(f'<c r="A{r}"', f'<c r="A{r}" vm="1"', 1),
    "t before s": lambda row, r: re.sub(r'<c r="([A-Z]+\d+)" s="(\d+)" t="(\w+)"', r'<c r="\1" t="\3" s="\2"', row),
    "custom format": lambda row, r: row.replace(f'<row r="{r}"', f'<row r="{r}" s="2" customFormat="1"', 1),
    "row number typo": lambda row, r: row.replace(f'<c r="B{r}"', f'<c r="B{r + 1}"', 1),
    "ref with a zero": lambda row, r: row.replace(f'<c r="A{r}"', f'<c r="A0{r}"', 1),
    "inline text like a cell": lambda row, r: row.replace(
        "</row>", f'<c r="F{r}" t="inlineStr"><is><t>&lt;c r="G{r}" s="1"/&gt;</t></is></c></row>', 1),
    "self-closing": lambda row, r: f'<row r="{r}"/>',
    "whitespace": lambda row, r: row.replace("</c><c", "</c> <c", 1),
    "formula": lambda row, r: row.replace(f'<c r="A{r}"><v>', f'<c r="A{r}"><f>1+1</f><v>', 1),
    "style dropped": lambda row, r: re.sub(r' s="\d+"', "", row, count=1),
    "other style": lambda row, r: re.sub(r' s="\d+"', ' s="1"', row, count=1),
}


@settings(max_examples=150, deadline=None)
@given(cells=st.lists(st.dictionaries(st.integers(1, 5), st.sampled_from(SHAPE_CELLS), max_size=5),
                      min_size=4, max_size=4),
       kinds=st.lists(st.sampled_from(["", "spans", "dy"]), min_size=24, max_size=24),
       mutations=st.dictionaries(st.integers(1, 24), st.sampled_from(sorted(MUTATIONS)), max_size=6),
       first_rgb=st.sampled_from(["FFFF00", "D9D9D9", None]), rgb=st.sampled_from(["FFFF00", "D9D9D9", None]),
       fill_cols=st.sampled_from([(1, 2, 3), (1, 2, 3, 4, 5), (2, 4), (1, 2, 3, 4, 5, 6)]))
def test_rows_a_fill_leaves_as_they_are_are_read_as_cutting_them_reads_them(
        cells, kinds, mutations, first_rgb, rgb, fill_cols):
    """A second run re-colours rows already coloured: rows read by one pattern come out as
    rows cut into their cells and as the tree makes them — also rows that differ from those
    read so only where the pattern looks (an attribute, a row format, a cell of another row, …)."""
    rows = {r: (kinds[r - 1], cells[r % 4]) for r in range(1, 25)}
    first = make(sheet_bytes(rows, True), False)
    for r in range(1, 25):
        first.fill(r, (1, 2, 3, 4, 5), first_rgb, PRODUCT)
    coloured = first.to_xml().decode()
    for r, how in mutations.items():
        found = re.search(f'<row r="{r}"[^>/]*(?:/>|>.*?</row>)', coloured)
        if found is None:
            continue
        coloured = coloured[:found.start()] + MUTATIONS[how](found.group(), r) + coloured[found.end():]
    data, styles = coloured.encode(), etree.tostring(first.styles.root)

    def second(raw: bool, after: int, batched: bool = False):
        again = Styles(etree.fromstring(styles), "test.xlsx")
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(sheet_module, "PLAIN_PATTERN_AFTER", after)
            patch.setattr(sheet_module, "PLAIN_PATTERN_GROWTH", 1)
            return fill_again(raw, again, batched)

    def fill_again(raw: bool, again: Styles, batched: bool):
        try:
            p = (SheetPatcher.of_part(data, member="s.xml", sheet="Blatt", styles=again, date1904=False,
                                      file="test.xlsx") if raw else
                 SheetPatcher(etree.fromstring(data), sheet="Blatt", styles=again, date1904=False,
                              file="test.xlsx"))
            if batched:                                   # as the writer gives them (fill_all)
                p.fill_all([RowFill("Blatt", r, fill_cols, rgb) for r in range(1, 25)], PRODUCT)
            for r in ([] if batched else range(1, 25)):
                p.fill(r, fill_cols, rgb, PRODUCT)
            return (p.to_xml(), etree.tostring(p.styles.root), p.cells_filled, p.changed)
        except WorkbookError as exc:
            return ("refused", str(exc))

    read_so = second(True, 1)
    assert read_so == second(True, 10**9)                # never read by the pattern
    assert read_so == second(False, 1)                   # the tree
    assert read_so == second(True, 1, batched=True)      # the rows the pattern reads not even asked


computed_strategy = st.lists(st.tuples(st.integers(1, 7), st.booleans(), st.lists(
    st.tuples(st.integers(3, 9), values, st.sampled_from([None, DATE_FORMAT, "0.00"])), min_size=1, max_size=4)),
    max_size=6)


@settings(max_examples=300, deadline=None)
@given(rows=rows_strategy, cols=st.booleans(), computed=computed_strategy, fills=fills_strategy)
def test_a_rows_computed_cells_written_in_one_go_come_out_as_the_tree_makes_them(rows, cols, computed, fills):
    """The first run writes a few computed cells past the end of every row, row after row: a row's
    writes are done in one go when each is a value for a new cell after its last one, in column
    order — otherwise (a cell in the way, a cleared cell, columns out of order, a cell written
    twice, a row with its own format or a formula) one by one; the same sheet either way."""
    writes = [(r, c, v, f) for r, ordered, cells in sorted(computed, key=lambda g: g[0])
              for c, v, f in (sorted(cells, key=lambda cell: cell[0]) if ordered else cells)]
    data = sheet_bytes(rows, cols)
    assert run(make(data, True), writes, fills, False, False) == run(make(data, False), writes, fills,
                                                                        False, False)


def test_a_fill_known_by_its_shape_keeps_what_a_template_could_misread():
    """Rows of one shape get a fill's formats from a template of their cells: an attribute holding
    '%', or a row holding '<c r="' inside a cell, come out as the tree makes them."""
    cell = '<c r="{ref}" s="2" x14ac:note="50%s"><v>1</v></c>'
    rows = "".join(f'<row r="{r}">{cell.format(ref=f"A{r}")}<c r="B{r}" t="s"><v>0</v></c></row>'
                   for r in range(1, 13))
    nested = '<row r="13"><c r="A13" s="2" x14ac:note="50%s"><v>1</v><c r="Z9"/></c><c r="B13" t="s"><v>0</v></c></row>'
    data = (HEAD + "<sheetData>" + rows + nested + "</sheetData>" + TAIL).encode()
    writes = [(r, 4, "neu", None) for r in range(1, 14)]
    fills = [(r, {1, 2, 3, 4}, "FFFF00") for r in range(1, 14)]
    assert run(make(data, True), writes, fills, False, False) == run(make(data, False), writes, fills,
                                                                        False, False)


@pytest.mark.parametrize("odd", [
    '<row r="{r}"><c r="A{r}" s="2"><v>1</v></c> <c r="B{r}" t="s"><v>0</v></c></row>',            # text between
    '<row r="{r}"><c r="A{r}" s="2"><v>1</v></c><c r="B{r}" t="s"><v>0</v></c>'
    '<extLst><ext uri="{{X}}"/></extLst></row>',                                                   # an extension
    '<row r="{r}"><c r="A{r}" s="2"/><c r="B{r}" t="s"><v>0</v></c></row>',                         # an empty cell
    '<row r="{r}"><c r="A{r}" s="2" t="inlineStr"><is><t xml:space="preserve">a</t></is></c>'
    '<c r="B{r}" t="s"><v>0</v></c></row>',                                                        # '">' in a cell
    '<row r="{r}"><c r="A{r}" s="{r}"><v>1</v></c><c r="B{r}" t="s"><v>0</v></c></row>',           # s= its number
    '<row r="{r}"><c r="A{r}" s="2"><v>1</v></c><c r="B9" t="s"><v>0</v></c></row>',               # another row's
    '<row r="{r}"><c r="B{r}" s="2"><v>1</v></c><c r="A{r}" t="s"><v>0</v></c></row>',             # out of order
    '<row r="{r}"><c r="A{r}" s="2"><v>1</v></c><c r="B{r}" t="s" ph=\'1\'><v>0</v></c></row>',    # single quotes
    '<row r="{r}"><c r="A{r}" s="2"><v>1</v></c><c r="B{r}" t="s"></row>',                         # not closed
])
def test_rows_read_from_their_cells_start_tags_are_what_cutting_them_reads(odd, monkeypatch):
    """Rows whose computed cells are all new are not cut when their cells' start tags are those of
    a row cut before: anything else between, around or inside them is found — they come out (or
    are refused) as when they are cut, and as the tree makes them (where it writes them as read)."""
    plain = '<row r="{r}"><c r="A{r}" s="2"><v>1</v></c><c r="B{r}" t="s"><v>0</v></c></row>'
    rows = "".join((odd if r in (5, 7) else plain).format(r=r) for r in range(1, 10))
    data = (HEAD + "<sheetData>" + rows + "</sheetData>" + TAIL).encode()
    writes = [(r, c, v, None) for r in range(1, 10) for c, v in ((3, "x"), (5, 2.5))]
    writes.insert(0, (8, 4, "vorher", None))               # a new cell in the gap, written first
    fills = [(r, {1, 2, 3, 4, 5}, "FFFF00") for r in range(1, 10)]
    read = run(make(data, True), writes, fills, False, False)
    rawrows.forget_shapes()
    monkeypatch.setattr(rawrows.RawRow, "_read_start_tags", rawrows.RawRow.cut)
    assert read == run(make(data, True), writes, fills, False, False)
    if "'" not in odd and odd.count("<c ") == odd.count("</c>") + odd.count('"/>'):   # as lxml writes it
        assert read == run(make(data, False), writes, fills, False, False)


def sheet_text(rows: int, odd: bytes = b"") -> bytes:
    body = b"".join(b'<row r="%d" spans="1:2"><c r="A%d"><v>%d</v></c>\n<c r="B%d" t="inlineStr"><is><t>x%d</t>'
                    b'</is></c></row>%s' % (r, r, r, r, r, b"\n " if r % 3 else b"") for r in range(1, rows + 1))
    return (b'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="%s"><sheetData>' % MAIN_NS.encode()
            + odd + body + b"</sheetData></worksheet>")


@settings(max_examples=40, deadline=None)
@given(rows=st.integers(0, 60), data=st.data())
def test_rows_cut_ahead_are_what_cutting_them_then_finds(rows, data):
    """The reader cuts the biggest sheet's rows while calamine builds its grid (``cut_ahead``):
    any stretch the writer then cuts (``split``, ``rows_in``, ``plain_between``) comes out as if
    nothing had been cut ahead — from between rows or not, for the same text only."""
    text = sheet_text(rows)
    first, close = text.index(b"<sheetData>") + 11, text.index(b"</sheetData>")
    starts = [m.start() for m in re.finditer(rb"<row ", text)]
    points = [first, close, *starts, *data.draw(st.lists(st.integers(first, close), max_size=4))]
    asked = [tuple(sorted(data.draw(st.sampled_from(points)) for _ in range(2))) for _ in range(6)]
    rawrows.forget_ahead()
    expected = [(rawrows.rows_in(text, a, b), rawrows.plain_between(text, a, b)) for a, b in asked]
    whole = rawrows.split(text, tail=CUT_FIRST)
    rawrows.cut_ahead(text)
    try:
        assert rawrows._ahead is not None and rawrows._ahead.body is text
        assert [(rawrows.rows_in(text, a, b), rawrows.plain_between(text, a, b)) for a, b in asked] == expected
        again = rawrows.split(text, tail=CUT_FIRST)
        assert (again.numbers, again.spans, again.prefix) == (whole.numbers, whole.spans, whole.prefix)
        same = bytes(bytearray(text))                     # equal, but not the text cut ahead
        assert rawrows.rows_in(same, first, close) == rawrows.rows_in(text, first, close)
    finally:
        rawrows.forget_ahead()
    assert rawrows._ahead is None


@pytest.mark.parametrize("odd", [b"<!-- a note -->", b"<?pi x?>", b"<row>no number</row>", b"<x/>"])
def test_a_text_cutting_cannot_read_is_not_cut_ahead(odd):
    text = sheet_text(5, odd)
    rawrows.cut_ahead(text)
    assert rawrows._ahead is None
