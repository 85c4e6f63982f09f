"""The two generic pieces of the imports (issue 16): a returned file read as a table (separator,
BOM, encoding), and the preview of any Plan against the data it was made from."""
from __future__ import annotations

import codecs
from datetime import date, datetime

from xl_addin.core.plan import (
    CellWrite,
    Plan,
    ProtocolEntry,
    RowAppend,
    RowDelete,
    RowFill,
    RowFont,
    SheetRewrite,
)
from xl_addin.core.preview import colour_name, plan_preview
from xl_addin.core.source import decode_csv, sniff_delimiter, table_from_csv
from xl_addin.core.workbook_data import SheetData, WorkbookData

KNOWN = ["Bestell-ID", "Status", "Betrag"]


def test_semicolon_file_with_decimal_commas_in_every_row_is_read_by_its_header():
    data = b"Bestell-ID;Status;Betrag\n1;Laufend;99,50\n2;Gesperrt;1,00\n"
    t = table_from_csv(data, "x.csv", KNOWN)
    assert t.delimiter == ";" and t.rows == [["Bestell-ID", "Status", "Betrag"], ["1", "Laufend", "99,50"],
                                             ["2", "Gesperrt", "1,00"]]


def test_comma_file_with_quoted_fields_holding_commas_and_line_breaks():
    data = b'Bestell-ID,Status,Betrag\r\n1,"Laufend","1.234,50"\r\n2,"in\r\nzwei Zeilen",3\r\n\r\n'
    t = table_from_csv(data, "x.csv", KNOWN)
    assert t.delimiter == "," and t.rows[1] == ["1", "Laufend", "1.234,50"]
    assert t.rows[2][1] == "in\r\nzwei Zeilen" and len(t.rows) == 3      # the blank last record dropped


def test_a_bom_is_not_part_of_the_first_header_and_utf16_is_read():
    t = table_from_csv(codecs.BOM_UTF8 + b"Bestell-ID;Status\n1;Bezahlt\n", "x.csv", KNOWN)
    assert t.rows[0][0] == "Bestell-ID" and t.encoding == "utf-8-sig"
    t16 = table_from_csv("Bestell-ID\tStatus\n1\tBezahlt\n".encode("utf-16"), "x.csv", KNOWN)
    assert t16.delimiter == "\t" and t16.rows[1] == ["1", "Bezahlt"]


def test_windows_1252_is_the_fallback_and_is_named():
    text, encoding = decode_csv("Übergabe;Gekündigt".encode("cp1252"))
    assert encoding == "cp1252" and text == "Übergabe;Gekündigt"
    assert decode_csv("Übergabe".encode())[1] == "utf-8"


def test_unknown_headers_fall_back_to_the_most_fields():
    assert sniff_delimiter("a,b,c;d\n", []) == ","
    assert sniff_delimiter("a;b;c,d\n", []) == ";"
    assert sniff_delimiter("", []) == ";"


# ---------------------------------------------------------------- preview

def _wb() -> WorkbookData:
    rows = [["id", "Status", "Notiz"], [1, "Gesperrt", None], [2, "Laufend", "x"], [None, None, None], ["", "", ""]]
    return WorkbookData({"Liste": SheetData("Liste", rows), "Protokoll": SheetData("Protokoll", [["Zeit"]])})


def test_preview_lists_changed_cells_rows_fills_rewrites_and_protocol_but_not_unchanged_cells():
    now = datetime(2026, 11, 22, 12, 0)
    plan = Plan(
        writes=[CellWrite("Liste", 2, 2, "Laufend"), CellWrite("Liste", 3, 2, "Laufend"),
                CellWrite("Liste", 2, 3, date(2026, 11, 1))],
        fills=[RowFill("Liste", 2, (1, 2, 3), "FFFF00"), RowFill("Liste", 3, (1, 2, 3), None)],
        appends=[RowAppend("Liste", [[3, "Neu", None]]), RowAppend("Protokoll", [[now]])],
        deletions=[RowDelete("Liste", (3,))],
        rewrites=[SheetRewrite("Prüfung", [["h"], ["a"], ["b"]]), SheetRewrite("Stand", [["h"]], state="veryHidden")],
        protocol=[ProtocolEntry(now, "anna", "Import", "Liste", "1", "B2", "Gesperrt", "Laufend")],
        summary={"Import": 1})
    pv = plan_preview(plan, _wb())
    values = [(c.cell, c.old, c.new) for c in pv.changes if c.kind == "value"]
    assert values == [("B2", "Gesperrt", "Laufend"), ("C2", None, date(2026, 11, 1))]   # B3 shows it already
    added = [c for c in pv.changes if c.kind == "row-added"]
    assert [(c.sheet, c.cell, c.new) for c in added] == [("Liste", "A4:C4", "3 | Neu")]   # below row 3, not row 5
    assert [(c.cell, c.old) for c in pv.changes if c.kind == "row-removed"] == [("A3:C3", "2 | Laufend | x")]
    assert [(c.cell, c.new) for c in pv.changes if c.kind == "fill"] == [("A2:C2", "gelb"), ("A3:C3", "keine Farbe")]
    assert [(c.sheet, c.new) for c in pv.changes if c.kind == "sheet-rewritten"] == [
        ("Prüfung", "2 Zeilen"), ("Stand", "0 Zeilen (sehr versteckt)")]
    assert pv.counts() == {"value": 2, "row-added": 1, "row-removed": 1, "fill": 2, "font": 0, "sheet-rewritten": 2}
    assert pv.counts_text() == ("2 Werte, 1 Zeile neu, 1 Zeile entfernt, 2 Zeilen gefärbt, 2 Blätter neu geschrieben, "
                                "1 Protokollzeile")
    assert list(pv.by_sheet()) == ["Liste", "Prüfung", "Stand"]
    d = pv.as_dict()
    assert d["changes"][1]["new"] == "2026-11-01" and d["protocol"][0]["user"] == "anna"
    assert d["summary"] == {"Import": 1}


def test_text_colours_are_previewed_by_name_per_row():
    plan = Plan(fonts=[RowFont("Liste", 2, (1, 2, 3), "000000"), RowFont("Liste", 3, (2,), None),
                       RowFont("Liste", 4, (), "000000")])
    pv = plan_preview(plan, _wb())
    assert [(c.kind, c.cell, c.new) for c in pv.changes] == [("font", "A2:C2", "schwarz"),
                                                             ("font", "B3:B3", "automatisch")]
    assert pv.counts_text() == "2 Zeilen mit Schriftfarbe"
    assert plan_preview(Plan(), _wb()).counts_text() == "keine Änderungen"


def test_colour_names():
    assert [colour_name(c) for c in ("FFFF00", "ffbfbfbf", "C6EFCE", None, "FFC7CE")] == [
        "gelb", "grau", "grün", "keine Farbe", "#FFC7CE"]


def test_a_change_on_a_keyed_sheet_names_its_rows_key_found_by_header_or_alias():
    wb = WorkbookData({"Liste": SheetData("Liste", [["Status", "Bestell-Nr"], ["Gesperrt", 10004711], ["x", None]])})
    plan = Plan(writes=[CellWrite("Liste", 2, 1, "Laufend"), CellWrite("Liste", 3, 1, "y")],
                deletions=[RowDelete("Liste", (2,))])
    pv = plan_preview(plan, wb, key_columns={"Liste": "order_id"}, aliases={"order_id": ["Bestell-Nr"]})
    assert [(c.kind, c.cell, c.key) for c in pv.changes] == [("value", "A2", "10004711"), ("value", "A3", ""),
                                                            ("row-removed", "A2:B2", "10004711")]
    assert [c.key for c in plan_preview(plan, wb).changes] == ["", "", ""]      # no key column: no key
