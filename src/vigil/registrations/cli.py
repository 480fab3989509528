"""`vigil registrations ...`: establishments, file intake, purge."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

import orjson
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from vigil.platform.identity.principal import Principal

registrations_app = typer.Typer(help="Real-name registrations.", no_args_is_help=True)
establishments_app = typer.Typer(help="Reporting establishments.", no_args_is_help=True)
registrations_app.add_typer(establishments_app, name="establishments")
err = Console(stderr=True, highlight=False)


def cli_actor() -> Principal:
    return Principal(user_id=0, username=f"cli:{getpass.getuser()}"[:64], agency_id=0, agency_code="-",
                     role="admin", clearance=3, via="system")


def fail(message: str, code: int = 1):
    err.print(f"[red]error:[/red] {message}", markup=True)
    raise typer.Exit(code)


def run_use_case(fn):
    from vigil.platform.errors import Problem

    try:
        return fn()
    except Problem as exc:
        fail(exc.detail)


@establishments_app.command("add")
def establishments_add(licence: str = typer.Option(..., "--licence"), sector: str = typer.Option(..., "--sector"),
                       name: str = typer.Option(..., "--name"),
                       retention_days: int = typer.Option(None, "--retention-days", min=1, max=3650)):
    """Register an establishment (sector: hotel, secondhand, vehicle_refit, venue, or logistics for carriers)."""
    from vigil.platform.database import session_scope
    from vigil.registrations import service

    with session_scope() as db:
        row = run_use_case(lambda: service.add_establishment(db, cli_actor(), licence, sector, name, retention_days))
        print(f"establishment {row.licence} ({row.sector}) added: {row.name}")


@establishments_app.command("list")
def establishments_list():
    from vigil.platform.database import session_scope
    from vigil.registrations import service

    with session_scope() as db:
        for row in service.list_establishments(db, cli_actor()):
            print(f"{row.licence}\t{row.sector}\t{row.name}")


def count_lines(path: Path) -> int:
    with path.open("rb") as fh:
        return max(0, sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b"")) - 1)


@registrations_app.command("ingest")
def ingest(input: Path = typer.Option(..., "--input", help="CSV: establishment,record_id,name,dob,nationality,"
                                                          "document_type,document_number[,imei,vin,serial,item,"
                                                          "arrival,departure,room,plate,work,entry_time,mrz]"),
           output: Path = typer.Option(..., "--output", help="one JSON result per input row (JSON lines)")):
    """Validate, screen and store a file of registrations; each chunk of records commits whole."""
    from vigil.registrations.intake import IntakeError, ingest_file

    if not input.is_file():
        fail(f"input file {input} not found")
    total = count_lines(input)
    with Progress(TextColumn("registrations"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err) as progress:
        task = progress.add_task("ingest", total=total or None)
        try:
            stats = ingest_file(cli_actor(), input, output, lambda n: progress.advance(task, n))
        except IntakeError as exc:
            fail(str(exc), 2)
        except OSError as exc:
            fail(str(exc), 2)
        except Exception as exc:  # noqa: BLE001 - the database went away, a disk filled: one line, no traceback
            fail(f"intake stopped ({type(exc).__name__}: {str(exc).splitlines()[0][:200]}); the chunks already "
                 "reported are stored, send the file again to finish")
    err.print(f"{stats['rows']} rows: {stats['accepted']} accepted, {stats['rejected']} rejected, "
              f"{stats['duplicate']} duplicate, {stats['alerts']} with alerts -> {output}")


@registrations_app.command("purge")
def purge(as_of: str = typer.Option(None, "--as-of", help="YYYY-MM-DD (UTC); default now")):
    """Delete non-hit records whose retention period has passed; prints `purged N` last."""
    from vigil.platform import clock, jobs
    from vigil.platform.registry import load_jobs

    try:
        at = clock.parse_as_of(as_of)
    except ValueError:
        fail(f"--as-of {as_of!r} is not a date YYYY-MM-DD")
    load_jobs()
    summary = run_use_case(lambda: jobs.run("registrations.purge", at))
    print(summary)
    sys.stdout.flush()


def write_jsonl(out, objects) -> None:
    out.write(b"".join(orjson.dumps(o) + b"\n" for o in objects))
