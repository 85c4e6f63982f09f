"""Issue 12, item 13: `intern:` lines of support_comment once reached the Diagonal CSV behind an
invisible character (zero-width space, BOM, other format characters) or a line break other than
LF/CR LF (VT, FF, NEL, U+2028/2029, CR alone). SPEC §2: "lines starting with the internal marker
(default `intern:`) are dropped; line breaks become `; `" — whatever Unicode calls a line break,
and whatever invisible character a paste from a mail or a web page put before the marker.

Real files: the Masterliste is written by XlsxWriter (which stores VT, FF, CR as Excel does,
`_x000B_` …), exported by `xl-addin export-csv`, the CSV read back as bytes."""
from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
import xlsxwriter
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.builders import order
from xl_addin.cli import main
from xl_addin.core.workbook_data import WorkbookData
from xl_addin.kinds.inkasso import schema as S
from xl_addin.kinds.inkasso.handover import clean_comment

SECRET = "Anwalt prüft"
BREAKS = ["\n", "\r\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
INVISIBLE = ["\u200b", "\ufeff", "\u200c", "\u200d", "\u2060", "\u200e", "\u200f", "\u202a", "\u202e", "\u00ad",
             "\u061c", "\u180e", "\u034f", "\u3164", "\ufe0f", "\U000e0069", "\x00", "\x07", "\x1f"]
BLANKS = [" ", "\t", "\u00a0", "\u2003", "\u3000", "\u202f"]
MARKERS = ["intern:", "Intern:", "INTERN:", "ｉｎｔｅｒｎ：", "in\u200btern:", "intern\ufe13", "ＩＮＴＥＲＮ:"]


def write_xlsx(wb: WorkbookData, path: Path) -> Path:
    """The tables as a real workbook, as XlsxWriter writes it (strings as strings, control
    characters as Excel's escapes, dates as Excel dates)."""
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False})
    dates = book.add_format({"num_format": "dd.mm.yyyy"})
    for name, sheet in wb.sheets.items():
        ws = book.add_worksheet(name)
        for r, row in enumerate(sheet.rows):
            for c, v in enumerate(row):
                if isinstance(v, date):
                    ws.write_datetime(r, c, v, dates)
                elif isinstance(v, str):
                    ws.write_string(r, c, v)
                elif v is not None:
                    ws.write(r, c, v)
    book.close()
    return path


def masterliste(comments: list[str]) -> WorkbookData:
    from tests.builders import inkasso_data
    rows = [order(**{S.M_SUPPORT_COMMENT: text, S.M_FIRST_LETTER: date(2026, 9, 1),
                     S.M_SECOND_LETTER: date(2026, 9, 15), S.M_INCASSO_STATE: "on_hold",
                     S.M_REOPENED: False, S.M_INVALID_ADDRESS: False}) for text in comments]
    return inkasso_data(rows)


def export_comments(tmp_path: Path, comments: list[str]) -> list[str]:
    """support_comment of every row of vendor 1006's CSV, made by the CLI from a real file."""
    path = write_xlsx(masterliste(comments), tmp_path / "Inkasso.xlsx")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["export-csv", str(path), "--vendor", "1006", "--out", str(out),
                                       "--now", "2026-11-22T12:00"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data = (out / "vendor_1006.csv").read_bytes()
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    return [r["support_comment"] for r in rows]


@pytest.mark.parametrize("brk", BREAKS)
def test_every_line_break_separates_lines(tmp_path, brk):
    got = export_comments(tmp_path, [f"Kunde informiert{brk}intern: {SECRET}{brk}Zahlung angekündigt"])
    assert got == ["Kunde informiert; Zahlung angekündigt"]


def test_invisible_characters_and_compatibility_forms_before_the_marker(tmp_path):
    comments = [f"Kunde informiert\n{inv}intern: {SECRET}" for inv in INVISIBLE]
    comments += [f"Kunde informiert\n{blank}{inv}{m} {SECRET}"
                 for blank in BLANKS for inv in ("", "\ufeff") for m in MARKERS]
    assert export_comments(tmp_path, comments) == ["Kunde informiert"] * len(comments)


def test_kept_lines_are_exported_as_typed_apart_from_invisible_ends(tmp_path):
    got = export_comments(tmp_path, ["\ufeffKunde ² zahlt ﬁx\u200b\u2028Kunde ist intern: bekannt\x0bbitte =SUM(A1)"])
    assert got == ["Kunde ² zahlt ﬁx; Kunde ist intern: bekannt; bitte =SUM(A1)"]


def test_the_marker_setting_is_normalised_alike():
    assert clean_comment("NUR INTERN Anwalt\u2029Kunde zahlt", "\u200bnur\u00a0intern") == "Kunde zahlt"
    assert clean_comment("a\u2028b", "") == "a; b"


# ------------------------------------------------------------------ the property

line_break = st.sampled_from(BREAKS)
prefix = st.lists(st.sampled_from(INVISIBLE + BLANKS), max_size=4).map("".join)
plain = st.text(st.characters(blacklist_categories=["Cs"]), max_size=20)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(st.tuples(st.booleans(), prefix, st.sampled_from(MARKERS), plain), min_size=1, max_size=6),
       breaks=st.lists(line_break, min_size=6, max_size=6))
def test_no_intern_line_survives_any_invisible_prefix_or_line_break(lines, breaks):
    """Every internal line carries a unique tag; none reaches the exported comment, and no
    exported piece holds a line break of any kind."""
    parts = []
    for i, (internal, pre, marker, text) in enumerate(lines):
        parts.append(f"{pre}{marker} «geheim{i}» {text}" if internal else f"«offen{i}» {text}")
    comment = "".join(p + breaks[i] for i, p in enumerate(parts))
    out = clean_comment(comment, "intern:")
    for i, (internal, *_rest) in enumerate(lines):
        assert (f"«geheim{i}»" in out) is False if internal else f"«offen{i}»" in out
    assert out.splitlines() == ([out] if out else [])


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(pre=prefix, marker=st.sampled_from(MARKERS), brk=line_break)
def test_no_intern_line_in_any_csv_written_from_a_real_file(tmp_path_factory, pre, marker, brk):
    tmp = tmp_path_factory.mktemp("csv")
    comment = f"Kunde informiert{brk}{pre}{marker} {SECRET}{brk}Rückruf vereinbart"
    assert export_comments(tmp, [comment]) == ["Kunde informiert; Rückruf vereinbart"]


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=30), st.text(max_size=30)))
def test_the_short_way_for_plain_ascii_keys_a_line_as_the_long_way(line):
    """The marker comparison's ASCII short cut is the general rule for ASCII lines."""
    import unicodedata

    from xl_addin.kinds.inkasso import handover as H
    long_way = "".join(ch for ch in unicodedata.normalize("NFKC", line).casefold() if not H._invisible(ch)).lstrip()
    assert H._marker_key(line) == long_way
