"""Batch screening of a CSV of records against an index (local or Spark engine).

Input CSV: header with ``id,name`` required; optional ``dob,nationality,id_number``.
Output: JSON lines, one per input row, in input order::

    {"id": ..., "matches": [{"source", "source_id", "name", "score", "explanation"}, ...]}

Rows that cannot be screened get ``"matches": []`` and an ``"error"`` field
(with the line number) and the batch continues.
"""
from __future__ import annotations

import csv
import multiprocessing as mp
import os
import pickle
import queue
import re
import signal
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Callable, Iterable, Iterator

import orjson

from .core.index import ScreeningIndex, paused_gc, prepare_names

__all__ = ["read_records", "screen_record", "screen_records", "run_batch", "build_index", "InputFormatError",
           "StoredIndex", "forks_workers", "local_workers"]

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


def _row_key(row: dict) -> tuple:
    """What a row is screened on: (name, dob, nationality, id number), blanks as None."""
    return (row.get("name") or "", row.get("dob") or None, row.get("nationality") or None,
            row.get("id_number") or None)


_NO_MATCHES = b"[]"


def _kept_json(value) -> bytes:
    """``value`` as JSON, in a bytes object sized to its text.  orjson (3.12+) hands back its whole write buffer,
    4 KB or more, however short the text (ijl/orjson#483): a worker's cache of 57,000 results held 230 MB that way
    (it keeps up to 200,000), and the page faults of that memory cost it ~0.3 s of CPU."""
    return bytes(memoryview(orjson.dumps(value)))


def _query_bytes(index: ScreeningIndex, key: tuple, threshold: float) -> bytes:
    """Serialised matches for a query key (``_row_key``); identical keys are screened once per process."""
    name, dob, nationality, id_number = key
    if not name.strip():
        raise ValueError("empty name")
    cache = index._result_cache
    hit = cache.get((*key, threshold))
    if hit is None:
        ms = index.screen(name, dob=dob, nationality=nationality, id_number=id_number, threshold=threshold)
        hit = _kept_json([m.to_dict() for m in ms]) if ms else _NO_MATCHES
        if len(cache) > 200000:
            cache.clear()
        cache[(*key, threshold)] = hit
    return hit


def _line(ln: int, row: dict, result: bytes | str) -> bytes:
    """A row's output line: ``result`` is its serialised matches, or the message of the error it raised."""
    if type(result) is bytes:
        return b'{"id":' + orjson.dumps(row.get("id")) + b',"matches":' + result + b"}"
    return orjson.dumps({"id": row.get("id"), "matches": [], "error": f"line {ln}: {result}"})


def screen_record(index: ScreeningIndex, line: int, row: dict, threshold: float) -> bytes:
    try:
        if "__error__" in row:
            raise ValueError(row["__error__"])
        result: bytes | str = _query_bytes(index, _row_key(row), threshold)
    except Exception as exc:  # noqa: BLE001 - a bad row must never stop the batch
        result = str(exc)
    return _line(line, row, result)


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
class StoredIndex:
    """An index pickled in a file (the CLI's cache) after its entry count, loaded where it is used: by each worker
    process of the local engine, once forked.  The main process reads the count alone and starts the workers at
    once; the two load the index side by side (~0.3 s each) instead of waiting while the main process loads it
    with the other CPU idle, and each works on its own copy (no copy-on-write faults on the shared one's pages).
    ``fallback`` makes the index when the file cannot be read after all (the lists again)."""

    def __init__(self, path: Path, offset: int, entries: int, fallback: Callable[[], ScreeningIndex]) -> None:
        self.path = path
        self.offset = offset  # where the index's pickle starts, after the count's
        self.size = entries
        self.fallback = fallback

    def __len__(self) -> int:
        return self.size

    def load(self) -> ScreeningIndex:
        try:
            with self.path.open("rb") as fh, paused_gc():
                fh.seek(self.offset)
                index = pickle.load(fh)
            if isinstance(index, ScreeningIndex):
                return index
        except Exception:  # noqa: BLE001 - removed or corrupt since the count was read: rebuild
            pass
        return self.fallback()


def _loaded(index: "ScreeningIndex | StoredIndex") -> ScreeningIndex:
    return index.load() if isinstance(index, StoredIndex) else index


_WORKER_INDEX: "ScreeningIndex | StoredIndex | None" = None
_WORKER_THRESHOLD = 0.0


class WorkerLost(RuntimeError):
    """A screening process of the local engine ended before answering (killed, out of memory)."""


def _warm_worker() -> None:
    """Warm the index, but for pypinyin: the router sends Chinese names to one process, which loads it with the
    first of them (~0.13 s), so the others never do."""
    global _WORKER_INDEX
    assert _WORKER_INDEX is not None
    _WORKER_INDEX = _loaded(_WORKER_INDEX)
    with paused_gc():
        _WORKER_INDEX.warm(han=False)


def _chunks(it: Iterable[Record], size: int) -> Iterator[list[Record]]:
    buf: list[Record] = []
    for r in it:
        buf.append(r)
        if len(buf) >= size:
            yield buf
            buf = []
    if buf:
        yield buf


def _worker_keys(keys: list) -> list:
    """Serialised matches for each query key, or the message of the error it raised."""
    index = _WORKER_INDEX
    assert isinstance(index, ScreeningIndex)
    out: list = []
    for k in keys:
        try:
            out.append(_query_bytes(index, k, _WORKER_THRESHOLD))
        except Exception as exc:  # noqa: BLE001 - reported on the row
            out.append(str(exc))
    return out


def _serve(tasks, results) -> None:
    """A worker process: warm the index, then answer (part number, keys) tasks until a None arrives.  Ctrl-C is
    the main process's to handle: it stops the workers itself."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _warm_worker()
    while (task := tasks.get()) is not None:
        part, keys = task
        results.put((part, _task_answers(keys)))


def _task_answers(keys: list) -> list:
    """``_worker_keys`` without the cyclic collector, what it leaves behind frozen (``paused_gc``).  The caches a
    worker grows (answers, token tables) are acyclic, and the collector's passes over them cost each of the two
    workers 0.24-0.29 s on the benchmark's 100,000 distinct names, 0.15-0.19 s of it in four or five full
    collections walking ever larger caches."""
    with paused_gc():
        return _worker_keys(keys)


# The letters that send a name to a script's process (``_Router``), by Unicode block: Arabic and Hebrew (the
# matcher's abjad scripts), and Chinese characters, kana, Hangul and Thai (the scripts whose reading libraries are
# loaded on first use: pypinyin, pykakasi, hanja, pythainlp).  One C-level search of a non-ASCII name,
# where ``scripts`` looks up every letter (0.16 s of the writer's CPU on the benchmark's 100,000 distinct names).
# A stray letter routed otherwise costs time, never a different result.
_ABJAD_LETTER = re.compile("[\u0590-\u05ff\u0600-\u06ff\u0750-\u077f\u0870-\u08ff\ufb1d-\ufdff\ufe70-\ufeff"
                           "\U0001ee00-\U0001eeff]")
_CJK_LETTER = re.compile("[\u0e00-\u0e7f\u1100-\u11ff\u3040-\u30fb\u30fd-\u30ff\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf"
                         "\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\U0001aff0-\U0001b001"
                         "\U0001b11f-\U0001b122\U0001b150-\U0001b152\U0001b164-\U0001b167\U00020000-\U0003134f]")

# Names in Cyrillic, Greek and Devanagari letters: their romanised tokens (ivanov, papadopoulos, sharma) recur across
# the names of their script and seldom elsewhere, so each script is kept in one process (Cyrillic with the Chinese
# characters, Greek and Devanagari with the abjad scripts: the split that left fewest words in both processes), and
# its first names' first-time work (expansions, similarities) is done once, not in both processes as under the
# last-word rule.  With ``_last_word`` passing over titles and initials, the query tokens the two processes expand
# on the benchmark's 100,000 distinct names fell from 28,178 to 24,924 (shares as routed, no work taken over).
_ALPHABET_HOMES = ((re.compile("[\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f]"), 1),
                   (re.compile("[\u0370-\u03ff\u1f00-\u1fff]"), 0),
                   (re.compile("[\u0900-\u097f\ua8e0-\ua8ff]"), 0))


def _last_word(name: str) -> str:
    """The last space-separated word of ``name`` that does not end in a full stop (a title, a suffix or an initial:
    Jr., Ph.D., M.), case-folded ("" for a blank name)."""
    words = name.split()
    for word in reversed(words):
        if not word.endswith("."):
            return word.casefold()
    return words[-1].casefold() if words else ""


class _Router:
    """Which worker process screens a name: always the same one for the same name.

    Names in an Arabic or Hebrew script go to the first process, names in Chinese characters, kana or Hangul to the
    second, names in Cyrillic, Greek or Devanagari letters to the process of their script (``_ALPHABET_HOMES``),
    while that process is not ahead of the least loaded by more than ``SLACK``; every other name goes to the
    process of its last word (the least loaded when the word was first met), while that one is not ahead by more
    than ``WORD_SLACK``, else to the least loaded. Names sharing a surname then mostly share a process, and the
    surname's first-time work (its expansions and similarities) is done once: on the benchmark's distinct names, the
    tokens the two processes meet for the first time fall from 28,954 to 27,078. An abjad-script name costs several
    Latin ones (its tokens are matched against the Latin spellings they may stand for: a walk of the list's Latin
    tokens the first time a token is seen, then more candidates to score), and the tokens of a script recur across
    its names: kept in one process, that first-time work is done once instead of once in every process (the
    benchmark's 100,000 distinct names through the CLI, when the first-time work was a compiled regular expression
    and a scan: the two processes' CPU 11.4-11.8 s by hash of the name, 10.0-10.3 s with abjad names kept together).
    Only the process that gets Chinese names loads pypinyin (``_warm_worker``)."""

    # what an abjad-script name costs, in Latin names: the weight that gave the two processes equal CPU on the
    # benchmark's 100,000 distinct names (2.4: the first process ~6% more, 3.5: ~15% less)
    ABJAD_COST = 2.8
    # a name in Chinese characters, kana or Hangul: read up to three ways (Chinese, Japanese, Korean), with the
    # reading libraries loaded by the first of them; weighed so that the other process does not end the batch
    # taking those names over (and loading the libraries a second time)
    CJK_COST = 1.8
    SLACK = 2000.0  # how far ahead, in Latin names, a script's process may get before others take its names too
    WORD_SLACK = 100.0  # ... and the process of a name's last word, before the least loaded takes the name
    REMEMBERED = 200000

    def __init__(self, workers: int) -> None:
        self.owner: dict[str, int] = {}  # name -> its process
        self.word_owner: dict[str, int] = {}  # a name's last word -> the process of the first name that had it
        self.load = [0.0] * workers  # the names sent to each process, weighed by their expected cost

    def __call__(self, name: str) -> int:
        w = self.owner.get(name)
        if w is None:
            load = self.load
            least = load.index(min(load))
            home, cost = None, 1.0
            if not name.isascii():  # the scripts the matcher reads as abjad and cjk forms (``name_forms``)
                if _ABJAD_LETTER.search(name):
                    home, cost = 0, self.ABJAD_COST
                elif _CJK_LETTER.search(name):
                    home, cost = 1 % len(load), self.CJK_COST
                else:  # a name in an alphabet of its own: its tokens recur across that script's names only
                    for letters, process in _ALPHABET_HOMES:
                        if letters.search(name):
                            home = process % len(load)
                            break
            slack = self.SLACK
            if home is None:
                # the process of the name's last word (most often its surname), while that process is not ahead:
                # names that share it then share one process, and that word's first-time work (expansions,
                # similarities) is done there only
                word = _last_word(name)
                home = self.word_owner.get(word)
                if home is None:
                    home = self.word_owner[word] = least
                slack = self.WORD_SLACK
            w = home if load[home] <= load[least] + slack else least
            load[w] += cost
            if len(self.owner) >= self.REMEMBERED:  # bounded: a name met again much later may go elsewhere (slower)
                self.owner.clear()
                self.word_owner.clear()
            self.owner[name] = w
        return w


class _Pipeline:
    """The local engine's worker processes and what is in flight between them and the writer.

    Each name goes to one process (``_Router``), so that process's caches serve all of that name's rows, whatever
    their dates of birth or nationalities, and no two processes screen the same name.  Blocks of rows are read,
    routed and written in a pipeline, ``depth`` blocks ahead, so that the processes keep screening while the writer
    reads input and writes results.  A block's share for a process is cut into tasks of ``PIECE`` names, and each
    process holds only ``AHEAD`` tasks at a time: the rest wait in its backlog here, and a process whose backlog is
    empty takes tasks from the end of the longest other one.  The router's balance is an estimate (what a name costs
    depends on what its process has met before), and with whole shares queued, one process could finish the batch
    alone while the other sat idle: 0.3-0.7 s of a 6 s run on the benchmark's 100,000 distinct names."""

    PIECE = 1000  # names per task: at 60-250 us a name, a process idles at most about one task's time at the end
    AHEAD = 2  # tasks a process holds: enough to keep it busy while the writer reads and routes a block

    def __init__(self, workers: int) -> None:
        ctx = mp.get_context("fork")  # children share the index copy-on-write (forked after the build)
        self.tasks = [ctx.Queue() for _ in range(workers)]
        self.results = ctx.Queue()
        # every process is forked before any queue starts its feeder thread
        self.procs = [ctx.Process(target=_serve, args=(q, self.results), daemon=True) for q in self.tasks]
        try:
            for p in self.procs:
                p.start()
        except BaseException:  # no process to spare: stop the ones started
            for p in self.procs:
                if p.pid is not None:
                    p.terminate()
            raise
        self.route = _Router(workers)
        self.known: dict = {}  # query key -> serialised matches (bytes) or error message (str)
        self.open: dict[int, list] = {}  # part number -> its keys, until answered
        self.backlog: list[deque] = [deque() for _ in self.tasks]  # (part number, keys) routed, not yet sent
        self.holder: dict[int, int] = {}  # part number -> the process it was sent to, until answered
        self.held = [0] * workers  # the tasks each process holds
        self.pending: set = set()  # keys sent and not yet answered
        self.flight: deque = deque()  # (rows, their keys, their part numbers), read and not yet written
        self.parts = 0

    def send(self, chunk: list[Record]) -> None:
        keys = [None if "__error__" in row else _row_key(row) for _, row in chunk]
        known, pending = self.known, self.pending
        todo = [k for k in dict.fromkeys(keys) if k is not None and k not in known and k not in pending]
        shares: list[list] = [[] for _ in self.tasks]
        for k in todo:
            shares[self.route(k[0])].append(k)
        parts = []
        for backlog, share in zip(self.backlog, shares):
            for i in range(0, len(share), self.PIECE):
                piece = share[i:i + self.PIECE]
                backlog.append((self.parts, piece))
                self.open[self.parts] = piece
                parts.append(self.parts)
                self.parts += 1
        pending.update(todo)
        self.flight.append((chunk, keys, parts))
        self._dispatch()

    def _dispatch(self) -> None:
        """Top up every process to ``AHEAD`` tasks, from its own backlog first."""
        for w, tasks in enumerate(self.tasks):
            while self.held[w] < self.AHEAD:
                task = self._next_task(w)
                if task is None:
                    break
                tasks.put(task)
                self.holder[task[0]] = w
                self.held[w] += 1

    def _next_task(self, w: int):
        if self.backlog[w]:
            return self.backlog[w].popleft()
        longest = max(self.backlog, key=len)
        # from the end: the owner reaches its backlog's head first, and may have met those names' words already
        return longest.pop() if longest else None

    def write_oldest(self, emit) -> None:
        chunk, keys, parts = self.flight.popleft()
        while any(p in self.open for p in parts):
            self._receive()
        emit(chunk, _result_lines(chunk, keys, self.known))
        if len(self.known) > 200000:  # forget answers, except those the blocks in flight still need
            needed = {k for _, ks, _ in self.flight for k in ks}
            self.known = {k: v for k, v in self.known.items() if k in needed}

    def _receive(self) -> None:
        while True:
            try:
                part, answers = self.results.get(timeout=1.0)
                break
            except queue.Empty:
                lost = [p for p in self.procs if not p.is_alive()]
                if lost:
                    raise WorkerLost(f"a screening process ended unexpectedly (exit code {lost[0].exitcode})")
        keys = self.open.pop(part)
        self.held[self.holder.pop(part)] -= 1
        self.known.update(zip(keys, answers))
        self.pending.difference_update(keys)
        self._dispatch()

    def close(self, finished: bool) -> None:
        """Let the workers exit once all is answered; when the batch failed or was interrupted, stop them at once
        (their queues may hold blocks of work nobody will read)."""
        for q in self.tasks:
            q.put(None)
        for p in self.procs:
            if finished:
                p.join(timeout=5)
            if p.is_alive():
                p.terminate()
                p.join(timeout=5)
        for q in self.tasks + [self.results]:
            q.close()
            q.cancel_join_thread()


def _run_local(index, records, threshold, emit, workers: int, block: int = 10000, depth: int = 3):
    global _WORKER_INDEX, _WORKER_THRESHOLD
    if not forks_workers("local", workers):
        index = _loaded(index)
        for chunk in _chunks(records, 1000):
            emit(chunk, screen_records(index, chunk, threshold))
        return
    _WORKER_INDEX, _WORKER_THRESHOLD = index, threshold
    import gc

    gc.freeze()  # keep the index's pages shared after fork (no refcount/GC writes by the collector)
    pipe = _Pipeline(workers)
    finished = False
    try:
        with paused_gc():  # rows, keys and answers are acyclic: reference counting frees them (as in the workers)
            for chunk in _chunks(records, block):
                pipe.send(chunk)
                if len(pipe.flight) > depth:
                    pipe.write_oldest(emit)
            while pipe.flight:
                pipe.write_oldest(emit)
        finished = True
    finally:
        pipe.close(finished)


def _result_lines(chunk: list[Record], keys: list, known: dict) -> list[bytes]:
    """The output line of every row (``keys[i]`` is row i's query key, None for a row that could not be read;
    ``known`` maps keys to serialised matches or the message of the error they raised)."""
    return [_line(ln, row, row["__error__"] if key is None else known[key]) for (ln, row), key in zip(chunk, keys)]


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
def local_workers() -> int:
    """The local engine's default number of processes: one per CPU, at most 8."""
    return min(os.cpu_count() or 1, 8)


def forks_workers(engine: str, workers: int | None) -> bool:
    """Whether a batch runs in forked worker processes (the local engine with more than one worker, where the
    platform forks): the one test, for ``_run_local`` and for the CLI deciding whether workers load the index."""
    return engine == "local" and (workers or local_workers()) > 1 and "fork" in mp.get_all_start_methods()


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


def run_batch(index: "ScreeningIndex | StoredIndex", input_path: str | Path, output_path: str | Path, threshold: float,
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
            emit(recs, run_spark(_loaded(index), recs, threshold, spark=spark))
        elif engine == "local":
            _run_local(index, records, threshold, emit, workers or local_workers())
        else:
            raise ValueError(f"unknown engine {engine!r} (local|spark)")
    return stats
