"""Issue 12, item 14: the setting `Alias support_comment = Notizen` once exported the internal notes
to Diagonal. The general rule (SPEC §0 "aliases can be declared", §2 "never `Notizen`"): an alias
may never name another known column of the same sheet. Such an alias is a finding on the settings
sheet (``XL-SETTINGS-ALIAS-COLUMN``, at its Wert cell) and is ignored; the other names of the
same alias still count. And, independently of the settings, a header lookup never lets an alias
claim a column that is another looked-up header's own (the exports look `Notizen` up for that).

Real files: the workbooks written by openpyxl, exported/checked by the CLI, the outputs read back
(CSV as bytes, .xlsx by python-calamine)."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st
from python_calamine import CalamineWorkbook

from tests.builders import inkasso_data, order, write_xlsx
from tests.kundenakten.data import akten_data, customer, entry
from xl_addin import actions
from xl_addin.cli import main
from xl_addin.core.headers import locate_columns
from xl_addin.core.settings import Settings
from xl_addin.kinds.inkasso import schema as S
from xl_addin.kinds.kundenakten import schema as KS

NOTES = "VERTRAULICH Anwalt eingeschaltet"
COMMENT = "Kunde informiert"
NOW = ["--now", "2026-11-22T12:00"]


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def clean_order(**fields):
    base = {S.M_ORDER_ID: 10000050, S.M_SUPPORT_COMMENT: COMMENT, S.M_NOTES: NOTES,
            S.M_FIRST_LETTER: "01.09.2026", S.M_SECOND_LETTER: "15.09.2026", S.M_INCASSO_STATE: "on_hold",
            S.M_REOPENED: False, S.M_INVALID_ADDRESS: False, S.M_DEBT_STATUS: "Laufend"}
    base.update(fields)
    return order(**base)


def export_csv(tmp_path, wb, headers=None):
    path = write_xlsx(wb, tmp_path / "Inkasso.xlsx")
    out = tmp_path / "out"
    result = cli("export-csv", path, "--vendor", 1006, "--out", out, *NOW)
    files = list(out.glob("*.csv")) if out.exists() else []
    return result, files[0].read_bytes() if files else None


def test_alias_support_comment_notizen_is_ignored_and_reported(tmp_path):
    wb = inkasso_data([clean_order()], settings={"Alias support_comment": "Notizen"})
    result, data = export_csv(tmp_path, wb)
    assert result.exit_code == 0, result.output
    assert NOTES.encode() not in data and b",Kunde informiert," in data
    assert "Einstellungen!B2" in result.output
    assert ("Alias für 'support_comment': 'Notizen' ist eine andere Spalte des Blatts 'Masterliste' — ignoriert"
            in result.output)


def test_other_names_of_the_alias_still_count(tmp_path):
    headers = [("Kommentar" if h == S.M_SUPPORT_COMMENT else h) for h in S.MASTER_HEADERS]
    o = clean_order()
    o["Kommentar"] = o.pop(S.M_SUPPORT_COMMENT)
    wb = inkasso_data([o], settings={"Alias support_comment": " notizen ; Kommentar"}, master_headers=headers)
    result, data = export_csv(tmp_path, wb)
    assert result.exit_code == 0, result.output
    assert b",Kunde informiert," in data and NOTES.encode() not in data
    assert "' notizen'" not in result.output and "'notizen' ist eine andere Spalte" in result.output


def test_without_a_support_comment_column_the_notes_never_stand_in(tmp_path):
    headers = [h for h in S.MASTER_HEADERS if h != S.M_SUPPORT_COMMENT]
    o = clean_order()
    del o[S.M_SUPPORT_COMMENT]
    wb = inkasso_data([o], settings={"Alias support_comment": "Notizen"}, master_headers=headers)
    result, data = export_csv(tmp_path, wb)
    assert result.exit_code == 1 and data is None
    assert "Spalte 'support_comment' fehlt in Zeile 1" in result.output and NOTES not in result.output


def test_check_reports_the_alias_on_the_pruefung_sheet_and_json(tmp_path):
    wb = inkasso_data([clean_order()], settings={"Alias support_comment": "Notizen"})
    path = write_xlsx(wb, tmp_path / "Inkasso.xlsx")
    data = json.loads(cli("check", path, *NOW, "--json").output)
    assert [f["location"] for f in data[0]["findings"] if f["code"] == "XL-SETTINGS-ALIAS-COLUMN"] == \
        ["Einstellungen!B2"]
    assert cli("run", path, *NOW).exit_code == 0
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Prüfung").to_python()
    assert any("XL-SETTINGS-ALIAS-COLUMN" in map(str, row) for row in sheet)


def test_status_list_never_lists_the_notes_under_a_vendor_column(tmp_path):
    wb = inkasso_data([clean_order()], settings={"Alias Produkt": "Notizen", "Alias Vorname": "support_comment"})
    path = write_xlsx(wb, tmp_path / "Inkasso.xlsx")
    out = tmp_path / "out"
    result = cli("status-list", path, "--vendor", 1006, "--out", out, *NOW)
    assert result.exit_code == 0, result.output
    (xlsx,) = out.glob("*.xlsx")
    (csv_file,) = out.glob("*.csv")
    assert NOTES not in csv_file.read_bytes().decode("utf-8-sig") and COMMENT not in csv_file.read_text("utf-8-sig")
    rows = CalamineWorkbook.from_path(str(xlsx)).get_sheet_by_name("Status-Liste").to_python()
    assert rows[1][4] == "Online-Kurs Excel" and rows[1][2] == "Erika"
    assert result.output.count("ist eine andere Spalte") == 2


def test_the_rule_is_general_a_vpa_export_column_cannot_alias_an_internal_one(tmp_path):
    """Kundenakten: `Alias Reaktion/Lösung = Verfasst von` would give the assistant the team's
    account names."""
    from tests.kundenakten.data import write_xlsx as write_akten
    wb = akten_data([customer()], [entry(**{KS.E_AUTHOR: "team-konto-intern", KS.E_RESPONSE: "Ablage angelegt"})],
                    settings={"Alias Reaktion/Lösung": "Verfasst von"})
    path = write_akten(wb, tmp_path / "Kundenakten.xlsx")
    out = tmp_path / "out"
    result = cli("export-akte", path, "--kunde", "Bäckerei Sonnenschein", "--out", out, "--no-pdf", *NOW)
    assert result.exit_code == 0, result.output
    assert "'Verfasst von' ist eine andere Spalte des Blatts 'Einträge'" in result.output
    (xlsx,) = out.glob("*.xlsx")
    values = CalamineWorkbook.from_path(str(xlsx)).get_sheet_by_name(KS.EXPORT_SHEET).to_python()
    assert "Ablage angelegt" in values[5] and "team-konto-intern" not in repr(values)


def test_italian_workbook_says_it_in_italian():
    from xl_addin.kinds.solleciti import schema as IT
    sheet_rows: list[list] = [["Chiave", "Valore"], ["Alias Cliente", "Ticket"]]
    from xl_addin.core.workbook_data import SheetData
    _, found = Settings.from_sheet(SheetData(IT.SHEET_SETTINGS, sheet_rows), IT.SETTINGS, IT.SHEET_SETTINGS,
                                   IT.LANGUAGE, IT.COLUMNS)
    assert [f.text() for f in found] == [
        "Impostazioni!B2  Alias per 'Cliente': 'Ticket' è un'altra colonna del foglio 'Ticket' — ignorato "
        "(un alias non può mai indicare un'altra colonna nota)"]


def test_header_lookup_never_lets_an_alias_claim_another_wanted_headers_column():
    header = ["vendor_id", "support_comment", "Notizen"]
    cmap = locate_columns("Masterliste", header, ["support_comment", "Notizen"], {"support_comment": ["Notizen"]})
    assert (cmap.col("support_comment"), cmap.col("Notizen")) == (2, 3) and not cmap.duplicates
    cmap = locate_columns("Masterliste", header[:1] + header[2:], ["support_comment", "Notizen"],
                          {"support_comment": ["NOTIZEN"]})
    assert cmap.col("support_comment") is None and cmap.missing == ["support_comment"]


# ------------------------------------------------------------------ the property

VARIANTS = st.sampled_from([S.M_NOTES, "notizen", " NOTIZEN ", "Notizen\u00a0"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(target=st.sampled_from(["support_comment", "status_support", "offer_link", "order_id"]),
       names=st.lists(st.one_of(VARIANTS, st.sampled_from(["Kommentar", "Bemerkung"])), min_size=1, max_size=3),
       with_comment_column=st.booleans())
def test_no_alias_of_any_spelling_puts_the_notes_into_any_csv(target, names, with_comment_column):
    headers = S.MASTER_HEADERS if with_comment_column else [h for h in S.MASTER_HEADERS if h != S.M_SUPPORT_COMMENT]
    o = clean_order(**{S.M_STATUS_SUPPORT: "ok", S.M_OFFER_LINK: "https://x"})
    if not with_comment_column:
        del o[S.M_SUPPORT_COMMENT]
    wb = inkasso_data([o], settings={f"Alias {target}": "; ".join(names)}, master_headers=headers)
    book = actions.open_workbook(wb, action="export-csv")
    exports = actions.handover_csvs(book, [1006])
    assert all(NOTES.encode() not in (e.content or b"") for e in exports)
    notes_names = [n for n in names if n.strip().casefold() == "notizen"]
    alias_findings = [f for f in exports[0].findings if f.code == "XL-SETTINGS-ALIAS-COLUMN"]
    assert len(alias_findings) == len(notes_names)


@pytest.mark.parametrize("alias", ["Kommentar", "support_comment"])
def test_an_alias_naming_no_known_column_or_itself_is_fine(alias):
    wb = inkasso_data([clean_order()], settings={"Alias support_comment": alias})
    book = actions.open_workbook(wb, action="export-csv")
    (export,) = actions.handover_csvs(book, [1006])
    assert export.ok and not [f for f in export.findings if f.code == "XL-SETTINGS-ALIAS-COLUMN"]
