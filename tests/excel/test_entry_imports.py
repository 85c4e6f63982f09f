"""The two import buttons (issue 16), pressed as an agent would, on an in-memory Excel (FakeBook):
a file dialog, a Ja/Nein box with the counts and the first changes ending in "Übernehmen?", then
one box with the result — nothing written before "Ja", and the same cells as the CLI."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from tests.builders import inkasso_data, order
from tests.excel.fakebook import FakeBook
from xl_addin.excel import entry
from xl_addin.kinds.inkasso import schema as S

NOW = datetime(2026, 11, 22, 12, 0)
AT_AGENCY = {S.M_INCASSO_STATE: "sent_for_collection", S.M_INCASSO_DATE: date(2026, 9, 1),
             S.M_DEBT_STATUS: "Ans Inkasso übergeben"}


@pytest.fixture
def book() -> FakeBook:
    wb = inkasso_data([order(**{S.M_ORDER_ID: 10000001, S.M_DEBT_STATUS: "Gesperrt"}),
                       order(**{S.M_ORDER_ID: 10000003, **AT_AGENCY})])
    return FakeBook.from_workbook(wb, name="Inkasso - Cancelled Installments.xlsx")


@pytest.fixture
def export(tmp_path) -> Path:
    p = tmp_path / "schulden.csv"
    p.write_bytes("\ufeffBestell-ID;User-ID;Status\n10000001;1006;Laufend\n10000009;1006;Gesperrt\n".encode())
    return p


def cell(book: FakeBook, sheet: str, oid: int, header: str):
    s = book.sheets[sheet]
    head = [s.values.get((1, c)) for c in range(1, s.max_col + 1)]
    col = head.index(header) + 1
    row = next(r for r in range(2, s.max_row + 1) if s.values.get((r, 2)) in (oid, str(oid)))
    return s.values.get((row, col))


def writes(book: FakeBook) -> list:
    return [c for c in book.calls if c[0] in ("write_block", "set_fill", "add_sheet", "delete_rows", "clear_sheet")]


def test_pick_preview_yes_applies_and_reports_in_one_box(book, export):
    book.picked = [export]
    book.confirmations = [True]
    text = entry.import_debts_export(book, now=NOW)
    assert book.picks and book.picks[0][1].startswith("CSV oder Excel")
    question, title = book.questions[0]
    assert title == "xl_addin – Schulden-Export importieren"
    assert "Schulden-Status geändert: 1" in question and "Bestellungen hinzugefügt: 1" in question
    assert "Masterliste!S2 10000001: Gesperrt → Laufend" in question and question.endswith("Übernehmen?")
    assert len(book.alerts) == 1 and book.alerts[0][0] == text and not book.alerts[0][2]
    assert text.startswith("Schulden-Export 'schulden.csv' übernommen: 2 Änderungen")
    assert cell(book, S.SHEET_MASTER, 10000001, S.M_DEBT_STATUS) == "Laufend"
    assert cell(book, S.SHEET_MASTER, 10000009, S.M_NEXT_STEP) == S.STEP_FIRST      # appended and computed
    proto = book.sheets["Protokoll"]
    assert any("schulden.csv" in str(v) for v in proto.values.values())


def test_no_writes_nothing_and_shows_no_second_box(book, export):
    book.picked = [export]
    book.confirmations = [False]
    assert entry.import_debts_export(book, now=NOW) == ""
    assert writes(book) == [] and book.alerts == [] and len(book.questions) == 1


def test_cancelling_the_file_dialog_does_nothing(book):
    assert entry.import_diagonal_feedback(book, now=NOW) == ""
    assert writes(book) == [] and book.alerts == [] and book.questions == []


def test_diagonal_feedback_and_a_second_time_nothing_to_take_over(book, tmp_path):
    fb = tmp_path / "diagonal.csv"
    fb.write_text('Aktenzeichen Gläubiger,Ereignis,Zahlung,Datum\n10000003,teilbezahlt,"40,00",15.10.2026\n'
                  "10000001,bezahlt,10,31.10.2026\n", encoding="utf-8")
    book.confirmations = [True]
    entry.import_diagonal_feedback(book, now=NOW, source=fb)
    assert cell(book, S.SHEET_MASTER, 10000003, S.M_NOTES) == "Diagonal 10/2026: teilbezahlt 40,00 € (15.10.2026)"
    assert "nicht beim Inkasso" in book.questions[0][0]                # the finding is in the question
    again = FakeBook.from_workbook(_read_back(book), name=book.name)
    text = entry.import_diagonal_feedback(again, now=NOW, source=fb)
    assert text.startswith("Diagonal-Rückmeldung 'diagonal.csv': nichts zu übernehmen")
    assert again.questions == [] and writes(again) == []


def _read_back(book: FakeBook):
    from xl_addin.excel.adapter import read_workbook_live
    return read_workbook_live(book)


def test_a_file_that_cannot_be_imported_is_one_critical_box(book, tmp_path):
    bad = tmp_path / "falsch.csv"
    bad.write_bytes(b"Kunde;Status\nMax;Laufend\n")
    text = entry.import_debts_export(book, now=NOW, source=bad)
    assert text.startswith("Schulden-Export importieren: 'falsch.csv': keine Spalte 'order_id'")
    assert book.alerts[0][2] is True and writes(book) == [] and "Traceback" not in text
