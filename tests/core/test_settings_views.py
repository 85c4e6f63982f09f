"""A typed settings view per kind, built once from Settings (core.settings' typed reads)."""
from __future__ import annotations

import pytest

from xl_addin.core.settings import Settings, SettingSpec
from xl_addin.core.workbook_data import SheetData
from xl_addin.kinds.diagonal import schema as DS
from xl_addin.kinds.diagonal.rules import Rules
from xl_addin.kinds.inkasso import schema as IS
from xl_addin.kinds.kundenakten import schema as KS
from xl_addin.kinds.solleciti import schema as SS
from xl_addin.kinds.solleciti.flowchart import Config

SPECS = [SettingSpec("n", 2, "int", ""), SettingSpec("h", 1.5, "hours", ""), SettingSpec("t", "x", "str", ""),
         SettingSpec("b", False, "bool", ""), SettingSpec("l", ["a", "b"], "list", "")]


def test_typed_reads_and_a_read_of_the_wrong_sort_is_an_error():
    s = Settings(SPECS)
    assert (s.whole("n"), s.number("h"), s.number("n"), s.text("t"), s.flag("b"), s.texts("l")) == \
        (2, 1.5, 2, "x", False, ("a", "b"))
    for read, key in ((s.whole, "b"), (s.whole, "h"), (s.text, "n"), (s.flag, "t"), (s.texts, "t")):
        with pytest.raises(TypeError):
            read(key)


def _sheet(rows: list[list]) -> SheetData:
    return SheetData("Einstellungen", [["Schlüssel", "Wert"], *rows])


def test_each_kind_reads_its_view_once_from_the_settings_sheet():
    inkasso = IS.InkassoSettings.from_settings(Settings.from_sheet(
        _sheet([["Mahnlauf Tag", 15], ["Mahnlauf auf Werktag verschieben", "ja"], ["Farbe gelb", "ffee00"]]),
        IS.SETTINGS)[0])
    assert (inkasso.run_day, inkasso.run_day_on_working_day, inkasso.yellow, inkasso.days_to_approval) == \
        (15, True, "FFEE00", 14)
    akten = KS.KundenaktenSettings.from_settings(Settings.from_sheet(
        _sheet([["Gemeinsames Konto", "Team; Empfang"], ["Vorlage Prio Kunde", "Prio-Text"]]), KS.SETTINGS)[0])
    assert akten.shared_accounts == ("Team", "Empfang") and akten.templates[KS.STATUS_PRIO] == "Prio-Text"
    assert akten.stale_days == 28 and KS.KundenaktenSettings.defaults().templates == KS.TEMPLATE_DEFAULTS
    rules = Rules.from_settings(Settings.from_sheet(_sheet([["Snooze Vendor-Nachricht", "1,5 Tage"],
                                                            ["Backups", 5]]), DS.SETTINGS)[0])
    assert (rules.vendor_hours, rules.backups, rules.grey) == (36, 5, "BFBFBF")
    assert Config.from_settings(Settings.defaults(SS.SETTINGS)).backups == 3
