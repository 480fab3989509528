"""`vigil screen` - batch screening CLI.

    vigil screen --list ofac:DIR --list un:FILE --list csv:FILE [--list ftm:FILE] \
        --input records.csv --output results.jsonl [--threshold T] [--engine local|spark]

Standalone: ``python -m vigil.screening.cli ...``.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .batch import InputFormatError, StoredIndex, WorkerLost, build_index, forks_workers, run_batch
from .core.importers import ListFormatError, load_list_spec
from .core.index import DEFAULT_THRESHOLD, ScreeningIndex, paused_gc
from .core.pickled import dump_whole

_CORE_DIR = Path(__file__).resolve().parent / "core"


def _cache_key(specs: List[str]) -> str | None:
    """sha256 over the engine sources and every list file's bytes (None if unreadable)."""
    h = hashlib.sha256()
    for src in sorted(_CORE_DIR.glob("*.py")):
        h.update(src.name.encode())
        h.update(src.read_bytes())
    try:
        for spec in specs:
            h.update(spec.partition(":")[0].encode() + b"\0")
            p = Path(spec.partition(":")[2])
            files = sorted(f for f in p.rglob("*") if f.is_file()) if p.is_dir() else [p]
            for f in files:
                h.update(f.name.encode() + b"\0")
                h.update(f.read_bytes())
    except OSError:
        return None
    return h.hexdigest()


def _cache_dir() -> Path:
    d = os.environ.get("VIGIL_SCREEN_CACHE")
    if d:
        return Path(d)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return Path(xdg) / "vigil" / "screening" if xdg else Path(tempfile.gettempdir()) / "vigil-screening-cache"


def _load_cached(specs: List[str], stored: bool = False):
    """(index, key) from the on-disk cache, or (None, key) on a miss.  With ``stored``, the index is left in its
    file for the local engine's workers to load (a ``StoredIndex``: the main process reads its entry count only)."""
    if os.environ.get("VIGIL_SCREEN_CACHE") == "off":
        return None, None
    key = _cache_key(specs)
    if key is None:
        return None, None
    f = _cache_dir() / f"index-{key}.pkl"
    try:
        with f.open("rb") as fh, paused_gc():
            head = pickle.load(fh)  # the entry count, then the index (a file written before the count: the index)
            if not isinstance(head, int):
                return head, key
            if stored:
                return StoredIndex(f, fh.tell(), head, lambda: _build_from(specs)), key
            return pickle.load(fh), key
    except Exception:  # noqa: BLE001 - missing or corrupt cache: rebuild
        return None, key


def _build_from(specs: List[str]) -> ScreeningIndex:
    """The index of the lists, built again (a cache file that could not be read after all)."""
    return ScreeningIndex.build([e for spec in specs for e in load_list_spec(spec)])


def _store_cached(key: str | None, index: ScreeningIndex) -> None:
    if key is None:
        return
    d = _cache_dir()
    try:
        d.mkdir(parents=True, exist_ok=True)
        # the entry count first, read alone (``_load_cached``), then the index
        dump_whole(d / f"index-{key}.pkl", len(index.entries), index)
    except OSError:
        pass


def _store_in_background(key: str | None, index: ScreeningIndex) -> int | None:
    """Write the index cache from a forked child (~0.5 s for OFAC + UN) while this process screens; returns the
    child's pid to wait for before exiting, or None when it was written here (no fork on this platform)."""
    if key is None:
        return None
    if not hasattr(os, "fork"):
        _store_cached(key, index)
        return None
    try:
        pid = os.fork()  # before any thread or pool exists: the child holds a consistent copy of the index
    except OSError:
        _store_cached(key, index)
        return None
    if pid == 0:
        try:
            os.nice(19)  # the screening processes come first; the cache is written in the gaps they leave
            _store_cached(key, index)
        finally:
            os._exit(0)
    return pid


app = typer.Typer(add_completion=False, help="Vigil sanctions/watch-list screening.")


def screen(
    list_: List[str] = typer.Option(..., "--list", help="KIND:PATH, repeatable; KIND = ofac (dir), un (xml), csv, ftm (jsonl)"),
    input: Path = typer.Option(..., "--input", help="records CSV (header; id,name required; optional dob,nationality,id_number)"),
    output: Path = typer.Option(..., "--output", help="results JSON lines"),
    threshold: float = typer.Option(DEFAULT_THRESHOLD, "--threshold", min=0.0, max=1.0, help="alert threshold 0..1"),
    engine: str = typer.Option("local", "--engine", help="local | spark"),
    workers: Optional[int] = typer.Option(None, "--workers", help="local engine processes (default: CPU count)"),
) -> None:
    """Screen a CSV of records against sanctions / watch lists."""
    err = Console(stderr=True, soft_wrap=True)
    if engine not in ("local", "spark"):
        err.print(f"[red]error:[/red] unknown engine {engine!r} (expected local or spark)")
        raise typer.Exit(2)
    index, cache_key = _load_cached(list_, stored=forks_workers(engine, workers))
    entries: list = []
    for spec in list_ if index is None else ():
        try:
            entries.extend(load_list_spec(spec))
        except ListFormatError as exc:
            err.print(f"[red]error: bad list file[/red] {exc}", markup=True, highlight=False)
            raise typer.Exit(2)
        except (ValueError, OSError) as exc:
            err.print(f"[red]error:[/red] --list {spec}: {exc}", highlight=False)
            raise typer.Exit(2)
    if not input.exists():
        err.print(f"[red]error:[/red] input file {input} not found")
        raise typer.Exit(2)
    storing = None
    if index is None:
        index = build_index(entries, workers if engine == "local" else None)
        storing = _store_in_background(cache_key, index)
    try:
        stats = _screen_file(err, index, input, output, threshold, engine, workers)
    finally:
        if storing is not None:
            os.waitpid(storing, 0)
    err.print(f"{stats['rows']} rows screened against {len(index)} list entries; "
              f"{stats['alerts']} with matches, {stats['errors']} row errors -> {output}", highlight=False)


def _screen_file(err: Console, index: ScreeningIndex | StoredIndex, input: Path, output: Path, threshold: float, engine: str,
                 workers: Optional[int]) -> dict:
    """Run the batch with a progress bar; a bad input file ends the command with exit code 2."""
    try:
        total = max(0, sum(1 for _ in input.open("rb")) - 1)
    except OSError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2)

    def row_error(line: int, msg: str) -> None:
        err.print(f"[yellow]row error[/yellow] {input}: {msg}", highlight=False)

    with Progress(TextColumn("screening"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=False) as prog:
        task = prog.add_task("screen", total=total or None)
        try:
            return run_batch(index, input, output, threshold, engine=engine, workers=workers,
                             on_progress=lambda n: prog.advance(task, n), on_row_error=row_error)
        except InputFormatError as exc:
            err.print(f"[red]error:[/red] {exc}", highlight=False)
            raise typer.Exit(2)
        except WorkerLost as exc:  # killed from outside (out of memory, a signal): the output is incomplete
            err.print(f"[red]error:[/red] {exc}; {output} is incomplete", highlight=False)
            raise typer.Exit(1)


app.command("screen")(screen)


def main() -> None:  # pragma: no cover
    app(prog_name="vigil screen")


if __name__ == "__main__":  # pragma: no cover
    main()
