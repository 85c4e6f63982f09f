"""core.due: what is due, read from a workbook as its run leaves it (the Plan's writes applied)."""
from __future__ import annotations

from datetime import date, datetime

from xl_addin.core.due import DueColumns, due_items
from xl_addin.core.plan import CellWrite, Plan
from xl_addin.core.workbook_data import SheetData, WorkbookData

NOW = datetime(2026, 11, 22, 12, 0)
COLS = DueColumns("Liste", ("Nr",), "Aktion", "Fällig", details=("Vorlage",), open_when=("Offen", "Ja"))


def wb(*rows) -> WorkbookData:
    return WorkbookData({"Liste": SheetData("Liste", [["Nr", "Aktion", "Fällig", "Offen", "Vorlage"], *rows])})


def test_open_rows_with_a_due_date_soonest_first_with_overdue_for_dates_and_moments():
    book = wb([1, "a", date(2026, 11, 23), "Ja", "T1"],
              [2, "b", date(2026, 11, 22), "ja", None],            # due today: not overdue yet
              [3, "c", datetime(2026, 11, 22, 12, 0), "Ja", None],  # due now: overdue (Diagonal: now ≥ Fällig am)
              [4, "d", date(2026, 11, 1), "Nein", None],            # not followed
              [5, "e", "kein Datum", "Ja", None],                   # unreadable: the run reports it
              [None, "f", date(2026, 11, 1), "Ja", None],           # no key
              [7, None, date(2026, 11, 1), "Ja", None])             # no action
    items = due_items("k", book, Plan(), COLS, NOW)
    assert [(i.label, i.overdue) for i in items] == [("2", False), ("3", True), ("1", False)]
    assert items[2].details == (("Vorlage", "T1"),) and items[2].row == 2


def test_the_plans_writes_count_not_the_cells_before_the_run():
    book = wb([1, None, None, None, None])
    plan = Plan(writes=[CellWrite("Liste", 2, 2, "senden"), CellWrite("Liste", 2, 3, date(2026, 12, 1)),
                        CellWrite("Liste", 2, 4, "Ja")])
    assert due_items("k", book, Plan(), COLS, NOW) == []
    (item,) = due_items("k", book, plan, COLS, NOW)
    assert (item.key, item.action, item.due) == (("1",), "senden", date(2026, 12, 1))


def test_columns_are_found_by_alias_and_a_missing_column_means_nothing_is_due():
    book = WorkbookData({"Liste": SheetData("Liste", [["Bestellnummer", "Aktion", "Fällig", "Offen"],
                                                      [10004711, "x", date(2026, 12, 1), "Ja"]])})
    assert due_items("k", book, Plan(), COLS, NOW) == []
    (item,) = due_items("k", book, Plan(), COLS, NOW, {"Nr": ["Bestellnummer"]})
    assert item.label == "10004711"


def test_the_workbook_identity_ignores_folder_extension_case_and_blanks():
    from xl_addin.core.ical import event_uid, workbook_identity
    assert workbook_identity(r"Q:\Team\Kundenbetreuung  Diagonal.XLSX") == "kundenbetreuung diagonal"
    assert workbook_identity("/srv/share/Kundenbetreuung Diagonal.xlsm") == "kundenbetreuung diagonal"
    a = event_uid("diagonal", "kundenbetreuung diagonal", ("10004711", "Adressermittlung", "14.11.2026"))
    assert a == event_uid("diagonal", "kundenbetreuung diagonal", ("10004711", "adressermittlung", "14.11.2026"))
    assert a != event_uid("inkasso", "kundenbetreuung diagonal", ("10004711", "Adressermittlung", "14.11.2026"))
    assert a.endswith("@xl-addin")


def test_a_long_action_is_listed_whole_not_shortened_like_a_quote():
    action = "Promessa non rispettata: contattare il cliente " + "e chiedere il motivo " * 12
    wb = WorkbookData({"Ticket": SheetData("Ticket", [["Ticket", "Azione", "Scadenza task"],
                                                      [24219, action, date(2026, 11, 17)]])})
    (item,) = due_items("solleciti", wb, Plan(), DueColumns("Ticket", ("Ticket",), "Azione", "Scadenza task"),
                        datetime(2026, 11, 22, 12, 0))
    assert len(action) > 200 and item.action == " ".join(action.split())
    assert item.key == ("24219",)
