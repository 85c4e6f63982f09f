"""Values as Excel hands them over COM (pywin32, xlwings) turned into what the file reader gives.

Two things reach Python from a live Excel that never come out of a file:

- **Excel's error values as numbers.** A cell showing ``#SPILL!`` arrives as the COM error code
  ``-2146826243`` (``0x800A0000`` + Excel's ``xlErrSpill`` 2045), an ``int``. xlwings names only the
  seven classic errors (``#N/A`` …); the newer ones (``#SPILL!``, ``#CALC!``, ``#GETTING_DATA`` …)
  would read as a number and be reported as "-2146826243 ist kein Datum". Excel's own numbers
  arrive as ``float``, so an ``int`` in the error range is an error value, never a number.
- **Currency as ``decimal.Decimal``.** pywin32 maps a cell formatted as currency (``#,##0.00 €``)
  from ``Range.Value`` to ``Decimal('119.5000')``. Excel holds a double; so does the file reader.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import cast

from .plan import CellValue
from .values import from_excel_datetime

# Excel's XlCVError codes (learn.microsoft.com, "XlCVError enumeration") -> the text Excel shows.
EXCEL_ERROR_CODES: dict[int, str] = {
    2000: "#NULL!", 2007: "#DIV/0!", 2015: "#VALUE!", 2023: "#REF!", 2029: "#NAME?", 2036: "#NUM!",
    2042: "#N/A", 2043: "#GETTING_DATA", 2045: "#SPILL!", 2046: "#CONNECT!", 2047: "#BLOCKED!",
    2048: "#UNKNOWN!", 2049: "#FIELD!", 2050: "#CALC!",
}
_COM_BASE = -2146828288          # 0x800A0000 as a signed 32-bit number
EXCEL_ERROR_TEXTS = frozenset(EXCEL_ERROR_CODES.values()) | {"#BUSY!", "#PYTHON!", "#TIMEOUT!"}


def excel_error(value: object) -> str | None:
    """The error text (``#SPILL!``) when ``value`` is an Excel error as COM hands it over — an
    ``int`` error code or the text xlwings made of it — else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        code = value - _COM_BASE
        if 2000 <= code <= 2099:
            return EXCEL_ERROR_CODES.get(code, f"#FEHLER{code}")
        return None
    if isinstance(value, str):
        text = value.strip()
        return text if text in EXCEL_ERROR_TEXTS else None
    return None


def plain_number(value: object) -> object:
    """A ``Decimal`` (Excel's Currency over COM) as the double Excel holds; anything else as it is."""
    if isinstance(value, Decimal):
        return float(value)
    return value


def from_com(value: object) -> object:
    """One cell value from COM as the file reader gives it, apart from dates: Currency as a
    number, an error code as its text (``#SPILL!``)."""
    error = excel_error(value)
    if error is not None:
        return error
    return plain_number(value)


def as_read(value: object) -> CellValue:
    """One cell as COM hands it over (the live adapter's read of a sheet, a range a UDF gets) ->
    what the package reader gives for the same cell, so that a run reads both alike: integral
    floats as int (an id 10000001.0 is 10000001), '' as None, a date at midnight as a date;
    Currency (Decimal) as a number, #SPILL!/#CALC! … (error codes) as their text, like #N/A."""
    # the exact types COM hands over first (a sheet is many cells); anything else the long way
    if value is None or type(value) is bool:
        return value
    if type(value) is float:
        return int(value) if value.is_integer() and abs(value) < 2 ** 53 else value
    if type(value) is str and "#" not in value:
        return value or None
    value = from_com(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 53:
        return int(value)
    if isinstance(value, str) and not value:
        return None
    if isinstance(value, datetime):
        return from_excel_datetime(value)
    return cast(CellValue, value)     # COM hands over scalars: text, numbers, booleans, dates
