"""`vigil events ...`: major events, their PDF reports and accreditation screening."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

events_app = typer.Typer(help="Major events and their security plans.", no_args_is_help=True)
err = Console(stderr=True)


def _fail(message: str) -> None:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(1)


@events_app.command("list")
def list_events(as_json: bool = typer.Option(False, "--json", help="a JSON list of {id, name}")):
    """List major events."""
    from vigil.cli import cli_actor
    from vigil.platform.database import session_scope
    from vigil.risk import service

    with session_scope() as db:
        rows = [(e.id, e.name, e.starts_at) for e in service.list_events(db, cli_actor())]
    if as_json:
        print(json.dumps([{"id": i, "name": n} for i, n, _ in rows], ensure_ascii=False))
        return
    for i, n, start in rows:
        print(f"{i:>4}  {start:%Y-%m-%d}  {n}")


@events_app.command("report")
def report(event_id: int, output: Path = typer.Option(..., "--output", help="the PDF to write")):
    """Write the event's PDF report (heat map, map, register, open findings, accreditation summary)."""
    from vigil.cli import cli_actor
    from vigil.platform.database import session_scope
    from vigil.platform.errors import Problem
    from vigil.risk import report as reports

    try:
        with session_scope() as db:
            name, pdf = reports.event_pdf(db, cli_actor(), event_id)
    except Problem as exc:
        _fail(exc.detail)
    try:
        output.write_bytes(pdf)
    except OSError as exc:
        _fail(f"cannot write {output}: {exc}")
    print(f"wrote {output} ({len(pdf):,} bytes): {name}")


@events_app.command("accredit")
def accredit(event_id: int, input: Path = typer.Option(..., "--input", help="CSV: category,full_name[,dob,"
                                                                           "nationality,id_number,organisation]"),
             purpose: str = typer.Option("accreditation screening", help="why the list is screened (audited)")):
    """Import and screen an accreditation list against the watchlists; hits wait for review."""
    from vigil.cli import cli_actor
    from vigil.platform.database import session_scope
    from vigil.platform.errors import Problem
    from vigil.risk import service

    try:
        text = input.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        _fail(f"cannot read {input}: {exc}")
    try:
        with session_scope() as db:
            result = service.import_accreditations(db, cli_actor(), event_id, text, purpose)
    except Problem as exc:
        for line in (exc.extra.get("errors") or [])[:50]:
            err.print(f"  {line}", highlight=False, markup=False)
        _fail(exc.detail)
    print(f"imported {result.imported}, hits {result.hits}, for review {result.for_review}")
