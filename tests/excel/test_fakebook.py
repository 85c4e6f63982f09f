"""The in-memory Excel deletes rows as Excel does: ``Range("5:5,9:11").EntireRow.Delete()`` takes
every area at once (the row numbers are those before the deletion) — the same cells as deleting
the blocks one by one from the bottom up — and refuses what Excel refuses."""
from __future__ import annotations

import random

import pytest

from tests.excel.fakebook import FakeBook, FakeComError, FakeSheet


def _book(n_rows: int = 60) -> FakeBook:
    s = FakeSheet("Blatt")
    rnd = random.Random(3)
    for r in range(1, n_rows + 1):
        for c in range(1, 5):
            s.values[(r, c)] = f"{r}/{c}"
            if rnd.random() < 0.3:
                s.fills[(r, c)] = rnd.choice(["FFC000", "9BC2E6"])
            if rnd.random() < 0.3:
                s.formats[(r, c)] = rnd.choice(["0", "0.00", "dd.mm.yyyy"])
            if rnd.random() < 0.2:
                s.font_colours[(r, c)] = "FF0000"
        if r % 7 == 0:
            s.bold.add((r, 1))
    return FakeBook("Mappe.xlsx", [s])


@pytest.mark.parametrize("runs", [[(5, 5)], [(1, 1), (3, 4)], [(2, 2), (9, 11), (20, 35), (59, 60)],
                                  [(r, r) for r in range(1, 61, 2)]])
def test_a_multi_area_delete_equals_deleting_the_blocks_one_by_one_bottom_up(runs):
    at_once, one_by_one = _book(), _book()
    at_once.delete_rows("Blatt", runs)
    for first, last in reversed(runs):
        one_by_one.delete_rows("Blatt", [(first, last)])
    assert at_once.snapshot() == one_by_one.snapshot()
    assert at_once.sheets["Blatt"].bold == one_by_one.sheets["Blatt"].bold
    kept = [r for r in range(1, 61) if not any(a <= r <= b for a, b in runs)]
    assert [at_once.sheets["Blatt"].values.get((i, 1)) for i in range(1, len(kept) + 1)] == [f"{r}/1" for r in kept]
    assert at_once.com_calls == 3                    # Range(address), EntireRow, Delete


def test_the_fake_refuses_what_excel_refuses_and_changes_nothing():
    book = _book()
    before = book.snapshot()
    with pytest.raises(FakeComError, match="255"):
        book.delete_rows("Blatt", [(r, r) for r in range(1, 200, 2)])        # an address of 400+ characters
    with pytest.raises(FakeComError, match="überlappen"):
        book.delete_rows("Blatt", [(2, 5), (4, 6)])
    assert book.snapshot() == before
