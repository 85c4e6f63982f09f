"""What a run needs to know about the world: the time and who runs it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class RunContext:
    now: datetime          # naive local time (Europe/Berlin, Europe/Rome for Solleciti)
    user: str = "xl_addin"

    @property
    def today(self):
        return self.now.date()
