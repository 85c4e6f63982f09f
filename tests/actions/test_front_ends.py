"""One action layer: the CLI's commands, the ribbon's buttons and `make demo` go through the same
function of ``xl_addin.actions`` for each action — a spy put in its place sees every front end
call it — and a workbook of the wrong kind gets the same message from the CLI and the ribbon."""
from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.excel.fakebook import FakeBook
from xl_addin import actions, demo
from xl_addin.cli import main
from xl_addin.excel import entry
from xl_addin.package import read_workbook

DEMO_DIR = Path(__file__).resolve().parents[2] / "workbooks" / "demo"
NOW = datetime(2026, 11, 22, 12, 0)
INKASSO = "Inkasso - Cancelled Installments.xlsx"
DIAGONAL = "Kundenbetreuung Diagonal.xlsx"
KUNDENAKTEN = "Kundenakten.xlsx"
CUSTOMER = "Kanzlei Richter & Partner"
VENDOR = "60877"


def copy_demo(name: str, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy2(DEMO_DIR / name, folder / name))


def ribbon_book(name: str, tmp_path: Path) -> FakeBook:
    book = FakeBook.from_workbook(read_workbook(DEMO_DIR / name), name=name)
    book.path = tmp_path / "ribbon-out"
    return book


def cli(*args) -> object:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def spy_on(monkeypatch, name: str) -> list[tuple]:
    """Put a recording wrapper in the place of ``actions.<name>``; returns its call list."""
    real = getattr(actions, name)
    calls: list[tuple] = []

    def recorded(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)
    monkeypatch.setattr(actions, name, recorded)
    return calls


# each action: (the spied function, the demo workbook, the CLI arguments after the path, the ribbon)
def _cli_status_list(path):
    return ["status-list", path, "--vendor", VENDOR, "--out", path.parent / "sl"]


def _ribbon_status_list(book):
    book.selected = ("Übersicht", [])
    book.answers = [VENDOR, ""]
    return entry.export_status_list(book, now=NOW)


def _ribbon_csv(book):
    book.selected = ("Übersicht", [])
    book.answers = ["alle"]
    return entry.export_diagonal_csv(book, now=NOW)


def _ribbon_step_done(book):
    book.selected = ("Fälle", [2])
    return entry.step_done(book, now=NOW)


def _ribbon_new_case(book):
    book.selected = ("Übersicht", [])
    book.answers = ["10009999", "60877", "Hausbesuch"]
    return entry.new_diagonal_case(book, now=NOW)


def _ribbon_vpa(book):
    book.selected = ("Übersicht", [])
    book.answers = [CUSTOMER]
    return entry.export_vpa_file(book, now=NOW, pdf=False)


ACTIONS = {
    "plan_run": (INKASSO, lambda p: ["run", p, "--now", "2026-11-22T12:00"],
                 lambda b: entry.recalculate(b, now=NOW)),
    "handover_csvs": (INKASSO, lambda p: ["export-csv", p, "--vendor", "alle", "--out", p.parent / "ho"],
                      _ribbon_csv),
    "status_list": (INKASSO, _cli_status_list, _ribbon_status_list),
    "step_done": (DIAGONAL, lambda p: ["step-done", p, "--row", 2, "--now", "2026-11-22T12:00"],
                  _ribbon_step_done),
    "new_case": (DIAGONAL, lambda p: ["new-case", p, "--order", 10009999, "--user", 60877, "--type",
                                      "Hausbesuch", "--now", "2026-11-22T12:00"], _ribbon_new_case),
    "due_cases": (DIAGONAL, lambda p: ["due", p, "--now", "2026-11-22T12:00"],
                  lambda b: entry.due_cases(b, now=NOW)),
    "vpa_export": (KUNDENAKTEN, lambda p: ["export-akte", p, "--kunde", CUSTOMER, "--no-pdf", "--out",
                                           p.parent / "va"], _ribbon_vpa),
}


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_the_cli_and_the_ribbon_call_the_same_action(action, tmp_path, monkeypatch):
    workbook, cli_args, press_button = ACTIONS[action]
    args = cli_args(copy_demo(workbook, tmp_path / "cli"))
    book = ribbon_book(workbook, tmp_path)
    calls = spy_on(monkeypatch, action)
    opened = spy_on(monkeypatch, "open_workbook")

    res = cli(*args)
    assert res.exit_code in (0, 1), res.output          # 1: the demo's data has errors to show
    assert len(calls) == 1 and len(opened) == 1

    text = press_button(book)
    assert "unerwarteter Fehler" not in text and text
    assert len(calls) == 2 and len(opened) == 2
    assert all(isinstance(args[0], actions.OpenWorkbook) for args in calls)


def test_check_and_the_prufen_button_make_the_plan_of_a_run(tmp_path, monkeypatch):
    calls = spy_on(monkeypatch, "plan_run")
    assert cli("check", copy_demo(DIAGONAL, tmp_path), "--now", "2026-11-22T12:00").exit_code == 0
    entry.check(ribbon_book(DIAGONAL, tmp_path), now=NOW)
    assert len(calls) == 2


def test_the_demo_runs_and_exports_through_the_actions(tmp_path, monkeypatch):
    runs = spy_on(monkeypatch, "plan_run")
    exports = spy_on(monkeypatch, "handover_csvs")
    source = tmp_path / "source"
    for name in (INKASSO, DIAGONAL):
        copy_demo(name, source)
    assert demo.main(["--out", str(tmp_path / "out"), "--source", str(source), "--now", "2026-11-22T12:00"]) == 0
    assert [args[0].kind.name for args in runs] == ["inkasso", "diagonal"]
    assert [args[0].kind.name for args in exports] == ["inkasso"]
    assert sorted(p.name for p in (tmp_path / "out" / "handover").iterdir())


def test_a_workbook_of_another_kind_gets_one_message_everywhere(tmp_path):
    path = copy_demo(INKASSO, tmp_path)
    res = CliRunner().invoke(main, ["step-done", str(path), "--row", "2", "--now", "2026-11-22T12:00"])
    text = entry.step_done(ribbon_book(INKASSO, tmp_path), now=NOW)
    said = ("Schritt erledigt geht nur in der Arbeitsmappe 'Kundenbetreuung Diagonal' (Blatt 'Fälle') — "
            "'{}' ist 'Inkasso - Cancelled Installments'")
    assert res.exit_code == 1 and res.output == f"xl-addin: {said.format(path)}\n"
    assert text == f"Schritt erledigt: {said.format(INKASSO)}"
