"""Python values <-> the text SpreadsheetML stores: numbers, escaped strings, and which number
formats are date formats. Serial dates are the core's (``core.values.excel_serial``)."""
from __future__ import annotations

import math
import re

MAX_TEXT_LENGTH = 32767               # Excel's limit for one cell
_EXACT_INT = 2 ** 53

# Number formats Excel knows by id without a <numFmt> element (ECMA-376 §18.8.30).
BUILTIN_FORMATS: dict[int, str] = {
    0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00",
    9: "0%", 10: "0.00%", 11: "0.00E+00", 12: "# ?/?", 13: "# ??/??",
    14: "mm-dd-yy", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy",
    18: "h:mm AM/PM", 19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss", 22: "m/d/yy h:mm",
    37: "#,##0 ;(#,##0)", 38: "#,##0 ;[Red](#,##0)", 39: "#,##0.00;(#,##0.00)",
    40: "#,##0.00;[Red](#,##0.00)", 45: "mm:ss", 46: "[h]:mm:ss", 47: "mmss.0",
    48: "##0.0E+0", 49: "@",
}
BUILTIN_IDS: dict[str, int] = {code: i for i, code in BUILTIN_FORMATS.items()}
# Built-in ids that are dates/times (incl. the East Asian locale ids 27-36 and 50-58).
_DATE_IDS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])

_QUOTED_OR_BRACKETED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ESCAPE_LIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


def is_date_format(numfmt_id: int, code: str | None) -> bool:
    """True when a cell with this number format shows a date or time."""
    if numfmt_id in _DATE_IDS:
        return True
    if code is None:
        return False
    bare = _QUOTED_OR_BRACKETED.sub("", code.split(";")[0]).lower()
    return any(ch in bare for ch in "dmyhs") and "general" not in bare


def number_text(value: int | float) -> str:
    """The shortest text that reads back as the same double."""
    if isinstance(value, int):
        if abs(value) < _EXACT_INT:
            return str(value)
        value = float(value)   # OverflowError for ints beyond a double's range
    if not math.isfinite(value):
        raise ValueError(f"{value!r} ist keine in Excel speicherbare Zahl")
    if value.is_integer() and abs(value) < _EXACT_INT:
        return str(int(value))
    return repr(value)


def escape_text(text: str) -> str:
    """Make a str storable in XML 1.0 the way Excel does: characters XML cannot hold become
    ``_xHHHH_``; a literal ``_xHHHH_`` in the text is protected as ``_x005F_xHHHH_``."""
    if "_x" in text:
        text = _ESCAPE_LIKE.sub(r"_x005F_\1", text)
    if _ILLEGAL_XML.search(text):
        text = _ILLEGAL_XML.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    return text
