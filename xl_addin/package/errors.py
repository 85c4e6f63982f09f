"""The one error the package layer raises to its callers."""
from __future__ import annotations


class WorkbookError(Exception):
    """The workbook could not be read or written. str(e) is ONE German line saying why, naming the
    file, e.g. "Datei 'x.xlsx' ist in Excel geöffnet (Sperrdatei '~$x.xlsx') — bitte schließen"."""
