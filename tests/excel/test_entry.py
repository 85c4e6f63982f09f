"""The ribbon buttons, pressed on the demo workbooks as an agent would — with an in-memory
Excel (FakeBook) instead of xlwings: one message box per click, German, naming cells; files
land where the message says; nothing is written by "Prüfen"; no traceback ever."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from tests.excel.fakebook import FakeBook, FakeSheet
from xl_addin.excel import entry
from xl_addin.excel.adapter import read_workbook_live

DEMO_DIR = Path(__file__).resolve().parents[2] / "workbooks" / "demo"
NOW = datetime(2026, 11, 22, 12, 0)


def demo_book(title: str, tmp_path: Path) -> FakeBook:
    pkg = pytest.importorskip("xl_addin.package")
    path = DEMO_DIR / f"{title}.xlsx"
    if not path.exists():
        pytest.skip(f"{path.name} fehlt")
    book = FakeBook.from_workbook(pkg.read_workbook(path), name=path.name)
    book.path = tmp_path
    return book


def one_alert(book: FakeBook) -> tuple[str, str, bool]:
    assert len(book.alerts) == 1, book.alerts
    return book.alerts[0]


def no_writes(book: FakeBook) -> bool:
    return not any(c[0] in ("write_block", "set_fill", "add_sheet", "delete_rows", "clear_sheet")
                   for c in book.calls)


# ---------------------------------------------------------------- every workbook

def test_recalculate_inkasso_writes_and_reports_errors_with_cells(tmp_path):
    book = demo_book("Inkasso - Cancelled Installments", tmp_path)
    text = entry.recalculate(book, now=NOW)
    shown, title, critical = one_alert(book)
    assert shown == text and title == "xl_addin – Neu berechnen"
    assert text.startswith("Inkasso - Cancelled Installments: neu berechnet")
    assert "Masterliste!K8" in text and critical          # the demo's bad date
    assert "Traceback" not in text
    master = book.sheets["Masterliste"]
    header = [master.values.get((1, c)) for c in range(1, master.max_col + 1)]
    step_col = header.index("Nächster Schritt") + 1
    assert sum(1 for r in range(2, master.max_row + 1) if master.values.get((r, step_col))) == 240
    assert {"Prüfung", "Protokoll"} <= set(book.sheets)
    assert book.statuses[0] == "xl_addin: Neu berechnen …" and book.statuses[-1] is None


def test_check_reports_but_writes_nothing(tmp_path):
    book = demo_book("Inkasso - Cancelled Installments", tmp_path)
    text = entry.check(book, now=NOW)
    assert no_writes(book)
    assert "Fehler" in text and "Masterliste!O75" in text and "meinten Sie" not in text.split("\n")[0]
    assert one_alert(book)[2] is True


def test_unexpected_error_is_one_box_without_traceback_and_logged(tmp_path, monkeypatch):
    book = demo_book("Inkasso - Cancelled Installments", tmp_path)
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "appdata"))
    import dataclasses

    import xl_addin.kinds as kinds
    broken = dataclasses.replace(kinds.INKASSO, plan_run=lambda wb, ctx: (_ for _ in ()).throw(RuntimeError("kaputt")))
    monkeypatch.setattr(kinds, "KINDS", (broken, *kinds.KINDS[1:]))
    text = entry.recalculate(book, now=NOW)
    assert text.startswith("Neu berechnen: unerwarteter Fehler (RuntimeError: kaputt)")
    assert "Traceback" not in text and one_alert(book)[2] is True
    log = (tmp_path / "appdata" / "xl_addin" / "xl_addin.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "kaputt" in log
    assert no_writes(book) and book.statuses[-1] is None


def test_unknown_workbook_is_named(tmp_path):
    book = FakeBook("Urlaub.xlsx")
    book.sheets["Tabelle1"] = FakeSheet("Tabelle1")
    text = entry.recalculate(book, now=NOW)
    assert "Urlaub.xlsx" in text and "unbekannte Arbeitsmappe" in text


# ---------------------------------------------------------------- Inkasso exports

def _vendor_rows(book: FakeBook) -> dict[str, list[int]]:
    from xl_addin.kinds.inkasso import schema as S
    master = book.sheets[S.SHEET_MASTER]
    col = [master.values.get((1, c)) for c in range(1, master.max_col + 1)].index(S.M_VENDOR_ID) + 1
    out: dict[str, list[int]] = {}
    for r in range(2, master.max_row + 1):
        v = master.values.get((r, col))
        if v is not None:
            out.setdefault(str(v), []).append(r)
    return out


def _clean_and_blocked_vendor(book: FakeBook) -> tuple[str, str]:
    """After "Neu berechnen" (the agent's first click): a vendor whose CSV can be written and
    one whose rows have errors."""
    from xl_addin.kinds.inkasso.handover import build_vendor_csv
    entry.recalculate(book, now=NOW)
    book.alerts.clear()
    book.calls.clear()
    wb = read_workbook_live(book)
    clean = blocked = None
    for vid in _vendor_rows(book):
        ok = build_vendor_csv(wb, vid).content is not None
        clean = clean or (vid if ok else None)
        blocked = blocked or (None if ok else vid)
    assert clean and blocked, "the demo has a vendor ready for hand-over and one with errors"
    return clean, blocked


def test_csv_export_for_the_active_rows_vendor(tmp_path):
    book = demo_book("Inkasso - Cancelled Installments", tmp_path)
    clean, blocked = _clean_and_blocked_vendor(book)
    book.selected = ("Masterliste", [_vendor_rows(book)[clean][0]])
    text = entry.export_diagonal_csv(book, now=NOW)
    assert not book.asked, "the vendor comes from the active row"
    csv = tmp_path / "Diagonal-Export" / f"vendor_{clean}.csv"
    assert csv.is_file() and str(csv) in text and one_alert(book)[2] is False
    assert csv.read_bytes().startswith(b"vendor_id,order_id,first_dunning_letter")

    book.alerts.clear()
    book.selected = ("Masterliste", [_vendor_rows(book)[blocked][0]])
    text = entry.export_diagonal_csv(book, now=NOW)
    assert "KEINE Datei" in text and "Masterliste!" in text and one_alert(book)[2] is True
    assert not (tmp_path / "Diagonal-Export" / f"vendor_{blocked}.csv").exists()


def test_csv_export_asks_for_the_vendor_and_cancel_shows_nothing(tmp_path):
    book = demo_book("Inkasso - Cancelled Installments", tmp_path)
    clean, _ = _clean_and_blocked_vendor(book)
    book.selected = ("Overview_Cancelled_Installments", [3])
    assert entry.export_diagonal_csv(book, now=NOW) == ""
    assert book.asked == ["User-ID des Vendors (oder 'alle'):"] and not book.alerts
    book.answers = [clean]
    text = entry.export_diagonal_csv(book, now=NOW)
    assert f"Vendor {clean}:" in text and (tmp_path / "Diagonal-Export" / f"vendor_{clean}.csv").is_file()


def test_status_list_for_the_active_rows_vendor(tmp_path):
    book = demo_book("Inkasso - Cancelled Installments", tmp_path)
    vendor, rows = next(iter(_vendor_rows(book).items()))
    book.selected = ("Masterliste", [rows[0]])
    book.answers = [""]                                   # all statuses
    text = entry.export_status_list(book, now=NOW)
    files = sorted((tmp_path / "Status-Listen").iterdir())
    assert [p.suffix for p in files] == [".csv", ".xlsx"] and f"Vendor {vendor}:" in text
    book.alerts.clear()
    book.answers = ["Ans Inkaso übergeben"]
    text = entry.export_status_list(book, now=NOW)
    assert "Ans Inkasso übergeben" in text and one_alert(book)[2] is True


def test_inkasso_button_in_another_workbook_says_where_it_works(tmp_path):
    book = demo_book("Kundenbetreuung Diagonal", tmp_path)
    text = entry.export_diagonal_csv(book, now=NOW)
    assert "geht nur in der Arbeitsmappe 'Inkasso - Cancelled Installments'" in text
    assert "'Masterliste'" in text and no_writes(book)


# ---------------------------------------------------------------- Diagonal

def _cases(book: FakeBook):
    sheet = book.sheets["Fälle"]
    header = [sheet.values.get((1, c)) for c in range(1, sheet.max_col + 1)]
    return sheet, {h: i + 1 for i, h in enumerate(header) if h}


def test_step_done_on_selected_rows_advances_and_logs(tmp_path):
    pytest.importorskip("xl_addin.kinds.diagonal")
    book = demo_book("Kundenbetreuung Diagonal", tmp_path)
    sheet, col = _cases(book)
    rows = [r for r in range(2, sheet.max_row + 1) if sheet.values.get((r, col["Schritt"])) == "Vendor informiert"][:2]
    assert rows
    book.selected = ("Fälle", rows)
    text = entry.step_done(book, now=NOW)
    assert text.startswith(f"Schritt erledigt: {len(rows)} Fall/Fälle weitergesetzt")
    for r in rows:
        assert sheet.values[(r, col["Schritt"])] == "Erinnert"
        assert sheet.values[(r, col["Schritt seit"])] == NOW
    protocol = book.sheets["Protokoll"]
    assert any("Schritt erledigt" in str(v) for v in protocol.values.values())


def test_step_done_needs_rows_on_faelle(tmp_path):
    pytest.importorskip("xl_addin.kinds.diagonal")
    book = demo_book("Kundenbetreuung Diagonal", tmp_path)
    book.selected = ("Vendoren", [2])
    text = entry.step_done(book, now=NOW)
    assert "bitte die Zeilen der Fälle im Blatt 'Fälle' markieren" in text and no_writes(book)


def test_new_case_from_the_active_row_appends_a_new_case(tmp_path):
    pytest.importorskip("xl_addin.kinds.diagonal")
    book = demo_book("Kundenbetreuung Diagonal", tmp_path)
    sheet, col = _cases(book)
    before = sheet.max_row
    order = sheet.values[(2, col["Bestell-ID"])]
    book.selected = ("Fälle", [2])
    book.answers = ["gläubigeranfrage"]
    text = entry.new_diagonal_case(book, now=NOW)
    assert text.startswith(f"Neuer Fall angelegt: Bestellung {order}, Gläubigeranfrage (Diagonal)")
    new = before + 1
    assert sheet.max_row == new
    assert sheet.values[(new, col["Schritt"])] == "Neu"
    assert sheet.values[(new, col["Bestell-ID"])] == order
    assert book.asked == ["Anfrageart (" + ", ".join(__import__(
        "xl_addin.kinds.diagonal.schema", fromlist=["x"]).REQUEST_TYPES) + "):"]


def test_new_case_with_a_misspelt_request_type_suggests_the_right_one(tmp_path):
    pytest.importorskip("xl_addin.kinds.diagonal")
    book = demo_book("Kundenbetreuung Diagonal", tmp_path)
    book.selected = ("Fälle", [2])
    book.answers = ["Adresermittlung"]
    text = entry.new_diagonal_case(book, now=NOW)
    assert "Adressermittlung" in text and no_writes(book) and one_alert(book)[2] is True


def test_due_cases_lists_the_soonest_first(tmp_path):
    pytest.importorskip("xl_addin.kinds.diagonal")
    book = demo_book("Kundenbetreuung Diagonal", tmp_path)
    text = entry.due_cases(book, now=NOW)
    assert "fällige Fälle" in text and "überfällig" in text and no_writes(book)
    assert text.split("\n")[1].startswith("• Zeile ")


# ---------------------------------------------------------------- Kundenakten

def test_vpa_export_for_the_active_customer(tmp_path):
    pytest.importorskip("xl_addin.kinds.kundenakten.vpa_export")
    book = demo_book("Kundenakten", tmp_path)
    customer = book.sheets["Kunden"].values[(2, 1)]
    book.selected = ("Kunden", [2])
    text = entry.export_vpa_file(book, now=NOW, pdf=False)
    files = list((tmp_path / "VPA-Akten").iterdir())
    assert len(files) == 1 and files[0].suffix == ".xlsx"
    assert text.startswith(f"VPA-Akte {customer}:") and "nicht exportiert (O-Team/unklar)" in text
    assert no_writes(book)


def test_vpa_export_from_excel_passes_on_no_formula_result(tmp_path):
    """Issue 12, item 12 in Excel: a VPA entry's Situation '=E25' shows an O-Team entry's text;
    the button reads which cells hold formulas and exports the entry without it."""
    from tests.kundenakten.data import akten_data, customer, entry as akte_entry
    from xl_addin.kinds.kundenakten import schema as KS
    wb = akten_data([customer()], [akte_entry(**{KS.E_RESPONSE: "Ablage angelegt"}),
                                    akte_entry(akte=KS.FILE_OTEAM, **{KS.E_SITUATION: "Rabatt intern 20 %"})])
    sit = KS.ENTRY_HEADERS.index(KS.E_SITUATION) + 1
    book = FakeBook.from_workbook(wb)
    book.sheets[KS.SHEET_ENTRIES].values[(2, sit)] = "Rabatt intern 20 %"     # what =E3 shows
    book.sheets[KS.SHEET_ENTRIES].formulas.add((2, sit))
    book.selected = (KS.SHEET_CUSTOMERS, [2])
    text = entry.export_vpa_file(book, now=NOW, pdf=False, out_dir=tmp_path)
    assert "Einträge!E2" in text and "Situation ist eine Formel — Wert nicht exportiert" in text
    (xlsx,) = tmp_path.glob("*.xlsx")
    sheet = CalamineWorkbook.from_path(str(xlsx)).get_sheet_by_name(KS.EXPORT_SHEET).to_python()
    assert "Ablage angelegt" in sheet[5] and not [v for r in sheet for v in r if "Rabatt" in str(v)]
    assert no_writes(book)


# ---------------------------------------------------------------- the boundary

def test_no_workbook_to_call_gives_one_message_not_a_traceback(monkeypatch):
    """Book.caller() fails (no workbook, Excel busy): inside the boundary, one line, logged."""
    from xl_addin.excel import adapter
    monkeypatch.setattr(entry, "_log", lambda title: None)

    def no_caller():
        raise RuntimeError("kein Aufrufer")
    monkeypatch.setattr(adapter.XlwingsBook, "caller", classmethod(lambda cls: no_caller()))
    monkeypatch.setattr(entry, "_show", lambda live, text, title, critical: None)
    text = entry.check()
    assert text == "Prüfen: unerwarteter Fehler (RuntimeError: kein Aufrufer)"


def test_another_xlwings_than_the_pinned_one_is_named_before_any_work(monkeypatch):
    import xlwings
    monkeypatch.setattr(xlwings, "__version__", "0.99.0")
    shown = []
    monkeypatch.setattr(entry, "_show", lambda live, text, title, critical: shown.append((text, critical)))
    text = entry.recalculate()
    from xl_addin.addin import XLWINGS_VERSION
    assert text.startswith("Neu berechnen: installiert ist xlwings 0.99.0, xl_addin braucht genau "
                           f"{XLWINGS_VERSION}")
    assert f'pip install "xlwings=={XLWINGS_VERSION}"' in text and shown == [(text, True)]


def test_every_ribbon_command_names_an_entry_function():
    import re
    bas = (Path(__file__).resolve().parents[2] / "macros" / "XlAddinRibbon.bas").read_text(encoding="utf-8")
    names = re.findall(r'RunPython "import xl_addin\.excel\.entry as e; e\.(\w+)\(\)"', bas)
    assert len(names) == 11
    for name in names:
        assert callable(getattr(entry, name)), name
