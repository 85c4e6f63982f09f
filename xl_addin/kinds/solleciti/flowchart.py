"""The seed's flow chart for one Solleciti ticket (SPEC §3, seed 003): ``decide()`` says what the
caller does next — Azione, Template, Tag, Scadenza task, Priorità, Assegnare a."""
from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from ...core import values as V
from ...core.calendar import WorkingCalendar, calendar_for
from ...core.findings import Code
from ...core.settings import Settings
from . import schema as S
from .findings import Solleciti as SOL

# ---------------------------------------------------------------- configuration

@dataclass(frozen=True)
class Config:
    """The settings a decision needs, read once per run (their defaults are the settings' own,
    ``schema.SETTINGS``)."""
    cal: WorkingCalendar
    office: str
    manager: str
    recall_days: int
    recent_payment_days: int
    payment_check_days: int
    problem_days: int
    preblocco_days: int
    no_contact_day: int
    calls_before_no_contact: int
    max_missed_appointments: int
    proformas_for_preblocco: int
    max_proformas_waiting: int
    max_broken_promises: int
    backups: int

    @classmethod
    def from_settings(cls, s: Settings) -> Config:
        return cls(
            cal=calendar_for(s.text(S.K_REGION)), office=s.text(S.K_OFFICE) or "assistenza.xriba",
            manager=s.text(S.K_MANAGER) or "Responsabile", recall_days=s.whole(S.K_RECALL_DAYS),
            recent_payment_days=s.whole(S.K_RECENT_PAYMENT_DAYS), payment_check_days=s.whole(S.K_PAYMENT_CHECK_DAYS),
            problem_days=s.whole(S.K_PROBLEM_DAYS), preblocco_days=s.whole(S.K_PREBLOCCO_DAYS),
            no_contact_day=s.whole(S.K_NO_CONTACT_DAY), calls_before_no_contact=s.whole(S.K_CALLS_BEFORE_NO_CONTACT),
            max_missed_appointments=s.whole(S.K_MAX_MISSED_APPTS),
            proformas_for_preblocco=s.whole(S.K_PROFORMAS_PREBLOCCO),
            max_proformas_waiting=s.whole(S.K_MAX_PROFORMAS_WAITING),
            max_broken_promises=s.whole(S.K_MAX_BROKEN_PROMISES), backups=s.whole(S.K_BACKUPS),
        )

    @classmethod
    def defaults(cls) -> Config:
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
    """A finding about one cell of the row (column ``header``): its code and the message's fields."""
    header: str
    code: Code
    fields: Mapping[str, object] = field(default_factory=dict, hash=False)
    suggestion: str = ""

    @property
    def message(self) -> str:
        return self.code.message(**self.fields)


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
    return V.display(value, "it")


def next_month_day(d: date, day: int, cal: WorkingCalendar) -> date:
    """The ``day``-th of the month after ``d`` (the month's last day if shorter), or the first
    working day after it."""
    return cal.next_working_day(d + relativedelta(months=1, day=max(day, 1)))


class _Stop(Exception):
    """A branch cannot go on: the row's decision is what is missing or contradictory."""

    def __init__(self, decision: Decision) -> None:
        super().__init__(decision.action)
        self.decision = decision


def _missing(t: TicketRow, why: str, *needed: tuple[str, object]) -> _Stop:
    """The stop of a branch that needs every (header, value) and lacks those whose value is None:
    the row says what is missing (findings for blank cells; unreadable ones are reported by the
    reader already)."""
    unreadable = [h for h, v in needed if v is None and h in t.unreadable]
    missing = [h for h, v in needed if v is None and h not in t.unreadable]
    if unreadable:
        return _Stop(Decision(LEAF_UNREADABLE, f"DA CORREGGERE: {', '.join(unreadable)} non leggibile (serve {why})"))
    problems = tuple(Problem(h, SOL.MISSING, {"header": h, "why": why,
                                              "absent": f" (la colonna '{h}' non c'è)" if h in t.absent else ""})
                     for h in missing)
    return _Stop(Decision(LEAF_MISSING, f"DATI MANCANTI: {', '.join(missing)} (serve {why})", problems=problems))


def _contradiction(header: str, message: str) -> _Stop:
    return _Stop(Decision(LEAF_CONTRADICTION, f"DA VERIFICARE: {message}",
                          problems=(Problem(header, SOL.CONTRADICTION, {"reason": message}),)))


# ---------------------------------------------------------------- the flow chart

def decide(t: TicketRow, today: date, anchor: date, cfg: Config,
           no_contact_dates: frozenset[date] | set[date] = frozenset()) -> Decision:
    """What the caller does next with ticket ``t`` (SPEC §3).

    ``today`` decides the waiting leaves (Pre-Blocco, In attesa di pagamento); ``anchor`` is the
    day of the contact the row records (tasks count from it); ``no_contact_dates`` are the task
    dates of earlier MANCATO CONTATTO tags of this ticket. A ``Tentativi`` that disagrees with the
    ``Stato`` is reported with whatever the row leads to: the decision follows the ``Stato``."""
    notes = _attempts_problems(t)
    decision = _decide(t, today, anchor, cfg, no_contact_dates)
    return replace(decision, problems=notes + decision.problems) if notes else decision


def _decide(t: TicketRow, today: date, anchor: date, cfg: Config, no_contact_dates) -> Decision:
    try:
        if t.contact_on is not None and t.contact_on > today:
            raise _contradiction(S.T_CONTACT_ON, f"Data contatto {fmt_date(t.contact_on)} è nel futuro")
        if t.status is None:
            if S.T_STATUS in t.unreadable:
                raise _Stop(Decision(LEAF_UNREADABLE, "DA CORREGGERE: Stato non riconosciuto"))
            raise _missing(t, "per ogni ticket", (S.T_STATUS, None))
        if t.status in S.CONTACT_STATUSES:
            return _contact_path(t, anchor, cfg, no_contact_dates)
        if t.status == S.S_PREBLOCCO:
            return _preblocco_status(t, today, cfg)
        if t.status == S.S_AWAITING_PAYMENT:
            return _awaiting_payment(t, today, cfg)
        return _customer_care(t, anchor, cfg)
    except _Stop as stop:
        return stop.decision


def calls_before(status: str | None) -> int | None:
    """The calls a ticket in ``status`` has had before the one its row records (what Tentativi
    says when filled): 0 for Nuovo / Non lavorato, N for Chiamata N; None where the Stato does not
    count calls (Appuntamento telefonico, Pre-Blocco, …)."""
    return S.CALLS_BEFORE.get(status) if status is not None else None


def _attempts_problems(t: TicketRow) -> tuple[Problem, ...]:
    """Tentativi, when filled, must say what the Stato implies; a finding names that value."""
    implied = calls_before(t.status)
    if t.attempts is None or implied is None or t.attempts == implied:
        return ()
    calls = {0: "nessuna chiamata", 1: "1 chiamata"}.get(implied, f"{implied} chiamate")
    return (Problem(S.T_ATTEMPTS, SOL.ATTEMPTS_MISMATCH, {"value": t.attempts, "status": t.status, "calls": calls,
                                                          "implied": implied, "attempt": implied + 1}),)


def _contact_path(t: TicketRow, anchor: date, cfg: Config, history: Collection[date]) -> Decision:
    """Stato Nuovo / Non lavorato / Chiamata 1–3 / Appuntamento telefonico: the call and its outcome.
    A call still to be made is due on the contact day (the next working day if that is none).
    Which call the outcome belongs to comes from the Stato alone (Tentativi is only checked)."""
    if t.outcome is None:
        if S.T_OUTCOME in t.unreadable:
            raise _Stop(Decision(LEAF_UNREADABLE, "DA CORREGGERE: Esito chiamata non riconosciuto"))
        return Decision(LEAF_CALL, "Effettuare la chiamata al contatto (mail e ticket valgono come contatto: "
                                   "annotare nelle note se chiamata o email)", due=cfg.cal.next_working_day(anchor))
    if t.outcome == S.O_NO_ANSWER:
        if t.status == S.S_APPOINTMENT:
            return _missed_appointment(t, anchor, cfg, history)
        attempt = (calls_before(t.status) or 0) + 1
        if attempt < cfg.calls_before_no_contact:
            return _recall(attempt, anchor, cfg)
        return _by_proformas(t, anchor, cfg, history, f"{attempt}ª chiamata senza risposta", "dopo la")
    if t.outcome == S.O_ALREADY_PAID:
        return _already_paid(t, anchor, cfg)
    if t.outcome == S.O_AGREEMENT:
        return _agreement(t, cfg)
    return _no_agreement(t, anchor, cfg)


def _recall(attempt: int, anchor: date, cfg: Config) -> Decision:
    """The 1st or 2nd call without answer: the ticket then sits in Stato 'Chiamata N'."""
    first = attempt <= 1
    action = (f"Rifissare la chiamata: nota {S.NOTE_NO_ANSWER}, nuova chiamata tra {cfg.recall_days} "
              "giorni lavorativi")
    if first:
        action += "; inviare mail con template RIEPILOGO"
    if f"Chiamata {attempt}" in S.STATUSES:
        action += f" — poi Stato 'Chiamata {attempt}'"
    return Decision(LEAF_RECALL, action, S.TEMPLATE_SUMMARY if first else None,
                    S.TAG_CALL.format(n=attempt), cfg.cal.add_working_days(anchor, cfg.recall_days),
                    S.PRIO_MEDIUM)


def _missed_appointment(t: TicketRow, anchor: date, cfg: Config, history: Collection[date]) -> Decision:
    why = f"Esito '{S.O_NO_ANSWER}' su Stato '{S.S_APPOINTMENT}'"
    missed = t.missed_appointments
    if missed is None:
        raise _missing(t, "con " + why, (S.T_MISSED_APPTS, missed))
    if missed == 0:
        raise _contradiction(S.T_MISSED_APPTS, f"Appuntamenti mancati è 0, ma l'{why} è un appuntamento mancato")
    if missed < cfg.max_missed_appointments:
        return Decision(LEAF_MISSED_APPOINTMENT,
                        f"Appuntamento telefonico mancato ({missed}): rifissare la chiamata, nota {S.NOTE_NO_ANSWER}, "
                        f"nuova chiamata tra {cfg.recall_days} giorni lavorativi",
                        None, S.TAG_CALL.format(n=missed), cfg.cal.add_working_days(anchor, cfg.recall_days),
                        S.PRIO_HIGH)
    return _by_proformas(t, anchor, cfg, history, f"{missed} appuntamenti telefonici mancati", "dopo")


def _by_proformas(t: TicketRow, anchor: date, cfg: Config, history: Collection[date], cause: str,
                  after: str) -> Decision:
    """No contact any more: MANCATO CONTATTO with few open pro-formas, else PREBLOCCO."""
    if t.open_proformas is None:
        raise _missing(t, f"{after} {cause}", (S.T_OPEN_PROFORMAS, None))
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
    if t.paid_on is None:
        raise _missing(t, f"con Esito chiamata '{S.O_ALREADY_PAID}'", (S.T_PAID_ON, None))
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
    if t.agreed_on is None or t.payment_kind is None:
        raise _missing(t, f"con Esito chiamata '{S.O_AGREEMENT}'", (S.T_AGREED_ON, t.agreed_on),
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
    if t.reason is None:
        raise _missing(t, f"con Esito chiamata '{S.O_NO_AGREEMENT}'", (S.T_REASON, None))
    if t.reason == S.R_PROBLEM:
        if t.problem is None:
            raise _missing(t, f"con Motivo '{S.R_PROBLEM}'", (S.T_PROBLEM, None))
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
        if t.contact_person is None:
            raise _missing(t, f"con Motivo '{S.R_WONT_TALK}'", (S.T_CONTACT_PERSON, None))
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
    if t.preblocco_on is None:
        raise _missing(t, f"con Stato '{S.S_PREBLOCCO}'", (S.T_PREBLOCCO_ON, None))
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
    if t.agreed_on is None:
        raise _missing(t, f"con Stato '{S.S_AWAITING_PAYMENT}'", (S.T_AGREED_ON, None))
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
        raise _missing(t, "dopo una promessa di pagamento scaduta", (S.T_OPEN_PROFORMAS, None))
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
                                       f"chiamata al contatto e registrarne l'esito con Stato '{S.S_NEW}' "
                                       "(1ª chiamata)",
                        due=cfg.cal.next_working_day(anchor))
    return Decision(LEAF_CC_WAIT, "In attesa del Customer Care: verificare in RIENTRO se il problema è risolto "
                                  "prima della scadenza della task",
                    due=cfg.cal.add_working_days(anchor, cfg.problem_days))

