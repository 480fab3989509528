"""Isochrones of patrol posts (what is reachable within 1, 3 and 5 minutes) and the covered share."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vigil.response.core.graph import RoadGraph
from vigil.response.core.routing import travel_times_from

BANDS_S = (60, 180, 300)


@dataclass
class Isochrones:
    node_time: np.ndarray  # seconds from the nearest post (inf beyond 5 minutes)
    edge_band: np.ndarray  # per edge: the first band (seconds) that holds both its ends, 0 when none
    covered_share: dict[int, float]  # band -> share of network length inside it
    places: list[dict]  # key places with the time to reach them and their band


def isochrones(graph: RoadGraph, post_nodes, places: list[dict] | None = None,
               bands=BANDS_S) -> Isochrones:
    """One multi-source search from all posts with a limit at the largest band."""
    limit = max(bands)
    if len(np.atleast_1d(post_nodes)) == 0:
        times = np.full(graph.n, np.inf)
    else:
        times = travel_times_from(graph, post_nodes, limit=limit)
    edge_time = np.maximum(times[graph.src], times[graph.dst])
    edge_band = np.zeros(len(graph.src), dtype=np.int32)
    for band in sorted(bands, reverse=True):
        edge_band[edge_time <= band] = band
    total = float(graph.length_m.sum()) or 1.0
    share = {band: round(float(graph.length_m[edge_time <= band].sum()) / total, 4) for band in bands}
    out_places = []
    for place in places or []:
        t = times[place["node"]]
        reached = next((b for b in sorted(bands) if t <= b), None)
        out_places.append({**{k: v for k, v in place.items() if k != "node"},
                           "time_s": round(float(t), 1) if np.isfinite(t) else None, "band_s": reached})
    return Isochrones(times, edge_band, share, out_places)


def band_geojson(graph: RoadGraph, iso: Isochrones, colors=None, max_edges: int = 6000) -> list[dict]:
    """GeoJSON line features for the covered edges (one feature per band, multi-line), for the map."""
    colors = colors or {60: "#1a7f37", 180: "#bf8700", 300: "#cf222e"}
    features = []
    for band in sorted(set(int(b) for b in iso.edge_band if b)):
        edges = np.nonzero(iso.edge_band == band)[0][:max_edges]
        lines = [[[float(graph.lon[graph.src[e]]), float(graph.lat[graph.src[e]])],
                  [float(graph.lon[graph.dst[e]]), float(graph.lat[graph.dst[e]])]] for e in edges]
        features.append({"type": "Feature", "geometry": {"type": "MultiLineString", "coordinates": lines},
                         "properties": {"color": colors.get(band, "#555"), "label": f"within {band // 60} min"}})
    return features
