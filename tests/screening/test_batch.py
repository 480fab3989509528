import os
import subprocess
import sys
import time

import orjson
import pytest

from vigil.screening import ScreeningIndex, load_csv
from vigil.screening.batch import read_records, run_batch, screen_records

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SRC = REPO / "src"
DATA = REPO / "data" / "sanctions"


def _cli(*args, env_extra=None):
    env = dict(os.environ, PYTHONPATH=str(SRC), **(env_extra or {}))
    return subprocess.run([sys.executable, "-m", "vigil.screening.cli", *args], env=env, capture_output=True, text=True)


@pytest.fixture
def records(tmp_path):
    f = tmp_path / "records.csv"
    f.write_text("id,name,dob,nationality,id_number\n"
                 "r1,Usama bin Ladin,1957,,\n"
                 "r2,John Q Public,,,\n"
                 "r3,  ,,,\n"
                 "r4,Xi Jinping,,,\n"
                 "r5,bad,row\n"
                 "r6,Manuel Noriega,,,\n", encoding="utf-8")
    return f


def test_cli_contract(tmp_path, records):
    custom = tmp_path / "agency.csv"
    custom.write_text("id,name\nc1,习近平\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    p = _cli("--list", f"ofac:{DATA / 'ofac'}", "--list", f"un:{DATA / 'un' / 'consolidated.xml'}",
             "--list", f"csv:{custom}", "--input", str(records), "--output", str(out), "--threshold", "0.9")
    assert p.returncode == 0, p.stderr
    rows = [orjson.loads(x) for x in out.read_bytes().splitlines()]
    assert [r["id"] for r in rows] == ["r1", "r2", "r3", "r4", "r5", "r6"]
    assert rows[0]["matches"][0]["source_id"] == "6365"
    for r in rows:
        scores = [m["score"] for m in r["matches"]]
        assert scores == sorted(scores, reverse=True) and all(s >= 0.9 for s in scores)
        for m in r["matches"]:
            assert set(m) == {"source", "source_id", "name", "score", "explanation"}
    assert rows[1]["matches"] == []
    assert rows[2]["matches"] == [] and "line 4" in rows[2]["error"]
    assert rows[3]["matches"][0]["source"] == "custom" and rows[3]["matches"][0]["source_id"] == "c1"
    assert "line 6" in rows[4]["error"]
    assert "line 4" in p.stderr and "line 6" in p.stderr


def test_cli_index_cache(tmp_path, records):
    """Repeat runs load the pickled index; changing a list file invalidates it."""
    custom = tmp_path / "agency.csv"
    custom.write_text("id,name\nc1,Manuel Noriega\n", encoding="utf-8")
    cache = tmp_path / "cache"
    env = {"VIGIL_SCREEN_CACHE": str(cache)}
    outs = []
    for i in range(2):
        out = tmp_path / f"out{i}.jsonl"
        p = _cli("--list", f"csv:{custom}", "--input", str(records), "--output", str(out), env_extra=env)
        assert p.returncode == 0, p.stderr
        outs.append(out.read_bytes())
    assert outs[0] == outs[1] and len(list(cache.glob("index-*.pkl"))) == 1
    assert b'"c1"' in outs[0]
    custom.write_text("id,name\nc2,Manuel Noriega\n", encoding="utf-8")
    out = tmp_path / "out2.jsonl"
    p = _cli("--list", f"csv:{custom}", "--input", str(records), "--output", str(out), env_extra=env)
    assert p.returncode == 0, p.stderr
    assert b'"c2"' in out.read_bytes() and b'"c1"' not in out.read_bytes()
    assert len(list(cache.glob("index-*.pkl"))) == 2


def test_cli_bad_list(tmp_path, records):
    bad = tmp_path / "bad.xml"
    bad.write_text("<CONSOLIDATED_LIST><INDIVIDUALS>")
    p = _cli("--list", f"un:{bad}", "--input", str(records), "--output", str(tmp_path / "o.jsonl"))
    assert p.returncode != 0 and "bad.xml" in p.stderr and "Traceback" not in p.stderr


@pytest.mark.spark
def test_spark_equals_local(tmp_path, full_index):
    from pyspark.sql import SparkSession

    names = [e.name for e in full_index.entries[::40]][:150] + ["John Smith", "Maria Lopez", "", "Ivan Petrov"] * 40
    f = tmp_path / "in.csv"
    import csv
    with f.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "name"])
        for i, n in enumerate(names):
            w.writerow([i, n])
    recs = list(read_records(f))
    assert len(recs) >= 300
    local = screen_records(full_index, recs, 0.8)
    spark = SparkSession.builder.master("local[2]").appName("t").config("spark.ui.enabled", "false").getOrCreate()
    try:  # the batch's Spark engine is run_spark; one job, because each one ships the whole index to the workers
        out = tmp_path / "o.jsonl"
        run_batch(full_index, f, out, 0.8, engine="spark", spark=spark)
    finally:
        spark.stop()
    assert out.read_bytes().splitlines() == local
    out2 = tmp_path / "o2.jsonl"
    run_batch(full_index, f, out2, 0.8, engine="local", workers=2)
    assert out2.read_bytes().splitlines() == local


def test_local_dedup_keeps_order_and_errors(tmp_path):
    idx = ScreeningIndex.build(load_csv_rows(tmp_path))
    inp = tmp_path / "in.csv"
    rows = ["id,name,dob,nationality,id_number"]
    for i in range(30):
        rows.append(f"{i},{['Viktor Petrenko', 'John Q Public', ' '][i % 3]},{['', '1970'][i % 2]},,")
    inp.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out1, out2 = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    s1 = run_batch(idx, inp, out1, 0.86, workers=1)
    s2 = run_batch(idx, inp, out2, 0.86, workers=2)
    assert out1.read_bytes() == out2.read_bytes()
    assert s1 == s2 and s1["rows"] == 30 and s1["errors"] == 10 and s1["alerts"] == 10
    got = [orjson.loads(x) for x in out2.read_bytes().splitlines()]
    assert [r["id"] for r in got] == [str(i) for i in range(30)]


def load_csv_rows(tmp_path):
    f = tmp_path / "agency.csv"
    f.write_text("id,name\np1,Viktor Petrenko\n", encoding="utf-8")
    return load_csv(f)


def test_local_blocks_keep_order(tmp_path):
    """Rows spread over many blocks, with duplicates across blocks: two workers write exactly what one does, in
    input order."""
    from vigil.screening.batch import _run_local

    idx = ScreeningIndex.build(load_csv_rows(tmp_path))
    names = ["Viktor Petrenko", "John Q Public", " ", "Viktor Petrenkoo", "Jane Roe"]
    records = [(i + 2, {"id": str(i), "name": names[i % 5], "dob": ["", "1970"][i % 2]}) for i in range(40)]
    serial, piped = [], []
    _run_local(idx, iter(records), 0.86, lambda chunk, lines: serial.extend(lines), workers=1)
    _run_local(idx, iter(records), 0.86, lambda chunk, lines: piped.extend(lines), workers=2, block=3)
    assert piped == serial and len(piped) == 40
    unpiped = []
    _run_local(idx, iter(records), 0.86, lambda chunk, lines: unpiped.extend(lines), workers=2, block=7, depth=0)
    assert unpiped == serial
    got = [orjson.loads(x) for x in piped]
    assert [r["id"] for r in got] == [str(i) for i in range(40)]
    assert sum("error" in r for r in got) == 8 and sum(bool(r["matches"]) for r in got) == 16


def test_a_lost_worker_ends_the_batch_with_an_error(tmp_path, monkeypatch):
    """A screening process killed mid-batch (out of memory, say) is reported, not waited for forever."""
    from vigil.screening import batch

    idx = ScreeningIndex.build(load_csv_rows(tmp_path))
    monkeypatch.setattr(batch, "_worker_keys", lambda keys: os._exit(3))
    records = [(i + 2, {"id": str(i), "name": f"Viktor Petrenko {i}"}) for i in range(20)]
    written = []
    with pytest.raises(batch.WorkerLost, match="exit code 3"):
        batch._run_local(idx, iter(records), 0.88, lambda chunk, lines: written.extend(lines), workers=2)
    assert written == []


def test_a_failed_batch_stops_its_workers(tmp_path):
    """When writing fails (a full disk, Ctrl-C), the batch ends with that error and leaves no worker behind."""
    import multiprocessing

    from vigil.screening import batch

    idx = ScreeningIndex.build(load_csv_rows(tmp_path))
    records = [(i + 2, {"id": str(i), "name": f"Viktor Petrenko {i}"}) for i in range(50)]

    def emit(chunk, lines):
        raise OSError("No space left on device")

    with pytest.raises(OSError, match="No space left"):
        batch._run_local(idx, iter(records), 0.88, emit, workers=2, block=5)
    assert multiprocessing.active_children() == []


def test_a_worker_task_leaves_its_caches_frozen_and_the_collector_on(tmp_path):
    """A worker answers a task without the cyclic collector and freezes what the task left behind (its caches),
    so that later collections do not walk them; the answers are those of ``_worker_keys``."""
    import gc

    from vigil.screening import batch

    idx = ScreeningIndex.build(load_csv_rows(tmp_path))
    keys = [(f"Viktor Petrenko {i}", None, None, None) for i in range(20)] + [("", None, None, None)]
    old_index, batch._WORKER_INDEX = batch._WORKER_INDEX, idx
    try:
        gc.unfreeze()
        answers = batch._task_answers(keys)
        frozen = gc.get_freeze_count()
        assert gc.isenabled() and frozen > 0 and gc.get_count()[0] < 50
        idx._result_cache.clear()
        assert answers == batch._worker_keys(keys) and answers[-1] == "empty name"
    finally:
        batch._WORKER_INDEX = old_index


def test_pickled_index_warms_and_matches_like_the_built_one(tmp_path):
    """A cached (pickled) index keeps no spelling tries: warm() builds those of its abjad-script list tokens once
    (batch workers call it on start), and the loaded index answers like the one it was built as."""
    import pickle

    from vigil.screening.core.normalize import abjad_steps

    f = tmp_path / "agency.csv"
    f.write_text("id,name,aliases\np1,Saif Kazim,سيف كاظم\np2,Viktor Petrenko,\n", encoding="utf-8")
    built = ScreeningIndex.build(load_csv(f))
    loaded = pickle.loads(pickle.dumps(built))
    abjad_tokens = {t for toks, ab in zip(loaded.rec_tokens, loaded.rec_abjad) if ab for t in toks}
    assert abjad_tokens
    abjad_steps.cache_clear()
    loaded.warm()
    assert abjad_steps.cache_info().currsize >= len(abjad_tokens)
    for q in ("Sayf Kadhim", "سيف كاظم", "Viktor Petrenkp", "John Q Public"):
        assert [m.to_dict() for m in loaded.search(q, threshold=0)] == [m.to_dict() for m in built.search(q, threshold=0)]
    assert [m.source_id for m in loaded.search("Sayf Kadhim")] == ["p1"]


def test_build_index_shares_the_work_and_builds_the_same_index(un_entries, ofac_entries, full_index):
    """The CLI's build normalises half the names in a forked helper: the index is the one a plain build makes."""
    from vigil.screening.batch import build_index

    shared = build_index(ofac_entries + un_entries, workers=2)
    for field in ("rec_entry", "rec_tokens", "rec_abjad", "rec_name", "rec_spell", "postings", "weights", "exact",
                  "del_index", "skel_index", "gram_index", "spell", "spell_near", "spell_part", "id_index",
                  "blank_rows"):
        assert getattr(shared, field) == getattr(full_index, field), field
    assert len(shared.rec_entry) > 20000


def test_router_keeps_abjad_names_together_and_balances_the_rest():
    from vigil.screening.batch import _Router

    route = _Router(2)
    arabic = [f"محمد {w}" for w in ("علي", "حسن", "كريم", "سعيد", "ناصر", "يوسف")]
    cjk = ["王秀英", "张伟", "김상호", "李娜"]
    latin = [f"Name{i} Family{i}" for i in range(40)] + ["Jérôme Müller", "Иван Петров"]
    picks = {n: route(n) for n in arabic + cjk + latin}
    assert {picks[n] for n in arabic} == {0}  # one process meets all their tokens
    assert {picks[n] for n in cjk} == {1}  # and another all the Chinese and Korean ones (and loads pypinyin)
    assert all(route(n) == picks[n] for n in arabic + cjk + latin)  # the same name, the same process
    # the loads stay within one name of each other, abjad names weighing ABJAD_COST
    assert abs(route.load[0] - route.load[1]) <= route.ABJAD_COST
    assert sum(1 for n in latin if picks[n] == 1) > sum(1 for n in latin if picks[n] == 0)


def test_router_reads_the_scripts_the_matcher_reads():
    from vigil.screening.batch import _ABJAD_LETTER, _CJK_LETTER
    from vigil.screening.core.translit import ABJAD, scripts

    # every letter outside ASCII, in the blocks Unicode has so far: the router's two searches agree with ``scripts``
    wrong = []
    for c in map(chr, range(0x80, 0x32000)):
        if c.isalpha():
            found = scripts(c)
            abjad, cjk = not found.isdisjoint(ABJAD), not found.isdisjoint(("HAN", "HANGUL", "KANA", "THAI"))
            if abjad != bool(_ABJAD_LETTER.match(c)) or (not abjad and cjk != bool(_CJK_LETTER.match(c))):
                wrong.append(f"U+{ord(c):04X}")
    assert wrong == []


def test_router_keeps_names_with_one_last_word_together_while_the_loads_allow():
    from vigil.screening.batch import _Router

    route = _Router(2)
    route.WORD_SLACK = 3.0
    picks = [route(f"{first} Uriarte") for first in ("Ana", "Belén", "Carmen", "Dolores")]
    assert len(set(picks)) == 1  # the surname's first-time work is done by one process
    others = [route(f"Name{i} Family{i}") for i in range(8)]  # new words go to the least loaded
    assert abs(route.load[0] - route.load[1]) <= 1.0 and others.count(1 - picks[0]) >= 5
    # far enough ahead, the word's process no longer takes its names
    more = [route(f"{first} Uriarte") for first in ("Elena", "Fátima", "Gloria", "Hilda", "Inés", "Julia")]
    assert set(more) == {0, 1} and max(route.load) - min(route.load) <= route.WORD_SLACK + 1.0


def test_router_keeps_the_names_of_an_alphabet_together():
    from vigil.screening.batch import _last_word, _Router

    route = _Router(2)
    cyrillic = ["Иван Петров", "Ольга Смирнова", "Пётр Иванов", "Анна Кузнецова"]
    greek = ["Γιώργος Παπαδόπουλος", "Μαρία Νικολάου", "Ελένη Γεωργίου"]
    devanagari = ["राहुल शर्मा", "प्रिया वर्मा", "अमित पटेल"]
    latin = [f"Name{i} Family{i}" for i in range(20)]
    picks = {n: route(n) for n in cyrillic + greek + devanagari + latin}
    # each script's romanised tokens are met by one process only (whatever their last words)
    assert len({picks[n] for n in cyrillic}) == 1 and len({picks[n] for n in greek}) == 1
    assert len({picks[n] for n in devanagari}) == 1
    assert abs(route.load[0] - route.load[1]) <= 1.0
    assert _last_word("John Smith Jr.") == _last_word("Mary SMITH") == "smith"
    assert _last_word("Dr. J.") == "j." and _last_word("  ") == ""


def test_router_shares_abjad_names_once_the_first_process_is_far_ahead():
    from vigil.screening.batch import _Router

    route = _Router(3)
    route.SLACK = 10.0
    picks = [route(f"حسن {i}") for i in range(30)]
    ahead = int(route.SLACK // route.ABJAD_COST) + 1  # the names the first process takes before it is SLACK ahead
    assert picks[:ahead + 1] == [0] * ahead + [1] and set(picks) == {0, 1, 2}
    assert max(route.load) - min(route.load) <= route.SLACK + route.ABJAD_COST


def test_abjad_rows_routed_to_one_worker_keep_their_order_and_results(tmp_path, full_index):
    names = ["محمد علي", "Mohamed Ali", "عبد الرحمن", "Manuel Noriega", "اسامة بن لادن", "John Smith"] * 30
    f = tmp_path / "r.csv"
    f.write_text("id,name\n" + "".join(f"{i},{n} {i % 7}\n" for i, n in enumerate(names)), encoding="utf-8")
    outs = []
    for workers in (1, 2):
        out = tmp_path / f"o{workers}.jsonl"
        run_batch(full_index, f, out, 0.8, workers=workers)
        outs.append(out.read_bytes())
    assert outs[0] == outs[1] and outs[0].count(b"\n") == len(names)


def test_cached_results_hold_their_text_not_the_serialiser_buffer(tmp_path):
    """A worker keeps every name's serialised matches (up to 200,000): each must cost about its text, not the 4 KB
    write buffer orjson returns with it."""
    import tracemalloc

    from vigil.screening.batch import _query_bytes

    idx = ScreeningIndex.build(load_csv_rows(tmp_path))
    names = [f"Viktor Petrenko {i}" for i in range(300)] + [f"Someone Else{i}" for i in range(300)]
    for n in names:  # the matcher's own caches fill here; below, only the results are new
        _query_bytes(idx, (n, None, None, None), 0.6)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        results = [_query_bytes(idx, (n, None, None, None), 0.5) for n in names]
        per_result = (tracemalloc.get_traced_memory()[0] - before) / len(names)
    finally:
        tracemalloc.stop()
    assert sum(r != b"[]" for r in results) == 300
    assert orjson.loads(results[0])[0]["source_id"] == "p1"
    assert per_result < 1000, per_result


def test_a_process_with_nothing_left_takes_tasks_routed_to_another(tmp_path, monkeypatch):
    """Every name routed to the first process: the second takes tasks from the end of its backlog, and the rows
    come back in input order."""
    from vigil.screening import batch

    idx = ScreeningIndex.build(load_csv_rows(tmp_path))
    monkeypatch.setattr(batch._Router, "__call__", lambda self, name: 0)
    monkeypatch.setattr(batch._Pipeline, "PIECE", 3)
    monkeypatch.setattr(batch._Pipeline, "AHEAD", 1)

    def answer_by_pid(keys):  # an error message per key: the process that answered it, and the key's name
        time.sleep(0.05)  # the first process must not answer everything before the second asks for work
        return [f"{os.getpid()} {k[0]}" for k in keys]

    monkeypatch.setattr(batch, "_worker_keys", answer_by_pid)
    records = [(i + 2, {"id": str(i), "name": f"Viktor Petrenko {i}"}) for i in range(60)]
    written = []
    batch._run_local(idx, iter(records), 0.88, lambda chunk, lines: written.extend(lines), workers=2, block=30)
    errors = [orjson.loads(x)["error"].split(" ", 3) for x in written]  # "line N: pid name..."
    assert [e[3] for e in errors] == [f"Viktor Petrenko {i}" for i in range(60)]
    assert len({e[2] for e in errors}) == 2


def test_a_stored_index_is_loaded_by_the_workers_and_rebuilt_when_unreadable(tmp_path):
    """The CLI's cache leaves the index in its file for the workers to load (``StoredIndex``); they answer as the
    built index does, and a file that cannot be read after all is replaced by the fallback's index."""
    import pickle

    from vigil.screening.batch import StoredIndex, _run_local

    idx = ScreeningIndex.build(load_csv_rows(tmp_path))
    f = tmp_path / "index.pkl"
    with f.open("wb") as fh:
        pickle.dump(len(idx), fh)
        offset = fh.tell()
        pickle.dump(idx, fh)
    records = [(i + 2, {"id": str(i), "name": n}) for i, n in enumerate(["Viktor Petrenko", "John Q Public"] * 5)]
    built = screen_records(idx, records, 0.88)
    stored = []
    _run_local(StoredIndex(f, offset, len(idx), lambda: 1 / 0), iter(records), 0.88,
               lambda chunk, lines: stored.extend(lines), workers=2)
    assert stored == built and any(b'"matches":[{' in line for line in built)
    f.write_bytes(f.read_bytes()[:offset + 10])
    assert screen_records(StoredIndex(f, offset, len(idx), lambda: idx).load(), records, 0.88) == built
