"""The O-Team's day through the CLI, on real files: a Kundenakten workbook written by openpyxl,
recomputed in place by `xl-addin run`, read back by python-calamine (an independent reader);
the VPA file of one customer exported by `xl-addin export-akte`."""
from __future__ import annotations

import html
import shutil
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.comments import Comment
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import PatternFill
from python_calamine import load_workbook

from tests.kundenakten.data import akten_data, customer, days_ago, entry, write_xlsx
from xl_addin.cli import main
from xl_addin.kinds.kundenakten import schema as S

NOW = ["--now", "2026-11-22T12:00"]
SECRETS = ["Preisnachlass Geheim", "Beschwerde über Lena", "Kündigung angedroht", "Interner Kommentar XY",
           "Titel Intern", "Stichwort Intern", "Eigenschaft Intern", "Team-Account"]


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def rows(path, name):
    return load_workbook(str(path)).get_sheet_by_name(name).to_python(skip_empty_area=False)


def by_customer(path) -> dict[str, dict]:
    table = rows(path, S.SHEET_CUSTOMERS)
    return {r[0]: dict(zip(table[0], r, strict=False)) for r in table[1:] if r[0]}


def _day(v):
    return v.date() if isinstance(v, datetime) else v


@pytest.fixture
def book(tmp_path):
    wb = akten_data(
        [customer(**{S.K_ASSIGNED: days_ago(60)}),
         customer("Nord GmbH", **{S.K_STATUS: S.STATUS_PRIO, S.K_ASSIGNED: days_ago(28)}),
         customer("Praxis Dr. Weiß", **{S.K_VPA: "Jonas Krüger", S.K_STATUS: S.STATUS_REASSIGNED,
                                        S.K_ASSIGNED: days_ago(5)})],
        [entry(day=days_ago(3), **{S.E_SITUATION: "Kunde nutzt jetzt Lexoffice"}),                       # 2
         entry(akte=S.FILE_OTEAM, day=days_ago(2), **{S.E_SITUATION: "Preisnachlass Geheim",           # 3
                                                      S.E_RESPONSE: "Beschwerde über Lena",
                                                      S.E_NEXT: "Kündigung angedroht",
                                                      S.E_AUTHOR: "Team-Account", S.E_INITIALS: None}),
         entry("Praxis Dr. Weiß", day=days_ago(40)),                                                   # 4
         entry("Nordd GmbH", akte=S.FILE_OTEAM, **{S.E_SITUATION: None})],                             # 5
    )
    path = write_xlsx(wb, tmp_path / "Kundenakten.xlsx")
    x = openpyxl.load_workbook(path)
    ws = x[S.SHEET_ENTRIES]
    ws["E3"].comment = Comment("Interner Kommentar XY", "O-Team")
    for c in range(1, len(S.ENTRY_HEADERS) + 1):
        ws.cell(3, c).fill = PatternFill("solid", fgColor="C6EFCE")    # green from an earlier run: wrong now
    ws.cell(5, 5).fill = PatternFill("solid", fgColor="FFC7CE")        # an agent's own colour: stays
    x.properties.title, x.properties.keywords = "Titel Intern", "Stichwort Intern"
    x.custom_doc_props.append(StringProperty(name="Notiz", value="Eigenschaft Intern"))
    x.save(path)
    return path


def test_new_creates_the_workbook(tmp_path):
    res = cli("new", "kundenakten", tmp_path / "Neu.xlsx")
    assert res.exit_code == 0, res.output
    assert openpyxl.load_workbook(tmp_path / "Neu.xlsx").sheetnames[:2] == [S.SHEET_CUSTOMERS, S.SHEET_ENTRIES]


def test_run_fills_the_customer_sheet_and_an_independent_reader_sees_it(book):
    res = cli("run", book, *NOW)
    assert res.exit_code == 0, res.output
    k = by_customer(book)
    assert _day(k["Bäckerei Sonnenschein"][S.K_LAST_VPA]) == days_ago(3)
    assert k["Bäckerei Sonnenschein"][S.K_CURRENT] == "Ja"
    assert _day(k["Bäckerei Sonnenschein"][S.K_FOLLOW_UP]) == date(2026, 12, 17)
    assert k["Nord GmbH"][S.K_CURRENT] == "Nein"
    assert k["Nord GmbH"][S.K_NEXT_STEP] == ("Vorlage 'Chatvorlage Akte – Prio Kunde' an VPA senden, "
                                             "Frist bis 29.11.2026 setzen, Wiedervorlage einstellen")
    assert k["Praxis Dr. Weiß"][S.K_LAST_VPA] in (None, "")            # entry of the previous VPA
    assert k["Praxis Dr. Weiß"][S.K_CURRENT] == "Ja"
    checks = rows(book, S.SHEET_FINDINGS)
    places = {r[2] for r in checks[1:]}
    assert {"Einträge!B5", "Einträge!E5"} <= places                     # unknown customer, no Situation
    assert "Einträge!B5" in res.output and "meinten Sie 'Nord GmbH'" in res.output

    x = openpyxl.load_workbook(book)
    ws = x[S.SHEET_ENTRIES]
    assert ws["A2"].fill.fgColor.rgb.endswith("C6EFCE") and ws["K4"].fill.fgColor.rgb.endswith("C6EFCE")
    assert ws["A3"].fill.fill_type is None                               # O-Team: the old green is gone
    assert ws["E5"].fill.fgColor.rgb.endswith("FFC7CE")                  # the agent's colour stays
    assert ws["E3"].comment is not None                                  # comments untouched


def test_second_run_changes_nothing(book):
    assert cli("run", book, *NOW).exit_code == 0
    first = {n: rows(book, n) for n in (S.SHEET_CUSTOMERS, S.SHEET_ENTRIES, S.SHEET_FINDINGS)}
    fills = [c.fill.fgColor.rgb for row in openpyxl.load_workbook(book)[S.SHEET_ENTRIES].iter_rows() for c in row]
    assert cli("run", book, *NOW).exit_code == 0
    for n, values in first.items():
        assert rows(book, n) == values, n
    assert fills == [c.fill.fgColor.rgb for row in openpyxl.load_workbook(book)[S.SHEET_ENTRIES].iter_rows()
                     for c in row]


def test_export_akte_writes_only_the_vpa_file(book, tmp_path):
    out = tmp_path / "out"
    res = cli("export-akte", book, "--kunde", "bäckerei sonnenschein", "--out", out, "--no-pdf", *NOW)
    assert res.exit_code == 0, res.output
    assert "Kunde Bäckerei Sonnenschein: 1 VPA-Einträge" in res.output
    xlsx = out / "VPA-Akte_Bäckerei_Sonnenschein.xlsx"
    assert [p.name for p in out.iterdir()] == [xlsx.name]
    with zipfile.ZipFile(xlsx) as z:
        text = "\n".join(html.unescape(z.read(n).decode("utf-8", "replace")) for n in z.namelist())
        assert not [n for n in z.namelist() if "comment" in n or "custom" in n]
    assert "Kunde nutzt jetzt Lexoffice" in text
    assert [s for s in SECRETS if s in text] == []


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_export_akte_writes_a_pdf_when_libreoffice_is_installed(book, tmp_path):
    res = cli("export-akte", book, "--kunde", "Bäckerei Sonnenschein", "--out", tmp_path, *NOW)
    assert res.exit_code == 0, res.output
    pdf = tmp_path / "VPA-Akte_Bäckerei_Sonnenschein.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")


def test_export_akte_refuses_an_unknown_customer_and_other_workbooks(book, tmp_path):
    res = cli("export-akte", book, "--kunde", "Nordd GmbH", "--out", tmp_path, *NOW)
    assert res.exit_code == 1
    assert "Kunde 'Nordd GmbH' steht nicht auf 'Kunden' — meinten Sie 'Nord GmbH'?" in res.output
    assert list(tmp_path.glob("VPA-Akte*")) == []
    other = tmp_path / "other.xlsx"
    x = openpyxl.Workbook()
    x.active.title = "Masterliste"
    x.save(other)
    res = cli("export-akte", other, "--kunde", "Nord GmbH", "--out", tmp_path)
    assert res.exit_code == 1 and "geht nur in der Arbeitsmappe 'Kundenakten'" in res.output
