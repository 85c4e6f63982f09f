"""Formula functions (UDFs) for the agents' workbooks — thin calls into the same core as `xl-addin run`.

Registered through xlwings' BSD part (``@xw.func``/``@xw.arg``, through
``xl_addin.addin.udf_wrappers`` so that the record exists on every OS): ``xl-addin build-addin``
writes one VBA wrapper per function into the add-in, as xlwings' ``import_udfs`` would, and the
add-in sets the descriptions when Excel opens it — the docstring is the German description in
Excel's function wizard, each ``doc=`` an argument's.

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
The functions of one kind share that call: one ``_<kind>_decision`` declares their arguments
(and a table describes them), and each UDF is built from it by ``@_picks_from`` with only its
name, its description and the field it shows.
Cells are read with the kinds' own readers (``diagonal.parse_when``, ``sol_run.match_closed_list``,
``inkasso.decide`` with the 'Warten auf Freigabe' status), so a UDF and a run read a value alike.
"""
from __future__ import annotations

import functools
import inspect
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

from .addin import udf_wrappers as registration
from .core import values as V
from .core.calendar import calendar_for
from .core.cellreader import as_day
from .core.com_values import as_read, excel_error, from_com
from .core.context import RunContext
from .core.due import DueItem
from .core.findings import ERROR, WARNING, Finding
from .core.language import language
from .core.plan import CellValue
from .core.settings import Settings, parse_setting
from .core.tables import sheet_columns
from .core.workbook_data import SheetData, WorkbookData
from .kinds import kind_named
from .kinds.diagonal import rules as diagonal, schema as DS
from .kinds.inkasso import rules as inkasso, schema as IS
from .kinds.inkasso.handover import SETTING_MARKER, clean_comment, guard_formula
from .kinds.kind import BERLIN as BERLIN_ZONE, ROME as ROME_ZONE
from .kinds.kundenakten import rules as kundenakten, schema as KS
from .kinds.solleciti import flowchart as sol_flow, run as sol_run, schema as SS

if TYPE_CHECKING:
    import pandas

# one value per row (each also takes whole columns and spills a column)
CELL_UDF_NAMES: tuple[str, ...] = (
    "XLA_MAHNSCHRITT", "XLA_MAHNFRIST", "XLA_CSV_DATUM", "XLA_CSV_KOMMENTAR", "XLA_STATUS",
    "XLA_WERKTAGE", "XLA_FALL_AKTION", "XLA_FALL_SAVED_REPLY", "XLA_FALL_FAELLIG",
    "XLA_FALL_UEBERFAELLIG", "XLA_TICKET_AZIONE", "XLA_TICKET_SCADENZA", "XLA_VPA_AKTUELL",
    "XLA_VPA_SCHRITT", "XLA_VPA_WIEDERVORLAGE",
)
# one table per workbook: its due and overdue rows, spilled (a pandas DataFrame through xlwings)
TABLE_UDF_NAMES: tuple[str, ...] = (
    "XLA_MAHNUNGEN_FAELLIG", "XLA_FAELLE_FAELLIG", "XLA_TICKET_IN_SCADENZA", "XLA_VPA_WIEDERVORLAGEN",
)
UDF_NAMES: tuple[str, ...] = CELL_UDF_NAMES + TABLE_UDF_NAMES
__all__ = ["CATEGORY", "CELL_UDF_NAMES", "TABLE_UDF_NAMES", "UDF_NAMES", *UDF_NAMES]

Cell = Any
"""What Excel hands a UDF for one argument: None, str, float, bool, datetime (a list for a
multi-cell range). Typed as ``Any`` on purpose: xlwings turns a parameter's type hint into a
converter, and ``Any`` is its default value converter."""

CATEGORY = "xl_addin"
BERLIN = ZoneInfo(BERLIN_ZONE)
ROME = ZoneInfo(ROME_ZONE)
# The argument that takes the settings sheet's range, per language of the workbook
_SETTINGS_ARGUMENT = {"de": "einstellungen", "it": "impostazioni"}
# What a UDF says about an argument it cannot read, per language (the Solleciti functions answer
# in Italian); the language's "check the input" prefix goes first.
_ARGUMENT_TEXTS = {
    "de": {"range": "{label}: bitte eine einzelne Zelle angeben, keinen Bereich",
           "excel_error": "{label}: die Zelle enthält den Fehler {error}",
           "settings_range": "{label}: bitte den Bereich Schlüssel | Wert des Blatts Einstellungen angeben",
           "setting": "Einstellung '{key}': '{value}' ungültig ({error})",
           "not_a_choice": "{label}: '{value}' ist kein gültiger Wert{fix}",
           "allowed": " (erlaubt: {choices})"},
    "it": {"range": "{label}: indicare una sola cella, non un intervallo",
           "excel_error": "{label}: la cella contiene l'errore {error}",
           "settings_range": "{label}: indicare l'intervallo Chiave | Valore del foglio Impostazioni",
           "setting": "impostazione '{key}': '{value}' non valida ({error})",
           "not_a_choice": "{label} '{value}' non è un valore valido{fix}",
           "allowed": " (ammessi: {choices})"},
}
_F = TypeVar("_F", bound=Callable[..., Any])
_UDF = Callable[..., Cell]
_D = TypeVar("_D")
_S = TypeVar("_S")
_T = TypeVar("_T")


class _Invalid(Exception):
    """Bad input; ``str(e)`` is the whole text the cell shows."""


def _check(lang: str = "de") -> str:
    """'Eingabe prüfen: ' / 'DA CORREGGERE: ' — how a cell whose input is wrong begins."""
    return language(lang).check_input


def _argument_error(lang: str, what: str, **fields: object) -> _Invalid:
    return _Invalid(_check(lang) + _ARGUMENT_TEXTS[lang][what].format(**fields))


# ---------------------------------------------------------------- registration

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
        except Exception as e:   # a UDF must not raise into Excel
            return f"Fehler in {f.__name__}: {type(e).__name__}: {e}"[:255]
    return safe  # type: ignore[return-value]


_MAX_ROWS = 1_048_576
_NOT_YET = object()

# What one column call has read already: the arguments that are the same for every row (the
# settings range, single settings, today, the name of a list) are read once per call, not once per
# row. Keyed by the identity of the argument objects: the call holds every one of them until it
# returns, and the same object is the same value (a setting given as a column has one object per
# row and is read per row). None outside a column call: a single call reads everything itself.
_PER_CALL: ContextVar[dict[tuple[object, ...], Any] | None] = ContextVar("xl_addin_per_call", default=None)


def _once_per_call(key: tuple[object, ...], read: Callable[[], _T]) -> _T:
    """``read()``, remembered for the rest of the column call under way (see ``_PER_CALL``); a
    failure is not remembered — each row says it."""
    memo = _PER_CALL.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]


def _as_column(value: Cell) -> list[Cell] | None:
    """A range argument as a column of cells (xlwings hands a one-column or one-row range over as
    a list, a block as a list of rows); None for a single cell."""
    if not isinstance(value, (list, tuple)):
        return None
    if value and all(isinstance(r, (list, tuple)) for r in value):
        if all(len(r) == 1 for r in value):           # a column handed over as rows (ndim=2)
            return [r[0] for r in value]
        if len(value) == 1:                           # one row
            return list(value[0])
        return None                                   # a block: the per-row call names it
    return list(value)


def _column_form(f: _F) -> _F:
    """``f`` also for whole columns: when an argument is a range (not the settings range), the
    function runs once per row — the other arguments are the same for every row — and returns
    a column (a list of one-element rows: a dynamic array that spills in Excel 365). Settings and
    today are read once for the whole call (``_once_per_call``), so every row is computed for the
    same moment and a row costs only its own cells; a row whose cells are those of an earlier row
    (same values, same types) gets that row's answer — the functions are pure, and a sheet's
    columns repeat (dates of the monthly dunning run, statuses, steps)."""
    signature = inspect.signature(f)
    params = list(signature.parameters)
    defaults = [None if p.default is p.empty else p.default for p in signature.parameters.values()]
    settings = set(_SETTINGS_ARGUMENT.values())

    @functools.wraps(f)
    def call(*args: Cell, **kwargs: Cell) -> Cell:
        given = dict(zip(params, args, strict=False))
        given.update(kwargs)
        columns = {name: col for name, value in given.items() if name not in settings
                   and (col := _as_column(value)) is not None}
        if not columns:
            return f(*args, **kwargs)
        lengths = {len(c) for c in columns.values() if len(c) != 1}
        if len(lengths) > 1:
            lang = "it" if "oggi" in params else "de"
            text = {"de": "die Bereiche sind verschieden lang ({n} Zeilen)",
                    "it": "gli intervalli hanno lunghezze diverse ({n} righe)"}[lang]
            return [[_check(lang) + text.format(n=" / ".join(str(n) for n in sorted(lengths)))]]
        n = lengths.pop() if lengths else 1
        # one argument list for every row: the fixed values in place, each row's cells put in
        every: list[Cell] = [given.get(name, default) for name, default in zip(params, defaults, strict=True)]
        where = [params.index(name) for name in columns]
        cols = [c if len(c) == n else c * n for c in columns.values()]
        answers: dict[tuple[tuple[type, Cell], ...], Cell] = {}   # a row's cells -> its answer
        token = _PER_CALL.set({})
        try:
            out = []
            for row in zip(*cols, strict=True):
                key: tuple[tuple[type, Cell], ...] | None = tuple((type(v), v) for v in row)  # 1.0 is not TRUE
                try:
                    answer = answers.get(key, _NOT_YET)  # type: ignore[arg-type]
                except TypeError:                             # an unhashable cell: computed, not kept
                    key, answer = None, _NOT_YET
                if answer is _NOT_YET:
                    for i, value in zip(where, row, strict=True):
                        every[i] = value
                    answer = f(*every)
                    if key is not None:
                        answers[key] = answer
                out.append([answer])
            return out
        finally:
            _PER_CALL.reset(token)
    return call  # type: ignore[return-value]


def _registered(f: _F, docs: Mapping[str, str]) -> _F:
    """``f`` as a UDF: never raising, ``@xw.arg`` for every parameter — its German description
    for the function wizard, and Excel errors (#N/A …) handed over as text so that they can be
    named instead of read as blank — and ``@xw.func`` in the add-in's category."""
    f = _column_form(_never_raises(f))
    params = list(inspect.signature(f).parameters)
    if sorted(params) != sorted(docs):
        raise TypeError(f"{f.__name__}: every argument needs a description ({params} vs {list(docs)})")
    for name in params:
        table = {"ndim": 2} if name in _SETTINGS_ARGUMENT.values() else {}   # a range arrives as rows, even 1×2
        f = registration.arg(name, doc=docs[name], err_to_str=True, **table)(f)
    return registration.func(category=CATEGORY)(f)


def _udf(**docs: str) -> Callable[[_F], _F]:
    """Registers the decorated function as a UDF; ``docs`` describes each of its arguments."""
    return lambda f: _registered(f, docs)


def _picks_from(decide: Callable[..., _D], docs: Mapping[str, str]) -> Callable[[Callable[[_D], Cell]], _UDF]:
    """A UDF with the arguments of ``decide`` (described by ``docs``) that shows what the
    decorated function picks from ``decide``'s result; its name and description are the
    decorated function's. The functions of one kind share their arguments this way."""
    signature = inspect.signature(decide).replace(return_annotation=Cell)
    annotations = {**{name: Cell for name in signature.parameters}, "return": Cell}

    def build(pick: Callable[[_D], Cell]) -> _UDF:
        def udf(*args: Cell, **kwargs: Cell) -> Cell:
            return pick(decide(*args, **kwargs))
        udf.__name__ = udf.__qualname__ = pick.__name__
        udf.__doc__ = pick.__doc__
        udf.__signature__ = signature  # type: ignore[attr-defined]  # what xlwings and the wizard read
        udf.__annotations__ = annotations
        return _registered(udf, docs)
    return build


# ---------------------------------------------------------------- reading arguments

def _cell(value: Cell, label: str, lang: str = "de") -> Cell:
    """One argument as the readers of the CLI see a cell: a date at midnight is a date."""
    if value is None:               # most optional arguments are left blank: the short way
        return None
    if isinstance(value, (list, tuple)):
        raise _argument_error(lang, "range", label=label)
    error = excel_error(value)      # '#N/A', and #SPILL!/#CALC! … that COM hands over as numbers
    if error is not None:
        raise _argument_error(lang, "excel_error", label=label, error=error)
    value = from_com(value)         # Currency arrives as Decimal
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


def _fix(value: Cell, choices: Sequence[str], lang: str = "de") -> str:
    """" — meinten Sie '<the nearest valid value>'?", or the valid values when none is near."""
    hint = V.nearest_choice(value, choices)
    if hint:
        return language(lang).did_you_mean.format(suggestion=hint)
    return _ARGUMENT_TEXTS[lang]["allowed"].format(choices=", ".join(choices))


def _choice(value: Cell, choices: Sequence[str], label: str, lang: str = "de",
            match: Callable[[str, Cell], str | None] | None = None) -> str | None:
    """The canonical spelling of a closed-list value (None for blank), matched by the core's
    rule or by ``match(label, value)``; else the cell text naming the nearest valid value."""
    if value is None:   # most optional arguments are left blank: the short way
        return None
    value = _cell(value, label, lang)
    if V.is_blank(value):
        return None
    canon = V.match_choice(value, choices) if match is None else match(label, value)
    if canon is None:
        raise _argument_error(lang, "not_a_choice", label=label, value=V.display(value),
                              fix=_fix(value, choices, lang))
    return canon


def _local_now(tz: ZoneInfo) -> datetime:
    """The clock: now in ``tz``, as naive local time."""
    return datetime.now(tz).replace(tzinfo=None)


def _now(value: Cell, tz: ZoneInfo, label: str = "heute", lang: str = "de") -> datetime:
    """``heute``/``jetzt``/``oggi``: blank = now in ``tz`` (naive local time); a date = its start
    of day. Read once per column call: every row is computed for the same moment."""
    return _once_per_call(("now", id(value), tz.key, label, lang), lambda: _read_now(value, tz, label, lang))


def _read_now(value: Cell, tz: ZoneInfo, label: str, lang: str) -> datetime:
    value = _cell(value, label, lang)
    if V.is_blank(value):
        return _local_now(tz)
    if lang == "it":
        try:
            when = V.parse_date(value)
        except V.ParseError:
            raise _Invalid(f"{_check('it')}{label}: '{V.display(value)}' non è una data") from None
    else:
        when = _parsed(value, V.parse_date, label)
    if isinstance(when, datetime):
        return when
    assert when is not None   # the cell is not blank
    return datetime.combine(when, time())


_FIRST_EXCEL_DAY = date(1900, 1, 1)    # serial 1: Excel shows nothing earlier as a date


def _excel_date(d: date | datetime | None) -> datetime | str:
    """A real Excel date (datetime; 00:00 for a day), "" for none; a day before 01.01.1900 —
    which Excel would show as ###### or a negative number — is the text saying so."""
    if d is None:
        return ""
    day = d.date() if isinstance(d, datetime) else d
    if day < _FIRST_EXCEL_DAY:
        raise _Invalid(f"{_check()}Ergebnis {day.day:02}.{day.month:02}.{day.year:04} liegt vor dem "
                       "01.01.1900 — Excel kann es nicht als Datum zeigen")
    return V.as_excel_datetime(d)


# ---------------------------------------------------------------- settings (parsed once, cached)

_SettingsKey = tuple[tuple[str, str, Cell], ...]
_Rows = tuple[tuple[Cell, ...], ...]
_KEY_HEADERS = frozenset({"schlüssel", "schluessel", "chiave", "key"})


def _settings_key(given: dict[str, Cell], lang: str = "de") -> _SettingsKey:
    """Hashable key of the settings arguments actually given (type-tagged: 1 is not TRUE)."""
    out = []
    for key, raw in given.items():
        raw = _cell(raw, key, lang)
        if not V.is_blank(raw):
            out.append((key, type(raw).__name__, raw))
    return tuple(out)


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
    if excel_error(value) is not None:
        return None
    value = from_com(value)
    if isinstance(value, datetime):
        return V.from_excel_datetime(value)
    return value


def _sheet_values(kind: str, rows: _Rows) -> dict[str, object]:
    """What the settings sheet sets, read by the core exactly as a run reads it (an unreadable
    value keeps its default, as in the run, which reports it on the Prüfung sheet)."""
    if not rows:
        return {}
    specs = kind_named(kind).settings
    sheet = SheetData(kind_named(kind).settings_sheet, [list(r) for r in rows])
    settings, _ = Settings.from_sheet(sheet, specs, sheet.name)
    return {s.key: settings.get(s.key) for s in specs}


@lru_cache(maxsize=256)
def _settings(kind: str, given: _SettingsKey, rows: _Rows = ()) -> Settings:
    """Settings of ``kind``: the SPEC defaults, then the settings sheet's range if given, then
    the single arguments — each value parsed like a ``Wert`` cell of the settings sheet."""
    specs = {s.key: s for s in kind_named(kind).settings}
    lang = kind_named(kind).language
    values = _sheet_values(kind, rows)
    for key, _, raw in given:
        try:
            values[key] = parse_setting(raw, specs[key].kind)
        except V.ParseError as e:
            if specs[key].kind == "region":   # the message names the region already
                raise _Invalid(f"{_check(lang)}{e}") from None
            raise _argument_error(lang, "setting", key=key, value=V.display(raw), error=e) from None
    return Settings(list(specs.values()), values)


def _settings_view(kind: str, view: Callable[[Settings], _S]) -> Callable[[Cell, dict[str, Cell]], _S]:
    """How the UDFs of ``kind`` read their settings: ``read(settings range, {key: single
    argument})`` is the kind's typed view of them, built once per distinct combination."""
    lang = kind_named(kind).language

    @lru_cache(maxsize=256)
    def cached(given: _SettingsKey, rows: _Rows) -> _S:
        return view(_settings(kind, given, rows))

    def read(sheet_range: Cell, single: dict[str, Cell]) -> _S:
        return _once_per_call(
            ("settings", kind, id(sheet_range), *((k, id(v)) for k, v in single.items())),
            lambda: cached(_settings_key(single, lang), _sheet_rows(sheet_range, _SETTINGS_ARGUMENT[lang], lang)))
    return read


_inkasso_settings = _settings_view("inkasso", IS.InkassoSettings.from_settings)
_diagonal_rules = _settings_view("diagonal", diagonal.Rules.from_settings)
_solleciti_config = _settings_view("solleciti", sol_flow.Config.from_settings)
_kundenakten_settings = _settings_view("kundenakten", KS.KundenaktenSettings.from_settings)


# ================================================================ Inkasso (SPEC §2)

_TODAY_DOC = "Stichtag (leer = heute, Europe/Berlin; HEUTE() rechnet täglich neu)"
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
    heute=_TODAY_DOC,
    einstellungen=_SHEET_DOC,
    mahnlauf_tag="Einstellung 'Mahnlauf Tag' (leer = 1)",
    tage_bis_2_mahnung="Einstellung 'Tage bis 2. Mahnung' (leer = 14)",
    tage_bis_freigabe="Einstellung 'Tage bis Freigabe' (leer = 14)",
    region="Einstellung 'Feiertage Region' (leer = DE)",
    mahnlauf_werktag="Einstellung 'Mahnlauf auf Werktag verschieben' (leer = nein)",
)


def _inkasso_decision(erste_mahnung: Cell, zweite_mahnung: Cell, incasso_date: Cell = None,
                      incasso_state: Cell = None, reopened: Cell = None, reopened_id: Cell = None,
                      schulden_status: Cell = None, direkt_ins_inkasso: Cell = None, freigabe: Cell = None,
                      vendor_aktiv: Cell = None, heute: Cell = None, einstellungen: Cell = None,
                      mahnlauf_tag: Cell = None, tage_bis_2_mahnung: Cell = None, tage_bis_freigabe: Cell = None,
                      region: Cell = None, mahnlauf_werktag: Cell = None) -> inkasso.Decision:
    settings = _inkasso_settings(einstellungen, {
        "Mahnlauf Tag": mahnlauf_tag, "Tage bis 2. Mahnung": tage_bis_2_mahnung,
        "Tage bis Freigabe": tage_bis_freigabe, "Feiertage Region": region,
        "Mahnlauf auf Werktag verschieben": mahnlauf_werktag})
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


@_picks_from(_inkasso_decision, _INKASSO_DOCS)
def XLA_MAHNSCHRITT(decision: inkasso.Decision) -> Cell:
    """Nächster Schritt einer Bestellung im Mahnwesen (1. Mahnung, 2. Mahnung, Freigabe, Inkasso …)."""
    return decision.step


@_picks_from(_inkasso_decision, _INKASSO_DOCS)
def XLA_MAHNFRIST(decision: inkasso.Decision) -> Cell:
    """Fälligkeitsdatum des nächsten Mahnschritts einer Bestellung (leer, wenn nichts zu tun ist)."""
    if decision.due is None and decision.step.startswith(_check()):
        return decision.step
    return _excel_date(decision.due)


@_udf(datum="Datum (Excel-Datum, TT.MM.JJJJ oder JJJJ-MM-TT)")
def XLA_CSV_DATUM(datum: Cell) -> Cell:
    """Datum so, wie es in der Diagonal-CSV steht: MM/TT/JJJJ (leer bleibt leer)."""
    return V.format_date_csv(_day(datum, "Datum"))


@_udf(support_comment="support_comment der Bestellung (mehrzeilig möglich)",
      marker="Einstellung 'Interner Marker': Zeilen, die so beginnen, fallen weg (leer = intern:)")
def XLA_CSV_KOMMENTAR(support_comment: Cell, marker: Cell = None) -> Cell:
    """support_comment so, wie er in der Diagonal-CSV steht: ohne interne Zeilen, Umbrüche als '; '."""
    marker_text = _once_per_call(("marker", id(marker)), lambda: _settings(
        "inkasso", _settings_key({SETTING_MARKER: marker})).text(SETTING_MARKER))
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


def _list_named(liste: Cell) -> str:
    """The list ``liste`` names (blank = incasso_state), else the text saying it is unknown."""
    liste = _cell(liste, "liste")
    name = IS.M_INCASSO_STATE if V.is_blank(liste) else V.match_choice(liste, list(_LISTS))
    return name if name is not None else f"Unbekannte Liste '{V.display(liste)}'{_fix(liste, list(_LISTS))}"


@_udf(wert="Der zu prüfende Wert",
      liste=("Welche Liste (leer = incasso_state): " + ", ".join(_LISTS))[:255])
def XLA_STATUS(wert: Cell, liste: Cell = None) -> Cell:
    """Prüft einen Wert gegen die gültige Liste: gibt die richtige Schreibweise oder einen Hinweis zurück."""
    name = _once_per_call(("liste", id(liste)), lambda: _list_named(liste))
    if name not in _LISTS:
        return name                                  # what is wrong with the list's name
    value = _cell(wert, name)
    if V.is_blank(value):
        return ""
    choices = _LISTS[name]
    canon = kundenakten.classify_file(value) if name == KS.E_FILE else V.match_choice(value, choices)
    if canon is not None:
        return canon
    return f"Ungültig: '{V.display(value)}' ist kein gültiger Wert für {name}{_fix(value, choices)}"


# ================================================================ working days (every workbook)

_MAX_WORKING_DAYS = 10_000   # ~40 years: more is a typo, and counting it would stall the cell


@_udf(datum="Startdatum", tage="Anzahl Werktage (negativ = zurück; 0 = dieser oder der nächste Werktag)",
      region="Feiertagsregion (leer = DE; z. B. DE-BY, IT)")
def XLA_WERKTAGE(datum: Cell, tage: Cell, region: Cell = None) -> Cell:
    """Datum plus Werktage (Mo–Fr ohne Feiertage der Region), wie die Fristen der Mappen."""
    start = _day(datum, "Datum")
    count = _parsed(tage, V.parse_int, "Tage")
    if start is None or count is None:
        return f"{_check()}{'Datum' if start is None else 'Tage'} fehlt"
    if abs(count) > _MAX_WORKING_DAYS:
        return f"{_check()}Tage: höchstens {_MAX_WORKING_DAYS} Werktage vor oder zurück"
    region_code = _inkasso_settings(None, {"Feiertage Region": region}).region
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


def _diagonal_decision(anfrageart: Cell, schritt: Cell, schritt_seit: Cell = None, rueckmeldung: Cell = None,
                       vip: Cell = None, datum: Cell = None, agentur: Cell = None, heute: Cell = None,
                       einstellungen: Cell = None, snooze_vendor: Cell = None, snooze_erinnerung: Cell = None,
                       zahlungsfrist: Cell = None, vip_frist: Cell = None,
                       vip_ueberfaellig: Cell = None) -> tuple[diagonal.Decision, datetime]:
    """The case's decision, and the moment it was made for."""
    rules = _diagonal_rules(einstellungen, {
        DS.K_SNOOZE_VENDOR: snooze_vendor, DS.K_SNOOZE_REMINDER: snooze_erinnerung,
        DS.K_INVOICE_DAYS: zahlungsfrist, DS.K_VIP_DUE: vip_frist, DS.K_VIP_OVERDUE: vip_ueberfaellig})
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


@_picks_from(_diagonal_decision, _DIAGONAL_DOCS)
def XLA_FALL_AKTION(decided: tuple[diagonal.Decision, datetime]) -> Cell:
    """Nächste Aktion eines Diagonal/Debtist-Falls laut Schritt-Tabelle."""
    decision, _ = decided
    return decision.action


@_picks_from(_diagonal_decision, _DIAGONAL_DOCS)
def XLA_FALL_SAVED_REPLY(decided: tuple[diagonal.Decision, datetime]) -> Cell:
    """Saved Reply (Nummer und Titel), die als Nächstes an den Vendor geht (leer, wenn keine)."""
    decision, _ = decided
    return decision.reply or ""


@_picks_from(_diagonal_decision, _DIAGONAL_DOCS)
def XLA_FALL_FAELLIG(decided: tuple[diagonal.Decision, datetime]) -> Cell:
    """Wann die nächste Aktion eines Diagonal/Debtist-Falls fällig ist (Datum bzw. Datum und Uhrzeit)."""
    decision, _ = decided
    if decision.due is None and decision.check:
        return decision.action
    return _excel_date(decision.due)


@_picks_from(_diagonal_decision, _DIAGONAL_DOCS)
def XLA_FALL_UEBERFAELLIG(decided: tuple[diagonal.Decision, datetime]) -> Cell:
    """Ja, wenn der Diagonal/Debtist-Fall jetzt überfällig ist, sonst Nein (leer bei abgeschlossenen Fällen)."""
    decision, now = decided
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
    return _choice(value, SS.CHOICES[header], header, "it", sol_run.match_closed_list)


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


def _ticket_decision(stato: Cell, esito: Cell = None, tentativi: Cell = None, appuntamenti_mancati: Cell = None,
                     proforma_aperti: Cell = None, motivo: Cell = None, interlocutore: Cell = None,
                     tipo_problema: Cell = None, data_pagamento: Cell = None, tipo_pagamento: Cell = None,
                     data_accordo: Cell = None, data_preblocco: Cell = None, promesse_saltate: Cell = None,
                     aggiornamento: Cell = None, data_contatto: Cell = None, oggi: Cell = None,
                     impostazioni: Cell = None, regione: Cell = None) -> sol_flow.Decision:
    cfg = _solleciti_config(impostazioni, {SS.K_REGION: regione})
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


@_picks_from(_ticket_decision, _SOLLECITI_DOCS)
def XLA_TICKET_AZIONE(decision: sol_flow.Decision) -> Cell:
    """Nächste Aktion (Azione) eines Solleciti-Tickets laut Ablaufplan, auf Italienisch."""
    return decision.action


@_picks_from(_ticket_decision, _SOLLECITI_DOCS)
def XLA_TICKET_SCADENZA(decision: sol_flow.Decision) -> Cell:
    """Fälligkeit der Aufgabe (Scadenza task) eines Solleciti-Tickets (leer, wenn keine)."""
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
    heute=_TODAY_DOC,
    einstellungen=_SHEET_DOC,
    tage_ohne_eintrag="Einstellung 'Tage ohne VPA-Eintrag' (leer = 28)",
    frist_tage="Einstellung 'Frist VPA Tage' (leer = 7)",
)
_CUSTOMER = "Kunde"


def _vpa_decision(vpa: Cell, zugewiesen_am: Cell, letzter_vpa_eintrag: Cell = None, frist_vpa: Cell = None,
                  kundenstatus: Cell = None, heute: Cell = None, einstellungen: Cell = None,
                  tage_ohne_eintrag: Cell = None, frist_tage: Cell = None) -> kundenakten.Decision:
    settings = _kundenakten_settings(einstellungen, {KS.SET_STALE_DAYS: tage_ohne_eintrag,
                                                     KS.SET_DEADLINE_DAYS: frist_tage})
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


@_picks_from(_vpa_decision, _KUNDENAKTEN_DOCS)
def XLA_VPA_AKTUELL(decision: kundenakten.Decision) -> Cell:
    """Ja, wenn die VPA-Akte aktuell ist (Eintrag in den letzten 4 Wochen), sonst Nein."""
    return decision.current or decision.step


@_picks_from(_vpa_decision, _KUNDENAKTEN_DOCS)
def XLA_VPA_SCHRITT(decision: kundenakten.Decision) -> Cell:
    """Nächster Schritt zur VPA-Akte: Vorlage senden, Frist abwarten oder nichts zu tun."""
    return decision.step


@_picks_from(_vpa_decision, _KUNDENAKTEN_DOCS)
def XLA_VPA_WIEDERVORLAGE(decision: kundenakten.Decision) -> Cell:
    """Wiedervorlage: der Tag, an dem die VPA-Akte veraltet, bzw. die an den VPA gesetzte Frist."""
    return _excel_date(decision.follow_up)



# ================================================================ what is due, as a table (every workbook)

@dataclass(frozen=True)
class _TableWords:
    overdue: str            # the overdue flag's header
    days: str               # days overdue
    row: str                # the row on the sheet
    problems: str           # what is wrong in the row (its findings)
    yes: str
    no: str
    not_a_table: str        # a range argument that is no table
    no_pandas: str


_TABLE_WORDS = {
    "de": _TableWords("Überfällig", "Tage überfällig", "Zeile", "Prüfen", DS.YES, DS.NO,
                      "{label}: bitte den Bereich des Blatts '{sheet}' mit seiner Kopfzeile angeben",
                      "pandas ist nicht installiert (pip install \"xl_addin[excel]\")"),
    "it": _TableWords("In ritardo", "Giorni di ritardo", "Riga", "Da verificare", SS.YES, SS.NO,
                      "{label}: indicare l'intervallo del foglio '{sheet}' con la riga di intestazione",
                      "pandas non è installato (pip install \"xl_addin[excel]\")"),
}
_EXCEL_CELL_LIMIT = 32_767     # characters a cell holds
_TABLE_USER = "Excel"          # who a run made for a table is (it writes nothing, so no Protokoll names it)


def _table_rows(value: Cell, label: str, sheet: str, lang: str) -> list[list[CellValue]]:
    """A sheet's range as xlwings hands it over (rows of cells, ``ndim=2``) -> the rows a run
    reads, each cell as the package reader would give it (``as_read``)."""
    if not isinstance(value, (list, tuple)) or not value or not all(isinstance(r, (list, tuple)) for r in value):
        raise _Invalid(_check(lang) + _TABLE_WORDS[lang].not_a_table.format(label=label, sheet=sheet))
    return [[as_read(v) for v in row] for row in value]


def _for_excel(value: CellValue) -> Cell:
    """A cell of the table as Excel should get it: dates as Excel dates, long text cut to a cell."""
    if isinstance(value, date):
        return V.as_excel_datetime(value)
    if isinstance(value, str) and len(value) > _EXCEL_CELL_LIMIT:
        return value[: _EXCEL_CELL_LIMIT - 1] + "…"
    return value


def _due_day(item: DueItem) -> date:
    return item.due.date() if isinstance(item.due, datetime) else item.due


def _problems(findings: Sequence[Finding]) -> str:
    text = "; ".join(f.text() for f in findings)
    return text if len(text) <= _EXCEL_CELL_LIMIT else text[: _EXCEL_CELL_LIMIT - 1] + "…"


def _due_table(kind_name: str, ranges: Mapping[str, tuple[str, Cell]], today: Cell, settings_range: Cell,
               until: Cell) -> pandas.DataFrame | str:
    """The rows of the kind's main sheet that are due by ``until`` (blank: the day of ``today``)
    or overdue, soonest first, as the kind's run and ``Kind.due`` — the list of `xl-addin due` and
    of the calendar export — see them; then the open rows the run could not compute (a finding
    on the row, no due date), then what is wrong elsewhere. ``ranges``: sheet -> (argument,
    its range or None when not given). A table nobody can read is one text, not a table."""
    kind = kind_named(kind_name)
    cols = kind.due_columns
    assert cols is not None, kind_name
    lang, words = kind.language, _TABLE_WORDS[kind.language]
    today_label, until_label = ("oggi", "fino_al") if lang == "it" else ("heute", "bis")
    now = _now(today, ZoneInfo(kind.timezone), today_label, lang)
    last_day = (_it_day(until, until_label) if lang == "it" else _day(until, until_label)) or now.date()
    sheets = {name: SheetData(name, _table_rows(value, label, name, lang))
              for name, (label, value) in ranges.items() if value is not None or name == cols.sheet}
    settings_rows = _sheet_rows(settings_range, _SETTINGS_ARGUMENT[lang], lang)
    if settings_rows:
        sheets[kind.settings_sheet] = SheetData(kind.settings_sheet, [list(r) for r in settings_rows])
    try:
        import pandas as pd  # only when a table is asked for: the UDF server starts without it
    except ImportError:
        raise _Invalid(_check(lang) + words.no_pandas) from None

    wb = WorkbookData(sheets, "Excel")
    ctx = RunContext(now, _TABLE_USER)
    plan = kind.plan_run(wb, ctx)
    items = [i for i in kind.due(wb, ctx, plan) if i.overdue or _due_day(i) <= last_day]

    on_row: dict[int, list[Finding]] = defaultdict(list)     # the main sheet's rows and their findings
    elsewhere: list[Finding] = []
    for f in plan.findings:
        row = f.row_col[0]
        if f.severity in (ERROR, WARNING) and f.sheet == cols.sheet and row >= 2:
            on_row[row].append(f)
        elif f.severity == ERROR:
            elsewhere.append(f)
    if not items and elsewhere and not on_row:                # the table itself cannot be read
        return _check(lang) + "; ".join(f.text() for f in elsewhere)

    after = wb.with_writes(plan.writes).sheet(cols.sheet)
    assert after is not None
    shown = list(dict.fromkeys([*cols.key, cols.action, *cols.details]))
    wanted = shown + ([cols.open_when[0]] if cols.open_when else [])
    cmap = sheet_columns(after, wanted, kind.read_settings(wb)[0].aliases())

    def cells(row: int) -> list[Cell]:
        return [_for_excel(after.value(row, c)) if (c := cmap.col(h)) else None for h in shown]

    def is_open(row: int) -> bool:
        if cols.open_when is None:
            return True
        header, value = cols.open_when
        col = cmap.col(header)
        return col is not None and V.norm_text(after.value(row, col)).casefold() == value.casefold()

    def days_overdue(item: DueItem) -> int:
        return (now.date() - _due_day(item)).days if item.overdue else 0

    body: list[list[Cell]] = [
        [_for_excel(i.due), words.yes if i.overdue else words.no, days_overdue(i), i.row, *cells(i.row),
         _problems(on_row.get(i.row, ()))] for i in items]
    listed = {i.row for i in items}
    body += [[None, None, None, r, *cells(r), _problems(fs)] for r, fs in sorted(on_row.items())
             if r not in listed and is_open(r) and any(f.severity == ERROR for f in fs)]
    body += [[None, None, None, None, *([None] * len(shown)), _problems([f])] for f in elsewhere]
    header = [cols.due, words.overdue, words.days, words.row, *shown, words.problems]
    return pd.DataFrame(body, columns=header, dtype=object)


_TABLE_SCALARS = frozenset({"heute", "oggi", "bis", "fino_al"})   # the others are ranges


def _table_udf(**docs: str) -> Callable[[_F], _F]:
    """Registers the decorated function as a tabular UDF: never raising; its ranges arrive as
    rows (``ndim=2``, a one-row range too) with Excel errors as text; it returns a DataFrame that
    xlwings' converter writes without its index (``@xw.ret(index=False)``): header row + rows,
    spilling in Excel 365."""
    def register(f: _F) -> _F:
        f = _never_raises(f)
        params = list(inspect.signature(f).parameters)
        if sorted(params) != sorted(docs):
            raise TypeError(f"{f.__name__}: every argument needs a description ({params} vs {list(docs)})")
        for name in params:
            table = {} if name in _TABLE_SCALARS else {"ndim": 2}
            f = registration.arg(name, doc=docs[name], err_to_str=True, **table)(f)
        f = registration.ret(index=False)(f)
        return registration.func(category=CATEGORY)(f)
    return register


_UNTIL_DOC = "Fällig bis (leer = heute; z. B. HEUTE()+7 für die nächste Woche); Überfälliges immer"


@_table_udf(
    masterliste="Bereich des Blatts Masterliste mit Kopfzeile, ab A1 (z. B. Masterliste!$A$1:$X$5000)",
    uebersicht="Bereich des Blatts Overview_Cancelled_Installments mit Kopfzeile: welche Vendoren aktiv sind",
    warten_auf_freigabe="Bereich des Blatts 'Warten auf Freigabe' ab A1 (Spalte L: Freigabe, Kündigung; leer = keiner)",
    heute=_TODAY_DOC, einstellungen=_SHEET_DOC, bis=_UNTIL_DOC)
def XLA_MAHNUNGEN_FAELLIG(masterliste: Cell, uebersicht: Cell, warten_auf_freigabe: Cell = None, heute: Cell = None,
                          einstellungen: Cell = None, bis: Cell = None) -> Cell:
    """Bestellungen, deren nächster Mahnschritt fällig oder überfällig ist, als Tabelle nach Fälligkeit."""
    return _due_table("inkasso", {IS.SHEET_MASTER: ("masterliste", masterliste),
                                  IS.SHEET_OVERVIEW: ("uebersicht", uebersicht),
                                  IS.SHEET_WAITING: ("warten_auf_freigabe", warten_auf_freigabe)},
                      heute, einstellungen, bis)


@_table_udf(
    faelle="Bereich des Blatts Fälle mit Kopfzeile, ab A1 (z. B. Fälle!$A$1:$P$2000)",
    vendoren="Bereich des Blatts Vendoren mit Kopfzeile (VIP, wo die Spalte VIP leer ist; leer = keiner)",
    heute="Jetzt (leer = jetzt, Europe/Berlin; JETZT() rechnet neu)", einstellungen=_SHEET_DOC, bis=_UNTIL_DOC)
def XLA_FAELLE_FAELLIG(faelle: Cell, vendoren: Cell = None, heute: Cell = None, einstellungen: Cell = None,
                       bis: Cell = None) -> Cell:
    """Fällige und überfällige Diagonal/Debtist-Fälle als Tabelle nach Fälligkeit, mit nächster Aktion."""
    return _due_table("diagonal", {DS.SHEET_CASES: ("faelle", faelle), DS.SHEET_VENDORS: ("vendoren", vendoren)},
                      heute, einstellungen, bis)


@_table_udf(
    ticket="Bereich des Blatts Ticket mit Kopfzeile, ab A1 (z. B. Ticket!$A$1:$Z$3000)",
    oggi="Stichtag (leer = heute, Europe/Rome; OGGI()/HEUTE() rechnet täglich neu)",
    impostazioni=("Bereich des Blatts Impostazioni (Chiave | Valore), z. B. Impostazioni!$A$1:$B$20; "
                  "leer = Standardwerte"),
    fino_al="Fällig bis (leer = heute; z. B. OGGI()+7 für die nächste Woche); Überfälliges immer")
def XLA_TICKET_IN_SCADENZA(ticket: Cell, oggi: Cell = None, impostazioni: Cell = None, fino_al: Cell = None) -> Cell:
    """Solleciti-Tickets, deren Aufgabe (Scadenza task) fällig oder überfällig ist, als Tabelle nach Fälligkeit."""
    return _due_table("solleciti", {SS.SHEET_TICKETS: ("ticket", ticket)}, oggi, impostazioni, fino_al)


@_table_udf(
    kunden="Bereich des Blatts Kunden mit Kopfzeile, ab A1 (z. B. Kunden!$A$1:$I$500)",
    eintraege="Bereich des Blatts Einträge mit Kopfzeile: die letzten VPA-Einträge und Fristen",
    heute=_TODAY_DOC, einstellungen=_SHEET_DOC, bis=_UNTIL_DOC)
def XLA_VPA_WIEDERVORLAGEN(kunden: Cell, eintraege: Cell, heute: Cell = None, einstellungen: Cell = None,
                           bis: Cell = None) -> Cell:
    """Kunden, deren Wiedervorlage zur VPA-Akte fällig oder überfällig ist, als Tabelle nach Fälligkeit."""
    return _due_table("kundenakten", {KS.SHEET_CUSTOMERS: ("kunden", kunden),
                                      KS.SHEET_ENTRIES: ("eintraege", eintraege)}, heute, einstellungen, bis)
