"""Cell addresses: column letters <-> numbers (1-based)."""
from __future__ import annotations

from functools import lru_cache


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
