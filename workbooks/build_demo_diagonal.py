"""Build the realistic demo workbook "Kundenbetreuung Diagonal.xlsx" (SPEC §1, seed 000).

The mailbox "Diagonal/Debtist" as a support team keeps it: every Anfrageart and every Schritt, VIP
and plain vendors, Debtist requests, the boundaries of every timer around "now", closed cases of
the last weeks — and about a dozen rows with the typical input mistakes of real agents (each
marked "(Demo: …)" in Notiz/Kommentar). Written with XlsxWriter (a different writer than the
template) with what agents add themselves: a column "Bearbeiter" with its own drop-down, hand-made
yellow/grey fills and one light-red cell, a comment, a conditional format on Überfällig, a defined
name, and a sheet "Übersicht" with COUNTIF formulas and a chart.

"Now" for the demo is Sunday 22.11.2026 12:00: run the product with ``--now 2026-11-22T12:00``.
Deterministic (fixed seed, fixed document dates).

    .venv/bin/python workbooks/build_demo_diagonal.py [--out DIR]
"""
from __future__ import annotations

import argparse
import hashlib
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from xl_addin.core.layout import settings_rows
from xl_addin.core.plan import DATE_FORMAT, DATETIME_FORMAT
from xl_addin.kinds.diagonal import schema as S
from xl_addin.templates import COMPUTED_NOTE

NOW = datetime(2026, 11, 22, 12, 0)
CREATED = datetime(2026, 9, 1, 8, 0, 0)
SEED = 20261122
FILE_NAME = "Kundenbetreuung Diagonal.xlsx"
DEFAULT_OUT = Path(__file__).resolve().parent / "demo"
YELLOW, GREY, LIGHT_RED = "#FFFF00", "#BFBFBF", "#FFC7CE"
AGENT_COLUMN = "Bearbeiter"
AGENTS = ["AK", "MS", "LT", "JR"]
SUMMARY_SHEET = "Übersicht"


@dataclass(frozen=True)
class Vendor:
    user_id: int
    name: str
    email: str
    vip: str | None          # "Ja" / "Nein" / None (not maintained)
    direct: str = "Nein"
    wa_group: str = ""


VENDORS = [
    Vendor(51234, "Lernakademie Sommer GmbH", "kontakt@lernakademie-sommer.de", "Nein"),
    Vendor(60877, "Coaching Weber & Partner", "team@weber-coaching.de", "Ja", wa_group="VIP Weber Coaching"),
    Vendor(63310, "SoftwareWerk Nord UG", "buchhaltung@softwarewerk-nord.de", "Nein", direct="Ja"),
    Vendor(72098, "Finanzwissen Hoffmann", "support@finanzwissen-hoffmann.de", "Nein"),
    Vendor(74561, "Yoga-Schule Lichtblick", "info@yoga-lichtblick.de", "Ja", wa_group="VIP Lichtblick"),
    Vendor(77820, "Marketing Masterclass Braun", "office@braun-marketing.de", "Nein"),
    Vendor(79424, "Sprachakademie Krüger", "kontakt@sprachakademie-krueger.de", None),   # VIP not maintained
]
BY_ID = {v.user_id: v for v in VENDORS}
PLAIN = [51234, 63310, 72098, 77820]
VIPS = [60877, 74561]


class RawFloat(float):
    """An id the agent's file holds as a floating-point number in General format."""


@dataclass
class Case:
    scenario: str
    request_type: object
    step: object
    since: object
    user_id: int
    reply: object = None
    vip: object = None
    note: str = ""
    agency: object = None
    order_id: object = None
    day: object = None
    email: object = None
    fill_reply: str | None = None
    fill_row: str | None = None
    fill_note: str | None = None
    comment: str = ""
    stale_action: str | None = None
    agent: str = ""
    row: int = 0
    defect: bool = False
    extra: dict = field(default_factory=dict)


def at(day: int, hour: int = 9, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute)


def scenarios() -> list[Case]:
    """Every row of the SPEC §1 step table around "now" (Sunday 22.11.2026 12:00)."""
    c: list[Case] = []
    add = c.append
    # -- Neu
    add(Case("Neu: 306 Adressermittlung", S.T_ADDRESS, S.S_NEW, at(21, 10, 15), 51234))
    add(Case("Neu: 306 Einwohneranfrage", S.T_RESIDENT, S.S_NEW, at(20, 14, 2), 72098))
    add(Case("Neu: 306 Betreibungsauszug (VIP)", S.T_EXTRACT, S.S_NEW, at(22, 8, 40), 60877))
    add(Case("Neu: Hausbesuch (VIP) → ablehnen", S.T_HOME_VISIT, S.S_NEW, at(19, 11, 0), 74561))
    add(Case("Neu: Hausbesuch → ablehnen", S.T_HOME_VISIT, S.S_NEW, at(21, 9, 5), 77820))
    add(Case("Neu: 308 Gläubigeranfrage", S.T_CREDITOR, S.S_NEW, at(20, 16, 30), 63310))
    add(Case("Neu: 308 Diagonalliste (nur Datum)", S.T_LIST, S.S_NEW, date(2026, 11, 19), 51234))
    add(Case("Neu: 309 Zahlungsanfrage", S.T_PAYMENT, S.S_NEW, at(21, 13, 20), 72098))
    add(Case("Neu: Debtist-Adresse", S.T_DEBTIST_ADDRESS, S.S_NEW, at(20, 10, 0), 77820, agency=S.DEBTIST))
    add(Case("Neu: Debtist-Rechnung", S.T_DEBTIST_INVOICE, S.S_NEW, at(21, 11, 30), 51234, agency=S.DEBTIST))
    add(Case("Neu: Debtist-Zahlung (erst Vendor fragen)", S.T_DEBTIST_PAYMENT, S.S_NEW, at(22, 9, 10), 60877,
             agency=S.DEBTIST))
    add(Case("Neu: Debtist-Storno", S.T_DEBTIST_CANCEL, S.S_NEW, at(18, 15, 45), 63310, agency=S.DEBTIST))
    add(Case("Neu ohne Schritt seit: zählt ab Datum", S.T_ADDRESS, None, None, 79424, day="21.11.26"))
    # -- Vendor informiert (48 h)
    add(Case("Vendor informiert: genau 48 h → überfällig", S.T_ADDRESS, S.S_VENDOR_INFORMED, at(20, 12, 0), 51234,
             fill_reply=YELLOW))
    add(Case("Vendor informiert: 47 h 59 min → noch nicht", S.T_RESIDENT, S.S_VENDOR_INFORMED, at(20, 12, 1), 72098,
             fill_reply=YELLOW))
    add(Case("Vendor informiert: fällig Montag", S.T_CREDITOR, S.S_VENDOR_INFORMED, at(21, 9, 45), 77820))
    add(Case("Vendor informiert: seit Dienstag", S.T_LIST, S.S_VENDOR_INFORMED, at(17, 10, 0), 63310,
             fill_reply=YELLOW))
    add(Case("Vendor informiert: Freitag 17:10 + 48 h = Sonntag", S.T_PAYMENT, S.S_VENDOR_INFORMED,
             at(20, 17, 10), 51234))
    add(Case("Vendor informiert: Debtist-Zahlung", S.T_DEBTIST_PAYMENT, S.S_VENDOR_INFORMED, at(20, 10, 0), 72098,
             agency=S.DEBTIST))
    add(Case("Vendor informiert: nur Datum", S.T_EXTRACT, S.S_VENDOR_INFORMED, date(2026, 11, 20), 77820))
    add(Case("Zustimmung → Notiz für Rechnungsstellung", S.T_ADDRESS, S.S_VENDOR_INFORMED, at(19, 14, 0), 51234,
             reply=S.R_ACCEPT, note="Vendor übernimmt die Kosten (Mail 21.11.)", fill_reply=YELLOW))
    add(Case("Storno bestätigt → stornieren", S.T_CREDITOR, S.S_VENDOR_INFORMED, at(18, 9, 0), 72098,
             reply=S.R_CANCEL_CONFIRMED))
    add(Case("Ablehnung → Notiz", S.T_RESIDENT, S.S_VENDOR_INFORMED, at(19, 16, 0), 77820, reply=S.R_DECLINE))
    add(Case("andere Entscheidung → Notiz", S.T_CREDITOR, S.S_VENDOR_INFORMED, at(18, 11, 0), 63310,
             reply=S.R_OTHER, note="Vendor klärt direkt mit dem Kunden"))
    add(Case("Debtist-Zahlung: Vendor einverstanden", S.T_DEBTIST_PAYMENT, S.S_VENDOR_INFORMED, at(19, 9, 30), 51234,
             agency=S.DEBTIST, reply=S.R_ACCEPT))
    # -- Erinnert (24 h)
    add(Case("Erinnert, kein VIP: stornieren (überfällig)", S.T_ADDRESS, S.S_REMINDED, at(21, 8, 0), 72098,
             fill_reply=YELLOW))
    add(Case("Erinnert, VIP: VIP-Manager informieren (15:00)", S.T_PAYMENT, S.S_REMINDED, at(21, 15, 0), 60877))
    add(Case("Erinnert, VIP laut Spalte", S.T_CREDITOR, S.S_REMINDED, at(20, 10, 30), 74561, vip="Ja"))
    add(Case("Erinnert, VIP unbekannt → klären", S.T_LIST, S.S_REMINDED, at(21, 10, 0), 79424, defect=True,
             note="(Demo: VIP leer, Vendor ohne VIP-Eintrag)"))
    add(Case("Erinnert, Zustimmung (VIP)", S.T_EXTRACT, S.S_REMINDED, at(20, 9, 0), 60877, reply=S.R_ACCEPT))
    # -- VIP-Manager informiert (2/3 days)
    add(Case("VIP-Manager informiert: Tag 2 → fällig, nicht überfällig", S.T_ADDRESS, S.S_VIP_MANAGER, at(20, 12, 0),
             60877, fill_reply=YELLOW))
    add(Case("VIP-Manager informiert: Tag 3 → überfällig", S.T_CREDITOR, S.S_VIP_MANAGER, at(19, 12, 0), 74561))
    add(Case("VIP-Manager informiert: fällig Montag", S.T_PAYMENT, S.S_VIP_MANAGER, at(21, 9, 0), 60877))
    # -- Kostenübernahme / Rechnung
    add(Case("Kostenübernahme zugesagt → Rechnung erstellen", S.T_ADDRESS, S.S_COSTS_ACCEPTED, at(20, 11, 0), 51234,
             reply=S.R_ACCEPT))
    add(Case("Kostenübernahme zugesagt (VIP)", S.T_RESIDENT, S.S_COSTS_ACCEPTED, at(21, 16, 0), 74561,
             reply=S.R_ACCEPT))
    add(Case("Rechnung gesendet: Frist läuft bis 25.11.", S.T_ADDRESS, S.S_INVOICE_SENT, at(18, 10, 0), 72098,
             reply=S.R_ACCEPT, note="RE-2026-11-0412", fill_reply=YELLOW))
    add(Case("Rechnung gesendet: Frist am Samstag abgelaufen", S.T_EXTRACT, S.S_INVOICE_SENT, at(14, 9, 0), 77820,
             reply=S.R_ACCEPT, note="RE-2026-11-0377"))
    add(Case("Rechnung gesendet: genau 7 Tage", S.T_RESIDENT, S.S_INVOICE_SENT, at(15, 12, 0), 63310,
             reply=S.R_ACCEPT, note="RE-2026-11-0381"))
    add(Case("Rechnung gesendet, dann Storno bestätigt", S.T_ADDRESS, S.S_INVOICE_SENT, at(16, 9, 0), 51234,
             reply=S.R_CANCEL_CONFIRMED))
    add(Case("Rechnung erinnert, kein VIP: stornieren", S.T_ADDRESS, S.S_INVOICE_REMINDED, at(20, 9, 0), 72098,
             reply=S.R_ACCEPT, note="RE-2026-11-0311"))
    add(Case("Rechnung erinnert, VIP: VIP-Manager (14:00)", S.T_EXTRACT, S.S_INVOICE_REMINDED, at(21, 14, 0), 60877,
             reply=S.R_ACCEPT, note="RE-2026-11-0350"))
    # -- closed
    closed = [(S.T_ADDRESS, S.S_PAID, "bezahlt am 12.11."), (S.T_RESIDENT, S.S_CANCELLED, "Stornierung vom Vendor "
              "bestätigt"), (S.T_HOME_VISIT, S.S_DECLINED, "Hausbesuch abgelehnt"), (S.T_DEBTIST_ADDRESS, S.S_DONE, ""),
              (S.T_LIST, S.S_DONE, "Nachweise hochgeladen"),
              (S.T_PAYMENT, S.S_DONE, "Beleg passt, Diagonal informiert"),
              (S.T_CREDITOR, S.S_CANCELLED, "keine Rückmeldung nach Erinnerung"), (S.T_EXTRACT, S.S_PAID, ""),
              (S.T_DEBTIST_CANCEL, S.S_DONE, ""), (S.T_DEBTIST_PAYMENT, S.S_DECLINED, "Vendor lehnt Ratenzahlung ab"),
              (S.T_ADDRESS, S.S_CANCELLED, S.NOTE_VIP_GRACE), (S.T_DEBTIST_INVOICE, S.S_DONE, "")]
    for i, (t, step, note) in enumerate(closed):
        add(Case(f"abgeschlossen: {step}", t, step, at(2 + i, 10 + i % 6, 15), [51234, 60877, 72098, 63310][i % 4],
                 agency=S.agency_of(t), note=note, fill_row=GREY if i % 3 else None,
                 reply=S.R_ACCEPT if step == S.S_PAID else None))
    # -- typical mistakes (Notiz says what is wrong)
    add(Case("Fehler: Schritt vertippt", S.T_ADDRESS, "Vendor infomiert", at(20, 9, 0), 51234, defect=True,
             note="(Demo: Schritt vertippt)"))
    add(Case("Fehler: Anfrageart vertippt", "Adresermittlung", S.S_NEW, at(21, 9, 0), 72098, defect=True,
             note="(Demo: Anfrageart vertippt)"))
    add(Case("Fehler: 31.11. gibt es nicht", S.T_CREDITOR, S.S_VENDOR_INFORMED, "31.11.2026 10:00", 77820,
             defect=True, note="(Demo: Datum 31.11.)"))
    add(Case("Fehler: US-Datum", S.T_RESIDENT, S.S_REMINDED, "11/19/2026", 51234, defect=True,
             note="(Demo: Datum MM/TT/JJJJ)"))
    add(Case("Fehler: Bestell-ID fehlt", S.T_PAYMENT, S.S_NEW, at(22, 10, 0), 63310, defect=True, order_id="",
             note="(Demo: Bestell-ID fehlt)"))
    add(Case("Fehler: Agentur passt nicht", S.T_DEBTIST_INVOICE, S.S_NEW, at(22, 7, 50), 72098, defect=True,
             agency=S.DIAGONAL, note="(Demo: Debtist-Anfrage als Diagonal)"))
    add(Case("Fehler: private E-Mail", S.T_ADDRESS, S.S_VENDOR_INFORMED, at(21, 11, 0), 77820, defect=True,
             email="m.braun@gmail.com", note="(Demo: nicht die Adresse aus 'Users')"))
    add(Case("Fehler: Rückmeldung vertippt", S.T_ADDRESS, S.S_REMINDED, at(21, 9, 0), 51234, defect=True,
             reply="Zustimung", note="(Demo: Rückmeldung vertippt)"))
    add(Case("Fehler: Rechnung gesendet ohne Schritt seit", S.T_RESIDENT, S.S_INVOICE_SENT, None, 72098,
             defect=True, reply=S.R_ACCEPT, note="(Demo: Schritt seit fehlt)"))
    add(Case("ok: Schritt klein mit Leerzeichen", S.T_ADDRESS, " erinnert ", at(21, 12, 30), 63310,
             note="(Demo: ' erinnert ' wird erkannt)"))
    add(Case("ok: Bestell-ID als Kommazahl", S.T_CREDITOR, S.S_NEW, at(22, 11, 0), 51234,
             order_id=RawFloat(10004711.0), note="(Demo: ID als Zahl 10004711,0 gespeichert)"))
    add(Case("ok: VIP laut Spalte widerspricht Vendoren", S.T_RESIDENT, S.S_REMINDED, at(21, 17, 0), 51234,
             vip="Ja", defect=True, note="(Demo: VIP Ja, Vendoren sagt Nein)"))
    return c


def finish_cases(cases: list[Case]) -> list[Case]:
    rng = random.Random(SEED)
    order_id = 10003400
    for c in cases:
        order_id += rng.randint(3, 40)
        if c.order_id is None:
            c.order_id = order_id
        if c.agency is None and isinstance(c.request_type, str) and c.request_type in S.REQUEST_TYPES:
            c.agency = S.agency_of(c.request_type)
        elif c.agency is None:
            c.agency = S.DIAGONAL
        if c.email is None:
            c.email = BY_ID[c.user_id].email
        since = c.since
        start = since if isinstance(since, (date, datetime)) else NOW - timedelta(days=3)
        if c.day is None:
            back = 0 if c.step in (S.S_NEW, None) else rng.randint(2, 9)
            day = start - timedelta(days=back)
            c.day = day.date() if isinstance(day, datetime) else day
        c.agent = rng.choice(AGENTS)
        if c.vip is None and rng.random() < 0.2:
            c.vip = BY_ID[c.user_id].vip
    cases.sort(key=lambda c: (c.day if isinstance(c.day, date) else date(2026, 11, 21), c.order_id or 0))
    # a few computed cells still hold last week's values; one Notiz carries an agent's comment
    for c in cases:
        if c.scenario.startswith("Erinnert, kein VIP"):
            c.stale_action = "Auf Rückmeldung warten; ohne Antwort Erinnerung senden, 24 h snoozen"
        if c.scenario.startswith("Zustimmung"):
            c.fill_note = LIGHT_RED
            c.comment = "Rechnung bitte erst nach Rücksprache mit dem Vendor (JR)"
        if c.scenario.startswith("Neu: Hausbesuch →"):
            c.fill_reply = YELLOW        # coloured by hand although nothing is waiting yet
    return cases


HEADERS = S.CASE_INPUT_HEADERS[:-1] + [AGENT_COLUMN, S.C_NOTE] + S.CASE_COMPUTED_HEADERS
WIDTHS = {S.C_DATE: 11, S.C_AGENCY: 9, S.C_TYPE: 18, S.C_ORDER_ID: 11, S.C_USER_ID: 8, S.C_EMAIL: 31,
          S.C_VIP: 5, S.C_STEP: 23, S.C_SINCE: 16, S.C_REPLY: 19, AGENT_COLUMN: 10, S.C_NOTE: 44,
          S.C_NEXT: 70, S.C_SAVED_REPLY: 30, S.C_DUE: 16, S.C_OVERDUE: 10}


class Formats:
    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        self.wb, self.cache = wb, {}

    def get(self, num_format: str | None = None, fill: str | None = None, **extra):
        key = (num_format, fill, tuple(sorted(extra.items())))
        if key not in self.cache:
            props = dict(extra)
            if num_format:
                props["num_format"] = num_format
            if fill:
                props.update(pattern=1, bg_color=fill)
            self.cache[key] = self.wb.add_format(props) if props else None
        return self.cache[key]


def write_value(ws, fmt: Formats, row: int, col: int, value, fill: str | None) -> None:
    if isinstance(value, RawFloat):
        ws.write_number(row, col, float(value), fmt.get(None, fill))
    elif isinstance(value, datetime):
        ws.write_datetime(row, col, value, fmt.get(DATETIME_FORMAT, fill))
    elif isinstance(value, date):
        ws.write_datetime(row, col, datetime(value.year, value.month, value.day), fmt.get(DATE_FORMAT, fill))
    elif isinstance(value, (int, float)):
        ws.write_number(row, col, value, fmt.get(None, fill))
    elif isinstance(value, str) and value:
        ws.write_string(row, col, value, fmt.get(None, fill))
    elif fill:
        ws.write_blank(row, col, None, fmt.get(None, fill))


def write_cases(wb, fmt: Formats, cases: list[Case]) -> None:
    ws = wb.add_worksheet(S.SHEET_CASES)
    head = fmt.get(None, "#DDEBF7", bold=True, bottom=1)
    computed_head = fmt.get(None, "#E7E6E6", bold=True, italic=True, font_color="#595959", bottom=1)
    for col, h in enumerate(HEADERS):
        if h in S.CASE_COMPUTED_HEADERS:
            ws.write_string(0, col, h, computed_head)
            ws.write_comment(0, col, COMPUTED_NOTE, {"author": "xl_addin"})
        else:
            ws.write_string(0, col, h, head)
        ws.set_column(col, col, WIDTHS.get(h, 12))
    ws.freeze_panes(1, 0)
    idx = {h: i for i, h in enumerate(HEADERS)}
    for r, c in enumerate(cases, start=1):
        c.row = r + 1
        values = {S.C_DATE: c.day, S.C_AGENCY: c.agency, S.C_TYPE: c.request_type, S.C_ORDER_ID: c.order_id,
                  S.C_USER_ID: c.user_id, S.C_EMAIL: c.email, S.C_VIP: c.vip, S.C_STEP: c.step, S.C_SINCE: c.since,
                  S.C_REPLY: c.reply, AGENT_COLUMN: c.agent, S.C_NOTE: c.note, S.C_NEXT: c.stale_action}
        for h, i in idx.items():
            fill = c.fill_row or (c.fill_reply if h == S.C_REPLY else None) or (c.fill_note if h == S.C_NOTE else None)
            write_value(ws, fmt, r, i, values.get(h), fill)
        if c.comment:
            ws.write_comment(r, idx[S.C_NOTE], c.comment, {"author": "JR"})
    last = len(cases) + 200
    ws.autofilter(0, 0, len(cases), len(HEADERS) - 1)
    lists = {S.C_AGENCY: S.AGENCIES, S.C_TYPE: S.REQUEST_TYPES, S.C_STEP: S.STEPS, S.C_REPLY: S.REPLIES,
             S.C_VIP: [S.YES, S.NO], AGENT_COLUMN: AGENTS}
    for h, values in lists.items():
        ws.data_validation(1, idx[h], last, idx[h], {"validate": "list", "source": values,
                                                     "error_type": "information" if h == S.C_STEP else "stop"})
    overdue = xl_col_to_name(idx[S.C_OVERDUE])
    ws.conditional_format(f"{overdue}2:{overdue}{last}", {"type": "cell", "criteria": "==", "value": '"Ja"',
                                                          "format": wb.add_format({"font_color": "#9C0006",
                                                                                   "bold": True})})
    wb.define_name("Fallliste", f"='{S.SHEET_CASES}'!$A$1:${xl_col_to_name(len(HEADERS) - 1)}${len(cases) + 1}")


def write_vendors(wb, fmt: Formats) -> None:
    ws = wb.add_worksheet(S.SHEET_VENDORS)
    head = fmt.get(None, "#DDEBF7", bold=True, bottom=1)
    for col, (h, w) in enumerate(zip(S.VENDOR_HEADERS, [10, 30, 34, 6, 18, 22], strict=True)):
        ws.write_string(0, col, h, head)
        ws.set_column(col, col, w)
    for r, v in enumerate(VENDORS, start=1):
        for col, value in enumerate([v.user_id, v.name, v.email, v.vip, v.direct, v.wa_group]):
            write_value(ws, fmt, r, col, value, None)
    ws.freeze_panes(1, 0)


def write_settings(wb, fmt: Formats) -> None:
    ws = wb.add_worksheet(S.SHEET_SETTINGS)
    rows = settings_rows(S.SETTINGS)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if r:
                write_value(ws, fmt, r, c, value, None)
            else:
                ws.write_string(r, c, value, fmt.get(None, None, bold=True))
    ws.set_column(0, 0, 32)
    ws.set_column(1, 1, 34)
    ws.set_column(2, 2, 90)


def write_summary(wb, fmt: Formats) -> None:
    ws = wb.add_worksheet(SUMMARY_SHEET)
    ws.write_string(0, 0, "Schritt", fmt.get(None, None, bold=True))
    ws.write_string(0, 1, "Fälle", fmt.get(None, None, bold=True))
    step_col = xl_col_to_name(HEADERS.index(S.C_STEP))
    for r, step in enumerate(S.STEPS, start=1):
        ws.write_string(r, 0, step)
        ws.write_formula(r, 1, f"=COUNTIF('{S.SHEET_CASES}'!{step_col}:{step_col},A{r + 1})")
    n = len(S.STEPS)
    ws.write_string(n + 2, 0, "Überfällig")
    over_col = xl_col_to_name(HEADERS.index(S.C_OVERDUE))
    ws.write_formula(n + 2, 1, f"=COUNTIF('{S.SHEET_CASES}'!{over_col}:{over_col},\"Ja\")")
    ws.set_column(0, 0, 26)
    chart = wb.add_chart({"type": "bar"})
    chart.add_series({"name": "Fälle je Schritt", "categories": [SUMMARY_SHEET, 1, 0, n, 0],
                      "values": [SUMMARY_SHEET, 1, 1, n, 1], "fill": {"color": "#5B9BD5"}})
    chart.set_title({"name": "Fälle je Schritt"})
    chart.set_legend({"none": True})
    ws.insert_chart(1, 3, chart)


def build(out_dir: Path) -> tuple[Path, list[Case]]:
    cases = finish_cases(scenarios())
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / FILE_NAME
    tmp = path.with_name(path.name + ".tmp")
    wb = xlsxwriter.Workbook(str(tmp), {"strings_to_numbers": False, "strings_to_formulas": False,
                                        "strings_to_urls": False})
    wb.set_properties({"title": S.TITLE, "author": "Kundenbetreuung", "company": "Support", "created": CREATED,
                       "comments": "Demo-Arbeitsmappe für xl_addin (Stand 22.11.2026 12:00)"})
    fmt = Formats(wb)
    write_cases(wb, fmt, cases)
    write_vendors(wb, fmt)
    write_settings(wb, fmt)
    write_summary(wb, fmt)
    wb.close()
    tmp.replace(path)
    return path, cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args()
    path, cases = build(args.out)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    print(f"{path}  ({path.stat().st_size:,} Bytes, sha256 {digest}…)")
    steps = Counter(str(c.step) for c in cases)
    print(f"  {len(cases)} Fälle, {len(VENDORS)} Vendoren, {sum(c.defect for c in cases)} Zeilen mit Demo-Fehlern")
    print("  Schritte: " + ", ".join(f"{k} {n}" for k, n in sorted(steps.items())))
    for c in cases:
        print(f"  Zeile {c.row:>3}: {c.scenario}")


if __name__ == "__main__":
    main()
