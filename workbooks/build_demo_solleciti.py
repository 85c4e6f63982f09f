"""Build the realistic demo workbook "Solleciti.xlsx" (SPEC §3, seed 003).

Written with XlsxWriter, like a workbook the callers keep by hand: a `Ticket` sheet with every leaf
of the flow chart (each row says which in the callers' own column `Note`, "(Demo: …)"; `Stato` is
the ticket's state before the recorded call, `Tentativi` the calls before it — SPEC §3), the
callers' column `Operatore`, drop-downs on the closed lists, a conditional format on Priorità,
cells coloured by hand, comments, a `Report Preblocco` with rows typed by hand (one twice), the
`Impostazioni`, a `Statistiche` sheet with formulas, and a hidden history sheet from last month so
that one ticket gets MANCATO CONTATTO 2. About a dozen rows carry the typical mistakes ("errore: …"
— the row says what to fix) and two a `Tentativi` that disagrees with `Stato` ("avviso: …" — a
warning, the decision follows `Stato`).

"Today" for the demo is Sunday 22.11.2026: run the product with ``--now 2026-11-22T12:00``.
The output is deterministic (fixed seed, fixed document dates).

    .venv/bin/python workbooks/build_demo_solleciti.py [--out DIR]
"""
from __future__ import annotations

import argparse
import hashlib
import random
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from xl_addin.core.layout import settings_rows
from xl_addin.kinds.solleciti import schema as S

TODAY = date(2026, 11, 22)
CREATED = datetime(2026, 11, 20, 8, 30, 0)
SEED = 20261122
FILE_NAME = "Solleciti.xlsx"
DEFAULT_OUT = Path(__file__).resolve().parent / "demo"

OPERATOR = "Operatore"            # the callers' own columns (unknown to the product)
NOTE = "Note"
STATS_SHEET = "Statistiche"
HEADERS = ([S.T_TICKET, S.T_CLIENT, OPERATOR] + S.TICKET_INPUT_HEADERS[2:]
           + S.TICKET_COMPUTED_HEADERS + [NOTE])
LIGHT_BLUE = "#DDEBF7"

FRI = date(2026, 11, 20)          # the last working day before the demo's "today"
THU = date(2026, 11, 19)


def d(day: int, month: int = 11, year: int = 2026) -> date:
    return date(year, month, day)


# Each scenario: (note, fields by header). Data contatto is the day of the recorded call.
SCENARIOS: list[tuple[str, dict]] = [
    # ---- still to call
    ("nuovo, da chiamare", {S.T_STATUS: "Nuovo"}),
    ("nuovo, da chiamare", {S.T_STATUS: "Nuovo", S.T_OPEN_PROFORMAS: 1}),
    ("non lavorato, da chiamare", {S.T_STATUS: "Non lavorato", S.T_OPEN_PROFORMAS: 2}),
    ("nuovo, da chiamare", {S.T_STATUS: "Nuovo", S.T_OPEN_PROFORMAS: 3}),
    # ---- no answer, 1st/2nd call: Stato is the state before the call, Tentativi the calls before it
    ("1ª chiamata senza risposta → chiamata 1, RIEPILOGO, +5 gg lav.",
     {S.T_STATUS: "Nuovo", S.T_OUTCOME: "Non risponde", S.T_ATTEMPTS: 0, S.T_CONTACT_ON: FRI}),
    ("1ª chiamata senza risposta, Tentativi vuoto → chiamata 1, RIEPILOGO",
     {S.T_STATUS: "Non lavorato", S.T_OUTCOME: "Non risponde", S.T_CONTACT_ON: THU}),
    ("1ª chiamata senza risposta (senza Data contatto: conta da oggi)",
     {S.T_STATUS: "Nuovo", S.T_OUTCOME: "Non risponde", S.T_ATTEMPTS: 0}),
    ("2ª chiamata senza risposta → chiamata 2",
     {S.T_STATUS: "Chiamata 1", S.T_OUTCOME: "Non risponde", S.T_ATTEMPTS: 1, S.T_CONTACT_ON: FRI}),
    ("avviso: Tentativi 2 contando anche questa chiamata — vale lo Stato Chiamata 1 → chiamata 2",
     {S.T_STATUS: "Chiamata 1", S.T_OUTCOME: "Non risponde", S.T_ATTEMPTS: 2, S.T_CONTACT_ON: d(18)}),
    # ---- no answer, 3rd call (Stato Chiamata 2) or later (Chiamata 3)
    ("3ª chiamata senza risposta, 1 proforma → MANCATO CONTATTO 1 al 10/12",
     {S.T_STATUS: "Chiamata 2", S.T_OUTCOME: "Non risponde", S.T_ATTEMPTS: 2, S.T_OPEN_PROFORMAS: 1,
      S.T_CONTACT_ON: FRI}),
    ("3ª chiamata senza risposta, 2 proforma → MANCATO CONTATTO 2 (già uno a novembre, foglio nascosto)",
     {S.T_STATUS: "Chiamata 2", S.T_OUTCOME: "Non risponde", S.T_ATTEMPTS: 2, S.T_OPEN_PROFORMAS: 2,
      S.T_CONTACT_ON: d(17)}),
    ("3ª chiamata senza risposta, Tentativi vuoto, 3 proforma → PREBLOCCO",
     {S.T_STATUS: "Chiamata 2", S.T_OUTCOME: "Non risponde", S.T_OPEN_PROFORMAS: 3, S.T_CONTACT_ON: FRI}),
    ("4ª chiamata senza risposta (Stato Chiamata 3), 6 proforma → PREBLOCCO",
     {S.T_STATUS: "Chiamata 3", S.T_OUTCOME: "Non risponde", S.T_ATTEMPTS: 3, S.T_OPEN_PROFORMAS: 6,
      S.T_CONTACT_ON: THU}),
    # ---- missed phone appointments
    ("1° appuntamento telefonico mancato → chiamata 1, ALTA",
     {S.T_STATUS: "Appuntamento telefonico", S.T_OUTCOME: "Non risponde", S.T_MISSED_APPTS: 1,
      S.T_OPEN_PROFORMAS: 2, S.T_CONTACT_ON: FRI}),
    ("2° appuntamento mancato → chiamata 2, ALTA",
     {S.T_STATUS: "Appuntamento telefonico", S.T_OUTCOME: "Non risponde", S.T_MISSED_APPTS: 2,
      S.T_OPEN_PROFORMAS: 1, S.T_CONTACT_ON: d(18)}),
    ("3° appuntamento mancato, 2 proforma → MANCATO CONTATTO",
     {S.T_STATUS: "Appuntamento telefonico", S.T_OUTCOME: "Non risponde", S.T_MISSED_APPTS: 3,
      S.T_OPEN_PROFORMAS: 2, S.T_CONTACT_ON: FRI}),
    ("3° appuntamento mancato, 4 proforma → PREBLOCCO",
     {S.T_STATUS: "Appuntamento telefonico", S.T_OUTCOME: "Non risponde", S.T_MISSED_APPTS: 3,
      S.T_OPEN_PROFORMAS: 4, S.T_CONTACT_ON: FRI}),
    # ---- already paid
    ("ha già pagato 4 gg lav. fa → contabile via email, CONTROLLO PAGAMENTO",
     {S.T_STATUS: "Chiamata 1", S.T_OUTCOME: "Ha già pagato", S.T_ATTEMPTS: 1, S.T_PAID_ON: d(16),
      S.T_CONTACT_ON: FRI}),
    ("ha già pagato esattamente 5 gg lav. fa (confine) → contabile via email",
     {S.T_STATUS: "Nuovo", S.T_OUTCOME: "Ha già pagato", S.T_ATTEMPTS: 0, S.T_PAID_ON: d(13),
      S.T_CONTACT_ON: FRI}),
    ("ha già pagato 6 gg lav. fa (confine) → VERIFICA SEDE, assistenza.xriba",
     {S.T_STATUS: "Chiamata 2", S.T_OUTCOME: "Ha già pagato", S.T_ATTEMPTS: 2, S.T_PAID_ON: d(12),
      S.T_CONTACT_ON: FRI}),
    ("ha già pagato a fine ottobre → VERIFICA SEDE",
     {S.T_STATUS: "Chiamata 1", S.T_OUTCOME: "Ha già pagato", S.T_ATTEMPTS: 1, S.T_PAID_ON: d(30, 10),
      S.T_CONTACT_ON: THU}),
    # ---- payment agreement
    ("accordo saldo per il 30/11 → ACCORDO PAGAMENTO al 03/12",
     {S.T_STATUS: "Chiamata 1", S.T_OUTCOME: "Accordo di pagamento", S.T_ATTEMPTS: 1, S.T_PAYMENT_KIND: "Saldo",
      S.T_AGREED_ON: d(30), S.T_CONTACT_ON: FRI}),
    ("accordo parziale per il 04/12 → VERIFICA PAGAMENTO al 10/12 (l'8/12 è l'Immacolata)",
     {S.T_STATUS: "Chiamata 2", S.T_OUTCOME: "Accordo di pagamento", S.T_ATTEMPTS: 2,
      S.T_PAYMENT_KIND: "Parziale", S.T_AGREED_ON: d(4, 12), S.T_CONTACT_ON: THU}),
    ("accordo saldo per il 23/12 → controllo il 29/12 (Natale e Santo Stefano)",
     {S.T_STATUS: "Nuovo", S.T_OUTCOME: "Accordo di pagamento", S.T_ATTEMPTS: 0, S.T_PAYMENT_KIND: "Saldo",
      S.T_AGREED_ON: d(23, 12), S.T_CONTACT_ON: FRI}),
    # ---- no agreement
    ("nessun accordo, problema di bilancio → Customer Care, +10 gg lav.",
     {S.T_STATUS: "Chiamata 1", S.T_OUTCOME: "Nessun accordo", S.T_ATTEMPTS: 1, S.T_REASON: "Problema da risolvere",
      S.T_PROBLEM: "Bilancio/Studio", S.T_CONTACT_ON: FRI}),
    ("nessun accordo, problema di contabilità → CUSTOMER CARE/CONTABILE",
     {S.T_STATUS: "Chiamata 2", S.T_OUTCOME: "Nessun accordo", S.T_ATTEMPTS: 2, S.T_REASON: "Problema da risolvere",
      S.T_PROBLEM: "Contabilità", S.T_CONTACT_ON: THU}),
    ("nessun accordo, problema tecnico → CUSTOMER CARE",
     {S.T_STATUS: "Nuovo", S.T_OUTCOME: "Nessun accordo", S.T_ATTEMPTS: 0, S.T_REASON: "Problema da risolvere",
      S.T_PROBLEM: "Tecnico", S.T_CONTACT_ON: FRI}),
    ("vuole parlare solo con lo Studio → BLOCCANTE, GESTIONE STUDIO",
     {S.T_STATUS: "Chiamata 1", S.T_OUTCOME: "Nessun accordo", S.T_ATTEMPTS: 1, S.T_REASON: "Non vuole comunicare",
      S.T_CONTACT_PERSON: "Studio", S.T_CONTACT_ON: FRI}),
    ("vuole parlare solo con l'amministrazione → ALTA, GESTIONE SEDE",
     {S.T_STATUS: "Chiamata 1", S.T_OUTCOME: "Nessun accordo", S.T_ATTEMPTS: 1, S.T_REASON: "Non vuole comunicare",
      S.T_CONTACT_PERSON: "Amministrazione", S.T_CONTACT_ON: THU}),
    ("vuole parlare solo con un responsabile → BLOCCANTE, al responsabile",
     {S.T_STATUS: "Chiamata 2", S.T_OUTCOME: "Nessun accordo", S.T_ATTEMPTS: 2, S.T_REASON: "Non vuole comunicare",
      S.T_CONTACT_PERSON: "Responsabile", S.T_CONTACT_ON: FRI}),
    ("deve prima verificare → APPUNTAMENTO TELEFONICO",
     {S.T_STATUS: "Nuovo", S.T_OUTCOME: "Nessun accordo", S.T_ATTEMPTS: 0, S.T_REASON: "Deve verificare",
      S.T_CONTACT_ON: FRI}),
    ("rifiuta di pagare → PREBLOCCO",
     {S.T_STATUS: "Chiamata 1", S.T_OUTCOME: "Nessun accordo", S.T_ATTEMPTS: 1, S.T_REASON: "Rifiuta generico",
      S.T_OPEN_PROFORMAS: 2, S.T_CONTACT_ON: FRI}),
    # ---- Pre-Blocco
    ("Pre-Blocco da 12 giorni → attendere (già nel Report)",
     {S.T_STATUS: "Pre-Blocco", S.T_PREBLOCCO_ON: d(10), S.T_OPEN_PROFORMAS: 3}),
    ("Pre-Blocco da 14 giorni (confine) → attendere fino al 23/11",
     {S.T_STATUS: "Pre-Blocco", S.T_PREBLOCCO_ON: d(8), S.T_OPEN_PROFORMAS: 4}),
    ("Pre-Blocco da 15 giorni (confine) → DA BLOCCARE",
     {S.T_STATUS: "Pre-Blocco", S.T_PREBLOCCO_ON: d(7), S.T_OPEN_PROFORMAS: 3}),
    ("Pre-Blocco da 3 settimane → DA BLOCCARE",
     {S.T_STATUS: "Pre-Blocco", S.T_PREBLOCCO_ON: d(30, 10), S.T_OPEN_PROFORMAS: 5}),
    # ---- In attesa di pagamento
    ("promessa del 18/11: entro 3 gg lav. → attendere",
     {S.T_STATUS: "In attesa di pagamento", S.T_AGREED_ON: d(18), S.T_OPEN_PROFORMAS: 1}),
    ("promessa del 20/11: entro 3 gg lav. → attendere",
     {S.T_STATUS: "In attesa di pagamento", S.T_AGREED_ON: FRI, S.T_OPEN_PROFORMAS: 5, S.T_BROKEN_PROMISES: 3}),
    ("promessa scaduta, 2 proforma → richiamare, PROMESSA DI PAGAMENTO 2",
     {S.T_STATUS: "In attesa di pagamento", S.T_AGREED_ON: d(16), S.T_OPEN_PROFORMAS: 2}),
    ("promessa scaduta, 2 promesse saltate (confine) → PROMESSA DI PAGAMENTO 3",
     {S.T_STATUS: "In attesa di pagamento", S.T_AGREED_ON: d(12), S.T_OPEN_PROFORMAS: 1,
      S.T_BROKEN_PROMISES: 2}),
    ("promessa scaduta, 3 promesse saltate (confine) → PREBLOCCO",
     {S.T_STATUS: "In attesa di pagamento", S.T_AGREED_ON: d(12), S.T_OPEN_PROFORMAS: 1,
      S.T_BROKEN_PROMISES: 3}),
    ("promessa scaduta, 3 proforma (confine) → richiamare",
     {S.T_STATUS: "In attesa di pagamento", S.T_AGREED_ON: d(13), S.T_OPEN_PROFORMAS: 3, S.T_BROKEN_PROMISES: 1}),
    ("promessa scaduta, 4 proforma (confine) → PREBLOCCO",
     {S.T_STATUS: "In attesa di pagamento", S.T_AGREED_ON: d(13), S.T_OPEN_PROFORMAS: 4}),
    ("era nel Report Preblocco, poi ha promesso → attendere",
     {S.T_STATUS: "In attesa di pagamento", S.T_AGREED_ON: d(19), S.T_OPEN_PROFORMAS: 3, S.T_BROKEN_PROMISES: 1}),
    # ---- Customer Care / Rientro
    ("Risoluzione Customer Care, aggiornamento → aggiornare le note",
     {S.T_STATUS: "Risoluzione Customer Care", S.T_UPDATE: "Aggiornamento"}),
    ("Risoluzione Customer Care, risolto → chiamare subito",
     {S.T_STATUS: "Risoluzione Customer Care", S.T_UPDATE: "Risolto", S.T_CONTACT_ON: FRI}),
    ("Risoluzione Customer Care senza notizie → attendere, verificare in RIENTRO",
     {S.T_STATUS: "Risoluzione Customer Care", S.T_OUTCOME: "Nessun accordo", S.T_ATTEMPTS: 1,
      S.T_REASON: "Problema da risolvere", S.T_PROBLEM: "Tecnico", S.T_CONTACT_ON: d(12)}),
    ("Rientro da altro reparto → riparte da zero",
     {S.T_STATUS: "Rientro", S.T_OUTCOME: "Nessun accordo", S.T_ATTEMPTS: 2, S.T_REASON: "Non vuole comunicare",
      S.T_CONTACT_PERSON: "Amministrazione", S.T_CONTACT_ON: FRI}),
    ("Rientro, risolto → chiamare subito",
     {S.T_STATUS: "Rientro", S.T_UPDATE: "Risolto", S.T_CONTACT_ON: THU}),
    ("Rientro, aggiornamento → aggiornare le note",
     {S.T_STATUS: "Rientro", S.T_UPDATE: "Aggiornamento"}),
]

# Typical mistakes (each also a "(Demo: …)" note)
MISTAKES: list[tuple[str, dict]] = [
    ("errore: Stato scritto male 'Chiamta 2'",
     {S.T_STATUS: "Chiamta 2", S.T_OUTCOME: "Non risponde", S.T_ATTEMPTS: 2, S.T_CONTACT_ON: FRI}),
    ("accenti come da tastiera: 'Ha gia' pagato', data come testo 17.11.26 — accettati",
     {S.T_STATUS: "chiamata 1", S.T_OUTCOME: "Ha gia' pagato", S.T_ATTEMPTS: "1", S.T_PAID_ON: "17.11.26",
      S.T_CONTACT_ON: FRI}),
    ("errore: accordo senza Data accordo",
     {S.T_STATUS: "Chiamata 1", S.T_OUTCOME: "Accordo di pagamento", S.T_ATTEMPTS: 1, S.T_PAYMENT_KIND: "Saldo",
      S.T_CONTACT_ON: FRI}),
    ("errore: Pre-Blocco senza Data preblocco (entra comunque nel Report)",
     {S.T_STATUS: "Pre blocco", S.T_OPEN_PROFORMAS: 3}),
    ("avviso: Tentativi 1 con Stato Chiamata 2 — vale lo Stato, 3ª chiamata → MANCATO CONTATTO 1",
     {S.T_STATUS: "Chiamata 2", S.T_OUTCOME: "Non risponde", S.T_ATTEMPTS: 1, S.T_OPEN_PROFORMAS: 1,
      S.T_CONTACT_ON: FRI}),
    ("errore: data 31/11/2026 (non esiste, con le barre)",
     {S.T_STATUS: "Chiamata 2", S.T_OUTCOME: "Accordo di pagamento", S.T_ATTEMPTS: 2, S.T_PAYMENT_KIND: "Parziale",
      S.T_AGREED_ON: "31/11/2026", S.T_CONTACT_ON: FRI}),
    ("errore: Proforma aperti 'tre' in lettere",
     {S.T_STATUS: "Chiamata 3", S.T_OUTCOME: "Non risponde", S.T_ATTEMPTS: 3, S.T_OPEN_PROFORMAS: "tre",
      S.T_CONTACT_ON: FRI}),
    ("errore: Data pagamento nel futuro",
     {S.T_STATUS: "Chiamata 1", S.T_OUTCOME: "Ha già pagato", S.T_ATTEMPTS: 1, S.T_PAID_ON: d(25),
      S.T_CONTACT_ON: FRI}),
    ("errore: appuntamento mancato senza Appuntamenti mancati",
     {S.T_STATUS: "Appuntamento telefonico", S.T_OUTCOME: "Non risponde", S.T_OPEN_PROFORMAS: 2,
      S.T_CONTACT_ON: FRI}),
    ("errore: nessun accordo senza Motivo",
     {S.T_STATUS: "Chiamata 1", S.T_OUTCOME: "Nessun accordo", S.T_ATTEMPTS: 1, S.T_CONTACT_ON: FRI}),
    ("errore: Promesse saltate -1",
     {S.T_STATUS: "In attesa di pagamento", S.T_AGREED_ON: d(10), S.T_OPEN_PROFORMAS: 1, S.T_BROKEN_PROMISES: -1}),
]

CLIENT_NAMES = [
    "Studio Rossi & Associati", "Bar Sport di Neri Luca", "Ottica Blu S.n.c.", "Ferramenta Colombo", "Pizzeria Da Gino",
    "Agenzia Viaggi Sole", "Edilizia Moretti S.r.l.", "Farmacia San Marco", "Panificio Ricci", "Autofficina Greco",
    "Estetica Bella Vita", "Trattoria Al Ponte", "Gelateria Fontana", "Idraulica Bruno", "Cartoleria Marino",
    "Palestra Energia", "Tabaccheria Conti", "Macelleria De Luca", "Fiori di Costa", "Elettricista Gallo",
    "Libreria Mancini", "Parrucchiere Lombardi", "Hotel Belvedere", "B&B La Quercia", "Sartoria Barbieri",
    "Ristorante Da Mario", "Calzature Rinaldi", "Studio Dentistico Testa", "Officina Ferri", "Pasticceria Villa",
    "Enoteca Caruso", "Lavanderia Serra", "Gioielleria Martini", "Agriturismo Il Poggio", "Profumeria Leone",
    "Ortofrutta Pellegrini", "Termoidraulica Longo", "Vivaio Gentile", "Cantina Sociale Riva", "Copisteria Fabbri",
    "Assicurazioni Monti", "Traslochi Bianco", "Pescheria Cattaneo", "Ceramiche Marchetti", "Falegnameria Grasso",
    "Studio Tecnico Orlando", "Ottica Vista Chiara", "Bottega del Caffè", "Autoscuola Europa", "Tipografia Sala",
    "Erboristeria Salvi", "Tende e Tessuti Parisi", "Scuola di Danza Stella", "Veterinario Dott. Negri",
    "Gommista Fiore", "Onoranze Pace", "Birreria Nord", "Informatica Cristiani", "Ristorante Il Faro",
    "Merceria Guidi", "Pulizie Brillanti", "Lavasecco Rapido", "Mobilificio Sanna", "Caseificio Valle",
]
OPERATORS = ["g.verdi", "l.esposito", "m.ferrari", "s.romano"]


def build_rows(rng: random.Random) -> tuple[list[dict], dict[str, int]]:
    names = rng.sample(CLIENT_NAMES, len(CLIENT_NAMES))
    numbers = rng.sample(range(24100, 24999), 80)
    items = [(n, dict(f)) for n, f in SCENARIOS] + [(n, dict(f)) for n, f in MISTAKES]
    order = list(range(len(items)))
    rng.shuffle(order)
    rows, ids = [], {}
    for i, k in enumerate(order):
        note, fields = items[k]
        row = {S.T_TICKET: numbers[i], S.T_CLIENT: names[i % len(names)], OPERATOR: rng.choice(OPERATORS),
               NOTE: f"(Demo: {note})", **fields}
        rows.append(row)
        ids[note] = numbers[i]
    # the same ticket typed twice (the second row is a copy the caller forgot to delete)
    dup_src = next(r for r in rows if r[NOTE].startswith("(Demo: nuovo, da chiamare"))
    rows.append({**dup_src, OPERATOR: "l.esposito", NOTE: "(Demo: errore: stesso Ticket su due righe)"})
    # a row without ticket number
    rows.append({S.T_CLIENT: "Idraulica Bruno", OPERATOR: "m.ferrari", S.T_STATUS: "Nuovo",
                 NOTE: "(Demo: errore: manca il numero di Ticket)"})
    # an old run left a stale Azione on this row: the product rewrites it
    stale = next(r for r in rows if "deve prima verificare" in r[NOTE])
    stale[S.T_ACTION] = "Richiamare"
    stale[S.T_PRIORITY] = "ALTA"
    return rows, ids


class Formats:
    def __init__(self, wb):
        self.header = wb.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True,
                                     "valign": "vcenter"})
        self.computed = wb.add_format({"bold": True, "italic": True, "font_color": "#595959",
                                       "bg_color": "#E7E6E6", "border": 1, "text_wrap": True, "valign": "vcenter"})
        self.date = wb.add_format({"num_format": "dd/mm/yyyy"})
        self.blue = wb.add_format({"bg_color": LIGHT_BLUE})
        self.red = wb.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
        self.orange = wb.add_format({"bg_color": "#FFEB9C", "font_color": "#9C5700"})
        self.bold = wb.add_format({"bold": True})


WIDTHS = {S.T_TICKET: 9, S.T_CLIENT: 28, OPERATOR: 12, S.T_STATUS: 24, S.T_OUTCOME: 21, S.T_ATTEMPTS: 10,
          S.T_MISSED_APPTS: 12, S.T_OPEN_PROFORMAS: 10, S.T_REASON: 21, S.T_CONTACT_PERSON: 15, S.T_PROBLEM: 15,
          S.T_PAID_ON: 12, S.T_PAYMENT_KIND: 12, S.T_AGREED_ON: 12, S.T_PREBLOCCO_ON: 12, S.T_BROKEN_PROMISES: 10,
          S.T_UPDATE: 14, S.T_CONTACT_ON: 12, S.T_ACTION: 70, S.T_TEMPLATE: 11, S.T_TAG: 30, S.T_DUE: 12,
          S.T_PRIORITY: 11, S.T_ASSIGNEE: 16, S.T_IN_REPORT: 9, NOTE: 60}


def write_tickets(wb, fmt: Formats, rows: list[dict]) -> dict[str, int]:
    ws = wb.add_worksheet(S.SHEET_TICKETS)
    col = {h: i for i, h in enumerate(HEADERS)}
    for h, i in col.items():
        ws.write_string(0, i, h, fmt.computed if h in S.TICKET_COMPUTED_HEADERS else fmt.header)
        ws.set_column(i, i, WIDTHS.get(h, 12))
    ws.set_row(0, 30)
    ws.freeze_panes(1, 2)
    last = len(rows)
    ws.autofilter(0, 0, last, len(HEADERS) - 1)
    for r, row in enumerate(rows, start=1):
        blue = r % 9 == 4          # the callers mark some clients by hand
        for h, value in row.items():
            c = col[h]
            if isinstance(value, date):
                ws.write_datetime(r, c, datetime.combine(value, datetime.min.time()), fmt.date)
            elif isinstance(value, (int, float)):
                ws.write_number(r, c, value)
            elif value is not None:
                ws.write_string(r, c, value, fmt.blue if blue and h == S.T_CLIENT else None)
        if blue and S.T_CLIENT not in row:
            ws.write_blank(r, col[S.T_CLIENT], None, fmt.blue)
    for h in (S.T_PAID_ON, S.T_AGREED_ON, S.T_PREBLOCCO_ON, S.T_CONTACT_ON, S.T_DUE):
        ws.set_column(col[h], col[h], WIDTHS[h], fmt.date)
    lists = {S.T_STATUS: S.STATUSES, S.T_OUTCOME: S.OUTCOMES, S.T_REASON: S.REASONS,
             S.T_CONTACT_PERSON: S.CONTACT_PERSONS, S.T_PROBLEM: S.PROBLEMS, S.T_PAYMENT_KIND: S.PAYMENT_KINDS,
             S.T_UPDATE: S.UPDATES}
    for h, values in lists.items():
        ws.data_validation(1, col[h], 500, col[h], {"validate": "list", "source": values,
                                                    "error_type": "warning", "input_title": h[:32]})
    prio = col[S.T_PRIORITY]
    ws.conditional_format(1, prio, 500, prio, {"type": "cell", "criteria": "==", "value": '"BLOCCANTE"',
                                               "format": fmt.red})
    ws.conditional_format(1, prio, 500, prio, {"type": "cell", "criteria": "==", "value": '"ALTA"',
                                               "format": fmt.orange})
    ws.write_comment(0, col[OPERATOR], "Chi ha in carico il ticket (colonna nostra)", {"author": "g.verdi"})
    ws.write_comment(3, col[S.T_CLIENT], "Richiamare dopo le 15", {"author": "l.esposito"})
    wb.define_name("ElencoStati", f"='{S.SHEET_TICKETS}'!${xl_col_to_name(col[S.T_STATUS])}$2:"
                                  f"${xl_col_to_name(col[S.T_STATUS])}$500")
    return col


def write_report(wb, fmt: Formats, rows: list[dict], ids: dict[str, int]) -> list[int]:
    ws = wb.add_worksheet(S.SHEET_REPORT)
    header = S.REPORT_HEADERS + ["Note"]
    for i, h in enumerate(header):
        ws.write_string(0, i, h, fmt.header)
    for i, w in enumerate([10, 28, 15, 50, 16, 17, 14, 30]):
        ws.set_column(i, i, w)
    ws.freeze_panes(1, 0)
    by_id = {r.get(S.T_TICKET): r for r in rows}
    first = ids["Pre-Blocco da 12 giorni → attendere (già nel Report)"]
    second = ids["era nel Report Preblocco, poi ha promesso → attendere"]
    entries = [
        (first, "3ª chiamata senza risposta, 3 proforma aperti", d(10), d(25), "g.verdi", ""),
        (second, "rifiuta di pagare", d(2), d(17), "s.romano", "ha promesso il 19/11"),
        (first, "3ª chiamata senza risposta, 3 proforma aperti", d(10), d(25), "m.ferrari", "inserito due volte"),
    ]
    for r, (tid, cause, added, check, who, note) in enumerate(entries, start=1):
        ws.write_number(r, 0, tid)
        ws.write_string(r, 1, by_id[tid][S.T_CLIENT])
        ws.write_number(r, 2, by_id[tid].get(S.T_OPEN_PROFORMAS) or 0)
        ws.write_string(r, 3, cause)
        ws.write_datetime(r, 4, datetime.combine(added, datetime.min.time()), fmt.date)
        ws.write_datetime(r, 5, datetime.combine(check, datetime.min.time()), fmt.date)
        ws.write_string(r, 6, who)
        if note:
            ws.write_string(r, 7, note)
    return [e[0] for e in entries]


def write_settings(wb, fmt: Formats) -> None:
    ws = wb.add_worksheet(S.SHEET_SETTINGS)
    rows = settings_rows(S.SETTINGS)
    rows[0] = ["Chiave", "Valore", "Descrizione"]
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if r == 0:
                ws.write_string(r, c, v, fmt.header)
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                ws.write_number(r, c, v)
            else:
                value = "resp.solleciti" if row[0] == S.K_MANAGER and c == 1 else v
                ws.write_string(r, c, str(value))
    ws.set_column(0, 0, 36)
    ws.set_column(1, 1, 22)
    ws.set_column(2, 2, 90)


def write_statistics(wb, fmt: Formats, col: dict[str, int], rows: int) -> None:
    ws = wb.add_worksheet(STATS_SHEET)
    ws.write_string(0, 0, "Ticket per priorità (formule sul foglio Ticket)", fmt.bold)
    prio = xl_col_to_name(col[S.T_PRIORITY])
    for r, p in enumerate(S.PRIORITIES, start=2):
        ws.write_string(r, 0, p)
        ws.write_formula(r, 1, f"=COUNTIF('{S.SHEET_TICKETS}'!${prio}:${prio},A{r + 1})", None, 0)
    ws.write_string(6, 0, "Nel Report Preblocco", fmt.bold)
    rep = xl_col_to_name(col[S.T_IN_REPORT])
    ws.write_formula(6, 1, f"=COUNTIF('{S.SHEET_TICKETS}'!${rep}:${rep},\"Sì\")", None, 0)
    ws.set_column(0, 0, 48)


def write_state(wb, ids: dict[str, int]) -> None:
    """Last month's history: this ticket already had a MANCATO CONTATTO (task 10.11.2026)."""
    ws = wb.add_worksheet(S.SHEET_STATE)
    for c, h in enumerate(S.STATE_HEADER):
        ws.write_string(0, c, h)
    tid = ids["3ª chiamata senza risposta, 2 proforma → MANCATO CONTATTO 2 (già uno a novembre, foglio nascosto)"]
    for c, v in enumerate([str(tid), "", "2026-10-20", "2026-11-10"]):
        ws.write_string(1, c, v)
    ws.very_hidden()


def build(out_dir: Path) -> tuple[Path, list[dict]]:
    rng = random.Random(SEED)
    rows, ids = build_rows(rng)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / FILE_NAME
    tmp = path.with_name(path.name + ".tmp")
    wb = xlsxwriter.Workbook(str(tmp), {"strings_to_numbers": False, "strings_to_formulas": False,
                                        "strings_to_urls": False})
    wb.set_properties({"title": "Solleciti", "author": "Ufficio Solleciti", "company": "Studio",
                       "created": CREATED, "comments": "Cartella demo per xl_addin (al 22/11/2026)"})
    wb.set_size(1600, 1000)
    fmt = Formats(wb)
    col = write_tickets(wb, fmt, rows)
    write_report(wb, fmt, rows, ids)
    write_settings(wb, fmt)
    write_statistics(wb, fmt, col, len(rows))
    write_state(wb, ids)
    wb.close()
    tmp.replace(path)
    return path, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args()
    path, rows = build(args.out)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    print(f"{path}  ({path.stat().st_size:,} Bytes, sha256 {digest}…)")
    kinds = Counter("errore" if "errore" in r[NOTE] else "avviso" if "avviso" in r[NOTE] else "scenario"
                    for r in rows)
    print(f"  {len(rows)} righe Ticket: {kinds['scenario']} scenari, {kinds['errore']} con errori tipici, "
          f"{kinds['avviso']} con avvisi")
    for r, row in enumerate(rows, start=2):
        print(f"  riga {r:>3}  {row.get(S.T_TICKET, ''):>6}  {row[NOTE][7:-1]}")


if __name__ == "__main__":
    main()
