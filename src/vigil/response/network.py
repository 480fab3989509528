"""The road network the service routes on: loaded once per process (from the .npz cache in the data folder)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from vigil.platform.config import bundled_data, get_settings
from vigil.response.core.graph import RoadGraph, load_graph

NETWORKS = {"andorra": "osm/andorra-latest.osm.pbf", "west-oakland": "osm/West-Oakland.osm.bz2"}
_graphs: dict[str, RoadGraph] = {}
_lock = threading.Lock()


def network_path(name: str | None = None) -> Path:
    """A named bundled network, or a path; `VIGIL_RESPONSE_NETWORK` picks the service's (default Andorra)."""
    name = name or os.environ.get("VIGIL_RESPONSE_NETWORK", "andorra")
    return bundled_data() / NETWORKS[name] if name in NETWORKS else Path(name)


def get_graph(name: str | None = None) -> RoadGraph:
    path = network_path(name)
    key = str(path.resolve())
    graph = _graphs.get(key)
    if graph is None:
        with _lock:
            graph = _graphs.get(key)
            if graph is None:
                if not path.exists():
                    raise FileNotFoundError(f"road network {path} not found")
                graph = load_graph(path, get_settings().data_dir / "cache" / "response")
                graph.router(), graph._snap_index()  # built (or loaded) now, not in the first request
                _graphs[key] = graph
    return graph
