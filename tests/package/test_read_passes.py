"""Issue 15, the read phase: the reader looks through a sheet's text in a few C-speed passes before
calamine builds its grid. These tests hold the shortcuts to what they replace: the quick grid
check never lets a grid through that is too large (hypothesis, against the grid the cells really
span), a filled sheet over DENSE_LIMIT is still read as a grid, and the values, formula cells and
error cells come out as a cell-by-cell read finds them."""
from __future__ import annotations

import io
import time
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import given, settings, strategies as st

from xl_addin.core.cells import col_letter
from xl_addin.core.plan import Plan, RowAppend
from xl_addin.package import apply_plan, rawrows, reader
from xl_addin.package.archive import Archive
from xl_addin.package.reader import read_workbook


def _sheet_xml(rows: list[tuple[int | None, list[tuple[str | None, str]]]]) -> bytes:
    body = []
    for r, cells in rows:
        row = f'<row r="{r}">' if r is not None else "<row>"
        for ref, inner in cells:
            row += (f'<c r="{ref}"{inner}' if ref is not None else f"<c{inner}")
        body.append(row + "</row>")
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<dimension ref="A1"/><sheetData>' + "".join(body) + "</sheetData></worksheet>").encode()


def _true_grid(data: bytes) -> int:
    """Rows x columns the cells span, placed as Excel (and calamine) place them."""
    height = width = 0
    for row, col, _ in reader._placed_cells(data):
        height, width = max(height, row), max(width, col)
    return height * width


_CELL = st.sampled_from(['><v>1</v></c>', ' t="s"><v>0</v></c>', ' s="1"/>', '><f>A1</f><v>2</v></c>'])


@st.composite
def sheets(draw):
    """Sheets as the usual writers make them, and as they do not: far cells, wide columns, rows and
    cells that do not say where they are."""
    rows = []
    row_numbers = sorted(draw(st.sets(st.integers(1, 3000), min_size=1, max_size=6)))
    for r in row_numbers:
        cols = sorted(draw(st.sets(st.integers(1, 800), min_size=0, max_size=5)))
        cells = []
        for c in cols:
            ref = None if draw(st.integers(0, 12)) == 0 else f"{col_letter(c)}{r}"
            cells.append((ref, draw(_CELL)))
        rows.append((None if draw(st.integers(0, 12)) == 0 else r, cells))
    return _sheet_xml(rows)


@settings(max_examples=300, deadline=None)
@given(data=sheets(), limit=st.sampled_from([1, 26, 500, 3000, 26 * 3000, 10 ** 6]))
def test_the_quick_grid_check_never_lets_a_too_large_grid_through(data, limit):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(reader, "DENSE_LIMIT", limit)
        mp.setattr(reader, "DENSE_PER_CELL", 0)
        if reader._fits_dense(data):
            assert _true_grid(data) <= limit
        exact = reader._grid_cells(data)
        if exact is not None and exact <= limit:
            assert reader._fits_dense(data)      # where the exact count says it fits, so does the quick one


_UNUSUAL = st.sampled_from([
    b"", b'<row r="9"><c r="A9" s="1"><v>-1e300</v></c></row>', b'<row r="2"><c r="B2"><v>inf</v></c></row>',
    b'<row r="7"><c r="AB7"><v>1</v></c></row>', b'<row r="5"><c r="C5000000"><v>1</v></c></row>',
    b'<row r="4"><c r="D4"><is><t>&lt;c r="A1"</t></is></c><color rgb="FF000000"/></row>',
    b"<!-- </row> <sheetData> -->", b'<row r="3" spans="1:2"/>'])


@settings(max_examples=200, deadline=None)
@given(data=sheets(), unusual=st.lists(_UNUSUAL, max_size=3), at=st.integers(0, 10 ** 6), piece=st.integers(1, 3000),
       limit=st.sampled_from([-1, 26, 3000, 10 ** 6]), tail=st.sampled_from([b"", b"<v>nan</v>", b"</sheetData>"]))
def test_a_sheet_looked_at_while_it_is_inflated_is_judged_as_its_whole_text(data, unusual, at, piece, limit, tail):
    """``_inflate_looking`` (a big sheet counted a stretch at a time while the next is inflated)
    gives the text and the answer of ``_fits_dense`` and ``_has_unsafe_number`` on the whole text
    — wherever the stretches end, with rows out of order, far or wide cells, numbers calamine
    cannot read, comments, a second ``</sheetData>`` or something after it."""
    start = data.index(b"<sheetData>") + len(b"<sheetData>")
    where = start + at % (data.index(b"</sheetData>") - start + 1)
    data = data[:where] + b"".join(unusual) + data[where:]
    data = data.replace(b"</worksheet>", tail + b"</worksheet>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", data)
    archive = Archive.from_bytes(Path("t.xlsx"), out.getvalue())
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(reader, "DENSE_LIMIT", limit)
        mp.setattr(reader, "LOOK_STEP", piece)
        expected = reader._fits_dense(data) and not reader._has_unsafe_number(data)
        assert reader._inflate_looking(archive, archive.info("xl/worksheets/sheet1.xml")) == (data, expected)


def test_a_big_sheet_is_looked_at_while_it_is_inflated_and_a_broken_one_is_read_as_ever(tmp_path, monkeypatch):
    path = _book(tmp_path / "b.xlsx", {(r, c): r * c for r in range(400) for c in range(6)})
    monkeypatch.setattr(reader, "LOOK_WHILE_INFLATING_FROM", 1)
    monkeypatch.setattr(reader, "LOOK_STEP", 997)
    looked = []
    real = reader._inflate_looking
    monkeypatch.setattr(reader, "_inflate_looking", lambda archive, info: looked.append(info.filename) or
                        real(archive, info))
    assert read_workbook(path).sheets["S"].value(400, 6) == 399 * 5 and looked == ["xl/worksheets/sheet1.xml"]
    archive = Archive.open(path)
    info = archive.info("xl/worksheets/sheet1.xml")
    broken = bytearray(archive.data)
    raw_at = archive.data.index(archive.raw(info))
    broken[raw_at + len(archive.raw(info)) // 2] ^= 0x55
    broken_archive = Archive.from_bytes(path, bytes(broken))
    assert reader._inflate_looking(broken_archive, broken_archive.info("xl/worksheets/sheet1.xml")) is None
    from xl_addin.package import blocks
    monkeypatch.setattr(blocks, "_ZLIB", None)                  # without the C zlib: as before
    assert reader._inflate_looking(archive, info) is None
    assert read_workbook(path).sheets["S"].value(400, 6) == 399 * 5


def _book(path: Path, cells: dict[tuple[int, int], object]) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("S")
    for (r, c), v in cells.items():
        ws.write(r, c, v)
    wb.close()
    return path


def _sparse_spy(monkeypatch) -> list[str]:
    names: list[str] = []
    real = reader._sparse_rows

    def spy(archive, entry, data):
        names.append(entry.name)
        return real(archive, entry, data)
    monkeypatch.setattr(reader, "_sparse_rows", spy)
    return names


def test_a_filled_sheet_over_the_limit_is_read_as_a_grid_a_spread_one_cell_by_cell(tmp_path, monkeypatch):
    """A grid of no more than DENSE_PER_CELL times the sheet's cells is read whole by calamine, past
    DENSE_LIMIT (a 200,000-order Masterliste: cell by cell it costs ~10x the time and memory)."""
    filled = _book(tmp_path / "filled.xlsx", {(r, c): r * 100 + c for r in range(60) for c in range(8)})
    spread = _book(tmp_path / "spread.xlsx", {(0, 0): "a", (59, 7): "b", (30, 3): "c"})
    monkeypatch.setattr(reader, "DENSE_LIMIT", 100)
    sparse = _sparse_spy(monkeypatch)
    rows = read_workbook(filled).sheets["S"].rows
    assert sparse == [] and rows[59][7] == 5907 and len(rows) == 60
    assert read_workbook(spread).sheets["S"].value(60, 8) == "b" and sparse == ["S"]


def test_formulas_errors_and_values_come_out_of_one_walk_as_before(tmp_path, monkeypatch):
    """A sheet with formulas, a formula without a computed value, error cells (one calamine knows,
    one it does not) read as a grid and cell by cell: the same values, formula cells, errors."""
    path = tmp_path / "f.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("S")
    ws.write_row(0, 0, ["a", "b", "c"])
    ws.write_formula(1, 0, "=1/0", None, "#DIV/0!")
    ws.write_formula(1, 1, "=A1", None, "a")
    ws.write_number(1, 2, 7)
    ws.write_array_formula("D2:D3", "{=C2:C3*2}", None, 14)
    wb.close()
    with zipfile.ZipFile(path) as z:
        items = [(i, z.read(i)) for i in z.infolist()]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in items:
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<c r="C2"', b'<c r="E2" t="e"><f>SEQUENCE(0)</f><v>#CALC!</v></c><c r="C2"')
                data = data.replace(b"<f>A1</f><v>a</v>", b"<f>A1</f>")
            z.writestr(info, data)
    path.write_bytes(buf.getvalue())
    dense = read_workbook(path).sheets["S"]
    monkeypatch.setattr(reader, "DENSE_LIMIT", -1)
    sparse = read_workbook(path).sheets["S"]
    for s in (dense, sparse):
        assert s.value(2, 1) == "#DIV/0!" and s.value(2, 5) == "#CALC!" and s.value(2, 3) == 7
        assert s.formulas >= {(2, 1), (2, 2), (2, 4), (3, 4), (2, 5)} and (2, 3) not in s.formulas
        assert s.formulas_without_value == {(2, 2)}
    assert dense.formulas == sparse.formulas


_FORMULA_CELL = st.sampled_from([
    "><v>1</v></c>", ' t="s"><v>0</v></c>', ' t="e"><v>#N/A</v></c>', ' s="2" t="e"><f>1/0</f><v>#DIV/0!</v></c>',
    "><f>A1</f><v>2</v></c>", "><f>A1</f></c>", "><f>A1</f><v></v></c>", "><f>A1</f><v/></c>",
    ' t="str"><f>A1</f><v></v></c>', ' t="str"><f>A1&amp;"x"</f><v>x</v></c>', "><f>A1</f> <v> </v><extLst/></c>",
    '><f t="shared" ref="A1:A3" si="0">B1</f><v>3</v></c>', '><f t="shared" si="0"/><v>3</v></c>',
    '><f t="array" ref="A1:B2">B1:C2</f><v>4</v></c>', '><f t="dataTable" ref="A1:A2" dt2D="0"/><v>5</v></c>',
    ' t="e"><f>x</f><v>#SPILL!</v></c>', ' t="e"><v>#N/A&amp;</v></c>', '><v xml:space="preserve">1</v></c>',
    "><!-- c --><f>A1</f><v>1</v></c>", ' t="e"/>',
])


@st.composite
def formula_sheets(draw):
    rows = []
    for r in sorted(draw(st.sets(st.integers(1, 40), min_size=1, max_size=6))):
        cells = [(None if draw(st.integers(0, 15)) == 0 else f"{col_letter(c)}{r}", draw(_FORMULA_CELL))
                 for c in sorted(draw(st.sets(st.integers(1, 30), max_size=5)))]
        rows.append((None if draw(st.integers(0, 15)) == 0 else r, cells))
    return _sheet_xml(rows)


@settings(max_examples=400, deadline=None)
@given(data=formula_sheets(), formulas=st.booleans(), errors=st.booleans())
def test_formula_and_error_cells_found_in_the_text_are_those_the_walk_finds(data, formulas, errors):
    rows = [[1] * 30 for _ in range(40)]
    quick = reader._formula_cells_in_text(data, rows, formulas=formulas, errors=errors)
    if quick is not None:
        walked = reader._formula_cells(data, rows, formulas=formulas, errors=errors)
        assert quick == walked


def test_the_usual_formula_and_error_cells_are_found_in_the_text():
    data = _sheet_xml([(1, [("A1", "><f>B1</f><v>2</v></c>"), ("B1", ' t="e"><f>1/0</f><v>#DIV/0!</v></c>')]),
                       (2, [("A2", "><f>B2</f></c>"), ("C2", ' t="str"><f>""</f><v></v></c>')])])
    rows = [[1] * 3, [1] * 3]
    assert reader._formula_cells_in_text(data, rows, formulas=True, errors=True) == (
        frozenset({(1, 1), (1, 2), (2, 1), (2, 3)}), frozenset({(2, 1)}), [(1, 2, "#DIV/0!")])


def test_the_other_sheets_read_from_a_second_book_while_the_biggest_is_built_read_the_same(tmp_path, monkeypatch):
    """The biggest sheet has calamine's book to itself, looked through first (its grid, the longest,
    begins as soon as it may); the others are built from a second book on a second worker
    (``reader._read_sheets``): the same values, formulas, dates and states, in the workbook's order,
    as when one book builds them all — and a sheet whose grid calamine cannot build there is read
    cell by cell, as in the first book."""
    path = tmp_path / "b.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    big = wb.add_worksheet("Big")
    for r in range(300):
        big.write_row(r, 0, [f"order {r}", r * 1.5, r, "x" * (r % 7)])
    dates = wb.add_worksheet("Dates")
    dates.write_datetime(0, 0, datetime(2026, 11, 22, 12), wb.add_format({"num_format": "dd.mm.yyyy"}))
    dates.write_formula(1, 0, "=A1+1", None, 46349)
    wb.add_worksheet("Empty")
    hidden = wb.add_worksheet("Hidden")
    hidden.write_row(0, 0, ["a", True, 3])
    hidden.hide()
    wb.close()
    monkeypatch.setattr(reader, "SECOND_BOOK_FROM", 1 << 40)
    one_book = read_workbook(path)
    monkeypatch.setattr(reader, "SECOND_BOOK_FROM", 1)
    opened = []
    real_open = reader._open_book
    monkeypatch.setattr(reader, "_open_book", lambda archive: opened.append(1) or real_open(archive))
    looks, real_look = [], reader._look_through
    monkeypatch.setattr(reader, "_look_through", lambda archive, entry: looks.append(entry.name)
                        or real_look(archive, entry))
    two_books = read_workbook(path)
    assert opened == [1] and looks == ["Big", "Dates", "Empty", "Hidden"]
    assert list(two_books.sheets) == list(one_book.sheets) == ["Big", "Dates", "Empty", "Hidden"]
    for name, sheet in one_book.sheets.items():
        other = two_books.sheets[name]
        assert (other.rows, other.state, other.formulas, other.formulas_without_value) == \
            (sheet.rows, sheet.state, sheet.formulas, sheet.formulas_without_value), name
    monkeypatch.setattr(reader, "_open_book", lambda archive: (_ for _ in ()).throw(RuntimeError("panic")))
    sparse = _sparse_spy(monkeypatch)
    broken = read_workbook(path)
    assert sorted(sparse) == ["Dates", "Empty", "Hidden"]
    assert {n: s.rows for n, s in broken.sheets.items()} == {n: s.rows for n, s in one_book.sheets.items()}


def _small_big_tiny(path: Path, big_rows: int, tiny: bool = True, big_row=lambda r: [f"order {r}", r]) -> Path:
    """A workbook of a small sheet, a big one and (``tiny``) a tiny one, in that order."""
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Small").write_row(0, 0, ["a", 1])
    big = wb.add_worksheet("Big")
    for r in range(big_rows):
        big.write_row(r, 0, big_row(r))
    if tiny:
        wb.add_worksheet("Tiny").write(0, 0, "t")
    wb.close()
    return path


def test_small_other_sheets_share_the_book_and_are_built_before_the_biggest(tmp_path, monkeypatch):
    """Other sheets too small to be worth a second calamine book (its own parse of the shared
    strings) are built from the same book, their grids queued before the biggest one's and their
    values taken first — the same values as either other way."""
    path = _small_big_tiny(tmp_path / "s.xlsx", 300, big_row=lambda r: [f"order {r}", r * 1.5, "x" * (r % 7)])
    sizes = {i.filename: i.file_size for i in zipfile.ZipFile(path).infolist()}
    big_size, others = sizes["xl/worksheets/sheet2.xml"], sizes["xl/worksheets/sheet1.xml"] + sizes[
        "xl/worksheets/sheet3.xml"]
    monkeypatch.setattr(reader, "SECOND_BOOK_FROM", 1 << 40)
    alone = read_workbook(path)
    monkeypatch.setattr(reader, "SECOND_BOOK_FROM", others + 1)        # the biggest is big, the others not
    assert big_size > others + 1
    opened, events = [], []
    real_open, real_read = reader._open_book, reader._read_sheet
    monkeypatch.setattr(reader, "_open_book", lambda archive: opened.append(1) or real_open(archive))
    monkeypatch.setattr(reader, "_read_sheet", lambda archive, looked: events.append(looked.entry.name)
                        or real_read(archive, looked))
    shared = read_workbook(path)
    assert opened == [] and events == ["Small", "Tiny", "Big"]
    assert list(shared.sheets) == list(alone.sheets) == ["Small", "Big", "Tiny"]
    assert {n: s.rows for n, s in shared.sheets.items()} == {n: s.rows for n, s in alone.sheets.items()}


def test_meanwhile_is_called_once_while_the_biggest_sheet_is_built(tmp_path, monkeypatch):
    """``read_workbook_as_is(..., meanwhile=)``: the caller's next steps (a run imports its rules and
    the writer) take the time this thread would wait for calamine's grid of the biggest sheet —
    after the other sheets' values, before the biggest one's."""
    path = _small_big_tiny(tmp_path / "m.xlsx", 200)
    events: list[str] = []
    real = reader._read_sheet
    monkeypatch.setattr(reader, "_read_sheet", lambda archive, looked: events.append(looked.entry.name)
                        or real(archive, looked))
    slow = reader._sheet_of                      # calamine still building the biggest sheet's grid

    def slow_sheet_of(book, name):
        if name == "Big":
            time.sleep(0.2)
        return slow(book, name)
    monkeypatch.setattr(reader, "_sheet_of", slow_sheet_of)
    # a big sheet (from SECOND_BOOK_FROM) still being built: there is time to wait (``waiting``)
    for second_book_from, order in ((1, ["Small", "Tiny", "meanwhile True", "Big"]),
                                    (1 << 40, ["Small", "meanwhile False", "Big", "Tiny"])):
        monkeypatch.setattr(reader, "SECOND_BOOK_FROM", second_book_from)
        events.clear()
        data, _ = reader.read_workbook_as_is(path, meanwhile=lambda waiting: events.append(f"meanwhile {waiting}"))
        assert events == order and data.sheets["Big"].value(200, 2) == 199

    def broken_install(waiting: bool) -> None:
        raise ModuleNotFoundError("No module named 'xl_addin.kinds.inkasso.rules'")
    # not the file's fault: read as if nothing was asked (the caller meets the error where it imports)
    assert read_workbook(path).sheets["Big"].rows == reader.read_workbook_as_is(path, meanwhile=broken_install)[
        0].sheets["Big"].rows


def test_the_biggest_sheets_rows_are_cut_for_the_writer_while_calamine_builds_its_grid(tmp_path, monkeypatch):
    """A run that will write (``texts``) has the biggest sheet's rows cut (``rawrows.cut_ahead``)
    in the time it would wait for calamine's grid — not a run that only reads, not when the grid
    is there already; the writer lets them go when it is done."""
    path = _small_big_tiny(tmp_path / "m.xlsx", 300, tiny=False)
    monkeypatch.setattr(reader, "SECOND_BOOK_FROM", 1)
    cut: list[bytes] = []
    real_cut = rawrows.cut_ahead
    monkeypatch.setattr(rawrows, "cut_ahead", lambda text, *more: cut.append(text) or real_cut(text, *more))
    slow = reader._sheet_of
    # (calamine's grid takes, the caller's next steps take, texts, cut ahead?)
    for building, meanwhile, texts, expected in ((0.3, 0.1, {}, 1), (0.3, 0.1, None, 0), (0.0, 0.3, {}, 0)):
        def sheet_of(book, name, building=building):
            if name == "Big":
                time.sleep(building)
            return slow(book, name)
        monkeypatch.setattr(reader, "_sheet_of", sheet_of)
        monkeypatch.setattr(reader, "_call_meanwhile", lambda call, waiting, took=meanwhile: time.sleep(took))
        cut.clear()
        data, _ = reader.read_workbook_as_is(path, meanwhile=lambda waiting: None, texts=texts)
        assert len(cut) == expected and data.sheets["Big"].value(300, 2) == 299
        if expected:
            part = next(p for p, text in texts.items() if text is cut[0])
            assert part.endswith("sheet2.xml") and rawrows._ahead is not None and rawrows._ahead.body is cut[0]
            plan = Plan(appends=[RowAppend("Big", [["order 300", 300]])])
            apply_plan(path, plan, backups=0, texts=texts)
            assert rawrows._ahead is None
            assert read_workbook(path).sheets["Big"].value(301, 2) == 300
