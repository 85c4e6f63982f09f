"""Inside Excel: the live-workbook adapter (``adapter``) and the ribbon's entry points (``entry``).
The add-in that carries the ribbon is built by :mod:`xl_addin.addin`.

Only the BSD part of xlwings is used, and only lazily (never ``xlwings.pro``, Server, the
remote interpreter or the calamine reader), so everything here imports on Linux without Excel.
"""
