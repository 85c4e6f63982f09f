"""Finding codes are declared once, in a catalog (core/catalog.py, kinds/<kind>/findings.py): every
finding the product makes carries a declared code, codes are unique, each has a doc line and its
messages in the languages its catalog speaks."""
from __future__ import annotations

import ast
import contextlib
import string
from datetime import datetime
from pathlib import Path

import pytest

import xl_addin
from xl_addin.actions import read_source
from xl_addin.core.catalog import Core
from xl_addin.core.context import RunContext
from xl_addin.core.findings import SEVERITIES, Finding
from xl_addin.core.workbook_data import SheetData, WorkbookData
from xl_addin.kinds import DIAGONAL, KINDS, KUNDENAKTEN
from xl_addin.kinds.diagonal.actions import plan_new_case, plan_step_done
from xl_addin.kinds.inkasso.handover import build_all_vendor_csvs, export_findings, vendors_with_orders
from xl_addin.kinds.inkasso.imports import (
    ImportRefused,
    plan_import_diagonal as import_diagonal,
    plan_import_schulden as import_schulden,
)
from xl_addin.kinds.inkasso.status_list import build_status_list
from xl_addin.kinds.kundenakten.vpa_export import ExportError, build_vpa_export
from xl_addin.package import read_workbook

PACKAGE = Path(xl_addin.__file__).parent
DEMO = PACKAGE.parent / "workbooks" / "demo"
NOW = RunContext(datetime(2026, 11, 22, 12, 0), "test")
CATALOGS = (Core, *(k.catalog for k in KINDS))
DECLARED = {code.code: code for catalog in CATALOGS for code in catalog.codes()}


# ------------------------------------------------------------------ the catalogs

def test_every_kind_has_a_catalog_with_its_own_prefix():
    prefixes = [c.prefix for c in CATALOGS]
    assert all(k.catalog is not None for k in KINDS)
    assert len(set(prefixes)) == len(prefixes) and all(p.endswith("-") for p in prefixes)
    for catalog in CATALOGS:
        assert catalog.codes(), catalog.title
        assert all(code.code.startswith(catalog.prefix) for code in catalog.codes())


def test_codes_are_unique_across_catalogs():
    codes = [code.code for catalog in CATALOGS for code in catalog.codes()]
    assert len(codes) == len(set(codes))


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda c: c.prefix)
def test_each_code_has_a_severity_a_doc_line_and_a_message_in_each_language_of_its_catalog(catalog):
    kinds_languages = {k.language for k in KINDS if k.catalog is catalog} or set(catalog.languages)
    assert kinds_languages <= set(catalog.languages)
    for code in catalog.codes():
        assert code.severity in SEVERITIES, code.code
        assert code.doc.strip() and "\n" not in code.doc and "|" not in code.doc, code.code
        for lang in catalog.languages:
            assert getattr(code, lang), f"{code.code} has no '{lang}' message"


@pytest.mark.parametrize("code", list(DECLARED.values()), ids=list(DECLARED))
def test_every_message_of_a_code_renders_and_the_fix_asks_for_no_other_fields(code):
    def fields(template: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name}
    languages = [lang for lang in ("de", "it") if getattr(code, lang)]
    asked = [fields(getattr(code, lang)) for lang in languages]
    values = {name: f"<{name}>" for name in set().union(*asked)}
    for lang in languages:        # a site gives the fields of every language: each renders with them
        assert code.message(lang, **values)
    assert fields(code.fix) <= set().union(*asked)


def test_core_codes_speak_german_and_italian():
    assert set(Core.languages) == {"de", "it"}
    finding = Core.HEADER_MISSING.at("Ticket", lang="it", header="Stato", consequence="")
    assert (finding.code, finding.lang, finding.message) == ("XL-HEADER-MISSING", "it",
                                                             "Colonna 'Stato' mancante nella riga 1")


# ------------------------------------------------------------------ every finding made is declared

def _sheet_without_row_1(wb: WorkbookData, name: str) -> WorkbookData:
    sheets = dict(wb.sheets)
    sheet = sheets[name]
    sheets[name] = SheetData(sheet.name, [["?"] * 3] + sheet.rows[1:], sheet.state)
    return WorkbookData(sheets, wb.source)


def _with_sheet(wb: WorkbookData, name: str, rows: list[list]) -> WorkbookData:
    return WorkbookData({**wb.sheets, name: SheetData(name, rows)}, wb.source)


def _variants(wb: WorkbookData):
    """The demo workbook as it is, and broken in the ways agents break workbooks."""
    kind = next(k for k in KINDS if k.recognises(wb))
    yield kind, wb
    settings = wb.sheet(kind.settings_sheet).name if wb.sheet(kind.settings_sheet) else kind.settings_sheet
    yield kind, _with_sheet(wb, settings, [["Schlüssel", "Wert"], ["Backups", "viele"], ["Backups", 3],
                                           ["Feiertage Region", "XX-YY"]])
    yield kind, _with_sheet(wb, settings, [["was", "anderes"]])
    for name in wb.sheets:
        yield kind, _sheet_without_row_1(wb, name)
        yield kind, WorkbookData({n: s for n, s in wb.sheets.items() if n != name}, wb.source)


def _findings(kind, wb: WorkbookData) -> list[Finding]:
    out = list(kind.plan_run(wb, NOW).findings)
    if kind.name == "inkasso":
        settings, _ = kind.read_settings(wb)
        out += export_findings(wb, settings)
        for export in build_all_vendor_csvs(wb, settings):
            out += export.findings
        for vendor in vendors_with_orders(wb, settings)[:3] + ["999999"]:
            out += build_status_list(wb, vendor, ["Laufend"], settings).findings
            out += build_status_list(wb, vendor, None, settings).findings
    if kind.name == "inkasso":                 # the month's returned files (issue 16)
        for source in sorted((DEMO / "imports").iterdir()):
            action = "import-diagonal" if source.name.startswith("diagonal") else "import-schulden"
            table = read_source(source, action)
            plan = import_diagonal if action == "import-diagonal" else import_schulden
            with contextlib.suppress(ImportRefused):   # a variant without Masterliste or its ids
                out += plan(wb, table, NOW).findings
    if kind is DIAGONAL and wb.sheet("Fälle") is not None and wb.sheet("Fälle").rows[0][0] != "?":
        out += plan_step_done(wb, NOW, rows=[1, 2, 3, 999], orders=["kein Auftrag", "1.5"]).findings
        out += plan_new_case(wb, NOW, "10009999", "4242", "Adressermittlung").findings
    if kind is KUNDENAKTEN and wb.sheet("Kunden") is not None:
        for row in wb.sheet("Kunden").rows[1:]:
            if row and row[0]:
                with contextlib.suppress(ExportError):   # a customer the export cannot find
                    out += build_vpa_export(wb, str(row[0])).findings
    return out


@pytest.mark.parametrize("path", sorted(DEMO.glob("*.xlsx")), ids=lambda p: p.stem)
def test_every_finding_of_the_demo_workbooks_and_their_broken_variants_is_declared(path):
    seen: set[str] = set()
    for kind, wb in _variants(read_workbook(path)):
        for f in _findings(kind, wb):
            assert f.code in DECLARED, f"{f.code} ({f.text()}) is in no catalog"
            assert f.severity == DECLARED[f.code].severity, f.code
            seen.add(f.code)
    assert len(seen) > 5   # the variants do reach the rules


# ------------------------------------------------------------------ no finding outside the catalogs

def test_no_finding_is_built_outside_the_catalog_machinery():
    """Findings are made by ``Code.at`` (core/findings.py) only: a ``Finding(...)`` elsewhere would
    carry a code no catalog declares."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == PACKAGE / "core" / "findings.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                if name == "Finding":
                    offenders.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    assert offenders == []
