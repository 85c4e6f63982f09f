"""Issue 11, defect 2: a sheet the product rewrites (`Prüfung`, the state sheets) that the agents
made an Excel table and gave their own column — `Erledigt` ticked beside some findings. A run keeps
the table consistent with its header (Excel would otherwise repair the file and remove it) and
keeps each tick on the finding it was made on, run after run, while the findings change; a tick on
a finding that is gone is not moved onto another one. Read back with python-calamine; every
written part checked by the schema validator and its table rules."""
from __future__ import annotations

import zipfile

import openpyxl
import pytest
import xlsxwriter
from lxml import etree
from python_calamine import load_workbook

from xl_addin.core.findings import ERROR, WARNING, Finding
from xl_addin.core.plan import Plan, SheetRewrite
from xl_addin.core.report import FINDINGS_HEADER, findings_sheet
from xl_addin.package import apply_plan

from . import ooxml_validate as V

NS = {"x": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def finding(code: str, cell: str, key: str, message: str = "falsch", severity: str = ERROR) -> Finding:
    return Finding(code=code, severity=severity, sheet="Masterliste", cell=cell, message=message, key=key)


A = finding("INK-STATE-INVALID", "O2", "10000001")
B = finding("INK-DATE-ORDER", "J3", "10000002")
C = finding("INK-AMOUNT", "G4", "10000003", severity=WARNING)
D = finding("INK-STATE-INVALID", "O5", "10000004")
E = finding("INK-DATE-ORDER", "J6", "10000005")


def build(path, findings: list[Finding], ticks: dict[str, str], *, table: bool = True,
          erledigt_col: int = 6):
    """The workbook as the agents left it after a run: Prüfung made a table (or filtered),
    `Erledigt` typed in column ``erledigt_col`` (0-based; 6 = G, right of the findings)."""
    rows = findings_sheet(findings).rows
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Masterliste").write_row(0, 0, ["order_id"])
    ws = wb.add_worksheet("Prüfung")
    header = [str(h) for h in rows[0]]
    width = len(header)
    layout = list(range(width))                               # product column -> sheet column
    if erledigt_col < width:                                  # the agents inserted theirs before
        layout = [c if c < erledigt_col else c + 1 for c in layout]
    last_col = max(*layout, erledigt_col)
    for r, values in enumerate(rows):
        for i, v in enumerate(values):
            if v is not None:
                ws.write(r, layout[i], v)
        if r and str(values[2]) in ticks:
            ws.write(r, erledigt_col, ticks[str(values[2])])
    ws.write(0, erledigt_col, "Erledigt")
    ws.set_column(erledigt_col, erledigt_col, 11)
    ws.data_validation(1, erledigt_col, 200, erledigt_col, {"validate": "list", "source": ["x", ""]})
    if table:
        names = {layout[i]: h for i, h in enumerate(header)} | {erledigt_col: "Erledigt"}
        ws.add_table(0, 0, len(rows) - 1, last_col, {
            "name": "Befunde", "style": "Table Style Light 9",
            "columns": [{"header": names[c]} for c in range(last_col + 1)]})
    else:
        ws.autofilter(0, 0, len(rows) - 1, last_col)
        ws.filter_column(erledigt_col, "x != x")
    wb.close()
    return path


def run(path, findings: list[Finding]):
    before = V.members(path)
    res = apply_plan(path, Plan(rewrites=[findings_sheet(findings)]), backups=0)
    problems = V.check_written(before, path)
    assert problems == [], problems
    return res


def sheet_rows(path, name="Prüfung") -> list[list]:
    return load_workbook(str(path)).get_sheet_by_name(name).to_python(skip_empty_area=False)


def ticks_by_finding(path) -> dict[tuple[str, str, str], object]:
    rows = sheet_rows(path)
    col = rows[0].index("Erledigt")
    return {(r[1], r[2], r[3]): r[col] for r in rows[1:] if col < len(r) and r[col] not in ("", None)}


def table_of(path) -> etree._Element | None:
    with zipfile.ZipFile(path) as zf:
        names = [n for n in zf.namelist() if n.startswith("xl/tables/")]
        return etree.fromstring(zf.read(names[0])) if names else None


def ident(f: Finding) -> tuple[str, str, str]:
    return (f.code, f.location, f.key)


@pytest.mark.parametrize("table", [True, False], ids=["table", "filter"])
def test_erledigt_ticks_stay_on_their_findings_run_after_run(tmp_path, table):
    path = build(tmp_path / "Inkasso.xlsx", [A, B, C, D], {B.location: "x", D.location: "x", C.location: "ok"},
                 table=table)
    # run 1: A fixed, E new, D's message changed (same finding), everything re-sorted
    d2 = finding(D.code, "O5", D.key, message="immer noch falsch")
    res = run(path, [B, C, d2, E])
    rows = sheet_rows(path)
    assert rows[0] == [*FINDINGS_HEADER, "Erledigt"]
    assert ticks_by_finding(path) == {ident(B): "x", ident(d2): "x", ident(C): "ok"}
    assert res.agent_cells_dropped == []
    if table:
        t = table_of(path)
        assert t is not None and t.get("ref") == f"A1:G{len(rows)}"
        names = [c.get("name") for c in t.iterfind("x:tableColumns/x:tableColumn", NS)]
        assert names == rows[0]
    else:
        auto = etree.fromstring(zipfile.ZipFile(path).read("xl/worksheets/sheet2.xml")).find("x:autoFilter", NS)
        assert auto.get("ref") == f"A1:G{len(rows)}" and len(auto) == 0   # criteria cleared
    # run 2: B fixed — its tick goes with it, never onto the finding that takes its row
    res = run(path, [C, d2, E])
    assert ticks_by_finding(path) == {ident(d2): "x", ident(C): "ok"}
    assert [(d[1], d[2], d[3]) for d in res.agent_cells_dropped] == [("G2", "Erledigt", "x")]
    # run 3: nothing found — the OK row keeps no tick, the table keeps its header
    run(path, [])
    assert ticks_by_finding(path) == {}
    rows = sheet_rows(path)
    assert rows[0] == [*FINDINGS_HEADER, "Erledigt"] and len(rows) == 2
    if table:
        assert table_of(path).get("ref") == "A1:G2"
    # Excel's own rules (header = column names etc.) hold on an independent reader too
    wb = openpyxl.load_workbook(path)
    ws = wb["Prüfung"]
    assert ws.column_dimensions["G"].width == pytest.approx(11.71, abs=0.8)
    for t in ws.tables.values():
        assert [c.name for c in t.tableColumns] == [ws.cell(1, c).value for c in range(1, 8)]


def test_a_column_the_agents_put_first_moves_right_of_the_findings(tmp_path):
    path = build(tmp_path / "Inkasso.xlsx", [A, B], {A.location: "x"}, erledigt_col=0)
    run(path, [A, B, E])
    rows = sheet_rows(path)
    assert rows[0] == [*FINDINGS_HEADER, "Erledigt"]
    assert ticks_by_finding(path) == {ident(A): "x"}
    t = table_of(path)
    assert t.get("ref") == f"A1:G{len(rows)}"


def test_a_table_not_at_row_1_is_dropped_cleanly(tmp_path):
    path = tmp_path / "Inkasso.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Masterliste").write_row(0, 0, ["order_id"])
    ws = wb.add_worksheet("Prüfung")
    ws.write_row(0, 0, ["Notizen des Teams"])
    ws.add_table(3, 0, 5, 1, {"name": "Liste", "columns": [{"header": "Wer"}, {"header": "Was"}]})
    wb.close()
    res = run(path, [A])
    assert res.tables_dropped == ["Prüfung: Liste"]
    assert table_of(path) is None
    assert sheet_rows(path)[0][:6] == FINDINGS_HEADER


def test_state_sheets_match_rows_by_their_first_column(tmp_path):
    path = tmp_path / "Zustand.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("_state")
    ws.write_row(0, 0, ["order_id", "Status", "Kommentar"])
    ws.write_row(1, 0, ["10000001", "Laufend", "A"])
    ws.write_row(2, 0, ["10000002", "Gesperrt", "B"])
    wb.close()
    rw = SheetRewrite("_state", [["order_id", "Status"], ["10000002", "Laufend"], ["10000003", "Gesperrt"]])
    before = V.members(path)
    res = apply_plan(path, Plan(rewrites=[rw]), backups=0)
    assert V.check_written(before, path) == []
    assert sheet_rows(path, "_state") == [["order_id", "Status", "Kommentar"], ["10000002", "Laufend", "B"],
                                          ["10000003", "Gesperrt", ""]]
    assert [(d[1], d[3]) for d in res.agent_cells_dropped] == [("C2", "A")]


def test_a_real_run_keeps_the_agents_table_and_ticks_on_pruefung(tmp_path):
    """End to end: run, the agents turn Prüfung into a table and tick two findings, one of the
    two orders is fixed, run again (twice)."""
    from openpyxl.worksheet.table import Table, TableStyleInfo

    from tests.builders import NOW, inkasso_data, order, write_xlsx
    from xl_addin.actions import run_file
    from xl_addin.kinds.inkasso import schema as S

    fixed, still = order(**{S.M_INCASSO_STATE: "cancelled"}), order(**{S.M_INCASSO_STATE: "onhold"})
    path = write_xlsx(inkasso_data([fixed, still, order()]), tmp_path / "Inkasso.xlsx")
    assert run_file(path, now=NOW, backups=0).ok
    wb = openpyxl.load_workbook(path)
    ws = wb["Prüfung"]
    ws.cell(1, 7, "Erledigt")
    keyed = {}
    for r in range(2, ws.max_row + 1):
        key = str(ws.cell(r, 4).value or "")
        if key in (str(fixed[S.M_ORDER_ID]), str(still[S.M_ORDER_ID])) and key not in keyed:
            ws.cell(r, 7, f"x {key}")                      # the tick names its order: checkable
            keyed[key] = ws.cell(r, 2).value
    assert len(keyed) == 2
    ws.add_table(Table(displayName="Befunde", ref=f"A1:G{ws.max_row}",
                       tableStyleInfo=TableStyleInfo(name="TableStyleLight9", showRowStripes=True)))
    for r in range(2, wb["Masterliste"].max_row + 1):
        if wb["Masterliste"].cell(r, 2).value == fixed[S.M_ORDER_ID]:
            col = [c.value for c in wb["Masterliste"][1]].index(S.M_INCASSO_STATE) + 1
            wb["Masterliste"].cell(r, col, "canceled")
    wb.save(path)

    for attempt in (1, 2):
        before = V.members(path)
        res = run_file(path, now=NOW, backups=0)
        assert res.ok, res.error
        assert V.check_written(before, path) == [], f"run {attempt}"
        # the run says which tick it did not carry over (the fixed order's), and only once
        expected = [f"x {fixed[S.M_ORDER_ID]}"] if attempt == 1 else []
        assert [n.split("= '")[1].split("'")[0] for n in res.notes] == expected, res.notes
        rows = sheet_rows(path)
        assert rows[0] == [*FINDINGS_HEADER, "Erledigt"]
        ticked = [(r[1], str(r[3]), r[6]) for r in rows[1:] if r[6]]
        # the fixed order's tick went with its finding; the other stays on its own finding only
        assert ticked == [(keyed[str(still[S.M_ORDER_ID])], str(still[S.M_ORDER_ID]),
                           f"x {still[S.M_ORDER_ID]}")], ticked
        t = table_of(path)
        assert t.get("ref") == f"A1:G{len(rows)}"
        assert [c.get("name") for c in t.iterfind("x:tableColumns/x:tableColumn", NS)] == rows[0]


def test_a_product_column_new_to_the_table_joins_it_with_a_fresh_id(tmp_path):
    """A Prüfung table made before the product wrote `Vorschlag` (an older version), saved by
    Excel (revision uids on the columns): the new column joins the table between the findings
    and `Erledigt`, with a fresh id and uid; the kept columns keep theirs."""
    path = tmp_path / "Inkasso.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Masterliste").write_row(0, 0, ["order_id"])
    ws = wb.add_worksheet("Prüfung")
    old_header = [*FINDINGS_HEADER[:5], "Erledigt"]
    ws.add_table(0, 0, 1, 5, {"name": "Befunde", "columns": [{"header": h} for h in old_header]})
    ws.write_row(1, 0, ["Fehler", A.code, A.location, A.key, "falsch", "x"])
    wb.close()
    xr3 = "http://schemas.microsoft.com/office/spreadsheetml/2016/revision3"
    uid = f"{{{xr3}}}uid"
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    data = members["xl/tables/table1.xml"].replace(
        b'<table xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
        b'<table xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:mc='
        b'"http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="xr3" xmlns:xr3="'
        + xr3.encode() + b'"')
    for i in range(1, 7):
        data = data.replace(b'<tableColumn id="%d"' % i,
                            b'<tableColumn id="%d" xr3:uid="{00000000-0000-0000-0000-00000000000%d}"' % (i, i))
    members["xl/tables/table1.xml"] = data
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, content in members.items():
            zf.writestr(n, content)
    assert V.check_package(path) == []

    run(path, [A, B])
    rows = sheet_rows(path)
    assert rows[0] == [*FINDINGS_HEADER, "Erledigt"]
    assert ticks_by_finding(path) == {ident(A): "x"}
    cols = list(table_of(path).iterfind("x:tableColumns/x:tableColumn", NS))
    assert [c.get("name") for c in cols] == rows[0]
    assert [c.get("id") for c in cols] == ["1", "2", "3", "4", "5", "7", "6"]
    assert len({c.get(uid) for c in cols}) == 7 and all(c.get(uid) for c in cols)
    assert cols[6].get(uid).endswith("06}")                    # Erledigt kept its own
