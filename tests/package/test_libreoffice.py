"""A second, independent spreadsheet application opens the patched workbook and shows what
the product wrote: LibreOffice converts every sheet to CSV."""
from __future__ import annotations

import csv
import shutil
import subprocess
from datetime import date

import pytest

from xl_addin.core.plan import DATE_FORMAT, CellWrite, Plan, RowAppend, RowFill, SheetRewrite
from xl_addin.package import apply_plan

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# Text CSV filter: comma, double quotes, UTF-8, cells as shown (numbers in LibreOffice's default
# locale), every sheet into its own file (the last token, LibreOffice >= 7.2).
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,1031,false,true,true,false,false,-1"


def convert(path, out_dir, profile) -> dict[str, list[list[str]]]:
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) not installed — apt-get install libreoffice-calc-nogui")
    proc = subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
         "--convert-to", CSV_FILTER, "--outdir", str(out_dir), str(path)],
        capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    sheets = {}
    for f in sorted(out_dir.glob(f"{path.stem}-*.csv")):
        with open(f, encoding="utf-8", newline="") as fh:
            sheets[f.stem[len(path.stem) + 1:]] = list(csv.reader(fh))
    assert sheets, f"LibreOffice wrote nothing: {proc.stdout} {proc.stderr}"
    return sheets


def test_libreoffice_opens_the_result_and_shows_the_written_values(agent_book, tmp_path):
    plan = Plan(
        writes=[CellWrite("Masterliste", 2, 5, "Ja"), CellWrite("Masterliste", 3, 4, "canceled"),
                CellWrite("Masterliste", 2, 7, date(2026, 12, 1), DATE_FORMAT),
                CellWrite("Masterliste", 4, 6, "Ärger & <Sonderzeichen> „zitiert“")],
        fills=[RowFill("Masterliste", 2, tuple(range(1, 8)), "FFFF00")],
        product_colours=frozenset({"FFFF00"}),
        rewrites=[SheetRewrite("Prüfung", [["Ort", "Meldung"], ["Masterliste!D3", "geändert"]]),
                  SheetRewrite("Zustand", [["k", "v"], ["a", 1]], state="veryHidden")],
        appends=[RowAppend("Masterliste", [[10000099, "Neu Kunde", 99.5]])],
    )
    apply_plan(agent_book, plan, backups=0)
    out = tmp_path / "csv"
    out.mkdir()
    sheets = convert(agent_book, out, tmp_path / "lo-profile")
    ml = sheets["Masterliste"]
    assert ml[0][:7] == ["order_id", "Name", "Betrag", "incasso_state", "Verfolgen",
                         "Nächster Schritt", "Fällig am"]
    assert ml[1][4] == "Ja" and ml[1][6] == "01.12.2026"
    assert ml[2][3] == "canceled"
    assert ml[3][5] == "Ärger & <Sonderzeichen> „zitiert“"
    assert ml[11][:2] == ["10000099", "Neu Kunde"] and ml[11][2] in ("99.5", "99,5")
    assert sheets["Prüfung"][:2] == [["Ort", "Meldung"], ["Masterliste!D3", "geändert"]]
    assert sheets["Vendoren"][1][:3] == ["1006", "Lernwerk GmbH", "Ja"]
    assert sheets["Übersicht"][0][0] in ("577.5", "577,5")


def test_workbook_saved_by_libreoffice_survives_a_run(simple_book, tmp_path):
    """LibreOffice writes its zips with data descriptors and its own XML dialect."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) not installed — apt-get install libreoffice-calc-nogui")
    out = tmp_path / "lo"
    out.mkdir()
    proc = subprocess.run([SOFFICE, f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
                           "--headless", "--norestore", "--convert-to", "xlsx", "--outdir", str(out),
                           str(simple_book)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    book = out / simple_book.name
    original = tmp_path / "original.xlsx"
    shutil.copy(book, original)
    plan = Plan(writes=[CellWrite("Masterliste", 2, 4, "Ja"), CellWrite("Masterliste", 9, 1, 42)],
                fills=[RowFill("Masterliste", 3, (1, 2, 3, 4), "FFFF00")],
                product_colours=frozenset({"FFFF00"}),
                rewrites=[SheetRewrite("Prüfung", [["Ort"], ["A1"]])])
    apply_plan(book, plan, backups=0)
    from xl_addin.package import read_workbook

    from .conftest import member_names, raw_member, sheet_part_names
    owned = {sheet_part_names(original)["Masterliste"], "xl/styles.xml", "xl/workbook.xml",
             "xl/_rels/workbook.xml.rels", "[Content_Types].xml"}
    for name in member_names(original):
        if name not in owned:
            assert raw_member(book, name) == raw_member(original, name), name
    data = read_workbook(book)
    assert data.sheets["Masterliste"].value(2, 4) == "Ja"
    assert data.sheets["Masterliste"].value(9, 1) == 42
    assert data.sheets["Andere"].rows == [["bleibt"]]
    assert data.sheets["Prüfung"].rows == [["Ort"], ["A1"]]
