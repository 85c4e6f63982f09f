"""A sheet the product rewrites (the hidden state sheets) whose rows mostly stay the same: the
plan hands the writer the rows as it read them (``SheetRewrite.shown``), and the writer keeps the
rows that stay the same as the bytes they are — renumbered when rows came or went above them —
instead of encoding them again. Whatever the old sheet holds, the file must come out as the same
rewrite without ``shown`` makes it: byte for byte where the old rows are as the product writes
them (or not kept), the same values and formats where they are equivalent bytes (an entity)."""
from __future__ import annotations

import random
import re
import shutil
import zipfile
from datetime import date

import xlsxwriter
from hypothesis import HealthCheck, given, settings, strategies as st

from xl_addin.core.plan import Plan, SheetRewrite
from xl_addin.core.state_sheet import state_rewrite
from xl_addin.package import apply_plan, read_workbook, sheet as sheet_module

from . import ooxml_validate as V

SHEET = "xl_addin_Stand"
HEADER = ["id", "Status", "Seit", "Notiz"]
PART = "xl/worksheets/sheet2.xml"


def base(path) -> None:
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Masterliste").write_row(0, 0, ["order_id"])
    wb.close()


def rewrite(path, rows, shown=None) -> None:
    apply_plan(path, Plan(rewrites=[SheetRewrite(SHEET, rows, state="veryHidden", shown=shown)],
                          full_recalc=False), backups=0)


def members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if not n.startswith("docProps/")}


def put_part(path, name: str, data: bytes) -> None:
    old = members(path) | {n: zipfile.ZipFile(path).read(n) for n in zipfile.ZipFile(path).namelist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in old.items():
            z.writestr(n, data if n == name else d)


def formats(data: bytes) -> dict[str, str]:
    """cell -> its s= (cells without one left out)."""
    return {ref.decode(): s.decode() for ref, s in re.findall(rb'<c r="([A-Z]+\d+)"[^>]*? s="(\d+)"', data)}


# Mutations of old rows that make them other than the product writes them.
def mutate(data: bytes, rows: list[int], kind: str) -> bytes:
    for n in rows:
        at = data.find(b'<row r="%d">' % n)
        if at < 0:
            continue
        cell = re.compile(rb'<c r="([A-Z]+)%d" t="inlineStr">' % n)
        found = cell.search(data, at)
        if found is None:
            continue
        if kind == "format":
            data = data[:found.start()] + found.group().replace(b" t=", b' s="0" t=') + data[found.end():]
        elif kind == "row-height":
            data = data.replace(b'<row r="%d">' % n, b'<row r="%d" ht="30" customHeight="1">' % n, 1)
        elif kind == "escape":              # a text that reads as '\x01' where it was typed '_x0001_'
            end = data.find(b"</t>", found.end())
            data = data[:end] + b"_x0001_" + data[end:]
        elif kind == "entity":              # the same text, another spelling: may be kept
            end = data.find(b"</t>", found.end())
            data = data[:end] + b"&#65;" + data[end:]
    return data


plain = st.text(alphabet='abü 12"&<>', min_size=1, max_size=6)
awkward = st.sampled_from(["10", "3\"", "13\"", "_x0041_", " ", "a\rb", "x_", "12\"12\""])
values = st.one_of(st.none(), plain, plain, plain, plain, awkward, st.integers(0, 99), st.just(date(2026, 11, 22)))
text_rows = st.lists(st.lists(st.one_of(st.none(), plain), min_size=4, max_size=4), max_size=14)  # as read
rows = st.one_of(text_rows, text_rows, st.lists(st.lists(values, min_size=1, max_size=4), max_size=14))


def edited(rng: random.Random, old: list[list], pool: list[list]) -> list[list]:
    """``old`` as a next run may write it: rows changed, deleted, inserted, moved, appended."""
    new = [list(r) for r in old]
    for _ in range(rng.randint(0, 4)):
        op = rng.choice(["change", "delete", "insert", "move", "append"])
        if op in ("change", "delete", "move") and not new:
            continue
        i = rng.randrange(len(new)) if new else 0
        if op == "change":
            new[i][rng.randrange(len(new[i]))] = rng.choice(["neu", None, "Bezahlt"])
        elif op == "delete":
            del new[i]
        elif op == "insert" and pool:
            new.insert(i, list(rng.choice(pool)))
        elif op == "move":
            new.insert(rng.randrange(len(new)), new.pop(i))
        elif pool:
            new.append(list(rng.choice(pool)))
    return new


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(old=rows, pool=rows, seed=st.integers(0, 2**32), mutation=st.sampled_from(
    [None, "format", "row-height", "escape", "entity"]), mutated=st.lists(st.integers(2, 8), min_size=1, max_size=3))
def test_a_rewrite_given_the_rows_as_read_writes_what_a_full_rewrite_writes(tmp_path_factory, old, pool, seed,
                                                                            mutation, mutated):
    tmp = tmp_path_factory.mktemp("keep")
    start = tmp / "start.xlsx"
    base(start)
    rewrite(start, [HEADER, *old])
    if mutation:
        part = members(start)[PART]
        put_part(start, PART, mutate(part, mutated, mutation))
    new = [HEADER, *edited(random.Random(seed), old, pool)]
    shown = read_workbook(start).sheet(SHEET).rows
    kept, full = tmp / "kept.xlsx", tmp / "full.xlsx"
    shutil.copy(start, kept)
    shutil.copy(start, full)
    before = V.members(kept)
    rewrite(kept, new, shown)
    rewrite(full, new)
    got, want = members(kept), members(full)
    if mutation != "entity":
        assert got == want
    else:
        assert got.keys() == want.keys() and formats(got[PART]) == formats(want[PART])
        assert read_workbook(kept).sheet(SHEET).rows == read_workbook(full).sheet(SHEET).rows
        assert all(got[n] == want[n] for n in got if n != PART)
    assert V.check_written(before, kept) == []


def test_a_second_run_encodes_only_the_rows_that_changed(tmp_path, monkeypatch):
    """The state sheet of 3,000 orders: three statuses changed, an order gone from the middle,
    two new ones — only those rows (and the header) are encoded, the rest is kept or moved up."""
    path = tmp_path / "book.xlsx"
    base(path)
    old = [[str(10_000_000 + i), "Laufend" if i % 3 else "Gesperrt", None, f"Notiz {i} & <mehr>"]
           for i in range(3000)]
    rewrite(path, [HEADER, *old])
    new = [list(r) for r in old]
    for i in (5, 1700, 2999):
        new[i][1] = "Bezahlt"
    del new[1200]
    new += [["10009998", "Laufend", "2026-11-22", None], ["10009999", "Laufend", None, None]]
    full = tmp_path / "full.xlsx"
    shutil.copy(path, full)
    encoded: list[int] = []
    real = sheet_module.SheetPatcher._row_texts

    def counting(self, start, rows, *args):
        encoded.extend(range(start, start + len(rows)))
        return real(self, start, rows, *args)

    monkeypatch.setattr(sheet_module.SheetPatcher, "_row_texts", counting)
    data = read_workbook(path)
    plan_rewrite = state_rewrite(SHEET, [HEADER, *new], data.sheet(SHEET))
    assert plan_rewrite is not None and plan_rewrite.shown is data.sheet(SHEET).rows
    apply_plan(path, Plan(rewrites=[plan_rewrite], full_recalc=False), backups=0)
    assert len(encoded) <= 1 + 3 + 2 + 1, encoded        # header, changed, new (and one at the gap)
    encoded.clear()
    rewrite(full, [HEADER, *new])
    assert len(encoded) == 1 + len(new)
    assert members(path) == members(full)
    assert read_workbook(path).sheet(SHEET).rows[1:] == [r for r in new]


def test_rows_an_agent_formatted_are_written_anew(tmp_path):
    """An agent unhid the sheet and made a row bold, a height of its own: those rows get the
    product's format back, as a full rewrite gives them; the others are kept."""
    path = tmp_path / "book.xlsx"
    base(path)
    old = [[str(i), "Laufend", None, None] for i in range(50)]
    rewrite(path, [HEADER, *old])
    part = members(path)[PART]
    put_part(path, PART, mutate(mutate(part, [7], "format"), [9], "row-height"))
    full = tmp_path / "full.xlsx"
    shutil.copy(path, full)
    rewrite(path, [HEADER, *old], read_workbook(path).sheet(SHEET).rows)
    rewrite(full, [HEADER, *old])
    assert members(path) == members(full)
    assert b' s="0"' not in members(path)[PART] and b"customHeight" not in members(path)[PART]


def test_a_moved_row_whose_text_looks_like_its_number_keeps_its_text(tmp_path):
    """Row 5 holds the text '5"' (a reference's tail, to a renumbering by bytes): when a row
    above goes, it moves up to row 4 with its text as it was."""
    path = tmp_path / "book.xlsx"
    base(path)
    old = [[str(i), f'{i + 2}"', f"x{i + 2}\"y", None] for i in range(20)]
    rewrite(path, [HEADER, *old])
    new = old[:1] + old[2:]
    full = tmp_path / "full.xlsx"
    shutil.copy(path, full)
    rewrite(path, [HEADER, *new], read_workbook(path).sheet(SHEET).rows)
    rewrite(full, [HEADER, *new])
    assert members(path) == members(full)
    assert read_workbook(path).sheet(SHEET).rows[1:] == new
