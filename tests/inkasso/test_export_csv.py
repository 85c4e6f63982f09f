"""SPEC §2 "The Diagonal CSV": an agent hands a vendor's orders to Diagonal.

Scenarios are built as the agents fill the Masterliste (ids as floats from Excel, German text
dates, Excel dates, internal comment lines) and checked byte for byte."""
from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

import pytest

from xl_addin.actions import write_handover_csv as write_export
from xl_addin.core.findings import ERROR, WARNING
from xl_addin.core.settings import Settings
from xl_addin.core.workbook_data import SheetData, WorkbookData
from xl_addin.kinds.inkasso import schema as S
from xl_addin.kinds.inkasso.handover import (
    CSV_COLUMNS,
    build_vendor_csv,
    clean_comment,
    export_findings,
    guard_formula,
    vendors_with_orders,
)

HEADER = (b"vendor_id,order_id,first_dunning_letter,second_dunning_letter,incasso_date,"
          b"support_comment,status_support,offer_link,incasso_state,reopened,reopened_id,"
          b"invalid_address\r\n")

# The agents reorder columns and add their own: the CSV must find columns by header text.
MASTER_HEADERS = [
    S.M_NOTES, "Bearbeiter", S.M_VENDOR_ID, S.M_ORDER_ID, S.M_INVOICE_NO, S.M_FIRST_NAME,
    S.M_LAST_NAME, S.M_PRODUCT, S.M_AMOUNT, S.M_REASON, S.M_INCASSO_STATE, S.M_FIRST_LETTER,
    S.M_SECOND_LETTER, S.M_INCASSO_DATE, S.M_SUPPORT_COMMENT, S.M_STATUS_SUPPORT, S.M_OFFER_LINK,
    S.M_REOPENED, S.M_REOPENED_ID, S.M_INVALID_ADDRESS, S.M_DEBT_STATUS, S.M_FOLLOW,
    S.M_NEXT_STEP, S.M_DUE,
]


def col_letter(header: str, headers=MASTER_HEADERS) -> str:
    from xl_addin.core.cells import col_letter as letter
    return letter(headers.index(header) + 1)


def cell(header: str, row: int) -> str:
    return f"{col_letter(header)}{row}"


def workbook(rows: list[dict | None], headers=MASTER_HEADERS,
             settings: list[list] | None = None) -> WorkbookData:
    """Masterliste from dicts (None = an empty row); row 2 is rows[0]."""
    table = [list(headers)]
    for r in rows:
        if r is None:
            table.append([None] * len(headers))
            continue
        assert set(r) <= set(headers), set(r) - set(headers)
        table.append([r.get(h) for h in headers])
    wb = WorkbookData(source="Inkasso - Cancelled Installments.xlsx")
    wb.sheets[S.SHEET_MASTER] = SheetData(S.SHEET_MASTER, table)
    if settings is not None:
        wb.sheets[S.SHEET_SETTINGS] = SheetData(S.SHEET_SETTINGS,
                                                [["Schlüssel", "Wert"]] + settings)
    return wb


def defaults() -> Settings:
    return Settings.defaults(S.SETTINGS)


def settings_of(wb: WorkbookData) -> Settings:
    settings, findings = Settings.from_sheet(wb.sheet(S.SHEET_SETTINGS), S.SETTINGS)
    assert findings == []
    return settings


def ok_row(**fields) -> dict:
    """A clean on_hold order of vendor 1006 (two letters, waiting for the Freigabe)."""
    base = {S.M_VENDOR_ID: 1006.0, S.M_ORDER_ID: 10000050.0, S.M_FIRST_NAME: "Erika",
            S.M_LAST_NAME: "Mustermann", S.M_PRODUCT: "Online-Kurs Excel", S.M_AMOUNT: 199.0,
            S.M_FIRST_LETTER: date(2026, 9, 1), S.M_SECOND_LETTER: date(2026, 9, 15),
            S.M_INCASSO_STATE: "on_hold", S.M_REOPENED: False, S.M_INVALID_ADDRESS: False}
    base.update(fields)
    return base


def errors(export) -> list:
    return [f for f in export.findings if f.severity == ERROR]


def error_cells(export) -> set[str]:
    return {f"{f.sheet}!{f.cell}" for f in errors(export)}


def m(header: str, row: int = 2) -> str:
    return f"{S.SHEET_MASTER}!{cell(header, row)}"


# --------------------------------------------------------------------------- the realistic vendor

def realistic_rows() -> list[dict | None]:
    return [
        # row 2: at the agency; Excel dates, a text date, a datetime; internal line in the middle
        {S.M_NOTES: "VERTRAULICH: Vendor will Anwalt einschalten", "Bearbeiter": "Lena",
         S.M_VENDOR_ID: 1006.0, S.M_ORDER_ID: 10000001.0, S.M_INVOICE_NO: "RE-2025-0815",
         S.M_FIRST_NAME: "Jonas", S.M_LAST_NAME: "Becker", S.M_PRODUCT: "Coaching Basis",
         S.M_AMOUNT: 349.0, S.M_FIRST_LETTER: date(2026, 1, 5), S.M_SECOND_LETTER: "19.01.2026",
         S.M_INCASSO_DATE: datetime(2026, 2, 16, 0, 0),
         S.M_SUPPORT_COMMENT: "Kunde informiert\r\nintern: Anwalt prüft, nicht an Vendor\r"
                              "Ratenzahlung abgelehnt",
         S.M_STATUS_SUPPORT: "Inkasso", S.M_OFFER_LINK: "https://copecart.com/offer/abc",
         S.M_INCASSO_STATE: "sent_for_collection", S.M_REOPENED: False,
         S.M_INVALID_ADDRESS: "nein", S.M_DEBT_STATUS: "Ans Inkasso übergeben"},
        # row 3: a row of another vendor between the vendor's rows
        {S.M_VENDOR_ID: 2002.0, S.M_ORDER_ID: 20000001.0, S.M_INCASSO_STATE: "paid",
         S.M_SUPPORT_COMMENT: "fremder Vendor"},
        # row 4: on hold; short German text date, an Excel serial, quotes and a comma,
        # a formula-like status, blank booleans (-> False with warnings), state with blanks/case
        {S.M_VENDOR_ID: "1006", S.M_ORDER_ID: "10000002", S.M_FIRST_LETTER: "31.1.26",
         S.M_SECOND_LETTER: 46067.0,
         S.M_SUPPORT_COMMENT: 'Kunde sagt: "zahle später", bitte warten',
         S.M_STATUS_SUPPORT: "=SUMME(A1)", S.M_INCASSO_STATE: " On_Hold "},
        # row 5: empty row in the middle of the table
        None,
        # row 6: reopened with the new order id; comment starts with '-'
        {S.M_VENDOR_ID: 1006, S.M_ORDER_ID: 10000003.0, S.M_FIRST_LETTER: date(2026, 2, 2),
         S.M_SUPPORT_COMMENT: "-storniert, neu bestellt", S.M_INCASSO_STATE: "canceled",
         S.M_REOPENED: "ja", S.M_REOPENED_ID: 10000099.0, S.M_INVALID_ADDRESS: "x",
         S.M_NOTES: "VERTRAULICH 2"},
        # row 7: text id with leading zeros; internal line first, upper-case marker, indented
        {S.M_VENDOR_ID: 1006.0, S.M_ORDER_ID: "00123", S.M_FIRST_LETTER: "01.12.2025",
         S.M_SECOND_LETTER: "2025-12-15",
         S.M_SUPPORT_COMMENT: "  INTERN: nur für uns\nbezahlt am 03.03.\n",
         S.M_INCASSO_STATE: "PAID", S.M_REOPENED: "FALSCH", S.M_INVALID_ADDRESS: 0.0},
        # row 8: a formatted-only row (drop-downs prepared in advance): holds no value
        {S.M_VENDOR_ID: None, S.M_INCASSO_STATE: "  "},
    ]


EXPECTED_1006 = HEADER + (
    "1006,10000001,01/05/2026,01/19/2026,02/16/2026,Kunde informiert; Ratenzahlung abgelehnt,"
    "Inkasso,https://copecart.com/offer/abc,sent_for_collection,False,,False\r\n"
    "1006,10000002,01/31/2026,02/14/2026,,\"Kunde sagt: \"\"zahle später\"\", bitte warten\","
    "'=SUMME(A1),,on_hold,False,,False\r\n"
    "1006,10000003,02/02/2026,,,\"'-storniert, neu bestellt\",,,canceled,True,10000099,True\r\n"
    "1006,00123,12/01/2025,12/15/2025,,bezahlt am 03.03.,,,paid,False,,False\r\n"
).encode()


def test_realistic_vendor_csv_is_byte_exact():
    export = build_vendor_csv(workbook(realistic_rows()), 1006, defaults())
    assert errors(export) == []
    assert export.content == EXPECTED_1006
    assert export.rows == 4
    assert export.filename == "vendor_1006.csv"
    assert export.vendor_id == "1006"
    # no BOM, internal things never leave the house
    assert not export.content.startswith(b"\xef\xbb\xbf")
    assert b"VERTRAULICH" not in export.content and b"Anwalt" not in export.content
    assert b"fremder Vendor" not in export.content and b"nur f" not in export.content


def test_blank_booleans_export_false_with_a_warning_naming_the_cell():
    export = build_vendor_csv(workbook(realistic_rows()), "1006", defaults())
    warned = {(f.code, f"{f.sheet}!{f.cell}") for f in export.findings if f.severity == WARNING}
    assert warned == {("INK-CSV-BOOL-BLANK", m(S.M_REOPENED, 4)),
                      ("INK-CSV-BOOL-BLANK", m(S.M_INVALID_ADDRESS, 4))}
    assert all(f.key == "10000002" for f in export.findings)


def test_vendor_id_matches_as_canonical_id_whatever_excel_made_of_it():
    rows = [ok_row(**{S.M_VENDOR_ID: v, S.M_ORDER_ID: 10000050 + i})
            for i, v in enumerate([1006, 1006.0, "1006", " 1006 ", "1006.0"])]
    rows.append(ok_row(**{S.M_VENDOR_ID: 10060, S.M_ORDER_ID: 1}))
    for asked in (1006, 1006.0, "1006"):
        export = build_vendor_csv(workbook(rows), asked, defaults())
        assert export.rows == 5
        assert [line.split(b",")[1] for line in export.content.split(b"\r\n")[1:-1]] == \
            [b"10000050", b"10000051", b"10000052", b"10000053", b"10000054"]


def test_vendors_with_orders_in_order_of_first_appearance():
    rows = [ok_row(**{S.M_VENDOR_ID: 2002.0}), None, ok_row(), ok_row(**{S.M_VENDOR_ID: "2002"}),
            ok_row(**{S.M_VENDOR_ID: "00777"}), ok_row(**{S.M_VENDOR_ID: None})]
    assert vendors_with_orders(workbook(rows), defaults()) == ["2002", "1006", "00777"]


def test_header_is_the_spec_header_in_spec_order():
    assert ",".join(CSV_COLUMNS).encode() + b"\r\n" == HEADER


def test_crlf_after_every_record_including_the_last():
    content = build_vendor_csv(workbook([ok_row()]), 1006, defaults()).content
    assert content == HEADER + b"1006,10000050,09/01/2026,09/15/2026,,,,,on_hold,False,,False\r\n"
    assert content.count(b"\n") == content.count(b"\r\n") == 2


# --------------------------------------------------------------------------- support_comment

def test_comment_internal_lines_dropped_and_line_breaks_joined():
    marker = "intern:"
    assert clean_comment("a\r\nintern: x\nb\rc", marker) == "a; b; c"
    assert clean_comment("   Intern: geheim", marker) == ""
    assert clean_comment("Kunde ist intern: bekannt", marker) == "Kunde ist intern: bekannt"
    assert clean_comment("a\n\n  \nb", marker) == "a; b"
    assert clean_comment(None, marker) == ""
    assert clean_comment(12.0, marker) == "12"


def test_custom_internal_marker_from_the_settings_sheet():
    rows = [ok_row(**{S.M_SUPPORT_COMMENT: "NUR INTERN Anwalt\nKunde zahlt nicht\nintern: bleibt"})]
    wb = workbook(rows, settings=[["Interner Marker", "nur intern"]])
    export = build_vendor_csv(wb, 1006, settings_of(wb))
    assert b",Kunde zahlt nicht; intern: bleibt," in export.content
    assert b"Anwalt" not in export.content


def test_notizen_is_never_exported_even_without_support_comment():
    rows = [ok_row(**{S.M_NOTES: "Vendor ist schwierig", S.M_SUPPORT_COMMENT: None})]
    export = build_vendor_csv(workbook(rows), 1006, defaults())
    assert b"schwierig" not in export.content


# --------------------------------------------------------------------------- formula guard

@pytest.mark.parametrize("typed, written", [
    ("=HYPERLINK(\"x\")", b"\"'=HYPERLINK(\"\"x\"\")\""),
    ("+49 170 1234", b"'+49 170 1234"),
    ("-5 Tage", b"'-5 Tage"),
    ("@Lena", b"'@Lena"),
    ("\tEinzug", b"'\tEinzug"),
    ("\rEinzug", b"\"'\rEinzug\""),
    ("Inkasso = ja", b"Inkasso = ja"),
])
def test_text_that_a_spreadsheet_would_execute_gets_a_leading_apostrophe(typed, written):
    export = build_vendor_csv(workbook([ok_row(**{S.M_STATUS_SUPPORT: typed})]), 1006, defaults())
    assert export.content == HEADER + b"1006,10000050,09/01/2026,09/15/2026,,," + written + \
        b",,on_hold,False,,False\r\n"


def test_formula_guard_applies_after_the_comment_transformations():
    rows = [ok_row(**{S.M_SUPPORT_COMMENT: "intern: Notiz\n  =1+2\nzweite Zeile",
                      S.M_OFFER_LINK: "@evil"})]
    export = build_vendor_csv(workbook(rows), 1006, defaults())
    assert b",'=1+2; zweite Zeile,,'@evil,on_hold," in export.content
    assert guard_formula("ok") == "ok" and guard_formula("") == ""


# --------------------------------------------------------------------------- error rules

def assert_valid(rows) -> bytes:
    export = build_vendor_csv(workbook(rows), 1006, defaults())
    assert errors(export) == [], [f.text() for f in errors(export)]
    assert export.content is not None
    return export.content


def assert_error(rows, code: str, where: str, suggestion: str | None = None):
    """The export fails with exactly one finding ``code``, at ``where``."""
    export = build_vendor_csv(workbook(rows), 1006, defaults())
    assert export.content is None
    hits = [f for f in errors(export) if f.code == code]
    assert [f"{f.sheet}!{f.cell}" for f in hits] == [where], [f.text() for f in export.findings]
    if suggestion is not None:
        assert hits[0].suggestion == suggestion
    assert hits[0].message
    order_unreadable = where.startswith(f"{S.SHEET_MASTER}!{col_letter(S.M_ORDER_ID)}")
    assert bool(hits[0].key) != order_unreadable      # the order id, when it can be read
    return hits[0]


def test_incasso_state_normalised_for_case_and_blanks():
    content = assert_valid([ok_row(**{S.M_INCASSO_STATE: "  ON_HOLD "})])
    assert b",on_hold," in content


@pytest.mark.parametrize("typed, nearest", [
    ("cancelled", "canceled"), ("Cancelled", "canceled"), ("on hold", "on_hold"),
    ("sent for collection", "sent_for_collection"), ("payed", "paid"),
])
def test_misspelt_incasso_state_is_an_error_naming_cell_and_nearest_value(typed, nearest):
    f = assert_error([ok_row(), ok_row(**{S.M_INCASSO_STATE: typed, S.M_ORDER_ID: 7.0})],
                     "INK-STATE-INVALID", m(S.M_INCASSO_STATE, 3), nearest)
    assert typed in f.message and f.key == "7"
    assert f.text().startswith(f"Masterliste!{cell(S.M_INCASSO_STATE, 3)}")
    assert f"meinten Sie '{nearest}'" in f.text()


@pytest.mark.parametrize("fields, implied", [
    ({}, "on_hold"),                                                 # two letters, no hand-over
    ({S.M_INCASSO_DATE: date(2026, 10, 1)}, "sent_for_collection"),
    ({S.M_REOPENED: True, S.M_REOPENED_ID: 10000777}, "canceled"),
    ({S.M_SECOND_LETTER: None}, "blocked"),                          # still dunned manually
    ({S.M_DEBT_STATUS: "Bezahlt"}, "paid"),
])
def test_blank_incasso_state_is_an_error_suggesting_what_the_row_implies(fields, implied):
    assert_error([ok_row(**{S.M_INCASSO_STATE: None, **fields})], "INK-STATE-BLANK",
                 m(S.M_INCASSO_STATE), implied)


def test_dates_first_before_second():
    assert_valid([ok_row(**{S.M_FIRST_LETTER: "01.09.2026", S.M_SECOND_LETTER: "02.09.2026"})])
    for second in ("01.09.2026", "31.08.2026"):
        assert_error([ok_row(**{S.M_FIRST_LETTER: "01.09.2026", S.M_SECOND_LETTER: second})],
                     "INK-CSV-DATE-ORDER", m(S.M_SECOND_LETTER))


def test_no_letter_after_the_hand_over():
    sent = {S.M_INCASSO_STATE: "sent_for_collection"}
    assert_valid([ok_row(**sent, **{S.M_INCASSO_DATE: date(2026, 9, 15)})])  # second == hand-over
    assert_error([ok_row(**sent, **{S.M_INCASSO_DATE: date(2026, 9, 14)})],
                 "INK-CSV-LETTER-AFTER-HANDOVER", m(S.M_SECOND_LETTER))
    assert_error([ok_row(**sent, **{S.M_SECOND_LETTER: None, S.M_INCASSO_DATE: date(2026, 8, 31)})],
                 "INK-CSV-LETTER-AFTER-HANDOVER", m(S.M_FIRST_LETTER))


def test_second_letter_needs_a_first():
    assert_valid([ok_row(**{S.M_SECOND_LETTER: None, S.M_INCASSO_STATE: "blocked"})])
    assert_error([ok_row(**{S.M_FIRST_LETTER: None, S.M_INCASSO_STATE: "blocked"})],
                 "INK-CSV-SECOND-WITHOUT-FIRST", m(S.M_FIRST_LETTER))


def test_sent_for_collection_needs_an_incasso_date():
    assert_valid([ok_row(**{S.M_INCASSO_STATE: "sent_for_collection",
                            S.M_INCASSO_DATE: "01.10.2026"})])
    assert_error([ok_row(**{S.M_INCASSO_STATE: "sent_for_collection"})],
                 "INK-CSV-SENT-NO-DATE", m(S.M_INCASSO_DATE))


def test_on_hold_needs_both_letters_and_no_incasso_date():
    assert_valid([ok_row()])
    assert_error([ok_row(**{S.M_SECOND_LETTER: None})], "INK-CSV-ON-HOLD-LETTERS",
                 m(S.M_SECOND_LETTER))
    assert_error([ok_row(**{S.M_INCASSO_DATE: date(2026, 10, 1)})], "INK-CSV-ON-HOLD-HANDED",
                 m(S.M_INCASSO_STATE), "sent_for_collection")


def test_reopened_true_needs_reopened_id_and_vice_versa():
    content = assert_valid([ok_row(**{S.M_REOPENED: "WAHR", S.M_REOPENED_ID: "00456",
                                      S.M_INCASSO_STATE: "canceled"})])
    assert b",canceled,True,00456,False\r\n" in content
    assert_error([ok_row(**{S.M_REOPENED: True, S.M_INCASSO_STATE: "canceled"})],
                 "INK-CSV-REOPENED-NO-ID", m(S.M_REOPENED_ID))
    assert_error([ok_row(**{S.M_REOPENED: False, S.M_REOPENED_ID: 10000099.0})],
                 "INK-CSV-REOPENED-ID-NOT-REOPENED", m(S.M_REOPENED), "True")
    # blank reopened counts as False: with a reopened_id it is an error too
    assert_error([ok_row(**{S.M_REOPENED: None, S.M_REOPENED_ID: 10000099.0})],
                 "INK-CSV-REOPENED-ID-NOT-REOPENED", m(S.M_REOPENED))


def test_invalid_address_cannot_go_to_the_agency():
    assert_valid([ok_row(**{S.M_INVALID_ADDRESS: True})])                     # on_hold: fine
    assert_error([ok_row(**{S.M_INVALID_ADDRESS: "ja", S.M_INCASSO_STATE: "sent_for_collection",
                            S.M_INCASSO_DATE: date(2026, 10, 1)})],
                 "INK-CSV-SENT-INVALID-ADDRESS", m(S.M_INVALID_ADDRESS))


@pytest.mark.parametrize("header, typed, code", [
    (S.M_FIRST_LETTER, "32.13.2026", "XL-DATE-INVALID"),
    (S.M_SECOND_LETTER, "09/15/2026", "XL-DATE-INVALID"),
    (S.M_INCASSO_DATE, "bald", "XL-DATE-INVALID"),
    (S.M_REOPENED, "vielleicht", "XL-BOOL-INVALID"),
    (S.M_INVALID_ADDRESS, 2, "XL-BOOL-INVALID"),
    (S.M_ORDER_ID, 10000001.5, "XL-ID-INVALID"),
    (S.M_REOPENED_ID, "100 099", "XL-ID-INVALID"),
])
def test_unreadable_values_are_errors_with_the_cell(header, typed, code):
    f = assert_error([ok_row(), ok_row(**{header: typed})], code, m(header, 3))
    assert header in f.message


def test_unreadable_us_date_suggests_the_german_spelling():
    f = assert_error([ok_row(**{S.M_SECOND_LETTER: "09/15/2026"})], "XL-DATE-INVALID",
                     m(S.M_SECOND_LETTER))
    assert f.suggestion == "15.09.2026"


def test_blank_order_id_is_an_error():
    assert_error([ok_row(**{S.M_ORDER_ID: None})], "INK-CSV-ORDER-MISSING", m(S.M_ORDER_ID))


def test_all_or_nothing_every_error_listed_warnings_do_not_block():
    rows = [ok_row(**{S.M_INCASSO_STATE: "cancelled"}),
            ok_row(**{S.M_ORDER_ID: 10000051, S.M_REOPENED: None}),      # warning only
            ok_row(**{S.M_ORDER_ID: 10000052, S.M_FIRST_LETTER: "32.13.2026"})]
    export = build_vendor_csv(workbook(rows), 1006, defaults())
    assert export.content is None
    assert error_cells(export) == {m(S.M_INCASSO_STATE, 2), m(S.M_FIRST_LETTER, 4)}
    assert [f.cell[-1] for f in export.findings] == ["2", "3", "4"]      # in sheet order
    assert any(f.severity == WARNING and f.cell == cell(S.M_REOPENED, 3) for f in export.findings)
    with pytest.raises(ValueError, match="1006"):
        write_export(export, Path("/nonexistent-never-written"))

    only_warnings = build_vendor_csv(workbook(rows[1:2]), 1006, defaults())
    assert errors(only_warnings) == [] and only_warnings.findings
    assert only_warnings.content is not None


def test_vendor_without_rows_is_an_error():
    export = build_vendor_csv(workbook([ok_row()]), 4711, defaults())
    assert export.content is None
    assert [f.code for f in errors(export)] == ["INK-CSV-NO-ROWS"]
    assert "4711" in errors(export)[0].message


def test_row_with_blank_vendor_id_is_reported_not_silently_lost():
    rows = [ok_row(), ok_row(**{S.M_VENDOR_ID: None, S.M_ORDER_ID: 10000051})]
    export = build_vendor_csv(workbook(rows), 1006, defaults())
    assert export.rows == 1
    assert [(f.severity, f.cell) for f in export.findings] == [(WARNING, cell(S.M_VENDOR_ID, 3))]


@pytest.mark.parametrize("dropped", [S.M_VENDOR_ID, S.M_ORDER_ID, S.M_OFFER_LINK, S.M_REOPENED_ID])
def test_missing_required_header_is_an_error(dropped):
    headers = [h for h in MASTER_HEADERS if h != dropped]
    rows = [{k: v for k, v in ok_row().items() if k != dropped}]
    export = build_vendor_csv(workbook(rows, headers), 1006, defaults())
    assert export.content is None
    assert [(f.code, f.sheet) for f in errors(export)] == [("XL-HEADER-MISSING", S.SHEET_MASTER)]
    assert dropped in errors(export)[0].message


def test_missing_masterliste_sheet_is_an_error():
    wb = WorkbookData(sheets={"Tabelle1": SheetData("Tabelle1", [["a"]])})
    export = build_vendor_csv(wb, 1006, defaults())
    assert export.content is None and errors(export)[0].sheet == S.SHEET_MASTER


def test_columns_found_by_header_text_and_settings_aliases():
    headers = [h if h != S.M_ORDER_ID else "Bestell-ID" for h in MASTER_HEADERS]
    headers = [h.upper() if h == S.M_INCASSO_STATE else h for h in headers]
    rows = [{("Bestell-ID" if k == S.M_ORDER_ID else k): v for k, v in ok_row().items()}]
    rows = [{(k.upper() if k == S.M_INCASSO_STATE else k): v for k, v in rows[0].items()}]
    wb = workbook(rows, headers, settings=[["Alias order_id", "Bestellnummer; Bestell-ID"]])
    export = build_vendor_csv(wb, 1006, settings_of(wb))
    assert export.content == HEADER + \
        b"1006,10000050,09/01/2026,09/15/2026,,,,,on_hold,False,,False\r\n"
    # without the alias the column is missing
    assert build_vendor_csv(wb, 1006, defaults()).content is None


def test_file_name_from_the_settings():
    wb = workbook([ok_row()], settings=[["CSV Dateiname", "diagonal_{vendor_id}_2026.csv"]])
    assert build_vendor_csv(wb, 1006.0, settings_of(wb)).filename == "diagonal_1006_2026.csv"
    bad = workbook([ok_row()], settings=[["CSV Dateiname", "../../etc/{vendor_id}.csv"]])
    export = build_vendor_csv(bad, 1006, settings_of(bad))
    assert export.filename == "1006.csv" and export.content is not None


def test_write_export_is_atomic_and_writes_the_exact_bytes(tmp_path):
    export = build_vendor_csv(workbook(realistic_rows()), 1006, defaults())
    out = tmp_path / "export"
    path = write_export(export, out)
    assert path == out / "vendor_1006.csv"
    assert path.read_bytes() == EXPECTED_1006
    assert os.listdir(out) == ["vendor_1006.csv"]          # no temp file left behind
    path.write_bytes(b"old")
    assert write_export(export, out).read_bytes() == EXPECTED_1006


# --------------------------------------------------------------------------- end to end

def read_back(path: Path) -> WorkbookData:
    """The workbook as the product reads it (the package reader when it exists)."""
    try:
        from xl_addin.package import read_workbook
    except ImportError:
        read_workbook = None
    if read_workbook is not None:
        return read_workbook(path)
    import python_calamine
    book = python_calamine.load_workbook(str(path))
    wb = WorkbookData(source=str(path))
    for name in book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        wb.sheets[name] = SheetData(name, [[None if v == "" else v for v in r] for r in rows])
    return wb


def write_xlsx(wb: WorkbookData, path: Path) -> Path:
    from openpyxl import Workbook
    book = Workbook()
    book.remove(book.active)
    for name, sheet in wb.sheets.items():
        ws = book.create_sheet(name)
        for r, row in enumerate(sheet.rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                target = ws.cell(r, c, value)
                if isinstance(value, str):
                    target.data_type = "s"     # "=SUMME(A1)" typed as text, not a formula
                elif isinstance(value, (date, datetime)):
                    target.number_format = "DD.MM.YYYY"
        # a formatted-only row below the data (the agents prepare rows in advance)
        ws.cell(len(sheet.rows) + 3, 3).number_format = "DD.MM.YYYY"
    book.save(path)
    return path


def test_end_to_end_through_a_real_xlsx(tmp_path):
    source = workbook(realistic_rows(), settings=[["Interner Marker", "intern:"],
                                                  ["CSV Dateiname", "vendor_{vendor_id}.csv"]])
    path = write_xlsx(source, tmp_path / "Inkasso - Cancelled Installments.xlsx")
    wb = read_back(path)
    settings, problems = Settings.from_sheet(wb.sheet(S.SHEET_SETTINGS), S.SETTINGS)
    assert problems == []
    assert vendors_with_orders(wb, settings) == ["1006", "2002"]
    export = build_vendor_csv(wb, "1006", settings)
    assert errors(export) == []
    written = write_export(export, tmp_path / "out")
    assert written.read_bytes() == EXPECTED_1006


# --------------------------------------------------------------------------- properties

def _cells():
    from hypothesis import strategies as st
    return st.one_of(
        st.none(), st.text(max_size=30), st.booleans(),
        st.integers(min_value=-10**12, max_value=10**12),
        st.floats(allow_nan=True, allow_infinity=True),
        st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 1, 1)),
        st.sampled_from(["=1+1", "-x", "+1", "@a", "\tx", "\rx", "a\r\nb", "intern: x\ny",
                         "on_hold", "31.01.2026", "ja", "a,\"b\""]),
    )


def test_property_any_cells_never_crash_and_every_error_names_a_cell():
    from hypothesis import given, settings as hsettings, strategies as st

    exported = [h for h in CSV_COLUMNS if h != S.M_VENDOR_ID]

    @hsettings(max_examples=150, deadline=None)
    @given(st.lists(st.fixed_dictionaries({h: _cells() for h in exported}), min_size=1,
                    max_size=4))
    def check(rows):
        data = [dict(r, **{S.M_VENDOR_ID: 1006.0}) for r in rows]
        export = build_vendor_csv(workbook(data), 1006, defaults())
        assert (export.content is None) == bool(errors(export))
        assert all(f.sheet == S.SHEET_MASTER and f.cell and f.message for f in export.findings)

    check()


def test_property_free_text_round_trips_through_the_csv():
    """Whatever the agents type as text, the file has 12 fields per record, CRLF line ends, no
    cell a spreadsheet would execute, and the text comes back as typed (plus the guard)."""
    import csv
    import io

    from hypothesis import given, settings as hsettings, strategies as st

    text = st.one_of(st.text(max_size=40), st.sampled_from(
        ["=1+1", "-x", "+1", "@a", "\tx", "\rx", "a\r\nb", 'a,"b"', "intern: x\ny", "\n\n"]))

    @hsettings(max_examples=200, deadline=None)
    @given(st.lists(st.tuples(text, text, text), min_size=1, max_size=3))
    def check(values):
        rows = [ok_row(**{S.M_ORDER_ID: 10000050 + i, S.M_SUPPORT_COMMENT: c,
                          S.M_STATUS_SUPPORT: st_, S.M_OFFER_LINK: link})
                for i, (c, st_, link) in enumerate(values)]
        export = build_vendor_csv(workbook(rows), 1006, defaults())
        assert export.content is not None
        decoded = export.content.decode("utf-8")
        assert decoded.endswith("\r\n")
        records = list(csv.reader(io.StringIO(decoded, newline="")))
        assert records[0] == CSV_COLUMNS and len(records) == len(values) + 1
        for record, (comment, status, link) in zip(records[1:], values, strict=True):
            assert len(record) == 12
            for value in record:
                assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))
            assert record[5] == guard_formula(clean_comment(comment, "intern:"))
            assert "\n" not in record[5] and "\r" not in record[5]
            for got, typed in ((record[6], status), (record[7], link)):
                assert got == ("" if not typed.strip() else guard_formula(typed))

    check()


def test_export_findings_of_all_vendors_lists_shared_problems_once():
    rows = [ok_row(), ok_row(**{S.M_VENDOR_ID: None, S.M_ORDER_ID: 10000051}),
            ok_row(**{S.M_VENDOR_ID: 2002, S.M_ORDER_ID: 20000001, S.M_INCASSO_STATE: "cancelled"})]
    found = export_findings(workbook(rows), defaults())
    assert [(f.code, f.cell) for f in found] == [
        ("INK-VENDOR-BLANK", cell(S.M_VENDOR_ID, 3)),
        ("INK-STATE-INVALID", cell(S.M_INCASSO_STATE, 4))]
    headers = [h for h in MASTER_HEADERS if h != S.M_VENDOR_ID]
    no_vendor_column = workbook([{S.M_ORDER_ID: 1}], headers)
    assert [f.code for f in export_findings(no_vendor_column, defaults())] == ["XL-HEADER-MISSING"]
