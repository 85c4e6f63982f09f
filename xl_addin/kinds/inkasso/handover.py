"""The Diagonal hand-over CSV of the "Inkasso - Cancelled Installments" workbook (SPEC §2, "The
Diagonal CSV"), one file per vendor; and the Masterliste reading the status list shares.

Pure: tables + settings in, bytes + findings out; ``xl_addin.actions`` writes the files.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Collection, Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from ...core.catalog import Core
from ...core.cellreader import as_day
from ...core.cells import address
from ...core.findings import ERROR, Code, Finding
from ...core.headers import ColumnMap, header_findings
from ...core.settings import Settings
from ...core.tables import sheet_columns
from ...core.values import (
    ParseError,
    display,
    format_date_csv,
    format_date_de,
    id_for_output,
    is_blank,
    match_choice,
    nearest_choice,
    parse_bool,
    parse_date,
    parse_id,
)
from ...core.workbook_data import SheetData, WorkbookData
from .findings import Inkasso as INK
from .schema import (
    DEBT_STATUSES,
    DEBT_TO_STATE,
    INCASSO_STATES,
    M_DEBT_STATUS,
    M_FIRST_LETTER,
    M_INCASSO_DATE,
    M_INCASSO_STATE,
    M_INVALID_ADDRESS,
    M_NOTES,
    M_OFFER_LINK,
    M_ORDER_ID,
    M_REOPENED,
    M_REOPENED_ID,
    M_SECOND_LETTER,
    M_STATUS_SUPPORT,
    M_SUPPORT_COMMENT,
    M_VENDOR_ID,
    SETTINGS,
    SHEET_MASTER,
    SHEET_SETTINGS,
    STATE_BLOCKED,
    STATE_CANCELED,
    STATE_ON_HOLD,
    STATE_SENT,
)

__all__ = [
    "CSV_COLUMNS",
    "CSV_TEXT_COLUMNS",
    "PARSED_COLUMNS",
    "CsvExport",
    "ParsedRow",
    "build_all_vendor_csvs",
    "build_vendor_csv",
    "clean_comment",
    "export_findings",
    "export_findings_parsed",
    "formula_id",
    "guard_formula",
    "vendors_with_orders",
]

# --------------------------------------------------------------------------- constants

# The CSV's columns in SPEC order; the Masterliste headers carry the same (lower-case) names,
# so these strings are both the CSV header and the headers looked up in the Masterliste.
CSV_COLUMNS: list[str] = [
    M_VENDOR_ID, M_ORDER_ID, M_FIRST_LETTER, M_SECOND_LETTER, M_INCASSO_DATE, M_SUPPORT_COMMENT,
    M_STATUS_SUPPORT, M_OFFER_LINK, M_INCASSO_STATE, M_REOPENED, M_REOPENED_ID, M_INVALID_ADDRESS,
]
_DATE_COLUMNS = (M_FIRST_LETTER, M_SECOND_LETTER, M_INCASSO_DATE)
_BOOL_COLUMNS = (M_REOPENED, M_INVALID_ADDRESS)
_FREE_TEXT_COLUMNS = (M_STATUS_SUPPORT, M_OFFER_LINK)
# Only typed values cross to Diagonal: a formula's value is the cached result of a calculation
# over any cell (``=T5``, T being Notizen). In these columns any text can stand, so a formula
# there is an error (INK-CSV-FORMULA); reopened_id counts among them, as an id may be any word.
CSV_TEXT_COLUMNS = (M_SUPPORT_COMMENT, M_STATUS_SUPPORT, M_OFFER_LINK, M_REOPENED_ID)
# In the other columns a formula is allowed when its result reads as the column's type (a date,
# yes/no, an incasso_state; a text fails there already) — an id from a formula only as a number.
_FORMULA_NO_NUMBER = " und ihr Ergebnis ist keine Zahl"

SETTING_MARKER = "Interner Marker"
SETTING_CSV_NAME = "CSV Dateiname"
_DEFAULT_CSV_NAME = "vendor_{vendor_id}.csv"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Characters that show nothing although they are not format characters (Cf): the combining
# grapheme joiner, Hangul fillers, Khmer inherent vowels, Mongolian variation selectors,
# variation selectors — Unicode's Default_Ignorable_Code_Point minus Cf.
_INVISIBLE = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180f\u3164\uffa0"
                       + "".join(map(chr, range(0xFE00, 0xFE10))))



# --------------------------------------------------------------------------- small helpers

def guard_formula(text: str) -> str:
    """A leading ``'`` for text a spreadsheet would execute (=, +, -, @, tab, CR)."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _plain_text(value: object) -> str:
    """A free-text cell as text, unchanged apart from number/date/bool rendering."""
    if is_blank(value):
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, (date, datetime)):
        return format_date_csv(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _invisible(ch: str) -> bool:
    """A character that shows nothing: a format character (zero-width space, BOM, bidi marks,
    soft hyphen, tag characters …), a control character, or another default-ignorable one."""
    return unicodedata.category(ch) in ("Cf", "Cc") or ch in _INVISIBLE or 0xE0100 <= ord(ch) <= 0xE01EF


def _visible_strip(text: str) -> str:
    """``text`` without blanks (any Unicode space) and invisible characters at either end."""
    start, end = 0, len(text)
    while start < end and (text[start].isspace() or _invisible(text[start])):
        start += 1
    while end > start and (text[end - 1].isspace() or _invisible(text[end - 1])):
        end -= 1
    return text[start:end]


_ASCII_CONTROLS = dict.fromkeys([*range(0x20), 0x7F])   # the invisible characters ASCII has (Cc)


def _marker_key(text: str) -> str:
    """What a line's start is compared with the marker as: compatibility-normalised (NFKC:
    full-width 'ｉｎｔｅｒｎ：' is 'intern:'), case-folded, without invisible characters
    anywhere and without leading blanks. Used for matching only; a kept line is exported as typed.
    Plain ASCII, most lines, the short way: NFKC keeps it, case-folding is lower-casing, and its
    only invisible characters are the control characters."""
    if text.isascii():
        return text.translate(_ASCII_CONTROLS).lower().lstrip()
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if not _invisible(ch)).lstrip()


def clean_comment(value: object, marker: str) -> str:
    """support_comment as exported: split at every line break Unicode knows (LF, CR, CRLF, VT,
    FF, NEL, U+2028/2029, …); lines that start with ``marker`` — compared case-insensitively
    after NFKC and with invisible characters (zero-width space, BOM, other Cf) and blanks before
    it ignored — dropped; the other lines stripped of blanks and invisible characters at both
    ends, empty ones dropped, joined by '; '."""
    marker_key = _marker_key(marker or "").strip()
    kept = []
    for line in _plain_text(value).splitlines():
        if marker_key and _marker_key(line).startswith(marker_key):
            continue
        line = _visible_strip(line)
        if line:
            kept.append(line)
    return "; ".join(kept)


def formula_id(value: object) -> bool:
    """Whether a formula's result may stand as an id: a whole number, or digits (a text id can be
    any word — a formula pointing at Notizen would pass it on)."""
    try:
        canonical = parse_id(value)
    except ParseError:
        return False
    return canonical is None or (canonical.isascii() and canonical.isdigit())


def _safe_part(text: str) -> str:
    """A piece of a file name: anything but letters, digits, '.', '_' and '-' becomes '_'."""
    return re.sub(r"[^\w.-]", "_", text).strip(".") or "_"


def _setting(settings: Settings, key: str, default: object) -> object:
    try:
        value = settings.get(key)
    except KeyError:
        return default
    return default if value is None else value


def _settings_sheet(settings: Settings) -> str:
    return getattr(settings, "sheet_name", None) or SHEET_SETTINGS


def _canonical_vendor(vendor_id: object) -> str:
    vid = parse_id(vendor_id)   # ParseError (a ValueError) with German text
    if vid is None:
        raise ValueError("Keine vendor_id angegeben")
    return vid


@dataclass
class _Master:
    """The Masterliste with its located columns."""
    sheet: SheetData
    cmap: ColumnMap
    _index: dict[str, int] = field(default_factory=dict)   # name -> 0-based column, -1: none

    def cell(self, row: int, name: str) -> str:
        col = self.cmap.col(name)
        return address(row, col) if col else ""

    def value(self, row_values: list, name: str) -> object:
        i = self._index.get(name)
        if i is None:
            i = self._index[name] = (self.cmap.col(name) or 0) - 1
        return row_values[i] if 0 <= i < len(row_values) else None

    def formula_without_value(self, row: int, name: str) -> bool:
        col = self.cmap.col(name)
        return bool(col) and self.sheet.has_formula_without_value(row, col or 0)

    def is_formula(self, row: int, name: str) -> bool:
        """Whether the row's cell in column ``name`` holds a formula (with a value or without)."""
        col = self.cmap.col(name)
        return bool(col) and self.sheet.is_formula(row, col or 0)

    def rows(self, formula_in: str | None = None) -> Iterator[tuple[int, list]]:
        """(row number, values) from row 2 on, skipping rows that hold no value — except, with
        ``formula_in``, a row whose cell in that column is a formula without a computed value."""
        col = self.cmap.col(formula_in) if formula_in else None
        uncomputed = {r for r, c in self.sheet.formulas_without_value if c == col} if col else set()
        for number, values in enumerate(self.sheet.rows[1:], start=2):
            if number in uncomputed or _has_value(values):
                yield number, values
        for number in sorted(r for r in uncomputed if r > len(self.sheet.rows)):
            yield number, []


def _has_value(values: list) -> bool:
    """Whether any of ``values`` is not blank (``is_blank``)."""
    for v in values:  # noqa: SIM110 - a loop, not any() over a generator: this runs for every row
        if v is not None and not (isinstance(v, str) and not v.strip()):
            return True
    return False


def _open_master(wb: WorkbookData, settings: Settings, wanted: Sequence[str],
                 required: Sequence[str]) -> tuple[_Master | None, list[Finding]]:
    sheet = wb.sheet(SHEET_MASTER)
    if sheet is None:
        return None, [INK.NO_MASTER.at(SHEET_MASTER, sheet=SHEET_MASTER, consequence=" in der Arbeitsmappe")]
    cmap = sheet_columns(sheet, wanted, settings.aliases())
    return _Master(sheet, cmap), header_findings(cmap, required)


def _rows_by_vendor(master: _Master, formula_code: Code | None = None, text_formula_code: Code | None = None,
                    ) -> tuple[dict[str, list[tuple[int, list]]], list[Finding]]:
    """Every row of the Masterliste grouped by canonical vendor id, in sheet order, in one pass;
    a row whose vendor_id is blank or unreadable cannot be assigned to any vendor and is
    reported (warning: it is not exported) — one whose vendor_id is a formula without a value,
    or a formula whose result is no number (it may be any cell's text), might be any vendor's,
    which ``formula_code`` and ``text_formula_code`` say (the CSV's: errors, every export)."""
    groups: dict[str, list[tuple[int, list]]] = {}
    findings: list[Finding] = []
    for number, values in master.rows(formula_in=M_VENDOR_ID):
        vid, problem = _row_vendor(master, number, values, formula_code, text_formula_code)
        if problem is not None:
            findings.append(problem)
        elif vid is not None:
            groups.setdefault(vid, []).append((number, values))
    return groups, findings


def _row_vendor(master: _Master, number: int, values: list, formula_code: Code | None = None,
                text_formula_code: Code | None = None) -> tuple[str | None, Finding | None]:
    """(canonical vendor id, None) of one row, or (None, why the row belongs to no vendor)."""
    code = formula_code or INK.CSV_FORMULA_NO_VALUE
    text_code = text_formula_code or INK.CSV_FORMULA
    if master.formula_without_value(number, M_VENDOR_ID):
        return None, code.at(master.sheet.name, master.cell(number, M_VENDOR_ID),
                             key=_order_key(master, values), header=M_VENDOR_ID,
                             consequence="die Bestellung fehlt vielleicht in der Liste")
    if master.is_formula(number, M_VENDOR_ID) and not formula_id(master.value(values, M_VENDOR_ID)):
        return None, text_code.at(master.sheet.name, master.cell(number, M_VENDOR_ID),
                                  key=_order_key(master, values), header=M_VENDOR_ID, detail=_FORMULA_NO_NUMBER)
    try:
        row_vid = parse_id(master.value(values, M_VENDOR_ID))
    except ParseError as e:
        return None, INK.VENDOR_INVALID.at(master.sheet.name, master.cell(number, M_VENDOR_ID),
                                           key=_order_key(master, values), suggestion=e.suggestion, reason=str(e))
    if row_vid is None:     # blank
        return None, INK.VENDOR_BLANK.at(master.sheet.name, master.cell(number, M_VENDOR_ID),
                                         key=_order_key(master, values))
    return row_vid, None


def _vendor_rows(master: _Master, vid: str, findings: list[Finding], formula_code: Code | None = None,
                 text_formula_code: Code | None = None) -> list[tuple[int, list]]:
    """The vendor's rows in sheet order (unassignable rows are reported into ``findings``)."""
    groups, problems = _rows_by_vendor(master, formula_code, text_formula_code)
    findings += problems
    return groups.get(vid, [])


def _in_sheet_order(findings: list[Finding]) -> list[Finding]:
    """Sheet-level findings first, then by row and column (stable otherwise)."""
    return sorted(findings, key=lambda f: f.row_col)


def _order_key(master: _Master, values: list) -> str:
    try:
        return parse_id(master.value(values, M_ORDER_ID)) or ""
    except ParseError:
        return ""


# --------------------------------------------------------------------------- the Diagonal CSV

@dataclass
class CsvExport:
    vendor_id: str                # canonical id text
    filename: str                 # from setting "CSV Dateiname" (default "vendor_{vendor_id}.csv")
    content: bytes | None         # None when any error (all-or-nothing)
    rows: int
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.content is not None


class _CheckedRow(NamedTuple):
    """A Masterliste row's values as the CSV fields are made of."""
    order_id: str | None
    reopened_id: str | None
    dates: dict[str, date | None]
    bools: dict[str, bool | None]
    state: str | None


class _RowChecker:
    """Turns one Masterliste row into CSV fields, collecting the row's findings."""

    def __init__(self, master: _Master, number: int, values: list, vid: str, marker: str):
        self.master, self.number, self.values, self.marker = master, number, values, marker
        self.vid = vid
        self.findings: list[Finding] = []
        self.formulas: list[str] = []
        self.uncomputed: list[str] = []
        # cells whose formula is an error as such (any text may stand there, Notizen's too) or whose
        # result is no id: one error each, nothing else there, and nothing of theirs in the CSV
        self.formulas = [name for name in CSV_TEXT_COLUMNS if master.is_formula(number, name)]
        if master.is_formula(number, M_ORDER_ID) and not master.formula_without_value(number, M_ORDER_ID) \
                and not formula_id(self.raw(M_ORDER_ID)):
            self.formulas.append(M_ORDER_ID)
        self.key = "" if M_ORDER_ID in self.formulas else _order_key(master, values)
        for name in self.formulas:
            self.add(INK.CSV_FORMULA, name, header=name,
                     detail=_FORMULA_NO_NUMBER if name == M_ORDER_ID else "")
        # cells the CSV takes that are formulas without a value: one error each, nothing else there
        self.uncomputed = [name for name in CSV_COLUMNS
                           if name not in self.formulas and master.formula_without_value(number, name)]
        for name in self.uncomputed:
            self.add(INK.CSV_FORMULA_NO_VALUE, name, header=name)

    def raw(self, name: str) -> object:
        """The cell's value — none of a formula the CSV must not pass on."""
        return None if name in self.formulas else self.master.value(self.values, name)

    def add(self, code: Code, name: str, suggestion: str = "", **fields: object) -> None:
        if name in self.uncomputed and code is not INK.CSV_FORMULA_NO_VALUE:
            return
        if name in self.formulas and code is not INK.CSV_FORMULA:
            return
        self.findings.append(code.finding(self.master.sheet.name, self.master.cell(self.number, name), fields,
                                          key=self.key, suggestion=suggestion))

    def parsed(self, name: str, parser, code: Code):
        """(ok, value): the parsed value, or an ERROR naming the cell."""
        try:
            return True, parser(self.raw(name))
        except ParseError as e:
            self.add(code, name, e.suggestion, header=name, reason=str(e))
            return False, None

    def fields(self) -> list[object]:
        order_id, reopened_id, dates, bools, state = self.check()
        return [
            self.text_id(self.vid),
            self.text_id(order_id),
            *(format_date_csv(dates[name]) if dates[name] else "" for name in _DATE_COLUMNS),
            guard_formula(clean_comment(self.raw(M_SUPPORT_COMMENT), self.marker)),
            *(guard_formula(_plain_text(self.raw(name))) for name in _FREE_TEXT_COLUMNS),
            state or "",
            _bool_text(bools[M_REOPENED]),
            self.text_id(reopened_id),
            _bool_text(bools[M_INVALID_ADDRESS]),
        ]

    def check(self) -> _CheckedRow:
        """Parse and check the row (findings into ``self.findings``): (order_id, reopened_id,
        dates, bools, state) as the CSV fields are made of."""
        ok_order, order_id = self.parsed(M_ORDER_ID, parse_id, Core.ID_INVALID)
        if ok_order and order_id is None:
            self.add(INK.CSV_ORDER_MISSING, M_ORDER_ID)
        ok_rid, reopened_id = self.parsed(M_REOPENED_ID, parse_id, Core.ID_INVALID)

        dates: dict[str, date | None] = {}
        ok_dates = True
        for name in _DATE_COLUMNS:
            ok, d = self.parsed(name, parse_date, Core.DATE_INVALID)
            ok_dates &= ok
            dates[name] = as_day(d)

        bools: dict[str, bool | None] = {}
        for name in _BOOL_COLUMNS:
            ok, b = self.parsed(name, parse_bool, Core.BOOL_INVALID)
            if ok and b is None:
                self.add(INK.CSV_BOOL_BLANK, name, header=name)
                b = False
            bools[name] = b

        state = self.state(dates, bools)
        if ok_dates:
            self.check_dates(dates)
        self.check_state(state, dates, bools)
        if ok_rid:
            self.check_reopened(bools[M_REOPENED], reopened_id)
        return _CheckedRow(order_id, reopened_id, dates, bools, state)

    @staticmethod
    def text_id(canonical: str | None) -> object:
        if canonical is None:
            return ""
        out = id_for_output(canonical)
        return guard_formula(out) if isinstance(out, str) else out

    def implied_state(self, dates: dict, bools: dict) -> str:
        """The incasso_state the row's data points to (suggestion for a blank/unknown state)."""
        return _implied_state(match_choice(self.raw(M_DEBT_STATUS), DEBT_STATUSES), bools.get(M_REOPENED),
                              dates.get(M_INCASSO_DATE), dates.get(M_FIRST_LETTER), dates.get(M_SECOND_LETTER))

    def state(self, dates: dict, bools: dict) -> str | None:
        raw = self.raw(M_INCASSO_STATE)
        state = match_choice(raw, INCASSO_STATES)
        if state is not None:
            return state
        implied = self.implied_state(dates, bools)
        if is_blank(raw):
            self.add(INK.STATE_BLANK, M_INCASSO_STATE, implied, allowed=", ".join(INCASSO_STATES))
        else:
            nearest = nearest_choice(raw, INCASSO_STATES)
            allowed = "" if nearest else f" (erlaubt: {', '.join(INCASSO_STATES)})"
            self.add(INK.STATE_INVALID, M_INCASSO_STATE, nearest or implied, value=display(raw),
                     header=M_INCASSO_STATE, allowed=allowed)
        return None

    def check_dates(self, d: dict) -> None:
        first, second, handed = d[M_FIRST_LETTER], d[M_SECOND_LETTER], d[M_INCASSO_DATE]
        if second and not first:
            self.add(INK.CSV_SECOND_WITHOUT_FIRST, M_FIRST_LETTER, second=format_date_de(second))
        if first and second and not first < second:
            self.add(INK.CSV_DATE_ORDER, M_SECOND_LETTER, second=format_date_de(second),
                     first=format_date_de(first))
        if handed:
            for name in (M_FIRST_LETTER, M_SECOND_LETTER):
                if d[name] and d[name] > handed:
                    self.add(INK.CSV_LETTER_AFTER_HANDOVER, name, header=name, letter=format_date_de(d[name]),
                             handed=format_date_de(handed))

    def check_state(self, state: str | None, d: dict, bools: dict) -> None:
        if state == STATE_SENT:
            if not d[M_INCASSO_DATE] and is_blank(self.raw(M_INCASSO_DATE)):
                self.add(INK.CSV_SENT_NO_DATE, M_INCASSO_DATE)
            if bools[M_INVALID_ADDRESS]:
                self.add(INK.CSV_SENT_INVALID_ADDRESS, M_INVALID_ADDRESS)
        elif state == STATE_ON_HOLD:
            for name in (M_FIRST_LETTER, M_SECOND_LETTER):
                if not d[name] and is_blank(self.raw(name)):
                    self.add(INK.CSV_ON_HOLD_LETTERS, name, header=name)
            if d[M_INCASSO_DATE]:
                self.add(INK.CSV_ON_HOLD_HANDED, M_INCASSO_STATE, handed=format_date_de(d[M_INCASSO_DATE]))

    def check_reopened(self, reopened: bool | None, reopened_id: str | None) -> None:
        if reopened and reopened_id is None:
            self.add(INK.CSV_REOPENED_NO_ID, M_REOPENED_ID)
        if reopened is False and reopened_id is not None:
            self.add(INK.CSV_REOPENED_ID_NOT_REOPENED, M_REOPENED, reopened_id=reopened_id)


def _implied_state(debt: str | None, reopened: bool | None, handed: date | None, first: date | None,
                   second: date | None) -> str:
    """The incasso_state a row's data points to: its Schulden-Status' pair, canceled when reopened,
    sent_for_collection with a hand-over date, on_hold with both letters, else blocked."""
    if debt in DEBT_TO_STATE:
        return DEBT_TO_STATE[debt]
    if reopened:
        return STATE_CANCELED
    if handed:
        return STATE_SENT
    if first and second:
        return STATE_ON_HOLD
    return STATE_BLOCKED


def _bool_text(value: bool | None) -> str:
    return "" if value is None else ("True" if value else "False")


NAME_MAX_BYTES = 255        # the longest file name Linux, macOS, Windows and SMB shares all take
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def name_too_long(name: str) -> int:
    """The length in bytes of a file name longer than NAME_MAX_BYTES, else 0."""
    size = len(name.encode("utf-8"))
    return size if size > NAME_MAX_BYTES else 0


def _csv_filename(settings: Settings, vid: str, findings: list[Finding]) -> str:
    template = str(_setting(settings, SETTING_CSV_NAME, _DEFAULT_CSV_NAME)).strip()
    why = ("enthält ein Steuerzeichen" if _CONTROL.search(template) else
           "zu lang" if name_too_long(template.replace("{vendor_id}", "")) else "")
    if why:
        findings.append(INK.CSV_FILENAME_INVALID.at(_settings_sheet(settings), setting=SETTING_CSV_NAME, why=why,
                                                    default=_DEFAULT_CSV_NAME))
        template = _DEFAULT_CSV_NAME
    if "{vendor_id}" not in template:
        findings.append(INK.CSV_FILENAME.at(_settings_sheet(settings), setting=SETTING_CSV_NAME, template=template,
                                            default=_DEFAULT_CSV_NAME))
        template = _DEFAULT_CSV_NAME
    name = template.replace("{vendor_id}", _safe_part(vid))
    base = re.split(r"[\\/]", name)[-1]
    if base != name or base in ("", ".", ".."):
        findings.append(INK.CSV_FILENAME_FOLDER.at(_settings_sheet(settings), setting=SETTING_CSV_NAME,
                                                   name=base or _DEFAULT_CSV_NAME))
        base = base if base not in ("", ".", "..") else _DEFAULT_CSV_NAME.replace(
            "{vendor_id}", _safe_part(vid))
    length = name_too_long(base)
    if length:
        findings.append(INK.FILE_NAME_TOO_LONG.at(SHEET_MASTER, key=vid, vendor_id=vid, length=length))
    return base


def _csv_bytes(rows: list[list[object]]) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=",", quotechar='"', quoting=csv.QUOTE_MINIMAL,
                        lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def build_vendor_csv(wb: WorkbookData, vendor_id: object,
                     settings: Settings | None = None) -> CsvExport:
    """The Diagonal hand-over CSV of one vendor: every Masterliste row of that vendor in sheet
    order. Any ERROR finding -> ``content`` is None (all-or-nothing); every problem is listed."""
    settings = settings or Settings.defaults(SETTINGS)
    vid = _canonical_vendor(vendor_id)
    master, header_problems = _open_export_master(wb, settings)
    if master is None or any(f.severity == ERROR for f in header_problems):
        findings = list(header_problems)
        return CsvExport(vid, _csv_filename(settings, vid, findings), None, 0, findings)
    groups, unassigned = _rows_by_vendor(master)
    return _build_csv(master, settings, vid, groups.get(vid, []), header_problems + unassigned)


def build_all_vendor_csvs(wb: WorkbookData, settings: Settings | None = None) -> list[CsvExport]:
    """The CSV of every vendor of the Masterliste (order of first appearance), reading the sheet
    once — what `export-csv --vendor alle`, run/check and the benchmark use."""
    return _all_vendor_exports(wb, settings or Settings.defaults(SETTINGS), content=True)


def _all_vendor_exports(wb: WorkbookData, settings: Settings, content: bool) -> list[CsvExport]:
    master, header_problems = _open_export_master(wb, settings)
    if master is None or any(f.severity == ERROR for f in header_problems):
        return []
    groups, unassigned = _rows_by_vendor(master)
    return [_build_csv(master, settings, vid, rows, header_problems + unassigned, content)
            for vid, rows in groups.items()]


def _open_export_master(wb: WorkbookData, settings: Settings):
    # Notizen is looked up, never exported: so that no alias can make it one of the CSV's columns
    return _open_master(wb, settings, CSV_COLUMNS + [M_DEBT_STATUS, M_NOTES], CSV_COLUMNS)


def _build_csv(master: _Master, settings: Settings, vid: str, vendor_rows: list[tuple[int, list]],
               sheet_findings: list[Finding], content: bool = True) -> CsvExport:
    """``content=False``: only the findings (the CSV's bytes stay None) — for run/check."""
    findings: list[Finding] = list(sheet_findings)
    filename = _csv_filename(settings, vid, findings)
    marker = str(_setting(settings, SETTING_MARKER, "intern:"))
    rows: list[list[object]] = []          # the CSV's (only when ``content``)
    seen_orders: dict[str, int] = {}
    for number, values in vendor_rows:
        checker = _RowChecker(master, number, values, vid, marker)
        if content:
            rows.append(checker.fields())
        else:
            checker.check()
        findings += checker.findings
        if checker.key:
            if checker.key in seen_orders:
                findings.append(INK.CSV_ORDER_DUPLICATE.at(
                    master.sheet.name, master.cell(number, M_ORDER_ID), key=checker.key, order_id=checker.key,
                    first_row=seen_orders[checker.key]))
            else:
                seen_orders[checker.key] = number
    if not vendor_rows:
        findings.append(INK.CSV_NO_ROWS.at(master.sheet.name, key=vid, vendor_id=vid, sheet=SHEET_MASTER))
    findings = _in_sheet_order(findings)
    if not content or any(f.severity == ERROR for f in findings):
        return CsvExport(vid, filename, None, len(vendor_rows), findings)
    return CsvExport(vid, filename, _csv_bytes(rows), len(vendor_rows), findings)


class ParsedRow(NamedTuple):
    """A Masterliste row as the run has read it — every cell the CSV takes parsed without a
    problem, no formula in the row — with incasso_state as the run leaves it."""
    vendor_id: str
    order_id: str | None
    reopened_id: str | None
    first_letter: date | None
    second_letter: date | None
    incasso_date: date | None
    reopened: bool | None
    invalid_address: bool | None
    state: str | None
    state_written: bool          # the run writes ``state`` into the row's incasso_state cell
    debt: str | None             # Schulden-Status (canonical) or None


_STATE_BLANK_FIELDS = {"allowed": ", ".join(INCASSO_STATES)}


# the columns a ParsedRow is parsed from: the run must have found them where the CSV does
PARSED_COLUMNS = (M_VENDOR_ID, M_ORDER_ID, M_REOPENED_ID, M_FIRST_LETTER, M_SECOND_LETTER, M_INCASSO_DATE,
                  M_REOPENED, M_INVALID_ADDRESS, M_INCASSO_STATE, M_DEBT_STATUS)


_CHECK, _CLEAN, _BLANK_STATE = 0, 1, 2


def _shortcut(p: ParsedRow) -> int:
    """What the CSV's check (``_RowChecker.check``) of the row would say, where that is sure:
    _CLEAN nothing, _BLANK_STATE only that incasso_state is blank; _CHECK when unsure — a
    shortcut, never a rule: any row it is unsure of is checked."""
    first, second, handed, state = p.first_letter, p.second_letter, p.incasso_date, p.state
    if (p.order_id is None or p.reopened is None or p.invalid_address is None
            or p.reopened or p.reopened_id is not None):
        return _CHECK
    if second is not None and (first is None or not first < second):
        return _CHECK
    if handed is not None and ((first is not None and first > handed) or (second is not None and second > handed)):
        return _CHECK
    if state is None:
        return _CHECK if p.state_written else _BLANK_STATE
    if state == STATE_SENT:
        return _CLEAN if handed is not None and not p.invalid_address else _CHECK
    if state == STATE_ON_HOLD:
        return _CLEAN if first is not None and second is not None and handed is None else _CHECK
    return _CLEAN


def export_findings_parsed(wb: WorkbookData, settings: Settings, parsed: Mapping[int, ParsedRow],
                           columns: Mapping[str, int | None], written: Iterable[int],
                           after: Callable[[], WorkbookData], blank_state_expected: Container[int] = (),
                           rows_after: Callable[[Collection[int]], WorkbookData] | None = None) -> list[Finding]:
    """``export_findings(after(), settings)`` from the rows the run has parsed already: ``wb`` is
    the workbook as read, ``after()`` as the run leaves it (its cell writes applied), ``parsed``
    the run's rows by number, ``columns`` the run's column of each of PARSED_COLUMNS and
    ``written`` the other Masterliste columns it writes; ``blank_state_expected``: rows whose
    INK-STATE-BLANK the caller drops (an order in dunning) — a shortcut row's is not made at all.
    A row not in ``parsed`` is read from
    ``after()`` as the CSV reads it; so is everything when the run and the CSV do not see the same
    columns. ``rows_after(numbers)``, when given: the workbook with the run's writes to those rows
    only — all such rows are read from it (a copy of a few rows, not of 20,000 written ones).
    The same findings, in the same order."""
    master, header_problems = _open_export_master(wb, settings)
    if (master is None or any(f.severity == ERROR for f in header_problems)
            or any(master.cmap.col(name) != columns.get(name) for name in PARSED_COLUMNS)
            or set(written) & {master.cmap.col(name) for name in CSV_COLUMNS + [M_DEBT_STATUS]}
            or _open_master(wb, settings, [M_VENDOR_ID], [M_VENDOR_ID])[0].cmap.col(M_VENDOR_ID)  # type: ignore[union-attr]
            != master.cmap.col(M_VENDOR_ID)):
        return export_findings(after(), settings)
    marker = str(_setting(settings, SETTING_MARKER, "intern:"))
    formula_rows = {r for r, _ in master.sheet.formulas} | {r for r, _ in master.sheet.formulas_without_value}
    state_at = (master.cmap.col(M_INCASSO_STATE) or 0) - 1
    late: list[_Master] = []

    def as_left(number: int) -> tuple[_Master, list]:
        """The row as the run leaves it, read as the CSV reads it."""
        if not late:
            left = after() if rows_after is None else rows_after(
                {n for n, _ in walk if n not in parsed or n in formula_rows})
            late.append(_Master(left.sheet(master.sheet.name) or master.sheet, master.cmap))
        rows = late[0].sheet.rows
        return late[0], rows[number - 1] if number <= len(rows) else []

    first_row: dict[str, dict[str, int]] = {}      # vendor -> order id -> its first row (vendors in order)
    found: list[Finding] = []
    # the rows _Master.rows(formula_in=M_VENDOR_ID) walks; an order the run parsed holds a value
    vendor_col = master.cmap.col(M_VENDOR_ID)
    uncomputed = {r for r, c in master.sheet.formulas_without_value if c == vendor_col}
    sheet_rows = master.sheet.rows
    walk = [(number, values) for number, values in enumerate(sheet_rows[1:], start=2)
            if number in parsed or number in uncomputed or _has_value(values)]
    walk += [(number, []) for number in sorted(r for r in uncomputed if r > len(sheet_rows))]
    for number, values in walk:
        p = parsed.get(number)
        if p is None or number in formula_rows:
            src, row_values = as_left(number)
            vid, problem = _row_vendor(src, number, row_values)
            if problem is not None or vid is None:
                found += [problem] if problem is not None else []
                continue
            checker = _RowChecker(src, number, row_values, vid, marker)
            checker.check()
            found += checker.findings
            key = checker.key
        else:
            vid, key = p.vendor_id, p.order_id or ""
            shortcut = _shortcut(p)
            if shortcut == _BLANK_STATE:
                if number not in blank_state_expected:
                    found.append(INK.STATE_BLANK.finding(
                        master.sheet.name, master.cell(number, M_INCASSO_STATE), _STATE_BLANK_FIELDS, key=key,
                        suggestion=_implied_state(p.debt, p.reopened, p.incasso_date, p.first_letter,
                                                  p.second_letter)))
            elif shortcut == _CHECK:
                if p.state_written:
                    values = values + [None] * (state_at + 1 - len(values))
                    values[state_at] = p.state
                checker = _RowChecker(master, number, values, vid, marker)
                checker.check()
                found += checker.findings
        seen = first_row.get(vid)
        if seen is None:
            seen = first_row[vid] = {}
        if key:
            if key in seen:
                found.append(INK.CSV_ORDER_DUPLICATE.at(master.sheet.name, master.cell(number, M_ORDER_ID), key=key,
                                                        order_id=key, first_row=seen[key]))
            else:
                seen[key] = number
    if not first_row:
        return export_findings(after(), settings)
    names: list[Finding] = []
    for vid in first_row:
        _csv_filename(settings, vid, names)
    return _in_sheet_order(list(dict.fromkeys(header_problems + names + found)))


def vendors_with_orders(wb: WorkbookData, settings: Settings | None = None) -> list[str]:
    """Canonical vendor ids of the Masterliste, in order of first appearance (blank and
    unreadable vendor ids are left out)."""
    settings = settings or Settings.defaults(SETTINGS)
    master, _ = _open_master(wb, settings, [M_VENDOR_ID], [M_VENDOR_ID])
    if master is None or master.cmap.col(M_VENDOR_ID) is None:
        return []
    out: dict[str, None] = {}
    for _, values in master.rows():
        try:
            vid = parse_id(master.value(values, M_VENDOR_ID))
        except ParseError:
            continue
        if vid is not None:
            out.setdefault(vid, None)
    return list(out)


def export_findings(wb: WorkbookData, settings: Settings | None = None) -> list[Finding]:
    """Every finding the Diagonal CSVs of all vendors would report, each once (sheet- and
    row-level findings that every vendor's export repeats, e.g. a row without vendor_id, are
    not duplicated) — for run/check."""
    settings = settings or Settings.defaults(SETTINGS)
    vendors = vendors_with_orders(wb, settings)
    if not vendors:
        return _open_master(wb, settings, CSV_COLUMNS, CSV_COLUMNS)[1]
    seen: dict[Finding, None] = {}
    for export in _all_vendor_exports(wb, settings, content=False):
        for f in export.findings:
            seen.setdefault(f, None)
    return _in_sheet_order(list(seen))
