"""The ribbon's "Vorschau" button next to "Neu berechnen" (issue 17 part 2), pressed on every demo
workbook in the in-memory Excel (FakeBook): one message box with the counts per sheet and the first
changes, nothing written; the counts are those of `xl-addin run --preview`, and after "Neu berechnen"
the preview has less to say."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.excel.test_entry import DEMO_DIR, NOW, demo_book, no_writes, one_alert
from xl_addin import actions
from xl_addin.excel import entry

DEMOS = sorted(p.stem for p in DEMO_DIR.glob("*.xlsx"))
RIBBON = Path(__file__).resolve().parents[2] / "macros"


@pytest.mark.parametrize("title", DEMOS)
def test_preview_button_shows_counts_and_first_changes_and_writes_nothing(title, tmp_path):
    book = demo_book(title, tmp_path)
    text = entry.preview(book, now=NOW)
    shown, box, critical = one_alert(book)
    assert shown == text and box == "xl_addin – Vorschau" and not critical
    assert no_writes(book)
    expected = actions.preview_file(DEMO_DIR / f"{title}.xlsx", NOW).preview
    assert expected is not None
    assert text.startswith(f"{actions.open_file(DEMO_DIR / f'{title}.xlsx').kind.title}: Vorschau — "
                           f"{expected.counts_text()} (nichts geändert).")
    assert "Erste Änderungen:" in text
    first_value = next(c for c in expected.changes if c.kind == "value")
    assert f"{first_value.sheet}!{first_value.cell}" in text and (first_value.key or "") in text
    assert "Traceback" not in text

    entry.recalculate(book, now=NOW)
    book.alerts.clear()
    after = entry.preview(book, now=NOW)
    assert after != text and one_alert(book)[0] == after


def test_the_button_sits_next_to_neu_berechnen_and_has_its_sub():
    ui = (RIBBON / "customUI14.xml").read_text(encoding="utf-8")
    assert ui.index('id="xlAddinRecalculate"') < ui.index('id="xlAddinPreview"') < ui.index('id="xlAddinCheck"')
    assert 'onAction="XlAddinRibbon.Preview"' in ui
    bas = (RIBBON / "XlAddinRibbon.bas").read_text(encoding="utf-8")
    assert 'Public Sub Preview(control As IRibbonControl)' in bas and "e.preview()" in bas
