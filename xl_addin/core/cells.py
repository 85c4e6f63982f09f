"""Cells: addresses (column letters <-> numbers, 1-based) and how a date is stored in one (Excel's
serial number)."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

# Excel's 1900 date system: serial 1 = 01.01.1900; serial 60 is the 29.02.1900 that never was
# (Lotus 1-2-3's bug); from serial 61 (01.03.1900) on, serial = days since 30.12.1899.
EPOCH_1900 = datetime(1899, 12, 30)
PHANTOM_LEAP_DAY_SERIAL = 60
EPOCH_1904 = datetime(1904, 1, 1)   # the 1904 date system (old Mac workbooks)


@lru_cache(maxsize=4096)
def col_letter(col: int) -> str:
    if col < 1:
        raise ValueError(f"column number must be >= 1, got {col}")
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@lru_cache(maxsize=4096)
def col_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        if not "A" <= ch <= "Z":
            raise ValueError(f"not a column: {letters!r}")
        n = n * 26 + (ord(ch) - 64)
    return n


def address(row: int, col: int) -> str:
    return f"{col_letter(col)}{row}"


def split_address(ref: str) -> tuple[int, int]:
    """'AB12' -> (12, 28)."""
    i = 0
    while i < len(ref) and ref[i].isalpha():
        i += 1
    return int(ref[i:]), col_number(ref[:i])


def excel_serial(value: date | datetime, date1904: bool = False) -> int | float:
    """Excel serial number of a date/datetime (the inverse of the serial parsing): days since the
    workbook's epoch, with the 1900 system's phantom 29.02.1900, the time of day as the fraction
    (wall clock, a time zone is dropped); a whole day is an int. ValueError (German) for a date
    Excel cannot show (before 1900, before 1904 in a 1904-system workbook)."""
    dt = value.replace(tzinfo=None) if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
    if date1904:
        if dt < EPOCH_1904:
            raise ValueError(f"Datum {value} liegt vor 1904 und ist in dieser Mappe nicht darstellbar")
        delta = dt - EPOCH_1904
    else:
        if dt < datetime(1900, 1, 1):
            raise ValueError(f"Datum {value} liegt vor 1900 und ist in Excel nicht darstellbar")
        delta = dt - EPOCH_1900
        if dt < datetime(1900, 3, 1):
            delta -= timedelta(days=1)     # Excel counts a 29 Feb 1900 that never was
    days = delta.days
    if not delta.seconds and not delta.microseconds:
        return days
    return days + (delta.seconds + delta.microseconds / 1e6) / 86400
