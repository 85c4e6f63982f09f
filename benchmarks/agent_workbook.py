"""The benchmark's input: an "Inkasso - Cancelled Installments" workbook as an agent's file looks
after Excel saved it — and the few things done to it in the benchmark (a LibreOffice re-save, ten
rows edited the next morning).

How ``build`` makes it:

1. The product's own template, ``actions.new_workbook("inkasso", …)`` — the very bytes
   ``xl-addin new inkasso PATH`` writes (openpyxl): six sheets, header fonts and fills, the notes on
   the computed headers, the drop-downs (``incasso_state``, ``reopened``, ``invalid_address``,
   ``Schulden-Status``, the overview's Ja/Nein, Warten auf Freigabe's Status), column widths, frozen
   header rows, filters, number formats prepared in rows 2–2000, the Einstellungen with defaults.
2. That template is read with openpyxl and every part of it written again by XlsxWriter in its
   default mode — as Excel writes a whole file anew when the agent saves it: strings in the shared
   strings table (``<c t="s">``, never inline as openpyxl 3.1 writes them), rows with ``spans``,
   numbers without ``t``, comments as VML + comments part. ``strings_to_urls`` is off, so an
   ``offer_link`` (``https://…``) stays a text and the file has no hyperlink (XlsxWriter's default
   made 20,000 hyperlinks, whose relationships openpyxl scans linearly — half of its time).
3. Filled as agents fill it: 40 vendors per 20,000 orders (a few VIP, some "Direkt ins Inkasso",
   two inactive, one missing from the overview), orders skewed over vendors; dunning letters and
   hand-over dates in the 120 days before 22.11.2026, ``incasso_state`` and ``Schulden-Status``
   as SPEC §2 lists them and consistent with each other and with the dates, amounts formatted
   ``#,##0.00 €``, names, products, invoice numbers, support comments (some with ``intern:``
   lines), notes, links as text; ``reopened``/``invalid_address`` as the drop-down's True/False.
   Half of the vendors are "settled" — every order has a state (at the agency, paid, cancelled,
   waiting for Freigabe, blocked, reopened) — so their hand-over CSV can be written; the other
   half still dun (blank states, one in 300 of them mistyped, e.g. ``cancelled``), which blocks
   their CSV as the SPEC says. Warten auf Freigabe holds most of the orders waiting for Freigabe,
   with the agents' Status (vendor's name, ``Freigabe``, a few ``Kündigung``).
4. Formats as agents leave them: whole-column formats on the Masterliste's date and amount
   columns (a cell takes its column's format, as in Excel), and on about one row in twelve cells
   an agent formatted by hand — bold, italic, red or blue text, strike-through, Arial 10, fills,
   borders, other date and amount formats, ids formatted as text (and typed as text) — and a few
   whole rows filled. About 125 cellXfs in styles.xml (``describe`` counts them).
5. With ``protocol_lines``: a Protokoll with that many lines of history in the product's shape
   (time, user, action, sheet, key, cell, old, new) from two years of runs and imports.

Deterministic: the same arguments give the same workbook (``random.Random(7)``).
"""
from __future__ import annotations

import io
import random
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))

from xl_addin.core.layout import AMOUNT_FORMAT  # noqa: E402
from xl_addin.core.plan import DATE_FORMAT, DATETIME_FORMAT  # noqa: E402
from xl_addin.core.report import PROTOCOL_HEADER  # noqa: E402
from xl_addin.kinds.inkasso import schema as S  # noqa: E402
from xl_addin.templates import TEMPLATE_LAST_ROW  # noqa: E402

NOW = datetime(2026, 11, 22, 12, 0)      # the benchmark's --now
TODAY = NOW.date()
ORDERS_PER_VENDOR = 500

# --------------------------------------------------------------------------- the agents' words

_COMPANIES = [
    "Lernwerk GmbH", "Coachingraum", "Akademie Nordlicht", "Fitnesskompass UG", "Sprachenhaus Berlin",
    "Mentoring Manufaktur", "Finanzwissen24", "Yoga am See", "Digital Campus GmbH", "Kochschule Weber",
    "Business Boost Academy", "Gitarrenschule Kramer", "Mindset Studio", "Immobilien-Akademie Süd",
    "Fotoschule Lichtblick", "Trading Masterclass GmbH", "Ernährungscoach Meier", "Vertriebsprofi e.K.",
    "Hundeschule Pfotenglück", "Schreibwerkstatt Hamburg", "Marketing Mastery UG", "Malkurs Farbenfroh",
    "Elternkompass", "Rhetorik-Institut Hoffmann", "Excel-Training Schulz", "Social Media Akademie",
    "Klavierstudio Lang", "Amazon FBA Coaching GmbH", "Pilates Plus", "Karrierecoaching Braun",
    "Zeitmanagement Pro", "Photovoltaik-Schulung Nord", "Astrologie mit Anna", "Reiki Zentrum Köln",
    "E-Commerce Starter GmbH", "Tanzschule Rhythmus", "Bienenhof Seminare", "Brot & Backen Online",
    "Steuerwissen kompakt", "Golf Academy Allgäu",
]
_FIRST = ["Anna", "Lukas", "Marie", "Jonas", "Sophie", "Leon", "Laura", "Finn", "Julia", "Paul", "Lea",
          "Felix", "Hannah", "Elias", "Lena", "Noah", "Sarah", "Ben", "Emily", "Tim", "Katharina", "Jan",
          "Sabine", "Thomas", "Petra", "Michael", "Andrea", "Stefan", "Claudia", "Frank", "Ayşe", "Mehmet",
          "Zoë", "Jürgen", "Renée", "Björn"]
_LAST = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
         "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
         "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner",
         "Krause", "Meier", "Lehmann", "Yılmaz", "Kaya", "Nowak", "Kowalski", "von Berg", "O'Neill"]
_PRODUCTS = ["Online-Kurs Excel Grundlagen", "Coaching-Paket 12 Wochen", "Mitgliedschaft Premium",
             "Masterclass Trading", "Videokurs Fotografie", "Yoga Jahresabo", "Business-Mentoring 6 Monate",
             "Sprachkurs Italienisch A1–B1", "Ernährungsplan 90 Tage", "Gitarrenkurs für Einsteiger",
             "Immobilien-Investor Ausbildung", "Rhetorik Intensiv", "Social Media Bootcamp",
             "Amazon FBA Komplettkurs", "Meditationsprogramm", "Backkurs Sauerteig", "Steuer-Workshop",
             "Golf Platzreife online", "Klavier lernen in 30 Tagen", "Karriere-Coaching Einzel"]
_REASONS = ["Chargeback by Buyer", "Stopped Installments (Kreditkarte abgelaufen)",
            "One Time Payment (Chargeback_succeeded)", "Rücklastschrift"]
_STATUS_SUPPORT = ["offen", "in Bearbeitung", "Mahnung versendet", "Kunde kontaktiert", "Rückruf vereinbart",
                   "erledigt", "wartet auf Kunde"]
_COMMENTS = ["Kunde per E-Mail erinnert", "Kunde hat Ratenzahlung angefragt\nintern: VIP-Vendor, freundlich bleiben",
             "Rückruf vereinbart", "Adresse geprüft, stimmt", "Kunde sagt, er hat bezahlt – Beleg angefordert",
             "Zweite Mahnung per Post\nintern: Anwalt erwähnt", "Kunde nicht erreichbar",
             "Zahlung angekündigt für Monatsende", "E-Mail kam zurück (unzustellbar)"]
_NOTES = ["Rückruf 14.11.", "Kunde wünscht Rechnung per Post", "Vendor informiert",
          "Diagonal 10/2026: teilbezahlt 50,00 €", "Diagonal 09/2026: in Bearbeitung", "siehe Ticket #48213"]
_TYPOS = ["cancelled", "Cancelled", "on hold", "send_for_collection", "payed", "blokced"]


@dataclass
class Vendor:
    user_id: int
    name: str
    email: str
    vip: bool
    direct: bool          # Direkt ins Inkasso
    active: bool          # Aktiv on the overview
    settled: bool         # every order has an incasso_state: the vendor's CSV can be written
    on_overview: bool = True
    weight: float = 1.0


def make_vendors(n: int, rnd: random.Random) -> list[Vendor]:
    ids = sorted(rnd.sample(range(1000, 9999), n))
    out = []
    for i, uid in enumerate(ids):
        name = _COMPANIES[i % len(_COMPANIES)] + (f" {i // len(_COMPANIES) + 1}" if i >= len(_COMPANIES) else "")
        slug = re.sub(r"[^a-z0-9]+", "", name.lower().replace("ü", "ue").replace("ö", "oe").replace("ä", "ae"))
        out.append(Vendor(uid, name, f"kontakt@{slug[:20]}.de", vip=i % 7 == 3, direct=i % 5 == 1,
                          active=i not in (4, 17), settled=i % 2 == 0, on_overview=i != 9,
                          weight=1.0 / (1 + i % 13) ** 0.8))
    return out


# --------------------------------------------------------------------------- orders


def _date_between(rnd: random.Random, lo: date, hi: date) -> date:
    return lo + timedelta(days=rnd.randint(0, max(0, (hi - lo).days)))


def _letters(rnd: random.Random, n_letters: int, handed: bool) -> tuple[date | None, date | None, date | None]:
    """first < second <= incasso, all in the last 120 days, each step 14+ days after the last."""
    if n_letters == 0:
        return None, None, None
    need = 14 * (n_letters - 1) + (14 if handed else 0)
    first = _date_between(rnd, TODAY - timedelta(days=120), TODAY - timedelta(days=need))
    if n_letters == 1:
        return first, None, None
    second = _date_between(rnd, first + timedelta(days=14), min(first + timedelta(days=21),
                                                                TODAY - timedelta(days=14 if handed else 0)))
    if not handed:
        return first, second, None
    return first, second, _date_between(rnd, second + timedelta(days=14), min(second + timedelta(days=35), TODAY))


# (incasso_state, Schulden-Status, letters, handed over) by share; settled vendors have no blank state
_SETTLED = [("sent_for_collection", "Ans Inkasso übergeben", 2, True, 35), ("paid", "Bezahlt", 2, False, 20),
            ("canceled", "Gekündigt", 1, False, 12), ("on_hold", "Laufend", 2, False, 22),
            ("blocked", "Blockiert", 1, False, 6), ("reopened", "Gekündigt", 1, False, 5)]
_DUNNING = [(None, "Gesperrt", 0, False, 20), (None, "Laufend", 1, False, 25), (None, "Laufend", 2, False, 20),
            ("on_hold", "Laufend", 2, False, 8), ("sent_for_collection", "Ans Inkasso übergeben", 2, True, 10),
            ("paid", "Bezahlt", 1, False, 8), ("canceled", "Gekündigt", 1, False, 5),
            ("blocked", "Blockiert", 1, False, 2), ("reopened", "Gekündigt", 1, False, 2)]


def _pick(rnd: random.Random, table: list) -> tuple:
    return rnd.choices(table, weights=[t[-1] for t in table])[0]


def make_orders(n: int, vendors: list[Vendor], rnd: random.Random) -> Iterator[dict[str, Any]]:
    """The Masterliste's rows (header -> value; None = empty), in sheet order."""
    weights = [v.weight for v in vendors]
    oid = 10_000_000
    for i in range(n):
        v = rnd.choices(vendors, weights=weights)[0]
        oid += rnd.randint(1, 3)
        state, debt, n_letters, handed, _ = _pick(rnd, _SETTLED if v.settled else _DUNNING)
        first, second, incasso = _letters(rnd, n_letters, handed)
        reopened = state == "reopened"
        invalid = state == "blocked" and rnd.random() < 0.3
        if reopened:
            state = "canceled"
        if state is not None and not v.settled and rnd.random() < 1 / 300:
            state = rnd.choice(_TYPOS)
        amount = round(min(2499.0, max(9.9, rnd.lognormvariate(4.8, 0.8))), 2)
        notes = rnd.choice(_NOTES) if rnd.random() < 0.1 else None
        new_id = oid + 5_000_000 + i if reopened else None
        if reopened:
            notes = f"Neu bestellt ({new_id})"
        yield {
            S.M_VENDOR_ID: v.user_id, S.M_ORDER_ID: oid, S.M_INVOICE_NO: f"RE-2026-{oid - 9_000_000:07d}",
            S.M_FIRST_NAME: rnd.choice(_FIRST), S.M_LAST_NAME: rnd.choice(_LAST), S.M_PRODUCT: rnd.choice(_PRODUCTS),
            S.M_AMOUNT: amount, S.M_REASON: rnd.choice(_REASONS),
            S.M_FIRST_LETTER: first, S.M_SECOND_LETTER: second, S.M_INCASSO_DATE: incasso,
            S.M_SUPPORT_COMMENT: rnd.choice(_COMMENTS) if rnd.random() < 0.4 else None,
            S.M_STATUS_SUPPORT: rnd.choice(_STATUS_SUPPORT),
            S.M_OFFER_LINK: f"https://zahlung.example.de/angebot/{oid:x}" if first else None,
            S.M_INCASSO_STATE: state, S.M_REOPENED: "True" if reopened else "False",
            S.M_REOPENED_ID: new_id, S.M_INVALID_ADDRESS: "True" if invalid else "False",
            S.M_DEBT_STATUS: debt, S.M_NOTES: notes,
        }


# --------------------------------------------------------------------------- formats


_ROLE = {S.M_VENDOR_ID: "id", S.M_ORDER_ID: "id", S.M_REOPENED_ID: "id", S.M_AMOUNT: "amount",
         S.M_FIRST_LETTER: "date", S.M_SECOND_LETTER: "date", S.M_INCASSO_DATE: "date", S.M_DUE: "date"}
_NUMBER_FORMATS: dict[str, list[str | None]] = {
    "date": [DATE_FORMAT, "DD.MM.YY", "D.M.YYYY", "YYYY-MM-DD", "DD/MM/YYYY"],
    "amount": [AMOUNT_FORMAT, "#,##0.00", "0.00", "#,##0.00 [$€-407]"],
    "id": [None, "0", "@"], "text": [None, "@"]}
_DECORATIONS: list[dict[str, Any]] = [
    {"bold": True}, {"italic": True}, {"font_color": "#FF0000"}, {"font_color": "#C00000", "bold": True},
    {"font_color": "#0070C0"}, {"font_strikeout": True}, {"font_name": "Arial", "font_size": 10},
    {"underline": 1}, {"bg_color": "#FFC000"}, {"bg_color": "#DDEBF7"}, {"bg_color": "#E2EFDA"},
    {"bg_color": "#FCE4D6"}, {"bg_color": "#FF9999", "bold": True}, {"border": 1}, {"bottom": 1},
    {"border": 1, "border_color": "#A6A6A6"}, {"text_wrap": True}, {"align": "center"},
]
_ROW_FILLS = ["#FFC000", "#9BC2E6", "#C6E0B4"]
AGENT_FORMATS = 112          # hand-made cell formats; with the template's and the columns' ~125 cellXfs


def _column_format(role: str) -> dict[str, Any]:
    fmt = _NUMBER_FORMATS.get(role, [None])[0]
    return {"num_format": fmt} if fmt else {}


def _agent_formats(rnd: random.Random) -> dict[str, list[dict[str, Any]]]:
    """AGENT_FORMATS distinct hand-made formats, by role (id, amount, date, text)."""
    seen: set[tuple] = set()
    out: dict[str, list[dict[str, Any]]] = {"id": [], "amount": [], "date": [], "text": []}
    roles = list(out)
    while len(seen) < AGENT_FORMATS:
        role = rnd.choice(roles)
        props: dict[str, Any] = {}
        for deco in rnd.sample(_DECORATIONS, rnd.choice([1, 1, 1, 2])):
            props.update(deco)
        fmt = rnd.choice(_NUMBER_FORMATS[role])
        if fmt:
            props["num_format"] = fmt
        key = tuple(sorted(props.items()))
        if key not in seen:
            seen.add(key)
            out[role].append(props)
    return out


# --------------------------------------------------------------------------- the template, as Excel re-saves it


def template_bytes() -> bytes:
    """What ``xl-addin new inkasso PATH`` writes (the product's own template)."""
    from xl_addin.actions import new_workbook
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "template.xlsx"
        new_workbook(S.KIND, path)
        return path.read_bytes()


def _props_of(cell: Any) -> dict[str, Any]:
    """XlsxWriter format properties of an openpyxl cell's style (what the template uses)."""
    props: dict[str, Any] = {}
    font, fill, align = cell.font, cell.fill, cell.alignment
    if font.b:
        props["bold"] = True
    if font.i:
        props["italic"] = True
    if font.color is not None and font.color.type == "rgb" and font.color.rgb:
        props["font_color"] = "#" + str(font.color.rgb)[-6:]
    if fill.fill_type == "solid" and fill.fgColor.type == "rgb":
        props["bg_color"] = "#" + str(fill.fgColor.rgb)[-6:]
    if align.vertical == "center":
        props["valign"] = "vcenter"
    if align.wrap_text:
        props["text_wrap"] = True
    if cell.number_format and cell.number_format != "General":
        props["num_format"] = cell.number_format
    return props


class _Formats:
    """One XlsxWriter format per distinct property set (Excel keeps one xf per distinct style)."""

    def __init__(self, wb: Any):
        self.wb = wb
        self.cache: dict[tuple, Any] = {}

    def __call__(self, props: dict[str, Any]) -> Any:
        if not props:
            return None
        key = tuple(sorted(props.items()))
        fmt = self.cache.get(key)
        if fmt is None:
            fmt = self.cache[key] = self.wb.add_format(dict(props))
        return fmt


def _validation_options(dv: Any) -> dict[str, Any]:
    formula = str(dv.formula1 or "")
    source: Any = formula[1:-1].split(",") if formula.startswith('"') else "=" + formula
    opts: dict[str, Any] = {"validate": dv.type or "any", "source": source, "ignore_blank": bool(dv.allow_blank),
                            "show_input": bool(dv.showInputMessage), "show_error": bool(dv.showErrorMessage),
                            "error_type": dv.errorStyle or "stop"}
    for key, value in (("input_title", dv.promptTitle), ("input_message", dv.prompt),
                       ("error_title", dv.errorTitle), ("error_message", dv.error)):
        if value:
            opts[key] = value
    return opts


def _copy_sheet_frame(ws: Any, xws: Any, formats: _Formats, skip_rows_from: int | None = None) -> None:
    """Everything of the template sheet ``ws`` into ``xws``: cells (values and formatted blanks,
    except rows >= ``skip_rows_from``, which the caller fills), notes, drop-downs, widths, panes."""
    from openpyxl.utils import column_index_from_string
    for letter, dim in ws.column_dimensions.items():
        if dim.width:
            col = column_index_from_string(letter) - 1
            xws.set_column(col, col, dim.width)
    for row in ws.iter_rows():
        for cell in row:
            if skip_rows_from is not None and cell.row >= skip_rows_from:
                break
            if cell.value is None and not cell.has_style:
                continue
            fmt = formats(_props_of(cell))
            r, c = cell.row - 1, cell.column - 1
            if cell.value is None:
                if fmt is not None:
                    xws.write_blank(r, c, None, fmt)
            else:
                xws.write(r, c, cell.value, fmt)
            if cell.comment is not None:
                xws.write_comment(r, c, cell.comment.text, {
                    "author": cell.comment.author, "width": int(cell.comment.width * 4 / 3),
                    "height": int(cell.comment.height * 4 / 3)})
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            xws.data_validation(rng.min_row - 1, rng.min_col - 1, rng.max_row - 1, rng.max_col - 1,
                                _validation_options(dv))
    if ws.freeze_panes:
        xws.freeze_panes(ws.freeze_panes)
    if ws.sheet_state != "visible":
        xws.hide()


# --------------------------------------------------------------------------- build


@dataclass
class BuildFacts:
    orders: int
    vendors: int
    settled_vendors: list[int] = field(default_factory=list)
    waiting_rows: int = 0
    protocol_lines: int = 0


def build(path: Path, n_orders: int, n_vendors: int | None = None, protocol_lines: int = 0) -> BuildFacts:
    """An agent's Inkasso workbook with ``n_orders`` orders at ``path`` (see the module's doc)."""
    import openpyxl
    import xlsxwriter

    rnd = random.Random(7)
    n_vendors = n_vendors or max(12, n_orders // ORDERS_PER_VENDOR)
    vendors = make_vendors(n_vendors, rnd)
    template = openpyxl.load_workbook(io.BytesIO(template_bytes()))
    wb = xlsxwriter.Workbook(str(path), {"strings_to_urls": False, "strings_to_numbers": False,
                                         "strings_to_formulas": False})
    props = template.properties
    wb.set_properties({"title": props.title or "", "subject": props.subject or "", "author": props.creator or "",
                       "created": datetime(2025, 3, 3, 9, 12)})
    formats = _Formats(wb)
    facts = BuildFacts(n_orders, n_vendors, [v.user_id for v in vendors if v.settled])
    sheets = {ws.title: (ws, wb.add_worksheet(ws.title)) for ws in template.worksheets}

    # Overview_Cancelled_Installments
    ws, xws = sheets[S.SHEET_OVERVIEW]
    listed = [v for v in vendors if v.on_overview]
    _copy_sheet_frame(ws, xws, formats, skip_rows_from=2)
    for r, v in enumerate(listed, start=1):
        row = [v.user_id, v.name, v.email, "Ja" if v.vip else "Nein", "Ja" if v.direct else "Nein",
               f"VIP {v.name}" if v.vip else None, "Ja" if v.active else "Nein",
               "nur nach Rücksprache mahnen" if v.vip else None]
        for c, value in enumerate(row):
            if value is not None:
                xws.write(r, c, value)
    xws.autofilter(0, 0, len(listed), len(S.OVERVIEW_HEADERS) - 1)

    # Masterliste: column formats, the orders, the agents' hand-made formats
    ws, xws = sheets[S.SHEET_MASTER]
    _copy_sheet_frame(ws, xws, formats, skip_rows_from=2)
    headers = list(S.MASTER_HEADERS)
    roles = [_ROLE.get(h, "text") for h in headers]
    column_props = [_column_format(role) for role in roles]
    for c, cp in enumerate(column_props):
        if cp:
            width = ws.column_dimensions[xlsxwriter.utility.xl_col_to_name(c)].width
            xws.set_column(c, c, width, formats(cp))
    column_formats = [formats(cp) for cp in column_props]
    agent_pool = {role: [(formats({**_column_format(role), **p}), p.get("num_format") == "@") for p in ps]
                  for role, ps in _agent_formats(rnd).items()}
    turn = dict.fromkeys(agent_pool, 0)
    row_fills = {(c, fill): formats({**cp, "bg_color": fill}) for c, cp in enumerate(column_props)
                 for fill in _ROW_FILLS}
    by_vendor = {v.user_id: v for v in vendors}
    waiting: list[list[Any]] = []
    n_inputs = len(S.MASTER_INPUT_HEADERS)
    for r, order in enumerate(make_orders(n_orders, vendors, rnd), start=1):
        values = [order.get(h) for h in headers]
        fmts = list(column_formats)
        if rnd.random() < 1 / 12:              # cells an agent formatted by hand
            for c in rnd.sample(range(n_inputs), rnd.choice([1, 1, 2, 3])):
                pool = agent_pool[roles[c]]
                fmts[c], as_text = pool[turn[roles[c]] % len(pool)]
                turn[roles[c]] += 1
                if as_text and values[c] is not None and not isinstance(values[c], str):
                    values[c] = str(values[c])       # typed into a cell formatted as text
        if rnd.random() < 1 / 150:             # a whole row marked by an agent
            fill = rnd.choice(_ROW_FILLS)
            fmts = [row_fills[(c, fill)] if c < n_inputs else f for c, f in enumerate(fmts)]
        for c, value in enumerate(values):
            fmt = fmts[c]
            if value is None:
                # a formatted cell without value: an agent's, or one the template prepared (rows 2-2000)
                if fmt is not None and (fmt is not column_formats[c] or r < TEMPLATE_LAST_ROW):
                    xws.write_blank(r, c, None, fmt)
            elif isinstance(value, date):
                xws.write_datetime(r, c, value, fmt)
            elif isinstance(value, str):
                xws.write_string(r, c, value, fmt)
            else:
                xws.write_number(r, c, value, fmt)
        v = by_vendor[order[S.M_VENDOR_ID]]
        if order[S.M_INCASSO_STATE] == S.STATE_ON_HOLD and not v.direct and rnd.random() < 0.85:
            waiting.append(_waiting_row(order, v, rnd))
    xws.autofilter(0, 0, n_orders, len(headers) - 1)

    # Warten auf Freigabe
    ws, xws = sheets[S.SHEET_WAITING]
    _copy_sheet_frame(ws, xws, formats, skip_rows_from=2 + len(waiting))
    waiting_formats = [formats(_props_of(ws.cell(row=2, column=c + 1))) for c in range(len(S.WAITING_HEADERS))]
    for r, row in enumerate(waiting, start=1):
        for c, value in enumerate(row):
            if value is None:
                if waiting_formats[c] is not None:
                    xws.write_blank(r, c, None, waiting_formats[c])
            elif isinstance(value, date):
                xws.write_datetime(r, c, value, waiting_formats[c])
            else:
                xws.write(r, c, value, waiting_formats[c])
    xws.autofilter(0, 0, max(1, len(waiting)), len(S.WAITING_HEADERS) - 1)
    facts.waiting_rows = len(waiting)

    # Einstellungen, Prüfung as the template has them
    for name in (S.SHEET_SETTINGS, S.SHEET_FINDINGS):
        ws, xws = sheets[name]
        _copy_sheet_frame(ws, xws, formats)
        if ws.auto_filter.ref:
            xws.autofilter(ws.auto_filter.ref)

    # Protokoll, with history when asked for
    ws, xws = sheets[S.SHEET_PROTOCOL]
    _copy_sheet_frame(ws, xws, formats, skip_rows_from=2 + protocol_lines)
    time_format = formats({"num_format": DATETIME_FORMAT})
    for r, line in enumerate(_protocol_history(protocol_lines, n_orders, vendors, rnd), start=1):
        xws.write_datetime(r, 0, line[0], time_format)
        for c, value in enumerate(line[1:], start=1):
            if value not in (None, ""):
                xws.write(r, c, value)
    xws.autofilter(0, 0, max(1, protocol_lines), len(PROTOCOL_HEADER) - 1)
    facts.protocol_lines = protocol_lines
    wb.close()
    return facts


def _waiting_row(order: dict[str, Any], v: Vendor, rnd: random.Random) -> list[Any]:
    status = rnd.choices([v.name, S.WAITING_APPROVED, S.WAITING_CANCEL, None], weights=[60, 30, 3, 7])[0]
    vip_status = f"in WA-Gruppe angeschrieben am {(TODAY - timedelta(days=rnd.randint(1, 20))):%d.%m.}" \
        if v.vip and rnd.random() < 0.5 else None
    return [order[S.M_INVOICE_NO], v.user_id, v.name, v.email, order[S.M_ORDER_ID], order[S.M_FIRST_NAME],
            order[S.M_LAST_NAME], order[S.M_AMOUNT], order[S.M_PRODUCT], order[S.M_FIRST_LETTER],
            order[S.M_SECOND_LETTER], status, vip_status]


def _protocol_history(n: int, n_orders: int, vendors: list[Vendor], rnd: random.Random) -> Iterator[list[Any]]:
    """``n`` Protokoll lines as two years of runs and imports leave them, oldest first."""
    start = datetime(2024, 11, 1, 8, 0)
    users = ["m.keller", "s.yilmaz", "j.brandt", "Agentin", "nightly-run"]
    step = timedelta(days=730) / max(1, n)
    for i in range(n):
        when = start + step * i
        key = str(10_000_000 + rnd.randint(1, 2 * max(1, n_orders)))
        row = rnd.randint(2, max(2, n_orders + 1))
        kind = rnd.random()
        if kind < 0.45:
            line = ["Zeile hinzugefügt", S.SHEET_WAITING, key, "", None, "wartet auf Freigabe"]
        elif kind < 0.8:
            line = ["incasso_state gesetzt (wartet auf Freigabe)", S.SHEET_MASTER, key, f"O{row}", None, "on_hold"]
        elif kind < 0.85:
            line = ["Zeile entfernt (Kündigung)", S.SHEET_WAITING, key, f"A{row}:M{row}", S.WAITING_CANCEL, None]
        elif kind < 0.9:
            line = ["incasso_state gesetzt (Kündigung)", S.SHEET_MASTER, key, f"O{row}", "on_hold", "canceled"]
        elif kind < 0.96:
            line = ["Import Schulden-Export 'schulden_10_2026.csv': Schulden-Status", S.SHEET_MASTER, key,
                    f"S{row}", "Laufend", "Ans Inkasso übergeben"]
        else:
            line = ["Import Diagonal 'rueckmeldung_10_2026.csv': Notizen", S.SHEET_MASTER, key, f"T{row}", None,
                    "Diagonal 10/2026: teilbezahlt 50,00 €"]
        yield [when.replace(second=0, microsecond=0), rnd.choice(users), *line]


# --------------------------------------------------------------------------- what the file holds


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def _sheet_parts(parts: dict[str, bytes]) -> dict[str, str]:
    """Sheet name -> its part's name."""
    wb = parts["xl/workbook.xml"].decode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    targets = {m.group(1): m.group(2) for m in re.finditer(r'<Relationship [^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"',
                                                            rels)}
    targets.update({m.group(2): m.group(1) for m in re.finditer(
        r'<Relationship [^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)})
    out = {}
    for m in re.finditer(r"<sheet [^>]*?/>", wb):
        tag = m.group(0)
        name = _unescape(re.search(r'name="([^"]*)"', tag).group(1))  # type: ignore[union-attr]
        rid = re.search(r'r:id="([^"]*)"', tag).group(1)              # type: ignore[union-attr]
        target = targets[rid].lstrip("/")
        out[name] = target if target.startswith("xl/") else "xl/" + target
    return out


def _unescape(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")
            .replace("&amp;", "&"))


def _attr_count(xml: bytes, tag: bytes) -> int:
    m = re.search(rb"<" + tag + rb'\b[^>]*?\bcount="(\d+)"', xml)
    return int(m.group(1)) if m else 0


@dataclass
class Facts:
    """What a workbook file holds that matters to the measurement (read from its XML)."""
    size: int
    sheets: list[str]
    cell_xfs: int
    shared_strings: int          # references (count)
    unique_strings: int
    inline_strings: int
    hyperlinks: int
    validations: int
    cells: int
    master_rows: int
    producer: str

    def line(self) -> str:
        return (f"{self.size / 1e6:5.1f} MB, {self.cells:,} cells, {self.cell_xfs} cellXfs, shared strings "
                f"{self.shared_strings:,} ({self.unique_strings:,} unique), inline strings {self.inline_strings}, "
                f"hyperlinks {self.hyperlinks}, drop-downs {self.validations}, {len(self.sheets)} sheets; "
                f"docProps/app.xml: {self.producer}")


def describe(path: Path) -> Facts:
    parts = _parts(path)
    sheets = _sheet_parts(parts)
    styles = parts.get("xl/styles.xml", b"")
    sst = next((data for name, data in parts.items() if name.endswith("sharedStrings.xml")), b"")
    sheet_xml = [parts[p] for p in sheets.values() if p in parts]
    master = parts.get(sheets.get(S.SHEET_MASTER, ""), b"")
    app = parts.get("docProps/app.xml", b"")
    producer = re.search(rb"<Application>([^<]*)</Application>", app)
    return Facts(
        size=path.stat().st_size, sheets=list(sheets), cell_xfs=_attr_count(styles, b"cellXfs"),
        shared_strings=_attr_count(sst, b"sst"), unique_strings=len(re.findall(rb"<si>", sst)),
        inline_strings=sum(x.count(b't="inlineStr"') for x in sheet_xml),
        hyperlinks=sum(x.count(b"<hyperlink ") for x in sheet_xml),
        validations=sum(x.count(b"<dataValidation ") for x in sheet_xml),
        cells=sum(x.count(b"<c ") for x in sheet_xml),
        master_rows=len(re.findall(rb"<row ", master)),
        producer=producer.group(1).decode() if producer else "?")


def check_carries_template(path: Path) -> list[str]:
    """What of the product's template the built workbook lacks (its sheets in their order, their
    header rows, every drop-down): empty when it carries all of it."""
    import openpyxl
    template = openpyxl.load_workbook(io.BytesIO(template_bytes()))
    parts = _parts(path)
    sheets = _sheet_parts(parts)
    missing = []
    if list(sheets)[:len(template.sheetnames)] != template.sheetnames:
        missing.append(f"sheets {list(sheets)} != template {template.sheetnames}")
    from python_calamine import CalamineWorkbook
    built = CalamineWorkbook.from_path(str(path))
    for ws in template.worksheets:
        header = [c.value for c in ws[1]]
        if ws.title in built.sheet_names:
            got = built.get_sheet_by_name(ws.title).to_python(nrows=1)
            if not got or [v if v != "" else None for v in got[0]][:len(header)] != header:
                missing.append(f"{ws.title}: header {got[0] if got else []} != template {header}")
        xml = parts.get(sheets.get(ws.title, ""), b"").decode()
        for dv in ws.data_validations.dataValidation:
            for rng in dv.sqref.ranges:
                if f'sqref="{rng.coord}"' not in xml:
                    missing.append(f"{ws.title}: drop-down {rng.coord} ({dv.formula1})")
    return missing


# --------------------------------------------------------------------------- LibreOffice re-save


def libreoffice_resave(src: Path, dst: Path, timeout: float = 900) -> str | None:
    """``src`` opened and saved as .xlsx by LibreOffice (headless) at ``dst``; None, or why not."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return "soffice not found (LibreOffice not installed)"
    with tempfile.TemporaryDirectory(prefix="bench-lo-") as tmp:
        profile, out = Path(tmp) / "profile", Path(tmp) / "out"
        cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(src)]
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            return f"soffice took longer than {timeout:.0f} s"
        made = out / (src.stem + ".xlsx")
        if not made.exists():
            return f"soffice made no file (exit {done.returncode}: {done.stderr.decode(errors='replace')[-300:]})"
        shutil.move(str(made), dst)
    return None


# --------------------------------------------------------------------------- ten rows edited the next morning


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _col_letters(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)


class _Sst:
    """The shared strings part: index of a text, appending it when new (as Excel would)."""

    def __init__(self, xml: bytes):
        self.xml = xml
        self.index: dict[str, int] = {}
        for i, m in enumerate(re.finditer(rb"<si>(.*?)</si>", xml, re.S)):
            plain = re.fullmatch(rb"<t(?: [^>]*)?>(.*?)</t>", m.group(1), re.S)
            if plain:
                self.index.setdefault(_unescape(plain.group(1).decode()), i)
        self.count = len(re.findall(rb"<si>", xml))
        self.added: list[str] = []

    def of(self, text: str) -> int:
        if text not in self.index:
            self.index[text] = self.count
            self.count += 1
            self.added.append(text)
        return self.index[text]

    def data(self, refs_added: int) -> bytes:
        if not self.added:
            xml = self.xml
        else:
            escaped = "".join(f"<si><t>{t.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')}</t></si>"
                              for t in self.added).encode()
            xml = self.xml.replace(b"</sst>", escaped + b"</sst>")
            xml = re.sub(rb'uniqueCount="\d+"', f'uniqueCount="{self.count}"'.encode(), xml, count=1)
        m = re.search(rb'<sst\b[^>]*?\bcount="(\d+)"', xml)
        if m:
            xml = xml[:m.start(1)] + str(int(m.group(1)) + refs_added).encode() + xml[m.end(1):]
        return xml


def edit_cells(path: Path, sheet: str, edits: dict[tuple[int, str], object]) -> None:
    """Set cells of ``sheet`` in the file at ``path`` — (row, column letters) -> a date or a text —
    changing nothing else of the package but those cells (and the shared strings they need):
    what an agent's ten edits are, without a tool re-shaping the whole file. A date keeps the cell's
    format (or takes its column's, as Excel gives a new cell)."""
    parts = _parts(path)
    part = _sheet_parts(parts)[sheet]
    xml = parts[part]
    sst_name = next(name for name in parts if name.endswith("sharedStrings.xml"))
    sst = _Sst(parts[sst_name])
    col_styles: dict[int, bytes] = {}
    for col in re.finditer(rb'<col ([^>]*?)/>', xml):
        attrs = col.group(1)
        style = re.search(rb'\bstyle="(\d+)"', attrs)
        lo = re.search(rb'\bmin="(\d+)"', attrs)
        hi = re.search(rb'\bmax="(\d+)"', attrs)
        if style and lo and hi:
            for c in range(int(lo.group(1)), int(hi.group(1)) + 1):
                col_styles[c] = style.group(1)
    by_row: dict[int, dict[str, object]] = {}
    for (row, letters), value in edits.items():
        by_row.setdefault(row, {})[letters] = value
    refs = 0
    for row, cells in sorted(by_row.items()):
        m = re.search(rb'<row r="' + str(row).encode() + rb'"[^>]*?>(.*?)</row>', xml, re.S)
        if m is None:
            raise ValueError(f"{sheet}: row {row} not found (or empty)")
        body = m.group(1)
        found: dict[str, tuple[bytes, bytes]] = {}         # letters -> (attributes, whole element)
        order: list[str] = []
        for cm in _CELL.finditer(body):
            letters = cm.group(1).decode()
            found[letters] = (cm.group(3), cm.group(0))
            order.append(letters)
        for letters, value in cells.items():
            attrs = found.get(letters, (b"", b""))[0]
            style = re.search(rb'\bs="(\d+)"', attrs)
            s = style.group(1) if style else col_styles.get(_col_index(letters))
            s_attr = b' s="' + s + b'"' if s else b""
            ref = f"{letters}{row}".encode()
            if isinstance(value, date):
                serial = (value - date(1899, 12, 30)).days
                element = b'<c r="' + ref + b'"' + s_attr + b"><v>" + str(serial).encode() + b"</v></c>"
            else:
                refs += 1
                index = str(sst.of(str(value))).encode()
                element = b'<c r="' + ref + b'"' + s_attr + b' t="s"><v>' + index + b"</v></c>"
            if letters not in found:
                order.append(letters)
            found[letters] = (attrs, element)
        order.sort(key=_col_index)
        new_body = b"".join(found[letters][1] for letters in order)
        xml = xml[:m.start(1)] + new_body + xml[m.end(1):]
    parts[part] = xml
    parts[sst_name] = sst.data(refs)
    tmp = path.with_suffix(".edit.tmp")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, parts[info.filename], compress_type=info.compress_type)
    tmp.replace(path)


def morning_edits(path: Path) -> list[str]:
    """Ten orders of the Masterliste edited as an agent does the morning after a run: four 1st
    letters and three 2nd letters sent today, two orders paid, one cancelled — dates and statuses
    only, byte-level (``edit_cells``). Returns one line per edit."""
    from python_calamine import CalamineWorkbook
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(S.SHEET_MASTER).to_python()
    header = [str(h) for h in rows[0]]
    col = {h: header.index(h) for h in S.MASTER_INPUT_HEADERS}
    letters = {h: _col_letters(i + 1) for h, i in col.items()}

    def blank(v: object) -> bool:
        return v is None or v == ""

    def pick(test, k: int, taken: set[int]) -> list[int]:
        hits = [i for i, r in enumerate(rows[1:], start=2) if i not in taken and test(r)]
        chosen = [hits[j * len(hits) // k] for j in range(k)] if len(hits) >= k else hits
        taken.update(chosen)
        return chosen

    today = TODAY
    taken: set[int] = set()
    edits: dict[tuple[int, str], object] = {}
    lines = []
    first, second, state, debt = (col[S.M_FIRST_LETTER], col[S.M_SECOND_LETTER], col[S.M_INCASSO_STATE],
                                  col[S.M_DEBT_STATUS])

    def as_day(v: object) -> date | None:
        return v.date() if isinstance(v, datetime) else v if isinstance(v, date) else None

    for row in pick(lambda r: blank(r[first]) and blank(r[state]), 4, taken):
        edits[(row, letters[S.M_FIRST_LETTER])] = today
        lines.append(f"Masterliste!{letters[S.M_FIRST_LETTER]}{row} = {today:%d.%m.%Y} (1. Mahnung)")
    for row in pick(lambda r: (d := as_day(r[first])) is not None and d <= today - timedelta(days=14)
                    and blank(r[second]) and blank(r[state]), 3, taken):
        edits[(row, letters[S.M_SECOND_LETTER])] = today
        lines.append(f"Masterliste!{letters[S.M_SECOND_LETTER]}{row} = {today:%d.%m.%Y} (2. Mahnung)")
    for value, debt_value, k in ((S.STATE_PAID, S.DEBT_PAID, 2), (S.STATE_CANCELED, S.DEBT_CANCELLED, 1)):
        for row in pick(lambda r: blank(r[state]) and r[debt] == S.DEBT_RUNNING, k, taken):
            edits[(row, letters[S.M_INCASSO_STATE])] = value
            edits[(row, letters[S.M_DEBT_STATUS])] = debt_value
            lines.append(f"Masterliste!{letters[S.M_INCASSO_STATE]}{row} = {value}, "
                         f"{letters[S.M_DEBT_STATUS]}{row} = {debt_value}")
    if len(edits) != 13:
        raise SystemExit(f"the workbook lacks orders to edit (found {len(lines)} of 10): {lines}")
    edit_cells(path, S.SHEET_MASTER, edits)
    after = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(S.SHEET_MASTER).to_python()
    wrong = [f"{letters}{row}" for (row, letters), value in edits.items()
             if (as_day(after[row - 1][_col_index(letters) - 1]) or after[row - 1][_col_index(letters) - 1]) != value]
    changed = sum(1 for old, new in zip(rows, after, strict=True) if old != new)
    if wrong or changed != 10:
        raise SystemExit(f"the edit did not take: cells {wrong}, {changed} rows changed")
    return lines
