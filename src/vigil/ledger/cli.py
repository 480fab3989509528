"""`vigil ledger ...`: import, balance, trace, verify, reconcile."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import orjson
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

ledger_app = typer.Typer(help="Controlled-items ledger.", no_args_is_help=True)
err = Console(stderr=True)


def _fail(message: str, code: int = 1) -> None:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(code)


def _actor():
    from vigil.cli import cli_actor

    return cli_actor()


def _time(text: str | None, option: str):
    from vigil.platform import clock

    try:
        return clock.parse_as_of(text)
    except ValueError:
        _fail(f"{option} {text!r} is not a date or ISO time")


@ledger_app.command("import")
def import_records(input: Path = typer.Option(..., "--input", help="JSON lines: holder, site, movement records"),
                   output: Path = typer.Option(..., "--output", help="one result line per input line"),
                   reconcile: bool = typer.Option(True, help="recompute balances from movements afterwards")):
    """Apply records in order; write each one's status, reasons and alerts; summarise on stderr."""
    from sqlalchemy.exc import SQLAlchemyError

    from vigil.ledger import service
    from vigil.platform.database import session_scope
    from vigil.platform.errors import Problem

    if not input.is_file():
        _fail(f"no such file: {input}")
    total = sum(1 for line in input.open("rb") if line.strip())
    summary = {"accepted": 0, "rejected": 0, "alerts": 0}
    try:
        with Progress(TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err, transient=True, disable=not err.is_terminal) as bar, \
                session_scope() as db, output.open("wb") as out:
            task = bar.add_task("import", total=total)
            records = (service.parse_line(line) for line in input.open("rb") if line.strip())
            for outcome in service.apply_records(db, _actor(), records, source=input.name,
                                                 progress=lambda n: bar.advance(task, n)):
                out.write(orjson.dumps(outcome.as_output()) + b"\n")
                summary["accepted" if outcome.accepted else "rejected"] += 1
                summary["alerts"] += len(outcome.alerts)
            problems = service.reconcile(db) if reconcile else []
    except Problem as exc:
        _fail(exc.detail)
    except OSError as exc:
        _fail(str(exc))
    except SQLAlchemyError as exc:  # nothing of the import is stored: its transaction rolled back
        _fail(f"database error, nothing imported: {str(exc).splitlines()[0]}")
    for p in problems:
        err.print(f"[red]reconciliation:[/red] {p}", highlight=False)
    recon = "balances reconciled" if reconcile and not problems else \
        f"{len(problems)} reconciliation differences" if reconcile else "reconciliation skipped"
    print(f"{summary['accepted']} accepted, {summary['rejected']} rejected, {summary['alerts']} alerts; {recon}",
          file=sys.stderr)
    if problems:
        raise typer.Exit(3)


@ledger_app.command("balance")
def balance(holder: str, at: str = typer.Option(None, "--at", help="ISO time: the balance at that moment"),
            as_json: bool = typer.Option(False, "--json")):
    """A holder's stock by item and site (in-transit goods belong to no holder until confirmed)."""
    from vigil.ledger import service
    from vigil.platform.database import session_scope
    from vigil.platform.errors import Problem

    when = _time(at, "--at")
    try:
        with session_scope() as db:
            data = service.balance(db, _actor(), holder, when)
    except Problem as exc:
        _fail(exc.detail)
    keys = ("class", "serial", "lot", "quantity", "unit", "site")  # the contract's fields, exactly
    out = {"holder": data["holder"], "items": [{k: i[k] for k in keys if k in i} for i in data["items"]]}
    if as_json:
        print(json.dumps(out, indent=2))
        return
    from rich.table import Table

    table = Table("class", "serial / lot", "quantity", "unit", "site", title=f"holder {holder}")
    for i in out["items"]:
        table.add_row(i["class"], i.get("serial") or i.get("lot"), f"{i['quantity']:g}", i["unit"], i["site"] or "-")
    Console().print(table)


@ledger_app.command("trace")
def trace(key: str = typer.Argument(..., metavar="SERIAL-OR-LOT"),
          at: str = typer.Option(None, "--at", help="also show who held it, where, at that moment"),
          as_json: bool = typer.Option(False, "--json")):
    """The accepted movements of a serial or lot, oldest first."""
    from vigil.ledger import service
    from vigil.platform.database import session_scope
    from vigil.platform.errors import Problem

    when = _time(at, "--at")
    try:
        with session_scope() as db:
            data = service.trace(db, _actor(), key)
            held = service.holdings_at(db, _actor(), key, when) if when else None
    except Problem as exc:
        _fail(exc.detail)
    moves = [dict(m, at=m["at"].isoformat().replace("+00:00", "Z")) for m in data["movements"]]
    if as_json:
        brief = [{k: m[k] for k in ("id", "at", "kind", "holder")} for m in moves]  # the contract's fields
        out = brief if held is None else {"movements": brief, "held_at": _jsonable(held)}
        print(json.dumps(out, indent=2))
        return
    from rich.table import Table

    table = Table("at", "kind", "id", "holder", "site", "quantity", "to", title=f"{data['class']} {key}")
    for m in moves:
        table.add_row(m["at"], m["kind"], m["id"], m["holder"], m["site"] or "-", f"{m['quantity']:g} {m['unit']}",
                      m["to"] or "")
    Console().print(table)
    if held is not None:
        Console().print_json(json.dumps(_jsonable(held)))


def _jsonable(data):
    return json.loads(orjson.dumps(data))


@ledger_app.command("verify")
def verify():
    """Check the movement hash chain; exit non-zero naming the first broken entry."""
    from vigil.ledger import service
    from vigil.platform.database import session_scope

    with session_scope() as db:
        result = service.verify(db)
    if result.ok:
        print(f"ledger chain intact: {result.checked} entries verified")
        return
    named = f" (movement {result.movement})" if result.movement else ""
    err.print(f"[red]ledger chain broken[/red] at entry {result.seq}{named}: {result.problem}", highlight=False)
    raise typer.Exit(2)


@ledger_app.command("reconcile")
def reconcile():
    """Recompute every balance from the movements and compare with the balance table."""
    from vigil.ledger import service
    from vigil.platform.database import session_scope

    with session_scope() as db:
        problems = service.reconcile(db)
    for p in problems:
        err.print(p, highlight=False)
    if problems:
        raise typer.Exit(3)
    print("balances reconciled: the balance table matches the movements")


@ledger_app.command("un")
def un_number(number: str):
    """Look up a UN number in the ledger's bundled table."""
    from vigil.ledger.core import un

    entry = un.lookup(number)
    if entry is None:
        _fail(f"unknown UN number {number}")
    print(json.dumps(entry, indent=2))
