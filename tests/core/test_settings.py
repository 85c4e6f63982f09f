"""SPEC §0 "Settings sheet": two columns Schlüssel | Wert; every duration, role, colour,
holiday region and alias comes from there, defaults when a key is absent."""
from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, strategies as st

from xl_addin.core.findings import WARNING
from xl_addin.core.settings import MAX_DAYS, Settings, SettingSpec, parse_setting
from xl_addin.core.values import ParseError
from xl_addin.core.workbook_data import SheetData

SPECS = [
    SettingSpec("Tage bis 2. Mahnung", 14, "days", "Tage nach der 1. Mahnung bis zur 2. Mahnung"),
    SettingSpec("Snooze Vendor", 48, "hours", "Stunden, die eine Vendor-Nachricht wartet"),
    SettingSpec("Mahnlauf Tag", 1, "int", "Tag des Monats des Mahnlaufs"),
    SettingSpec("Mindestbetrag", 0.0, "float", "Beträge darunter werden nicht gemahnt"),
    SettingSpec("VIP-Manager", "VIP-Manager", "str", "Rolle: VIP Relationship Manager"),
    SettingSpec("Farbe gelb", "FFFF00", "colour", "Füllfarbe: zu verfolgen"),
    SettingSpec("Feiertage Region", "DE", "region", "Feiertage für Werktage"),
    SettingSpec("Auf Werktag verschieben", False, "bool", "Mahnlauf am nächsten Werktag"),
    SettingSpec("Interne Marker", ["intern:", "INTERN"], "list", "Zeilen, die so beginnen, nie exportieren"),
]


def sheet(*rows, header=("Schlüssel", "Wert", "Beschreibung")) -> SheetData:
    return SheetData("Einstellungen", [list(header), *[list(r) for r in rows]])


def test_no_settings_sheet_means_all_defaults_and_no_findings():
    settings, findings = Settings.from_sheet(None, SPECS)
    assert findings == []
    assert settings["Tage bis 2. Mahnung"] == 14
    assert settings.get("Farbe gelb") == "FFFF00"
    assert settings.get("Interne Marker") == ["intern:", "INTERN"]
    assert settings == Settings.defaults(SPECS)


def test_agent_changes_snooze_time_and_vip_manager_without_a_code_change():
    s = sheet(
        ["VIP-Manager", "Anna (VIP)", "wer die WA-Gruppen hat"],
        [None, None, None],                        # blank row in between is skipped
        ["snooze  vendor", "72", None],            # key matched ignoring case and blanks
        ["Tage bis 2. Mahnung", 21.0, None],        # Excel numbers arrive as floats
    )
    settings, findings = Settings.from_sheet(s, SPECS)
    assert findings == []
    assert settings["VIP-Manager"] == "Anna (VIP)"
    assert settings["Snooze Vendor"] == 72
    assert settings["Tage bis 2. Mahnung"] == 21 and type(settings["Tage bis 2. Mahnung"]) is int
    assert settings["Mahnlauf Tag"] == 1              # absent -> default
    assert settings.get("vip-manager") == "Anna (VIP)"  # lookup ignores case too


def test_columns_may_be_reordered_and_description_is_optional():
    s = SheetData("Einstellungen", [["Wert", "Schlüssel"], ["DE-BY", "Feiertage Region"]])
    settings, findings = Settings.from_sheet(s, SPECS)
    assert findings == [] and settings["Feiertage Region"] == "DE-BY"


def test_blank_value_keeps_the_default_silently():
    settings, findings = Settings.from_sheet(sheet(["Farbe gelb", "  "]), SPECS)
    assert findings == [] and settings["Farbe gelb"] == "FFFF00"


@pytest.mark.parametrize("typed, hours", [("48 h", 48), ("48", 48), (48.0, 48), ("2 Tage", 48),
                                          ("1,5 h", 1.5), ("36 Std.", 36), ("0", 0)])
def test_hours(typed, hours):
    assert parse_setting(typed, "hours") == hours


@pytest.mark.parametrize("typed, days", [("7 Tage", 7), ("7", 7), (7.0, 7), ("48 h", 2), ("10 giorni", 10),
                                         ("1 Tag", 1)])
def test_days(typed, days):
    assert parse_setting(typed, "days") == days


@pytest.mark.parametrize("typed, kind", [("-1", "days"), (-3, "hours"), ("2,5", "days"), ("36 h", "days"),
                                         ("sieben", "days"), ("7 Wochen", "days"), (True, "int"),
                                         (2.5, "int"), ("abc", "float"), (float("nan"), "hours")])
def test_numbers_that_do_not_fit(typed, kind):
    with pytest.raises(ParseError):
        parse_setting(typed, kind)


@pytest.mark.parametrize("typed", ["FFFF00", "#ffff00", "ffff00", "FFFFFF00", " #FfFf00 "])
def test_colour_spellings(typed):
    assert parse_setting(typed, "colour") == "FFFF00"


@pytest.mark.parametrize("typed", ["gelb", "FFF", "#GGGGGG", "FFFF0", 16776960])
def test_colours_that_are_not_colours(typed):
    with pytest.raises(ParseError):
        parse_setting(typed, "colour")


@pytest.mark.parametrize("typed, region", [("DE", "DE"), ("de", "DE"), ("DE-BY", "DE-BY"), ("de-by", "DE-BY"),
                                           ("DE_BY", "DE-BY"), ("IT", "IT"), ("DE-Bayern", "DE-BY")])
def test_regions(typed, region):
    assert parse_setting(typed, "region") == region


@pytest.mark.parametrize("typed", ["XX", "DE-XX", "Deutschland", "DE-"])
def test_unknown_regions(typed):
    if typed == "DE-":
        assert parse_setting(typed, "region") == "DE"   # a dangling dash is harmless
        return
    with pytest.raises(ParseError):
        parse_setting(typed, "region")


def test_list_and_bool_and_float():
    assert parse_setting("intern:; vertraulich , ,INTERN", "list") == ["intern:", "vertraulich", "INTERN"]
    assert parse_setting("ja", "bool") is True
    assert parse_setting("x", "bool") is True
    assert parse_setting("nein", "bool") is False
    assert parse_setting("12,50", "float") == 12.5
    assert parse_setting(12, "float") == 12


def test_unreadable_value_is_a_warning_with_the_cell_and_the_default_is_used():
    s = sheet(
        ["Tage bis 2. Mahnung", "vierzehn"],       # row 2
        ["Farbe gelb", "gelb"],                    # row 3
        ["Feiertage Region", "DE-XX"],             # row 4
        ["Auf Werktag verschieben", "vielleicht"],  # row 5
    )
    settings, findings = Settings.from_sheet(s, SPECS)
    assert [f.location for f in findings] == ["Einstellungen!B2", "Einstellungen!B3", "Einstellungen!B4",
                                               "Einstellungen!B5"]
    assert {f.severity for f in findings} == {WARNING}
    assert {f.code for f in findings} == {"XL-SETTINGS-INVALID"}
    assert "Tage bis 2. Mahnung" in findings[0].message and "vierzehn" in findings[0].message
    assert "14" in findings[0].message                 # the default that now applies
    assert settings["Tage bis 2. Mahnung"] == 14
    assert settings["Farbe gelb"] == "FFFF00"
    assert settings["Feiertage Region"] == "DE"
    assert settings["Auf Werktag verschieben"] is False


def test_value_column_found_wherever_it_is_and_warning_points_there():
    s = SheetData("Einstellungen", [["Beschreibung", "Schlüssel", None, "Wert"],
                                    ["x", "Mahnlauf Tag", None, "erster"]])
    _, findings = Settings.from_sheet(s, SPECS)
    assert [f.cell for f in findings] == ["D2"]


def test_duplicate_key_first_row_wins_with_a_warning():
    s = sheet(["Mahnlauf Tag", 5], ["mahnlauf tag", 7])
    settings, findings = Settings.from_sheet(s, SPECS)
    assert settings["Mahnlauf Tag"] == 5
    assert [(f.code, f.cell) for f in findings] == [("XL-SETTINGS-DUPLICATE", "A3")]


def test_sheet_without_the_two_headers_gives_defaults_and_one_warning():
    s = SheetData("Einstellungen", [["Key?", "Value?"], ["Mahnlauf Tag", 5]])
    settings, findings = Settings.from_sheet(s, SPECS)
    assert settings["Mahnlauf Tag"] == 1
    assert len(findings) == 1 and findings[0].severity == WARNING and findings[0].cell == ""
    settings, findings = Settings.from_sheet(SheetData("Einstellungen", []), SPECS)
    assert settings == Settings.defaults(SPECS) and len(findings) == 1


def test_italian_workbook_sheet_name_is_used_in_findings():
    s = SheetData("Impostazioni", [["Schlüssel", "Wert"], ["Mahnlauf Tag", "x"]])
    _, findings = Settings.from_sheet(s, SPECS, sheet_name="Impostazioni")
    assert findings[0].location == "Impostazioni!B2"


def test_unknown_keys_are_kept_as_text_and_other_keys_raise_key_error():
    settings, findings = Settings.from_sheet(sheet(["Eigener Schlüssel", 42.0]), SPECS)
    assert findings == []
    assert settings["Eigener Schlüssel"] == "42"
    assert "eigener schlüssel" in settings
    with pytest.raises(KeyError):
        settings.get("Gibt es nicht")
    with pytest.raises(KeyError):
        Settings.defaults(SPECS)["Eigener Schlüssel"]


def test_aliases_for_renamed_headers():
    s = sheet(["Alias order_id", "Bestell-ID; Order ID ;"], ["alias Vendor_ID", "User-ID"],
              ["Alias incasso_state", None])
    settings, findings = Settings.from_sheet(s, SPECS)
    assert findings == []
    assert settings.aliases() == {"order_id": ["Bestell-ID", "Order ID"], "Vendor_ID": ["User-ID"]}
    with pytest.raises(KeyError):
        settings["Alias order_id"]      # aliases are not settings values
    assert Settings.defaults(SPECS).aliases() == {}


def test_settings_are_immutable():
    settings = Settings.defaults(SPECS)
    settings.get("Interne Marker").append("mutated")
    assert settings.get("Interne Marker") == ["intern:", "INTERN"]
    settings.aliases()["x"] = ["y"]
    assert settings.aliases() == {}
    with pytest.raises(AttributeError):
        settings.sheet_name = "other"
    with pytest.raises(dataclasses.FrozenInstanceError):
        SPECS[0].default = 3  # type: ignore[misc]


def test_template_rows_round_trip_to_the_defaults():
    rows = Settings.defaults(SPECS).template_rows()
    assert rows[0] == ["Schlüssel", "Wert", "Beschreibung"]
    assert rows[1] == ["Tage bis 2. Mahnung", 14, "Tage nach der 1. Mahnung bis zur 2. Mahnung"]
    assert ["Interne Marker", "intern:; INTERN", "Zeilen, die so beginnen, nie exportieren"] in rows
    assert ["Auf Werktag verschieben", "nein", "Mahnlauf am nächsten Werktag"] in rows
    assert len(rows) == len(SPECS) + 1
    settings, findings = Settings.from_sheet(SheetData("Einstellungen", rows), SPECS)
    assert findings == []
    assert settings == Settings.defaults(SPECS)


@given(st.integers(min_value=0, max_value=MAX_DAYS * 24), st.sampled_from(["", " h", "h", " Std", " Stunden"]))
def test_any_whole_number_of_hours_is_read(n, unit):
    assert parse_setting(f"{n}{unit}", "hours") == n


@given(st.integers(min_value=MAX_DAYS * 24 + 1, max_value=10**30), st.sampled_from(["hours", "days"]))
def test_a_duration_longer_than_ten_years_is_refused(n, kind):
    """Added to a date it would pass the last day Excel knows (issue 12: OverflowError killed the
    batch); the setting's default is used and the cell reported."""
    with pytest.raises(ParseError, match="zu lang"):
        parse_setting(n if kind == "hours" else n // 24 + 1, kind)


@given(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text()),
       st.sampled_from(["int", "float", "str", "colour", "region", "hours", "days", "bool", "list"]))
def test_any_value_gives_a_value_or_a_parse_error(value, kind):
    try:
        parse_setting(value, kind)
    except ParseError as e:
        assert str(e)
