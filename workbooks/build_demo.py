"""Build the realistic demo workbook "Inkasso - Cancelled Installments.xlsx" (SPEC §2).

Written with XlsxWriter on purpose (the template uses openpyxl), so the product meets a file made
by a different writer: hand-coloured rows, comments, an agent's drop-down, a conditional format,
a defined name, a chart and an image on an extra sheet — and about fifteen rows with the typical
input mistakes of real agents (each marked "(Demo: …)" in Notizen).

"Today" for the demo is 22.11.2026: run the product with ``--now 2026-11-22T12:00``.
The output is deterministic (fixed seed, fixed document dates, fixed zip timestamps).

    .venv/bin/python workbooks/build_demo.py [--out DIR]
"""
from __future__ import annotations

import argparse
import hashlib
import random
import struct
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from io import BytesIO
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from xl_addin.core.layout import AMOUNT_FORMAT, settings_rows
from xl_addin.core.plan import DATE_FORMAT
from xl_addin.kinds.inkasso import schema as ink
from xl_addin.templates import COMPUTED_NOTE

TODAY = date(2026, 11, 22)
CREATED = datetime(2026, 11, 20, 8, 15, 0)
SEED = 20261122
FILE_NAME = "Inkasso - Cancelled Installments.xlsx"
DEFAULT_OUT = Path(__file__).resolve().parent / "demo"

YELLOW, GREY, LIGHT_RED = "#FFFF00", "#BFBFBF", "#FFC7CE"
AGENT_COLUMN = "Bearbeiter"          # a column the agents added themselves (unknown to the product)
STATS_SHEET = "Statistik"


# --------------------------------------------------------------------------- vendors

@dataclass
class Vendor:
    user_id: int
    name: str
    email: str
    products: list[tuple[str, float]]
    orders: int
    vip: bool = False
    direct: bool = False
    active: bool = True
    # all orders past the dunning letters (a vendor whose hand-over CSV can be written today)
    ready_for_handover: bool = False
    wa_group: str = ""
    notes: str = ""
    on_overview: bool = True


VENDORS = [
    Vendor(51234, "Lernakademie Sommer GmbH", "kontakt@lernakademie-sommer.de",
           [("Excel-Kompaktkurs Online", 297.0), ("Buchhaltung für Selbstständige", 497.0),
            ("Projektmanagement Zertifikatskurs", 1490.0)], 38),
    Vendor(60877, "Coaching Weber & Partner", "team@weber-coaching.de",
           [("Mindset-Coaching 12 Wochen", 2400.0), ("Business-Coaching Premium", 4800.0),
            ("Gruppencoaching Jahresprogramm", 1800.0)], 34,
           vip=True, wa_group="VIP Weber Coaching", notes="VIP – Rückfragen über die WA-Gruppe",
           ready_for_handover=True),
    Vendor(63310, "SoftwareWerk Nord UG", "buchhaltung@softwarewerk-nord.de",
           [("Rechnungsprogramm Pro (Jahreslizenz)", 239.0), ("Terminplaner Team-Lizenz", 588.0),
            ("DSGVO-Toolkit", 149.0)], 30,
           direct=True, notes="Direkt ins Inkasso: markiert die IDs vor jedem Mahnlauf selbst"),
    Vendor(70415, "Fitness mit Jana", "hallo@fitness-mit-jana.de",
           [("Rückenfit in 30 Tagen", 89.0), ("Personal Training Online 6 Monate", 594.0)], 16,
           active=False, notes="seit 01.10.2026 nicht mehr im Mahnwesen (Vendor-Wunsch)"),
    Vendor(72098, "Finanzwissen Hoffmann", "support@finanzwissen-hoffmann.de",
           [("Börsenführerschein", 997.0), ("ETF-Masterclass", 497.0)], 32),
    Vendor(74561, "Yoga-Schule Lichtblick", "info@yoga-lichtblick.de",
           [("Yogalehrer-Ausbildung 200h", 2900.0), ("Online-Yoga Jahresabo", 348.0)], 30),
    Vendor(77820, "Marketing Masterclass Braun", "office@braun-marketing.de",
           [("Social-Media-Marketing Kurs", 1297.0), ("Funnel-Coaching 1:1", 3500.0)], 28),
    Vendor(79424, "Sprachakademie Krüger", "kontakt@sprachakademie-krueger.de",
           [("Spanisch A1–B1 Online", 399.0), ("Business English Intensiv", 690.0)], 26),
    # orders of this vendor are in the Masterliste, but the vendor is not on the overview sheet
    Vendor(81107, "Kochschule Becker", "post@kochschule-becker.de",
           [("Brotbacken Online-Kurs", 129.0)], 6, on_overview=False),
]

FIRST_NAMES = ["Anna", "Lukas", "Marie", "Jonas", "Sophie", "Felix", "Laura", "Maximilian", "Lea",
               "Paul", "Hannah", "Leon", "Julia", "Tim", "Katharina", "Niklas", "Sarah", "Jan",
               "Lisa", "Tobias", "Christina", "Stefan", "Sabine", "Thomas", "Petra", "Michael",
               "Andrea", "Markus", "Melanie", "Daniel", "Jessica", "Sebastian", "Nicole", "Florian",
               "Ayşe", "Mehmet", "Olga", "Dmitri", "Jörg", "Björn", "Gülşen", "Zoë"]
LAST_NAMES = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
              "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf",
              "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann",
              "Hartmann", "Lange", "Schmitt", "Werner", "Krause", "Meier", "Lehmann", "Yılmaz",
              "Nowak", "Kowalski", "Öztürk", "von Bergen", "Groß", "Weiß", "Jäger", "Fuchs"]
REASONS = ["Rücklastschrift", "Kreditkarte abgelaufen", "Chargeback Einmalzahlung"]
AGENTS = ["AK", "MS", "LT", "JR"]


# --------------------------------------------------------------------------- orders

class RawFloat(float):
    """An id the agent's file holds as a floating-point number in General format."""


@dataclass
class Order:
    vendor: Vendor
    scenario: str
    values: dict[str, object]
    fill: str | None = None
    demo_note: str = ""
    comment: str = ""
    wrap_comment: bool = False
    sort_key: tuple = ()
    row: int = 0                      # 1-based sheet row, set when written
    defects: list[str] = field(default_factory=list)


def run_day(year: int, month: int) -> date:
    return date(year, month, 1)


def plus(d: date, days: int) -> date:
    return d + timedelta(days=days)


# Scenario weights for an active vendor (SPEC §2 states and timers, "today" = 22.11.2026)
SCENARIOS = {
    "neu": 14,            # no letter yet -> 1. Mahnung at the next run day (01.12.2026)
    "m1_frisch": 7,       # first letter < 14 days ago -> wait for the 2. Mahnung
    "m1_alt": 9,          # first letter >= 14 days ago -> 2. Mahnung senden
    "m2_frisch": 11,      # second letter < 14 days ago -> wait
    "m2_alt": 10,         # second letter >= 14 days ago -> Freigabe anfragen / Übergabe (Direkt)
    "wartend": 9,         # on_hold, listed on "Warten auf Freigabe"
    "reopened": 7,        # customer re-ordered -> grey, never dunned
    "bezahlt": 10,
    "gekuendigt": 7,
    "blockiert": 4,
    "inkasso": 9,         # sent_for_collection with incasso_date
}


class DemoBuilder:
    def __init__(self, seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        self.next_order_id = 10000100
        self.next_invoice = 4711
        self.orders: list[Order] = []
        self.wrong_fills: list[Order] = []     # rows the agents coloured wrongly by hand

    # ----- helpers
    def new_order_id(self) -> int:
        self.next_order_id += self.rng.randint(3, 97)
        return self.next_order_id

    def new_invoice(self, year: int) -> str:
        self.next_invoice += self.rng.randint(1, 40)
        return f"RE-{year}-{self.next_invoice:06d}"

    def offer_link(self) -> str:
        return "https://pay.example-checkout.de/offer/" + "".join(
            self.rng.choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(10))

    def open_amount(self, price: float) -> float:
        rates = self.rng.choice([3, 4, 6, 10, 12])
        missing = self.rng.randint(1, rates)
        return round(price / rates * missing, 2)

    def weekday_between(self, start: date, end: date) -> date:
        days = [start + timedelta(d) for d in range((end - start).days + 1)]
        days = [d for d in days if d.weekday() < 5]
        return self.rng.choice(days)

    # ----- one order
    def make_order(self, vendor: Vendor, scenario: str) -> Order:
        rng = self.rng
        product, price = rng.choice(vendor.products)
        first = second = incasso = None
        state = None
        debt = ink.DEBT_LOCKED
        reopened, reopened_id, invalid = False, None, False
        comment, status_support, notes = None, None, None
        amount = self.open_amount(price)

        if scenario == "neu":
            invalid = rng.random() < 0.12
        elif scenario == "m1_frisch":
            first = self.weekday_between(date(2026, 11, 9), date(2026, 11, 20))
            status_support = "1. Mahnung versendet"
        elif scenario == "m1_alt":
            first = rng.choice([run_day(2026, 11), run_day(2026, 11), date(2026, 11, 3)])
            status_support = "1. Mahnung versendet"
        elif scenario == "m2_frisch":
            first = run_day(2026, 11)
            second = self.weekday_between(date(2026, 11, 13), date(2026, 11, 20))
            status_support = "2. Mahnung versendet"
        elif scenario in ("m2_alt", "wartend"):
            first = rng.choice([run_day(2026, 9), run_day(2026, 10), run_day(2026, 10)])
            second = plus(first, 14)
            status_support = "2. Mahnung versendet"
            if scenario == "wartend":
                state = ink.STATE_ON_HOLD
                status_support = "Freigabe angefragt"
        elif scenario == "reopened":
            first = rng.choice([None, run_day(2026, 10), run_day(2026, 11)])
            reopened, reopened_id = True, None            # id set below (a newer order)
            state, debt = ink.STATE_CANCELED, ink.DEBT_CANCELLED   # nothing to do for Diagonal
            notes = "Kunde hat neu bestellt – nicht mahnen"
            status_support = "neu bestellt"
        elif scenario == "bezahlt":
            first = rng.choice([run_day(2026, 8), run_day(2026, 9), run_day(2026, 10)])
            second = plus(first, 14) if rng.random() < 0.5 else None
            state, debt, amount = ink.STATE_PAID, ink.DEBT_PAID, 0.0
            status_support = "bezahlt"
            notes = rng.choice([None, "Zahlung über Mahnlink", "Rückmeldung Diagonal: bezahlt"])
        elif scenario == "gekuendigt":
            first = rng.choice([None, run_day(2026, 9), run_day(2026, 10)])
            state, debt = ink.STATE_CANCELED, ink.DEBT_CANCELLED
            status_support = "gekündigt"
            comment = rng.choice(["Vendor hat der Kündigung zugestimmt", "Widerruf akzeptiert"])
        elif scenario == "blockiert":
            first = rng.choice([run_day(2026, 9), run_day(2026, 10)])
            second = plus(first, 14) if rng.random() < 0.5 else None
            state, debt = ink.STATE_BLOCKED, ink.DEBT_BLOCKED
            status_support = "blockiert"
            comment = rng.choice(["Anwaltsschreiben eingegangen", "Kunde wird manuell gemahnt",
                                  "Vendor noch unsicher, ob gemahnt werden soll"])
            invalid = rng.random() < 0.3
        elif scenario == "inkasso":
            first = rng.choice([run_day(2026, 6), run_day(2026, 7), run_day(2026, 8)])
            second = plus(first, 14)
            incasso = self.weekday_between(plus(second, 20), plus(second, 40))
            state, debt = ink.STATE_SENT, ink.DEBT_SENT
            status_support = "bei Diagonal"
        else:  # pragma: no cover
            raise ValueError(scenario)

        if first is not None and scenario not in ("bezahlt", "gekuendigt", "blockiert", "inkasso", "reopened"):
            debt = ink.DEBT_RUNNING
        if comment is None and rng.random() < 0.18:
            comment = rng.choice(["Kunde per E-Mail erinnert", "Kunde bittet um Ratenpause",
                                  "Telefonisch nicht erreicht", "Kunde sagt, Karte ist neu"])

        added = first or date(2026, 11, rng.randint(2, 20))
        order_year = (first or TODAY).year - (1 if rng.random() < 0.3 else 0)
        values = {
            ink.M_VENDOR_ID: vendor.user_id,
            ink.M_ORDER_ID: self.new_order_id(),
            ink.M_INVOICE_NO: self.new_invoice(order_year),
            ink.M_FIRST_NAME: rng.choice(FIRST_NAMES),
            ink.M_LAST_NAME: rng.choice(LAST_NAMES),
            ink.M_PRODUCT: product,
            ink.M_AMOUNT: amount,
            ink.M_REASON: rng.choice(REASONS),
            ink.M_FIRST_LETTER: first,
            ink.M_SECOND_LETTER: second,
            ink.M_INCASSO_DATE: incasso,
            ink.M_SUPPORT_COMMENT: comment,
            ink.M_STATUS_SUPPORT: status_support,
            ink.M_OFFER_LINK: self.offer_link() if first else None,
            ink.M_INCASSO_STATE: state,
            ink.M_REOPENED: reopened,
            ink.M_REOPENED_ID: reopened_id,
            ink.M_INVALID_ADDRESS: invalid,
            ink.M_DEBT_STATUS: debt,
            AGENT_COLUMN: rng.choice(AGENTS),
            ink.M_NOTES: notes,
        }
        return Order(vendor, scenario, values, sort_key=(added, rng.random()))

    def scenarios_for(self, vendor: Vendor) -> list[str]:
        weights = dict(SCENARIOS)
        if vendor.direct:
            weights["wartend"] = 0          # Direkt ins Inkasso: no Freigabe needed
        if vendor.ready_for_handover:       # nothing left in the dunning letters
            for s in ("neu", "m1_frisch", "m1_alt", "m2_frisch"):
                weights[s] = 0
        names = list(weights)
        # every active vendor shows every state at least once, the rest is drawn by weight
        fixed = [s for s in names if weights[s] > 0] if vendor.active and vendor.on_overview else []
        drawn = self.rng.choices(names, [weights[n] for n in names], k=vendor.orders - len(fixed))
        return fixed + drawn

    def build_orders(self) -> None:
        for vendor in VENDORS:
            for scenario in self.scenarios_for(vendor):
                self.orders.append(self.make_order(vendor, scenario))
        self.orders.sort(key=lambda o: o.sort_key)     # appended run by run, vendors mixed
        for o in self.orders:
            if o.values[ink.M_REOPENED] is True and o.values[ink.M_REOPENED_ID] is None:
                o.values[ink.M_REOPENED_ID] = self.new_order_id()
        self.add_boundary_cases()
        self.add_defects()
        self.add_hand_colours()

    # ----- exact 14-day boundaries (no defects)
    def pick(self, scenario: str, vendor: Vendor | None = None, active_only: bool = True) -> Order:
        for o in self.orders:
            if o.scenario != scenario or o.defects or o.demo_note or o.scenario.startswith("grenze"):
                continue
            if vendor is not None and o.vendor is not vendor:
                continue
            if active_only and not (o.vendor.active and o.vendor.on_overview):
                continue
            if vendor is None and (o.vendor.vip or o.vendor.direct):
                continue
            return o
        raise LookupError(f"no order with scenario {scenario!r} left for {vendor and vendor.name}")

    def add_boundary_cases(self) -> None:
        o = self.pick("m1_frisch")
        o.values[ink.M_FIRST_LETTER] = TODAY - timedelta(days=14)          # 08.11.2026
        o.scenario = "grenze_m1_14"
        o = self.pick("m2_frisch")
        o.values[ink.M_FIRST_LETTER] = date(2026, 10, 25)
        o.values[ink.M_SECOND_LETTER] = TODAY - timedelta(days=14)         # 08.11.2026
        o.scenario = "grenze_m2_14"

    # ----- typical bad input, each marked in Notizen
    def add_defects(self) -> None:
        normal = VENDORS[0]
        hoffmann, yoga, braun, krueger = VENDORS[4], VENDORS[5], VENDORS[6], VENDORS[7]

        def mark(o: Order, code: str, note: str) -> Order:
            o.defects.append(code)
            o.demo_note = f"(Demo: {note})"
            return o

        o = mark(self.pick("gekuendigt", normal), "state_cancelled", "cancelled mit zwei l")
        o.values[ink.M_INCASSO_STATE] = "cancelled"
        o = mark(self.pick("bezahlt", hoffmann), "state_blanks", "Status mit Leerzeichen")
        o.values[ink.M_INCASSO_STATE] = " Paid "
        o = mark(self.pick("wartend", yoga), "state_on_hold_blank", "on hold statt on_hold")
        o.values[ink.M_INCASSO_STATE] = "on hold"

        o = mark(self.pick("inkasso", braun), "date_text_short", "Datum als Text 31.1.26")
        o.values[ink.M_FIRST_LETTER] = "31.1.26"
        o.values[ink.M_SECOND_LETTER] = date(2026, 2, 14)
        o.values[ink.M_INCASSO_DATE] = date(2026, 3, 20)
        o = mark(self.pick("m2_alt", krueger), "date_text_iso", "Datum als ISO-Text")
        o.values[ink.M_FIRST_LETTER] = date(2026, 9, 21)
        o.values[ink.M_SECOND_LETTER] = "2026-10-05"
        o = mark(self.pick("m1_alt", hoffmann), "date_us", "US-Datum 10/31/2026")
        o.values[ink.M_FIRST_LETTER] = "10/31/2026"
        o = mark(self.pick("inkasso", normal), "date_impossible", "falsches Datum 31.11.2026")
        o.values[ink.M_FIRST_LETTER] = date(2026, 10, 1)
        o.values[ink.M_SECOND_LETTER] = date(2026, 10, 15)
        o.values[ink.M_INCASSO_DATE] = "31.11.2026"

        o = mark(self.pick("m2_frisch", yoga), "id_float", "ID als Kommazahl gespeichert")
        o.values[ink.M_ORDER_ID] = RawFloat(o.values[ink.M_ORDER_ID])
        o.values[ink.M_VENDOR_ID] = RawFloat(o.values[ink.M_VENDOR_ID])
        o = mark(self.pick("m1_frisch", krueger), "id_text_zeros", "Text-ID mit führenden Nullen")
        o.values[ink.M_ORDER_ID] = f"00{o.values[ink.M_ORDER_ID]}"

        o = mark(self.pick("neu", braun), "bool_blank", "reopened/invalid_address leer")
        o.values[ink.M_REOPENED] = None
        o.values[ink.M_INVALID_ADDRESS] = None
        o = mark(self.pick("reopened", hoffmann), "reopened_no_id", "reopened ohne reopened_id")
        o.values[ink.M_REOPENED_ID] = None
        o = mark(self.pick("m2_frisch", normal), "second_before_first", "2. Mahnung vor der 1.")
        o.values[ink.M_FIRST_LETTER] = date(2026, 10, 15)
        o.values[ink.M_SECOND_LETTER] = date(2026, 10, 1)

        o = mark(self.pick("m1_alt", braun), "comment_internal", "interne Zeile im Kommentar")
        o.values[ink.M_SUPPORT_COMMENT] = ("Kunde hat Ratenzahlung angefragt\n"
                                           "intern: Vendor sehr ungeduldig – nicht weitergeben")
        o.wrap_comment = True
        o = mark(self.pick("bezahlt", yoga), "comment_formula", "Kommentar beginnt mit =")
        o.values[ink.M_SUPPORT_COMMENT] = "=Kunde bestreitet Forderung, Widerruf per Mail"

        o = mark(self.pick("inkasso", krueger), "invalid_address_sent", "Adresse ungültig, aber beim Inkasso")
        o.values[ink.M_INVALID_ADDRESS] = True
        o = mark(self.pick("blockiert", normal), "debt_contradiction", "Schulden-Status passt nicht")
        o.values[ink.M_DEBT_STATUS] = ink.DEBT_PAID

        for o in self.orders:
            if o.demo_note:
                notes = o.values[ink.M_NOTES]
                o.values[ink.M_NOTES] = f"{notes} {o.demo_note}" if notes else o.demo_note

    # ----- what the agents coloured by hand so far (older runs; a few mistakes)
    def add_hand_colours(self) -> None:
        grey_scenarios = {"reopened", "bezahlt", "gekuendigt"}
        for o in self.orders:
            first = o.values[ink.M_FIRST_LETTER]
            old = isinstance(first, date) and first <= date(2026, 10, 1)
            if not o.vendor.active:
                o.fill = GREY if self.rng.random() < 0.7 else None
            elif o.scenario in grey_scenarios and (old or self.rng.random() < 0.5):
                o.fill = GREY
            elif old or o.scenario in ("wartend", "inkasso", "blockiert"):
                o.fill = YELLOW
        # mistakes the product corrects: a paid order still yellow, a running one grey
        for scenario, fill in (("bezahlt", YELLOW), ("m2_frisch", GREY)):
            o = next(o for o in self.orders if o.scenario == scenario and o.vendor.active
                     and o.vendor.on_overview and not o.defects and o.fill != fill)
            o.fill = fill
            self.wrong_fills.append(o)
        # an agent's own highlight the product must keep
        red = self.pick("blockiert")
        red.fill = LIGHT_RED
        red.comment = "Anwaltsschreiben vom 12.11. liegt in der Akte – nicht anfassen (AK)"


# --------------------------------------------------------------------------- PNG without PIL

def png_bytes(width: int, height: int, pixel) -> bytes:
    """A truecolour PNG; ``pixel(x, y)`` returns (r, g, b)."""
    raw = b"".join(b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9))
            + chunk(b"IEND", b""))


def logo_png() -> bytes:
    """120x40: a dark-blue badge with the product's yellow and grey row colours as bars."""
    def pixel(x: int, y: int) -> tuple[int, int, int]:
        if x < 2 or y < 2 or x > 117 or y > 37:
            return (31, 78, 121)
        if 8 <= y <= 31:
            if 10 <= x < 40:
                return (255, 255, 0)
            if 45 <= x < 75:
                return (191, 191, 191)
            if 80 <= x < 110 and (x - 80) // 6 % 2 == 0:
                return (31, 78, 121)
        return (255, 255, 255)
    return png_bytes(120, 40, pixel)


# --------------------------------------------------------------------------- writing

class Formats:
    """XlsxWriter formats, one per combination of number format / fill / extras."""

    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        self.wb = wb
        self.cache: dict[tuple, object] = {}

    def get(self, num_format: str | None = None, fill: str | None = None, **extra):
        key = (num_format, fill, tuple(sorted(extra.items())))
        if key not in self.cache:
            props = dict(extra)
            if num_format:
                props["num_format"] = num_format
            if fill:
                props["pattern"] = 1
                props["bg_color"] = fill
            self.cache[key] = self.wb.add_format(props) if props else None
        return self.cache[key]


HEADER_PROPS = {"bold": True, "bg_color": "#DDEBF7", "pattern": 1, "bottom": 1, "valign": "vcenter"}


def write_header(ws, fmt: Formats, headers: list[str], widths: dict[str, float],
                 computed: list[str] = ()) -> None:
    for col, header in enumerate(headers):
        if header in computed:
            ws.write_string(0, col, header, fmt.get(None, "#E7E6E6", bold=True, italic=True,
                                                    font_color="#595959", bottom=1))
            ws.write_comment(0, col, COMPUTED_NOTE, {"author": "xl_addin"})
        else:
            ws.write_string(0, col, header, fmt.get(None, None, **HEADER_PROPS))
        ws.set_column(col, col, widths.get(header, max(11, len(header) + 3)))
    ws.freeze_panes(1, 0)
    ws.set_row(0, 20)


def write_value(ws, fmt: Formats, row: int, col: int, value, fill: str | None,
                number_format: str | None = None, wrap: bool = False) -> None:
    extra = {"text_wrap": True} if wrap else {}
    if isinstance(value, RawFloat):
        ws.write_number(row, col, float(value), fmt.get(None, fill, **extra))
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt.get(None, fill, align="center", **extra))
    elif isinstance(value, date):
        ws.write_datetime(row, col, datetime(value.year, value.month, value.day),
                          fmt.get(DATE_FORMAT, fill, **extra))
    elif isinstance(value, (int, float)):
        ws.write_number(row, col, value, fmt.get(number_format, fill, **extra))
    elif isinstance(value, str):
        ws.write_string(row, col, value, fmt.get(None, fill, **extra))   # never as a formula
    elif fill:
        ws.write_blank(row, col, None, fmt.get(number_format, fill))


def master_headers() -> list[str]:
    """The SPEC's columns, with the agents' own column "Bearbeiter" before Notizen."""
    headers = list(ink.MASTER_INPUT_HEADERS)
    headers.insert(headers.index(ink.M_NOTES), AGENT_COLUMN)
    return headers + ink.MASTER_COMPUTED_HEADERS


MASTER_WIDTHS = {ink.M_VENDOR_ID: 10, ink.M_ORDER_ID: 11, ink.M_INVOICE_NO: 16, ink.M_FIRST_NAME: 12,
                 ink.M_LAST_NAME: 14, ink.M_PRODUCT: 34, ink.M_AMOUNT: 14, ink.M_REASON: 24,
                 ink.M_FIRST_LETTER: 13, ink.M_SECOND_LETTER: 13, ink.M_INCASSO_DATE: 12,
                 ink.M_SUPPORT_COMMENT: 42, ink.M_STATUS_SUPPORT: 20, ink.M_OFFER_LINK: 30,
                 ink.M_INCASSO_STATE: 19, ink.M_REOPENED: 9, ink.M_REOPENED_ID: 12,
                 ink.M_INVALID_ADDRESS: 13, ink.M_DEBT_STATUS: 21, AGENT_COLUMN: 10, ink.M_NOTES: 44,
                 ink.M_FOLLOW: 10, ink.M_NEXT_STEP: 42, ink.M_DUE: 12}


def write_overview(wb, fmt: Formats) -> None:
    ws = wb.add_worksheet(ink.SHEET_OVERVIEW)
    widths = {ink.OV_USER_ID: 10, ink.OV_VENDOR: 30, ink.OV_EMAIL: 34, ink.OV_VIP: 6,
              ink.OV_DIRECT: 18, ink.OV_WA_GROUP: 22, ink.OV_ACTIVE: 7, ink.OV_NOTES: 58}
    write_header(ws, fmt, ink.OVERVIEW_HEADERS, widths)
    listed = [v for v in VENDORS if v.on_overview]
    for r, v in enumerate(listed, start=1):
        row = {ink.OV_USER_ID: v.user_id, ink.OV_VENDOR: v.name, ink.OV_EMAIL: v.email,
               ink.OV_VIP: "Ja" if v.vip else "Nein", ink.OV_DIRECT: "Ja" if v.direct else "Nein",
               ink.OV_WA_GROUP: v.wa_group or None, ink.OV_ACTIVE: "Ja" if v.active else "Nein",
               ink.OV_NOTES: v.notes or None}
        fill = GREY if not v.active else None
        for c, h in enumerate(ink.OVERVIEW_HEADERS):
            write_value(ws, fmt, r, c, row[h], fill, "0")
    ws.autofilter(0, 0, len(listed), len(ink.OVERVIEW_HEADERS) - 1)
    wb.define_name("Vendorenliste", f"='{ink.SHEET_OVERVIEW}'!$A$2:$A${len(listed) + 1}")


def write_master(wb, fmt: Formats, orders: list[Order]) -> dict[str, int]:
    ws = wb.add_worksheet(ink.SHEET_MASTER)
    headers = master_headers()
    col = {h: i for i, h in enumerate(headers)}
    write_header(ws, fmt, headers, MASTER_WIDTHS, ink.MASTER_COMPUTED_HEADERS)
    for r, o in enumerate(orders, start=1):
        o.row = r + 1
        for h in headers:
            value = o.values.get(h)
            number_format = AMOUNT_FORMAT if h == ink.M_AMOUNT else "0"
            wrap = o.wrap_comment and h == ink.M_SUPPORT_COMMENT
            write_value(ws, fmt, r, col[h], value, o.fill, number_format, wrap)
        if o.comment:
            ws.write_comment(r, col[ink.M_SUPPORT_COMMENT], o.comment,
                             {"author": "Support (AK)", "x_scale": 1.6, "y_scale": 1.2})
        if o.wrap_comment:
            ws.set_row(r, 30)
    last = len(orders)
    ws.autofilter(0, 0, last, len(headers) - 1)
    # the agents' own drop-down on "Grund"
    reason = col[ink.M_REASON]
    ws.data_validation(1, reason, 999, reason, {
        "validate": "list", "source": REASONS, "input_title": "Grund",
        "input_message": "Warum sind die Raten ausgefallen?"})
    # the agents' highlight of large open amounts
    amount = col[ink.M_AMOUNT]
    ws.conditional_format(1, amount, 999, amount, {
        "type": "cell", "criteria": ">=", "value": 1000,
        "format": wb.add_format({"bold": True, "font_color": "#9C0006", "bg_color": "#FCE4D6"})})
    ws.write_comment(0, col[ink.M_INCASSO_STATE],
                     "Nur: canceled, blocked, sent_for_collection, paid, on_hold (Diagonal-CSV)",
                     {"author": "Teamleitung", "x_scale": 1.8})
    ws.repeat_rows(0)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.print_area(0, 0, last, len(headers) - 1)
    ws.activate()
    return col


def waiting_rows(orders: list[Order]) -> list[tuple[Order, str | None, str | None]]:
    """(order, L, M) for the orders already on "Warten auf Freigabe"."""
    out = []
    waiting = [o for o in orders if o.scenario == "wartend" and o.vendor.active and o.vendor.on_overview]
    cycle = ["vendor", ink.WAITING_APPROVED, "vendor", ink.WAITING_CANCEL, ink.WAITING_APPROVED, "vendor",
             None]
    for i, o in enumerate(waiting):
        status = cycle[i % len(cycle)]
        status = o.vendor.name if status == "vendor" else status
        if o.vendor.vip and status == o.vendor.name:
            vip = "WA-Gruppe angeschrieben 18.11."
        elif o.vendor.vip:
            vip = "per WA bestätigt"
        else:
            vip = "E-Mail an Vendor 10.11." if status == o.vendor.name and i % 2 else None
        out.append((o, status, vip))
    return out


def write_waiting(wb, fmt: Formats, orders: list[Order]) -> list[tuple[Order, str | None, str | None]]:
    ws = wb.add_worksheet(ink.SHEET_WAITING)
    headers = ink.WAITING_HEADERS
    widths = dict(zip(headers, [16, 10, 28, 32, 11, 12, 14, 14, 34, 12, 12, 26, 34], strict=True))
    write_header(ws, fmt, headers, widths)
    rows = waiting_rows(orders)
    for r, (o, status, vip) in enumerate(rows, start=1):
        v = o.values
        cells = {ink.W_INVOICE_NO: v[ink.M_INVOICE_NO], ink.W_USER_ID: v[ink.M_VENDOR_ID],
                 ink.W_VENDOR: o.vendor.name, ink.W_EMAIL: o.vendor.email, ink.W_ORDER_ID: v[ink.M_ORDER_ID],
                 ink.W_FIRST_NAME: v[ink.M_FIRST_NAME], ink.W_LAST_NAME: v[ink.M_LAST_NAME],
                 ink.W_AMOUNT: v[ink.M_AMOUNT], ink.W_PRODUCT: v[ink.M_PRODUCT],
                 ink.W_FIRST_LETTER: v[ink.M_FIRST_LETTER], ink.W_SECOND_LETTER: v[ink.M_SECOND_LETTER],
                 ink.W_STATUS: status, ink.W_VIP_STATUS: vip}
        fill = YELLOW if status == o.vendor.name else None
        for c, value in cells.items():
            fmt_code = AMOUNT_FORMAT if c == ink.W_AMOUNT else "0"
            write_value(ws, fmt, r, c - 1, value, fill, fmt_code)
    ws.data_validation(1, ink.W_STATUS - 1, 499, ink.W_STATUS - 1, {
        "validate": "list", "source": [ink.WAITING_APPROVED, ink.WAITING_CANCEL],
        "input_title": "Status", "input_message": "Vendorname, Freigabe oder Kündigung",
        "show_error": False})
    if rows:
        ws.write_comment(1, ink.W_STATUS - 1, "Vendor antwortet nicht per Mail – VIP-Manager fragt nach",
                         {"author": "Support (MS)"})
    ws.autofilter(0, 0, max(1, len(rows)), len(headers) - 1)
    return rows


def write_settings(wb, fmt: Formats) -> None:
    ws = wb.add_worksheet(ink.SHEET_SETTINGS)
    rows = settings_rows(ink.SETTINGS)
    write_header(ws, fmt, [str(h) for h in rows[0]], {rows[0][0]: 34, rows[0][1]: 24, rows[0][2]: 80})
    for r, values in enumerate(rows[1:], start=1):
        for c, value in enumerate(values):
            write_value(ws, fmt, r, c, value, None, "0")


def write_statistics(wb, fmt: Formats, orders: list[Order], col: dict[str, int]) -> None:
    ws = wb.add_worksheet(STATS_SHEET)
    ws.write_string(0, 0, f"Bestellungen je Vendor (Stand {CREATED:%d.%m.%Y})", fmt.get(None, None, bold=True,
                                                                                      font_size=13))
    heads = ["User-ID", "Vendor", "Bestellungen", "Offen gesamt"]
    for c, h in enumerate(heads):
        ws.write_string(2, c, h, fmt.get(None, None, **HEADER_PROPS))
    ws.set_column(0, 0, 10)
    ws.set_column(1, 1, 30)
    ws.set_column(2, 3, 14)
    counts = Counter(int(o.values[ink.M_VENDOR_ID]) for o in orders)
    sums: Counter = Counter()
    for o in orders:
        sums[int(o.values[ink.M_VENDOR_ID])] += o.values[ink.M_AMOUNT]
    vid = xl_col_to_name(col[ink.M_VENDOR_ID])
    amt = xl_col_to_name(col[ink.M_AMOUNT])
    master = f"'{ink.SHEET_MASTER}'"
    for r, v in enumerate(VENDORS, start=3):
        ws.write_number(r, 0, v.user_id)
        ws.write_string(r, 1, v.name)
        ws.write_formula(r, 2, f"=COUNTIF({master}!${vid}:${vid},A{r + 1})", None, counts[v.user_id])
        ws.write_formula(r, 3, f"=SUMIF({master}!${vid}:${vid},A{r + 1},{master}!${amt}:${amt})",
                         fmt.get(AMOUNT_FORMAT), round(sums[v.user_id], 2))
    last = 3 + len(VENDORS) - 1
    total = last + 1
    ws.write_string(total, 1, "Summe", fmt.get(None, None, bold=True))
    ws.write_formula(total, 2, f"=SUM(C4:C{last + 1})", fmt.get(None, None, bold=True), len(orders))
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"name": "Bestellungen", "categories": [STATS_SHEET, 3, 1, last, 1],
                      "values": [STATS_SHEET, 3, 2, last, 2], "fill": {"color": "#1F4E79"}})
    chart.set_title({"name": "Bestellungen je Vendor"})
    chart.set_legend({"none": True})
    chart.set_size({"width": 620, "height": 320})
    ws.insert_chart(total + 2, 0, chart)
    ws.insert_image(0, 5, "logo.png", {"image_data": BytesIO(logo_png()), "x_offset": 10, "y_offset": 4})


def build(out_dir: Path) -> tuple[Path, DemoBuilder, list]:
    builder = DemoBuilder()
    builder.build_orders()
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / FILE_NAME
    tmp = path.with_name(path.name + ".tmp")
    wb = xlsxwriter.Workbook(str(tmp), {"strings_to_numbers": False, "strings_to_formulas": False,
                                        "strings_to_urls": False})
    wb.set_properties({"title": "Inkasso - Cancelled Installments", "author": "Support Team Inkasso",
                       "company": "Support", "created": CREATED,
                       "comments": "Demo-Arbeitsmappe für xl_addin (Stand 22.11.2026)"})
    wb.set_size(1600, 1000)
    fmt = Formats(wb)
    write_overview(wb, fmt)
    col = write_master(wb, fmt, builder.orders)
    waiting = write_waiting(wb, fmt, builder.orders)
    write_settings(wb, fmt)
    write_statistics(wb, fmt, builder.orders, col)
    wb.close()
    tmp.replace(path)
    return path, builder, waiting


# --------------------------------------------------------------------------- README and summary

SCENARIO_TEXT = {
    "neu": "ohne Mahnung → 1. Mahnung am nächsten Mahnlauf (01.12.2026)",
    "m1_frisch": "1. Mahnung < 14 Tage → warten",
    "m1_alt": "1. Mahnung ≥ 14 Tage → 2. Mahnung senden",
    "m2_frisch": "2. Mahnung < 14 Tage → warten",
    "m2_alt": "2. Mahnung ≥ 14 Tage → Freigabe anfragen (Direkt ins Inkasso: übergeben)",
    "wartend": "on_hold, steht auf „Warten auf Freigabe“",
    "reopened": "reopened mit reopened_id → grau, „Neu bestellt (…)“",
    "bezahlt": "paid/Bezahlt → grau",
    "gekuendigt": "canceled/Gekündigt → grau",
    "blockiert": "blocked/Blockiert → Klären",
    "inkasso": "sent_for_collection mit incasso_date → beim Inkasso",
}


def rows_text(rows: list[int], limit: int = 5) -> str:
    shown = ", ".join(str(r) for r in rows[:limit])
    return shown + (f" … ({len(rows)})" if len(rows) > limit else "")


def readme(builder: DemoBuilder, waiting: list) -> str:
    orders = builder.orders
    active = [o for o in orders if o.vendor.active and o.vendor.on_overview and not o.defects]
    by_scenario: dict[str, list[int]] = {}
    for o in active:
        by_scenario.setdefault(o.scenario, []).append(o.row)
    inactive = [o.row for o in orders if not o.vendor.active]
    unknown = [o.row for o in orders if not o.vendor.on_overview]
    vip, direct = VENDORS[1], VENDORS[2]
    defects = ", ".join(f"{o.row} {o.demo_note[7:-1]}" for o in orders if o.defects)
    status = Counter("Vendorname" if s not in (ink.WAITING_APPROVED, ink.WAITING_CANCEL, None) else (s or "leer")
                     for _, s, _ in waiting)
    red = next(o.row for o in orders if o.fill == LIGHT_RED)
    lines = [
        f"# Demo: {FILE_NAME}",
        "",
        f"Gebaut von `workbooks/build_demo.py` (XlsxWriter, Seed {SEED}); „heute“ = 22.11.2026 — "
        "Demo-Läufe mit `--now 2026-11-22T12:00`. Zeilennummern = Zeilen der `Masterliste`.",
        f"{len(orders)} Bestellungen, {len(VENDORS)} Vendoren: normal z. B. {VENDORS[0].name}, "
        f"VIP {vip.name} ({vip.user_id}), Direkt ins Inkasso {direct.name} ({direct.user_id}), "
        f"inaktiv {VENDORS[3].name} (Zeilen {rows_text(inactive, 4)}), nicht auf der Übersicht "
        f"{VENDORS[-1].name} {VENDORS[-1].user_id} (Zeilen {rows_text(unknown, 6)}).",
    ]
    for key in SCENARIO_TEXT:
        if key in by_scenario:
            lines.append(f"- {SCENARIO_TEXT[key]}: {rows_text(by_scenario[key])}")
    lines.append(f"- genau 14 Tage (08.11.): Zeile {by_scenario['grenze_m1_14'][0]} 1. Mahnung → 2. Mahnung "
                 f"heute fällig; Zeile {by_scenario['grenze_m2_14'][0]} 2. Mahnung → Freigabe heute fällig")
    lines += [
        f"- invalid_address True: {rows_text([o.row for o in active if o.values[ink.M_INVALID_ADDRESS] is True])}; "
        f"VIP-Zeilen: {rows_text([o.row for o in active if o.vendor is vip])}; Direkt: "
        f"{rows_text([o.row for o in active if o.vendor is direct])}",
        f"- `Warten auf Freigabe`: {len(waiting)} Zeilen, L = " +
        ", ".join(f"{k} {n}×" for k, n in sorted(status.items())) + "; M mit WA-Gruppe beim VIP.",
        f"- Fehlerhafte Eingaben (Notizen „(Demo: …)“): {defects}.",
        f"- Von Hand gefärbt: gelb/grau, falsch gefärbt Zeilen "
        f"{', '.join(str(o.row) for o in builder.wrong_fills)}, Zeile {red} hellrot FFC7CE (muss bleiben); "
        "Kommentare, Dropdown „Grund“, bedingte Formatierung auf Offener Betrag, Name „Vendorenliste“, "
        f"Spalte „{AGENT_COLUMN}“ (unbekannt), Blatt „{STATS_SHEET}“ mit Diagramm und Logo. "
        "`Prüfung`/`Protokoll` fehlen: der erste Lauf legt sie an.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args()
    path, builder, waiting = build(args.out)
    (args.out / "README.md").write_text(readme(builder, waiting), encoding="utf-8")
    orders = builder.orders
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    print(f"{path}  ({path.stat().st_size:,} Bytes, sha256 {digest}…)")
    print(f"  {len(orders)} Bestellungen, {len(VENDORS)} Vendoren, "
          f"{len(waiting)} Zeilen auf '{ink.SHEET_WAITING}', "
          f"{sum(1 for o in orders if o.defects)} Zeilen mit Demo-Fehlern")
    scen = Counter(o.scenario for o in orders)
    print("  " + ", ".join(f"{k} {n}" for k, n in sorted(scen.items())))
    fills = Counter({YELLOW: "gelb", GREY: "grau", LIGHT_RED: "hellrot", None: "ohne"}[o.fill] for o in orders)
    print("  Färbung von Hand: " + ", ".join(f"{k} {n}" for k, n in sorted(fills.items())))


if __name__ == "__main__":
    main()
