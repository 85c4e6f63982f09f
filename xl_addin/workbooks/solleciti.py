"""Rules of the Italian collection-call workbook "Solleciti" (SPEC §3, seed 003): from the
tables to a Plan.

Pure: takes WorkbookData and a RunContext (now in Europe/Rome, user) and returns a Plan. One row
of the `Ticket` sheet is one ticket; ``decide()`` walks the seed's flow chart for it and says
what the caller does next (Azione, Template, Tag, Scadenza task, Priorità, Assegnare a). Tickets
that reach the PREBLOCCO procedure are listed once on `Report Preblocco`.

Task dates count from the day of the contact the row records: the `Data contatto` column when the
callers fill it, else the day the product first saw the row's current outcome (kept, with the
MANCATO CONTATTO history, on the very hidden sheet `xl_addin_Solleciti`). So a task does not move
when the workbook is run again on a later day, and `MANCATO CONTATTO N` counts up month by month.
"""
from __future__ import annotations

import calendar as _cal
import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from ..core import values as V
from ..core.calendar import WorkingCalendar, calendar_for
from ..core.cells import address, split_address
from ..core.cellreader import CellReader, row_has_values
from ..core.findings import ERROR, INFO, WARNING, Finding
from ..core.headers import ColumnMap, locate_columns
from ..core.plan import CellWrite, Plan, ProtocolEntry, RowAppend, SheetRewrite
from ..core.report import finish
from ..core.settings import Settings
from ..core.workbook_data import SheetData, WorkbookData
from . import solleciti_schema as S
from .context import RunContext

__all__ = ["Config", "TicketRow", "Problem", "Decision", "decide", "plan_run", "create_template",
           "next_month_day", "template_layouts"]


# ---------------------------------------------------------------- configuration

@dataclass(frozen=True)
class Config:
    """The settings a decision needs, read once per run."""
    cal: WorkingCalendar
    office: str = "assistenza.xriba"
    manager: str = "Responsabile"
    recall_days: int = 5
    recent_payment_days: int = 5
    payment_check_days: int = 3
    problem_days: int = 10
    preblocco_days: int = 15
    no_contact_day: int = 10
    calls_before_no_contact: int = 3
    max_missed_appointments: int = 3
    proformas_for_preblocco: int = 3
    max_proformas_waiting: int = 3
    max_broken_promises: int = 2

    @classmethod
    def from_settings(cls, s: Settings) -> "Config":
        return cls(
            cal=calendar_for(s[S.K_REGION]), office=s[S.K_OFFICE] or "assistenza.xriba",
            manager=s[S.K_MANAGER] or "Responsabile", recall_days=s[S.K_RECALL_DAYS],
            recent_payment_days=s[S.K_RECENT_PAYMENT_DAYS], payment_check_days=s[S.K_PAYMENT_CHECK_DAYS],
            problem_days=s[S.K_PROBLEM_DAYS], preblocco_days=s[S.K_PREBLOCCO_DAYS],
            no_contact_day=s[S.K_NO_CONTACT_DAY], calls_before_no_contact=s[S.K_CALLS_BEFORE_NO_CONTACT],
            max_missed_appointments=s[S.K_MAX_MISSED_APPTS],
            proformas_for_preblocco=s[S.K_PROFORMAS_PREBLOCCO],
            max_proformas_waiting=s[S.K_MAX_PROFORMAS_WAITING],
            max_broken_promises=s[S.K_MAX_BROKEN_PROMISES],
        )

    @classmethod
    def defaults(cls) -> "Config":
        return cls.from_settings(Settings.defaults(S.SETTINGS))


# ---------------------------------------------------------------- one ticket

@dataclass
class TicketRow:
    """The inputs of one row of `Ticket`, read and checked. ``unreadable`` lists the headers
    whose cell holds something that could not be read (already reported as a finding);
    ``absent`` the input headers the sheet has no column for."""
    row: int = 0
    ticket: str | None = None
    client: str = ""
    status: str | None = None
    outcome: str | None = None
    attempts: int | None = None
    missed_appointments: int | None = None
    open_proformas: int | None = None
    reason: str | None = None
    contact_person: str | None = None
    problem: str | None = None
    paid_on: date | None = None
    payment_kind: str | None = None
    agreed_on: date | None = None
    preblocco_on: date | None = None
    broken_promises: int | None = None
    update: str | None = None
    contact_on: date | None = None
    unreadable: set[str] = field(default_factory=set)
    absent: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Problem:
    """A finding about one cell of the row (column ``header``), in Italian."""
    header: str
    code: str
    message: str
    suggestion: str = ""


@dataclass(frozen=True)
class Decision:
    leaf: str                       # the flow chart's leaf, Italian (summary of a run)
    action: str                     # Azione
    template: str | None = None     # e-mail template
    tag: str | None = None
    due: date | None = None         # Scadenza task
    priority: str | None = None     # MEDIA / ALTA / BLOCCANTE; None = leave it as it is
    assignee: str | None = None
    preblocco: bool = False         # reached the PREBLOCCO procedure: belongs on Report Preblocco
    cause: str = ""                 # why (for Report Preblocco)
    problems: tuple[Problem, ...] = ()


# leaves (Italian: they are the run's summary the callers read)
LEAF_CALL = "Da chiamare"
LEAF_RECALL = "Non risponde: richiamare"
LEAF_MISSED_APPOINTMENT = "Appuntamento mancato: richiamare"
LEAF_NO_CONTACT = "Mancato contatto"
LEAF_PREBLOCCO = "Procedura PREBLOCCO"
LEAF_PAID_RECENT = "Ha già pagato: contabile via email"
LEAF_PAID_OLD = "Ha già pagato: verifica in sede"
LEAF_AGREEMENT_FULL = "Accordo di pagamento: saldo"
LEAF_AGREEMENT_PARTIAL = "Accordo di pagamento: parziale"
LEAF_PROBLEM_BALANCE = "Problema di bilancio/studio"
LEAF_PROBLEM_ACCOUNTING = "Problema di contabilità"
LEAF_PROBLEM_TECHNICAL = "Problema tecnico"
LEAF_WANTS_STUDIO = "Vuole lo Studio"
LEAF_WANTS_ADMIN = "Vuole l'amministrazione"
LEAF_WANTS_MANAGER = "Vuole un responsabile"
LEAF_MUST_VERIFY = "Deve verificare: appuntamento telefonico"
LEAF_PREBLOCCO_WAIT = "Pre-Blocco: attendere"
LEAF_TO_BLOCK = "Pre-Blocco: da bloccare"
LEAF_PROMISE_WAIT = "In attesa di pagamento: attendere"
LEAF_PROMISE_BROKEN = "Promessa saltata: richiamare"
LEAF_CC_UPDATE = "Customer Care: aggiornamento"
LEAF_CC_RESOLVED = "Customer Care: risolto, chiamare"
LEAF_CC_WAIT = "Customer Care: in attesa"
LEAF_RETURNED = "Rientro: da zero"
LEAF_MISSING = "Dati mancanti"
LEAF_CONTRADICTION = "Da verificare"
LEAF_UNREADABLE = "Da correggere"


def fmt_date(d: date | None) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}" if d else ""


def _show(value: object) -> str:
    """A cell value as quoted in an Italian message."""
    if isinstance(value, bool):
        return "VERO" if value else "FALSO"
    if isinstance(value, datetime):
        return fmt_date(value.date()) + f" {value.hour:02d}:{value.minute:02d}"
    if isinstance(value, date):
        return fmt_date(value)
    return V.norm_text(value)


def next_month_day(d: date, day: int, cal: WorkingCalendar) -> date:
    """The ``day``-th of the month after ``d`` (the month's last day if shorter), or the first
    working day after it."""
    y, m = (d.year + 1, 1) if d.month == 12 else (d.year, d.month + 1)
    return cal.next_working_day(date(y, m, min(max(day, 1), _cal.monthrange(y, m)[1])))


class _Stop(Exception):
    """A branch cannot go on: the row's decision is what is missing or contradictory."""

    def __init__(self, decision: Decision) -> None:
        super().__init__(decision.action)
        self.decision = decision


def _require(t: TicketRow, why: str, *needed: tuple[str, object]) -> None:
    """Every (header, value) must be there; otherwise the row says what is missing (findings for
    blank cells; unreadable ones are reported by the reader already)."""
    unreadable = [h for h, v in needed if v is None and h in t.unreadable]
    missing = [h for h, v in needed if v is None and h not in t.unreadable]
    if not unreadable and not missing:
        return
    if unreadable:
        raise _Stop(Decision(LEAF_UNREADABLE, f"DA CORREGGERE: {', '.join(unreadable)} non leggibile (serve {why})"))
    problems = tuple(Problem(h, "SOL-MISSING",
                             f"{h} mancante: serve {why}"
                             + (f" (la colonna '{h}' non c'è)" if h in t.absent else ""))
                     for h in missing)
    raise _Stop(Decision(LEAF_MISSING, f"DATI MANCANTI: {', '.join(missing)} (serve {why})", problems=problems))


def _contradiction(header: str, message: str) -> _Stop:
    return _Stop(Decision(LEAF_CONTRADICTION, f"DA VERIFICARE: {message}",
                          problems=(Problem(header, "SOL-CONTRADICTION", message),)))


# ---------------------------------------------------------------- the flow chart

def decide(t: TicketRow, today: date, anchor: date, cfg: Config,
           no_contact_dates: frozenset[date] | set[date] = frozenset()) -> Decision:
    """What the caller does next with ticket ``t`` (SPEC §3).

    ``today`` decides the waiting leaves (Pre-Blocco, In attesa di pagamento); ``anchor`` is the
    day of the contact the row records (tasks count from it); ``no_contact_dates`` are the task
    dates of earlier MANCATO CONTATTO tags of this ticket."""
    try:
        if t.contact_on is not None and t.contact_on > today:
            raise _contradiction(S.T_CONTACT_ON, f"Data contatto {fmt_date(t.contact_on)} è nel futuro")
        if t.status is None:
            if S.T_STATUS in t.unreadable:
                raise _Stop(Decision(LEAF_UNREADABLE, "DA CORREGGERE: Stato non riconosciuto"))
            _require(t, "per ogni ticket", (S.T_STATUS, None))
        if t.status in S.CONTACT_STATUSES:
            return _contact_path(t, anchor, cfg, no_contact_dates)
        if t.status == S.S_PREBLOCCO:
            return _preblocco_status(t, today, cfg)
        if t.status == S.S_AWAITING_PAYMENT:
            return _awaiting_payment(t, today, cfg)
        return _customer_care(t, anchor, cfg)
    except _Stop as stop:
        return stop.decision


def _check_attempts(t: TicketRow) -> None:
    """Tentativi (calls so far, the recorded one included) must fit the Stato."""
    k = S.CALL_NUMBER.get(t.status)
    if t.attempts is None:
        return
    if t.status in (S.S_NEW, S.S_NOT_WORKED) and t.attempts > 1:
        raise _contradiction(S.T_ATTEMPTS, f"Tentativi {t.attempts} non è coerente con Stato '{t.status}' "
                                           "(un ticket nuovo ha al massimo 1 tentativo)")
    if k is not None and t.attempts not in (k, k + 1):
        raise _contradiction(S.T_ATTEMPTS, f"Tentativi {t.attempts} non è coerente con Stato '{t.status}' "
                                           f"(atteso {k} o {k + 1})")


def _attempt(t: TicketRow) -> int:
    """Which call the recorded outcome belongs to: Tentativi, else the Stato's call number (1 for a
    new ticket)."""
    if t.attempts is not None:
        return t.attempts
    if S.T_ATTEMPTS in t.unreadable:
        raise _Stop(Decision(LEAF_UNREADABLE, "DA CORREGGERE: Tentativi non leggibile"))
    return S.CALL_NUMBER.get(t.status, 1)


def _contact_path(t: TicketRow, anchor: date, cfg: Config, history) -> Decision:
    """Stato Nuovo / Non lavorato / Chiamata 1–3 / Appuntamento telefonico: the call and its outcome.
    A call still to be made is due on the contact day (the next working day if that is none)."""
    _check_attempts(t)
    if t.outcome is None:
        if S.T_OUTCOME in t.unreadable:
            raise _Stop(Decision(LEAF_UNREADABLE, "DA CORREGGERE: Esito chiamata non riconosciuto"))
        return Decision(LEAF_CALL, "Effettuare la chiamata al contatto (mail e ticket valgono come contatto: "
                                   "annotare nelle note se chiamata o email)", due=cfg.cal.next_working_day(anchor))
    if t.attempts == 0:
        raise _contradiction(S.T_ATTEMPTS, f"Esito chiamata '{t.outcome}' registrato, ma Tentativi è 0")
    if t.outcome == S.O_NO_ANSWER:
        if t.status == S.S_APPOINTMENT:
            return _missed_appointment(t, anchor, cfg, history)
        attempt = _attempt(t)
        if attempt < cfg.calls_before_no_contact:
            return _recall(attempt, anchor, cfg)
        return _by_proformas(t, anchor, cfg, history, f"{attempt}ª chiamata senza risposta", "dopo la")
    if t.outcome == S.O_ALREADY_PAID:
        return _already_paid(t, anchor, cfg)
    if t.outcome == S.O_AGREEMENT:
        return _agreement(t, cfg)
    return _no_agreement(t, anchor, cfg)


def _recall(attempt: int, anchor: date, cfg: Config) -> Decision:
    first = attempt <= 1
    action = (f"Rifissare la chiamata: nota {S.NOTE_NO_ANSWER}, nuova chiamata tra {cfg.recall_days} "
              "giorni lavorativi")
    if first:
        action += "; inviare mail con template RIEPILOGO"
    return Decision(LEAF_RECALL, action, S.TEMPLATE_SUMMARY if first else None,
                    S.TAG_CALL.format(n=max(attempt, 1)), cfg.cal.add_working_days(anchor, cfg.recall_days),
                    S.PRIO_MEDIUM)


def _missed_appointment(t: TicketRow, anchor: date, cfg: Config, history) -> Decision:
    why = f"Esito '{S.O_NO_ANSWER}' su Stato '{S.S_APPOINTMENT}'"
    _require(t, "con " + why, (S.T_MISSED_APPTS, t.missed_appointments))
    missed = t.missed_appointments
    if missed == 0:
        raise _contradiction(S.T_MISSED_APPTS, f"Appuntamenti mancati è 0, ma l'{why} è un appuntamento mancato")
    if missed < cfg.max_missed_appointments:
        return Decision(LEAF_MISSED_APPOINTMENT,
                        f"Appuntamento telefonico mancato ({missed}): rifissare la chiamata, nota {S.NOTE_NO_ANSWER}, "
                        f"nuova chiamata tra {cfg.recall_days} giorni lavorativi",
                        None, S.TAG_CALL.format(n=missed), cfg.cal.add_working_days(anchor, cfg.recall_days),
                        S.PRIO_HIGH)
    return _by_proformas(t, anchor, cfg, history, f"{missed} appuntamenti telefonici mancati", "dopo")


def _by_proformas(t: TicketRow, anchor: date, cfg: Config, history, cause: str, after: str) -> Decision:
    """No contact any more: MANCATO CONTATTO with few open pro-formas, else PREBLOCCO."""
    _require(t, f"{after} {cause}", (S.T_OPEN_PROFORMAS, t.open_proformas))
    if t.open_proformas >= cfg.proformas_for_preblocco:
        return _preblocco(t, anchor, cfg, f"{cause}, {t.open_proformas} proforma aperti")
    due = next_month_day(anchor, cfg.no_contact_day, cfg.cal)
    n = len({d for d in history if d < due}) + 1
    return Decision(LEAF_NO_CONTACT,
                    f"Mancato contatto ({cause}): nota {S.NOTE_NO_ANSWER}, task al {cfg.no_contact_day} del mese "
                    "successivo (o primo giorno lavorativo seguente); il mese prossimo il ticket riparte da zero "
                    f"(Stato '{S.S_NEW}')",
                    None, S.TAG_NO_CONTACT.format(n=n), due, S.PRIO_MEDIUM)


def _preblocco(t: TicketRow, start: date, cfg: Config, cause: str) -> Decision:
    """The PREBLOCCO procedure: e-mail, tag, check task, note, BLOCCANTE, Report Preblocco."""
    if t.preblocco_on is not None:
        start = t.preblocco_on
        mail = f"avviso di PREBLOCCO già inoltrato il {fmt_date(t.preblocco_on)}"
    else:
        mail = f"inviare email template PREBLOCCO, nota '{S.NOTE_PREBLOCCO}'"
    action = (f"Procedura PREBLOCCO ({cause}): {mail}, task di ricontrollo a {cfg.preblocco_days} giorni "
              f"(ha comunicato/pagato?); inserito nel Report Preblocco — poi Stato '{S.S_PREBLOCCO}' e Data preblocco")
    return Decision(LEAF_PREBLOCCO, action, S.TEMPLATE_PREBLOCCO, S.TAG_PREBLOCCO,
                    start + timedelta(days=cfg.preblocco_days), S.PRIO_BLOCKING, preblocco=True, cause=cause)


def _already_paid(t: TicketRow, anchor: date, cfg: Config) -> Decision:
    _require(t, f"con Esito chiamata '{S.O_ALREADY_PAID}'", (S.T_PAID_ON, t.paid_on))
    if t.paid_on > anchor:
        raise _contradiction(S.T_PAID_ON, f"Data pagamento {fmt_date(t.paid_on)} è nel futuro "
                                          f"(contatto del {fmt_date(anchor)})")
    days = cfg.cal.working_days_between(t.paid_on, anchor)
    if days <= cfg.recent_payment_days:
        return Decision(LEAF_PAID_RECENT,
                        f"Ha già pagato il {fmt_date(t.paid_on)} (entro {cfg.recent_payment_days} giorni lavorativi): "
                        f"richiedere la contabile via email; task {S.TASK_VERIFY_PAYMENT} a "
                        f"{cfg.payment_check_days} giorni lavorativi",
                        None, S.TAG_PAYMENT_CHECK, cfg.cal.add_working_days(anchor, cfg.payment_check_days))
    return Decision(LEAF_PAID_OLD,
                    f"Ha già pagato il {fmt_date(t.paid_on)} ({days} giorni lavorativi fa, oltre "
                    f"{cfg.recent_payment_days}): richiedere la contabile, note dettagliate (allegare le contabili "
                    f"se in possesso); assegnare a {cfg.office}",
                    None, S.TAG_VERIFY_OFFICE, None, S.PRIO_HIGH, cfg.office)


def _agreement(t: TicketRow, cfg: Config) -> Decision:
    _require(t, f"con Esito chiamata '{S.O_AGREEMENT}'", (S.T_AGREED_ON, t.agreed_on),
             (S.T_PAYMENT_KIND, t.payment_kind))
    full = t.payment_kind == S.PAY_FULL
    task = S.TASK_AGREEMENT if full else S.TASK_VERIFY_PAYMENT
    what = "saldo del dovuto" if full else "pagamento parziale"
    return Decision(LEAF_AGREEMENT_FULL if full else LEAF_AGREEMENT_PARTIAL,
                    f"Accordo di pagamento ({what}) per il {fmt_date(t.agreed_on)}: inserire la task {task} a "
                    f"{cfg.payment_check_days} giorni lavorativi dalla data accordata",
                    None, S.TAG_SEPARATOR.join([S.TAG_PAYMENT_CHECK, S.TAG_PAYMENT_VERIFY]),
                    cfg.cal.add_working_days(t.agreed_on, cfg.payment_check_days))


def _no_agreement(t: TicketRow, anchor: date, cfg: Config) -> Decision:
    _require(t, f"con Esito chiamata '{S.O_NO_AGREEMENT}'", (S.T_REASON, t.reason))
    if t.reason == S.R_PROBLEM:
        _require(t, f"con Motivo '{S.R_PROBLEM}'", (S.T_PROBLEM, t.problem))
        due = cfg.cal.add_working_days(anchor, cfg.problem_days)
        task = (f"task a {cfg.problem_days} giorni lavorativi come appuntamento telefonico (verificare prima "
                "se risolto in RIENTRO)")
        if t.problem == S.P_BALANCE:
            return Decision(LEAF_PROBLEM_BALANCE,
                            f"Problema di bilancio/studio: avvisare il cliente che lo ricontatterete entro "
                            f"{cfg.problem_days} giorni; chiedere al Customer Care di verificare/sollecitare il "
                            f"ticket e di annotarne la risoluzione; {task}", None, None, due)
        if t.problem == S.P_ACCOUNTING:
            return Decision(LEAF_PROBLEM_ACCOUNTING,
                            "Problema di contabilità: avvisare il cliente che sollecitate e lo ricontatterete; "
                            "chiedere al Customer Care di aprire una segnalazione al contabile e di annotarne la "
                            f"risoluzione; {task}", None, S.TAG_CC_ACCOUNTANT, due)
        return Decision(LEAF_PROBLEM_TECHNICAL,
                        "Problema tecnico (ticket in assistenza): avvisare il cliente che sollecitate e lo "
                        "ricontatterete; chiedere al Customer Care di sollecitare il ticket e di annotarne la "
                        f"risoluzione; {task}", None, S.TAG_CC, due)
    if t.reason == S.R_WONT_TALK:
        _require(t, f"con Motivo '{S.R_WONT_TALK}'", (S.T_CONTACT_PERSON, t.contact_person))
        if t.contact_person == S.C_STUDIO:
            return Decision(LEAF_WANTS_STUDIO, f"Vuole parlare solo con lo Studio: note dettagliate; assegnare a "
                                               f"{cfg.office}", None, S.TAG_STUDIO, None, S.PRIO_BLOCKING, cfg.office)
        if t.contact_person == S.C_ADMIN:
            return Decision(LEAF_WANTS_ADMIN, f"Vuole parlare solo con l'amministrazione: note dettagliate; "
                                              f"assegnare a {cfg.office}", None, S.TAG_OFFICE, None, S.PRIO_HIGH,
                            cfg.office)
        return Decision(LEAF_WANTS_MANAGER, f"Vuole parlare solo con un responsabile: note dettagliate; assegnare a "
                                            f"{cfg.manager}", None, None, None, S.PRIO_BLOCKING, cfg.manager)
    if t.reason == S.R_MUST_VERIFY:
        return Decision(LEAF_MUST_VERIFY, "Deve prima verificare: fissare un appuntamento telefonico a una data "
                                          f"precisa concordata con il cliente (Stato '{S.S_APPOINTMENT}')",
                        None, S.TAG_APPOINTMENT)
    return _preblocco(t, anchor, cfg, "rifiuta di pagare")


def _preblocco_status(t: TicketRow, today: date, cfg: Config) -> Decision:
    _require(t, f"con Stato '{S.S_PREBLOCCO}'", (S.T_PREBLOCCO_ON, t.preblocco_on))
    if t.preblocco_on > today:
        raise _contradiction(S.T_PREBLOCCO_ON, f"Data preblocco {fmt_date(t.preblocco_on)} è nel futuro")
    days = (today - t.preblocco_on).days
    cause = f"Stato '{S.S_PREBLOCCO}', mail del {fmt_date(t.preblocco_on)}"
    if days < cfg.preblocco_days:
        due = t.preblocco_on + timedelta(days=cfg.preblocco_days)
        return Decision(LEAF_PREBLOCCO_WAIT, f"Pre-Blocco da {days} giorni: attendere la scadenza dei "
                                             f"{cfg.preblocco_days} giorni ({fmt_date(due)})",
                        None, None, due, preblocco=True, cause=cause)
    return Decision(LEAF_TO_BLOCK, f"Pre-Blocco da {days} giorni: da bloccare — note dettagliate; assegnare a "
                                   f"{cfg.office}", None, S.TAG_TO_BLOCK, None, S.PRIO_BLOCKING, cfg.office,
                    preblocco=True, cause=cause)


def _awaiting_payment(t: TicketRow, today: date, cfg: Config) -> Decision:
    _require(t, f"con Stato '{S.S_AWAITING_PAYMENT}'", (S.T_AGREED_ON, t.agreed_on))
    due = cfg.cal.add_working_days(t.agreed_on, cfg.payment_check_days)
    if today < due:
        return Decision(LEAF_PROMISE_WAIT,
                        f"Attendere {cfg.payment_check_days} giorni lavorativi dalla promessa del "
                        f"{fmt_date(t.agreed_on)} (se il cliente comunica un ritardo, spostare Data accordo)",
                        None, None, due)
    if t.broken_promises is None and S.T_BROKEN_PROMISES in t.unreadable:
        raise _Stop(Decision(LEAF_UNREADABLE, "DA CORREGGERE: Promesse saltate non leggibile"))
    broken = t.broken_promises or 0
    causes = []
    if broken > cfg.max_broken_promises:
        causes.append(f"{broken} promesse di pagamento saltate")
    if t.open_proformas is None and not causes:
        _require(t, "dopo una promessa di pagamento scaduta", (S.T_OPEN_PROFORMAS, None))
    if t.open_proformas is not None and t.open_proformas > cfg.max_proformas_waiting:
        causes.append(f"{t.open_proformas} proforma aperti")
    if causes:
        return _preblocco(t, due, cfg, ", ".join(causes) + f", promessa del {fmt_date(t.agreed_on)} scaduta")
    n = max(2, broken + 1)
    return Decision(LEAF_PROMISE_BROKEN,
                    f"Promessa del {fmt_date(t.agreed_on)} non rispettata: contattare il cliente e chiedere il motivo "
                    "del mancato pagamento; se fissa una nuova data, aggiornare Data accordo e Promesse saltate "
                    f"(nuova task a {cfg.payment_check_days} giorni lavorativi, TAG PROMESSA DI PAGAMENTO {n})",
                    None, S.TAG_PROMISE.format(n=n), due)


def _customer_care(t: TicketRow, anchor: date, cfg: Config) -> Decision:
    """Risoluzione Customer Care / Rientro. The row's old outcome belongs to the call before the
    hand-over, so it is not followed again: the caller calls and records the new one."""
    if t.update == S.U_UPDATE:
        return Decision(LEAF_CC_UPDATE, "Aggiornare il ticket con le note; spostare la data di scadenza della "
                                        "task se necessario")
    if t.update == S.U_RESOLVED:
        return Decision(LEAF_CC_RESOLVED, "Problema risolto: contattare subito il cliente (anche prima della "
                                          "scadenza della task) comunicando che il caso è risolto e può procedere "
                                          "al pagamento; poi seguire il percorso contatto/mancato contatto/"
                                          "appuntamento (Stato e Esito chiamata)", due=cfg.cal.next_working_day(anchor))
    if S.T_UPDATE in t.unreadable:
        raise _Stop(Decision(LEAF_UNREADABLE, "DA CORREGGERE: Aggiornamento non riconosciuto"))
    if t.status == S.S_RETURNED:
        return Decision(LEAF_RETURNED, "Ticket rientrato da un altro reparto: riparte da zero — effettuare la "
                                       f"chiamata al contatto (poi Stato '{S.S_NEW}' o 'Chiamata 1' con l'esito)",
                        due=cfg.cal.next_working_day(anchor))
    return Decision(LEAF_CC_WAIT, "In attesa del Customer Care: verificare in RIENTRO se il problema è risolto "
                                  "prima della scadenza della task",
                    due=cfg.cal.add_working_days(anchor, cfg.problem_days))


# ---------------------------------------------------------------- reading cells

def _fold(text: object) -> str:
    """Matching form of a closed-list value: no accents, apostrophes, blanks or punctuation,
    casefolded ('Ha gia\\' pagato' == 'Ha già pagato', 'Pre blocco' == 'Pre-Blocco')."""
    decomposed = unicodedata.normalize("NFKD", V.norm_text(text))
    return "".join(ch for ch in decomposed if ch.isalnum()).casefold()


_FOLDED = {header: {_fold(c): c for c in choices} for header, choices in S.CHOICES.items()}


def match_closed_list(header: str, raw: object) -> str | None:
    """The canonical value of a closed-list column, matched the way Italian callers type it
    (accents, apostrophes, blanks and punctuation ignored); None when it is not one of them."""
    if isinstance(raw, (bool, date)) or V.is_blank(raw):
        return None
    return _FOLDED[header].get(_fold(raw))
_SLASH_DATE = re.compile(r"\s*(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\s*")


class _Reader(CellReader):
    """The shared cell reader, in Italian, with the closed lists matched the way Italian callers
    type them and counts that cannot be negative."""

    def __init__(self, sheet: SheetData, cmap: ColumnMap, findings: list[Finding]):
        super().__init__(sheet, cmap, findings, "it")

    def _bad(self, t: TicketRow, header: str, code: str, message: str, suggestion: str = "") -> None:
        t.unreadable.add(header)
        self.add(code, ERROR, t.row, header, message, suggestion, t.ticket)

    def choice(self, t: TicketRow, header: str) -> str | None:
        raw = self.raw(t.row, header)
        if V.is_blank(raw):
            return None
        choices = S.CHOICES[header]
        canon = match_closed_list(header, raw)
        if canon is None:
            suggestion = V.nearest_choice(_show(raw), choices)
            allowed = "" if suggestion else f" (ammessi: {', '.join(choices)})"
            self._bad(t, header, "SOL-VALUE-INVALID", f"{header} '{_show(raw)}' non è un valore valido{allowed}",
                      suggestion)
        return canon

    def date(self, t: TicketRow, header: str) -> date | None:
        raw = self.raw(t.row, header)
        try:
            value = V.parse_date(raw)
        except V.ParseError as e:
            suggestion = e.suggestion
            m = _SLASH_DATE.fullmatch(raw) if isinstance(raw, str) else None
            if m:
                y = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
                try:
                    suggestion = fmt_date(date(y, int(m[2]), int(m[1]))).replace("/", ".")
                except ValueError:
                    pass
            self._bad(t, header, "SOL-DATE-INVALID",
                      f"{header}: '{_show(raw)}' non è una data (atteso GG.MM.AAAA o una data di Excel)", suggestion)
            return None
        if value is None:
            return None
        day = value.date() if isinstance(value, datetime) else value
        if not 2000 <= day.year <= 2100:
            self._bad(t, header, "SOL-DATE-INVALID", f"{header}: '{_show(raw)}' non sembra una data (anno {day.year})")
            return None
        return day

    def count(self, t: TicketRow, header: str) -> int | None:
        raw = self.raw(t.row, header)
        try:
            value = V.parse_int(raw)
        except V.ParseError:
            value = -1 if not V.is_blank(raw) else None
        if value is not None and value < 0:
            self._bad(t, header, "SOL-NUMBER-INVALID", f"{header}: '{_show(raw)}' non è un numero intero ≥ 0")
            return None
        return value


def _read_tickets(sheet: SheetData, cmap: ColumnMap, findings: list[Finding]) -> list[TicketRow]:
    rd = _Reader(sheet, cmap, findings)
    inputs = [cmap.col(h) for h in S.TICKET_INPUT_HEADERS if cmap.col(h)]
    absent = frozenset(h for h in S.TICKET_INPUT_HEADERS if cmap.col(h) is None)
    tickets = []
    for r in range(2, sheet.max_row + 1):
        if not row_has_values(sheet, r, inputs):
            continue
        t = TicketRow(row=r, absent=absent)
        raw_id = rd.raw(r, S.T_TICKET)
        try:
            t.ticket = V.parse_id(raw_id)
        except V.ParseError as e:
            t.unreadable.add(S.T_TICKET)
            findings.append(Finding("SOL-TICKET-INVALID", ERROR, sheet.name, rd.cell(r, S.T_TICKET),
                                    f"Ticket: '{_show(raw_id)}' non è un identificativo valido",
                                    e.suggestion, "", "it"))
        if t.ticket is None and S.T_TICKET not in t.unreadable:
            findings.append(Finding("SOL-TICKET-MISSING", ERROR, sheet.name, rd.cell(r, S.T_TICKET),
                                    "Ticket mancante: la riga viene calcolata, ma non può entrare nel Report "
                                    "Preblocco", "", "", "it"))
        t.client = V.norm_text(rd.raw(r, S.T_CLIENT))
        t.status = rd.choice(t, S.T_STATUS)
        t.outcome = rd.choice(t, S.T_OUTCOME)
        t.attempts = rd.count(t, S.T_ATTEMPTS)
        t.missed_appointments = rd.count(t, S.T_MISSED_APPTS)
        t.open_proformas = rd.count(t, S.T_OPEN_PROFORMAS)
        t.reason = rd.choice(t, S.T_REASON)
        t.contact_person = rd.choice(t, S.T_CONTACT_PERSON)
        t.problem = rd.choice(t, S.T_PROBLEM)
        t.paid_on = rd.date(t, S.T_PAID_ON)
        t.payment_kind = rd.choice(t, S.T_PAYMENT_KIND)
        t.agreed_on = rd.date(t, S.T_AGREED_ON)
        t.preblocco_on = rd.date(t, S.T_PREBLOCCO_ON)
        t.broken_promises = rd.count(t, S.T_BROKEN_PROMISES)
        t.update = rd.choice(t, S.T_UPDATE)
        t.contact_on = rd.date(t, S.T_CONTACT_ON)
        tickets.append(t)
    return tickets


def _fingerprint(t: TicketRow, sheet: SheetData, cmap: ColumnMap) -> str:
    """What the row says happened (not who the client is, nor how many pro-formas are open): when
    it changes, a new contact was recorded and tasks count from the day it was first seen."""
    parts = []
    for header in (S.T_STATUS, S.T_OUTCOME, S.T_ATTEMPTS, S.T_MISSED_APPTS, S.T_REASON, S.T_CONTACT_PERSON,
                   S.T_PROBLEM, S.T_PAID_ON, S.T_PAYMENT_KIND, S.T_AGREED_ON, S.T_PREBLOCCO_ON,
                   S.T_BROKEN_PROMISES, S.T_UPDATE):
        attr = _ATTR[header]
        value = getattr(t, attr)
        if value is None and header in t.unreadable:
            col = cmap.col(header)
            value = "?" + V.norm_text(sheet.value(t.row, col) if col else None)
        parts.append(value.isoformat() if isinstance(value, date) else "" if value is None else str(value))
    return hashlib.sha1("|".join(parts).encode("utf-8")).hexdigest()[:16]


_ATTR = {S.T_STATUS: "status", S.T_OUTCOME: "outcome", S.T_ATTEMPTS: "attempts",
         S.T_MISSED_APPTS: "missed_appointments", S.T_REASON: "reason", S.T_CONTACT_PERSON: "contact_person",
         S.T_PROBLEM: "problem", S.T_PAID_ON: "paid_on", S.T_PAYMENT_KIND: "payment_kind",
         S.T_AGREED_ON: "agreed_on", S.T_PREBLOCCO_ON: "preblocco_on", S.T_BROKEN_PROMISES: "broken_promises",
         S.T_UPDATE: "update"}


# ---------------------------------------------------------------- hidden state

@dataclass
class _Seen:
    fingerprint: str
    since: date
    no_contact: set[date] = field(default_factory=set)


def _iso(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(V.norm_text(value))
    except ValueError:
        return None


def _read_state(sheet: SheetData | None) -> dict[str, _Seen]:
    out: dict[str, _Seen] = {}
    if sheet is None:
        return out
    for r in range(2, sheet.max_row + 1):
        try:
            key = V.parse_id(sheet.value(r, 1))
        except V.ParseError:
            continue
        since = _iso(sheet.value(r, 3))
        if key is None or since is None or key in out:
            continue
        dates = {d for d in (_iso(p) for p in V.norm_text(sheet.value(r, 4)).split(";")) if d}
        out[key] = _Seen(V.norm_text(sheet.value(r, 2)), since, dates)
    return out


def _state_rows(state: dict[str, _Seen]) -> list[list]:
    rows: list[list] = [list(S.STATE_HEADER)]
    for key, seen in state.items():
        rows.append([key, seen.fingerprint, seen.since.isoformat(),
                     ";".join(d.isoformat() for d in sorted(seen.no_contact)) or None])
    return rows


def _same_rows(a: list[list], b: list[list]) -> bool:
    def norm(rows):
        out = [[V.norm_text(v) for v in r] for r in rows]
        for r in out:
            while r and r[-1] == "":
                r.pop()
        while out and not out[-1]:
            out.pop()
        return out
    return norm(a) == norm(b)


# ---------------------------------------------------------------- Report Preblocco

@dataclass
class _Report:
    present: set[str]
    cmap: ColumnMap | None          # None: the sheet does not exist yet
    usable: bool = True             # False: no Ticket column — nothing is appended
    empty: bool = False             # exists without any value: header goes with the first rows


def _read_report(sheet: SheetData | None, aliases, findings: list[Finding]) -> _Report:
    if sheet is None:
        return _Report(set(), None)
    if not any(not V.is_blank(v) for row in sheet.rows for v in row):
        return _Report(set(), None, empty=True)
    cmap = locate_columns(sheet.name, sheet.rows[0] if sheet.rows else [], S.REPORT_HEADERS, aliases)
    col = cmap.col(S.RP_TICKET)
    if col is None:
        findings.append(Finding("HEADER-MISSING", ERROR, sheet.name, "",
                                f"Colonna '{S.RP_TICKET}' mancante nella riga 1 del {S.SHEET_REPORT}: nessun "
                                "ticket viene aggiunto", "", "", "it"))
        return _Report(set(), cmap, usable=False)
    present: dict[str, int] = {}
    for r in range(2, sheet.max_row + 1):
        raw = sheet.value(r, col)
        try:
            key = V.parse_id(raw)
        except V.ParseError:
            key = V.norm_text(raw)
        if not key:
            continue
        if key in present:
            findings.append(Finding("SOL-REPORT-DUPLICATE", WARNING, sheet.name, address(r, col),
                                    f"Ticket {key} compare più volte nel {S.SHEET_REPORT} (anche riga "
                                    f"{present[key]}): cancellare la riga doppia a mano", "", key, "it"))
            continue
        present[key] = r
    return _Report(set(present), cmap)


def _report_row(rep: _Report, t: TicketRow, d: Decision, today: date, user: str) -> list:
    values = {S.RP_TICKET: V.id_for_output(t.ticket), S.RP_CLIENT: t.client or None,
              S.RP_PROFORMAS: t.open_proformas, S.RP_CAUSE: d.cause or f"Stato '{t.status}'", S.RP_ADDED_ON: today,
              S.RP_CHECK_BY: d.due if d.preblocco and d.leaf != LEAF_TO_BLOCK else None, S.RP_ADDED_BY: user}
    if rep.cmap is None:
        return [values[h] for h in S.REPORT_HEADERS]
    cols = {h: rep.cmap.col(h) for h in S.REPORT_HEADERS if rep.cmap.col(h)}
    row: list = [None] * max(cols.values())
    for h, c in cols.items():
        row[c - 1] = values[h]
    return row


def _report_formats(rep: _Report) -> dict[int, str]:
    out = {}
    for h in (S.RP_ADDED_ON, S.RP_CHECK_BY):
        col = rep.cmap.col(h) if rep.cmap is not None else S.REPORT_HEADERS.index(h) + 1
        if col:
            out[col] = S.DATE_FORMAT_IT
    return out


# ---------------------------------------------------------------- Italian findings for shared parts

def _header_findings(cmap: ColumnMap) -> list[Finding]:
    out = []
    claimed = set(cmap.columns.values())
    unclaimed = [h for i, h in enumerate(cmap.headers, start=1) if h and i not in claimed]
    for name in cmap.missing:
        if name in S.TICKET_REQUIRED:
            out.append(Finding("HEADER-MISSING", ERROR, cmap.sheet, "",
                               f"Colonna '{name}' mancante nella riga 1: nessun ticket calcolato",
                               V.nearest_choice(name, unclaimed), "", "it"))
        elif name in S.TICKET_INPUT_HEADERS and name != S.T_CONTACT_ON:
            out.append(Finding("HEADER-MISSING", WARNING, cmap.sheet, "",
                               f"Colonna '{name}' mancante nella riga 1: i ticket che ne hanno bisogno restano "
                               "da completare", V.nearest_choice(name, unclaimed), "", "it"))
    for name, cols in cmap.duplicates.items():
        out.append(Finding("HEADER-DUPLICATE", WARNING, cmap.sheet, address(1, cols[1]),
                           f"Colonna '{name}' presente più volte nella riga 1 "
                           f"({', '.join(address(1, c) for c in cols)}): si usa {address(1, cols[0])}",
                           "", "", "it"))
    return out


_KIND_HINT = {"days": "atteso un numero intero di giorni", "int": "atteso un numero intero",
              "region": "es. IT o IT-RM", "str": "", "bool": "sì/no"}


def _settings(wb: WorkbookData) -> tuple[Settings, list[Finding]]:
    """Impostazioni (`Chiave` | `Valore`, or the German headers), findings in Italian."""
    sheet = wb.sheet(S.SHEET_SETTINGS)
    settings, found = Settings.from_sheet(sheet, S.SETTINGS, S.SHEET_SETTINGS)
    specs = {V.norm_key(s.key): s for s in S.SETTINGS}
    out = []
    for f in found:
        if f.code == "SETTINGS-HEADER-MISSING" or sheet is None or not f.cell:
            out.append(Finding(f.code, f.severity, f.sheet, f.cell,
                               "Impostazioni non leggibili: la riga 1 deve avere le colonne 'Chiave' e 'Valore' "
                               "— valgono i valori predefiniti", "", "", "it"))
            continue
        row, col = split_address(f.cell)
        key_text = next((V.norm_text(v) for v in sheet.rows[row - 1] if V.norm_key(v) in specs), "") \
            if row <= len(sheet.rows) else ""
        if f.code == "SETTINGS-DUPLICATE":
            message = (f"Impostazione '{V.norm_text(sheet.value(row, col))}' ripetuta: vale la prima riga, "
                       "questa viene ignorata")
        else:
            spec = specs.get(V.norm_key(key_text))
            hint = _KIND_HINT.get(spec.kind, "") if spec else ""
            default = _show(spec.default) if spec else ""
            message = (f"Impostazione '{key_text}': valore '{_show(sheet.value(row, col))}' non valido"
                       + (f" ({hint})" if hint else "") + f" — vale il predefinito '{default}'")
        out.append(Finding(f.code, f.severity, f.sheet, f.cell, message, f.suggestion, "", "it"))
    return settings, out


def _italian_findings_sheet(plan: Plan) -> None:
    """`Verifica` in Italian: the core writes the Prüfung layout; same findings, Italian words."""
    rows: list[list] = [list(S.FINDINGS_HEADER_IT)]
    for f in plan.findings:
        rows.append([S.SEVERITY_IT.get(f.severity, f.severity), f.code, f.location, f.key or None, f.message,
                     f.suggestion or None])
    if len(rows) == 1:
        rows.append([S.SEVERITY_IT[INFO], "OK", None, None, S.NO_FINDINGS_IT, None])
    for rw in plan.rewrites:
        if rw.sheet == S.SHEET_FINDINGS:
            rw.rows = rows


# ---------------------------------------------------------------- the run

def _same(old: object, new: object) -> bool:
    if V.is_blank(old) and V.is_blank(new):
        return True
    if isinstance(new, date):
        try:
            parsed = V.parse_date(old)
        except V.ParseError:
            return False
        return (parsed.date() if isinstance(parsed, datetime) else parsed) == new and not isinstance(old, str)
    return isinstance(old, str) and old == new


def _add_missing_computed_headers(sheet: SheetData, cmap: ColumnMap, plan: Plan) -> None:
    header_row = list(sheet.rows[0]) if sheet.rows else []
    for h in S.TICKET_COMPUTED_HEADERS:
        if cmap.col(h) is None:
            col = max([i + 1 for i, v in enumerate(header_row) if not V.is_blank(v)] + [0]) + 1
            plan.writes.append(CellWrite(sheet.name, 1, col, h))
            cmap.columns[h] = col
            header_row += [None] * (col - len(header_row))
            header_row[col - 1] = h


def plan_run(wb: WorkbookData, ctx: RunContext) -> Plan:
    """`xl-addin run` on a Solleciti workbook."""
    plan = Plan(kind=S.KIND)
    findings: list[Finding] = []
    settings, found = _settings(wb)
    findings += found
    plan.keep_backups = settings[S.K_BACKUPS]
    cfg = Config.from_settings(settings)
    aliases = settings.aliases()
    today = ctx.now.date()

    sheet = wb.sheet(S.SHEET_TICKETS)
    if sheet is None:
        findings.append(Finding("SHEET-MISSING", ERROR, S.SHEET_TICKETS, "",
                                f"Foglio '{S.SHEET_TICKETS}' mancante: niente da calcolare", "", "", "it"))
        return _finish(plan, findings)
    cmap = locate_columns(sheet.name, sheet.rows[0] if sheet.rows else [], S.TICKET_HEADERS, aliases)
    findings += _header_findings(cmap)
    if any(cmap.col(h) is None for h in S.TICKET_REQUIRED):
        return _finish(plan, findings)
    _add_missing_computed_headers(sheet, cmap, plan)
    tickets = _read_tickets(sheet, cmap, findings)

    report_sheet = wb.sheet(S.SHEET_REPORT)
    report = _read_report(report_sheet, aliases, findings)
    state_sheet = wb.sheet(S.SHEET_STATE)
    old_state = _read_state(state_sheet)
    state: dict[str, _Seen] = {}
    first_row: dict[str, int] = {}
    new_report_rows: list[list] = []
    counts: dict[str, int] = {}

    for t in tickets:
        key = t.ticket
        if key is not None and key in first_row:
            findings.append(Finding("SOL-TICKET-DUPLICATE", WARNING, sheet.name, address(t.row, cmap.col(S.T_TICKET)),
                                    f"Ticket {key} compare più volte (anche riga {first_row[key]})", "", key, "it"))
        fingerprint = _fingerprint(t, sheet, cmap)
        seen = None
        if key is not None and key not in first_row:
            first_row[key] = t.row
            before = old_state.get(key)
            if before is not None and before.fingerprint == fingerprint:
                seen = _Seen(fingerprint, before.since, set(before.no_contact))
            else:
                seen = _Seen(fingerprint, today, set(before.no_contact) if before else set())
            state[key] = seen
        anchor = t.contact_on or (seen.since if seen else today)
        d = decide(t, today, anchor, cfg, frozenset(seen.no_contact) if seen else frozenset())
        if d.leaf == LEAF_NO_CONTACT and seen is not None and d.due is not None:
            seen.no_contact.add(d.due)
        for p in d.problems:
            col = cmap.col(p.header) or cmap.col(S.T_TICKET)
            findings.append(Finding(p.code, ERROR, sheet.name, address(t.row, col), p.message, p.suggestion,
                                    key or "", "it"))
        counts[d.leaf] = counts.get(d.leaf, 0) + 1

        if (d.preblocco or t.status == S.S_PREBLOCCO) and key is not None and key not in report.present \
                and report.usable:
            report.present.add(key)
            new_report_rows.append(_report_row(report, t, d, today, ctx.user))
            plan.protocol.append(ProtocolEntry(ctx.now, ctx.user, "Aggiunto al Report Preblocco", S.SHEET_REPORT,
                                               key, "", None, d.cause or t.status))
        in_report = S.YES if key is not None and key in report.present else S.NO
        _write_computed(plan, sheet, cmap, t.row, d, in_report)

    for key, seen in old_state.items():   # tickets no longer on the sheet keep their history
        state.setdefault(key, seen)
    rows = _state_rows(state)
    if (state_sheet is None and len(rows) > 1) or (state_sheet is not None and not _same_rows(state_sheet.rows, rows)):
        plan.rewrites.append(SheetRewrite(S.SHEET_STATE, rows, state="veryHidden"))

    added = len(new_report_rows)
    if new_report_rows:
        if report.empty:
            new_report_rows.insert(0, list(S.REPORT_HEADERS))
        plan.appends.append(RowAppend(S.SHEET_REPORT, new_report_rows, header=list(S.REPORT_HEADERS),
                                      column_widths={1: 12, 2: 30, 3: 15, 4: 60, 5: 16, 6: 17, 7: 16},
                                      number_formats=_report_formats(report)))

    plan.summary = dict(sorted(counts.items()))
    plan.summary["Ticket"] = len(tickets)
    plan.summary["Nuovi nel Report Preblocco"] = added
    return _finish(plan, findings)


def _finish(plan: Plan, findings: list[Finding]) -> Plan:
    plan.findings = findings
    finish(plan, S.SHEET_FINDINGS, S.SHEET_PROTOCOL)
    _italian_findings_sheet(plan)
    return plan


def _write_computed(plan: Plan, sheet: SheetData, cmap: ColumnMap, row: int, d: Decision, in_report: str) -> None:
    for header, value in ((S.T_ACTION, d.action), (S.T_TEMPLATE, d.template), (S.T_TAG, d.tag),
                          (S.T_DUE, d.due), (S.T_PRIORITY, d.priority), (S.T_ASSIGNEE, d.assignee),
                          (S.T_IN_REPORT, in_report)):
        col = cmap.col(header)
        if col is None or _same(sheet.value(row, col), value):
            continue
        plan.writes.append(CellWrite(sheet.name, row, col, value,
                                     S.DATE_FORMAT_IT if isinstance(value, date) else None))


# ---------------------------------------------------------------- template

def template_layouts() -> list:
    """The sheets of a new Solleciti workbook (see templates.build_workbook)."""
    from .templates import ListRule, SheetLayout, protocol_layout, settings_rows

    count_format = "0"
    tickets = SheetLayout(
        S.SHEET_TICKETS, S.TICKET_HEADERS,
        widths={S.T_TICKET: 11, S.T_CLIENT: 30, S.T_STATUS: 26, S.T_OUTCOME: 22, S.T_ATTEMPTS: 11,
                S.T_MISSED_APPTS: 13, S.T_OPEN_PROFORMAS: 12, S.T_REASON: 22, S.T_CONTACT_PERSON: 16,
                S.T_PROBLEM: 16, S.T_PAID_ON: 14, S.T_PAYMENT_KIND: 14, S.T_AGREED_ON: 13,
                S.T_PREBLOCCO_ON: 14, S.T_BROKEN_PROMISES: 12, S.T_UPDATE: 15, S.T_CONTACT_ON: 13,
                S.T_ACTION: 70, S.T_TEMPLATE: 12, S.T_TAG: 34, S.T_DUE: 13, S.T_PRIORITY: 12,
                S.T_ASSIGNEE: 18, S.T_IN_REPORT: 10},
        number_formats={**{h: S.DATE_FORMAT_IT for h in S.TICKET_DATE_HEADERS + [S.T_DUE]},
                        **{h: count_format for h in S.TICKET_COUNT_HEADERS}},
        lists={
            S.T_STATUS: ListRule(S.STATUSES, "Stato del ticket"),
            S.T_OUTCOME: ListRule(S.OUTCOMES, "Esito dell'ultima chiamata (mail e ticket valgono come contatto)"),
            S.T_REASON: ListRule(S.REASONS, "Perché non si è concluso un accordo"),
            S.T_CONTACT_PERSON: ListRule(S.CONTACT_PERSONS, "Con chi vuole parlare il cliente"),
            S.T_PROBLEM: ListRule(S.PROBLEMS, "Tipologia di problematica"),
            S.T_PAYMENT_KIND: ListRule(S.PAYMENT_KINDS, "Saldo del dovuto o pagamento parziale"),
            S.T_UPDATE: ListRule(S.UPDATES, "Dal Customer Care: aggiornamento o problema risolto"),
        },
        computed=S.TICKET_COMPUTED_HEADERS,
    )
    report = SheetLayout(S.SHEET_REPORT, S.REPORT_HEADERS,
                         widths={S.RP_TICKET: 12, S.RP_CLIENT: 30, S.RP_PROFORMAS: 15, S.RP_CAUSE: 60,
                                 S.RP_ADDED_ON: 16, S.RP_CHECK_BY: 17, S.RP_ADDED_BY: 16},
                         number_formats={S.RP_ADDED_ON: S.DATE_FORMAT_IT, S.RP_CHECK_BY: S.DATE_FORMAT_IT})
    settings_header = ["Chiave", "Valore", "Descrizione"]
    settings = SheetLayout(S.SHEET_SETTINGS, settings_header, rows=settings_rows(S.SETTINGS)[1:],
                           widths=dict(zip(settings_header, [36, 24, 90])))
    findings = SheetLayout(S.SHEET_FINDINGS, list(S.FINDINGS_HEADER_IT),
                           widths=dict(zip(S.FINDINGS_HEADER_IT, [10, 22, 24, 14, 90, 28])))
    return [tickets, report, settings, findings, protocol_layout(S.SHEET_PROTOCOL)]


_HEADER_NOTES = {
    S.T_ATTEMPTS: "Chiamate fatte finora, compresa quella dell'esito registrato",
    S.T_MISSED_APPTS: "Appuntamenti telefonici mancati finora, compreso quello dell'esito registrato",
    S.T_BROKEN_PROMISES: "Promesse di pagamento non rispettate finora",
    S.T_CONTACT_ON: "Giorno della chiamata/del contatto registrato nella riga. Vuota: vale il giorno in cui "
                    "xl_addin vede l'esito per la prima volta",
}


def create_template(path) -> Path:
    """`xl-addin new solleciti PATH`: a new, empty Solleciti workbook (never overwrites)."""
    from .templates import build_workbook
    out = build_workbook(Path(path), template_layouts(), S.TITLE)
    _italianise(out)
    return out


def _italianise(path: Path) -> None:
    """The shared template builder speaks German in drop-down errors and header notes."""
    import openpyxl
    from openpyxl.comments import Comment

    from .templates import AUTHOR, COMPUTED_NOTE

    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for dv in ws.data_validations.dataValidation:
            if dv.showErrorMessage:
                values = (dv.formula1 or "").strip('"')
                dv.errorTitle = "Valore non valido"
                dv.error = f"Scegliere un valore dall'elenco: {values.replace(',', ', ')}"[:255]
        for cell in ws[1]:
            if cell.comment is not None and cell.comment.text == COMPUTED_NOTE:
                cell.comment = Comment("calcolato da xl_addin", AUTHOR, width=200, height=40)
            note = _HEADER_NOTES.get(cell.value) if ws.title == S.SHEET_TICKETS else None
            if note:
                cell.comment = Comment(note, AUTHOR, width=260, height=70)
    tmp = path.with_name(path.name + ".tmp")
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
