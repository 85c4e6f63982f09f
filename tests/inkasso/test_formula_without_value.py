"""Issue 11, defect 9: an agent's workbook last saved by a program that does not calculate
(openpyxl, a script, an export tool) keeps formulas without their computed value. python-calamine
reads such a cell as '' — the Diagonal CSV said '' where the agents see a date, without a word.
Now the reader knows those cells, the CSV refuses (an error naming each cell; all-or-nothing), the
run warns once per cell and does not decide on a blank that is not one, and the status list and
the VPA export say which of their cells stay blank."""
from __future__ import annotations

import csv
import io
import shutil
import subprocess
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from xl_addin import actions
from xl_addin.core.findings import ERROR, WARNING
from xl_addin.kinds.inkasso import schema as S
from xl_addin.kinds.inkasso.handover import build_all_vendor_csvs, build_vendor_csv
from xl_addin.kinds.inkasso.status_list import build_status_list
from xl_addin.kinds.kundenakten import schema as KS
from xl_addin.kinds.kundenakten.vpa_export import build_vpa_export
from xl_addin.package import read_workbook

from ..package import ooxml_validate as V

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "workbooks" / "demo" / "Inkasso - Cancelled Installments.xlsx"
NOW = datetime(2026, 11, 22, 12, 0)
CSV_CODE, RUN_CODE, LIST_CODE = "INK-CSV-FORMULA-NO-VALUE", "XL-FORMULA-NO-VALUE", "INK-LIST-FORMULA-NO-VALUE"


def _formula(value) -> str:
    """The formula an agent would type for the value the cell shows."""
    if isinstance(value, datetime | date):
        return f"=DATE({value.year},{value.month},{value.day})"
    if isinstance(value, bool):
        return "=TRUE()" if value else "=FALSE()"
    if value is None:
        return '=""'
    if isinstance(value, int | float):
        return f"={value}+0"
    return '="' + str(value).replace('"', '""') + '"'


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """The demo after one run (incasso_state filled in where the run sets it)."""
    book = Path(shutil.copy(DEMO, tmp_path_factory.mktemp("base") / DEMO.name))
    assert not actions.run_file(book, now=NOW, backups=0).error
    return book


def clean_vendor(base: Path) -> tuple[str, int]:
    """A vendor whose Diagonal CSV the workbook exports without errors, and the row of its first order."""
    data = read_workbook(base)
    export = next(e for e in build_all_vendor_csvs(data) if e.ok and e.rows >= 2)
    master = data.sheets[S.SHEET_MASTER]
    col = master.rows[0].index(S.M_VENDOR_ID) + 1
    row = next(r for r in range(2, master.max_row + 1) if str(master.value(r, col)) == export.vendor_id)
    return export.vendor_id, row


def saved_by_openpyxl(base: Path, dst: Path, row: int, headers: list[str]) -> dict[str, str]:
    """The demo as an agent's script saved it: the cells of ``headers`` in ``row`` of the
    Masterliste hold formulas that give the value they held (openpyxl keeps no computed
    value). Returns header -> cell address."""
    wb = openpyxl.load_workbook(base)
    ws = wb[S.SHEET_MASTER]
    cols = {str(c.value): int(c.column or 0) for c in ws[1]}
    cells = {}
    for h in headers:
        cell = ws.cell(row, cols[h])
        cell.value = _formula(cell.value)
        cells[h] = cell.coordinate
    wb.save(dst)
    return cells


def codes_at(findings, code: str) -> list[str]:
    return sorted(f.cell for f in findings if f.code == code)


def test_the_reader_knows_formulas_without_a_value_and_nothing_else(tmp_path):
    book = tmp_path / "b.xlsx"
    wb = xlsxwriter.Workbook(str(book))
    ws = wb.add_worksheet("Daten")
    ws.write_row(0, 0, ["a", "b", "c", "d"])
    ws.write_formula("A2", "=1+1", None, 2)                 # computed: 2
    ws.write_formula("B2", '=""', None, "x")                # computed text, emptied below
    ws.write_formula("C2", "=A2*3")                         # XlsxWriter writes 0: a value
    ws.write_formula("D2", "=A2*4", None, 8)                # its value removed below
    wb.close()
    with zipfile.ZipFile(book) as z:
        items = [(i, z.read(i)) for i in z.infolist()]
    with zipfile.ZipFile(book, "w") as z:
        for info, data in items:
            if info.filename == "xl/worksheets/sheet1.xml":
                data = (data.replace(b'<c r="B2" t="str"><f>""</f><v>x</v>', b'<c r="B2" t="str"><f>""</f><v></v>')
                        .replace(b"<f>A2*4</f><v>8</v>", b"<f>A2*4</f>"))
                assert b'<v></v></c><c r="C2">' in data and b"<f>A2*4</f></c>" in data
            z.writestr(info, data)
    sheet = read_workbook(book).sheets["Daten"]
    assert sheet.formulas_without_value == {(2, 4)}         # the empty text result is a value
    assert sheet.rows[1][:3] == [2, None, 0] and sheet.value(2, 4) is None

    opx = tmp_path / "o.xlsx"
    wb2 = openpyxl.Workbook()
    sheet2 = wb2.worksheets[0]
    sheet2.append([1, "=A1*2", "text"])
    sheet2["A2"] = "=SUM(A1:B1)"
    wb2.save(opx)
    assert read_workbook(opx).sheets["Sheet"].formulas_without_value == {(1, 2), (2, 1)}


def test_the_diagonal_csv_refuses_a_formula_without_value_naming_each_cell(tmp_path, base):
    vendor, row = clean_vendor(base)
    book = tmp_path / "Inkasso.xlsx"
    cells = saved_by_openpyxl(base, book, row, [S.M_FIRST_LETTER,
                                          S.M_SUPPORT_COMMENT, S.M_INCASSO_STATE])
    data = read_workbook(book)
    export = build_vendor_csv(data, vendor)
    assert not export.ok and export.content is None                      # all-or-nothing
    errors = [f for f in export.findings if f.severity == ERROR]
    assert sorted(f.cell for f in errors) == sorted(cells.values())
    # no 'incasso_state ist leer' on top; a formula in a free-text column is an error as such
    # (issue 12, item 12's class): its fix is to type the value, not to let Excel compute it
    assert {f.cell: f.code for f in errors} == {cells[S.M_FIRST_LETTER]: CSV_CODE, cells[S.M_INCASSO_STATE]: CSV_CODE,
                                                cells[S.M_SUPPORT_COMMENT]: "INK-CSV-FORMULA"}
    assert all(("Formel ohne berechneten Wert" in f.message or "ist eine Formel" in f.message)
               and f.sheet == S.SHEET_MASTER for f in errors)
    others = [e for e in build_all_vendor_csvs(data) if e.vendor_id != vendor]
    assert others and all(CSV_CODE not in {f.code for f in e.findings} for e in others)


def test_a_vendor_id_without_value_blocks_every_csv_it_might_belong_to(tmp_path, base):
    _vendor, row = clean_vendor(base)
    book = tmp_path / "Inkasso.xlsx"
    cells = saved_by_openpyxl(base, book, row, [S.M_VENDOR_ID])
    data = read_workbook(book)
    exports = build_all_vendor_csvs(data)
    assert exports and all(not e.ok for e in exports)
    for e in exports:
        assert codes_at(e.findings, CSV_CODE) == [cells[S.M_VENDOR_ID]]


def test_the_run_warns_once_per_cell_and_does_not_decide_on_the_blank(tmp_path, base):
    """A cell the run reads itself is its warning; a cell only the CSV takes is the CSV's error
    (the run shows what would block the export) — each cell once, over two runs."""
    _vendor, row = clean_vendor(base)
    book = tmp_path / "Inkasso.xlsx"
    cells = saved_by_openpyxl(base, book, row, [S.M_FIRST_LETTER, S.M_SUPPORT_COMMENT])
    for attempt in (1, 2):
        before = V.members(book)
        result = actions.run_file(book, now=NOW, backups=0)
        assert not result.error and result.plan is not None
        assert V.check_written(before, book) == [], attempt
        findings = result.plan.findings
        assert codes_at(findings, RUN_CODE) == [cells[S.M_FIRST_LETTER]], attempt
        assert codes_at(findings, "INK-CSV-FORMULA") == [cells[S.M_SUPPORT_COMMENT]], attempt
        assert all(f.severity == WARNING for f in findings if f.code == RUN_CODE)
        at_cells = sorted(f.cell for f in findings if f.cell in cells.values() and f.sheet == S.SHEET_MASTER)
        assert at_cells == sorted(cells.values()), attempt
    master = read_workbook(book).sheets[S.SHEET_MASTER]
    step = master.value(row, master.rows[0].index(S.M_NEXT_STEP) + 1)
    assert str(step).startswith("Eingabe prüfen") and S.M_FIRST_LETTER in str(step)
    with zipfile.ZipFile(book) as z:                                   # the formulas stay
        assert b"<f>DATE(" in z.read("xl/worksheets/sheet2.xml")


def test_the_status_list_says_which_cells_stay_blank(tmp_path, base):
    vendor, row = clean_vendor(base)
    book = tmp_path / "Inkasso.xlsx"
    cells = saved_by_openpyxl(base, book, row, [S.M_SECOND_LETTER, S.M_DEBT_STATUS])
    sl = build_status_list(read_workbook(book), vendor, ["Ans Inkasso übergeben", "Laufend", "Gesperrt"])
    found = [f for f in sl.findings if f.code == LIST_CODE]
    assert sorted(f.cell for f in found) == sorted(cells.values())
    assert all(f.severity == WARNING for f in found)
    status = next(f for f in found if f.cell == cells[S.M_DEBT_STATUS])
    assert "fehlt vielleicht in der Liste" in status.message


def test_the_vpa_export_says_which_cells_stay_blank_and_withholds_what_it_cannot_assign(tmp_path):
    book = tmp_path / "Kundenakten.xlsx"
    wb = openpyxl.load_workbook(REPO / "workbooks" / "demo" / "Kundenakten.xlsx")
    ws = wb[KS.SHEET_ENTRIES]
    cols = {str(c.value): int(c.column or 0) for c in ws[1]}
    vpa_rows = [r for r in range(2, ws.max_row + 1)
                if ws.cell(r, cols[KS.E_FILE]).value == "VPA" and ws.cell(r, cols[KS.E_SITUATION]).value]
    customer = str(ws.cell(vpa_rows[0], cols[KS.E_CUSTOMER]).value)
    mine = [r for r in vpa_rows if str(ws.cell(r, cols[KS.E_CUSTOMER]).value) == customer]
    assert len(mine) >= 2, "the demo has two VPA entries of one customer"
    plain = build_vpa_export(read_workbook(REPO / "workbooks" / "demo" / "Kundenakten.xlsx"), customer)
    situation = ws.cell(mine[0], cols[KS.E_SITUATION])
    situation.value = _formula(situation.value)
    who = ws.cell(mine[1], cols[KS.E_CUSTOMER])
    who.value = _formula(who.value)
    wb.save(book)
    export = build_vpa_export(read_workbook(book), customer)
    found = {f.cell: f for f in export.findings if f.code == "KA-EXPORT-FORMULA-NO-VALUE"}
    assert set(found) == {situation.coordinate, who.coordinate}
    assert "leer" in found[situation.coordinate].message
    assert "nicht exportiert" in found[who.coordinate].message
    assert len(export.rows) == len(plain.rows) - 1


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_once_a_calculating_program_saved_it_the_csv_is_what_it_was(tmp_path, base):
    """The independent check: LibreOffice computes the formulas on load and saves their values;
    then there is no finding and the CSV is the one of the workbook before (formulas in a date,
    yes/no or state column are allowed when their result reads as one; in support_comment never)."""
    vendor, row = clean_vendor(base)
    book = tmp_path / "in" / "Inkasso.xlsx"
    book.parent.mkdir()
    saved_by_openpyxl(base, book, row, [S.M_FIRST_LETTER, S.M_REOPENED, S.M_INCASSO_STATE])
    out = tmp_path / "out"
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "xlsx", "--outdir", str(out), str(book)],
                   check=True, capture_output=True, timeout=180)
    data = read_workbook(out / "Inkasso.xlsx")
    assert not any(s.formulas_without_value for s in data.sheets.values())
    export = build_vendor_csv(data, vendor)
    original = build_vendor_csv(read_workbook(base), vendor)
    assert export.content is not None and original.content is not None
    assert list(csv.reader(io.StringIO(export.content.decode()))) == \
        list(csv.reader(io.StringIO(original.content.decode())))
