"""`vigil analysis ...`: import histories, copy response incidents, print statistics, write sample files."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.progress import Progress

analysis_app = typer.Typer(help="Statistics and analysis centre.", no_args_is_help=True)
err = Console(stderr=True)
SHOWN_ERRORS = 50


def _fail(message: str) -> None:
    err.print(f"[red]error:[/red] {message}")
    raise typer.Exit(1)


@analysis_app.command("import")
def import_cmd(format: str = typer.Option(..., "--format", help="gtd (GTD codebook layout) or csv (generic)"),
               input: Path = typer.Option(..., "--input", help="CSV file"),
               map: Optional[List[str]] = typer.Option(None, "--map", help="csv: field=Column (date, type, lat, "
                                                                          "lon, area, killed, wounded, ...)")):
    """Import an incident history; rejected rows are listed with their line; prints `imported N rejected M` last."""
    from vigil.analysis import service
    from vigil.analysis.core.importers import parse_mapping
    from vigil.cli import cli_actor
    from vigil.platform.database import session_scope
    from vigil.platform.errors import Problem
    from vigil.platform.migrations import upgrade

    if format not in service.FORMATS:
        _fail(f"--format must be one of {', '.join(service.FORMATS)}")
    try:
        mapping = parse_mapping(map or [])
        handle = input.open(encoding="utf-8-sig", errors="replace", newline="")
    except (ValueError, OSError) as exc:
        _fail(str(exc))
    upgrade()
    try:
        with handle, session_scope() as db, Progress(console=err, transient=True) as bar:
            task = bar.add_task("storing", total=None)
            outcome = service.import_history(db, cli_actor(), format, handle, input.name, mapping,
                                             progress=lambda done, total: bar.update(task, completed=done,
                                                                                     total=total))
    except Problem as exc:
        _fail(exc.detail)
    for line, message in outcome.errors[:SHOWN_ERRORS]:
        print(f"line {line}: {message}")
    if len(outcome.errors) > SHOWN_ERRORS:
        print(f"... and {len(outcome.errors) - SHOWN_ERRORS} more rejected rows")
    print(f"imported {outcome.imported} rejected {outcome.rejected}")


@analysis_app.command("sync")
def sync_cmd():
    """Copy the rapid-response incidents into the history (skipped when rapid response is not installed)."""
    from vigil.analysis.jobs import sync_response

    print(sync_response(None))


@analysis_app.command("stats")
def stats_cmd(start: Optional[str] = typer.Option(None, help="YYYY-MM-DD"),
              end: Optional[str] = typer.Option(None, help="YYYY-MM-DD"),
              type: Optional[str] = typer.Option(None), area: Optional[str] = typer.Option(None)):
    """Print the statistics (JSON) for the given filters."""
    from datetime import date

    from vigil.analysis import service
    from vigil.analysis.analytics import Filters, dumps
    from vigil.cli import cli_actor
    from vigil.platform.database import session_scope

    try:
        f = Filters(date.fromisoformat(start) if start else None, date.fromisoformat(end) if end else None,
                    type, area)
    except ValueError as exc:
        _fail(str(exc))
    with session_scope() as db:
        sys.stdout.write(dumps(service.statistics(db, cli_actor(), f)) + "\n")


@analysis_app.command("sample")
def sample_cmd(format: str = typer.Option("gtd", "--format"), output: Path = typer.Option(..., "--output"),
               rows: int = typer.Option(200, min=1, max=1_000_000)):
    """Write a synthetic sample history (GTD layout or generic CSV) around Andorra, with a few bad rows."""
    from vigil.analysis import samples

    if format not in ("gtd", "csv"):
        _fail("--format must be gtd or csv")
    text = samples.gtd_csv(rows) if format == "gtd" else samples.generic_csv(rows)
    output.write_text(text, encoding="utf-8")
    print(json.dumps({"written": str(output), "rows": rows}))
