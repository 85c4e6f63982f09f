"""CellWrite and RowFill, made once per cell and row of a run, have a hand-written __init__ (issue
15: half the cost of the frozen dataclass's own); they behave exactly as the dataclasses they were."""
from __future__ import annotations

import dataclasses
import inspect
import pickle
from datetime import date

import pytest

from xl_addin.core.plan import CellWrite, RowFill


@dataclasses.dataclass(frozen=True)
class PlainCellWrite:
    sheet: str
    row: int
    col: int
    value: object
    number_format: str | None = None


@dataclasses.dataclass(frozen=True)
class PlainRowFill:
    sheet: str
    row: int
    cols: tuple[int, ...]
    rgb: str | None


@pytest.mark.parametrize("fast, plain, args", [
    (CellWrite, PlainCellWrite, ("Masterliste", 5, 21, date(2026, 11, 22), "DD.MM.YYYY")),
    (CellWrite, PlainCellWrite, ("Masterliste", 5, 21, "Ja")),
    (RowFill, PlainRowFill, ("Masterliste", 5, (1, 2, 3), "FFFF00")),
])
def test_they_behave_as_the_generated_dataclasses(fast, plain, args):
    names = [f.name for f in dataclasses.fields(fast)]
    assert names == [f.name for f in dataclasses.fields(plain)]
    assert list(inspect.signature(fast).parameters) == names
    assert [p.default for p in inspect.signature(fast).parameters.values()] == \
        [p.default for p in inspect.signature(plain).parameters.values()]
    a, b = fast(*args), fast(**dict(zip(names, args, strict=False)))
    ref = plain(*args)
    assert a == b and hash(a) == hash(b) and a != ref
    assert dataclasses.astuple(a) == dataclasses.astuple(ref)
    assert repr(a) == repr(ref).replace("Plain", "")
    assert dataclasses.replace(a, row=7).row == 7 and dataclasses.replace(a, row=7) == fast(*args[:1], 7, *args[2:])
    assert pickle.loads(pickle.dumps(a)) == a
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.row = 9
    assert a.__match_args__ == tuple(names)
