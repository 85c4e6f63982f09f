"""Formula functions (UDFs) for the agents' workbooks — thin calls into the same core as `xl-addin run`.

Registered through xlwings' BSD part: the ribbon's "UDFs importieren" runs
``xlwings.udfs.import_udfs("xl_addin.udfs", book)``, which writes one VBA wrapper per function;
the docstring is the German description in Excel's function wizard, each ``doc=`` an argument's.

Every function here
- never raises into the cell: bad input gives a short text naming the argument (German; Italian
  for the Solleciti functions, like the rest of that workbook), never ``#VALUE!``;
- takes dates as Excel dates, serial numbers or text (``31.01.2026``, ``2026-01-31``) and returns
  dates as real Excel dates (a ``datetime``; 00:00 for a date-only result);
- takes ``heute`` optionally: blank = now in Europe/Berlin (Europe/Rome for the Italian workbook).
  Pass ``HEUTE()``/``JETZT()`` to make Excel recompute every day — the functions are not volatile,
  so that 10,000 rows are not recomputed on every keystroke;
- takes its settings as optional arguments with the SPEC defaults: the settings sheet's range
  (``Einstellungen!$A$1:$B$30``, read by the core's ``Settings.from_sheet`` as a run reads it)
  and/or single values (holiday region, timers) that win over it, each parsed like a ``Wert``
  cell ("48 h", "2 Tage"). Parsed settings and holiday calendars are cached (``lru_cache``,
  ``calendar_for``); Excel hands the values in, no workbook is ever read by a UDF.

No rule is written here: each function turns its arguments into the kind's input record and
calls the kind's public ``decide()`` (or a core function), then picks one field of the result.
Cells are read with the kinds' own readers (``diagonal.parse_when``, ``sol_run.match_closed_list``,
``inkasso.decide`` with the 'Warten auf Freigabe' status), so a UDF and a run read a value alike.
"""
from __future__ import annotations

import functools
import inspect
from datetime import date, datetime, time
from functools import lru_cache
from typing import Any, Callable, Sequence, TypeVar
from zoneinfo import ZoneInfo

import xlwings as xw

from .core import values as V
from .core.calendar import calendar_for
from .core.cellreader import as_day
from .core.language import language
from .kinds import kind_named
from .core.settings import SettingSpec, Settings, parse_setting
from .core.workbook_data import SheetData
from .kinds.diagonal import rules as diagonal, schema as DS
from .kinds.inkasso import rules as inkasso, schema as IS
from .kinds.kundenakten import rules as kundenakten, schema as KS
from .kinds.solleciti import flowchart as sol_flow, run as sol_run, schema as SS
from .kinds.inkasso.handover import SETTING_MARKER, clean_comment, guard_formula

__all__ = [
    "XLA_MAHNSCHRITT", "XLA_MAHNFRIST", "XLA_CSV_DATUM", "XLA_CSV_KOMMENTAR", "XLA_STATUS",
    "XLA_WERKTAGE", "XLA_FALL_AKTION", "XLA_FALL_SAVED_REPLY", "XLA_FALL_FAELLIG",
    "XLA_FALL_UEBERFAELLIG", "XLA_TICKET_AZIONE", "XLA_TICKET_SCADENZA", "XLA_VPA_AKTUELL",
    "XLA_VPA_SCHRITT", "XLA_VPA_WIEDERVORLAGE", "UDF_NAMES", "CATEGORY",
]

Cell = Any
"""What Excel hands a UDF for one argument: None, str, float, bool, datetime (a list for a
multi-cell range). Typed as ``Any`` on purpose: xlwings turns a parameter's type hint into a
converter, and ``Any`` is its default value converter."""

CATEGORY = "xl_addin"
BERLIN = ZoneInfo(DS.TIMEZONE)
ROME = ZoneInfo("Europe/Rome")
_EXCEL_ERRORS = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!",
                           "#SPILL!", "#CALC!", "#GETTING_DATA"})
_TABLE_ARGS = frozenset({"einstellungen", "impostazioni"})
# What a UDF says about an argument that is not one cell or not a settings range, per language
# (the Solleciti functions answer in Italian); the language's "check the input" prefix goes first.
_ARGUMENT_TEXTS = {
    "de": {"range": "{label}: bitte eine einzelne Zelle angeben, keinen Bereich",
           "excel_error": "{label}: die Zelle enthält den Fehler {error}",
           "settings_range": "{label}: bitte den Bereich Schlüssel | Wert des Blatts Einstellungen angeben"},
    "it": {"range": "{label}: indicare una sola cella, non un intervallo",
           "excel_error": "{label}: la cella contiene l'errore {error}",
           "settings_range": "{label}: indicare l'intervallo Chiave | Valore del foglio Impostazioni"},
}
_F = TypeVar("_F", bound=Callable[..., Any])


class _Invalid(Exception):
    """Bad input; ``str(e)`` is the whole text the cell shows."""


def _check(lang: str = "de") -> str:
    """'Eingabe prüfen: ' / 'DA CORREGGERE: ' — how a cell whose input is wrong begins."""
    return language(lang).check_input


def _argument_error(lang: str, what: str, **fields: object) -> _Invalid:
    return _Invalid(_check(lang) + _ARGUMENT_TEXTS[lang][what].format(**fields))


# ---------------------------------------------------------------- registration helpers

def _never_raises(f: _F) -> _F:
    """The cell shows a text instead of an exception: ``_Invalid`` as it is, anything unforeseen
    as one short line (never a traceback)."""
    @functools.wraps(f)
    def safe(*args: Cell, **kwargs: Cell) -> Cell:   # Excel passes positions; Python callers may name them
        try:
            return f(*args, **kwargs)
        except _Invalid as e:
            return str(e)
        except OverflowError:
            return f"{_check()}Datum außerhalb des gültigen Bereichs (01.01.1900–31.12.9999)"
        except Exception as e:  # noqa: BLE001 - a UDF must not raise into Excel
            return f"Fehler in {f.__name__}: {type(e).__name__}: {e}"[:255]
    return safe  # type: ignore[return-value]


def _args(**docs: str) -> Callable[[_F], _F]:
    """``@xw.arg`` for every parameter: its German description for the function wizard, and
    Excel errors (#N/A …) handed over as text so that they can be named instead of read as blank."""
    def register(f: _F) -> _F:
        params = list(inspect.signature(f).parameters)
        if sorted(params) != sorted(docs):
            raise TypeError(f"{f.__name__}: every argument needs a description ({params} vs {list(docs)})")
        for name in params:
            table = {"ndim": 2} if name in _TABLE_ARGS else {}   # a range arrives as rows, even 1×2
            f = xw.arg(name, doc=docs[name], err_to_str=True, **table)(f)
        return f
    return register


# ---------------------------------------------------------------- reading arguments

def _cell(value: Cell, label: str, lang: str = "de") -> Cell:
    """One argument as the readers of the CLI see a cell: a date at midnight is a date."""
    if isinstance(value, (list, tuple)):
        raise _argument_error(lang, "range", label=label)
    if isinstance(value, str) and value.strip() in _EXCEL_ERRORS:
        raise _argument_error(lang, "excel_error", label=label, error=value.strip())
    if isinstance(value, datetime):
        return V.from_excel_datetime(value)
    return value


def _parsed(value: Cell, parser: Callable[[Cell], Any], label: str) -> Any:
    """A core parser's result, or the cell text '<label>: <why> — meinten Sie …?'."""
    value = _cell(value, label)
    try:
        return parser(value)
    except V.ParseError as e:
        hint = f" — meinten Sie '{e.suggestion}'?" if e.suggestion and "meinten Sie" not in str(e) else ""
        raise _Invalid(f"{_check()}{label}: {e}{hint}") from None


def _when(value: Cell, label: str) -> date | datetime | None:
    return _parsed(value, V.parse_date, label)


def _day(value: Cell, label: str) -> date | None:
    return as_day(_when(value, label))


def _choice_or_none(value: Cell, choices: Sequence[str]) -> tuple[str | None, str]:
    """(canonical spelling or None, nearest valid value) — the core's closed-list matching."""
    canon = V.match_choice(value, choices)
    return canon, ("" if canon else V.nearest_choice(value, choices))


def _choice(value: Cell, choices: Sequence[str], label: str) -> str | None:
    value = _cell(value, label)
    if V.is_blank(value):
        return None
    canon, hint = _choice_or_none(value, choices)
    if canon is None:
        fix = f" — meinten Sie '{hint}'?" if hint else f" (erlaubt: {', '.join(choices)})"
        raise _Invalid(f"{_check()}{label}: '{V.display(value)}' ist kein gültiger Wert{fix}")
    return canon


def _now(value: Cell, tz: ZoneInfo, label: str = "heute", lang: str = "de") -> datetime:
    """``heute``/``jetzt``/``oggi``: blank = now in ``tz`` (naive local time); a date = its start of day."""
    value = _cell(value, label, lang)
    if V.is_blank(value):
        return datetime.now(tz).replace(tzinfo=None)
    if lang == "it":
        try:
            when = V.parse_date(value)
        except V.ParseError:
            raise _Invalid(f"{_check('it')}{label}: '{V.display(value)}' non è una data") from None
    else:
        when = _parsed(value, V.parse_date, label)
    return when if isinstance(when, datetime) else datetime.combine(when, time())


def _excel_date(d: date | datetime | None) -> datetime | str:
    """A real Excel date (datetime; 00:00 for a day), "" for none."""
    return "" if d is None else V.as_excel_datetime(d)


# ---------------------------------------------------------------- settings (parsed once, cached)

_SPECS: dict[str, dict[str, SettingSpec]] = {
    kind: {s.key: s for s in specs}
    for kind, specs in (("inkasso", IS.SETTINGS), ("diagonal", DS.SETTINGS),
                        ("solleciti", SS.SETTINGS), ("kundenakten", KS.SETTINGS))
}
_SHEET_NAMES = {"inkasso": IS.SHEET_SETTINGS, "diagonal": DS.SHEET_SETTINGS, "solleciti": SS.SHEET_SETTINGS,
                "kundenakten": KS.SHEET_SETTINGS}
_SettingsKey = tuple[tuple[str, str, Cell], ...]


def _settings_key(given: dict[str, Cell], lang: str = "de") -> _SettingsKey:
    """Hashable key of the settings arguments actually given (type-tagged: 1 is not TRUE)."""
    out = []
    for key, raw in given.items():
        raw = _cell(raw, key, lang)
        if not V.is_blank(raw):
            out.append((key, type(raw).__name__, raw))
    return tuple(out)


_Rows = tuple[tuple[Cell, ...], ...]
_KEY_HEADERS = frozenset({"schlüssel", "schluessel", "chiave", "key"})


def _sheet_rows(value: Cell, label: str, lang: str = "de") -> _Rows:
    """The settings sheet's range (``Schlüssel`` | ``Wert``, header row optional) as a hashable
    table; () when not given."""
    if V.is_blank(value):
        return ()
    if (not isinstance(value, (list, tuple)) or not all(isinstance(r, (list, tuple)) for r in value)
            or max((len(r) for r in value), default=0) < 2):   # one cell arrives as [[x]] (ndim=2)
        raise _argument_error(lang, "settings_range", label=label)
    rows = tuple(tuple(_plain(v) for v in row) for row in value)
    if rows and V.norm_key(rows[0][0]) not in _KEY_HEADERS:   # range without its header row
        rows = (("Schlüssel", "Wert"),) + rows
    return rows


def _plain(value: Cell) -> Cell:
    """A settings cell as the package reader would give it (Excel errors read as blank)."""
    if isinstance(value, str) and value.strip() in _EXCEL_ERRORS:
        return None
    if isinstance(value, datetime):
        return V.from_excel_datetime(value)
    return value


def _sheet_values(kind: str, rows: _Rows) -> dict[str, object]:
    """What the settings sheet sets, read by the core exactly as a run reads it (an unreadable
    value keeps its default, as in the run, which reports it on the Prüfung sheet)."""
    if not rows:
        return {}
    specs = list(_SPECS[kind].values())
    sheet = SheetData(_SHEET_NAMES[kind], [list(r) for r in rows])
    settings, _ = Settings.from_sheet(sheet, specs, sheet.name)
    return {s.key: settings.get(s.key) for s in specs}


@lru_cache(maxsize=256)
def _settings(kind: str, given: _SettingsKey, rows: _Rows = ()) -> Settings:
    """Settings of ``kind``: the SPEC defaults, then the settings sheet's range if given, then
    the single arguments — each value parsed like a ``Wert`` cell of the settings sheet."""
    specs = _SPECS[kind]
    values = _sheet_values(kind, rows)
    for key, _, raw in given:
        try:
            values[key] = parse_setting(raw, specs[key].kind)
        except V.ParseError as e:
            if specs[key].kind == "region":   # the message names the region already
                raise _Invalid(f"{_check(kind_named(kind).language)}{e}") from None
            if kind == "solleciti":
                raise _Invalid(f"{_check('it')}impostazione '{key}': '{V.display(raw)}' non valida ({e})") from None
            raise _Invalid(f"{_check()}Einstellung '{key}': '{V.display(raw)}' ungültig ({e})") from None
    return Settings(list(specs.values()), values)


@lru_cache(maxsize=256)
def _inkasso_settings(given: _SettingsKey, rows: _Rows) -> IS.InkassoSettings:
    return IS.InkassoSettings.from_settings(_settings("inkasso", given, rows))


@lru_cache(maxsize=256)
def _kundenakten_settings(given: _SettingsKey, rows: _Rows) -> KS.KundenaktenSettings:
    return KS.KundenaktenSettings.from_settings(_settings("kundenakten", given, rows))


@lru_cache(maxsize=256)
def _diagonal_rules(given: _SettingsKey, rows: _Rows) -> diagonal.Rules:
    return diagonal.Rules.from_settings(_settings("diagonal", given, rows))


@lru_cache(maxsize=256)
def _solleciti_config(given: _SettingsKey, rows: _Rows) -> sol_flow.Config:
    return sol_flow.Config.from_settings(_settings("solleciti", given, rows))


# ================================================================ Inkasso (SPEC §2)

_SHEET_DOC = ("Bereich des Blatts Einstellungen (Schlüssel | Wert), z. B. Einstellungen!$A$1:$B$30; "
              "leer = Standardwerte; einzelne Argumente danach haben Vorrang")
_INKASSO_DOCS = dict(
    erste_mahnung="first_dunning_letter: Datum der 1. Mahnung (leer = noch keine)",
    zweite_mahnung="second_dunning_letter: Datum der 2. Mahnung (leer = noch keine)",
    incasso_date="incasso_date: Übergabe ans Inkasso (leer = nicht übergeben)",
    incasso_state="incasso_state: canceled, blocked, sent_for_collection, paid, on_hold oder leer",
    reopened="reopened: neu bestellt? (ja/nein, WAHR/FALSCH, x, leer)",
    reopened_id="reopened_id: die neue Bestell-ID, wenn neu bestellt",
    schulden_status="Schulden-Status: Gesperrt, Laufend, Gekündigt, Blockiert, Ans Inkasso übergeben, Bezahlt",
    direkt_ins_inkasso="Vendor 'Direkt ins Inkasso' (ja/nein; leer = nein)",
    freigabe="Status auf 'Warten auf Freigabe' (Spalte L): Freigabe, Kündigung oder leer",
    vendor_aktiv="Vendor aktiv im Mahnwesen (ja/nein; leer = ja; nicht auf der Übersicht = nein)",
    heute="Stichtag (leer = heute, Europe/Berlin; HEUTE() rechnet täglich neu)",
    einstellungen=_SHEET_DOC,
    mahnlauf_tag="Einstellung 'Mahnlauf Tag' (leer = 1)",
    tage_bis_2_mahnung="Einstellung 'Tage bis 2. Mahnung' (leer = 14)",
    tage_bis_freigabe="Einstellung 'Tage bis Freigabe' (leer = 14)",
    region="Einstellung 'Feiertage Region' (leer = DE)",
    mahnlauf_werktag="Einstellung 'Mahnlauf auf Werktag verschieben' (leer = nein)",
)


def _inkasso_decision(erste_mahnung: Cell, zweite_mahnung: Cell, incasso_date: Cell, incasso_state: Cell,
                      reopened: Cell, reopened_id: Cell, schulden_status: Cell, direkt_ins_inkasso: Cell,
                      freigabe: Cell, vendor_aktiv: Cell, heute: Cell, einstellungen: Cell, mahnlauf_tag: Cell,
                      tage_bis_2_mahnung: Cell, tage_bis_freigabe: Cell, region: Cell,
                      mahnlauf_werktag: Cell) -> inkasso.Decision:
    settings = _inkasso_settings(_settings_key({
        "Mahnlauf Tag": mahnlauf_tag, "Tage bis 2. Mahnung": tage_bis_2_mahnung,
        "Tage bis Freigabe": tage_bis_freigabe, "Feiertage Region": region,
        "Mahnlauf auf Werktag verschieben": mahnlauf_werktag}), _sheet_rows(einstellungen, "einstellungen"))
    order = inkasso.Order(
        row=0,
        first_letter=_day(erste_mahnung, IS.M_FIRST_LETTER),
        second_letter=_day(zweite_mahnung, IS.M_SECOND_LETTER),
        incasso_date=_day(incasso_date, IS.M_INCASSO_DATE),
        state=_choice(incasso_state, IS.INCASSO_STATES, IS.M_INCASSO_STATE),
        debt_status=_choice(schulden_status, IS.DEBT_STATUSES, IS.M_DEBT_STATUS),
        reopened=_parsed(reopened, V.parse_bool, IS.M_REOPENED),
        reopened_id=_parsed(reopened_id, V.parse_id, IS.M_REOPENED_ID),
    )
    vendor = inkasso.Vendor(user_id="", direct=bool(_parsed(direkt_ins_inkasso, V.parse_bool, IS.OV_DIRECT)),
                            active=_parsed(vendor_aktiv, V.parse_bool, IS.OV_ACTIVE) is not False)
    raw_status = _cell(freigabe, IS.WAITING_HEADERS[IS.W_STATUS - 1])
    waiting = None
    if not V.is_blank(raw_status):   # column L of 'Warten auf Freigabe', read as plan_run reads it
        waiting = inkasso.WaitingRow(0, None, inkasso.waiting_status(raw_status))
    return inkasso.decide(order, vendor, waiting, _now(heute, BERLIN).date(), settings)


@xw.func(category=CATEGORY)
@_args(**_INKASSO_DOCS)
@_never_raises
def XLA_MAHNSCHRITT(erste_mahnung: Cell, zweite_mahnung: Cell, incasso_date: Cell = None,
                    incasso_state: Cell = None, reopened: Cell = None, reopened_id: Cell = None,
                    schulden_status: Cell = None, direkt_ins_inkasso: Cell = None, freigabe: Cell = None,
                    vendor_aktiv: Cell = None, heute: Cell = None, einstellungen: Cell = None,
                    mahnlauf_tag: Cell = None, tage_bis_2_mahnung: Cell = None, tage_bis_freigabe: Cell = None,
                    region: Cell = None, mahnlauf_werktag: Cell = None) -> Cell:
    """Nächster Schritt einer Bestellung im Mahnwesen (1. Mahnung, 2. Mahnung, Freigabe, Inkasso …)."""
    return _inkasso_decision(erste_mahnung, zweite_mahnung, incasso_date, incasso_state, reopened, reopened_id,
                             schulden_status, direkt_ins_inkasso, freigabe, vendor_aktiv, heute, einstellungen,
                             mahnlauf_tag, tage_bis_2_mahnung, tage_bis_freigabe, region, mahnlauf_werktag).step


@xw.func(category=CATEGORY)
@_args(**_INKASSO_DOCS)
@_never_raises
def XLA_MAHNFRIST(erste_mahnung: Cell, zweite_mahnung: Cell, incasso_date: Cell = None,
                  incasso_state: Cell = None, reopened: Cell = None, reopened_id: Cell = None,
                  schulden_status: Cell = None, direkt_ins_inkasso: Cell = None, freigabe: Cell = None,
                  vendor_aktiv: Cell = None, heute: Cell = None, einstellungen: Cell = None,
                  mahnlauf_tag: Cell = None, tage_bis_2_mahnung: Cell = None, tage_bis_freigabe: Cell = None,
                  region: Cell = None, mahnlauf_werktag: Cell = None) -> Cell:
    """Fälligkeitsdatum des nächsten Mahnschritts einer Bestellung (leer, wenn nichts zu tun ist)."""
    decision = _inkasso_decision(erste_mahnung, zweite_mahnung, incasso_date, incasso_state, reopened, reopened_id,
                                 schulden_status, direkt_ins_inkasso, freigabe, vendor_aktiv, heute, einstellungen,
                                 mahnlauf_tag, tage_bis_2_mahnung, tage_bis_freigabe, region, mahnlauf_werktag)
    if decision.due is None and decision.step.startswith(_check()):
        return decision.step
    return _excel_date(decision.due)


@xw.func(category=CATEGORY)
@_args(datum="Datum (Excel-Datum, TT.MM.JJJJ oder JJJJ-MM-TT)")
@_never_raises
def XLA_CSV_DATUM(datum: Cell) -> Cell:
    """Datum so, wie es in der Diagonal-CSV steht: MM/TT/JJJJ (leer bleibt leer)."""
    return V.format_date_csv(_day(datum, "Datum"))


@xw.func(category=CATEGORY)
@_args(support_comment="support_comment der Bestellung (mehrzeilig möglich)",
       marker="Einstellung 'Interner Marker': Zeilen, die so beginnen, fallen weg (leer = intern:)")
@_never_raises
def XLA_CSV_KOMMENTAR(support_comment: Cell, marker: Cell = None) -> Cell:
    """support_comment so, wie er in der Diagonal-CSV steht: ohne interne Zeilen, Umbrüche als '; '."""
    marker_text = _settings("inkasso", _settings_key({SETTING_MARKER: marker})).get(SETTING_MARKER)
    return guard_formula(clean_comment(_cell(support_comment, IS.M_SUPPORT_COMMENT), marker_text))


# ================================================================ every workbook: closed lists

_LISTS: dict[str, Sequence[str]] = {
    IS.M_INCASSO_STATE: IS.INCASSO_STATES,
    IS.M_DEBT_STATUS: IS.DEBT_STATUSES,
    DS.C_TYPE: DS.REQUEST_TYPES,
    DS.C_STEP: DS.STEPS,
    DS.C_REPLY: DS.REPLIES,
    DS.C_AGENCY: DS.AGENCIES,
    KS.K_STATUS: KS.CUSTOMER_STATUSES,
    KS.E_FILE: KS.FILE_VALUES,
    KS.E_CATEGORY: KS.CATEGORIES,
    **SS.CHOICES,
}


def _suggest(value: Cell, choices: Sequence[str]) -> str:
    hint = V.nearest_choice(value, choices)
    return f" — meinten Sie '{hint}'?" if hint else f" (erlaubt: {', '.join(choices)})"


@xw.func(category=CATEGORY)
@_args(wert="Der zu prüfende Wert",
       liste=("Welche Liste (leer = incasso_state): " + ", ".join(_LISTS))[:255])
@_never_raises
def XLA_STATUS(wert: Cell, liste: Cell = None) -> Cell:
    """Prüft einen Wert gegen die gültige Liste: gibt die richtige Schreibweise oder einen Hinweis zurück."""
    liste = _cell(liste, "liste")
    name = IS.M_INCASSO_STATE if V.is_blank(liste) else V.match_choice(liste, list(_LISTS))
    if name is None:
        return f"Unbekannte Liste '{V.display(liste)}'{_suggest(liste, list(_LISTS))}"
    value = _cell(wert, name)
    if V.is_blank(value):
        return ""
    choices = _LISTS[name]
    canon = kundenakten.classify_file(value) if name == KS.E_FILE else V.match_choice(value, choices)
    if canon is not None:
        return canon
    return f"Ungültig: '{V.display(value)}' ist kein gültiger Wert für {name}{_suggest(value, choices)}"


# ================================================================ working days (every workbook)

_MAX_WORKING_DAYS = 10_000   # ~40 years: more is a typo, and counting it would stall the cell


@xw.func(category=CATEGORY)
@_args(datum="Startdatum", tage="Anzahl Werktage (negativ = zurück; 0 = dieser oder der nächste Werktag)",
       region="Feiertagsregion (leer = DE; z. B. DE-BY, IT)")
@_never_raises
def XLA_WERKTAGE(datum: Cell, tage: Cell, region: Cell = None) -> Cell:
    """Datum plus Werktage (Mo–Fr ohne Feiertage der Region), wie die Fristen der Mappen."""
    start = _day(datum, "Datum")
    count = _parsed(tage, V.parse_int, "Tage")
    if start is None or count is None:
        return f"{_check()}{'Datum' if start is None else 'Tage'} fehlt"
    if abs(count) > _MAX_WORKING_DAYS:
        return f"{_check()}Tage: höchstens {_MAX_WORKING_DAYS} Werktage vor oder zurück"
    region_code = _settings("inkasso", _settings_key({"Feiertage Region": region})).get("Feiertage Region")
    return _excel_date(calendar_for(region_code).add_working_days(start, count))


# ================================================================ Diagonal (SPEC §1)

_DIAGONAL_DOCS = dict(
    anfrageart="Anfrageart (z. B. Adressermittlung, Gläubigeranfrage, Debtist-Zahlung)",
    schritt="Schritt (leer = Neu)",
    schritt_seit="Schritt seit: Datum oder Datum+Uhrzeit des aktuellen Schritts",
    rueckmeldung="Rückmeldung des Vendors (leer/offen, Zustimmung, Ablehnung, Storno bestätigt …)",
    vip="VIP (ja/nein; leer = unbekannt)",
    datum="Datum der Nachricht (zählt bei Schritt Neu ohne 'Schritt seit')",
    agentur="Agentur (Diagonal/Debtist; leer = aus der Anfrageart)",
    heute="Jetzt (leer = jetzt, Europe/Berlin; JETZT() rechnet neu)",
    einstellungen=_SHEET_DOC,
    snooze_vendor="Einstellung 'Snooze Vendor-Nachricht' (leer = 48 h)",
    snooze_erinnerung="Einstellung 'Snooze Erinnerung' (leer = 24 h)",
    zahlungsfrist="Einstellung 'Zahlungsfrist Rechnung' (leer = 7 Tage)",
    vip_frist="Einstellung 'VIP-Frist fällig' (leer = 2 Tage)",
    vip_ueberfaellig="Einstellung 'VIP-Frist überfällig' (leer = 3 Tage)",
)


def _diagonal_decision(anfrageart: Cell, schritt: Cell, schritt_seit: Cell, rueckmeldung: Cell, vip: Cell,
                       datum: Cell, agentur: Cell, heute: Cell, einstellungen: Cell, snooze_vendor: Cell,
                       snooze_erinnerung: Cell, zahlungsfrist: Cell, vip_frist: Cell,
                       vip_ueberfaellig: Cell) -> tuple[diagonal.Decision, datetime]:
    rules = _diagonal_rules(_settings_key({
        DS.K_SNOOZE_VENDOR: snooze_vendor, DS.K_SNOOZE_REMINDER: snooze_erinnerung,
        DS.K_INVOICE_DAYS: zahlungsfrist, DS.K_VIP_DUE: vip_frist, DS.K_VIP_OVERDUE: vip_ueberfaellig}),
        _sheet_rows(einstellungen, "einstellungen"))
    now = _now(heute, BERLIN, "jetzt")
    reply = _choice(rueckmeldung, DS.REPLIES, DS.C_REPLY)
    case = diagonal.Case(
        row=0,
        day=_day(datum, DS.C_DATE),
        agency=_choice(agentur, DS.AGENCIES, DS.C_AGENCY),
        request_type=_choice(anfrageart, DS.REQUEST_TYPES, DS.C_TYPE),
        vip=_parsed(vip, V.parse_bool, DS.C_VIP),
        step=_choice(schritt, DS.STEPS, DS.C_STEP) or DS.S_NEW,
        since=_since(schritt_seit),
        reply=None if reply == DS.R_OPEN else reply,
    )
    return diagonal.decide(case, rules, now.date()), now


def _since(value: Cell) -> date | datetime | None:
    raw = _cell(value, DS.C_SINCE)
    try:
        return diagonal.parse_when(raw)
    except V.ParseError as e:
        raise _Invalid(f"{_check()}{DS.C_SINCE}: {e}") from None


@xw.func(category=CATEGORY)
@_args(**_DIAGONAL_DOCS)
@_never_raises
def XLA_FALL_AKTION(anfrageart: Cell, schritt: Cell, schritt_seit: Cell = None, rueckmeldung: Cell = None,
                    vip: Cell = None, datum: Cell = None, agentur: Cell = None, heute: Cell = None,
                    einstellungen: Cell = None, snooze_vendor: Cell = None, snooze_erinnerung: Cell = None,
                    zahlungsfrist: Cell = None, vip_frist: Cell = None, vip_ueberfaellig: Cell = None) -> Cell:
    """Nächste Aktion eines Diagonal/Debtist-Falls laut Schritt-Tabelle."""
    decision, _ = _diagonal_decision(anfrageart, schritt, schritt_seit, rueckmeldung, vip, datum, agentur, heute,
                                     einstellungen, snooze_vendor, snooze_erinnerung, zahlungsfrist, vip_frist,
                                     vip_ueberfaellig)
    return decision.action


@xw.func(category=CATEGORY)
@_args(**_DIAGONAL_DOCS)
@_never_raises
def XLA_FALL_SAVED_REPLY(anfrageart: Cell, schritt: Cell, schritt_seit: Cell = None, rueckmeldung: Cell = None,
                         vip: Cell = None, datum: Cell = None, agentur: Cell = None, heute: Cell = None,
                         einstellungen: Cell = None, snooze_vendor: Cell = None, snooze_erinnerung: Cell = None,
                         zahlungsfrist: Cell = None, vip_frist: Cell = None, vip_ueberfaellig: Cell = None) -> Cell:
    """Saved Reply (Nummer und Titel), die als Nächstes an den Vendor geht (leer, wenn keine)."""
    decision, _ = _diagonal_decision(anfrageart, schritt, schritt_seit, rueckmeldung, vip, datum, agentur, heute,
                                     einstellungen, snooze_vendor, snooze_erinnerung, zahlungsfrist, vip_frist,
                                     vip_ueberfaellig)
    return decision.reply or ""


@xw.func(category=CATEGORY)
@_args(**_DIAGONAL_DOCS)
@_never_raises
def XLA_FALL_FAELLIG(anfrageart: Cell, schritt: Cell, schritt_seit: Cell = None, rueckmeldung: Cell = None,
                     vip: Cell = None, datum: Cell = None, agentur: Cell = None, heute: Cell = None,
                     einstellungen: Cell = None, snooze_vendor: Cell = None, snooze_erinnerung: Cell = None,
                     zahlungsfrist: Cell = None, vip_frist: Cell = None, vip_ueberfaellig: Cell = None) -> Cell:
    """Wann die nächste Aktion eines Diagonal/Debtist-Falls fällig ist (Datum bzw. Datum und Uhrzeit)."""
    decision, _ = _diagonal_decision(anfrageart, schritt, schritt_seit, rueckmeldung, vip, datum, agentur, heute,
                                     einstellungen, snooze_vendor, snooze_erinnerung, zahlungsfrist, vip_frist,
                                     vip_ueberfaellig)
    if decision.due is None and decision.check:
        return decision.action
    return _excel_date(decision.due)


@xw.func(category=CATEGORY)
@_args(**_DIAGONAL_DOCS)
@_never_raises
def XLA_FALL_UEBERFAELLIG(anfrageart: Cell, schritt: Cell, schritt_seit: Cell = None, rueckmeldung: Cell = None,
                          vip: Cell = None, datum: Cell = None, agentur: Cell = None, heute: Cell = None,
                          einstellungen: Cell = None, snooze_vendor: Cell = None, snooze_erinnerung: Cell = None,
                          zahlungsfrist: Cell = None, vip_frist: Cell = None, vip_ueberfaellig: Cell = None) -> Cell:
    """Ja, wenn der Diagonal/Debtist-Fall jetzt überfällig ist, sonst Nein (leer bei abgeschlossenen Fällen)."""
    decision, now = _diagonal_decision(anfrageart, schritt, schritt_seit, rueckmeldung, vip, datum, agentur, heute,
                                       einstellungen, snooze_vendor, snooze_erinnerung, zahlungsfrist, vip_frist,
                                       vip_ueberfaellig)
    if decision.due_at is None:
        return decision.action if decision.check else ""
    return DS.YES if decision.is_overdue(now) else DS.NO


# ================================================================ Solleciti (SPEC §3, Italian)

_SOLLECITI_DOCS = dict(
    stato="Stato des Tickets vor dem erfassten Anruf (Nuovo = 1., Chiamata 1 = 2., Chiamata 2 = 3. Anruf …)",
    esito="Esito chiamata (Non risponde, Ha già pagato, Accordo di pagamento, Nessun accordo)",
    tentativi="Tentativi: Anrufe vor dem erfassten (optional; welcher Anruf es ist, sagt Stato)",
    appuntamenti_mancati="Appuntamenti mancati: verpasste Telefontermine",
    proforma_aperti="Proforma aperti: offene Proforma-Rechnungen",
    motivo="Motivo (bei Nessun accordo)",
    interlocutore="Interlocutore (Studio, Amministrazione, Responsabile)",
    tipo_problema="Tipo problema (Bilancio/Studio, Contabilità, Tecnico)",
    data_pagamento="Data pagamento: wann der Kunde gezahlt haben will",
    tipo_pagamento="Tipo pagamento (Saldo, Parziale)",
    data_accordo="Data accordo: vereinbarter Zahlungstag",
    data_preblocco="Data preblocco: PREBLOCCO-Mail gesendet am",
    promesse_saltate="Promesse saltate: gebrochene Zahlungsversprechen",
    aggiornamento="Aggiornamento (Aggiornamento, Risolto)",
    data_contatto="Data contatto: Tag des Kontakts (leer = heute); Fristen zählen ab hier",
    oggi="Stichtag (leer = heute, Europe/Rome; OGGI()/HEUTE() rechnet täglich neu)",
    impostazioni=("Bereich des Blatts Impostazioni (Chiave | Valore), z. B. Impostazioni!$A$1:$B$20; "
                  "leer = Standardwerte; regione danach hat Vorrang"),
    regione="Impostazione 'Regione festività' (leer = IT)",
)


def _it_choice(value: Cell, header: str) -> str | None:
    value = _cell(value, header, "it")
    if V.is_blank(value):
        return None
    choices = SS.CHOICES[header]
    canon = sol_run.match_closed_list(header, value)
    hint = "" if canon else V.nearest_choice(value, choices)
    if canon is None:
        fix = f" — forse '{hint}'?" if hint else f" (ammessi: {', '.join(choices)})"
        raise _Invalid(f"{_check('it')}{header} '{V.display(value)}' non è un valore valido{fix}")
    return canon


def _it_day(value: Cell, header: str) -> date | None:
    value = _cell(value, header, "it")
    try:
        return as_day(V.parse_date(value))
    except V.ParseError:
        raise _Invalid(f"{_check('it')}{header}: '{V.display(value)}' non è una data "
                       "(atteso GG.MM.AAAA o una data di Excel)") from None


def _it_count(value: Cell, header: str) -> int | None:
    value = _cell(value, header, "it")
    try:
        count = V.parse_int(value)
    except V.ParseError:
        count = -1
    if count is not None and count < 0:
        raise _Invalid(f"{_check('it')}{header}: '{V.display(value)}' non è un numero intero ≥ 0")
    return count


def _ticket_decision(stato: Cell, esito: Cell, tentativi: Cell, appuntamenti_mancati: Cell, proforma_aperti: Cell,
                     motivo: Cell, interlocutore: Cell, tipo_problema: Cell, data_pagamento: Cell,
                     tipo_pagamento: Cell, data_accordo: Cell, data_preblocco: Cell, promesse_saltate: Cell,
                     aggiornamento: Cell, data_contatto: Cell, oggi: Cell, impostazioni: Cell,
                     regione: Cell) -> sol_flow.Decision:
    cfg = _solleciti_config(_settings_key({SS.K_REGION: regione}, "it"),
                            _sheet_rows(impostazioni, "impostazioni", "it"))
    ticket = sol_flow.TicketRow(
        status=_it_choice(stato, SS.T_STATUS),
        outcome=_it_choice(esito, SS.T_OUTCOME),
        attempts=_it_count(tentativi, SS.T_ATTEMPTS),
        missed_appointments=_it_count(appuntamenti_mancati, SS.T_MISSED_APPTS),
        open_proformas=_it_count(proforma_aperti, SS.T_OPEN_PROFORMAS),
        reason=_it_choice(motivo, SS.T_REASON),
        contact_person=_it_choice(interlocutore, SS.T_CONTACT_PERSON),
        problem=_it_choice(tipo_problema, SS.T_PROBLEM),
        paid_on=_it_day(data_pagamento, SS.T_PAID_ON),
        payment_kind=_it_choice(tipo_pagamento, SS.T_PAYMENT_KIND),
        agreed_on=_it_day(data_accordo, SS.T_AGREED_ON),
        preblocco_on=_it_day(data_preblocco, SS.T_PREBLOCCO_ON),
        broken_promises=_it_count(promesse_saltate, SS.T_BROKEN_PROMISES),
        update=_it_choice(aggiornamento, SS.T_UPDATE),
        contact_on=_it_day(data_contatto, SS.T_CONTACT_ON),
    )
    today = _now(oggi, ROME, "oggi", "it").date()
    # tasks count from the day of the contact; a run without 'Data contatto' takes the day it first saw the row
    return sol_flow.decide(ticket, today, ticket.contact_on or today, cfg)


@xw.func(category=CATEGORY)
@_args(**_SOLLECITI_DOCS)
@_never_raises
def XLA_TICKET_AZIONE(stato: Cell, esito: Cell = None, tentativi: Cell = None, appuntamenti_mancati: Cell = None,
                      proforma_aperti: Cell = None, motivo: Cell = None, interlocutore: Cell = None,
                      tipo_problema: Cell = None, data_pagamento: Cell = None, tipo_pagamento: Cell = None,
                      data_accordo: Cell = None, data_preblocco: Cell = None, promesse_saltate: Cell = None,
                      aggiornamento: Cell = None, data_contatto: Cell = None, oggi: Cell = None,
                      impostazioni: Cell = None, regione: Cell = None) -> Cell:
    """Nächste Aktion (Azione) eines Solleciti-Tickets laut Ablaufplan, auf Italienisch."""
    return _ticket_decision(stato, esito, tentativi, appuntamenti_mancati, proforma_aperti, motivo, interlocutore,
                            tipo_problema, data_pagamento, tipo_pagamento, data_accordo, data_preblocco,
                            promesse_saltate, aggiornamento, data_contatto, oggi, impostazioni, regione).action


@xw.func(category=CATEGORY)
@_args(**_SOLLECITI_DOCS)
@_never_raises
def XLA_TICKET_SCADENZA(stato: Cell, esito: Cell = None, tentativi: Cell = None, appuntamenti_mancati: Cell = None,
                        proforma_aperti: Cell = None, motivo: Cell = None, interlocutore: Cell = None,
                        tipo_problema: Cell = None, data_pagamento: Cell = None, tipo_pagamento: Cell = None,
                        data_accordo: Cell = None, data_preblocco: Cell = None, promesse_saltate: Cell = None,
                        aggiornamento: Cell = None, data_contatto: Cell = None, oggi: Cell = None,
                        impostazioni: Cell = None, regione: Cell = None) -> Cell:
    """Fälligkeit der Aufgabe (Scadenza task) eines Solleciti-Tickets (leer, wenn keine)."""
    decision = _ticket_decision(stato, esito, tentativi, appuntamenti_mancati, proforma_aperti, motivo,
                                interlocutore, tipo_problema, data_pagamento, tipo_pagamento, data_accordo,
                                data_preblocco, promesse_saltate, aggiornamento, data_contatto, oggi, impostazioni,
                                regione)
    if decision.leaf in (sol_flow.LEAF_UNREADABLE, sol_flow.LEAF_MISSING, sol_flow.LEAF_CONTRADICTION):
        return decision.action
    return _excel_date(decision.due)


# ================================================================ Kundenakten (SPEC §4)

_KUNDENAKTEN_DOCS = dict(
    vpa="VPA des Kunden (leer = keiner zugewiesen)",
    zugewiesen_am="Zugewiesen am: seit wann der VPA den Kunden betreut",
    letzter_vpa_eintrag="Datum des letzten Eintrags des VPA in der VPA-Akte (leer = keiner)",
    frist_vpa="Frist VPA: die zuletzt gesetzte Frist an den VPA (leer = keine)",
    kundenstatus="Kundenstatus (bestimmt die Chatvorlage)",
    heute="Stichtag (leer = heute, Europe/Berlin; HEUTE() rechnet täglich neu)",
    einstellungen=_SHEET_DOC,
    tage_ohne_eintrag="Einstellung 'Tage ohne VPA-Eintrag' (leer = 28)",
    frist_tage="Einstellung 'Frist VPA Tage' (leer = 7)",
)
_CUSTOMER = "Kunde"


def _vpa_decision(vpa: Cell, zugewiesen_am: Cell, letzter_vpa_eintrag: Cell, frist_vpa: Cell, kundenstatus: Cell,
                  heute: Cell, einstellungen: Cell, tage_ohne_eintrag: Cell, frist_tage: Cell) -> kundenakten.Decision:
    settings = _kundenakten_settings(_settings_key({KS.SET_STALE_DAYS: tage_ohne_eintrag,
                                                    KS.SET_DEADLINE_DAYS: frist_tage}),
                                     _sheet_rows(einstellungen, "einstellungen"))
    customer = kundenakten.Customer(
        row=0, name=_CUSTOMER, status=_choice(kundenstatus, KS.CUSTOMER_STATUSES, KS.K_STATUS),
        vpa=V.norm_text(_cell(vpa, KS.K_VPA)), assigned=_day(zugewiesen_am, KS.K_ASSIGNED))
    entries = []
    last = _day(letzter_vpa_eintrag, KS.K_LAST_VPA)
    if last is not None:
        entries.append(kundenakten.Entry(0, last, _CUSTOMER, KS.FILE_VPA))
    deadline = _day(frist_vpa, KS.E_DEADLINE)
    if deadline is not None:
        entries.append(kundenakten.Entry(0, None, _CUSTOMER, KS.FILE_VPA, deadline))
    return kundenakten.decide(customer, entries, _now(heute, BERLIN).date(), settings)


@xw.func(category=CATEGORY)
@_args(**_KUNDENAKTEN_DOCS)
@_never_raises
def XLA_VPA_AKTUELL(vpa: Cell, zugewiesen_am: Cell, letzter_vpa_eintrag: Cell = None, frist_vpa: Cell = None,
                    kundenstatus: Cell = None, heute: Cell = None, einstellungen: Cell = None,
                    tage_ohne_eintrag: Cell = None, frist_tage: Cell = None) -> Cell:
    """Ja, wenn die VPA-Akte aktuell ist (Eintrag in den letzten 4 Wochen), sonst Nein."""
    decision = _vpa_decision(vpa, zugewiesen_am, letzter_vpa_eintrag, frist_vpa, kundenstatus, heute,
                             einstellungen, tage_ohne_eintrag, frist_tage)
    return decision.current or decision.step


@xw.func(category=CATEGORY)
@_args(**_KUNDENAKTEN_DOCS)
@_never_raises
def XLA_VPA_SCHRITT(vpa: Cell, zugewiesen_am: Cell, letzter_vpa_eintrag: Cell = None, frist_vpa: Cell = None,
                    kundenstatus: Cell = None, heute: Cell = None, einstellungen: Cell = None,
                    tage_ohne_eintrag: Cell = None, frist_tage: Cell = None) -> Cell:
    """Nächster Schritt zur VPA-Akte: Vorlage senden, Frist abwarten oder nichts zu tun."""
    return _vpa_decision(vpa, zugewiesen_am, letzter_vpa_eintrag, frist_vpa, kundenstatus, heute,
                         einstellungen, tage_ohne_eintrag, frist_tage).step


@xw.func(category=CATEGORY)
@_args(**_KUNDENAKTEN_DOCS)
@_never_raises
def XLA_VPA_WIEDERVORLAGE(vpa: Cell, zugewiesen_am: Cell, letzter_vpa_eintrag: Cell = None, frist_vpa: Cell = None,
                          kundenstatus: Cell = None, heute: Cell = None, einstellungen: Cell = None,
                          tage_ohne_eintrag: Cell = None, frist_tage: Cell = None) -> Cell:
    """Wiedervorlage: der Tag, an dem die VPA-Akte veraltet, bzw. die an den VPA gesetzte Frist."""
    return _excel_date(_vpa_decision(vpa, zugewiesen_am, letzter_vpa_eintrag, frist_vpa, kundenstatus, heute,
                                     einstellungen, tage_ohne_eintrag, frist_tage).follow_up)


UDF_NAMES: tuple[str, ...] = tuple(n for n in __all__ if n.startswith("XLA_"))
