"""`vigil parcels ...`: classify declared contents; submit a carrier's manifest file."""

from __future__ import annotations

from pathlib import Path

import orjson
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

parcels_app = typer.Typer(help="Parcel manifests and declared contents.", no_args_is_help=True)
err = Console(stderr=True, highlight=False)


@parcels_app.command("classify")
def classify(input: Path = typer.Option(..., "--input", help="one declared-contents line per line (UTF-8)"),
             output: Path = typer.Option(..., "--output", help="one JSON result per input line")):
    """Classify declared contents against the prohibited and restricted items catalogue."""
    from vigil.parcels.catalogue import current_classifier

    if not input.is_file():
        err.print(f"[red]error:[/red] input file {input} not found", markup=True)
        raise typer.Exit(2)
    classifier = current_classifier()
    raw = input.read_bytes()
    text = raw.decode("utf-8-sig", errors="replace")
    lines = text.splitlines()
    flagged = 0
    with output.open("wb") as out, Progress(TextColumn("classifying"), BarColumn(), MofNCompleteColumn(),
                                            TimeElapsedColumn(), console=err) as progress:
        task = progress.add_task("classify", total=len(lines))
        for start in range(0, len(lines), 5000):
            results = [classifier.classify(line).to_dict() for line in lines[start:start + 5000]]
            flagged += sum(r["flagged"] for r in results)
            out.write(b"".join(orjson.dumps(r) + b"\n" for r in results))
            progress.advance(task, len(results))
    err.print(f"{len(lines)} lines, {flagged} flagged -> {output}")


@parcels_app.command("submit")
def submit(carrier: str = typer.Option(..., "--carrier", help="the carrier's licence (an establishment of the "
                                                               "logistics sector)"),
           input: Path = typer.Option(..., "--input", help="CSV: tracking_number,sender_name,sender_document_type,"
                                                           "sender_document_number,receiver_name,contents,weight_kg,"
                                                           "origin,destination[,sender_dob,sender_nationality]"),
           output: Path = typer.Option(..., "--output", help="one JSON result per input row (JSON lines)")):
    """Submit a carrier's manifest file: senders screened, declared contents classified; each chunk of parcels
    commits whole, and a file sent again answers `duplicate` for what is stored."""
    from itertools import islice

    from vigil.parcels import service
    from vigil.parcels.core.manifest import REQUIRED_COLUMNS
    from vigil.platform.database import session_scope
    from vigil.platform.errors import Problem
    from vigil.registrations.cli import cli_actor, count_lines, fail
    from vigil.registrations.core.csvin import CsvFormatError, read_rows, text_lines

    if not input.is_file():
        fail(f"input file {input} not found", 2)
    counts: dict[str, int] = {"accepted": 0, "rejected": 0, "duplicate": 0, "flagged": 0}
    with input.open("rb") as raw, output.open("wb") as out, Progress(
            TextColumn("manifest"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err) as progress:
        task = progress.add_task("submit", total=count_lines(input) or None)
        try:
            rows = read_rows(text_lines(raw), required=REQUIRED_COLUMNS)
            while batch := list(islice(rows, service.MAX_BATCH)):
                with session_scope() as db:
                    outcomes = service.submit_manifest_rows(db, cli_actor(), carrier, batch)
                out.write(b"".join(orjson.dumps(o.__dict__) + b"\n" for o in outcomes))
                out.flush()
                for o in outcomes:
                    counts[o.status] += 1
                    counts["flagged"] += o.flagged or bool(o.alerts)
                progress.advance(task, len(batch))
        except CsvFormatError as exc:
            fail(f"{input}: {exc}", 2)
        except Problem as exc:
            fail(exc.detail)
    err.print(f"{sum(counts[k] for k in ('accepted', 'rejected', 'duplicate'))} parcels: {counts['accepted']} "
              f"accepted, {counts['rejected']} rejected, {counts['duplicate']} duplicate, {counts['flagged']} "
              f"flagged -> {output}")
