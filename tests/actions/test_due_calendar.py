"""`xl-addin due WORKBOOK --ics FILE` on every kind (issue 17 part 3), as an agent uses it: export the
due dates, import them into the calendar, work, export again — the events update, never double.

The file is read back by a strict RFC 5545 structure check written here (lines, folding, nesting,
required and unique properties, time zones) and by a second, independent parser (the `ics`
package, its own grammar); the events are counted against a recount of the sheet the run wrote
(read with python-calamine)."""
from __future__ import annotations

import re
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import ics
import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from xl_addin.cli import main

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "workbooks" / "demo"
NOW = "2026-11-22T12:00"

# kind -> (sheet, id header, action header, due header, (header, value) that makes a row open)
KINDS = {
    "Inkasso - Cancelled Installments": ("Masterliste", "order_id", "Nächster Schritt", "Fällig am",
                                         ("Verfolgen", "Ja"), "Europe/Berlin"),
    "Kundenbetreuung Diagonal": ("Fälle", "Bestell-ID", "Nächste Aktion", "Fällig am", None, "Europe/Berlin"),
    "Solleciti": ("Ticket", "Ticket", "Azione", "Scadenza task", None, "Europe/Rome"),
    "Kundenakten": ("Kunden", "Kunde", "Nächster Schritt", "Wiedervorlage", None, "Europe/Berlin"),
}


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


# ---------------------------------------------------------------- a strict RFC 5545 structure check

def content_lines(data: bytes) -> list[str]:
    """RFC 5545 §3.1: CRLF line ends, no line over 75 octets, folded lines start with a blank."""
    assert data.endswith(b"\r\n"), "the file must end with CRLF"
    raw = data.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in raw), "bare LF or CR inside a line"
    assert all(len(line) <= 75 for line in raw), [line for line in raw if len(line) > 75][:1]
    out: list[str] = []
    for line in raw:
        text = line.decode("utf-8")          # UTF-8 throughout (§3.1.4); a fold never splits a character
        if text[:1] in (" ", "\t"):
            assert out, "a continuation line first"
            out[-1] += text[1:]
        else:
            out.append(text)
    return out


_PARAM_VALUE = r'("[^"]*"|[^;:,"]*)'
_LINE = re.compile(rf"^(?P<name>[A-Za-z0-9-]+)"
                   rf"(?P<params>(;[A-Za-z0-9-]+={_PARAM_VALUE}(,{_PARAM_VALUE})*)*):(?P<value>.*)$")


def parse_strict(data: bytes) -> dict:
    """The calendar as {'props': [...], 'components': [...]} — fails on anything RFC 5545 forbids
    that matters to Outlook."""
    stack: list[dict] = [{"name": "ROOT", "props": [], "components": []}]
    for line in content_lines(data):
        m = _LINE.match(line)
        assert m, f"not a content line: {line!r}"
        name, value = m["name"].upper(), m["value"]
        params = dict(p.split("=", 1) for p in m["params"].split(";")[1:])
        if name == "BEGIN":
            node = {"name": value.upper(), "props": [], "components": []}
            stack[-1]["components"].append(node)
            stack.append(node)
        elif name == "END":
            assert stack[-1]["name"] == value.upper(), f"END:{value} closes {stack[-1]['name']}"
            stack.pop()
        else:
            stack[-1]["props"].append((name, params, value))
    assert len(stack) == 1, "unclosed component"
    (cal,) = stack[0]["components"]
    assert cal["name"] == "VCALENDAR"
    return cal


def props(node: dict, name: str) -> list[tuple[str, dict, str]]:
    return [p for p in node["props"] if p[0] == name]


def one(node: dict, name: str) -> tuple[str, dict, str]:
    found = props(node, name)
    assert len(found) == 1, f"{node['name']} needs exactly one {name}, has {len(found)}"
    return found[0]


def check_rfc5545(data: bytes) -> list[dict]:
    cal = parse_strict(data)
    assert one(cal, "VERSION")[2] == "2.0" and one(cal, "PRODID")[2]
    zones = {one(z, "TZID")[2] for z in cal["components"] if z["name"] == "VTIMEZONE"}
    for z in cal["components"]:
        if z["name"] == "VTIMEZONE":
            parts = [c for c in z["components"] if c["name"] in ("STANDARD", "DAYLIGHT")]
            assert parts, "a VTIMEZONE needs STANDARD or DAYLIGHT"
            for c in parts:
                one(c, "DTSTART"), one(c, "TZOFFSETFROM"), one(c, "TZOFFSETTO")
    events = [c for c in cal["components"] if c["name"] == "VEVENT"]
    for ev in events:
        one(ev, "UID"), one(ev, "SUMMARY")
        assert re.fullmatch(r"\d{8}T\d{6}Z", one(ev, "DTSTAMP")[2]), "DTSTAMP must be UTC"
        _, sp, start = one(ev, "DTSTART")
        _, ep, end = one(ev, "DTEND")
        assert not props(ev, "DURATION"), "DTEND and DURATION together"
        if sp.get("VALUE") == "DATE":
            assert ep.get("VALUE") == "DATE" and re.fullmatch(r"\d{8}", start) and end > start
        else:
            assert sp.get("TZID") in zones and ep.get("TZID") == sp["TZID"], "TZID without its VTIMEZONE"
            assert re.fullmatch(r"\d{8}T\d{6}", start) and end > start
        assert re.fullmatch(r"\d+", one(ev, "SEQUENCE")[2])
    uids = [one(ev, "UID")[2] for ev in events]
    assert len(set(uids)) == len(uids), "two events share a UID"
    return events


# ---------------------------------------------------------------- the sheet as the run leaves it

def due_rows(path: Path, stem: str) -> dict[str, object]:
    """id -> due of every open row with a due date, recounted from the file the run wrote."""
    sheet, id_h, action_h, due_h, open_when, _ = KINDS[stem]
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    head = [str(h).strip() for h in rows[0]]
    col = {h: head.index(h) for h in (id_h, action_h, due_h, *(open_when[:1] if open_when else ()))}
    out = {}
    for r in rows[1:]:
        if open_when and str(r[col[open_when[0]]]).strip() != open_when[1]:
            continue
        due, rid = r[col[due_h]], r[col[id_h]]
        if due in ("", None) or rid in ("", None) or r[col[action_h]] in ("", None):
            continue
        rid = str(int(rid)) if isinstance(rid, float) and rid.is_integer() else str(rid).strip()
        out.setdefault(rid, []).append(due)
    return out


@pytest.fixture(params=sorted(KINDS))
def book(request, tmp_path) -> tuple[Path, str]:
    src = DEMO / f"{request.param}.xlsx"
    return Path(shutil.copy2(src, tmp_path / src.name)), request.param


def test_every_kind_exports_one_event_per_open_row_with_a_due_date(book, tmp_path):
    path, stem = book
    before = path.read_bytes()
    out = tmp_path / "faellig.ics"
    res = cli("due", path, "--ics", out, "--now", NOW)
    assert res.exit_code == 0, res.output
    assert path.read_bytes() == before, "due --ics must not touch the workbook"
    data = out.read_bytes()
    events = check_rfc5545(data)

    assert cli("run", path, "--now", NOW).exit_code == 0        # what the sheet says after a run
    want = due_rows(path, stem)
    assert len(events) == sum(len(v) for v in want.values()) > 0
    tz = KINDS[stem][5]
    assert f"TZID:{tz}" in data.decode()

    parsed = ics.Calendar(data.decode("utf-8"))                  # the second, independent parser
    assert len(parsed.events) == len(events)
    for ev in parsed.events:
        rid = ev.name.split(" – ", 1)[0]
        assert rid in want, f"event for {rid!r}, which the sheet does not list as due"
        dues = want[rid]
        if ev.all_day:
            assert ev.begin.date() in [d.date() if isinstance(d, datetime) else d for d in dues]
        else:
            local = ev.begin.to(tz).naive
            assert local in dues                                 # the sheet's local time, in the kind's zone
            assert ev.begin.utcoffset() == ZoneInfo(tz).utcoffset(local)
            assert ev.end - ev.begin == timedelta(minutes=30)


def test_uids_are_stable_across_exports_and_a_moved_due_date_moves_its_event(tmp_path):
    path = Path(shutil.copy2(DEMO / "Kundenbetreuung Diagonal.xlsx", tmp_path / "Kundenbetreuung Diagonal.xlsx"))
    first, second, third = (tmp_path / f"{n}.ics" for n in (1, 2, 3))
    assert cli("due", path, "--ics", first, "--now", NOW).exit_code == 0
    assert cli("due", path, "--ics", second, "--now", "2026-11-22T15:30").exit_code == 0
    a = {e.uid: e for e in ics.Calendar(first.read_text("utf-8")).events}
    b = {e.uid: e for e in ics.Calendar(second.read_text("utf-8")).events}
    assert set(a) == set(b) and len(a) > 10
    seq = lambda data: {u: int(s) for u, s in re.findall(r"UID:(\S+)\r\nSEQUENCE:(\d+)", data)}  # noqa: E731
    assert all(seq(second.read_text("utf-8"))[u] > s for u, s in seq(first.read_text("utf-8")).items())

    # a case is worked on: 'Vendor informiert' in row 13 becomes 'Erinnert' — same event, later date
    assert cli("run", path, "--now", NOW).exit_code == 0
    assert cli("step-done", path, "--row", 13, "--now", "2026-11-23T09:00").exit_code == 0
    assert cli("due", path, "--ics", third, "--now", "2026-11-23T09:00").exit_code == 0
    c = {e.uid: e for e in ics.Calendar(third.read_text("utf-8")).events}
    assert set(c) <= set(a)                             # nothing new appeared for the same cases
    moved = [u for u in c if c[u].begin != a[u].begin]
    assert moved, "the case worked on keeps its UID and moves"
    assert all(c[u].name.split(" – ")[0] == a[u].name.split(" – ")[0] for u in c)


def test_uids_follow_the_workbook_name_and_the_calendar_id_keeps_them_after_a_rename(tmp_path):
    path = Path(shutil.copy2(DEMO / "Kundenakten.xlsx", tmp_path / "Kundenakten.xlsx"))
    renamed = Path(shutil.copy2(path, tmp_path / "Kundenakten 2027.xlsx"))
    uids = {}
    for name, p, extra in (("orig", path, ()), ("renamed", renamed, ()),
                           ("kept", renamed, ("--kalender-id", "Kundenakten"))):
        out = tmp_path / f"{name}.ics"
        assert cli("due", p, "--ics", out, "--now", NOW, *extra).exit_code == 0
        uids[name] = {e.uid for e in ics.Calendar(out.read_text("utf-8")).events}
    assert uids["orig"] == uids["kept"] and not uids["orig"] & uids["renamed"]


def test_a_duplicate_ticket_gets_two_events_with_two_uids(tmp_path):
    path = Path(shutil.copy2(DEMO / "Solleciti.xlsx", tmp_path / "Solleciti.xlsx"))
    out = tmp_path / "scadenze.ics"
    assert cli("due", path, "--ics", out, "--now", NOW).exit_code == 0
    events = ics.Calendar(out.read_text("utf-8")).events
    ids = [e.name.split(" – ")[0] for e in events]
    assert len(ids) > len(set(ids))                      # the demo has a ticket twice (SOL-TICKET-DUPLICATE)
    assert len({e.uid for e in events}) == len(events)


def test_due_lists_what_is_due_in_every_kind_and_json(tmp_path):
    for stem in KINDS:
        res = cli("due", DEMO / f"{stem}.xlsx", "--now", NOW, "--json")
        assert res.exit_code == 0, res.output
        assert '"overdue": true' in res.output
    res = cli("due", DEMO / "Solleciti.xlsx", "--now", NOW, "--within", "3d")
    assert res.exit_code == 0 and "Fällig (" in res.output


def test_an_unwritable_calendar_path_says_so_in_one_line(tmp_path):
    folder = tmp_path / "ordner"
    folder.mkdir()
    res = cli("due", DEMO / "Kundenakten.xlsx", "--ics", folder, "--now", NOW)
    assert res.exit_code != 0
    assert "ordner" in res.output


GOOD = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//DE\r\nBEGIN:VEVENT\r\nUID:a@x\r\nSUMMARY:s\r\n"
        "DTSTAMP:20261122T110000Z\r\nDTSTART;VALUE=DATE:20261123\r\nDTEND;VALUE=DATE:20261124\r\nSEQUENCE:1\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n")


@pytest.mark.parametrize("broken", [
    GOOD.replace("\r\n", "\n"),                                         # bare LF
    GOOD.replace("SUMMARY:s", "SUMMARY:" + "x" * 80),                   # an unfolded long line
    GOOD.replace("UID:a@x\r\n", ""),                                    # no UID
    GOOD.replace("DTSTART;VALUE=DATE:20261123", "DTSTART;TZID=Europe/Berlin:20261123T090000")
        .replace("DTEND;VALUE=DATE:20261124", "DTEND;TZID=Europe/Berlin:20261123T093000"),  # no VTIMEZONE
    GOOD.replace("END:VEVENT\r\n", ""),                                 # unclosed
    GOOD.replace("DTSTAMP:20261122T110000Z", "DTSTAMP:20261122T110000"),  # local DTSTAMP
])
def test_the_structure_check_can_fail(broken):
    check_rfc5545(GOOD.encode())
    with pytest.raises(AssertionError):
        check_rfc5545(broken.encode())
