"""The errors the package layer raises to its callers."""
from __future__ import annotations


class WorkbookError(Exception):
    """The workbook could not be read or written. str(e) is ONE German line saying why, naming the
    file, e.g. "Datei 'x.xlsx' ist in Excel geöffnet (Sperrdatei '~$x.xlsx') — bitte schließen"."""


class WorkbookLocked(WorkbookError):
    """Another run (another process, a ribbon press, another server on the share) holds the
    workbook's lock, and it did not come free within the wait."""


class WorkbookChanged(WorkbookError):
    """The file on disk is no longer the one the run read (someone saved it meanwhile): nothing
    was written. Reading it again and planning anew is safe."""


class Terminated(SystemExit):
    """SIGTERM (or SIGHUP) arrived while a run held a workbook: raised in the main thread so that
    every ``finally`` runs — temp file removed, lock released — and the process then ends with
    one line on stderr (``code`` is that line; a ``SystemExit`` is not caught by the batch's
    per-file error handling, so the batch stops as the signal asks)."""

    def __init__(self, signal_name: str, file: str = ""):
        self.signal_name = signal_name
        self.file = file
        super().__init__(self.line())

    def line(self) -> str:
        where = f"Datei '{self.file}' nicht geschrieben, Original unverändert" if self.file else "nichts geschrieben"
        return f"xl-addin: abgebrochen ({self.signal_name}) — {where}, temporäre Dateien entfernt"

    def naming(self, file: str) -> Terminated:
        """The same interruption, naming the file it stopped (once: the innermost file wins)."""
        if not self.file:
            self.file = file
            self.code = self.line()
            self.args = (self.code,)
        return self
