"""The overview sheet (`Übersicht`; `Riepilogo` in Solleciti) on every demo workbook, as a team
lead lives it: after `run` its numbers equal a recount of the summarised sheet by an independent
reader (python-calamine), it holds one native chart that LibreOffice renders, every written part
validates, a second run changes nothing, and what the agents add beside the block stays."""
from __future__ import annotations

import shutil
import subprocess
import zipfile
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies
from python_calamine import CalamineWorkbook

from tests.package.ooxml_validate import check_written, members as ooxml_members
from xl_addin.actions import run_file
from xl_addin.core.overview import OWNED_COLS, OverviewSpec, due_state, read_rows, read_rows_written, step_label
from xl_addin.core.plan import CellWrite, Plan
from xl_addin.core.workbook_data import SheetData, WorkbookData
from xl_addin.package import apply_plan

DEMO = Path(__file__).resolve().parents[1] / "workbooks" / "demo"
NOW = datetime(2026, 11, 22, 12, 0)
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

# file, overview sheet, summarised sheet, key, step, due, group header (None: Inkasso per vendor)
CASES = [
    ("Inkasso - Cancelled Installments.xlsx", "Übersicht", "Masterliste", "order_id", "Nächster Schritt",
     "Fällig am", None),
    ("Kundenbetreuung Diagonal.xlsx", "Übersicht (automatisch)", "Fälle", "Bestell-ID", "Nächste Aktion",
     "Fällig am", "Anfrageart"),
    ("Solleciti.xlsx", "Riepilogo", "Ticket", "Ticket", "Azione", "Scadenza task", "Priorità"),
    ("Kundenakten.xlsx", "Übersicht", "Kunden", "Kunde", "Nächster Schritt", "Wiedervorlage", "VPA"),
]


def _run(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    shutil.copy(DEMO / name, path)
    result = run_file(path, now=NOW, user="test")
    assert result.ok and result.written, result.error
    return path


def _sheet(path: Path, name: str) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


def _blocks(rows: list[list]) -> dict[str, list[list]]:
    """The overview's tables by their first header, and the metrics under 'metrics'."""
    out: dict[str, list[list]] = {}
    current = "metrics"
    out[current] = []
    fresh = False
    for r in rows[1:]:
        if all(v in ("", None) for v in r[:OWNED_COLS]):
            fresh = True
            continue
        if fresh:
            current, fresh = str(r[0]), False
            out[current] = [r]
            continue
        out[current].append(r)
    return out


def _text(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return "" if v is None else str(v).strip()


def _due(v):
    if isinstance(v, (date, datetime)):
        return v
    return None


@pytest.mark.parametrize(("name", "overview", "source", "key", "step", "due", "group"), CASES)
def test_overview_numbers_equal_a_recount_of_the_sheet(tmp_path, name, overview, source, key, step, due, group):
    path = _run(tmp_path, name)
    data = _sheet(path, source)
    header = data[0]
    k, s, d = header.index(key), header.index(step), header.index(due)
    rows = [r for r in data[1:] if _text(r[k])]
    states = [due_state(_due(r[d]), NOW) for r in rows]

    blocks = _blocks(_sheet(path, overview))
    metrics = {str(r[0]): r[1] for r in blocks["metrics"]}
    words = list(metrics)
    assert metrics[words[1]] == len(rows)                        # Zeilen / Righe
    assert metrics[words[3]] == states.count("today")            # fällig heute
    assert metrics[words[4]] == states.count("overdue")          # überfällig
    assert metrics[words[0]] == NOW                              # Stand, a real date

    step_block = next(b for h, b in blocks.items() if h in ("Nächster Schritt", "Azione"))
    shown = {str(r[0]): (r[1], r[2], r[3]) for r in step_block[1:]}
    expected: dict[str, list[int]] = {}
    for r, st in zip(rows, states, strict=True):
        label = step_label(_text(r[s])) or ("(nessuna azione)" if source == "Ticket" else "(kein Schritt)")
        acc = expected.setdefault(label, [0, 0, 0])
        acc[0] += 1
        acc[1] += st == "today"
        acc[2] += st == "overdue"
    assert shown == {k2: tuple(v) for k2, v in expected.items()}
    assert sum(v[0] for v in shown.values()) == len(rows)

    if group is not None:
        g = header.index(group)
        group_block = blocks[group]
        counted = Counter(_text(r[g]) or "(leer)" if source != "Ticket" else _text(r[g]) or "(vuoto)" for r in rows)
        assert {str(r[0]): r[1] for r in group_block[1:]} == counted


def test_inkasso_per_vendor_recount(tmp_path):
    path = _run(tmp_path, "Inkasso - Cancelled Installments.xlsx")
    data = _sheet(path, "Masterliste")
    h = data[0]
    col = {name: h.index(name) for name in ("order_id", "vendor_id", "Verfolgen", "Offener Betrag",
                                            "Nächster Schritt", "incasso_state")}
    rows = [r for r in data[1:] if _text(r[col["order_id"]])]
    vendors = _blocks(_sheet(path, "Übersicht"))["Vendor"]
    assert vendors[0] == ["Vendor", "User-ID", "offene Bestellungen", "offener Betrag", "im Mahnwesen",
                          "warten auf Freigabe", "beim Inkasso"]
    for line in vendors[1:]:
        mine = [r for r in rows if _text(r[col["vendor_id"]]) == _text(line[1])]
        open_rows = [r for r in mine if _text(r[col["Verfolgen"]]).casefold() == "ja"]
        assert line[2] == len(open_rows)
        assert line[3] == pytest.approx(sum(r[col["Offener Betrag"]] for r in open_rows
                                            if isinstance(r[col["Offener Betrag"]], float)))
        assert line[4] == sum(_text(r[col["Nächster Schritt"]]) in ("1. Mahnung senden", "2. Mahnung senden")
                              for r in mine)
        assert line[5] == sum(_text(r[col["incasso_state"]]) == "on_hold" for r in mine)
        assert line[6] == sum(_text(r[col["incasso_state"]]) == "sent_for_collection" for r in mine)
    assert sum(line[2] for line in vendors[1:]) == sum(_text(r[col["Verfolgen"]]).casefold() == "ja" for r in rows)


def _charts(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as zf:
        return [n for n in zf.namelist() if n.startswith("xl/charts/chart")]


@pytest.mark.parametrize("name", [c[0] for c in CASES])
def test_chart_written_once_valid_and_a_second_run_changes_nothing(tmp_path, name):
    before = _charts(DEMO / name)
    path = _run(tmp_path, name)
    assert len(_charts(path)) == len(before) + 1
    assert check_written(DEMO / name, path) == []
    first = {n: zipfile.ZipFile(path).read(n) for n in zipfile.ZipFile(path).namelist()}
    again = run_file(path, now=NOW, user="test")
    assert again.ok
    with zipfile.ZipFile(path) as zf:
        second = {n: zf.read(n) for n in zf.namelist()}
    assert list(second) == list(first)
    changed = [n for n in first if first[n] != second[n]]
    assert not [n for n in changed if "chart" in n or "drawing" in n], changed


def test_agents_sheet_of_the_same_name_stays_byte_identical(tmp_path):
    """Diagonal's demo keeps an `Übersicht` of its own (COUNTIF formulas and a chart): the
    product writes `Übersicht (automatisch)` and says so on `Prüfung`."""
    name = "Kundenbetreuung Diagonal.xlsx"
    path = _run(tmp_path, name)
    orig = _sheet(DEMO / name, "Übersicht")
    assert _sheet(path, "Übersicht") == orig
    findings = _sheet(path, "Prüfung")
    assert any("Übersicht (automatisch)" in str(r[4]) for r in findings[1:])


def test_agents_cells_beside_the_block_survive_the_next_run(tmp_path):
    path = _run(tmp_path, "Kundenakten.xlsx")
    col = OWNED_COLS + 2
    apply_plan(path, Plan(writes=[CellWrite("Übersicht", 3, col, "Notiz der Teamleitung"),
                                  CellWrite("Übersicht", 40, col, 42)], full_recalc=False), backups=0)
    assert run_file(path, now=NOW, user="test").ok
    rows = _sheet(path, "Übersicht")
    assert rows[2][col - 1] == "Notiz der Teamleitung"
    assert rows[39][col - 1] == 42
    assert rows[0][:2] == ["Kennzahl", "Wert"]


def _pdf_pages(tmp_path: Path, path: Path) -> list[str]:
    """The workbook as LibreOffice prints it (every sheet, its own print setup), one text per page."""
    profile = tmp_path / "lo-profile"
    proc = subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                           "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), str(path)],
                          capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr
    pdf = tmp_path / "pdf" / (path.stem + ".pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")


# file, chart title, the overview's first header
PRINTED = [
    ("Inkasso - Cancelled Installments.xlsx", "Übersicht: Zeilen je nächster Schritt", "Kennzahl"),
    ("Kundenbetreuung Diagonal.xlsx", "Übersicht (automatisch): Zeilen je nächster Schritt", "Kennzahl"),
    ("Solleciti.xlsx", "Riepilogo: Righe per azione", "Indicatore"),
    ("Kundenakten.xlsx", "Übersicht: Zeilen je nächster Schritt", "Kennzahl"),
]


@pytest.mark.skipif(SOFFICE is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice (soffice) or pdftotext not installed")
@pytest.mark.parametrize(("name", "title", "first"), PRINTED)
def test_libreoffice_prints_the_overview_with_its_whole_chart(tmp_path, name, title, first):
    """The workbook printed as it is (LibreOffice, every sheet): the chart's title in full on one
    page, the page of the overview's first block and of the header line of every block — the one
    above the chart and the one below it, so the whole chart is on that page, not cut at the
    page's edge; the Stand is printed as a date, not as ###; no header is cut by the next column."""
    path = _run(tmp_path, name)
    pages = [" ".join(p.split()) for p in _pdf_pages(tmp_path, path)]
    with_title = [p for p in pages if title in p]
    assert len(with_title) == 1, f"chart title '{title}' on {len(with_title)} pages"
    page = with_title[0]
    assert page.startswith(f"{first} ")
    assert "22.11.2026 12:00" in page and "###" not in page
    blocks = _blocks(_sheet(path, _overview_name(name)))
    assert len(blocks) >= 3                          # metrics, steps (above the chart), one below
    for block, rows in blocks.items():
        if block != "metrics":
            assert " ".join(str(h) for h in rows[0] if h) in page, block


def _overview_name(name: str) -> str:
    return next(c[1] for c in CASES if c[0] == name)


def _page_setup(path: Path, sheet: str) -> tuple[bytes | None, bytes | None]:
    """The sheet's <pageSetup> and <sheetPr> as written (None: absent)."""
    from lxml import etree

    from tests.package.ooxml_validate import X, sheets

    root = next(s.root for s in sheets(ooxml_members(path))[1] if s.name == sheet)
    setup, props = root.find(X + "pageSetup"), root.find(X + "sheetPr")
    return (None if setup is None else etree.tostring(setup), None if props is None else etree.tostring(props))


def test_the_print_setup_the_agents_choose_for_the_overview_stays(tmp_path):
    """A new overview prints one page wide; once the agents choose their own print setup for it
    (landscape, 2 pages wide, in Excel), the next run leaves that as it is."""
    import openpyxl

    from xl_addin.actions import new_workbook

    path = new_workbook("kundenakten", tmp_path / "Kundenakten.xlsx")
    assert run_file(path, now=NOW, user="test").ok
    setup, _ = _page_setup(path, "Übersicht")
    assert setup is not None and b'fitToWidth="1"' in setup and b'fitToHeight="0"' in setup
    wb = openpyxl.load_workbook(path)
    ws = wb["Übersicht"]
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 2
    wb.save(path)
    chosen = _page_setup(path, "Übersicht")
    assert run_file(path, now=NOW, user="test").ok
    assert _page_setup(path, "Übersicht") == chosen
    assert b'orientation="landscape"' in (chosen[0] or b"")


def test_live_excel_gets_the_same_overview_and_one_chart(tmp_path):
    """The ribbon path (xlwings adapter, here the fake book): same overview cells as the file, the
    chart set through the adapter once per run under one name, the agents' column kept, the new
    sheet set to print one page wide."""
    from tests.excel.fakebook import FakeBook
    from xl_addin.core.context import RunContext
    from xl_addin.excel.adapter import apply_plan_live, read_workbook_live
    from xl_addin.kinds import detect_kind
    from xl_addin.package import read_workbook

    path = tmp_path / "Kundenakten.xlsx"
    shutil.copy(DEMO / path.name, path)
    wb = read_workbook(path)
    kind = detect_kind(wb)
    live = FakeBook.from_workbook(wb, name=path.name)
    ctx = RunContext(now=NOW, user="test")
    apply_plan_live(live, kind.plan_run(read_workbook_live(live), ctx))
    live.sheets["Übersicht"].values[(3, OWNED_COLS + 2)] = "Notiz"
    plan = kind.plan_run(read_workbook_live(live), ctx)
    apply_plan_live(live, plan)
    assert [c for c in live.calls if c[0] == "set_chart"] == [("set_chart", "Übersicht", plan.charts[0].name)] * 2
    assert list(live.charts) == [("Übersicht", plan.charts[0].name)]
    # printed one page wide: set once, on the sheet the first run made (the agents' setup stays after)
    assert [c for c in live.calls if c[0] == "print_one_page_wide"] == [("print_one_page_wide", "Übersicht")]
    assert live.sheets["Übersicht"].one_page_wide
    assert live.sheets["Übersicht"].values[(3, OWNED_COLS + 2)] == "Notiz"
    assert run_file(path, now=NOW, user="test").ok
    on_file = _sheet(path, "Übersicht")
    shown = live.sheets["Übersicht"].rows()
    assert [r[:5] for r in shown] == [[None if v == "" else v for v in r[:5]] for r in on_file]


@pytest.mark.parametrize("kind", ["inkasso", "diagonal", "solleciti", "kundenakten"])
def test_a_new_empty_workbook_gets_an_overview_of_zeros_and_a_valid_empty_chart(tmp_path, kind):
    from xl_addin.actions import new_workbook

    path = new_workbook(kind, tmp_path / f"{kind}.xlsx")
    before = ooxml_members(path)
    assert run_file(path, now=NOW, user="test").ok
    assert check_written(before, path) == []
    name = "Riepilogo" if kind == "solleciti" else "Übersicht"
    metrics = _blocks(_sheet(path, name))["metrics"]
    assert [r[1] for r in metrics[1:]] == [0, 0, 0, 0]
    assert len(_charts(path)) == 1


def test_step_labels_count_rows_of_one_step_together():
    assert step_label("Neu bestellt (10004711)") == "Neu bestellt (…)"
    assert step_label("Klären (blockiert)") == "Klären (blockiert)"
    assert step_label("Vorlage 'X' an VPA senden, Frist bis 29.11.2026") == "Vorlage 'X' an VPA senden, Frist bis …"
    assert step_label("Eingabe prüfen: Schritt seit ungültig") == "Eingabe prüfen"
    assert len(step_label("x" * 200)) == 80


_VALUES = strategies.one_of(strategies.none(), strategies.just(""), strategies.just("  "),
                           strategies.integers(0, 5), strategies.sampled_from(["a", "b", "Nr"]))
_HEADERS = strategies.sampled_from(["Nr", "Schritt", "Fällig", "Gruppe", "x", None])
_WRITES = strategies.tuples(strategies.integers(1, 9), strategies.integers(1, 8), _VALUES)


@settings(max_examples=300, deadline=None)
@given(header=strategies.lists(_HEADERS, max_size=6),
       body=strategies.lists(strategies.lists(_VALUES, max_size=7), max_size=6),
       writes=strategies.lists(_WRITES, max_size=12), group=strategies.booleans())
def test_the_rows_counted_are_those_of_the_sheet_with_the_runs_writes(header, body, writes, group):
    """The overview counts the summarised sheet as the run leaves it: ``read_rows_written`` reads
    what ``read_rows`` reads of a copy with the plan's writes applied (``with_writes``) — header
    cells written too, rows below the last, later writes winning — without copying the sheet."""
    spec = OverviewSpec(source="Fälle", key="Nr", step="Schritt", due="Fällig",
                        group="Gruppe" if group else None, group_title="Gruppe", is_open=lambda row: True,
                        others=("x",))
    wb = WorkbookData({"Fälle": SheetData("Fälle", [list(header), *[list(r) for r in body]])})
    cell_writes = [CellWrite("Fälle", r, c, v) for r, c, v in writes]
    assert read_rows_written(wb, spec, cell_writes) == read_rows(wb.with_writes(cell_writes), spec)
    assert read_rows_written(WorkbookData({}), spec, cell_writes) == []
