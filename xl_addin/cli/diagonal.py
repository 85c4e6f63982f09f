"""Commands of the "Kundenbetreuung Diagonal" case log (SPEC §1): `step-done`, `new-case` (`due`: cli/due.py).

Each applies its Plan with the same writer as `run` (one write holds the action and the
recompute). Exit codes as for `run`: 0 = done; 1 = nothing or not everything could be done (one
line says why).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .. import actions
from .options import CONTEXT, fail, json_option, open_or_exit, protocol_json, time_options

_agent = click.option("--agent", default=None,
                      help="Name für das Protokoll (Standard: der angemeldete Benutzer).")
_json = json_option("Ergebnis als JSON ausgeben (für Skripte).")
_path = click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
_preview = click.option("--preview", is_flag=True,
                        help="Nur zeigen, was geändert würde (Zelle, alt → neu, Zeilen, Farben, Protokoll) — "
                             "schreibt nichts.")


def _show_preview(book: actions.OpenWorkbook, plan, title: str, json_out: bool, **extra) -> None:
    """The preview of ``plan`` (nothing written), as a table per sheet or as JSON."""
    from .preview import preview_json, print_preview

    pv = actions.preview(book, plan)
    if json_out:
        click.echo(preview_json(pv, path=str(book.path or book.data.source), preview=True, written=False, **extra))
    else:
        print_preview(pv, f"Vorschau {title} '{book.data.source}' (nichts geschrieben)")

def _apply(book: actions.OpenWorkbook, plan) -> None:
    """Write under the lock ``open_or_exit`` took, refusing a file someone saved since it was read."""
    try:
        actions.apply_to_book(book, plan)
    except actions.AGENT_ERRORS as e:
        fail(f"xl-addin: {e}")


def _dump(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@click.command("step-done", context_settings=CONTEXT)
@_path
@click.option("--row", "rows", type=int, multiple=True, help="Zeile auf 'Fälle' (mehrfach möglich).")
@click.option("--order", "orders", multiple=True, help="Bestell-ID (mehrfach möglich); der offene Fall dazu.")
@time_options()
@_agent
@_json
@_preview
def step_done_cmd(path, rows, orders, now, today, agent, json_out, preview):
    """Schritt erledigt: setzt Schritt auf den nächsten Schritt der Tabelle und 'Schritt seit' auf
    jetzt, protokolliert beides und rechnet die Mappe neu (Diagonal-Fallliste).

    Fälle, die nicht weiterkönnen (abgeschlossen, Eingabe unklar), bleiben unverändert und
    werden genannt; Exit 1, wenn das bei mindestens einem Fall so ist.
    """
    if not rows and not orders:
        raise click.UsageError("Bitte --row oder --order angeben.")
    book = open_or_exit(path, "step-done", now, today, user=agent, writable=not preview)
    try:
        result = actions.step_done(book, rows=rows, orders=orders)
    except actions.AGENT_ERRORS as e:
        fail(f"xl-addin: {e}")
    plan, done, refused = result.plan, result.done, result.refused
    if preview:
        _show_preview(book, plan, "Schritt erledigt", json_out, done=done,
                      refused=[f.as_dict() for f in refused])
        if not json_out:
            for f in refused:
                click.echo(f"  error   {f.text()}")
        sys.exit(1 if refused or not done else 0)
    if done:
        _apply(book, plan)
    if json_out:
        _dump({"path": str(path), "done": done, "written": bool(done), "refused": [f.as_dict() for f in refused],
               "protocol": protocol_json(plan), "findings": [f.as_dict() for f in plan.findings]})
    else:
        for entry in plan.protocol:
            if entry.action.startswith("Schritt erledigt"):
                click.echo(f"  {entry.sheet}!{entry.cell}  Bestell-ID {entry.key or '?'}: "
                           f"{entry.old or 'Neu'} → {entry.new}")
        for f in refused:
            click.echo(f"  error   {f.text()}")
        click.echo(f"{'OK' if done else 'FEHLER'}  {path}: {done} Schritt(e) erledigt"
                   + (f", {len(refused)} nicht möglich" if refused else "")
                   + (f"; {len(plan.protocol)} Protokolleinträge" if done else "; nichts geschrieben"))
    sys.exit(1 if refused or not done else 0)


@click.command("new-case", context_settings=CONTEXT)
@_path
@click.option("--order", "order_id", required=True, help="Bestell-ID.")
@click.option("--user", "user_id", required=True, help="User-ID des Vendors (VIP und E-Mail von 'Vendoren').")
@click.option("--type", "request_type", required=True, help="Anfrageart, z. B. Adressermittlung, Debtist-Zahlung.")
@click.option("--agency", default=None,
              help="Diagonal oder Debtist (Standard: aus der Anfrageart; Debtist-* gehört zu Debtist).")
@time_options()
@_agent
@_json
@_preview
def new_case_cmd(path, order_id, user_id, request_type, agency, now, today, agent, json_out, preview):
    """Neuer Fall: hängt eine Zeile an 'Fälle' an (Datum = heute, Schritt = Neu, VIP und
    Vendor-E-Mail von 'Vendoren'), protokolliert sie und rechnet die Mappe neu."""
    book = open_or_exit(path, "new-case", now, today, user=agent, writable=not preview)
    try:
        case = actions.new_case(book, order_id, user_id, request_type, agency)
    except actions.AGENT_ERRORS as e:
        fail(f"xl-addin: {e}")
    if preview:
        _show_preview(book, case.plan, "Neuer Fall", json_out, row=case.row)
        return
    _apply(book, case.plan)
    if json_out:
        _dump({"path": str(path), "row": case.row, "protocol": protocol_json(case.plan),
               "findings": [f.as_dict() for f in case.plan.findings]})
    else:
        for f in case.vendor_warnings:
            click.echo(f"  warning {f.text()}")
        click.echo(f"OK  {path}: Fall in Zeile {case.row} angelegt ({case.plan.protocol[0].new}); "
                   f"{len(case.plan.protocol)} Protokolleintrag")


COMMANDS = (step_done_cmd, new_case_cmd)
