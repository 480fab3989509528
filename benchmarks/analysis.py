"""Analysis benchmark: monthly counts by type and area, and Gi* hotspots, over synthetic incidents.

    python benchmarks/analysis.py [--n 10000000] [--seed 1] [--dir DIR] [--repeat 3]

Generates `--n` incidents with numpy (seeded) into a Parquet file shaped like the analysis snapshot, with its
integer grouping keys and side files (the product's own `vigil.analysis.analytics` queries run on it): ten years, 12 types, 40 areas, points over a 30 x 30 km city
with a few dense clusters. Then times, each `--repeat` times (the median is reported):
  * monthly counts by type and area in DuckDB (`analytics.monthly_counts`, from the Parquet file to the answer);
  * the pandas baseline in the same run: the same Parquet file read and grouped by month, type and area;
  * Gi* hotspots on a 1 km grid (`analytics.grid_counts`: cells counted in DuckDB -> `spatial.getis_ord`), the
    service's path.
Goals (issue #25): monthly counts <= 2 s and Gi* <= 10 s at 10M. The last line is one JSON object.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from vigil.analysis import analytics  # noqa: E402
from vigil.analysis.core import spatial  # noqa: E402

TYPES = ["theft", "burglary", "assault", "robbery", "vandalism", "drugs", "fraud", "traffic", "public_order",
         "weapons", "arson", "other"]
AREAS = [f"district-{i:02d}" for i in range(40)]
CITY = (41.35, 2.05, 41.62, 2.41)  # south, west, north, east: about 30 x 30 km
START = np.datetime64("2016-01-01T00:00:00", "us")
CHUNK = 2_000_000


def generate(n: int, seed: int, path: Path) -> float:
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    south, west, north, east = CITY
    centres = rng.uniform([south, west], [north, east], size=(6, 2))
    schema = pa.schema([("id", pa.int64()), ("source", pa.string()), ("occurred_at", pa.timestamp("us")),
                        ("precision", pa.string()), ("type", pa.dictionary(pa.int8(), pa.string())),
                        ("area", pa.dictionary(pa.int8(), pa.string())), ("lat", pa.float64()),
                        ("lon", pa.float64()), ("month", pa.int32()), ("type_id", pa.int32()),
                        ("area_id", pa.int32())])
    span_us = int(np.timedelta64(3653, "D") / np.timedelta64(1, "us"))
    with pq.ParquetWriter(path, schema) as writer:
        for offset in range(0, n, CHUNK):
            m = min(CHUNK, n - offset)
            when = START + rng.integers(0, span_us, m).astype("timedelta64[us]")
            clustered = rng.random(m) < 0.2
            which = rng.integers(0, len(centres), m)
            lat = np.where(clustered, centres[which, 0] + rng.normal(0, 0.004, m), rng.uniform(south, north, m))
            lon = np.where(clustered, centres[which, 1] + rng.normal(0, 0.005, m), rng.uniform(west, east, m))
            area = ((lat - south) / (north - south) * 5).astype(int).clip(0, 4) * 8 + \
                ((lon - west) / (east - west) * 8).astype(int).clip(0, 7)
            kind = rng.choice(len(TYPES), m, p=np.linspace(2, 1, len(TYPES)) / np.linspace(2, 1, len(TYPES)).sum())
            table = pa.table({
                "id": pa.array(np.arange(offset, offset + m)),
                "source": pa.array(np.full(m, "bench", dtype=object)),
                "occurred_at": pa.array(when),
                "precision": pa.array(np.full(m, "time", dtype=object)),
                "type": pa.DictionaryArray.from_arrays(pa.array(kind.astype(np.int8)), pa.array(TYPES)),
                "area": pa.DictionaryArray.from_arrays(pa.array(area.astype(np.int8)), pa.array(AREAS)),
                "lat": pa.array(lat), "lon": pa.array(lon),
                "month": pa.array(_yyyymm(when)), "type_id": pa.array(kind.astype(np.int32)),
                "area_id": pa.array(area.astype(np.int32))}, schema=schema)
            writer.write_table(table, row_group_size=1_000_000)
    analytics.write_keys(path, TYPES, AREAS)
    return time.perf_counter() - started


def _yyyymm(when: np.ndarray) -> np.ndarray:
    months = when.astype("datetime64[M]").astype(np.int64)  # months since 1970-01
    return ((1970 + months // 12) * 100 + months % 12 + 1).astype(np.int32)


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(fn, repeat: int):
    """(median wall seconds, all wall times, median CPU seconds of the process over all its threads, result).
    The CPU time shows how much work a run was when other processes share the cores."""
    times, cpus, result = [], [], None
    for _ in range(repeat):
        started, cpu = time.perf_counter(), cpu_seconds()
        result = fn()
        times.append(time.perf_counter() - started)
        cpus.append(cpu_seconds() - cpu)
    return statistics.median(times), times, statistics.median(cpus), result


def duckdb_monthly(path: Path):
    with analytics.connect(path) as con:
        return analytics.monthly_counts(con)


def pandas_monthly(path: Path):
    """The same question in pandas on the same file and columns (month key, type and area names)."""
    import pandas as pd

    frame = pd.read_parquet(path, columns=["month", "type", "area"])
    frame = frame[frame["month"].notna()]
    return frame.groupby(["month", "type", "area"], observed=True).size()


def hotspots(path: Path):
    """The service's path: cells binned in DuckDB, then Gi* (esda) on the grid."""
    with analytics.connect(path) as con:
        grid, counts = analytics.grid_counts(con, cell_m=1000.0)
    return grid, spatial.getis_ord(counts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="vigil-analysis-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"incidents-v2-{args.n}-{args.seed}.parquet"
    generated_s = generate(args.n, args.seed, path) if not path.exists() else 0.0
    print(f"{args.n:,} synthetic incidents in {path} ({path.stat().st_size / 1e6:.0f} MB, "
          f"generated in {generated_s:.1f} s)")

    load = os.getloadavg()[0]
    print(f"load average at start: {load:.1f} on {os.cpu_count()} cores")
    duck_s, duck_all, duck_cpu, monthly = timed(lambda: duckdb_monthly(path), args.repeat)
    pandas_s, pandas_all, pandas_cpu, baseline = timed(lambda: pandas_monthly(path), args.repeat)
    total = sum(r["incidents"] for r in monthly)
    assert total == args.n == int(baseline.sum()) and len(monthly) == len(baseline), "DuckDB and pandas disagree"
    print(f"monthly counts by type and area: DuckDB {duck_s:.3f} s (runs {', '.join(f'{t:.3f}' for t in duck_all)}),"
          f" {len(monthly):,} groups, {duck_cpu:.3f} CPU s")
    print(f"pandas baseline (read + groupby): {pandas_s:.3f} s (runs {', '.join(f'{t:.3f}' for t in pandas_all)});"
          f" {pandas_cpu:.3f} CPU s; DuckDB is {pandas_s / duck_s:.1f}x faster")

    hotspots(path)  # first call imports esda and numba's compiled kernels: not part of a query's time
    spots_s, spots_all, spots_cpu, (grid, spots) = timed(lambda: hotspots(path), args.repeat)
    hot = sum(1 for s in spots if s.kind == "hot")
    print(f"Gi* hotspots on a 1 km grid ({grid.nx} x {grid.ny} cells): {spots_s:.3f} s "
          f"(runs {', '.join(f'{t:.3f}' for t in spots_all)}), {spots_cpu:.3f} CPU s, {hot} hot and "
          f"{len(spots) - hot} cold cells")
    goals = {"monthly_counts_s <= 2": duck_s <= 2.0, "hotspots_s <= 10": spots_s <= 10.0}
    print("goals: " + ", ".join(f"{k}: {'met' if v else 'MISSED'}" for k, v in goals.items()))
    print(json.dumps({"n": args.n, "monthly_counts_s": round(duck_s, 3), "hotspots_s": round(spots_s, 3),
                      "baseline_monthly_counts_s": round(pandas_s, 3),
                      "speedup_vs_pandas": round(pandas_s / duck_s, 2), "groups": len(monthly),
                      "monthly_counts_cpu_s": round(duck_cpu, 3), "hotspots_cpu_s": round(spots_cpu, 3),
                      "baseline_cpu_s": round(pandas_cpu, 3), "load_average": round(load, 1),
                      "grid_cells": grid.nx * grid.ny, "hot_cells": hot, "cold_cells": len(spots) - hot}))


if __name__ == "__main__":
    main()
