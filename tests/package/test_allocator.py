"""The cyclic garbage collector is paused for the big passes (the writer's patch, a run's Plan)
and comes back as it was — also after an error, also when the passes nest."""
from __future__ import annotations

import gc

import pytest

from xl_addin.core.plan import Plan
from xl_addin.package import allocator, writer


def test_paused_for_the_block_and_enabled_again_afterwards_even_after_an_error():
    assert gc.isenabled()
    with allocator.paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), allocator.paused_gc():
        raise RuntimeError("kaputt")
    assert gc.isenabled()


def test_nested_pauses_leave_the_outer_one_paused_and_a_collector_that_was_off_stays_off():
    with allocator.paused_gc():
        with allocator.paused_gc():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with allocator.paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_writer_patches_with_the_collector_paused(monkeypatch, tmp_path):
    seen: list[bool] = []
    monkeypatch.setattr(writer, "_apply_plan", lambda *args: seen.append(gc.isenabled()))
    writer.apply_plan(tmp_path / "x.xlsx", Plan(kind="inkasso"))
    assert seen == [False] and gc.isenabled()
