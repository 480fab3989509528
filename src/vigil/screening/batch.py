"""Batch screening of a CSV of records against an index (local or Spark engine).

Input CSV: header with ``id,name`` required; optional ``dob,nationality,id_number``.
Output: JSON lines, one per input row, in input order::

    {"id": ..., "matches": [{"source", "source_id", "name", "score", "explanation"}, ...]}

Rows that cannot be screened get ``"matches": []`` and an ``"error"`` field
(with the line number) and the batch continues.
"""
from __future__ import annotations

import csv
import io
import multiprocessing as mp
import os
import pickle
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from operator import itemgetter
from pathlib import Path
from typing import Callable, Iterable, Iterator

import orjson

from .core.importers import ListFormatError
from .core.index import ScreeningIndex, paused_gc, prepare_names

__all__ = ["read_records", "screen_record", "screen_records", "run_batch", "build_index", "InputFormatError"]

Record = tuple[int, dict]  # (line number, row)


class InputFormatError(ValueError):
    pass


def read_records(path: str | Path) -> Iterator[Record]:
    """Yield (line_number, row dict).  Raises InputFormatError for a missing header."""
    path = Path(path)
    try:
        fh = path.open("r", encoding="utf-8-sig", errors="replace", newline="")
    except OSError as exc:
        raise InputFormatError(f"{path}: cannot read input ({exc})") from None
    with fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None:
            raise InputFormatError(f"{path}: empty input file (header with id,name required)")
        cols = [h.strip().lower() for h in header]
        missing = [c for c in ("id", "name") if c not in cols]
        if missing:
            raise InputFormatError(f"{path}, line 1: missing required column(s): {', '.join(missing)}")
        n = len(cols)
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield reader.line_num, {"__error__": f"malformed CSV: {exc}"}
                continue
            if not row:
                continue
            if len(row) != n:
                d = dict(zip(cols, row))
                d["__error__"] = f"expected {n} fields, got {len(row)}"
                yield reader.line_num, d
                continue
            yield reader.line_num, dict(zip(cols, row))


def _matches_bytes(index: ScreeningIndex, row: dict, threshold: float) -> bytes:
    """Serialised matches; identical (name, dob, nationality, id) rows are screened once per process."""
    name = row.get("name") or ""
    if not name.strip():
        raise ValueError("empty name")
    key = (name, row.get("dob") or None, row.get("nationality") or None, row.get("id_number") or None, threshold)
    cache = index._result_cache
    hit = cache.get(key)
    if hit is None:
        ms = index.screen(name, dob=key[1], nationality=key[2], id_number=key[3], threshold=threshold)
        hit = orjson.dumps([m.to_dict() for m in ms])
        if len(cache) > 200000:
            cache.clear()
        cache[key] = hit
    return hit


def screen_record(index: ScreeningIndex, line: int, row: dict, threshold: float) -> bytes:
    rid = row.get("id")
    try:
        if "__error__" in row:
            raise ValueError(row["__error__"])
        return b'{"id":' + orjson.dumps(rid) + b',"matches":' + _matches_bytes(index, row, threshold) + b"}"
    except Exception as exc:  # noqa: BLE001 - a bad row must never stop the batch
        return orjson.dumps({"id": rid, "matches": [], "error": f"line {line}: {exc}"})


def screen_records(index: ScreeningIndex, records: Iterable[Record], threshold: float) -> list[bytes]:
    return [screen_record(index, ln, row, threshold) for ln, row in records]


# ------------------------------------------------------------- index build
def _prepare_paused(names: list[str]) -> dict:
    with paused_gc():
        return prepare_names(names)


def build_index(entries: list, workers: int | None = None) -> ScreeningIndex:
    """``ScreeningIndex.build`` with most of its work -- normalising and transliterating every listed name --
    shared with a forked helper process when there are two CPUs or more (OFAC + UN: ~1.9 s of a ~2.5 s build)."""
    names = list(dict.fromkeys(n for e in entries for n in e.names))
    workers = workers or os.cpu_count() or 1
    if workers < 2 or len(names) < 2000 or "fork" not in mp.get_all_start_methods():
        return ScreeningIndex.build(entries)
    # an executor (not a Pool): if the helper dies, its result raises instead of never arriving
    with ProcessPoolExecutor(1, mp_context=mp.get_context("fork")) as helper:
        try:
            theirs = helper.submit(_prepare_paused, names[1::2])
        except (OSError, BrokenProcessPool):  # no process to spare: build here
            return ScreeningIndex.build(entries)
        with paused_gc():
            prepared = prepare_names(names[0::2])
            try:
                prepared.update(theirs.result())
            except (OSError, BrokenProcessPool):  # the helper died (memory, a signal): build prepares the rest
                pass
    return ScreeningIndex.build(entries, prepared=prepared)


# ------------------------------------------------------------- local engine
_WORKER_INDEX: ScreeningIndex | None = None
_WORKER_THRESHOLD = 0.0


def _warm_worker() -> None:
    assert _WORKER_INDEX is not None
    with paused_gc():
        _WORKER_INDEX.warm()


def _worker_chunk(chunk: list[Record]) -> list[bytes]:
    assert _WORKER_INDEX is not None
    return screen_records(_WORKER_INDEX, chunk, _WORKER_THRESHOLD)


def _chunks(it: Iterable[Record], size: int) -> Iterator[list[Record]]:
    buf: list[Record] = []
    for r in it:
        buf.append(r)
        if len(buf) >= size:
            yield buf
            buf = []
    if buf:
        yield buf


def _row_key(row: dict):
    return (row.get("name") or "", row.get("dob") or None, row.get("nationality") or None,
            row.get("id_number") or None)


def _worker_keys(keys: list) -> list:
    assert _WORKER_INDEX is not None
    out = []
    for k in keys:
        try:
            out.append(_matches_bytes(_WORKER_INDEX, {"name": k[0], "dob": k[1], "nationality": k[2],
                                                      "id_number": k[3]}, _WORKER_THRESHOLD))
        except Exception as exc:  # noqa: BLE001
            out.append(exc)
    return out


def _run_local(index, records, threshold, emit, workers: int, block: int = 50000):
    global _WORKER_INDEX, _WORKER_THRESHOLD
    if workers <= 1 or "fork" not in mp.get_all_start_methods():
        for chunk in _chunks(records, 1000):
            emit(chunk, screen_records(index, chunk, threshold))
        return
    _WORKER_INDEX, _WORKER_THRESHOLD = index, threshold
    import gc

    gc.freeze()  # keep the index's pages shared after fork (no refcount/GC writes by the collector)
    ctx = mp.get_context("fork")  # children share the index copy-on-write (forked after the build)
    with ctx.Pool(workers, initializer=_warm_worker) as pool:
        # Blocks of rows are read, their distinct (name, dob, nationality, id) queries are
        # screened once in parallel, then rows are written in input order.
        known: dict = {}
        for chunk in _chunks(records, block):
            keys = [None if "__error__" in row else _row_key(row) for _, row in chunk]
            todo = list(dict.fromkeys(k for k in keys if k is not None and k not in known))
            todo.sort(key=itemgetter(0))  # same name -> same worker (its name cache)
            step = max(50, min(500, len(todo) // (workers * 8) + 1))
            parts = [todo[i:i + step] for i in range(0, len(todo), step)]
            for part, res in zip(parts, pool.imap(_worker_keys, parts)):
                known.update(zip(part, res))
            emit(chunk, _result_lines(chunk, keys, known))
            if len(known) > 200000:
                known.clear()


def _result_lines(chunk: list[Record], keys: list, known: dict) -> list[bytes]:
    """The output line of every row (``keys[i]`` is row i's query key, None for a row that could not be read;
    ``known`` maps keys to serialised matches or the exception they raised)."""
    lines = []
    for (ln, row), key in zip(chunk, keys):
        res = None if key is None else known[key]
        if type(res) is bytes:
            lines.append(b'{"id":' + orjson.dumps(row.get("id")) + b',"matches":' + res + b"}")
        else:
            msg = f"line {ln}: {row['__error__'] if res is None else res}"
            lines.append(orjson.dumps({"id": row.get("id"), "matches": [], "error": msg}))
    return lines


# ------------------------------------------------------------- spark engine
_SPARK_CACHE: dict = {}


def _spark_partition(bc_value_holder, threshold):
    def fn(it):
        key = id(bc_value_holder)
        idx = _SPARK_CACHE.get(key)
        if idx is None:
            idx = pickle.loads(bc_value_holder.value)
            idx.warm()
            _SPARK_CACHE.clear()
            _SPARK_CACHE[key] = idx
        for pos, (ln, row) in it:
            yield pos, screen_record(idx, ln, row, threshold)
    return fn


def run_spark(index: ScreeningIndex, records: list[Record], threshold: float, spark=None,
              partitions: int | None = None) -> list[bytes]:
    """Same core, run in pyspark (local[2] unless a session is given); index broadcast
    from the driver, partitions processed with mapPartitions; output keeps input order."""
    from pyspark.sql import SparkSession

    own = spark is None
    if own:
        import sys

        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        # local-mode Python workers must be able to import vigil (when not pip-installed)
        pkg_root = str(Path(__file__).resolve().parents[2])
        if pkg_root not in os.environ.get("PYTHONPATH", "").split(os.pathsep):
            os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [pkg_root, os.environ.get("PYTHONPATH", "")]))
        spark = (SparkSession.builder.master("local[2]").appName("vigil-screen")
                 .config("spark.ui.enabled", "false").config("spark.driver.memory", "2g").getOrCreate())
    try:
        sc = spark.sparkContext
        bc = sc.broadcast(pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))
        nparts = partitions or max(2, min(64, len(records) // 5000 + 1))
        rdd = sc.parallelize(list(enumerate(records)), nparts)
        out = rdd.mapPartitions(_spark_partition(bc, threshold)).collect()
        out.sort(key=lambda x: x[0])  # collect() keeps partition order; sort for safety
        bc.unpersist()
        return [b for _, b in out]
    finally:
        if own:
            spark.stop()


# ------------------------------------------------------------------ runner
def _count(chunk: list[Record], lines: list[bytes]) -> tuple[int, list]:
    """(rows with matches, [(line number, error)]) read back from serialised result lines by their endings: a
    result ends with its matches list (``]}``; ``"matches":[]}`` when empty), an error line with its message
    (``"}``), so only error lines are parsed."""
    alerts = 0
    errors = []
    for (ln, _), b in zip(chunk, lines):
        if b.endswith(b'"}'):
            errors.append((ln, orjson.loads(b)["error"]))
        elif not b.endswith(b'"matches":[]}'):
            alerts += 1
    return alerts, errors


def run_batch(index: ScreeningIndex, input_path: str | Path, output_path: str | Path, threshold: float,
              engine: str = "local", workers: int | None = None,
              on_progress: Callable[[int], None] | None = None,
              on_row_error: Callable[[int, str], None] | None = None, spark=None) -> dict:
    """Screen ``input_path`` into ``output_path``; returns counts {"rows", "errors", "alerts"}."""
    stats = {"rows": 0, "errors": 0, "alerts": 0}
    records = read_records(input_path)
    out = Path(output_path).open("wb")

    def emit(chunk: list[Record], lines: list[bytes]) -> None:
        """Write ``lines`` (one per row of ``chunk``) and count them."""
        if lines:
            out.write(b"\n".join(lines) + b"\n")
        alerts, errors = _count(chunk, lines)
        stats["alerts"] += alerts
        stats["errors"] += len(errors)
        if on_row_error:
            for ln, msg in errors:
                on_row_error(ln, msg)
        stats["rows"] += len(lines)
        if on_progress:
            on_progress(len(lines))

    with out:
        if engine == "spark":
            recs = list(records)
            emit(recs, run_spark(index, recs, threshold, spark=spark))
        elif engine == "local":
            if workers is None:
                workers = min(os.cpu_count() or 1, 8)
            _run_local(index, records, threshold, emit, workers)
        else:
            raise ValueError(f"unknown engine {engine!r} (local|spark)")
    return stats
