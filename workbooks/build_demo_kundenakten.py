"""Build the realistic demo workbook "Kundenakten.xlsx" (SPEC §4, seed 002).

A virtual-assistant agency's customer files: 24 customers on `Kunden`, about 150 entries on
`Einträge` (O-Team and VPA files mixed, as the team writes them), covering every rule — current
files, exactly 27 and 28 days without a VPA entry, new customers with no VPA entry yet,
reassignments, deadlines pending and missed, a customer without VPA — and the typical mistakes of
real agents (each customer/entry with one is marked "(Demo: …)" in the agents' own column
`Notiz`): entries for a misspelt customer, entries from the shared account without Kürzel,
entries without Situation, `0-Team` with a zero, misspelt Kategorie and Kundenstatus, dates as
text. Hand formatting the product must respect: an agent's highlight, a comment, the agents' own
column, a drop-down; and rows coloured green by hand, one of them wrongly (an O-Team row).

Written with XlsxWriter (a different writer than the template's openpyxl). "Today" for the demo
is 22.11.2026: run with ``--now 2026-11-22T12:00``. Deterministic (fixed seed and dates).

    .venv/bin/python workbooks/build_demo_kundenakten.py [--out DIR]
"""
from __future__ import annotations

import argparse
import hashlib
import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import xlsxwriter

from xl_addin.core.layout import settings_rows
from xl_addin.kinds.kundenakten import schema as S
from xl_addin.templates import COMPUTED_NOTE

TODAY = date(2026, 11, 22)
CREATED = datetime(2026, 11, 20, 8, 30, 0)
SEED = 20261122
FILE_NAME = "Kundenakten.xlsx"
DEFAULT_OUT = Path(__file__).resolve().parent / "demo"
SHARED_ACCOUNT = "Office-Team"           # the demo's shared account (setting "Gemeinsames Konto")
NOTE = "Notiz"                           # the agents' own column (unknown to the product)
GREEN, HIGHLIGHT = "#C6EFCE", "#FFEB9C"

O_TEAM = ["Sarah Winter", "Murat Aksoy", "Julia Hahn", SHARED_ACCOUNT]
INITIALS = {"Sarah Winter": "SW", "Murat Aksoy": "MA", "Julia Hahn": "JH"}


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


@dataclass
class Customer:
    name: str
    status: str | None
    vpa: str | None
    assigned: int | None                 # days ago
    vpa_entries: list[int]               # days ago of the VPA's own entries
    note: str = ""
    status_text: str | None = None       # as typed, when it differs from the status (a typo)
    previous_vpa: str | None = None
    deadline: tuple[int, int] | None = None   # (entry days ago, Frist VPA days from today) of a reminder
    expect: str = ""                     # what the run says (for the summary and the tests)


CUSTOMERS = [
    Customer("Bäckerei Sonnenschein", S.STATUS_REGULAR, "Lena Vogt", 160, [150, 120, 95, 70, 41, 19, 6],
             expect="aktuell"),
    Customer("Steuerbüro Albers", S.STATUS_PRIO, "Jonas Krüger", 200, [180, 140, 90, 60, 33, 12, 2],
             expect="aktuell"),
    Customer("Kanzlei Richter & Partner", S.STATUS_REGULAR, "Mira Schulte", 120, [100, 64, 27],
             note="(Demo: letzter VPA-Eintrag genau 27 Tage her — noch aktuell)",
             expect="aktuell, Wiedervorlage morgen"),
    Customer("Immobilien Krause", S.STATUS_REGULAR, "Tobias Brandt", 130, [110, 70, 28],
             note="(Demo: letzter VPA-Eintrag genau 28 Tage her — nicht aktuell)", expect="nicht aktuell"),
    Customer("Yoga-Studio Lotus", S.STATUS_OFFER, "Aylin Demir", 10, [],
             note="(Demo: Neukunde, noch kein VPA-Eintrag)", expect="aktuell, noch kein VPA-Eintrag"),
    Customer("Fotografie Nowak", S.STATUS_OFFER, "Paul Hartmann", 35, [],
             note="(Demo: seit 35 Tagen zugewiesen, VPA hat nie geschrieben)", expect="nicht aktuell"),
    Customer("Handwerk Schneider GmbH", S.STATUS_REASSIGNED, "Sofia Lange", 12, [],
             previous_vpa="Nils Becker", note="(Demo: Neuzuweisung vor 12 Tagen — alte Einträge zählen nicht)",
             expect="aktuell, Uhr neu gestartet"),
    Customer("Eventagentur Funkel", S.STATUS_REASSIGNED, "Lena Vogt", 30, [],
             previous_vpa="Mira Schulte", note="(Demo: Neuzuweisung vor 30 Tagen, neue VPA schreibt nicht)",
             expect="nicht aktuell"),
    Customer("Hausverwaltung Berger", S.STATUS_REGULAR, "Nils Becker", 150, [130, 90, 45],
             deadline=(3, 4), note="(Demo: Vorlage geschickt, Frist läuft noch)", expect="Frist läuft"),
    Customer("Coaching Maier", S.STATUS_PRIO, "Jonas Krüger", 170, [150, 100, 52],
             deadline=(16, -5), note="(Demo: Frist verstrichen)", expect="Frist verstrichen"),
    Customer("Online-Shop Grünzeug", S.STATUS_REGULAR, "Aylin Demir", 140, [120, 80, 44, 4],
             deadline=(10, -3), note="(Demo: VPA hat nach der Erinnerung nachgetragen)", expect="aktuell"),
    Customer("Architekturbüro Linde", S.STATUS_OFFER, None, None, [],
             note="(Demo: noch kein VPA zugewiesen)", expect="VPA zuweisen"),
    Customer("Physiotherapie Bewegt", S.STATUS_REGULAR, "Tobias Brandt", None, [15],
             note="(Demo: 'Zugewiesen am' fehlt)", expect="aktuell (ab letztem Eintrag)"),
    Customer("Tierarztpraxis Hof", S.STATUS_INACTIVE, "Paul Hartmann", 90, [80, 61],
             expect="nicht aktuell (Vorlage inaktiver Kunde)"),
    Customer("Weinhandel Rebstock", S.STATUS_PRIO, "Sofia Lange", 75, [60, 40],
             status_text="Prio-Kunde", note="(Demo: Kundenstatus falsch geschrieben)",
             expect="nicht aktuell, Status prüfen"),
    Customer("Catering Heimat", S.STATUS_REGULAR, "Mira Schulte", 210, [190, 150, 110, 66, 25, 9],
             expect="aktuell"),
    Customer("IT-Service Kern", S.STATUS_REGULAR, "Nils Becker", 100, [85, 50, 21, 1], expect="aktuell"),
    Customer("Malerbetrieb Farbecht", S.STATUS_REGULAR, "Lena Vogt", 60, [50, 31], expect="nicht aktuell"),
    Customer("Reisebüro Fernweh", S.STATUS_PRIO, "Aylin Demir", 45, [38, 17, 3], expect="aktuell"),
    Customer("Übersetzungen Polyglott", S.STATUS_OFFER, "Paul Hartmann", 20, [14], expect="aktuell"),
    Customer("Zahnarztpraxis Lächeln", S.STATUS_REGULAR, "Tobias Brandt", 180, [160, 120, 80, 36, 8],
             expect="aktuell"),
    Customer("Kosmetikstudio Anmut", S.STATUS_INACTIVE, "Sofia Lange", 240, [200, 150],
             expect="nicht aktuell"),
    Customer("Autohaus Süd", S.STATUS_REGULAR, "Jonas Krüger", 110, [95, 58, 26, 11], expect="aktuell"),
    Customer("Gärtnerei Blattgrün", S.STATUS_PRIO, "Mira Schulte", 6, [2], expect="aktuell"),
]

VPA_TEXTS = [
    ("Kundenbetreuung", "Kunde möchte Rechnungen ab sofort als PDF im Ordner 'Buchhaltung' abgelegt haben",
     "Ordner angelegt, Ablage umgestellt", "Ab Monatsende prüfen, ob alles vollständig ist"),
    ("Chat/Mail", "Kunde bittet um wöchentliche Zusammenfassung der offenen Anfragen",
     "Vorlage für Freitags-Update erstellt", "Jeden Freitag bis 14 Uhr senden"),
    ("Telefonat", "Rückruf: neue Ansprechpartnerin im Büro ist Frau Kühn",
     "Kontaktliste aktualisiert", None),
    ("Kundenbetreuung", "Terminverwaltung läuft jetzt über Outlook statt Google Kalender",
     "Zugang eingerichtet, alte Termine übertragen", "Doppelte Einträge im Dezember bereinigen"),
    ("Chat/Mail", "Kunde wünscht Antwort auf Anfragen innerhalb von 24 Stunden",
     "Postfach-Regel angelegt", None),
    ("Kundenbetreuung", "Newsletter-Versand übernommen (monatlich, erster Dienstag)",
     "Verteiler geprüft, 412 Empfänger", "Nächster Versand 01.12."),
    ("Telefonat", "Kunde erklärt Ablauf für Reisekostenabrechnung",
     "Checkliste im Kundenordner abgelegt", "Belege bis zum 5. des Monats einsammeln"),
    ("Kundenbetreuung", "Social-Media-Planung für Q1 besprochen",
     "Redaktionsplan-Entwurf geschickt", "Freigabe abwarten"),
]
HANDOVER = ("Übergabe", "Übergabe an neuen VPA: Aufgaben, Zugänge und Gepflogenheiten des Kunden",
            "Übergabegespräch geführt, Zugänge übergeben", "Erste Woche: täglich kurzer Abgleich")
O_TEAM_TEXTS = [
    ("Lead-Gespräch", "Erstberatung Sales: Kunde sucht Unterstützung bei Buchhaltung und Terminen, 10 Std./Monat",
     "Angebot Basis-Paket geschickt", "Nachfassen in 3 Tagen"),
    ("Sondervereinbarung", "Sonderpreis 39 €/Std. für die ersten drei Monate vereinbart (intern!)",
     "In CRM hinterlegt", "Preisanpassung ab Monat 4"),
    ("Beschwerde", "Kunde unzufrieden mit Reaktionszeit des VPA",
     "Gespräch mit VPA geführt", "In zwei Wochen beim Kunden nachfragen"),
    ("Stundenpaketverlängerung", "Stundenpaket um 20 Std. verlängert",
     "Rechnung angestoßen", None),
    ("IT-Problem", "VPA hat keinen Zugriff auf das DATEV-Portal des Kunden",
     "Ticket beim Kunden-IT-Dienstleister eröffnet", "Status am Montag prüfen"),
    ("Statusänderung", "Kunde auf Prio gesetzt: Umsatz > 2.000 €/Monat",
     "Status geändert", None),
    ("Add-on-Buchung", "Add-on Telefonanlage gebucht (Telefonfaktor 1,2)",
     "Rufumleitung eingerichtet", "Erste Abrechnung prüfen"),
    ("Chat/Mail", "Wichtige Info aus dem Einzelchat: Kunde plant Umzug der Praxis im Februar",
     "An Admin-Team weitergegeben", None),
]
VPA_CHANGE = ("VPA-Wechsel", "VPA-Wechsel: bisheriger VPA fällt länger aus (Krankheit)",
              "Neuen VPA ausgewählt, Übergabe in der VPA-Akte vorbereitet", "Übergabe prüfen")
REMINDER = ("Chat/Mail", "VPA per Chatvorlage 'Akte pflegen' angeschrieben, Akte seit Wochen ohne Eintrag",
            "Frist gesetzt, Wiedervorlage eingestellt", "Bei Fristablauf nachfassen")


@dataclass
class Entry:
    day: date
    customer: str
    akte: str
    category: str | None
    situation: str | None
    response: str | None
    next_steps: str | None
    author: str
    initials: str | None = None
    follow_up: date | None = None
    deadline: date | None = None
    note: str = ""
    date_text: str | None = None         # the date as typed, when typed as text
    hand_green: bool = False             # coloured green by hand before the product existed
    highlight: bool = False              # an agent's own highlight on the Situation cell
    comment: str = ""


def _o_team_author(rng: random.Random) -> tuple[str, str | None]:
    who = rng.choice(O_TEAM)
    return who, INITIALS.get(who) if who != SHARED_ACCOUNT else rng.choice(["SW", "MA", "JH"])


def build_entries(rng: random.Random) -> list[Entry]:
    out: list[Entry] = []
    for c in CUSTOMERS:
        texts = rng.sample(VPA_TEXTS, k=len(VPA_TEXTS))
        for i, age in enumerate(c.vpa_entries):
            cat, sit, res, nxt = texts[i % len(texts)]
            out.append(Entry(ago(age), c.name, S.FILE_VPA, cat, sit, res, nxt, c.vpa or "",
                             hand_green=rng.random() < 0.5))
        if c.assigned is not None:
            first = c.assigned + rng.randint(3, 20)
            who, ini = _o_team_author(rng)
            out.append(Entry(ago(first), c.name, S.FILE_OTEAM, *O_TEAM_TEXTS[0], who, ini))
            for cat, sit, res, nxt in rng.sample(O_TEAM_TEXTS[1:], k=rng.randint(0, 3)):
                who, ini = _o_team_author(rng)
                out.append(Entry(ago(rng.randint(1, c.assigned)), c.name, S.FILE_OTEAM, cat, sit, res, nxt, who, ini))
        if c.previous_vpa:
            for age in (c.assigned + 40, c.assigned + 25, c.assigned + 8):
                cat, sit, res, nxt = rng.choice(VPA_TEXTS)
                out.append(Entry(ago(age), c.name, S.FILE_VPA, cat, sit, res, nxt, c.previous_vpa))
            who, ini = _o_team_author(rng)
            out.append(Entry(ago(c.assigned + 1), c.name, S.FILE_OTEAM, *VPA_CHANGE, who, ini))
        if c.deadline:
            written, frist = c.deadline
            who, ini = _o_team_author(rng)
            out.append(Entry(ago(written), c.name, S.FILE_OTEAM, *REMINDER, who, ini,
                             follow_up=TODAY + timedelta(days=frist), deadline=TODAY + timedelta(days=frist)))
    _add_mistakes(out, rng)
    out.sort(key=lambda e: (e.day, e.customer, e.akte))
    return out


def _add_mistakes(out: list[Entry], rng: random.Random) -> None:
    """The typical input of real agents (each marked in Notiz)."""
    out += [
        Entry(ago(5), "Bäckerei Sonnenschien", S.FILE_VPA, "Chat/Mail",
              "Kunde fragt nach Urlaubsvertretung im Dezember",
              "Vertretung geklärt", None, "Lena Vogt", note="(Demo: Kunde falsch geschrieben)"),
        Entry(ago(9), "Fotostudio Blende", S.FILE_OTEAM, "Lead-Gespräch", "Interessent, noch kein Vertrag",
              None, "Angebot schicken", "Murat Aksoy", "MA", note="(Demo: Kunde nicht auf 'Kunden')"),
        Entry(ago(7), "Steuerbüro Albers", S.FILE_OTEAM, "Beschwerde",
              "Kunde beschwert sich über Rechnungsfehler im Oktober", "Gutschrift veranlasst", None, SHARED_ACCOUNT,
              None, note="(Demo: gemeinsames Konto ohne Kürzel)"),
        Entry(ago(13), "Catering Heimat", S.FILE_OTEAM, "Telefonat", "Kunde ruft wegen Zusatzstunden an",
              "Stundenpaket erklärt", None, SHARED_ACCOUNT, None, note="(Demo: gemeinsames Konto ohne Kürzel)"),
        Entry(ago(4), "Autohaus Süd", S.FILE_OTEAM, "IT-Problem", None, "Passwort zurückgesetzt", None, "Julia Hahn",
              "JH", note="(Demo: Situation fehlt)"),
        Entry(ago(18), "IT-Service Kern", S.FILE_VPA, "Kundenbetreuung", None, "Backup-Plan übernommen", None,
              "Nils Becker", note="(Demo: Situation fehlt)"),
        Entry(ago(6), "Reisebüro Fernweh", "0-Team", "Sondervereinbarung",
              "Rabatt 15 % auf Gruppenreisen-Support vereinbart (nur intern)", "Im CRM vermerkt", None,
              "Sarah Winter", "SW", note="(Demo: 0-Team mit Null — wird weder gefärbt noch exportiert)"),
        Entry(ago(22), "Zahnarztpraxis Lächeln", "OTeam", "Beschwerden", "Kunde wünscht anderen VPA-Ansprechpartner",
              "Gespräch angeboten", None, "Murat Aksoy", "MA", note="(Demo: Kategorie falsch geschrieben; OTeam)"),
        Entry(ago(19), "Catering Heimat", S.FILE_VPA, "Kundenbetreuung", "Menükarten für Weihnachtsfeiern gesetzt",
              "An Kunden geschickt", None, "Mira Schulte", note="(Demo: Datum als Text 3.11.26)", date_text="3.11.26"),
        Entry(ago(40), "Kosmetikstudio Anmut", S.FILE_OTEAM, "Statusänderung", "Kunde pausiert bis Januar",
              "Status auf Inaktiv", None, "Julia Hahn", "JH", note="(Demo: Datum als Text 31.11.2026 — gibt es nicht)",
              date_text="31.11.2026"),
        Entry(ago(16), "Immobilien Krause", S.FILE_OTEAM, "Beschwerde",
              "Kunde beschwert sich: Exposés kommen zu spät", "VPA informiert", None, "Sarah Winter", "SW",
              note="(Demo: von Hand grün gefärbt, ist aber O-Team)", hand_green=True),
        Entry(ago(11), "Kanzlei Richter & Partner", S.FILE_OTEAM, "Chat/Mail",
              "Wichtig: Mandantendaten nur verschlüsselt versenden", "VPA-Leitfaden ergänzt", None, "Murat Aksoy",
              "MA", note="(Demo: Situation von Hand gelb markiert)", highlight=True,
              comment="Bitte im nächsten Teammeeting ansprechen – Julia"),
    ]


def build(out_dir: Path) -> tuple[Path, list[Entry]]:
    rng = random.Random(SEED)
    entries = build_entries(rng)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / FILE_NAME
    tmp = path.with_name(path.name + ".tmp")
    wb = xlsxwriter.Workbook(str(tmp), {"strings_to_numbers": False, "strings_to_formulas": False,
                                        "strings_to_urls": False})
    wb.set_properties({"title": "Kundenakten", "author": "O-Team", "company": "Assistenz-Agentur",
                       "created": CREATED})
    bold = wb.add_format({"bold": True})
    computed = wb.add_format({"bold": True, "italic": True, "font_color": "#595959", "bg_color": "#E7E6E6"})
    green = wb.add_format({"bg_color": GREEN})
    green_date = wb.add_format({"bg_color": GREEN, "num_format": "dd.mm.yyyy"})
    highlight = wb.add_format({"bg_color": HIGHLIGHT})
    dfmt = wb.add_format({"num_format": "dd.mm.yyyy"})

    # -- Kunden
    ws = wb.add_worksheet(S.SHEET_CUSTOMERS)
    headers = S.CUSTOMER_HEADERS + [NOTE]
    for col, h in enumerate(headers):
        ws.write_string(0, col, h, computed if h in S.CUSTOMER_COMPUTED_HEADERS else bold)
        if h in S.CUSTOMER_COMPUTED_HEADERS:
            ws.write_comment(0, col, COMPUTED_NOTE, {"author": "xl_addin"})
    for r, c in enumerate(CUSTOMERS, start=1):
        ws.write_string(r, 0, c.name)
        if c.status_text or c.status:
            ws.write_string(r, 1, c.status_text or c.status)
        if c.vpa:
            ws.write_string(r, 2, c.vpa)
        if c.assigned is not None:
            ws.write_datetime(r, 3, datetime.combine(ago(c.assigned), datetime.min.time()), dfmt)
        if c.note:
            ws.write_string(r, len(headers) - 1, c.note)
    ws.data_validation(1, 1, 500, 1, {"validate": "list", "source": S.CUSTOMER_STATUSES})
    for col, width in enumerate([28, 18, 16, 14, 18, 16, 14, 70, 60]):
        ws.set_column(col, col, width)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, len(CUSTOMERS), len(headers) - 1)

    # -- Einträge
    ws = wb.add_worksheet(S.SHEET_ENTRIES)
    headers = S.ENTRY_HEADERS + [NOTE]
    for col, h in enumerate(headers):
        ws.write_string(0, col, h, bold)
    date_cols = {S.ENTRY_HEADERS.index(h) for h in (S.E_DATE, S.E_FOLLOW_UP, S.E_DEADLINE)}
    for r, e in enumerate(entries, start=1):
        values = [e.date_text or e.day, e.customer, e.akte, e.category, e.situation, e.response, e.next_steps,
                  e.author, e.initials, e.follow_up, e.deadline, e.note or None]
        for col, v in enumerate(values):
            fmt = None
            if e.hand_green:
                fmt = green_date if col in date_cols else green
            elif e.highlight and headers[col] == S.E_SITUATION:
                fmt = highlight
            elif col in date_cols:
                fmt = dfmt
            if v is None:
                if fmt is not None and e.hand_green:
                    ws.write_blank(r, col, None, fmt)
            elif isinstance(v, date):
                ws.write_datetime(r, col, datetime.combine(v, datetime.min.time()), fmt)
            else:
                ws.write_string(r, col, v, fmt)
        if e.comment:
            ws.write_comment(r, headers.index(S.E_SITUATION), e.comment, {"author": "Julia Hahn"})
    ws.data_validation(1, 2, 2000, 2, {"validate": "list", "source": S.FILE_VALUES})
    for col, width in enumerate([12, 28, 9, 22, 60, 40, 34, 15, 8, 14, 12, 50]):
        ws.set_column(col, col, width)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, len(entries), len(headers) - 1)

    # -- Einstellungen
    ws = wb.add_worksheet(S.SHEET_SETTINGS)
    rows = settings_rows(S.SETTINGS)
    for r, row in enumerate(rows):
        for col, v in enumerate(row):
            if row[0] == S.SET_SHARED_ACCOUNT and col == 1:
                v = SHARED_ACCOUNT
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                ws.write_number(r, col, v, bold if r == 0 else None)
            else:
                ws.write_string(r, col, str(v), bold if r == 0 else None)
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 40)
    ws.set_column(2, 2, 90)
    wb.close()
    tmp.replace(path)
    return path, entries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args()
    path, entries = build(args.out)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    print(f"{path}  ({path.stat().st_size:,} Bytes, sha256 {digest}…)")
    files = Counter(e.akte for e in entries)
    per_file = ", ".join(f"{k} {n}" for k, n in sorted(files.items()))
    print(f"  {len(CUSTOMERS)} Kunden, {len(entries)} Einträge: {per_file}")
    for c in CUSTOMERS:
        print(f"  {c.name:<28} {c.expect}")
    print(f"  Demo-Fehler: {sum(1 for e in entries if e.note)} Einträge, {sum(1 for c in CUSTOMERS if c.note)} Kunden")


if __name__ == "__main__":
    main()
