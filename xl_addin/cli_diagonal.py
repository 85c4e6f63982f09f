"""CLI commands of the "Kundenbetreuung Diagonal" case log (SPEC §1): `step-done`, `new-case`, `due`.

Thin: parse arguments, call one pure function of ``xl_addin.workbooks.diagonal``, apply its Plan
with the same writer as `run` (one write holds the action and the recompute), print.
Exit codes as for `run`: 0 = done; 1 = nothing or not everything could be done (one line says why).
"""
from __future__ import annotations

import json
import re
import sys
from datetime import timedelta
from pathlib import Path

import click

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

_agent = click.option("--agent", default=None,
                      help="Name für das Protokoll (Standard: der angemeldete Benutzer).")
_json = click.option("--json", "json_out", is_flag=True, help="Ergebnis als JSON ausgeben (für Skripte).")
_path = click.argument("path", type=click.Path(dir_okay=False, path_type=Path))


def _fail(msg: str) -> None:
    click.echo(f"xl-addin: {msg}", err=True)
    sys.exit(1)


def _context(now, today, agent):
    from .cli import _parse_now
    from .engine import default_user, local_now
    from .kinds.diagonal import schema as S
    from .core.context import RunContext
    when = _parse_now(now, today)
    return RunContext(when or local_now(S.TIMEZONE), agent or default_user())


def _load(path: Path, write: bool):
    """The workbook's data; exit 1 unless it is a Diagonal case log that can be read (and written)."""
    from .engine import UnknownWorkbook, detect_kind
    from .package import WorkbookError, check_writable, read_workbook
    try:
        if write:
            check_writable(path)
        wb = read_workbook(path)
        if detect_kind(wb).name != "diagonal":
            raise UnknownWorkbook(f"'{path}' ist keine Diagonal-Fallliste (Blatt 'Fälle' fehlt)")
    except (WorkbookError, UnknownWorkbook) as e:
        _fail(str(e))
    return wb


def _apply(path: Path, plan) -> None:
    from .package import WorkbookError, apply_plan
    try:
        apply_plan(path, plan, backups=plan.keep_backups)
    except WorkbookError as e:
        _fail(str(e))


def _findings_json(plan) -> list[dict]:
    return [f.as_dict() for f in plan.findings]


def _protocol_json(plan) -> list[dict]:
    return [{"time": e.time.isoformat(), "user": e.user, "action": e.action, "sheet": e.sheet, "key": e.key,
             "cell": e.cell, "old": e.old, "new": e.new} for e in plan.protocol]


_DURATION = re.compile(r"\s*(\d+(?:[.,]\d+)?)\s*(min|m|minuten|h|std|stunden|d|t|tag|tage|w|wochen?)?\s*",
                       re.IGNORECASE)
_UNIT = {"min": 1 / 60, "m": 1 / 60, "minuten": 1 / 60, "h": 1, "std": 1, "stunden": 1, "": 1,
         "d": 24, "t": 24, "tag": 24, "tage": 24, "w": 168, "woche": 168, "wochen": 168}


def parse_within(text: str | None) -> timedelta | None:
    """'24h', '2d', '2 Tage', '90min', '1,5 h' -> timedelta; a bare number counts hours."""
    if text is None:
        return None
    m = _DURATION.fullmatch(text)
    if not m:
        raise click.BadParameter(f"'{text}' ist keine Dauer (z. B. 24h, 2d, 90min)", param_hint="--within")
    return timedelta(hours=float(m[1].replace(",", ".")) * _UNIT[(m[2] or "").casefold()])


def add_commands(group: click.Group) -> None:
    from .cli import time_options

    @group.command("step-done", context_settings=CONTEXT)
    @_path
    @click.option("--row", "rows", type=int, multiple=True, help="Zeile auf 'Fälle' (mehrfach möglich).")
    @click.option("--order", "orders", multiple=True, help="Bestell-ID (mehrfach möglich); der offene Fall dazu.")
    @time_options
    @_agent
    @_json
    def step_done_cmd(path, rows, orders, now, today, agent, json_out):
        """Schritt erledigt: setzt Schritt auf den nächsten Schritt der Tabelle und 'Schritt seit' auf
        jetzt, protokolliert beides und rechnet die Mappe neu (Diagonal-Fallliste).

        Fälle, die nicht weiterkönnen (abgeschlossen, Eingabe unklar), bleiben unverändert und
        werden genannt; Exit 1, wenn das bei mindestens einem Fall so ist.
        """
        from .kinds.diagonal.rules import ActionError
        from .kinds.diagonal.actions import plan_step_done
        if not rows and not orders:
            raise click.UsageError("Bitte --row oder --order angeben.")
        ctx = _context(now, today, agent)
        wb = _load(path, write=True)
        try:
            plan = plan_step_done(wb, ctx, rows=list(rows), orders=list(orders))
        except ActionError as e:
            _fail(str(e))
        done = plan.summary.get("Schritt erledigt", 0)
        refused = [f for f in plan.findings if f.code == "STEP-DONE-REFUSED"]
        if done:
            _apply(path, plan)
        if json_out:
            click.echo(json.dumps({"path": str(path), "done": done, "written": bool(done),
                                   "refused": [f.as_dict() for f in refused], "protocol": _protocol_json(plan),
                                   "findings": _findings_json(plan)}, ensure_ascii=False, indent=2, default=str))
        else:
            for e in plan.protocol:
                if e.action.startswith("Schritt erledigt"):
                    click.echo(f"  {e.sheet}!{e.cell}  Bestell-ID {e.key or '?'}: {e.old or 'Neu'} → {e.new}")
            for f in refused:
                click.echo(f"  error   {f.text()}")
            click.echo(f"{'OK' if done else 'FEHLER'}  {path}: {done} Schritt(e) erledigt"
                       + (f", {len(refused)} nicht möglich" if refused else "")
                       + (f"; {len(plan.protocol)} Protokolleinträge" if done else "; nichts geschrieben"))
        sys.exit(1 if refused or not done else 0)

    @group.command("new-case", context_settings=CONTEXT)
    @_path
    @click.option("--order", "order_id", required=True, help="Bestell-ID.")
    @click.option("--user", "user_id", required=True, help="User-ID des Vendors (VIP und E-Mail von 'Vendoren').")
    @click.option("--type", "request_type", required=True, help="Anfrageart, z. B. Adressermittlung, Debtist-Zahlung.")
    @click.option("--agency", default=None,
                  help="Diagonal oder Debtist (Standard: aus der Anfrageart; Debtist-* gehört zu Debtist).")
    @time_options
    @_agent
    @_json
    def new_case_cmd(path, order_id, user_id, request_type, agency, now, today, agent, json_out):
        """Neuer Fall: hängt eine Zeile an 'Fälle' an (Datum = heute, Schritt = Neu, VIP und
        Vendor-E-Mail von 'Vendoren'), protokolliert sie und rechnet die Mappe neu."""
        from .core.values import match_choice
        from .kinds.diagonal import schema as S
        from .kinds.diagonal.rules import ActionError
        from .kinds.diagonal.actions import plan_new_case
        ctx = _context(now, today, agent)
        wb = _load(path, write=True)
        if agency is None:
            known = match_choice(request_type, S.REQUEST_TYPES)
            agency = S.agency_of(known) if known else S.DIAGONAL
        try:
            plan = plan_new_case(wb, ctx, order_id, user_id, request_type, agency)
        except ActionError as e:
            _fail(str(e))
        _apply(path, plan)
        row = plan.summary.get("Fall angelegt (Zeile)")
        if json_out:
            click.echo(json.dumps({"path": str(path), "row": row, "protocol": _protocol_json(plan),
                                   "findings": _findings_json(plan)}, ensure_ascii=False, indent=2, default=str))
        else:
            for f in plan.findings:
                if f.code == "VENDOR-UNKNOWN" and f.cell.endswith(str(row)):
                    click.echo(f"  warning {f.text()}")
            click.echo(f"OK  {path}: Fall in Zeile {row} angelegt ({plan.protocol[0].new}); "
                       f"{len(plan.protocol)} Protokolleintrag")

    @group.command("due", context_settings=CONTEXT)
    @_path
    @click.option("--within", default=None, metavar="DAUER",
                  help="Auch Fälle, die innerhalb dieser Zeit fällig werden (z. B. 24h, 2d).")
    @time_options
    @_json
    def due_cmd(path, within, now, today, json_out):
        """Fällige und überfällige Fälle der Diagonal-Fallliste, die frühesten zuerst. Schreibt nichts."""
        from .core.values import format_date_de
        from .kinds.diagonal.actions import due_cases
        window = parse_within(within)
        ctx = _context(now, today, None)
        wb = _load(path, write=False)
        cases = due_cases(wb, ctx, window)
        if json_out:
            click.echo(json.dumps([c.as_dict() for c in cases], ensure_ascii=False, indent=2))
            return
        if not cases:
            click.echo("Keine fälligen Fälle." if window is None else f"Keine Fälle fällig bis {within}.")
            return
        from rich.console import Console
        from rich.table import Table
        table = Table(title=f"Fällig ({len(cases)})", title_justify="left", expand=False)
        for name in ("Fällig am", "Überf.", "Zeile", "Bestell-ID", "Agentur", "Anfrageart", "Schritt",
                     "Nächste Aktion", "Saved Reply"):
            table.add_column(name, overflow="fold")
        for c in cases:
            table.add_row(format_date_de(c.due), "Ja" if c.overdue else "", str(c.row), c.order_id or "",
                          c.agency or "", c.request_type or "", c.step or "", c.action, c.saved_reply or "")
        Console(file=sys.stdout, width=200, soft_wrap=False).print(table)
