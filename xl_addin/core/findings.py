"""Findings: every problem the product sees in a workbook, with its place and the fix.

A finding is made from a declared ``Code`` (ruff's diagnostics are the model): the code, its
severity, its message per language (a format template with named fields), the fix template and
a one-line doc are written once, in a ``Catalog`` — the core's in ``core/catalog.py``, each
kind's in ``kinds/<kind>/findings.py``. A site says only where and with which values::

    INK.STATE_INVALID.at(sheet, "O17", key=order_id, value="cancelled", suggestion="canceled")
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from typing import ClassVar

from .cells import split_address
from .language import LANGUAGES, language
from .values import shortened

FIELD_LIMIT = 1000     # characters of one field of a message before it is shortened (values.shortened)

ERROR = "error"      # blocks an export
WARNING = "warning"  # reported, does not block
INFO = "info"
SEVERITIES = (ERROR, WARNING, INFO)


class Refusal(Exception):
    """An action refused as a whole (no Plan, no file); ``str(e)`` tells the agent why in one line
    (sheet, cell, what to do). Each kind's refusals derive from it, so that the front ends show
    them as they are without importing every kind's actions (``xl_addin.actions.AGENT_ERRORS``)."""


@dataclass(frozen=True)
class Finding:
    code: str            # stable, e.g. "INK-STATE-INVALID"
    severity: str        # ERROR | WARNING | INFO
    sheet: str
    cell: str            # "O17", or "" when the finding is about a whole sheet/workbook
    message: str         # in the workbook's language: what is wrong
    suggestion: str = ""  # what would be right, e.g. "canceled"
    key: str = ""        # order id / ticket id when known
    lang: str = "de"     # "de" or "it": language of the message and the suggestion phrase

    @property
    def row_col(self) -> tuple[int, int]:
        """(row, column) of the cell in reading order; (0, 0) for a finding about a whole sheet."""
        try:
            return split_address(self.cell) if self.cell else (0, 0)
        except ValueError:
            return (0, 0)

    @property
    def location(self) -> str:
        return f"{self.sheet}!{self.cell}" if self.cell else self.sheet

    def text(self) -> str:
        """One line, as on the terminal and in the Excel message box."""
        line = f"{self.location}  {self.message}"
        if self.suggestion and f"'{self.suggestion}'" not in self.message and not any(
                _suggestion_words(w) in self.message for w in LANGUAGES.values()):
            line += language(self.lang).suggest(self.suggestion)
        return line

    def as_dict(self) -> dict:
        d = asdict(self)
        d["location"] = self.location
        return d


def _suggestion_words(lang) -> str:
    """'meinten Sie', 'forse': a message that already asks does not get the phrase twice."""
    return lang.did_you_mean.split("'")[0].strip(" —")


def count_by_severity(findings) -> dict[str, int]:
    out = {ERROR: 0, WARNING: 0, INFO: 0}
    for f in findings:
        out[f.severity] = out.get(f.severity, 0) + 1
    return out


# --------------------------------------------------------------------------- declared codes

@dataclass(frozen=True)
class Code:
    """One rule's finding, declared once in a catalog.

    ``de``/``it`` are the message templates (``str.format`` with named fields), ``fix`` the
    suggestion template ('' when the site computes the suggestion or there is none), ``doc``
    the one line for the README's code table. ``code`` and ``language`` are set by the catalog:
    the catalog's prefix + the attribute name (``STATE_INVALID`` -> ``INK-STATE-INVALID``) and
    the catalog's language."""
    severity: str
    doc: str
    de: str = ""
    it: str = ""
    fix: str = ""
    code: str = ""
    language: str = "de"

    def message(self, lang: str | None = None, /, **fields: object) -> str:
        lang = lang or self.language
        template = getattr(self, lang, "")
        if not template:
            raise LookupError(f"{self.code} has no message in '{lang}'")
        return template.format(**fields)

    def at(self, sheet: str, cell: str = "", /, *, key: str | None = "", suggestion: str | None = "",
           lang: str | None = None, **fields: object) -> Finding:
        """The finding of this code at ``sheet!cell``; ``fields`` fill the message (and fix)."""
        return self.finding(sheet, cell, fields, key=key, suggestion=suggestion, lang=lang)

    def finding(self, sheet: str, cell: str, fields: Mapping[str, object], *, key: str | None = "",
                suggestion: str | None = "", lang: str | None = None) -> Finding:
        """``at`` for a site that carries the message's fields along as one mapping."""
        lang = lang or self.language
        # a field quoting a whole cell (up to 32,767 characters) is shortened: a message is a line
        fields = {k: shortened(v, lang) if isinstance(v, str) and len(v) > FIELD_LIMIT else v
                  for k, v in fields.items()}
        fix = suggestion or (self.fix.format(**fields) if self.fix else "")
        return Finding(self.code, self.severity, sheet, cell, self.message(lang, **fields), fix,
                       key or "", lang)


class Catalog:
    """The codes of one kind (or of the core), declared as class attributes::

        class InkassoCodes(Catalog, prefix="INK-", title="Inkasso"):
            STATE_INVALID = Code(ERROR, "incasso_state is none of the SPEC values", de="…")
    """
    prefix: ClassVar[str] = ""
    title: ClassVar[str] = ""
    languages: ClassVar[tuple[str, ...]] = ("de",)

    def __init_subclass__(cls, *, prefix: str, title: str, languages: tuple[str, ...] = ("de",),
                          **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls.prefix, cls.title, cls.languages = prefix, title, tuple(languages)
        for name, value in list(vars(cls).items()):
            if isinstance(value, Code):
                setattr(cls, name, replace(value, code=prefix + name.replace("_", "-"),
                                           language=cls.languages[0]))

    @classmethod
    def codes(cls) -> tuple[Code, ...]:
        """Every declared code, in declaration order."""
        return tuple(v for v in vars(cls).values() if isinstance(v, Code))
