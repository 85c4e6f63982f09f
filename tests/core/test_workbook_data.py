"""WorkbookData: sheet look-up by name and the copy with a plan's writes applied."""
from __future__ import annotations

from xl_addin.core.plan import CellWrite
from xl_addin.core.workbook_data import SheetData, WorkbookData, find_sheet, sheet_key


def _book() -> WorkbookData:
    return WorkbookData({"Fälle": SheetData("Fälle", [["A", "B"], [1]]), "Andere": SheetData("Andere", [["x"]])},
                        "t.xlsx")


def test_writes_are_applied_to_a_copy_growing_rows_and_columns():
    wb = _book()
    after = wb.with_writes([CellWrite("fälle", 2, 3, "neu"), CellWrite("Fälle", 4, 1, 7),
                            CellWrite("Fälle", 2, 3, "zuletzt")])
    assert after.sheets["Fälle"].rows == [["A", "B"], [1, None, "zuletzt"], [], [7]]
    assert wb.sheets["Fälle"].rows == [["A", "B"], [1]]              # the original is untouched
    assert after.sheets["Andere"] is wb.sheets["Andere"] and after.source == "t.xlsx"


def test_no_writes_and_unknown_sheets_leave_the_book_as_it_is():
    wb = _book()
    assert wb.with_writes([]) is wb
    assert wb.with_cells("Fehlt", {(1, 1): "x"}) is wb


def test_sheet_names_match_ignoring_case_and_blanks_exact_name_first():
    names = ["Fälle", " fälle", "Warten  auf Freigabe"]
    assert find_sheet(names, " fälle") == " fälle"
    assert find_sheet(names, "FÄLLE") == "Fälle"
    assert find_sheet(names, "warten auf freigabe ") == "Warten  auf Freigabe"
    assert find_sheet(names, "Fall") is None
    assert sheet_key("  Warten\u00a0auf  Freigabe ") == "warten auf freigabe"
    assert _book().sheet("ANDERE").name == "Andere"
