"""Post placement: the maximal covering location problem, solved as a mixed-integer programme with HiGHS.

maximise sum_i w_i y_i  subject to  y_i <= sum_{j covers i} x_j,  sum_j x_j = N,  x_j binary,  0 <= y_i <= 1.
Demand i is covered by candidate j when the road travel time from j to i is within the standard (5 minutes)."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy.sparse.csgraph import dijkstra

from vigil.response.core.graph import RoadGraph


@dataclass
class Placement:
    chosen: list[int]  # indices into the candidate list
    covered_weight: float
    total_weight: float
    objective: float
    bound: float
    gap: float  # relative optimality gap reported by the solver
    status: str
    seconds: float

    @property
    def covered_share(self) -> float:
        return self.covered_weight / self.total_weight if self.total_weight else 0.0


def coverage_matrix(graph: RoadGraph, candidate_nodes, demand_nodes, standard_s: float) -> list[np.ndarray]:
    """For each candidate, the demand indices it reaches within the standard."""
    times = dijkstra(graph.forward(), directed=True, indices=np.asarray(candidate_nodes), limit=standard_s)
    reached = times[:, np.asarray(demand_nodes)] <= standard_s
    return [np.nonzero(row)[0] for row in reached]


def aggregate(covers: list[np.ndarray], weights: np.ndarray) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Demand points covered by exactly the same candidates are one point with their summed weight; points no
    candidate covers drop out. (covers, weights, group of each original point or -1) of the smaller problem."""
    n_dem = len(weights)
    by_point: list[list[int]] = [[] for _ in range(n_dem)]
    for j, demands in enumerate(covers):
        for i in demands:
            by_point[int(i)].append(j)
    groups: dict[tuple, int] = {}
    group_of = np.full(n_dem, -1, dtype=np.int64)
    for i, cands in enumerate(by_point):
        if cands:
            group_of[i] = groups.setdefault(tuple(cands), len(groups))
    new_weights = np.zeros(len(groups))
    np.add.at(new_weights, group_of[group_of >= 0], weights[group_of >= 0])
    new_covers = [np.unique(group_of[c]) if len(c) else np.zeros(0, dtype=np.int64) for c in covers]
    return new_covers, new_weights, group_of


def solve_mclp(covers: list[np.ndarray], weights, n_posts: int, time_limit_s: float = 25.0,
               mip_gap: float = 1e-4) -> Placement:
    import highspy

    started = time.perf_counter()
    original_covers, original_weights = covers, np.asarray(weights, dtype=float)
    total = float(original_weights.sum())
    greedy = greedy_mclp(original_covers, original_weights, n_posts)
    if _covered_weight(original_covers, original_weights, greedy) >= total:
        # everything is covered: no placement can do better, the greedy answer is optimal (gap 0)
        return Placement(greedy, total, total, total, total, 0.0, "Optimal (all demand covered)",
                         time.perf_counter() - started)
    covers, weights, _ = aggregate(covers, original_weights)
    n_cand, n_dem = len(covers), len(weights)
    n_posts = min(n_posts, n_cand)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit_s))
    h.setOptionValue("mip_rel_gap", float(mip_gap))
    h.setOptionValue("threads", 1)
    inf = highspy.kHighsInf
    # columns: x_0..x_{n_cand-1}, then y_0..y_{n_dem-1}; HiGHS minimises, so the weights are negated
    for _ in range(n_cand):
        h.addVar(0.0, 1.0)
    for w in weights:
        h.addVar(0.0, 1.0)
    h.changeColsCost(n_cand + n_dem, np.arange(n_cand + n_dem, dtype=np.int32),
                     np.concatenate([np.zeros(n_cand), -weights]))
    h.changeColsIntegrality(n_cand, np.arange(n_cand, dtype=np.int32),
                            np.array([highspy.HighsVarType.kInteger] * n_cand))
    covered_by: list[list[int]] = [[] for _ in range(n_dem)]
    for j, demands in enumerate(covers):
        for i in demands:
            covered_by[int(i)].append(j)
    for i, cands in enumerate(covered_by):  # y_i - sum x_j <= 0
        idx = np.array([n_cand + i, *cands], dtype=np.int32)
        val = np.array([1.0] + [-1.0] * len(cands))
        h.addRow(-inf, 0.0, len(idx), idx, val)
    h.addRow(float(n_posts), float(n_posts), n_cand, np.arange(n_cand, dtype=np.int32), np.ones(n_cand))
    _warm_start(h, covers, weights, n_posts)
    h.run()
    status = h.modelStatusToString(h.getModelStatus())
    x = np.array(h.getSolution().col_value[:n_cand])
    chosen = sorted(np.argsort(-x)[:n_posts].tolist())
    info = h.getInfo()
    objective = -float(info.objective_function_value)
    bound = -float(info.mip_dual_bound)
    gap = float(info.mip_gap) if np.isfinite(info.mip_gap) else abs(bound - objective) / max(abs(objective), 1e-9)
    return Placement(chosen, _covered_weight(original_covers, original_weights, chosen), total, objective,
                     bound, max(gap, 0.0), status, time.perf_counter() - started)


def _covered_weight(covers: list[np.ndarray], weights: np.ndarray, chosen: list[int]) -> float:
    covered = np.zeros(len(weights), dtype=bool)
    for j in chosen:
        covered[covers[j]] = True
    return float(weights[covered].sum())


def _warm_start(h, covers: list[np.ndarray], weights: np.ndarray, n_posts: int) -> None:
    """The greedy answer as the first incumbent: the solver then only has to improve on it or prove it optimal."""
    import highspy

    chosen = greedy_mclp(covers, weights, n_posts)
    x = np.zeros(len(covers))
    x[chosen] = 1.0
    y = np.zeros(len(weights))
    for j in chosen:
        y[covers[j]] = 1.0
    solution = highspy.HighsSolution()
    solution.col_value = np.concatenate([x, y]).tolist()
    solution.value_valid = True
    h.setSolution(solution)


def greedy_mclp(covers: list[np.ndarray], weights, n_posts: int) -> list[int]:
    """The greedy heuristic (each post where it adds most weight), a baseline and a quick answer."""
    weights = np.asarray(weights, dtype=float)
    covered = np.zeros(len(weights), dtype=bool)
    chosen: list[int] = []
    for _ in range(min(n_posts, len(covers))):
        gains = [(-1.0 if j in chosen else float(weights[c[~covered[c]]].sum()), j) for j, c in enumerate(covers)]
        _, best = max(gains)
        chosen.append(best)
        covered[covers[best]] = True
    return sorted(chosen)
