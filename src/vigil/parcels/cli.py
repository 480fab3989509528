"""`vigil parcels ...`: classify declared contents; submit manifests."""

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
