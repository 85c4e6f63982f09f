"""Issue 15, the read phase: an action reads only the sheets its kind declares (``Kind.reads``) —
never the append-only Protokoll, whose history would otherwise make every run slower, nor the
Prüfung it rewrites whole, nor the agents' own sheets. What the run plans is exactly what it
planned from the whole workbook; a sheet a kind forgot to declare is a loud SheetNotRead, never a
sheet silently taken as missing."""
from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
import python_calamine

from xl_addin import actions
from xl_addin.core.context import RunContext
from xl_addin.core.workbook_data import SheetData, SheetNotRead, WorkbookData
from xl_addin.kinds import INKASSO, KINDS, detect_kind
from xl_addin.package import read_workbook, reader
from xl_addin.package.archive import Archive
from xl_addin.package.opc import WorkbookParts

DEMO_DIR = Path(__file__).resolve().parents[2] / "workbooks" / "demo"
DEMOS = sorted(DEMO_DIR.glob("*.xlsx"))
NOW = datetime(2026, 11, 22, 12, 0)


def sheet_parts(path: Path) -> dict[str, str]:
    archive = Archive.open(path)
    return {e.name: e.part for e in WorkbookParts(archive).sheets}


def spy_reads(monkeypatch) -> tuple[list[str], list[str]]:
    """(zip members the reader inflates, sheets it reads)."""
    members: list[str] = []
    sheets: list[str] = []
    real_read, real_sheet = Archive.read, reader._read_sheet

    def read(self, member):
        members.append(member.lstrip("/"))
        return real_read(self, member)

    def read_sheet(archive, looked):
        sheets.append(looked.entry.name)
        return real_sheet(archive, looked)
    monkeypatch.setattr(Archive, "read", read)
    monkeypatch.setattr(reader, "_read_sheet", read_sheet)
    return members, sheets


def run_twice(src: Path, folder: Path) -> Path:
    """A copy of ``src`` after two runs: it has its Protokoll, Prüfung and overview sheet."""
    folder.mkdir(parents=True, exist_ok=True)
    path = Path(shutil.copy2(src, folder / src.name))
    for minutes in (0, 5):
        res = actions.run_file(path, now=NOW + timedelta(minutes=minutes), user="test", backups=0)
        assert res.ok and res.written, res.error
    return path


@pytest.mark.parametrize("demo", DEMOS, ids=lambda p: p.stem)
def test_a_run_reads_only_its_kinds_sheets_and_plans_as_from_the_whole_workbook(demo, tmp_path, monkeypatch):
    path = run_twice(demo, tmp_path)
    everything = read_workbook(path)
    kind = detect_kind(everything)
    assert kind.findings_sheet in everything.sheets

    members, handed = spy_reads(monkeypatch)
    with actions.open_file(path, now=NOW, user="test") as book:
        plan = actions.plan_run(book)
    wanted = kind.sheets_to_read(list(everything.sheets))
    assert list(book.data.sheets) == wanted == handed
    assert set(book.data.unread) == set(everything.sheets) - set(wanted)
    assert kind.findings_sheet in book.data.unread
    assert kind.protocol_sheet in book.data.unread or kind.protocol_sheet not in everything.sheets
    parts = sheet_parts(path)
    assert not {parts[name] for name in book.data.unread} & set(members)      # not even inflated
    assert plan == kind.plan_run(everything, RunContext(NOW, "test"))


def test_the_agents_own_sheets_are_not_read(monkeypatch):
    """The demos carry an agents' statistics sheet: no action of the kind looks at it."""
    for demo, own in ((DEMO_DIR / "Inkasso - Cancelled Installments.xlsx", "Statistik"),
                      (DEMO_DIR / "Solleciti.xlsx", "Statistiche")):
        _, handed = spy_reads(monkeypatch)
        book = actions.open_file(demo, now=NOW)
        assert own in book.data.unread and own not in handed
        with pytest.raises(SheetNotRead, match=own):
            book.data.sheet(own)


def with_protocol_history(src: Path, out: Path, lines: int) -> Path:
    """``src`` (an Inkasso workbook) with a Protokoll of ``lines`` earlier entries, as openpyxl saves it."""
    wb = openpyxl.load_workbook(src)
    ws = wb.create_sheet("Protokoll")
    ws.append(["Zeit", "Benutzer", "Aktion", "Blatt", "Schlüssel", "Zelle", "Alt", "Neu"])
    start = datetime(2025, 1, 1, 8, 0)
    for i in range(lines):
        ws.append([start + timedelta(minutes=i), "agent", "incasso_state gesetzt", "Masterliste", 10000000 + i,
                   f"O{i + 2}", None, "on_hold"])
    wb.save(out)
    return out


def test_the_protokoll_history_is_never_parsed_and_the_run_appends_after_it(tmp_path, monkeypatch):
    path = with_protocol_history(DEMO_DIR / "Inkasso - Cancelled Installments.xlsx", tmp_path / "Inkasso.xlsx", 3000)
    part = sheet_parts(path)["Protokoll"]
    members, handed = spy_reads(monkeypatch)
    res = actions.run_file(path, now=NOW, user="test", backups=0)
    assert res.ok and res.written, res.error
    assert "Protokoll" not in handed
    read_before_writing = members[:members.index(part)] if part in members else members
    assert part not in read_before_writing and len(res.plan.protocol) > 0

    book = python_calamine.CalamineWorkbook.from_path(str(path))
    rows = book.get_sheet_by_name("Protokoll").to_python()
    assert len(rows) == 1 + 3000 + len(res.plan.protocol)
    assert rows[3000][:5] == [datetime(2025, 1, 1, 8, 0) + timedelta(minutes=2999), "agent", "incasso_state gesetzt",
                              "Masterliste", 10000000 + 2999]
    assert [r[2] for r in rows[3001:]] == [e.action for e in res.plan.protocol]


def test_a_sheet_a_kind_did_not_declare_is_a_loud_error_not_a_missing_sheet():
    wb = WorkbookData({"Masterliste": SheetData("Masterliste", [["order_id"]])}, "m.xlsx",
                      unread=("Protokoll", "Warten auf Freigabe"))
    assert wb.has_sheet("protokoll") and wb.has_sheet(" Warten  auf Freigabe") and not wb.has_sheet("Statistik")
    assert wb.sheet("Statistik") is None
    with pytest.raises(SheetNotRead, match="Warten auf Freigabe"):
        wb.sheet("warten auf freigabe")
    assert wb.with_cells("Masterliste", {(2, 1): 1}).unread == wb.unread


def test_the_kind_is_recognised_from_the_sheet_names_alone():
    for kind in KINDS:
        names = [*kind.signature, "Protokoll", "Eigenes Blatt"]
        assert detect_kind(WorkbookData(unread=tuple(names))) is kind
        assert actions.sheets_needed(names) == list(kind.signature)
    # a workbook of no known kind is read whole: it is refused with the same message as before
    assert actions.sheets_needed(["Tabelle1", "Protokoll"]) == ["Tabelle1", "Protokoll"]


def test_every_candidate_of_a_declared_name_is_read():
    """The look-up ignores case and blanks, so every sheet a declared name may mean is read and
    the look-up picks among them exactly as among all sheets."""
    names = ["Masterliste", "masterliste ", "Einstellungen", "Protokoll", "Statistik"]
    assert INKASSO.sheets_to_read(names) == ["Masterliste", "masterliste ", "Einstellungen"]


def test_the_write_holds_the_plan_not_the_values_read(tmp_path, monkeypatch):
    """While the writer's peak builds up, the run no longer keeps the sheets' values (the Plan has
    what it writes); the sheet names stay known."""
    path = Path(shutil.copy2(DEMO_DIR / "Inkasso - Cancelled Installments.xlsx", tmp_path / "I.xlsx"))
    seen: list[WorkbookData] = []
    real = actions.apply_to_book

    def spy(book, plan, backups=None):
        seen.append(book.data)
        return real(book, plan, backups)
    monkeypatch.setattr(actions, "apply_to_book", spy)
    res = actions.run_file(path, now=NOW, user="test", backups=0)
    assert res.ok and res.written, res.error
    assert seen[0].sheets == {} and seen[0].has_sheet("Masterliste") and seen[0].has_sheet("Statistik")
