"""apply_plan parses sheets ahead and serialises/deflates finished sheets on a worker thread.
Whatever the worker's pace, the file must come out the same, and a failure must leave the
original untouched and no thread behind."""
from __future__ import annotations

import re
import threading
import time
import zipfile
from concurrent.futures import Future

import pytest
import xlsxwriter

from xl_addin.core.plan import CellWrite, Plan, RowAppend, RowFill, SheetRewrite
from xl_addin.package import WorkbookError, apply_plan, read_workbook, writer


def agent_book(path):
    wb = xlsxwriter.Workbook(str(path))
    for name in ("Masterliste", "Warten", "Notizen"):
        ws = wb.add_worksheet(name)
        ws.write_row(0, 0, ["order_id", "Name", "Betrag"])
        for i in range(30):
            ws.write_row(i + 1, 0, [10000001 + i, f"Kunde {i}", 10.0 * (i + 1)])
    wb.close()
    return path


PLAN = Plan(
    rewrites=[SheetRewrite("Zustand", [["order_id", "Status"], *[[str(i), "offen"] for i in range(40)]],
                           state="veryHidden")],
    writes=[CellWrite("Masterliste", r, 4, "Ja") for r in range(2, 32)],
    fills=[RowFill("Masterliste", r, (1, 2, 3, 4, 5), "FFFF00") for r in range(2, 32)],
    appends=[RowAppend("Warten", [[20000000 + i, "neu", 1.5] for i in range(25)]),
             RowAppend("Protokoll", [["Zeile", i] for i in range(25)], header=["Aktion", "Nr"])],
    product_colours=frozenset({"FFFF00"}),
)


_STAMPS = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")


def contents(path):
    """Every member's bytes; the times stamped into docProps/core.xml (made, saved) are blanked
    (two runs may fall into different seconds)."""
    with zipfile.ZipFile(path) as zf:
        out = {i.filename: zf.read(i) for i in zf.infolist()}
    if "docProps/core.xml" in out:
        out["docProps/core.xml"] = _STAMPS.sub(rb"\1\2", out["docProps/core.xml"])
    return out


@pytest.fixture
def reference(tmp_path):
    path = agent_book(tmp_path / "Referenz.xlsx")
    apply_plan(path, PLAN, backups=0)
    return contents(path)


@pytest.mark.parametrize("slow", ["deflate", "serialize"])
def test_a_slow_worker_changes_nothing_in_the_result(tmp_path, monkeypatch, reference, slow):
    original = getattr(writer, slow)

    def dawdling(*args):
        time.sleep(0.02)                  # jobs pile up behind it while the main thread moves on
        return original(*args)

    monkeypatch.setattr(writer, slow, dawdling)
    path = agent_book(tmp_path / "Langsam.xlsx")
    result = apply_plan(path, PLAN, backups=0)
    assert result.written and contents(path) == reference
    assert read_workbook(path).sheet("Warten").rows[-1] == [20000024, "neu", 1.5]


def test_failure_with_jobs_queued_leaves_the_original_and_no_thread(tmp_path, monkeypatch):
    path = agent_book(tmp_path / "Fehler.xlsx")
    before = path.read_bytes()
    original_xml = writer.Archive.xml

    def slow_xml(self, member):
        time.sleep(0.05)
        return original_xml(self, member)

    monkeypatch.setattr(writer.Archive, "xml", slow_xml)
    threads = threading.active_count()
    bad = Plan(writes=[CellWrite("Masterliste", 2, 2, object())],      # cannot be stored
               fills=PLAN.fills, appends=PLAN.appends)
    with pytest.raises(WorkbookError, match="Masterliste!B2"):
        apply_plan(path, bad, backups=0)
    assert path.read_bytes() == before
    assert threading.active_count() == threads


def test_failure_while_deflating_leaves_the_original(tmp_path, monkeypatch):
    path = agent_book(tmp_path / "Platt.xlsx")
    before = path.read_bytes()

    def broken(data, *args):
        raise MemoryError("kein Speicher")

    monkeypatch.setattr(writer, "deflate", broken)
    with pytest.raises(WorkbookError, match=r"Schreiben fehlgeschlagen \(MemoryError"):
        apply_plan(path, PLAN, backups=0)
    assert path.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".xl_addin.tmp")]


def test_a_successful_run_drops_no_job_of_the_worker(tmp_path, monkeypatch):
    """Freeing the serialised trees must leave the deflating queued behind them alone (once,
    a dropped job lost a sheet when the worker was a moment late)."""
    cancelled = []
    original = Future.cancel

    def cancel(self):
        hit = original(self)
        cancelled.append(hit)
        return hit

    monkeypatch.setattr(Future, "cancel", cancel)
    apply_plan(agent_book(tmp_path / "Ruhig.xlsx"), PLAN, backups=0)
    assert cancelled == []


def test_the_texts_the_reader_inflated_are_written_as_the_writer_would_inflate_them(tmp_path):
    """A run hands the writer the sheets' texts as it read them (``read_workbook_as_is(...,
    texts=)``, ``apply_plan(..., texts=)``): the file comes out byte for byte as when the writer
    inflates them itself (but for the save time stamped into docProps/core.xml); without
    ``read_as`` (nothing says they are this file's) they are not taken; the dict is emptied
    either way (its memory goes)."""
    from xl_addin.package import read_workbook_as_is
    paths = [agent_book(tmp_path / f"{name}.xlsx") for name in ("inflated", "handed", "unchecked", "taken")]
    _, read_as = read_workbook_as_is(paths[0])
    apply_plan(paths[0], PLAN, backups=0, read_as=read_as)
    texts: dict[str, bytes] = {}
    _, read_as = read_workbook_as_is(paths[1], texts=texts)
    assert set(texts) == {"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml"}
    apply_plan(paths[1], PLAN, backups=0, read_as=read_as, texts=texts)
    assert texts == {} and contents(paths[1]) == contents(paths[0])
    wrong = {part: b"<not this file's/>" for part in ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml")}
    apply_plan(paths[2], PLAN, backups=0, texts=wrong)
    assert wrong == {} and contents(paths[2]) == contents(paths[0])
    texts = {}
    _, read_as = read_workbook_as_is(paths[3], texts=texts)        # taken indeed: a marked text comes out
    texts["xl/worksheets/sheet1.xml"] = texts["xl/worksheets/sheet1.xml"].replace(b"<v>10000001</v>",
                                                                                  b"<v>99999999</v>")
    apply_plan(paths[3], PLAN, backups=0, read_as=read_as, texts=texts)
    assert read_workbook(paths[3]).sheets["Masterliste"].value(2, 1) == 99999999


def test_a_sheet_not_read_is_inflated_aside_and_written_as_inflated_then(tmp_path):
    """``read_workbook_as_is(..., texts=, ahead=)``: the sheets ``ahead`` names that were not read
    (a run's Protokoll) are inflated on a thread of their own while the caller plans — a future in
    ``texts`` that the writer takes; the file comes out as when the writer inflates them itself."""
    from concurrent.futures import Future as PendingText

    from xl_addin.package import read_workbook_as_is
    inflated, aside = agent_book(tmp_path / "inflated.xlsx"), agent_book(tmp_path / "aside.xlsx")
    _, read_as = read_workbook_as_is(inflated, lambda names: ["Masterliste"])
    apply_plan(inflated, PLAN, backups=0, read_as=read_as)
    texts: dict = {}
    data, read_as = read_workbook_as_is(aside, lambda names: ["Masterliste"], texts=texts,
                                        ahead=lambda: ["warten", "Nicht da"])    # as sheet names match
    assert list(data.sheets) == ["Masterliste"] and data.unread == ("Warten", "Notizen")
    assert isinstance(texts["xl/worksheets/sheet2.xml"], PendingText) and len(texts) == 2
    assert texts["xl/worksheets/sheet2.xml"].result().startswith(b"<?xml")
    apply_plan(aside, PLAN, backups=0, read_as=read_as, texts=texts)
    assert texts == {} and contents(aside) == contents(inflated)
