"""The words the core puts around findings and input checks, once per language.

A workbook kind has one language (``Kind.language``: "de" or "it"); everything the core writes
into that workbook — the findings sheet's header, severity names, "did you mean", the prefix of a
cell that needs checking — is looked up here, never translated afterwards.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LANGUAGES", "Language", "language"]


@dataclass(frozen=True)
class Language:
    code: str                            # "de" | "it"
    did_you_mean: str                    # appended to a finding's line: "{suggestion}" is the fix
    check_input: str                     # prefix of a computed cell / UDF text whose input is wrong
    findings_header: tuple[str, ...]     # the findings sheet's row 1
    severity: dict[str, str]             # "error"/"warning"/"info" as the agents read them
    no_findings: str                     # the findings sheet's only row when nothing is wrong
    allowed: str                         # "(allowed: a, b, c)"

    def suggest(self, suggestion: str) -> str:
        return self.did_you_mean.format(suggestion=suggestion)


LANGUAGES: dict[str, Language] = {
    "de": Language(
        code="de",
        did_you_mean=" — meinten Sie '{suggestion}'?",
        check_input="Eingabe prüfen: ",
        findings_header=("Schwere", "Code", "Zelle", "Schlüssel", "Meldung", "Vorschlag"),
        severity={"error": "Fehler", "warning": "Warnung", "info": "Hinweis"},
        no_findings="Keine Befunde.",
        allowed="erlaubt",
    ),
    "it": Language(
        code="it",
        did_you_mean=" — forse '{suggestion}'?",
        check_input="DA CORREGGERE: ",
        findings_header=("Gravità", "Codice", "Cella", "Ticket", "Messaggio", "Suggerimento"),
        severity={"error": "Errore", "warning": "Avviso", "info": "Nota"},
        no_findings="Nessun problema.",
        allowed="ammessi",
    ),
}


def language(code: str) -> Language:
    """The words of language ``code``; KeyError for one the product does not speak."""
    return LANGUAGES[code]
