"""Parsing the agents' input cells (SPEC §0 "Dates", "Booleans", ids) — pure, no clock.

Every parser takes a raw cell value (None, str, int, float, bool, date, datetime — as a reader
hands it over) and returns a canonical Python value, or raises :class:`ParseError` whose text
is a German one-liner the caller prefixes with sheet, cell and column (``e.text("it")`` the
Italian one). Nothing is guessed: a value that could mean two things is an error with a
suggestion, never a silent choice.
"""
from __future__ import annotations

import contextlib
import difflib
import functools
import math
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TypeGuard, TypeVar

from .cells import EPOCH_1900, PHANTOM_LEAP_DAY_SERIAL

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "ParseError",
    "as_excel_datetime",
    "choice_matcher",
    "display",
    "format_date_csv",
    "format_date_de",
    "from_excel_datetime",
    "id_for_output",
    "is_blank",
    "match_choice",
    "nearest_choice",
    "norm_key",
    "norm_text",
    "parse_amount",
    "parse_bool",
    "parse_date",
    "parse_id",
    "parse_int",
    "shortened",
]


class ParseError(ValueError):
    """``str(e)`` is a German text describing what is wrong, e.g.
    ``'32.13.2026' ist kein Datum (erwartet TT.MM.JJJJ)``; ``e.text("it")`` the same in another
    language (the German one when none was given); ``.suggestion`` is what would be right
    ('' if nothing sensible can be proposed)."""

    def __init__(self, message: str, suggestion: str = "", texts: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.suggestion = suggestion
        self.texts = texts or {}

    def text(self, lang: str = "de") -> str:
        return self.texts.get(lang) or str(self)


_BOOL_HELP = "erlaubt: ja/nein, wahr/falsch, true/false, x/leer, 1/0, sì/no"

# What the parsers below say, per language; {value} is the cell as quoted in that language.
_MESSAGES: dict[str, dict[str, str]] = {
    "date": {"de": "'{value}' ist kein Datum (erwartet TT.MM.JJJJ)",
             "it": "'{value}' non è una data (atteso GG.MM.AAAA)"},
    "date_serial_range": {"de": "'{value}' ist kein Datum (Excel-Datumszahl außerhalb des gültigen Bereichs)",
                          "it": "'{value}' non è una data (numero di data Excel fuori dall'intervallo valido)"},
    "date_out_of_range": {"de": "'{value}' ist kein verwendbares Datum (außerhalb des gültigen Bereichs "
                                 "01.01.1900–31.12.9899: Excel kennt keine Tage davor, und Fristen daraus lägen hinter "
                                 "seinem letzten Tag)",
                          "it": "'{value}' non è una data utilizzabile (fuori dall'intervallo valido "
                                "01/01/1900–31/12/9899: Excel non conosce giorni precedenti, e le scadenze calcolate "
                                "andrebbero oltre il suo ultimo giorno)"},
    "date_time_only": {"de": "'{value}' ist kein Datum (nur eine Uhrzeit; erwartet TT.MM.JJJJ HH:MM)",
                       "it": "'{value}' non è una data (solo un'ora; atteso GG.MM.AAAA HH:MM)"},
    "date_serial_60": {"de": "'{value}' ist kein Datum (Excel-Datumszahl 60 ist der 29.02.1900, den es nicht gab)",
                       "it": "'{value}' non è una data (il numero di data Excel 60 è il 29/02/1900, che non è "
                             "esistito)"},
    "date_number_text": {"de": "'{value}' ist kein Datum (Zahl als Text; erwartet TT.MM.JJJJ)",
                         "it": "'{value}' non è una data (numero come testo; atteso GG.MM.AAAA)"},
    "bool": {"de": "'{value}' ist kein Ja/Nein-Wert (" + _BOOL_HELP + ")",
             "it": "'{value}' non è un valore sì/no (ammessi: sì/no, vero/falso, true/false, x/vuoto, 1/0, "
                   "ja/nein)"},
    "id": {"de": "'{value}' ist keine gültige ID", "it": "'{value}' non è un identificativo valido"},
    "id_fraction": {"de": "'{value}' ist keine gültige ID (keine ganze Zahl)",
                    "it": "'{value}' non è un identificativo valido (non è un numero intero)"},
    "id_blanks": {"de": "'{value}' ist keine gültige ID (enthält Leerzeichen)",
                  "it": "'{value}' non è un identificativo valido (contiene spazi)"},
    "id_excel_error": {"de": "'{value}' ist ein Fehlerwert von Excel, keine ID",
                       "it": "'{value}' è un valore di errore di Excel, non un identificativo"},
    "int": {"de": "'{value}' ist keine ganze Zahl", "it": "'{value}' non è un numero intero"},
    "amount": {"de": "'{value}' ist kein Betrag", "it": "'{value}' non è un importo"},
    "amount_expected": {"de": "'{value}' ist kein Betrag (erwartet z. B. 1.234,56)",
                        "it": "'{value}' non è un importo (atteso p. es. 1.234,56)"},
    "amount_ambiguous": {"de": "'{value}' ist kein Betrag (mehrdeutig: Tausender- oder Dezimaltrennzeichen?)",
                         "it": "'{value}' non è un importo (ambiguo: separatore delle migliaia o dei decimali?)"},
}


def _error(message: str, value: object, suggestion: str = "", quoted: str | None = None) -> ParseError:
    """ParseError ``message`` (a key of _MESSAGES) about ``value``, in every language."""
    texts = {lang: template.format(value=display(value, lang) if quoted is None else quoted)
             for lang, template in _MESSAGES[message].items()}
    return ParseError(texts["de"], suggestion, texts)


# --------------------------------------------------------------------------- text helpers

def is_blank(value: object) -> bool:
    """None, "" or a text of blanks only (NBSP and line breaks count as blanks)."""
    return value is None or (isinstance(value, str) and not value.strip())


# The parsers below start with fast paths for the exact types a reader hands over (str, int,
# float, bool, date, datetime); anything else (subclasses included) takes the general path.
# tests/core/test_values_fastpaths.py checks them against the plain versions.


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def norm_text(value: object) -> str:
    """Text of a cell as an agent reads it: stripped, inner blank runs collapsed to one space,
    whole floats without ".0" (12.0 -> "12"); "" for blank."""
    if type(value) is str:
        return " ".join(value.split())     # a blank text splits into nothing: ""
    if is_blank(value):
        return ""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def norm_key(value: object) -> str:
    """norm_text + casefold: the form used for matching."""
    return norm_text(value).casefold()


def display(value: object, lang: str = "de") -> str:
    """How a value is quoted in a message: dates and bools as Excel shows them in the language
    ("de": 31.01.2026, WAHR; "it": 31/01/2026, VERO)."""
    if isinstance(value, bool):
        if lang == "it":
            return "VERO" if value else "FALSO"
        return "WAHR" if value else "FALSCH"
    if isinstance(value, (date, datetime)):
        text = format_date_de(value)
        return text.replace(".", "/") if lang == "it" else text
    return shortened(norm_text(value), lang)


QUOTE_LIMIT = 200      # characters of a cell value a message quotes (a message is one line, a cell ≤ 32,767)


def shortened(text: str, lang: str = "de") -> str:
    """``text`` as a message quotes it: at most QUOTE_LIMIT characters, then how long it was."""
    if len(text) <= QUOTE_LIMIT:
        return text
    chars = "caratteri" if lang == "it" else "Zeichen"
    return f"{text[:QUOTE_LIMIT]}… ({len(text):,} {chars})".replace(",", ".")


# --------------------------------------------------------------------------- dates

# Excel serial numbers are read here and made in core.cells (excel_serial).
_EPOCH = EPOCH_1900
_D = TypeVar("_D", date, datetime)
_FAKE_LEAP_SERIAL = PHANTOM_LEAP_DAY_SERIAL
_MAX_SERIAL = 2958466  # 01.01.10000, exclusive
# The years a date cell may hold: Excel knows no day before 1900 (a deadline computed from one
# cannot be written), and every deadline the kinds compute from a date (durations of at most
# settings.MAX_DAYS, the next month's run day) must still be a day Excel and Python know
# (31.12.9999). A date in the years 9900–9999 is a typo or a placeholder, never a dunning date.
FIRST_YEAR = 1900
LAST_YEAR = 9899

_DE_DATE = re.compile(
    r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4}|\d{2})"
    r"(?:\s+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
)
_ISO_DATE = re.compile(
    r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:(?:T|\s+)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d{1,6})?)?)?"
)
_SLASH_DATE = re.compile(r"(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4}|\d{2})")
_NUMERIC_TEXT = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def _not_a_date(value: object, suggestion: str = "", why: str = "date") -> ParseError:
    return _error(why, value, suggestion)


def _year(text: str) -> int:
    return 2000 + int(text) if len(text) == 2 else int(text)


def _build(raw: str, y: int, m: int, d: int, hh: str | None, mm: str | None,
           ss: str | None) -> date | datetime:
    try:
        day = date(y, m, d)
    except ValueError:
        raise _not_a_date(raw) from None
    _usable(day, raw)
    if hh is None:
        return day
    h, mi, s = int(hh), int(mm or 0), int(ss or 0)
    if h > 23 or mi > 59 or s > 59:
        raise _not_a_date(raw)
    return datetime(day.year, day.month, day.day, h, mi, s)


def _from_serial(value: float) -> date | datetime:
    if not math.isfinite(value) or not (1 <= value < _MAX_SERIAL):
        raise _not_a_date(value, why="date_serial_range")
    if _FAKE_LEAP_SERIAL <= value < _FAKE_LEAP_SERIAL + 1:
        raise _not_a_date(value, why="date_serial_60")
    days = value if value > _FAKE_LEAP_SERIAL else value + 1
    if float(value).is_integer():
        return _usable((_EPOCH + timedelta(days=int(days))).date(), value)
    whole = math.floor(days)
    seconds = round((days - whole) * 86400)
    try:                      # 2958465.9999999 rounds up to 01.01.10000, a day Python does not know
        result = _EPOCH + timedelta(days=whole, seconds=seconds)
    except OverflowError:
        raise _not_a_date(value, why="date_out_of_range") from None
    return _usable(result, value)


def _usable(d: _D, raw: object) -> _D:
    """``d`` unless it lies outside FIRST_YEAR–LAST_YEAR (ParseError naming ``raw``)."""
    if not FIRST_YEAR <= d.year <= LAST_YEAR:
        # Excel and xlwings hand a bare time of day over as that time on 30.12.1899
        time_only = isinstance(d, datetime) and d.date() == _EPOCH.date()
        raise _not_a_date(raw, why="date_time_only" if time_only else "date_out_of_range")
    return d


def _parse_date_text(raw: str) -> date | datetime:
    text = " ".join(raw.split())
    m = _DE_DATE.fullmatch(text)
    if m:
        return _build(raw, _year(m["y"]), int(m["m"]), int(m["d"]), m["H"], m["M"], m["S"])
    m = _ISO_DATE.fullmatch(text)
    if m:
        return _build(raw, int(m["y"]), int(m["m"]), int(m["d"]), m["H"], m["M"], m["S"])
    m = _SLASH_DATE.fullmatch(text)
    if m:
        # US (MM/DD) or British (DD/MM)? Suggest the one reading that is a real date; never
        # take it silently.
        a, b, y = int(m["a"]), int(m["b"]), _year(m["y"])
        readings = set()
        for month, day in ((a, b), (b, a)):
            with contextlib.suppress(ValueError):
                readings.add(date(y, month, day))
        suggestion = format_date_de(readings.pop()) if len(readings) == 1 else ""
        raise _not_a_date(raw, suggestion)
    if _NUMERIC_TEXT.fullmatch(text):
        raise _not_a_date(raw, why="date_number_text")
    raise _not_a_date(raw)


def parse_date(value: object) -> date | datetime | None:
    """A date cell: blank -> None; a date stays a date, a datetime a datetime (tzinfo
    dropped); Excel serials (whole -> date, with fraction -> datetime to the second); German
    text (31.01.2026, 31.1.26, optional " HH:MM[:SS]") and ISO text (2026-01-31[ T]HH:MM[:SS]).
    Anything else raises ParseError."""
    if type(value) is date:
        return value if FIRST_YEAR <= value.year <= LAST_YEAR else _usable(value, value)
    if type(value) is datetime:
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            _usable(value, value)
        return value.replace(tzinfo=None) if value.tzinfo is not None else value
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return _usable(value.replace(tzinfo=None), value)
    if isinstance(value, date):
        return _usable(value, value)
    if isinstance(value, bool):
        raise _not_a_date(value)
    if isinstance(value, (int, float)):
        return _from_serial(value)
    if isinstance(value, str):
        return _parse_date_text(value.strip())
    raise _not_a_date(value)


def from_excel_datetime(value: datetime) -> date | datetime:
    """A datetime as Excel hands it over (xlwings), as the file reader gives it: its wall clock
    (a time zone dropped), and a plain date when it is midnight."""
    value = value.replace(tzinfo=None)
    return value.date() if value.time() == datetime.min.time() else value


def as_excel_datetime(d: date | datetime) -> datetime:
    """What Excel stores for a date: a datetime, midnight for a plain date."""
    return d if isinstance(d, datetime) else datetime(d.year, d.month, d.day)


def _as_date(d: object) -> date | datetime | None:
    if isinstance(d, (date, datetime)):
        return d
    return parse_date(d)


def format_date_csv(d: object) -> str:
    """MM/DD/YYYY, zero padded ("01/31/2020"); "" for blank."""
    d = _as_date(d)
    if d is None:
        return ""
    return f"{d.month:02d}/{d.day:02d}/{d.year:04d}"


def format_date_de(d: object) -> str:
    """TT.MM.JJJJ; a datetime as TT.MM.JJJJ HH:MM; "" for blank."""
    d = _as_date(d)
    if d is None:
        return ""
    text = f"{d.day:02d}.{d.month:02d}.{d.year:04d}"
    if isinstance(d, datetime):
        text += f" {d.hour:02d}:{d.minute:02d}"
    return text


# --------------------------------------------------------------------------- booleans

_TRUE_WORDS = ("ja", "j", "wahr", "true", "yes", "x", "sì", "si", "1", "✓", "✔")
_FALSE_WORDS = ("nein", "n", "falsch", "false", "no", "0")
_BOOL_WORDS = {w: True for w in _TRUE_WORDS} | {w: False for w in _FALSE_WORDS}


def parse_bool(value: object) -> bool | None:
    """A yes/no cell: blank -> None; TRUE/FALSE, 1/0, ja/nein, j/n, wahr/falsch, true/false,
    yes/no, x, sì/si/no, ✓ (case-insensitive)."""
    if value is True or value is False:
        return value
    if type(value) is str:
        hit = _BOOL_WORDS.get(" ".join(value.split()).casefold())
        if hit is not None:
            return hit
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    if _is_number(value):
        if value == 1:
            return True
        if value == 0:
            return False
    elif isinstance(value, str):
        word = norm_key(value)
        if word in _BOOL_WORDS:
            return _BOOL_WORDS[word]
        if word in ("1.0", "0.0", "1,0", "0,0"):
            return word.startswith("1")
        suggestion = nearest_choice(word, [w for w in _BOOL_WORDS if len(w) > 2])
        raise _error("bool", value, suggestion)
    raise _error("bool", value)


# --------------------------------------------------------------------------- ids and numbers

_ID_FLOAT_TEXT = re.compile(r"(\d+)\.0*")
_ID_SCI_TEXT = re.compile(r"[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+")


def parse_id(value: object) -> str | None:
    """An order/user id: blank -> None; 10000001 / 10000001.0 / "10000001.0" /
    "1.0000001E+07" -> "10000001"; other text is kept as typed ("00123" keeps its zeros)."""
    if type(value) is int:
        return str(value)
    if type(value) is float and value.is_integer():          # False for inf/nan
        return str(int(value))
    if type(value) is str and value.isdigit() and value.isascii():
        return value                                          # digits as typed ("00123" too)
    if is_blank(value):
        return None
    if isinstance(value, (bool, date, datetime)):
        raise _error("id", value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        raise _error("id_fraction", value)
    if not isinstance(value, str):
        raise _error("id", value)
    text = value.strip()
    if any(ch.isspace() for ch in text):
        raise _error("id_blanks", value, "".join(text.split()), quoted=text)
    if text.startswith("#"):
        from .com_values import EXCEL_ERROR_TEXTS  # (it imports this module)
        if text in EXCEL_ERROR_TEXTS:               # #N/A, #REF! …: what a cell shows for a broken formula
            raise _error("id_excel_error", value, quoted=text)
    m = _ID_FLOAT_TEXT.fullmatch(text)
    if m:
        return m[1]
    if _ID_SCI_TEXT.fullmatch(text):
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:  # pragma: no cover - regex guarantees a number
            raise _error("id", value, quoted=text) from None
        if number == number.to_integral_value() and abs(number) < Decimal(10) ** 30:
            return str(int(number))
        raise _error("id_fraction", value, quoted=text)
    return text


def id_for_output(canonical_id: str) -> int | str:
    """"10000001" -> 10000001 (a number in the CSV/cell); "00123", "A-17" stay text."""
    if canonical_id.isascii() and canonical_id.isdigit() and (
            canonical_id == "0" or not canonical_id.startswith("0")):
        return int(canonical_id)
    return canonical_id


_INT_TEXT = re.compile(r"([+-]?\d+)(?:[.,]0*)?")


def parse_int(value: object) -> int | None:
    """A count (e.g. Tentativi): 3, 3.0, "3" -> 3; 2.5, "abc", TRUE -> ParseError."""
    if is_blank(value):
        return None
    if _is_number(value):
        if isinstance(value, int):
            return value
        if math.isfinite(value) and value.is_integer():
            return int(value)
    elif isinstance(value, str):
        m = _INT_TEXT.fullmatch(value.strip())
        if m:
            return int(m[1])
    raise _error("int", value)


_CURRENCY = re.compile(r"^(?:€|eur|euro)\s*|\s*(?:€|eur|euro)$", re.IGNORECASE)
_AMOUNT_CHARS = re.compile(r"[+-]?\d[\d.,' ]*")
_THOUSANDS = re.compile(r"\d{1,3}(?:[.,' ]\d{3})*")


def _not_an_amount(raw: str, why: str = "amount_expected") -> ParseError:
    return _error(why, raw, quoted=raw)


def parse_amount(value: object) -> float | None:
    """An amount: 12.5, "12,50", "1.234,56 €", "12.50", "1,234.56" -> float.
    Text that reads two ways ("1.234": 1234 or 1,234?) is an error, not a guess."""
    if is_blank(value):
        return None
    if _is_number(value):
        if math.isfinite(value):
            return float(value)
        raise _error("amount", value)
    if not isinstance(value, str):
        raise _error("amount", value)
    raw = " ".join(value.split())
    text = _CURRENCY.sub("", raw).strip()
    if not _AMOUNT_CHARS.fullmatch(text) or not text[-1].isdigit():
        raise _not_an_amount(raw)
    sign = -1.0 if text.startswith("-") else 1.0
    digits = text.lstrip("+-")
    marks = [ch for ch in digits if ch in ".,"]
    decimal_sep = ""
    if marks:
        last = marks[-1]
        head, _, tail = digits.rpartition(last)
        if marks.count(last) == 1 and (len(set(marks)) == 2 or len(tail) != 3
                                       or head.strip("0' ") == ""):
            decimal_sep = last      # 1.234,56 / 12,50 / 12.5 / 0,500
        elif len(set(marks)) == 1 and marks.count(last) == 1:
            raise _not_an_amount(raw, "amount_ambiguous")
    whole, frac = (digits.rpartition(decimal_sep)[::2] if decimal_sep else (digits, ""))
    if any(ch in ".,' " for ch in whole) and not _THOUSANDS.fullmatch(whole):
        raise _not_an_amount(raw)
    if len({ch for ch in whole if ch in ".,' "}) > 1 or (not frac.isdigit() and frac):
        raise _not_an_amount(raw)
    whole = re.sub(r"[.,' ]", "", whole)
    return sign * float(f"{whole}.{frac or 0}")


# --------------------------------------------------------------------------- choices

def match_choice(value: object, choices: Sequence[str]) -> str | None:
    """The canonical spelling from ``choices`` that ``value`` equals ignoring case,
    surrounding blanks (NBSP included) and repeated inner spaces; else None."""
    key = norm_key(value)
    if not key:
        return None
    options = tuple(choices)
    try:
        return _choice_index(options).get(key)
    except TypeError:                      # unhashable choices: compare one by one
        for choice in options:
            if norm_key(choice) == key:
                return choice
        return None


def choice_matcher(choices: Sequence[str]) -> Callable[[object], str | None]:
    """``match_choice`` with ``choices`` fixed, for a loop over many cells: the same answer for
    every value, without building the choices' index for each cell."""
    options = tuple(choices)
    index = _choice_index(options).get
    seen: dict[str, str | None] = {}        # text -> its answer (a column holds the same few texts)

    def match(value: object) -> str | None:
        if type(value) is str:
            if value in seen:
                return seen[value]
            key = " ".join(value.split()).casefold()
            answer = index(key) if key else None
            if len(seen) < 4096:
                seen[value] = answer
            return answer
        return match_choice(value, options)

    return match


@functools.lru_cache(maxsize=256)
def _choice_index(choices: tuple[str, ...]) -> dict[str, str]:
    """norm_key -> the first choice with that key (what match_choice's loop would return)."""
    index: dict[str, str] = {}
    for choice in choices:
        index.setdefault(norm_key(choice), choice)
    return index


def nearest_choice(value: object, choices: Sequence[str]) -> str:
    """Best suggestion for a misspelt value ('cancelled' -> 'canceled'); '' if none is close."""
    key = norm_key(value)
    if not key or not choices:
        return ""
    exact = match_choice(key, choices)
    if exact is not None:
        return exact
    by_key: dict[str, str] = {}
    for choice in choices:
        by_key.setdefault(norm_key(choice), choice)
    close = difflib.get_close_matches(key, list(by_key), n=1, cutoff=0.75)
    if not close:
        close = difflib.get_close_matches(key, list(by_key), n=1, cutoff=0.6)
        # a looser match is only offered for values long enough to carry meaning
        if close and len(key) < 4:
            close = []
    if close:
        return by_key[close[0]]
    # a clear abbreviation: 'sent' -> 'sent_for_collection'
    if len(key) >= 3:
        starts = [c for k, c in by_key.items() if k.startswith(key)]
        if len(starts) == 1:
            return starts[0]
    return ""
