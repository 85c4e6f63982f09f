"""Build the files that come back to support at the start of December 2026, for the demo workbook
"Inkasso - Cancelled Installments.xlsx" (SPEC §2 "Closing the loop", issue 16):

- ``schulden_export_74561.csv``: the platform's debts export ("Schulden" tab, "CSV exportieren",
  User-ID 74561, "Alle Perioden") as German Excel saves it — ``;``, UTF-8 with BOM, German statuses,
  dates TT.MM.JJJJ, amounts 99,50;
- ``debts_export_63310.csv``: the same export filtered by status, as a script writes it — ``,``, no
  BOM, the English incasso_state values, ids as floats (``10000123.0``), ISO dates;
- ``diagonal_rueckmeldung_2026-10.xlsx``: Diagonal's monthly feedback for October (.xlsx).

Each holds what an agent meets in a real month: status changes (one the SPEC does not allow), blank
dates to fill and one that disagrees, new orders (of an active and of an inactive vendor), a status
nobody can read, orders the export lacks; payments in full and in part, instalments, an uncollectable
case, an order Diagonal names that the list does not know, one that is not at the agency, an event
with a typo. The orders are picked from the committed demo workbook (rows without a "(Demo: …)"
mistake), so the files fit it; the output is deterministic.

    .venv/bin/python workbooks/build_demo_imports.py [--out DIR]
"""
from __future__ import annotations

import argparse
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import xlsxwriter

from xl_addin.core import values as V
from xl_addin.kinds.inkasso import schema as S
from xl_addin.package import read_workbook

DEMO = Path(__file__).resolve().parent / "demo"
WORKBOOK = DEMO / "Inkasso - Cancelled Installments.xlsx"
DEFAULT_OUT = DEMO / "imports"
CREATED = datetime(2026, 12, 1, 9, 0, 0)
SCHULDEN_DE = "schulden_export_74561.csv"
DEBTS_EN = "debts_export_63310.csv"
FEEDBACK = "diagonal_rueckmeldung_2026-10.xlsx"


@dataclass
class Row:
    row: int
    vendor: str
    order: str
    values: Mapping[str, object]

    def get(self, header: str) -> object:
        return self.values.get(header)

    @property
    def debt(self) -> str | None:
        return V.match_choice(self.get(S.M_DEBT_STATUS), S.DEBT_STATUSES)

    @property
    def state(self) -> str | None:
        return V.match_choice(self.get(S.M_INCASSO_STATE), S.INCASSO_STATES)


def orders() -> list[Row]:
    sheet = read_workbook(WORKBOOK).sheet(S.SHEET_MASTER)
    assert sheet is not None
    head = [V.norm_text(h) for h in sheet.rows[0]]
    out = []
    for r, values in enumerate(sheet.rows[1:], start=2):
        d = dict(zip(head, values, strict=False))
        if "(Demo:" in V.norm_text(d.get(S.M_NOTES)) or V.is_blank(d.get(S.M_ORDER_ID)):
            continue
        out.append(Row(r, V.parse_id(d[S.M_VENDOR_ID]) or "", V.parse_id(d[S.M_ORDER_ID]) or "", d))
    return out


def _de(value: object) -> str:
    return V.format_date_de(value) if isinstance(value, (date, datetime)) else ""


def _amount_de(value: object) -> str:
    return f"{float(value):.2f}".replace(".", ",") if isinstance(value, (int, float)) else ""


def _pick(rows: list[Row], test, n: int = 1) -> list[Row]:
    hits = [r for r in rows if test(r)]
    assert len(hits) >= n, f"the demo workbook has too few orders for this case ({len(hits)} < {n})"
    return hits[:n]


# --------------------------------------------------------------------------- the debts export (German)

def schulden_export(rows: list[Row]) -> bytes:
    """Vendor 74561, every period, every status; as German Excel saves a CSV."""
    mine = [r for r in rows if r.vendor == "74561"]
    with_two = [r for r in mine if r.get(S.M_SECOND_LETTER) and r.state is None and r.debt == S.DEBT_RUNNING
                and not r.get(S.M_INCASSO_DATE)]
    handed = with_two[0]                                              # Laufend -> Ans Inkasso übergeben
    locked = [r for r in mine if r.debt == S.DEBT_LOCKED and not r.get(S.M_FIRST_LETTER)]
    illegal, starts = locked[0], locked[1]                             # Gesperrt -> übergeben / -> Laufend
    disagree = _pick(mine, lambda r: isinstance(r.get(S.M_FIRST_LETTER), (date, datetime))
                     and r not in (handed, illegal, starts))[0]
    typo = _pick(mine, lambda r: r.debt == S.DEBT_CANCELLED)[0]
    left_out = _pick(mine, lambda r: r.debt == S.DEBT_PAID)[0]        # the export lacks it: reported
    lines = [["Bestell-ID", "User-ID", "Status", "1. Mahnung", "2. Mahnung", "Übergabe Inkasso", "Betrag",
              "Vorname", "Nachname", "Produkt"]]
    for r in mine:
        if r is left_out:
            continue
        status = r.debt or ""
        first, second, handover = r.get(S.M_FIRST_LETTER), r.get(S.M_SECOND_LETTER), r.get(S.M_INCASSO_DATE)
        if r is handed:
            status, handover = S.DEBT_SENT, date(2026, 11, 20)
        elif r is illegal:
            status = S.DEBT_SENT
        elif r is starts:
            status, first = S.DEBT_RUNNING, date(2026, 11, 2)
        elif r is disagree:
            first = V.parse_date(first)
            assert isinstance(first, (date, datetime))
            first = date(first.year, first.month, first.day + 1 if first.day < 28 else 1)
        elif r is typo:
            status = "Gekuendigt"
        lines.append([r.order, r.vendor, status, _de(first), _de(second), _de(handover),
                      _amount_de(r.get(S.M_AMOUNT)), V.norm_text(r.get(S.M_FIRST_NAME)),
                      V.norm_text(r.get(S.M_LAST_NAME)), V.norm_text(r.get(S.M_PRODUCT))])
    lines.append(["10099001", "74561", S.DEBT_LOCKED, "", "", "", "89,00", "Lea", "Brandt", "Yoga-Retreat Online"])
    lines.append(["10099002", "74561", S.DEBT_LOCKED, "", "", "", "149,50", "Tom", "Kühn", "Yoga Jahresabo"])
    text = "\r\n".join(";".join(_csv_field(c, ";") for c in line) for line in lines) + "\r\n"
    return "\ufeff".encode() + text.encode("utf-8")


def _csv_field(value: str, delimiter: str) -> str:
    if any(ch in value for ch in (delimiter, '"', "\n", "\r")):
        return '"' + value.replace('"', '""') + '"'
    return value


# --------------------------------------------------------------------------- the debts export (English)

def debts_export(rows: list[Row]) -> bytes:
    """Vendor 63310, filtered by status (at the agency, paid), as a script writes it; plus the order
    of a vendor who left the dunning (70415) that turned up in the same download."""
    mine = [r for r in rows if r.vendor == "63310"]
    out = [["order_id", "vendor_id", "incasso_state", "first_dunning_letter", "second_dunning_letter",
            "incasso_date"]]

    def iso(value: object) -> str:
        d = V.parse_date(value) if not V.is_blank(value) else None
        return f"{d:%Y-%m-%d}" if d else ""

    for r in mine:
        if r.state in (S.STATE_SENT, S.STATE_PAID):
            out.append([f"{r.order}.0", f"{r.vendor}.0", r.state, iso(r.get(S.M_FIRST_LETTER)),
                        iso(r.get(S.M_SECOND_LETTER)), iso(r.get(S.M_INCASSO_DATE))])
    moving = _pick(mine, lambda r: r.state is None and r.debt == S.DEBT_RUNNING
                   and bool(r.get(S.M_SECOND_LETTER)) and not r.get(S.M_INCASSO_DATE))[0]
    out.append([f"{moving.order}.0", "63310.0", S.STATE_SENT, iso(moving.get(S.M_FIRST_LETTER)),
                iso(moving.get(S.M_SECOND_LETTER)), "2026-11-25"])
    out.append(["10099003.0", "70415.0", S.STATE_SENT, "2026-08-01", "2026-08-15", "2026-09-01"])
    return ("\n".join(",".join(line) for line in out) + "\n").encode("utf-8")


# --------------------------------------------------------------------------- Diagonal's feedback

def feedback_rows(rows: list[Row]) -> list[list[object]]:
    at_agency = [r for r in rows if r.state == S.STATE_SENT and r.get(S.M_INCASSO_DATE)
                 and not V.norm_text(r.get(S.M_NOTES)).startswith("Diagonal")
                 and r.vendor != "81107" and isinstance(r.get(S.M_AMOUNT), (int, float))]
    assert len(at_agency) >= 6, "the demo workbook has too few orders at the agency"
    paid, part, rates, lost, busy, part2 = at_agency[:6]
    not_there = _pick(rows, lambda r: r.debt == S.DEBT_LOCKED and not r.get(S.M_INCASSO_DATE)
                      and r.vendor != "70415")[0]
    return [
        ["Aktenzeichen Gläubiger", "Schuldner", "Ereignis", "Zahlung", "Datum"],
        [int(paid.order), _name(paid), "bezahlt", V.parse_amount(paid.get(S.M_AMOUNT)) or 0.0, datetime(2026, 10, 28)],
        [int(part.order), _name(part), "teilbezahlt", 50.0, datetime(2026, 10, 15)],
        [int(part2.order), _name(part2), "teilbezalt", 25.0, datetime(2026, 10, 30)],
        [int(rates.order), _name(rates), "Ratenzahlung", None, datetime(2026, 10, 20)],
        [int(lost.order), _name(lost), "uneinbringlich", None, datetime(2026, 10, 31)],
        [int(busy.order), _name(busy), "in Bearbeitung", None, datetime(2026, 10, 31)],
        [10098765, "Unbekannt, Max", "bezahlt", 120.0, datetime(2026, 10, 12)],
        [int(not_there.order), _name(not_there), "teilbezahlt", 30.0, datetime(2026, 10, 9)],
    ]


def _name(r: Row) -> str:
    return f"{V.norm_text(r.get(S.M_LAST_NAME))}, {V.norm_text(r.get(S.M_FIRST_NAME))}"


def write_feedback(path: Path, rows: list[list[object]]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    wb = xlsxwriter.Workbook(str(tmp), {"strings_to_numbers": False, "strings_to_formulas": False})
    wb.set_properties({"title": "Rückmeldung Oktober 2026", "author": "Diagonal Inkasso", "created": CREATED})
    ws = wb.add_worksheet("Rückmeldung 10-2026")
    bold = wb.add_format({"bold": True})
    day = wb.add_format({"num_format": "dd.mm.yyyy"})
    money = wb.add_format({"num_format": "#,##0.00 €"})
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            if value is None:
                continue
            if r == 0:
                ws.write_string(r, c, str(value), bold)
            elif isinstance(value, datetime):
                ws.write_datetime(r, c, value, day)
            elif isinstance(value, float):
                ws.write_number(r, c, value, money)
            else:
                ws.write(r, c, value)
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 24)
    ws.set_column(2, 4, 16)
    wb.close()
    tmp.replace(path)


def build(out_dir: Path = DEFAULT_OUT) -> list[Path]:
    rows = orders()
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in ((SCHULDEN_DE, schulden_export(rows)), (DEBTS_EN, debts_export(rows))):
        (out_dir / name).write_bytes(data)
        written.append(out_dir / name)
    write_feedback(out_dir / FEEDBACK, feedback_rows(rows))
    written.append(out_dir / FEEDBACK)
    return written


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    for path in build(ap.parse_args().out):
        print(f"geschrieben: {path}")


if __name__ == "__main__":
    main()
