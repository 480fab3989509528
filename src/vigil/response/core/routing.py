"""Unit recommendation by road travel time: one search from the incident over the reversed graph."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse.csgraph import dijkstra

from vigil.response.core.graph import RoadGraph


@dataclass(frozen=True)
class Ranked:
    unit_id: str
    travel_time_s: float


def travel_times_to(graph: RoadGraph, target: int, limit: float = np.inf) -> np.ndarray:
    """Seconds from every node to ``target`` (inf beyond ``limit`` or unreachable): one reverse Dijkstra."""
    return dijkstra(graph.reverse(), directed=True, indices=target, limit=limit)


def travel_times_from(graph: RoadGraph, sources, limit: float = np.inf) -> np.ndarray:
    """Seconds from the nearest of ``sources`` to every node (a multi-source search, for coverage)."""
    return dijkstra(graph.forward(), directed=True, indices=np.atleast_1d(sources), limit=limit, min_only=True)


def rank_units(graph: RoadGraph, target: int, unit_ids: list[str], unit_nodes: np.ndarray,
               limit: int | None = None) -> list[Ranked]:
    """Units that can reach ``target``, fastest first (ties broken by id so the order is deterministic), at most
    ``limit``. One search from the target over the reversed graph, on its contracted form (core.contract)."""
    if not unit_ids:
        return []
    times = graph.router().times_to(target, np.asarray(unit_nodes, dtype=np.int64))
    order = np.lexsort((np.asarray(unit_ids), times))
    order = order[np.isfinite(times[order])][:limit]
    rounded = np.round(times[order], 1).tolist()
    return [Ranked(unit_ids[k], t) for k, t in zip(order.tolist(), rounded)]


def path_length_baseline(nx_graph, unit_nodes, target: int) -> list[float]:
    """The naive way the benchmark compares against: networkx shortest_path_length from each unit separately."""
    import networkx as nx

    out = []
    for node in unit_nodes:
        try:
            out.append(nx.shortest_path_length(nx_graph, int(node), target, weight="weight"))
        except nx.NetworkXNoPath:
            out.append(float("inf"))
    return out


def to_networkx(graph: RoadGraph):
    import networkx as nx

    g = nx.DiGraph()
    matrix = graph.forward().tocoo()
    g.add_weighted_edges_from(zip(matrix.row.tolist(), matrix.col.tolist(), matrix.data.tolist()))
    return g
