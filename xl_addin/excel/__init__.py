"""Inside Excel: the live-workbook adapter (``adapter``), the ribbon's entry points (``entry``)
and the build of the ``xl_addin.xlam`` add-in (``addin_build``, ``vba_project``).

Only the BSD part of xlwings is used, and only lazily (never ``xlwings.pro``, Server, the
remote interpreter or the calamine reader), so everything here imports on Linux without Excel.
"""
