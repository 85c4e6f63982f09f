"""WorkbookData: sheet look-up by name and the copy with a plan's writes applied."""
from __future__ import annotations

from xl_addin.core.plan import CellWrite
from xl_addin.core.workbook_data import SheetData, WorkbookData


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
