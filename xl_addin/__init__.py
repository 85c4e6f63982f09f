"""xl_addin: the dunning / debt-collection rulebook for the support teams' workbooks.

One pure core (``xl_addin.core``), one module per workbook kind (``xl_addin.workbooks``),
and thin adapters: the surgical package writer (``xl_addin.package``), the CLI
(``xl_addin.cli``), the live-Excel adapter and the UDFs.
"""

__version__ = "0.1.0"
