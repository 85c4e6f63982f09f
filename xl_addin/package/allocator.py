"""Memory habits of the big passes over a workbook: glibc's fastbins off, the cyclic garbage
collector paused.

glibc and big XML trees. A patched Masterliste is a libxml2 tree of a few million small blocks. glibc keeps freed small
blocks in "fastbins" and merges them all at once later — one pass over millions of blocks
scattered across the heap, ~0.4 s after every run on the 20,000-order bench (measured with
perf: malloc_consolidate). With fastbins off (``mallopt(M_MXFAST, 0)``, a documented glibc
setting) freed blocks are merged as they are freed; small allocations are still served by
glibc's per-thread cache. Process-wide and permanent, nothing is leaked; a no-op on other C
libraries and systems (Windows, macOS, musl).

The cyclic collector and passes that allocate many small objects and no reference cycles (a
run's Plan: writes, fills, findings per row; the writer's patch: ~a million short-lived lxml
proxies): it would traverse them again and again — ~20 % of a 20,000-order Inkasso plan, a third
of the patch. ``paused_gc`` pauses it for such a pass."""
from __future__ import annotations

import ctypes
import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager

_M_MXFAST = 1
_done = False


def no_fastbins() -> None:
    """Switch glibc's fastbins off, once per process (see module doc)."""
    global _done
    if _done:
        return
    _done = True
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None)                            # the process's own symbols
        gnu_libc_version = libc.gnu_get_libc_version      # glibc only
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return
    gnu_libc_version.restype = ctypes.c_char_p
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt(_M_MXFAST, 0)


@contextmanager
def paused_gc() -> Iterator[None]:
    """The cyclic garbage collector paused for the ``with`` block (see module doc); enabled again
    afterwards unless it was off before. Nests: an inner pause leaves the outer one paused."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
