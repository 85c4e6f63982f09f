"""xl_addin: the dunning / debt-collection rulebook for the support teams' workbooks.

One pure core (``xl_addin.core``), one folder per workbook kind (``xl_addin.kinds``), one action
layer every front end calls (``xl_addin.actions``), and thin adapters: the surgical package writer
(``xl_addin.package``), the file writer (``xl_addin.files``), the CLI (``xl_addin.cli``), the
live-Excel adapter and the UDFs.
"""

__version__ = "0.1.0"
