"""Time-of-day patrol plans from incident history: per time band, the posts that cover most of that band's
incidents (and key places) within the 5-minute standard, and which bands are rush hours."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vigil.response.core import targets
from vigil.response.core.graph import RoadGraph
from vigil.response.core.mclp import coverage_matrix, greedy_mclp

BANDS = [(0, 6, "night"), (6, 10, "morning rush"), (10, 16, "day"), (16, 20, "evening rush"), (20, 24, "evening")]
KEY_PLACE_WEIGHT = 3.0


@dataclass
class BandPlan:
    label: str
    start_hour: int
    end_hour: int
    incidents: int
    rate_per_hour: float
    rush: bool
    posts: list[int]  # node indices
    covered_share: float


def plan(graph: RoadGraph, history: list[tuple[int, int]], key_nodes: list[int], units: int,
         candidates: int = 200, seed: int = 0) -> list[BandPlan]:
    """``history``: (hour of day, node) per past incident. Key places always weigh in, so quiet bands still get
    visible patrols at them."""
    rng = np.random.default_rng(seed)
    hours = np.array([h for h, _ in history], dtype=int)
    nodes = np.array([n for _, n in history], dtype=np.int64)
    mean_rate = len(history) / 24 if history else 0.0
    plans = []
    for start, end, label in BANDS:
        in_band = (hours >= start) & (hours < end) if len(hours) else np.zeros(0, dtype=bool)
        demand = np.concatenate([nodes[in_band], np.asarray(key_nodes, dtype=np.int64)])
        weights = np.concatenate([np.ones(int(in_band.sum())), np.full(len(key_nodes), KEY_PLACE_WEIGHT)])
        rate = float(in_band.sum()) / (end - start)
        if len(demand) == 0:
            plans.append(BandPlan(label, start, end, 0, 0.0, False, [], 0.0))
            continue
        cand = np.unique(np.concatenate([demand, rng.integers(0, graph.n, size=min(candidates, graph.n))]))
        covers = coverage_matrix(graph, cand, demand, targets.OTHER_TARGET_S)
        chosen = greedy_mclp(covers, weights, units)
        covered = np.zeros(len(demand), dtype=bool)
        for j in chosen:
            covered[covers[j]] = True
        plans.append(BandPlan(label, start, end, int(in_band.sum()), round(rate, 2),
                              bool(mean_rate and rate > 1.25 * mean_rate), [int(cand[j]) for j in chosen],
                              round(float(weights[covered].sum() / weights.sum()), 4)))
    return plans
