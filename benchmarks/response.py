"""Rapid-response benchmark: recommendation latency on the Andorra drive network, isochrones, post placement
(MCLP with HiGHS) and position-update throughput on SQLite and PostgreSQL.

Recommendation: 1,000 incidents at random points on the network, 200 units at random points; per incident the
work the service does for POST /api/v1/response/recommend after reading the units: snap the incident to the
network (KD-tree), look the units' nodes up (memo of positions already snapped, as the service keeps), one reverse
Dijkstra from the incident on the chain-contracted graph, rank. Baseline in the same run: networkx
`shortest_path_length` from each unit to the incident (the naive way), on a subset of incidents.

Position updates: batches of 1,000 updates for 1,000 distinct units (the hard case: every update is a row
write) through POST /api/v1/response/units/positions (in-process ASGI client, bearer token), on an SQLite file and
on PostgreSQL when reachable (VIGIL_BENCH_PG_URL, default the local test server).

    .venv/bin/python benchmarks/response.py [--incidents 1000] [--units 200] [--baseline 10] [--quick]
                                            [--recommend-only]

The last line is one JSON object: p50_ms, p99_ms, baseline_p50_ms, ratio, isochrones_100_s, mclp_s, mclp_gap (3-minute standard), mclp_5min_s,
positions_per_s_sqlite, positions_per_s_postgres.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
PG_URL = os.environ.get("VIGIL_BENCH_PG_URL", "postgresql+psycopg://vigil@127.0.0.1:54329/postgres")


def pct(values, p: float) -> float:
    return float(np.percentile(np.asarray(values), p))


def random_points(graph, rng, count: int, spread_deg: float = 0.0005):
    nodes = rng.integers(0, graph.n, size=count)
    return graph.lat[nodes] + rng.normal(0, spread_deg, count), graph.lon[nodes] + rng.normal(0, spread_deg, count)


def bench_recommend(graph, n_incidents: int, n_units: int, n_baseline: int, rng) -> dict:
    from vigil.response.core.routing import path_length_baseline, rank_units, to_networkx

    unit_lat, unit_lon = random_points(graph, rng, n_units)
    ids = [f"U{k:03d}" for k in range(n_units)]
    inc_lat, inc_lon = random_points(graph, rng, n_incidents)
    times, answers = [], []
    gc.collect()
    gc.freeze()  # as the server does at start-up (web.app._tune_gc): the graph's objects leave the collector's way
    cpu = []  # CPU time of this thread: the work itself, without the waits a busy machine adds to wall time
    for lat, lon in zip(inc_lat, inc_lon):
        start, start_cpu = time.perf_counter(), time.thread_time()
        target = graph.snap_one(lat, lon)
        nodes, dist = graph.snap_cached(unit_lat, unit_lon)
        ranked = rank_units(graph, target, ids, nodes[dist <= 500])
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.thread_time() - start_cpu) * 1000)
        answers.append((target, ranked))
    nxg = to_networkx(graph)
    unit_nodes = graph.snap(unit_lat, unit_lon)[0]
    base = []
    for target, ranked in answers[:n_baseline]:
        start = time.perf_counter()
        naive = path_length_baseline(nxg, unit_nodes, target)
        base.append((time.perf_counter() - start) * 1000)
        best = min(range(n_units), key=lambda k: (naive[k], ids[k]))
        assert ranked[0].unit_id == ids[best] or abs(ranked[0].travel_time_s - naive[best]) < 0.1, "answers differ"
    return {"p50_ms": round(pct(times, 50), 3), "p99_ms": round(pct(times, 99), 3),
            "max_ms": round(max(times), 3), "cpu_p50_ms": round(pct(cpu, 50), 3), "cpu_p99_ms": round(pct(cpu, 99), 3), "baseline_p50_ms": round(pct(base, 50), 1),
            "baseline_incidents": len(base), "ratio": round(pct(base, 50) / pct(times, 50), 1)}


def bench_isochrones(graph, rng) -> dict:
    from vigil.response.core.coverage import isochrones

    posts = graph.snap(*random_points(graph, rng, 100))[0]
    start = time.perf_counter()
    iso = isochrones(graph, posts)
    return {"isochrones_100_s": round(time.perf_counter() - start, 3),
            "isochrones_share_5min": iso.covered_share[300]}


def bench_mclp(graph, rng, standard_s: int, n_posts: int = 30, n_demand: int = 2000, n_candidates: int = 600) -> dict:
    from vigil.response.core.mclp import coverage_matrix, greedy_mclp, solve_mclp

    demand = rng.integers(0, graph.n, size=n_demand)
    weights = rng.integers(1, 6, size=n_demand).astype(float)
    candidates = rng.integers(0, graph.n, size=n_candidates)
    start = time.perf_counter()
    covers = coverage_matrix(graph, candidates, demand, standard_s)
    result = solve_mclp(covers, weights, n_posts, time_limit_s=25)
    seconds = time.perf_counter() - start
    greedy = greedy_mclp(covers, weights, n_posts)
    covered = np.zeros(n_demand, dtype=bool)
    for j in greedy:
        covered[covers[j]] = True
    return {"seconds": round(seconds, 2), "gap": round(result.gap, 6), "status": result.status,
            "covered_share": round(result.covered_share, 4),
            "greedy_covered_share": round(float(weights[covered].sum() / weights.sum()), 4)}


def _pg_database() -> tuple[str, callable] | None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    try:
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        name = f"vigil_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - PostgreSQL is optional for the benchmark
        print(f"PostgreSQL not reachable ({exc.__class__.__name__}); skipping it")
        return None

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False), drop


def bench_positions(url: str | None, data_dir: str, n_units: int = 1000, batches: int = 30, batch: int = 1000) -> dict:
    from datetime import datetime, timedelta, timezone

    from fastapi.testclient import TestClient

    os.environ["VIGIL_DATA_DIR"] = data_dir
    os.environ["VIGIL_SCHEDULER"] = "false"
    if url:
        os.environ["VIGIL_DATABASE_URL"] = url
    else:
        os.environ.pop("VIGIL_DATABASE_URL", None)
    from vigil.platform.config import reset_settings

    reset_settings()
    from vigil.platform.database import session_scope
    from vigil.platform.identity import service as identity
    from vigil.platform.identity.principal import SYSTEM
    from vigil.platform.migrations import upgrade
    from vigil.response.models import Unit
    from vigil.web.app import create_app

    upgrade()
    with session_scope() as db:
        identity.create_agency(db, SYSTEM, "city", "City Police", "police", "XX")
        identity.create_user(db, SYSTEM, "op", "op-bench-pass-123", "city", "operator", 1)
        db.add_all([Unit(id=f"B{k:05d}", kind="patrol car", status="available") for k in range(n_units)])
        _, token = identity.create_token(db, SYSTEM, "op", "bench")
    t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
    bodies = []
    for b in range(batches):
        at = (t0 + timedelta(seconds=b + 1)).isoformat().replace("+00:00", "Z")
        ids = [(b * batch + k) % n_units for k in range(batch)]
        bodies.append(json.dumps({"updates": [{"unit_id": f"B{i:05d}", "lat": 42.5 + i * 1e-6, "lon": 1.5,
                                               "at": at} for i in ids]}))
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    with TestClient(create_app(), base_url="https://testserver") as client:
        client.post("/api/v1/response/units/positions", content=bodies[0], headers=headers)  # warm up
        start = time.perf_counter()
        applied = stale = 0
        for body in bodies[1:]:
            out = client.post("/api/v1/response/units/positions", content=body, headers=headers).json()
            applied += out["applied"]
            stale += out["stale"]
        seconds = time.perf_counter() - start
    stale_probe = None
    with TestClient(create_app(), base_url="https://testserver") as client:
        stale_probe = client.post("/api/v1/response/units/positions", content=bodies[1], headers=headers).json()
    reset_settings()
    sent = batch * (batches - 1)
    return {"updates_per_s": round(sent / seconds), "applied": applied, "stale_in_run": stale,
            "replayed_old_batch_stale": stale_probe["stale"]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--incidents", type=int, default=1000)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--baseline", type=int, default=10, help="incidents the networkx baseline runs on")
    parser.add_argument("--quick", action="store_true", help="small sizes, for development")
    parser.add_argument("--recommend-only", action="store_true", help="only the recommendation figures")
    args = parser.parse_args()
    if args.quick:
        args.incidents, args.baseline = 100, 2
    from vigil.response.core.graph import load_graph

    rng = np.random.default_rng(2026)
    cache = Path(tempfile.gettempdir()) / "vigil-response-bench-cache"
    pbf = REPO / "data" / "osm" / "andorra-latest.osm.pbf"
    load_graph(pbf, cache).router()  # built (and cached) once
    start = time.perf_counter()
    graph = load_graph(pbf, cache)
    graph.router(), graph._snap_index()
    load_s = time.perf_counter() - start
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the start")
    print(f"Andorra drive network: {graph.n} nodes, {len(graph.src)} directed edges; loaded from cache and "
          f"indexed in {load_s:.3f} s")
    rec = bench_recommend(graph, args.incidents, args.units, args.baseline, rng)
    print(f"recommendation ({args.incidents} incidents x {args.units} units): p50 {rec['p50_ms']} ms, "
          f"p99 {rec['p99_ms']} ms, max {rec['max_ms']} ms (CPU time of the work: p50 {rec['cpu_p50_ms']} ms, "
          f"p99 {rec['cpu_p99_ms']} ms)")
    print(f"baseline networkx shortest_path_length from each unit ({rec['baseline_incidents']} incidents): "
          f"p50 {rec['baseline_p50_ms']} ms  -> {rec['ratio']}x slower")
    if args.recommend_only:
        print(json.dumps({**rec, "graph_load_s": round(load_s, 3), "load_average": round(os.getloadavg()[0], 1)}))
        return
    iso = bench_isochrones(graph, rng)
    print(f"isochrones for 100 posts: {iso['isochrones_100_s']} s (5-min share {iso['isochrones_share_5min']})")
    out = {**rec, **iso, "graph_load_s": round(load_s, 3)}
    for standard, key in ((180, "mclp"), (300, "mclp_5min")):
        mc = bench_mclp(graph, rng, standard)
        print(f"MCLP 30 posts / 2,000 demand points / 600 candidates, {standard // 60}-minute standard: "
              f"{mc['seconds']} s including the coverage searches, {mc['status']}, gap {mc['gap']}, covered "
              f"{mc['covered_share']} (greedy {mc['greedy_covered_share']})")
        out.update({f"{key}_s": mc["seconds"], f"{key}_gap": mc["gap"], f"{key}_covered_share": mc["covered_share"]})
    batches = 6 if args.quick else 30
    with tempfile.TemporaryDirectory() as tmp:
        sq = bench_positions(None, tmp, batches=batches)
    print(f"position updates, SQLite: {sq['updates_per_s']}/s (batches of 1,000 distinct units; an old batch "
          f"replayed: {sq['replayed_old_batch_stale']} stale)")
    out["positions_per_s_sqlite"] = sq["updates_per_s"]
    pg = _pg_database()
    if pg:
        url, drop = pg
        try:
            with tempfile.TemporaryDirectory() as tmp:
                res = bench_positions(url, tmp, batches=batches)
            print(f"position updates, PostgreSQL: {res['updates_per_s']}/s (old batch replayed: "
                  f"{res['replayed_old_batch_stale']} stale)")
            out["positions_per_s_postgres"] = res["updates_per_s"]
        finally:
            from vigil.platform.config import reset_settings

            reset_settings()
            drop()
    out["load_average"] = round(os.getloadavg()[0], 1)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
