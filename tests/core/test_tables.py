"""A kind's tables (core.tables): located by sheet and headers, their data rows, keyed by an id."""
from __future__ import annotations

from xl_addin.core.catalog import Core
from xl_addin.core.cellreader import CellReader
from xl_addin.core.findings import ERROR, WARNING, Catalog, Code, Finding
from xl_addin.core.tables import data_rows, locate_table, rows_by_id
from xl_addin.core.workbook_data import SheetData, WorkbookData


class _Codes(Catalog, prefix="T-", title="Test"):
    SHEET_GONE = Code(ERROR, "The sheet is missing.", de="Blatt '{sheet}' fehlt{consequence}")
    TWICE = Code(WARNING, "An id stands twice.", de="User-ID {user_id} doppelt (auch Zeile {first_row})")
    NO_ID = Code(WARNING, "A row has no id.", de="User-ID fehlt")


def _vendors(*rows: list) -> SheetData:
    return SheetData("Vendoren", [["User-ID", "Vendor", "VIP"], *rows])


def test_a_missing_sheet_or_required_column_is_no_table_and_says_why():
    findings: list[Finding] = []
    wb = WorkbookData({"Andere": SheetData("Andere", [["x"]])})
    assert locate_table(wb, "Vendoren", ["User-ID"], ["User-ID"], None, findings, _Codes.SHEET_GONE,
                        consequence=" — nichts berechnet") is None
    assert [(f.code, f.message) for f in findings] == [("T-SHEET-GONE", "Blatt 'Vendoren' fehlt — nichts berechnet")]

    findings.clear()
    wb = WorkbookData({"vendoren ": SheetData("vendoren ", [["Vendor"]])})
    assert locate_table(wb, "Vendoren", ["User-ID", "Vendor"], ["User-ID"], None, findings, _Codes.SHEET_GONE) is None
    assert [f.code for f in findings] == [Core.HEADER_MISSING.code]


def test_a_table_is_found_by_a_sheet_name_typed_differently_and_by_an_alias():
    findings: list[Finding] = []
    wb = WorkbookData({" VENDOREN": SheetData(" VENDOREN", [["Benutzer", "Vendor"]])})
    table = locate_table(wb, "Vendoren", ["User-ID", "Vendor"], ["User-ID"], {"User-ID": ["Benutzer"]}, findings,
                         _Codes.SHEET_GONE)
    assert table is not None and findings == []
    assert table.sheet.name == " VENDOREN" and table.cmap.required("User-ID") == 1


def test_data_rows_skip_rows_without_a_value_in_the_given_columns():
    sheet = SheetData("S", [["a", "b", "c"], [None, None, "nur c"], [" ", 1], [], ["x"]])
    assert list(data_rows(sheet, [1, 2])) == [3, 5]
    assert list(data_rows(sheet, [3])) == [2]


def test_rows_by_id_keeps_the_first_row_of_an_id_and_reports_the_rest():
    sheet = _vendors([10000001.0, "Erster", "Ja"], [None, "ohne ID", None], [1.5, "kaputt", None],
                     [None, None, None], ["10000001", "Zweiter", "vielleicht"], ["A-7", "Dritter", "Nein"])
    findings: list[Finding] = []
    table = locate_table(WorkbookData({"Vendoren": sheet}), "Vendoren", ["User-ID", "Vendor", "VIP"], ["User-ID"],
                         None, findings, _Codes.SHEET_GONE)
    assert table is not None
    rd = CellReader(table.sheet, table.cmap, findings)
    read: list[int] = []

    def vendor(row: int, uid: str) -> tuple[object, bool | None]:
        read.append(row)
        return rd.raw(row, "Vendor"), rd.boolean(row, "VIP", uid)

    vendors = rows_by_id(rd, "User-ID", vendor, _Codes.TWICE, "user_id", blank_id=_Codes.NO_ID)
    assert vendors == {"10000001": ("Erster", True), "A-7": ("Dritter", False)}
    assert read == [2, 6, 7]            # a repeated id's row is read too: its own cells are reported
    assert [(f.code, f.cell) for f in findings] == [
        ("T-NO-ID", "A3"), (Core.ID_INVALID.code, "A4"), (Core.BOOL_INVALID.code, "C6"), ("T-TWICE", "A6")]
    assert findings[-1].message == "User-ID 10000001 doppelt (auch Zeile 2)"
