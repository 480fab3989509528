"""A discrete-event replay of one day: synthetic incidents, a fleet at its posts, dispatch by travel time.

Each incident is received, handled by a call-taker (gamma, mean 40 s), then given to the available unit with the shortest
road travel time (queued when none is free, served oldest first). The unit turns out, drives, stays on scene and
drives back to its post before it is free again. The result is 1-3-5 attainment for the day."""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field

import numpy as np

from vigil.response.core import targets
from vigil.response.core.graph import RoadGraph
from vigil.response.core.mclp import coverage_matrix, greedy_mclp

# incidents per hour of day, relative (night low, morning and evening rush high)
HOURLY_PROFILE = np.array([3, 2, 2, 1, 1, 2, 4, 7, 9, 7, 6, 6, 7, 6, 6, 7, 8, 10, 10, 8, 7, 6, 5, 4], dtype=float)
TURNOUT_S = 15.0


@dataclass
class SimConfig:
    units: int = 20
    incidents: int = 200
    seed: int = 1
    key_areas: list[dict] | None = None  # circles {name, lat, lon, radius_m}; generated when None
    service_mean_s: float = 1200.0
    posts: list[int] | None = None  # node indices; placed by greedy coverage when None


@dataclass
class SimResult:
    attainment: dict
    incidents: list[dict] = field(default_factory=list)
    posts: list[int] = field(default_factory=list)
    key_areas: list[dict] = field(default_factory=list)
    queued: int = 0


def synthetic_incidents(graph: RoadGraph, n: int, rng: np.random.Generator, hotspots: np.ndarray):
    """(time of day in s, node) pairs, sorted by time: 60 % near hotspots, the rest anywhere on the network."""
    hours = rng.choice(24, size=n, p=HOURLY_PROFILE / HOURLY_PROFILE.sum())
    times = np.sort(hours * 3600 + rng.uniform(0, 3600, size=n))
    near = rng.random(n) < 0.6
    nodes = rng.integers(0, graph.n, size=n)
    if len(hotspots):
        centre = hotspots[rng.integers(0, len(hotspots), size=n)]
        jitter = graph.snap(graph.lat[centre] + rng.normal(0, 0.002, n), graph.lon[centre] + rng.normal(0, 0.002, n))[0]
        nodes = np.where(near, jitter, nodes)
    return list(zip(times.tolist(), nodes.tolist()))


def place_posts(graph: RoadGraph, n_units: int, demand_nodes: np.ndarray, rng: np.random.Generator) -> list[int]:
    """Posts by greedy coverage of the expected demand within 5 minutes (candidates: a sample of nodes)."""
    candidates = np.unique(np.concatenate([rng.integers(0, graph.n, size=min(graph.n, 150)), demand_nodes[:150]]))
    covers = coverage_matrix(graph, candidates, demand_nodes, targets.OTHER_TARGET_S)
    chosen = greedy_mclp(covers, np.ones(len(demand_nodes)), n_units)
    posts = [int(candidates[j]) for j in chosen]
    while len(posts) < n_units:  # more units than useful posts: double up at the busiest
        posts.append(posts[len(posts) % max(len(chosen), 1)] if chosen else int(rng.integers(0, graph.n)))
    return posts


def simulate(graph: RoadGraph, config: SimConfig, progress=None) -> SimResult:
    rng = np.random.default_rng(config.seed)
    hotspots = rng.integers(0, graph.n, size=8)
    areas = config.key_areas
    if areas is None:
        areas = [{"name": f"key area {i + 1}", "lat": float(graph.lat[h]), "lon": float(graph.lon[h]),
                  "radius_m": 400.0} for i, h in enumerate(hotspots[:5])]
    calls = synthetic_incidents(graph, config.incidents, rng, hotspots)
    demand = np.array([node for _, node in calls] or [0], dtype=np.int64)
    posts = config.posts or place_posts(graph, config.units, demand, rng)
    handling = rng.gamma(4.0, 10.0, size=len(calls))  # call-taking: mean 40 s, some past a minute
    service = rng.exponential(config.service_mean_s, size=len(calls))

    free = set(range(len(posts)))
    queue: list[int] = []
    records = [{"t": t, "node": node, "dispatched": None, "on_scene": None,
                "key": targets.in_key_area(float(graph.lat[node]), float(graph.lon[node]), areas) is not None}
               for t, node in calls]
    events: list[tuple[float, int, str, int]] = []  # (time, order, kind, index)
    order = 0
    for i, (t, _) in enumerate(calls):
        heapq.heappush(events, (t + handling[i], order, "ready", i))
        order += 1
    queued = 0

    def dispatch(now: float, i: int) -> bool:
        nonlocal order
        if not free:
            return False
        node = records[i]["node"]
        candidates = sorted(free)
        times = graph.router().times_to(node, [posts[u] for u in candidates])
        best = int(np.argmin(times))  # ties: the lowest unit number
        unit, travel = candidates[best], float(times[best])
        if not math.isfinite(travel):
            return False
        free.discard(unit)
        records[i]["dispatched"] = now
        arrive = now + TURNOUT_S + travel
        records[i]["on_scene"] = arrive
        back = float(graph.router().times_to(posts[unit], [node])[0])
        heapq.heappush(events, (arrive + service[i] + (back if math.isfinite(back) else travel), order, "free", unit))
        order += 1
        return True

    done = 0
    while events:
        now, _, kind, index = heapq.heappop(events)
        if kind == "ready":
            done += 1
            if progress is not None and done % 50 == 0:
                progress(done)
            if not dispatch(now, index):
                queue.append(index)
                queued += 1
        else:
            free.add(index)
            while queue and dispatch(now, queue[0]):
                queue.pop(0)
    rows = [{"received_at": r["t"], "dispatched_at": r["dispatched"], "on_scene_at": r["on_scene"], "key": r["key"]}
            for r in records]
    return SimResult(targets.attainment(rows), records, posts, areas, queued)
