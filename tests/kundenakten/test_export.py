"""The VPA export (SPEC §4): the assistant gets one customer's VPA file and never an O-Team entry.

The no-leak property: whatever the team typed, no text of any row that is not an exported VPA
row of this customer — O-Team rows, rows with an unclear `Akte`, other customers' rows — and no
text of a column outside the allow-list reaches any byte of the output. Every member of the
.xlsx zip is searched (shared strings, sheets, comments, docProps; XML character references
undone), and the PDF's text when LibreOffice and pdftotext are installed."""
from __future__ import annotations

import contextlib
import html
import io
import re
import shutil
import subprocess
import zipfile
import zlib
from datetime import date, datetime

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.kundenakten.data import NOW, akten_data, customer, days_ago, entry
from xl_addin.actions import write_vpa_export
from xl_addin.kinds.kundenakten import schema as S
from xl_addin.kinds.kundenakten.vpa_export import (
    ExportError,
    build_vpa_export,
    export_basename,
    xlsx_bytes,
)

CUSTOMERS = ["Bäckerei Sonnenschein", "Nord GmbH", "Praxis Dr. Weiß"]
PIECES = st.sampled_from(list("abcXYZ019 äöüßÄ€&<>\"';:=/%_-.,!?\t\n") + ["&amp;", "]]>", "_x000D_", "&#228;"])


def haystacks(xlsx: bytes) -> dict[str, str]:
    """Every zip member as text, raw and with XML character references undone."""
    out = {}
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        for name in z.namelist():
            raw = z.read(name).decode("utf-8", "replace")
            out[name] = raw + "\n" + html.unescape(raw)
    return out


def leaks(secrets: set[str], allowed: list[str], members: dict[str, str]) -> list[tuple[str, str]]:
    """(member, secret) for each secret found in a member. A secret that is part of a text the
    export may carry (e.g. the same words in a VPA row) cannot be told apart and is skipped."""
    found = []
    for s in secrets:
        if not s.strip() or any(s in a for a in allowed):
            continue
        for name, text in members.items():
            if s in text:
                found.append((name, s))
    return found


def _xml_text(text: str) -> str:
    """What an exported text looks like: characters XML 1.0 cannot carry are dropped."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", text)


def _is_vpa(akte) -> bool:      # the test's own oracle, independent of the product's classify_file
    return isinstance(akte, str) and " ".join(akte.split()).casefold() == "vpa"


secret = st.one_of(st.lists(PIECES, min_size=1, max_size=12).map("".join), st.text(max_size=12)).map(
    lambda s: f"«{s}»")
AKTE = ["VPA", " vpa ", "O-Team", "o-team", "OTeam", "O Team", "intern", "VPA?", "VPA-Akte", "V P A", "", None, 7]
row_strategy = st.fixed_dictionaries({
    "who": st.sampled_from([0, 0, 0, 1, 2]),
    "spelling": st.sampled_from([str, str.upper, lambda n: f"  {n} "]),
    S.E_FILE: st.sampled_from(AKTE),
    S.E_DATE: st.one_of(st.dates(min_value=date(2020, 1, 1), max_value=date(2027, 12, 31)), secret, st.none()),
    S.E_CATEGORY: st.one_of(secret, st.sampled_from(S.CATEGORIES)),
    S.E_SITUATION: st.one_of(secret, st.none()),
    S.E_RESPONSE: secret,
    S.E_NEXT: st.one_of(secret, st.none()),
    S.E_AUTHOR: secret,
    S.E_INITIALS: secret,
    S.E_FOLLOW_UP: st.one_of(secret, st.dates(min_value=date(2020, 1, 1), max_value=date(2027, 12, 31))),
    S.E_DEADLINE: st.one_of(secret, st.none()),
})


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(row_strategy, min_size=1, max_size=12))
def test_no_text_of_any_o_team_row_reaches_any_byte_of_the_export(rows):
    entries, secrets, allowed, exported = [], set(), [], []
    for r in rows:
        name = r["spelling"](CUSTOMERS[r["who"]])
        e = {h: v for h, v in r.items() if h in S.ENTRY_HEADERS}
        e[S.E_CUSTOMER] = name
        entries.append(e)
        texts = {h: v for h, v in e.items() if isinstance(v, str) and h != S.E_CUSTOMER}
        if r["who"] == 0 and _is_vpa(e[S.E_FILE]):
            exported.append(e)
            allowed += [_xml_text(v) for h, v in texts.items() if h in S.EXPORT_COLUMNS]
            secrets |= {v for h, v in texts.items() if h not in S.EXPORT_COLUMNS and h != S.E_FILE}
        else:
            secrets |= set(texts.values())
    wb = akten_data([customer(CUSTOMERS[0], **{S.K_VPA: "Lena Vogt"}),
                     customer(CUSTOMERS[1], **{S.K_VPA: "«VPA von Nord»"}), customer(CUSTOMERS[2])], entries)
    export = build_vpa_export(wb, CUSTOMERS[0])
    data = xlsx_bytes(export, NOW)
    allowed += CUSTOMERS[:1] + ["Lena Vogt", S.EXPORT_TITLE, S.EXPORT_SHEET, "Noch keine Einträge in der VPA-Akte.",
                "Stand: 22.11.2026"] + S.EXPORT_COLUMNS   # the export's own words

    assert leaks(secrets | {"«VPA von Nord»"}, allowed, haystacks(data)) == []
    # ...and the export is complete: every VPA row of the customer, in sheet order
    assert len(export.rows) == len(exported)
    assert export.withheld == sum(1 for r in rows if r["who"] == 0) - len(exported)
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    sheet_texts = [c for row in ws.iter_rows(min_row=6, values_only=True) for c in row if isinstance(c, str)]
    for e in exported:
        for h in (S.E_SITUATION, S.E_RESPONSE, S.E_NEXT):
            if isinstance(e[h], str):
                assert _xml_text(e[h]) in sheet_texts


def test_export_holds_only_the_allow_listed_columns_of_the_customers_vpa_rows():
    wb = akten_data([customer(), customer("Nord GmbH")], [
        entry(day=days_ago(9), **{S.E_SITUATION: "Neue Ablage gewünscht", S.E_INITIALS: "LV",
                                  S.E_DEADLINE: "01.12.2026"}),
        entry(akte=S.FILE_OTEAM, **{S.E_SITUATION: "Beschwerde über VPA, Preisnachlass 20 %"}),
        entry("Nord GmbH", **{S.E_SITUATION: "Nord: Telefonliste"}),
        entry(akte="vpa", day=days_ago(2), **{S.E_SITUATION: "=HYPERLINK(\"http://x\")"}),
        entry(akte=None, **{S.E_SITUATION: "ohne Akte"}),
    ])
    ex = build_vpa_export(wb, "  bäckerei SONNENSCHEIN ")
    assert (ex.customer, ex.vpa, ex.header) == ("Bäckerei Sonnenschein", "Lena Vogt", S.EXPORT_COLUMNS)
    assert ex.source_rows == [2, 5] and ex.withheld == 2
    assert [(f.code, f.cell) for f in ex.findings] == [("KA-EXPORT-WITHHELD", "C6")]
    ws = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(ex, NOW))).active
    assert ws.title == S.EXPORT_SHEET
    assert ws["A1"].value == "VPA-Kundenakte: Bäckerei Sonnenschein" and ws["A3"].value == "Stand: 22.11.2026"
    assert [c.value for c in ws[5]] == S.EXPORT_COLUMNS
    assert ws["A6"].value == datetime(2026, 11, 13) and ws["C6"].value == "Neue Ablage gewünscht"
    assert ws["F6"].value == datetime(2026, 12, 1)          # German text date becomes a date
    assert ws["C7"].value == "=HYPERLINK(\"http://x\")" and ws["C7"].data_type == "s"   # text, never a formula
    assert ws.max_row == 7


def test_document_properties_are_neutral_and_nothing_else_is_in_the_package():
    wb = akten_data([customer()], [entry()])
    data = xlsx_bytes(build_vpa_export(wb, "Bäckerei Sonnenschein"), NOW)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = set(z.namelist())
        core = z.read("docProps/core.xml").decode()
    assert not [n for n in names if "comment" in n.lower() or "custom" in n.lower() or "vba" in n.lower()
                or "drawing" in n.lower() or "printerSettings" in n]
    props = openpyxl.load_workbook(io.BytesIO(data)).properties
    assert (props.creator, props.lastModifiedBy, props.title) == ("xl_addin", "xl_addin", S.EXPORT_TITLE)
    assert props.subject is None and props.description is None and props.keywords is None
    assert props.created == NOW and props.modified == NOW     # the given time, not the machine's clock
    assert "2026-11-22T12:00:00Z" in core


def test_customer_without_vpa_entries_gets_an_empty_file_and_unknown_customer_none():
    wb = akten_data([customer(), customer("Nord GmbH", **{S.K_VPA: None})], [entry(akte=S.FILE_OTEAM)])
    ex = build_vpa_export(wb, "Bäckerei Sonnenschein")
    assert ex.rows == [] and ex.withheld == 1
    ws = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(ex, NOW))).active
    assert ws["A6"].value == "Noch keine Einträge in der VPA-Akte."
    assert build_vpa_export(wb, "Nord GmbH").vpa == ""
    with pytest.raises(ExportError, match="Kunde 'Bäckerei Sonnenschien' steht nicht auf 'Kunden'") as e:
        build_vpa_export(wb, "Bäckerei Sonnenschien")
    assert e.value.suggestion == "Bäckerei Sonnenschein"


def test_export_refuses_a_workbook_without_the_akte_column():
    headers = [h for h in S.ENTRY_HEADERS if h != S.E_FILE]
    wb = akten_data([customer()], [{k: v for k, v in entry().items() if k != S.E_FILE}], entry_headers=headers)
    with pytest.raises(ExportError, match="Spalte 'Akte' fehlt"):
        build_vpa_export(wb, "Bäckerei Sonnenschein")


def test_file_name_is_safe():
    wb = akten_data([customer("A/B: Müller & Co. KG")], [])
    assert export_basename(build_vpa_export(wb, "a/b: müller & co. kg")) == "VPA-Akte_A_B_Müller_Co_KG"


# ------------------------------------------------------------------ the PDF

def _pdf_streams(pdf: bytes) -> str:
    """The raw PDF plus every Flate stream inflated (metadata, uncompressed text)."""
    parts = [pdf.decode("latin-1")]
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        with contextlib.suppress(zlib.error):
            parts.append(zlib.decompress(m.group(1)).decode("latin-1"))
    return "\n".join(parts)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_pdf_has_the_vpa_entries_and_no_o_team_text(tmp_path):
    wb = akten_data([customer()], [
        entry(**{S.E_SITUATION: "Kunde nutzt jetzt Lexoffice", S.E_INITIALS: "QZX"}),
        entry(akte=S.FILE_OTEAM, **{S.E_SITUATION: "Sondervereinbarung Rabatt Zwölfprozent",
                                    S.E_RESPONSE: "Beschwerde Qualitätsmangel", S.E_NEXT: "Interna Kuendigung"}),
        entry(akte="intern", **{S.E_SITUATION: "Geheimvermerk Lohnabrechnung"}),
    ])
    files = write_vpa_export(build_vpa_export(wb, "Bäckerei Sonnenschein"), tmp_path, NOW)
    assert [p.suffix for p in files] == [".xlsx", ".pdf"]
    pdf = files[1].read_bytes()
    assert pdf.startswith(b"%PDF")
    secrets = ["Zwölfprozent", "Qualitätsmangel", "Interna Kuendigung", "Geheimvermerk", "QZX"]
    raw = _pdf_streams(pdf)
    assert [s for s in secrets if s in raw] == []
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not installed: PDF text not extracted")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(files[1]), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")
    assert "Kunde nutzt jetzt Lexoffice" in text and "Bäckerei Sonnenschein" in text
    assert [s for s in secrets if s in text] == []
    info = subprocess.run(["pdfinfo", str(files[1])], capture_output=True, text=True).stdout
    assert "VPA-Kundenakte" in info and not [s for s in secrets if s in info]


def test_no_pdf_when_asked_or_when_libreoffice_is_missing(tmp_path, monkeypatch):
    ex = build_vpa_export(akten_data([customer()], [entry()]), "Bäckerei Sonnenschein")
    assert [p.name for p in write_vpa_export(ex, tmp_path / "a", NOW, pdf=False)] == [
        "VPA-Akte_Bäckerei_Sonnenschein.xlsx"]
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert [p.suffix for p in write_vpa_export(ex, tmp_path / "b", NOW)] == [".xlsx"]
