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


def solve_mclp(covers: list[np.ndarray], weights, n_posts: int, time_limit_s: float = 25.0,
               mip_gap: float = 1e-4) -> Placement:
    import highspy

    started = time.perf_counter()
    weights = np.asarray(weights, dtype=float)
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
    h.run()
    status = h.modelStatusToString(h.getModelStatus())
    x = np.array(h.getSolution().col_value[:n_cand])
    chosen = sorted(np.argsort(-x)[:n_posts].tolist())
    covered = np.zeros(n_dem, dtype=bool)
    for j in chosen:
        covered[covers[j]] = True
    info = h.getInfo()
    objective = -float(info.objective_function_value)
    bound = -float(info.mip_dual_bound)
    gap = float(info.mip_gap) if np.isfinite(info.mip_gap) else abs(bound - objective) / max(abs(objective), 1e-9)
    return Placement(chosen, float(weights[covered].sum()), float(weights.sum()), objective, bound, max(gap, 0.0),
                     status, time.perf_counter() - started)


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
