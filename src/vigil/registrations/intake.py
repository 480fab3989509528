"""File intake for the CLI and the portal: read a CSV in chunks, one transaction per chunk, results in order."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path

import orjson

from vigil.platform.database import session_scope
from vigil.platform.identity.principal import Principal
from vigil.registrations import service
from vigil.registrations.core.csvin import CsvFormatError, read_rows, text_lines
from vigil.screening import service as screening


class IntakeError(ValueError):
    """The file as a whole cannot be read."""


def chunks(rows: Iterator, size: int) -> Iterator[list]:
    while batch := list(islice(rows, size)):
        yield batch


@contextmanager
def collector_paused():
    """No cyclic collections during a file's intake; what each chunk leaves is frozen (``gc.freeze``, as the
    screening index is). The collector's passes over the objects a chunk leaves behind (the remembered searches,
    the next chunk in flight) cost a quarter of the intake's time, and collecting per chunk still an eighth.
    Reference counting frees everything acyclic as before; the ~130 objects in reference cycles a chunk leaves
    (its session's) stay until the process ends (a few MB for a million records). For the CLI's process."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def ingest_stream(actor: Principal, rows: Iterator, emit: Callable[[list[service.Outcome]], None],
                  progress: Callable[[int], None] | None = None, chunk: int = service.CHUNK) -> dict[str, int]:
    """Each chunk is validated, then stored and screened in its own transaction, then its outcomes are emitted: a
    process killed midway has stored whole chunks only, and sending the file again answers `duplicate` for them.

    Pipelined over two CPUs: chunk k+1 is read and validated, and its new queries are handed to the screening
    service's helper process (``SearchAhead``), before chunk k is stored and screened here; by the time chunk
    k+1 is screened, its searches are remembered. The order of the outcomes and the transactions are the same."""
    stats = {"rows": 0, "accepted": 0, "rejected": 0, "duplicate": 0, "alerts": 0}
    cache = service.EstablishmentCache()

    def finish(unit: service.Unit, searched: list) -> None:
        ahead.collect(searched)
        with session_scope() as db:
            outcomes = service.complete(db, actor, unit)
        emit(outcomes)
        for o in outcomes:
            stats[o.status] += 1
            stats["alerts"] += bool(o.alerts)
        stats["rows"] += len(outcomes)
        if progress:
            progress(len(outcomes))
        gc.freeze()

    with collector_paused(), screening.SearchAhead() as ahead:
        waiting = None
        for batch in chunks(rows, chunk):
            with session_scope() as db:
                unit = service.prepare(db, actor, batch, cache)
                searched = ahead.submit(db, unit.screening_records())
            if waiting is not None:
                finish(*waiting)
            waiting = (unit, searched)
        if waiting is not None:
            finish(*waiting)
    return stats


def ingest_file(actor: Principal, path: Path, output: Path, progress: Callable[[int], None] | None = None,
                chunk: int = service.CHUNK) -> dict[str, int]:
    with path.open("rb") as raw, output.open("wb") as out:
        try:
            rows = read_rows(text_lines(raw))
            first = list(islice(rows, 1))  # the header is checked before anything is written
        except CsvFormatError as exc:
            raise IntakeError(f"{path}: {exc}") from None

        def emit(outcomes):
            out.write(b"".join(orjson.dumps(o.to_dict()) + b"\n" for o in outcomes))
            out.flush()

        from itertools import chain

        return ingest_stream(actor, chain(first, rows), emit, progress, chunk)
