"""Findings: every problem the product sees in a workbook, with its place and the fix."""
from __future__ import annotations

from dataclasses import dataclass, asdict

ERROR = "error"      # blocks an export
WARNING = "warning"  # reported, does not block
INFO = "info"


@dataclass(frozen=True)
class Finding:
    code: str            # stable, e.g. "INK-STATE-INVALID"
    severity: str        # ERROR | WARNING | INFO
    sheet: str
    cell: str            # "O17", or "" when the finding is about a whole sheet/workbook
    message: str         # German (Italian for Solleciti): what is wrong
    suggestion: str = ""  # what would be right, e.g. "canceled"
    key: str = ""        # order id / ticket id when known
    lang: str = "de"     # "de" or "it": language of the suggestion phrase

    @property
    def location(self) -> str:
        return f"{self.sheet}!{self.cell}" if self.cell else self.sheet

    def text(self) -> str:
        """One line, as on the terminal and in the Excel message box."""
        line = f"{self.location}  {self.message}"
        quoted = f"'{self.suggestion}'"
        if (self.suggestion and quoted not in self.message and "meinten Sie" not in self.message
                and "forse" not in self.message):
            line += (f" — forse '{self.suggestion}'?" if self.lang == "it"
                     else f" — meinten Sie '{self.suggestion}'?")
        return line

    def as_dict(self) -> dict:
        d = asdict(self)
        d["location"] = self.location
        return d


def count_by_severity(findings) -> dict[str, int]:
    out = {ERROR: 0, WARNING: 0, INFO: 0}
    for f in findings:
        out[f.severity] = out.get(f.severity, 0) + 1
    return out
