"""SPEC §2 "Status list export" (seed 004): a vendor asks support for "all my orders at the
agency"; support sends the matching orders as CSV and as .xlsx."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest

from xl_addin.actions import write_status_list
from xl_addin.core.findings import ERROR, INFO, WARNING
from xl_addin.core.settings import Settings
from xl_addin.core.workbook_data import SheetData, WorkbookData
from xl_addin.kinds.inkasso import schema as S
from xl_addin.kinds.inkasso.status_list import (
    STATUS_LIST_HEADER,
    build_status_list,
    resolve_statuses,
    status_list_basename,
)

HEADERS = [S.M_VENDOR_ID, S.M_ORDER_ID, S.M_INVOICE_NO, S.M_FIRST_NAME, S.M_LAST_NAME,
           S.M_PRODUCT, S.M_AMOUNT, S.M_FIRST_LETTER, S.M_SECOND_LETTER, S.M_INCASSO_DATE,
           S.M_SUPPORT_COMMENT, S.M_INCASSO_STATE, S.M_DEBT_STATUS, S.M_NOTES, "Eigene Spalte"]

EXPECTED_HEADER = ["Bestell-ID", "Rechnungsnummer", "Vorname", "Nachname", "Produkt",
                   "Offener Betrag", "1. Mahnung", "2. Mahnung", "Übergabe ans Inkasso",
                   "Schulden-Status"]


def row(vendor, order, status, **extra) -> list:
    values = {S.M_VENDOR_ID: vendor, S.M_ORDER_ID: order, S.M_INVOICE_NO: f"RE-{int(order)}",
              S.M_FIRST_NAME: "Erika", S.M_LAST_NAME: "Müller", S.M_PRODUCT: "Online-Kurs Excel",
              S.M_AMOUNT: 199.5, S.M_FIRST_LETTER: date(2026, 6, 1),
              S.M_SECOND_LETTER: "15.06.2026", S.M_INCASSO_DATE: None,
              S.M_SUPPORT_COMMENT: "Kunde vertröstet", S.M_INCASSO_STATE: None,
              S.M_DEBT_STATUS: status, S.M_NOTES: "GEHEIM intern", "Eigene Spalte": "x"}
    values.update(extra)
    return [values[h] for h in HEADERS]


def workbook() -> WorkbookData:
    rows = [
        list(HEADERS),
        row(1006.0, 10000001.0, "Ans Inkasso übergeben",
            **{S.M_INCASSO_DATE: datetime(2026, 7, 1)}),
        row(1006.0, 10000002.0, "Laufend"),
        row(2002.0, 20000001.0, "Ans Inkasso übergeben", **{S.M_INCASSO_DATE: date(2026, 7, 2)}),
        [None] * len(HEADERS),
        row("1006", 10000003.0, " ans inkasso  ÜBERGEBEN ",
            **{S.M_INCASSO_DATE: "03.07.2026", S.M_INVOICE_NO: 4711.0,
               S.M_PRODUCT: "=HYPERLINK(\"http://x\")", S.M_AMOUNT: "1.234,50 €"}),
        row(1006, "00123", "Bezahlt"),
        row(1006, 10000005.0, "Gesperrt", **{S.M_FIRST_LETTER: None, S.M_SECOND_LETTER: None}),
    ]
    return WorkbookData(sheets={S.SHEET_MASTER: SheetData(S.SHEET_MASTER, rows)})


def defaults() -> Settings:
    return Settings.defaults(S.SETTINGS)


def test_only_the_asked_status_only_that_vendor_only_vendor_columns():
    sl = build_status_list(workbook(), 1006, ["Ans Inkasso übergeben"], defaults())
    assert sl.header == EXPECTED_HEADER == STATUS_LIST_HEADER
    assert sl.statuses == ["Ans Inkasso übergeben"]
    assert sl.rows == [
        [10000001, "RE-10000001", "Erika", "Müller", "Online-Kurs Excel", 199.5,
         date(2026, 6, 1), date(2026, 6, 15), date(2026, 7, 1), "Ans Inkasso übergeben"],
        [10000003, 4711, "Erika", "Müller", "=HYPERLINK(\"http://x\")", 1234.5,
         date(2026, 6, 1), date(2026, 6, 15), date(2026, 7, 3), "Ans Inkasso übergeben"],
    ]
    assert [f for f in sl.findings if f.severity != INFO] == []
    flat = repr(sl.rows)
    assert "GEHEIM" not in flat and "vertröstet" not in flat


def test_several_statuses_and_all():
    two = build_status_list(workbook(), "1006", ["bezahlt", "LAUFEND"], defaults())
    assert two.statuses == ["Bezahlt", "Laufend"]
    assert [r[0] for r in two.rows] == [10000002, "00123"]          # sheet order, text id kept
    everything = build_status_list(workbook(), 1006.0, None, defaults())
    assert everything.statuses == []
    assert [r[0] for r in everything.rows] == [10000001, 10000002, 10000003, "00123", 10000005]
    assert build_status_list(workbook(), 1006, [], defaults()).rows == everything.rows


def test_unknown_status_names_the_nearest_valid_one():
    with pytest.raises(ValueError, match="meinten Sie 'Ans Inkasso übergeben'"):
        build_status_list(workbook(), 1006, ["Ans Inkaso übergeben"], defaults())
    with pytest.raises(ValueError, match="'Offen' ist kein gültiger Schulden-Status"):
        resolve_statuses(["Offen"])
    assert resolve_statuses(["sent_for_collection", "Ans Inkasso übergeben"]) == \
        ["Ans Inkasso übergeben"]


def test_vendor_without_orders_is_an_error_and_no_match_is_only_info():
    missing = build_status_list(workbook(), 4711, None, defaults())
    assert [f.severity for f in missing.findings] == [ERROR]
    none = build_status_list(workbook(), 2002, ["Bezahlt"], defaults())
    assert none.rows == [] and [f.severity for f in none.findings] == [INFO]


def test_unknown_status_in_the_sheet_is_reported_with_its_cell():
    wb = workbook()
    wb.sheets[S.SHEET_MASTER].rows.append(row(1006, 10000009.0, "Inkasso"))
    sl = build_status_list(wb, 1006, ["Laufend"], defaults())
    col = "ABCDEFGHIJKLMNOP"[HEADERS.index(S.M_DEBT_STATUS)]
    assert [(f.severity, f.cell) for f in sl.findings] == [(WARNING, f"{col}9")]


def test_file_names():
    sl = build_status_list(workbook(), 1006, ["Ans Inkasso übergeben", "Bezahlt"], defaults())
    assert status_list_basename(sl) == "status_1006_ans_inkasso_uebergeben-bezahlt"
    assert status_list_basename(build_status_list(workbook(), 1006, None, defaults())) == \
        "status_1006_alle"


def test_written_csv_and_xlsx_read_back(tmp_path):
    import python_calamine
    from openpyxl import load_workbook

    sl = build_status_list(workbook(), 1006, ["Ans Inkasso übergeben"], defaults())
    csv_path, xlsx_path = write_status_list(sl, tmp_path)
    assert csv_path.name == "status_1006_ans_inkasso_uebergeben.csv"
    assert xlsx_path.name == "status_1006_ans_inkasso_uebergeben.xlsx"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([csv_path.name, xlsx_path.name])

    # CSV for German Excel: ';', BOM, TT.MM.JJJJ, decimal comma, formula guard
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.endswith(b"\r\n")
    records = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert records == [
        EXPECTED_HEADER,
        ["10000001", "RE-10000001", "Erika", "Müller", "Online-Kurs Excel", "199,50",
         "01.06.2026", "15.06.2026", "01.07.2026", "Ans Inkasso übergeben"],
        ["10000003", "4711", "Erika", "Müller", "'=HYPERLINK(\"http://x\")", "1234,50",
         "01.06.2026", "15.06.2026", "03.07.2026", "Ans Inkasso übergeben"],
    ]

    # xlsx read as the vendor's Excel would: numbers, real dates, the formula-like text as text
    sheet = python_calamine.load_workbook(str(xlsx_path)).get_sheet_by_index(0)
    values = sheet.to_python()
    assert values[0] == EXPECTED_HEADER
    assert len(values) == 3
    first = values[1]
    assert first[0] == 10000001 and first[1] == "RE-10000001" and first[5] == 199.5
    assert [v if isinstance(v, date) and not isinstance(v, datetime) else
            (v.date() if isinstance(v, datetime) else v) for v in first[6:9]] == \
        [date(2026, 6, 1), date(2026, 6, 15), date(2026, 7, 1)]
    assert values[2][1] == 4711 and values[2][4] == "=HYPERLINK(\"http://x\")"

    ws = load_workbook(xlsx_path).active
    assert ws.freeze_panes == "A2"
    assert all(ws.cell(1, c).font.b for c in range(1, 11))
    assert ws["G2"].number_format == "DD.MM.YYYY" and ws["I3"].number_format == "DD.MM.YYYY"
    assert ws["E3"].data_type == "s"                      # no formula in a file we send out
    assert ws.column_dimensions["E"].width > ws.column_dimensions["C"].width


def test_list_with_an_error_is_not_written(tmp_path):
    sl = build_status_list(workbook(), 4711, None, defaults())
    with pytest.raises(ValueError, match="4711"):
        write_status_list(sl, tmp_path)
    assert list(tmp_path.iterdir()) == []
