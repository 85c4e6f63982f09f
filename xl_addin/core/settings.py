"""The settings sheet (SPEC §0 "Settings sheet"): two columns ``Schlüssel`` | ``Wert``.

Every duration, role name, colour, holiday region and alias is read from it; a key that is
absent or blank takes its default; a value that cannot be read is a warning and the default
is used. Settings is a cheap immutable object; nothing is cached globally.
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TypeVar

from .calendar import normalize_region
from .catalog import SETTING_EXPECTED, Core
from .cells import address
from .findings import Finding
from .headers import locate_columns, norm_header
from .values import ParseError, display, is_blank, norm_key, norm_text, parse_amount, parse_bool
from .workbook_data import SheetData

__all__ = ["ALIAS_PREFIX", "KINDS", "SettingSpec", "Settings", "parse_setting"]

KINDS = ("int", "float", "str", "colour", "region", "hours", "days", "bool", "list")
ALIAS_PREFIX = "Alias "

KEY_HEADER = "Schlüssel"
VALUE_HEADER = "Wert"
DESCRIPTION_HEADER = "Beschreibung"
_HEADER_ALIASES = {
    KEY_HEADER: ["Schluessel", "Chiave", "Key"],
    VALUE_HEADER: ["Valore", "Value"],
    DESCRIPTION_HEADER: ["Descrizione", "Description"],
}


@dataclass(frozen=True)
class SettingSpec:
    key: str            # e.g. "Tage bis 2. Mahnung"
    default: object
    kind: str           # one of KINDS
    description: str    # German one-liner for the template's Beschreibung column


# --------------------------------------------------------------------------- value parsing

_HOUR_UNITS = {"h", "std", "std.", "stunde", "stunden", "ore", "ora", "hour", "hours"}
_DAY_UNITS = {"d", "t", "tag", "tage", "tagen", "giorno", "giorni", "gg", "day", "days"}
_NUMBER_WITH_UNIT = re.compile(r"(?P<num>[+-]?\d+(?:[.,]\d+)?)\s*(?P<unit>[^\d\s].*)?")
_HEX_COLOUR = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{8})")


MAX_DAYS = 3650          # the longest duration a setting may give (ten years)


def _whole(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


def _duration(value: object, kind: str) -> int | float:
    """A non-negative number, text may carry a unit ("48 h", "7 Tage"); for hours a day unit
    converts (2 Tage -> 48), for days an hour unit converts (48 h -> 2). int and days are
    whole numbers; hours may be fractional (1,5 h)."""
    if isinstance(value, bool):
        raise ParseError(f"'{display(value)}' ist keine Zahl")
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        m = _NUMBER_WITH_UNIT.fullmatch(norm_text(value))
        if not m:
            raise ParseError(f"'{norm_text(value)}' ist keine Zahl")
        number = float(m["num"].replace(",", "."))
        unit = (m["unit"] or "").strip().casefold()
        if unit in _HOUR_UNITS:
            if kind == "days":
                number /= 24
        elif unit in _DAY_UNITS:
            if kind == "hours":
                number *= 24
        elif unit:
            raise ParseError(f"'{norm_text(value)}': Einheit '{m['unit']}' unbekannt (h oder Tage)")
    else:
        raise ParseError(f"'{display(value)}' ist keine Zahl")
    if not math.isfinite(number) or number < 0:
        raise ParseError(f"'{display(value)}' ist keine Zahl ≥ 0")
    if kind in ("hours", "days") and number > (MAX_DAYS * 24 if kind == "hours" else MAX_DAYS):
        # deadlines are dates: ten years is more than any timer needs and keeps every date the
        # kinds compute inside Excel's calendar (see values.LAST_YEAR)
        raise ParseError(f"'{display(value)}' ist zu lang (höchstens {MAX_DAYS} Tage)")
    if kind in ("int", "days"):
        # days are added to dates: a fraction would be dropped silently, so it is refused
        if not number.is_integer():
            what = "ganze Zahl" if kind == "int" else "ganze Zahl von Tagen"
            raise ParseError(f"'{display(value)}' ist keine {what}")
        return int(number)
    return _whole(number)


def _colour(value: object) -> str:
    text = norm_text(value)
    m = _HEX_COLOUR.fullmatch(text)
    # a number cell is only a colour when it reads as exactly six hex digits (112233)
    if not m or (not isinstance(value, str) and len(text) != 6):
        raise ParseError(f"'{display(value)}' ist keine Farbe (erwartet RRGGBB, z. B. FFFF00)")
    return m[1][-6:].upper()


def _split_list(value: object) -> list[str]:
    return [item.strip() for item in re.split(r"[;,]", norm_text(value)) if item.strip()]


def parse_setting(value: object, kind: str) -> object:
    """Typed value of one non-blank Wert cell; ParseError (German) when it does not fit."""
    if kind in ("int", "hours", "days"):
        return _duration(value, kind)
    if kind == "float":
        number = parse_amount(value)
        return _whole(number) if number is not None else None
    if kind == "str":
        return norm_text(value)
    if kind == "colour":
        return _colour(value)
    if kind == "region":
        try:
            return normalize_region(norm_text(value))
        except ValueError as e:
            raise ParseError(str(e)) from None
    if kind == "bool":
        return parse_bool(value)
    if kind == "list":
        return _split_list(value)
    raise ValueError(f"unknown setting kind {kind!r}")


def _frozen(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


def _thawed(value: object) -> object:
    return list(value) if isinstance(value, tuple) else value


# --------------------------------------------------------------------------- Settings

class Settings:
    """Typed settings: ``settings["Tage bis 2. Mahnung"]`` -> 14."""

    __slots__ = ("_aliases", "_extra", "_specs", "_values", "sheet_name")

    def __init__(self, specs: Sequence[SettingSpec], values: Mapping[str, object] | None = None,
                 extra: Mapping[str, str] | None = None,
                 aliases: Mapping[str, Sequence[str]] | None = None,
                 sheet_name: str = "Einstellungen") -> None:
        self._specs = MappingProxyType({norm_key(s.key): s for s in specs})
        vals = {norm_key(s.key): _frozen(s.default) for s in specs}
        vals.update({norm_key(k): _frozen(v) for k, v in (values or {}).items()})
        self._values = MappingProxyType(vals)
        self._extra = MappingProxyType({norm_key(k): v for k, v in (extra or {}).items()})
        self._aliases = MappingProxyType({k: tuple(v) for k, v in (aliases or {}).items()})
        self.sheet_name = sheet_name

    def __setattr__(self, name: str, value: object) -> None:
        if hasattr(self, "sheet_name"):
            raise AttributeError("Settings is immutable")
        object.__setattr__(self, name, value)

    @classmethod
    def defaults(cls, specs: Sequence[SettingSpec]) -> Settings:
        return cls(specs)

    @classmethod
    def from_sheet(cls, sheet: SheetData | None, specs: Sequence[SettingSpec],
                   sheet_name: str = "Einstellungen", lang: str = "de",
                   columns: Mapping[str, Sequence[str]] | None = None) -> tuple[Settings, list[Finding]]:
        """Read the settings sheet; sheet None -> all defaults and no findings (in ``lang``).

        ``columns`` (sheet -> the headers the kind knows on it) guards the aliases: an alias may
        never name another known column of a sheet its column is on (``Alias support_comment =
        Notizen`` would export the internal notes) — such a name is reported and ignored."""
        if sheet is None:
            return cls(specs, sheet_name=sheet_name), []
        name = sheet.name or sheet_name
        findings: list[Finding] = []
        header = sheet.rows[0] if sheet.rows else []
        cmap = locate_columns(name, header, [KEY_HEADER, VALUE_HEADER], _HEADER_ALIASES)
        key_col, value_col = cmap.col(KEY_HEADER), cmap.col(VALUE_HEADER)
        if key_col is None or value_col is None:
            findings.append(Core.SETTINGS_HEADER_MISSING.at(name, lang=lang))
            return cls(specs, sheet_name=name), findings

        spec_by_key = {norm_key(s.key): s for s in specs}
        values: dict[str, object] = {}
        extra: dict[str, str] = {}
        aliases: dict[str, list[str]] = {}
        seen: dict[str, int] = {}
        for row in range(2, sheet.max_row + 1):
            raw_key = sheet.value(row, key_col)
            if is_blank(raw_key):
                continue
            key_text = norm_text(raw_key)
            key = norm_key(raw_key)
            raw_value = sheet.value(row, value_col)
            cell = address(row, value_col)
            if key in seen:
                findings.append(Core.SETTINGS_DUPLICATE.at(name, address(row, key_col), lang=lang,
                                                           setting=key_text, first_row=seen[key]))
                continue
            seen[key] = row
            if key.startswith(ALIAS_PREFIX.casefold()):
                canonical = key_text[len(ALIAS_PREFIX):].strip()
                names = [n.strip() for n in norm_text(raw_value).split(";") if n.strip()]
                for alias, other_sheet in _foreign_aliases(canonical, names, columns or {}):
                    findings.append(Core.SETTINGS_ALIAS_COLUMN.at(name, cell, lang=lang, header=canonical,
                                                                  alias=alias, sheet=other_sheet))
                    names.remove(alias)
                if canonical and names:
                    aliases[canonical] = names
                continue
            spec = spec_by_key.get(key)
            if spec is None:
                extra[key] = norm_text(raw_value)
                continue
            if is_blank(raw_value):
                continue
            try:
                values[key] = parse_setting(raw_value, spec.kind)
            except ParseError as e:
                expected = SETTING_EXPECTED.get(lang, {}).get(spec.kind, "")
                findings.append(Core.SETTINGS_INVALID.at(
                    name, cell, lang=lang, setting=spec.key, typed_setting=key_text, value=display(raw_value, lang),
                    reason=e.text(lang), expected=f" ({expected})" if expected else "",
                    default=display(_cell_value(spec), lang), suggestion=e.suggestion))
        return cls(specs, values, extra, aliases, sheet_name=name), findings

    def _lookup(self, key: str) -> object:
        k = norm_key(key)
        if k in self._values:
            return _thawed(self._values[k])
        if k in self._extra:
            return self._extra[k]
        raise KeyError(key)

    def get(self, key: str) -> object:
        """Typed value (the default when the sheet does not set it); KeyError for a key that
        is neither specified nor on the sheet."""
        return self._lookup(key)

    def __getitem__(self, key: str) -> object:
        return self._lookup(key)

    # Typed reads for a kind's settings view (``InkassoSettings.from_settings`` & co.): the value
    # is what its SettingSpec kind parses to; a TypeError means a spec and its reader disagree.

    def whole(self, key: str) -> int:
        """An "int" or "days" setting."""
        return _typed(key, self._lookup(key), int)

    def number(self, key: str) -> int | float:
        """An "hours" or "float" setting (whole numbers stay ints)."""
        value = self._lookup(key)
        return value if isinstance(value, float) else _typed(key, value, int)

    def text(self, key: str) -> str:
        """A "str", "colour" or "region" setting."""
        return _typed(key, self._lookup(key), str)

    def flag(self, key: str) -> bool:
        """A "bool" setting."""
        return _typed(key, self._lookup(key), bool)

    def texts(self, key: str) -> tuple[str, ...]:
        """A "list" setting."""
        return tuple(_typed(key, item, str) for item in _typed(key, self._lookup(key), list))

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and (norm_key(key) in self._values or norm_key(key) in self._extra)

    def aliases(self) -> dict[str, list[str]]:
        """``Alias <canonical header>`` rows: canonical header -> alternative header texts."""
        return {k: list(v) for k, v in self._aliases.items()}

    def template_rows(self) -> list[list]:
        """Rows of a fresh settings sheet: header, then one row per spec with its default."""
        rows: list[list] = [[KEY_HEADER, VALUE_HEADER, DESCRIPTION_HEADER]]
        for spec in self._specs.values():
            rows.append([spec.key, _cell_value(spec), spec.description])
        return rows

    def __repr__(self) -> str:
        return f"Settings({dict(self._values)!r})"

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Settings) and dict(self._values) == dict(other._values)
                and dict(self._extra) == dict(other._extra) and dict(self._aliases) == dict(other._aliases))
    # defining __eq__ without __hash__ leaves Settings unhashable, as a mutable-looking mapping should be


_T = TypeVar("_T")


def _foreign_aliases(canonical: str, names: Sequence[str],
                     columns: Mapping[str, Sequence[str]]) -> list[tuple[str, str]]:
    """(alias, sheet) for each of ``names`` that is the header of another known column of a
    sheet ``canonical`` is a column of (header matching: case and blanks ignored)."""
    want = norm_header(canonical)
    out: list[tuple[str, str]] = []
    for alias in names:
        key = norm_header(alias)
        if key == want:
            continue
        sheet = next((s for s, headers in columns.items()
                      if want in {norm_header(h) for h in headers} and key in {norm_header(h) for h in headers}), None)
        if sheet is not None:
            out.append((alias, sheet))
    return out


def _typed(key: str, value: object, kind: type[_T]) -> _T:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise TypeError(f"setting {key!r} is {value!r}, not {kind.__name__}")
    return value


def _cell_value(spec: SettingSpec) -> object:
    """The default as an agent would type it into the Wert cell."""
    value = spec.default
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "ja" if value else "nein"
    return value
