"""xl_addin.files — the one module that writes files — and what the actions do around the kinds:
the garbage collector paused while a kind plans, a failed PDF conversion told as the agent's
one-liner after the .xlsx is written."""
from __future__ import annotations

import dataclasses
import gc
import os
from datetime import datetime

import pytest

from tests.kundenakten.data import akten_data, customer, entry
from xl_addin import actions, files
from xl_addin.core.context import RunContext
from xl_addin.core.plan import Plan
from xl_addin.core.workbook_data import WorkbookData
from xl_addin.kinds import INKASSO, SOLLECITI
from xl_addin.kinds.kundenakten.vpa_export import ExportError, build_vpa_export

NOW = datetime(2026, 11, 22, 12, 0)


def test_atomic_write_replaces_the_whole_file_creates_folders_and_leaves_no_temp_file(tmp_path):
    path = tmp_path / "a" / "b" / "out.csv"
    assert files.atomic_write_bytes(path, b"first") == path
    files.atomic_write_bytes(path, b"second")
    assert path.read_bytes() == b"second"
    assert os.listdir(path.parent) == ["out.csv"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp_file(tmp_path, monkeypatch):
    path = tmp_path / "out.csv"
    path.write_bytes(b"old")

    def no_rename(src, dst):
        raise OSError("disk full")
    monkeypatch.setattr(files.os, "replace", no_rename)
    with pytest.raises(OSError, match="disk full"):
        files.atomic_write_bytes(path, b"new")
    assert path.read_bytes() == b"old" and os.listdir(tmp_path) == ["out.csv"]


def test_a_new_file_never_overwrites_one(tmp_path):
    path = tmp_path / "neu.xlsx"
    files.write_new_file(path, b"one")
    with pytest.raises(FileExistsError, match="gibt es schon"):
        files.write_new_file(path, b"two")
    assert path.read_bytes() == b"one" and os.listdir(tmp_path) == ["neu.xlsx"]


def test_a_converter_that_makes_no_pdf_is_named(tmp_path):
    xlsx = files.atomic_write_bytes(tmp_path / "akte.xlsx", b"not really a workbook")
    with pytest.raises(files.PdfConversionError, match=r"^PDF nicht erstellt: LibreOffice Exit 1$"):
        files.convert_to_pdf(xlsx, tmp_path / "akte.pdf", "false")
    assert not (tmp_path / "akte.pdf").exists()


def test_vpa_export_keeps_the_xlsx_and_reports_a_failed_pdf_as_the_agents_error(tmp_path, monkeypatch):
    export = build_vpa_export(akten_data([customer()], [entry()]), "Bäckerei Sonnenschein")
    monkeypatch.setattr(files, "find_soffice", lambda: "false")
    with pytest.raises(ExportError, match="PDF nicht erstellt"):
        actions.write_vpa_export(export, tmp_path, NOW)
    assert [p.suffix for p in tmp_path.iterdir()] == [".xlsx"]


@pytest.mark.parametrize("kind", [INKASSO, SOLLECITI])
def test_planning_runs_with_the_garbage_collector_paused_and_restores_it(kind):
    seen: list[bool] = []

    def plan_run(wb, ctx):
        seen.append(gc.isenabled())
        return Plan(kind=kind.name)
    book = actions.OpenWorkbook(WorkbookData(), dataclasses.replace(kind, plan_run=plan_run), RunContext(NOW, "t"))
    assert gc.isenabled()
    actions.plan_run(book)
    assert seen == [False] and gc.isenabled()


def test_the_garbage_collector_comes_back_when_planning_fails():
    def broken(wb, ctx):
        raise RuntimeError("kaputt")
    book = actions.OpenWorkbook(WorkbookData(), dataclasses.replace(INKASSO, plan_run=broken), RunContext(NOW, "t"))
    with pytest.raises(RuntimeError):
        actions.plan_run(book)
    assert gc.isenabled()
