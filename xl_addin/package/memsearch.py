"""Is a string of bytes in a big text, and where — with the C library's ``memmem`` where there is
one. Python's ``bytes.find`` looks through a sheet's text at 1–2 GB/s, glibc's memmem (its
hash-based search for needles of 3–256 bytes) at 5–20: asking whether a 28 MB Protokoll names a
sheet takes 17 ms one way and 1.6 ms the other. The answers are the same (tests/package/
test_memsearch.py); without the library (Windows) Python's own search answers.

Short texts and needles of one or two bytes go to Python's search: a call through ctypes costs
a microsecond or two, and memmem is no faster there.
"""
from __future__ import annotations

import ctypes
import sys

FROM = 64 << 10                # texts from this length are searched with memmem


def _load_memmem():
    if sys.platform == "win32":
        return None
    try:
        libc = ctypes.CDLL(None)                     # the process's own symbols: the C library's
        memmem = libc.memmem
    except (OSError, AttributeError):
        return None
    memmem.restype = ctypes.c_void_p                 # calls let go of the GIL
    memmem.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_size_t]
    return memmem


_MEMMEM = _load_memmem()


def address(data: bytes) -> int:
    """Where the bytes of ``data`` lie (ctypes points a c_char_p at them, no copy)."""
    base = ctypes.cast(ctypes.c_char_p(data), ctypes.c_void_p).value
    assert base is not None
    return base


def find(data: bytes, needle: bytes, start: int = 0, end: int | None = None) -> int:
    """``data.find(needle, start, end)`` for ``bytes``."""
    stop = len(data) if end is None else end
    if _MEMMEM is None or type(data) is not bytes or start < 0 or not 0 <= stop <= len(data) \
            or stop - start < FROM or not 3 <= len(needle) <= 256:
        return data.find(needle, start, end)
    base = address(data)
    hit = _MEMMEM(base + start, stop - start, needle, len(needle))
    return -1 if hit is None else hit - base


def contains(data: bytes, needle: bytes) -> bool:
    """``needle in data`` for ``bytes``."""
    return find(data, needle) >= 0
