"""A compact drive network: nodes, directed edges with travel times, a snapping index, street names.

Built from an OpenStreetMap extract (PBF through pyrosm, or OSM XML such as the small West Oakland file through
lxml), reduced to its largest strongly connected component (every kept node can reach and be reached from every
other, so a snapped incident is always reachable), and stored as numpy arrays that a process reloads from an
``.npz`` cache in milliseconds. Pure: no database, no web."""

from __future__ import annotations

import bz2
import hashlib
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

EARTH_M = 6_371_008.8
CACHE_VERSION = "4"
SNAP_STEP_M = 20.0  # points interpolated along edges every this many metres, for snapping to the network
MAX_SNAP_M = 500.0

# km/h by road class where `maxspeed` is missing or unreadable
DEFAULT_SPEEDS = {
    "motorway": 100, "motorway_link": 60, "trunk": 80, "trunk_link": 50, "primary": 60, "primary_link": 40,
    "secondary": 50, "secondary_link": 40, "tertiary": 40, "tertiary_link": 30, "unclassified": 30,
    "residential": 30, "living_street": 10, "service": 15, "road": 30, "track": 15,
}
DRIVE_CLASSES = set(DEFAULT_SPEEDS)
ZONE_SPEEDS = {"urban": 50, "rural": 90, "motorway": 120, "living_street": 20, "walk": 7}


class OffNetwork(ValueError):
    """A point farther than the allowed distance from any road of the network."""

    def __init__(self, distance_m: float, limit_m: float):
        super().__init__(f"the point is {distance_m:.0f} m from the nearest road (limit {limit_m:.0f} m)")
        self.distance_m = distance_m


def parse_speed(maxspeed, highway: str) -> float:
    """km/h from an OSM maxspeed value (``50``, ``30 mph``, ``AD:urban``), else the road class default."""
    text = str(maxspeed or "").strip().lower()
    number = re.match(r"^(\d+(?:\.\d+)?)\s*(mph)?", text)
    if number:
        value = float(number.group(1)) * (1.609 if number.group(2) else 1.0)
        if 3 <= value <= 150:
            return value
    for zone, value in ZONE_SPEEDS.items():
        if text.endswith(zone):
            return float(value)
    return float(DEFAULT_SPEEDS.get(highway, 30))


def haversine_m(lat1, lon1, lat2, lon2):
    lat1, lon1, lat2, lon2 = map(np.radians, (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_M * np.arcsin(np.sqrt(a))


@dataclass
class RawNetwork:
    """What a reader hands over: node coordinates and undirected-or-one-way segments between node ids."""

    node_ids: np.ndarray  # int64 OSM ids
    lat: np.ndarray
    lon: np.ndarray
    seg_u: np.ndarray  # OSM ids
    seg_v: np.ndarray
    seg_speed: np.ndarray  # km/h
    seg_oneway: np.ndarray  # 0 both ways, 1 u->v only, -1 v->u only
    seg_name: list[str]
    places: list[tuple[str, float, float]] = field(default_factory=list)  # named places (towns, squares...)


@dataclass
class RoadGraph:
    lat: np.ndarray  # per node
    lon: np.ndarray
    src: np.ndarray  # per directed edge (int32 node index)
    dst: np.ndarray
    length_m: np.ndarray
    time_s: np.ndarray
    name_of_edge: np.ndarray  # int32 index into names (-1 none)
    names: list[str]
    source: str = ""
    place_names: list[str] = field(default_factory=list)  # OSM places (place=town, village, square...)
    place_lat: np.ndarray = field(default_factory=lambda: np.zeros(0))
    place_lon: np.ndarray = field(default_factory=lambda: np.zeros(0))
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def n(self) -> int:
        return len(self.lat)

    # --- matrices (built once per process) --------------------------------------------------------------------
    def forward(self) -> csr_matrix:
        """Travel-time matrix: row = from, column = to. Parallel edges keep their fastest time."""
        if "fwd" not in self._cache:
            self._cache["fwd"] = _min_csr(self.src, self.dst, self.time_s, self.n)
        return self._cache["fwd"]

    def reverse(self) -> csr_matrix:
        """The transposed matrix: a search from a node over it gives travel times TO that node."""
        if "rev" not in self._cache:
            self._cache["rev"] = _min_csr(self.dst, self.src, self.time_s, self.n)
        return self._cache["rev"]

    def router(self):
        """Searches toward one point on the graph with its chains contracted (core.contract)."""
        if "router" not in self._cache:
            import pickle

            from vigil.response.core.contract import ChainRouter

            stored: Path | None = self._cache.get("router_file")
            router = None
            if stored is not None and stored.exists():
                try:
                    router = pickle.loads(stored.read_bytes())
                except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
                    router = None  # rebuilt below
            if router is None:
                router = ChainRouter(self.forward())
                if stored is not None:
                    tmp = stored.with_suffix(".tmp")
                    tmp.write_bytes(pickle.dumps(router, protocol=pickle.HIGHEST_PROTOCOL))
                    tmp.replace(stored)
            self._cache["router"] = router
        return self._cache["router"]

    # --- snapping -------------------------------------------------------------------------------------------
    def _projection(self):
        if "proj" not in self._cache:
            lat0 = float(np.mean(self.lat)) if self.n else 0.0
            self._cache["proj"] = (math.radians(1) * EARTH_M, math.radians(1) * EARTH_M * math.cos(math.radians(lat0)))
        return self._cache["proj"]

    def project(self, lat, lon) -> np.ndarray:
        ky, kx = self._projection()
        return np.column_stack([np.asarray(lon, dtype=float) * kx, np.asarray(lat, dtype=float) * ky])

    def _snap_index(self):
        """KD-tree over nodes and points along each edge; each point stands for the edge end it is closest to."""
        if "snap" not in self._cache:
            lats, lons, owners = [self.lat], [self.lon], [np.arange(self.n)]
            steps = np.floor(self.length_m / SNAP_STEP_M).astype(int)
            long_edges = np.nonzero(steps >= 1)[0]
            if len(long_edges):
                reps = steps[long_edges]
                edge = np.repeat(long_edges, reps)
                k = np.concatenate([np.arange(1, r + 1) for r in reps]) / (reps.repeat(reps) + 1)
                s, d = self.src[edge], self.dst[edge]
                lats.append(self.lat[s] + (self.lat[d] - self.lat[s]) * k)
                lons.append(self.lon[s] + (self.lon[d] - self.lon[s]) * k)
                owners.append(np.where(k < 0.5, s, d))
            points = self.project(np.concatenate(lats), np.concatenate(lons))
            self._cache["snap"] = (cKDTree(points), np.concatenate(owners).astype(np.int32))
        return self._cache["snap"]

    def snap(self, lat, lon, max_m: float = MAX_SNAP_M) -> tuple[np.ndarray, np.ndarray]:
        """(node index, distance in metres) for each point; no limit is applied here."""
        tree, owner = self._snap_index()
        dist, idx = tree.query(self.project(np.atleast_1d(lat), np.atleast_1d(lon)))
        return owner[idx], dist

    def snap_cached(self, lat, lon) -> tuple[np.ndarray, np.ndarray]:
        """``snap`` with a per-process memo of positions seen before: units mostly stand still between two
        recommendations, so only the ones that moved cost a tree query."""
        memo: dict = self._cache.setdefault("snap_memo", {})
        keys = list(zip(np.asarray(lat, dtype=float).tolist(), np.asarray(lon, dtype=float).tolist()))
        missing = [k for k in keys if k not in memo]
        if missing:
            if len(memo) > 200_000:
                memo.clear()
            nodes, dist = self.snap(np.array([k[0] for k in missing]), np.array([k[1] for k in missing]))
            memo.update(zip(missing, zip(nodes.tolist(), dist.tolist())))
        found = [memo[k] for k in keys]
        return (np.array([f[0] for f in found], dtype=np.int64), np.array([f[1] for f in found], dtype=float))

    def snap_one(self, lat: float, lon: float, max_m: float = MAX_SNAP_M) -> int:
        """The node for one point, or OffNetwork when it is farther than ``max_m`` from the network."""
        nodes, dist = self.snap(lat, lon)
        if not np.isfinite(dist[0]) or dist[0] > max_m:
            raise OffNetwork(float(dist[0]), max_m)
        return int(nodes[0])

    def bounds(self) -> tuple[float, float, float, float]:
        return float(self.lat.min()), float(self.lon.min()), float(self.lat.max()), float(self.lon.max())

    def named_places(self) -> dict[str, tuple[float, float]]:
        return {name: (float(lat), float(lon)) for name, lat, lon in zip(self.place_names, self.place_lat,
                                                                       self.place_lon)}

    def street_points(self) -> dict[str, tuple[float, float]]:
        """Each named street's middle point (the midpoint of its median edge), for address search."""
        if "streets" not in self._cache:
            out = {}
            named = np.nonzero(self.name_of_edge >= 0)[0]
            order = named[np.argsort(self.name_of_edge[named], kind="stable")]
            groups = np.split(order, np.nonzero(np.diff(self.name_of_edge[order]))[0] + 1) if len(order) else []
            for group in groups:
                e = group[len(group) // 2]
                out[self.names[self.name_of_edge[e]]] = (
                    float((self.lat[self.src[e]] + self.lat[self.dst[e]]) / 2),
                    float((self.lon[self.src[e]] + self.lon[self.dst[e]]) / 2))
            self._cache["streets"] = out
        return self._cache["streets"]


def _min_csr(rows, cols, weights, n) -> csr_matrix:
    order = np.lexsort((weights, cols, rows))
    rows, cols, weights = rows[order], cols[order], weights[order]
    keep = np.ones(len(rows), dtype=bool)
    keep[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])  # first (fastest) of each parallel group
    matrix = csr_matrix((weights[keep], (rows[keep], cols[keep])), shape=(n, n))
    matrix.sort_indices()
    return matrix


def build_graph(raw: RawNetwork, source: str = "") -> RoadGraph:
    """Directed edges from the segments (one-way respected), reduced to the largest strongly connected part."""
    index = {int(i): k for k, i in enumerate(raw.node_ids)}
    known = np.array([int(u) in index and int(v) in index for u, v in zip(raw.seg_u, raw.seg_v)], dtype=bool)
    u = np.array([index[int(x)] for x in raw.seg_u[known]], dtype=np.int64)
    v = np.array([index[int(x)] for x in raw.seg_v[known]], dtype=np.int64)
    speed, oneway = raw.seg_speed[known], raw.seg_oneway[known]
    names_in = [raw.seg_name[i] for i in np.nonzero(known)[0]]
    length = haversine_m(raw.lat[u], raw.lon[u], raw.lat[v], raw.lon[v])
    fwd, bwd = oneway >= 0, oneway <= 0  # 1: u->v only; -1: v->u only; 0: both
    src = np.concatenate([u[fwd], v[bwd]])
    dst = np.concatenate([v[fwd], u[bwd]])
    seg = np.concatenate([np.nonzero(fwd)[0], np.nonzero(bwd)[0]])
    length_e = length[seg]
    time_e = length_e / (speed[seg] / 3.6)
    # keep the largest strongly connected component
    n = len(raw.node_ids)
    matrix = csr_matrix((np.ones(len(src)), (src, dst)), shape=(n, n))
    _, labels = connected_components(matrix, directed=True, connection="strong")
    biggest = np.bincount(labels).argmax() if n else 0
    keep_node = labels == biggest
    new_id = np.full(n, -1, dtype=np.int64)
    new_id[keep_node] = np.arange(int(keep_node.sum()))
    keep_edge = keep_node[src] & keep_node[dst] & (src != dst)
    unique_names = sorted({x for x in names_in if x})
    name_index = {x: i for i, x in enumerate(unique_names)}
    seg_name_idx = np.array([name_index.get(x, -1) for x in names_in], dtype=np.int32)
    return RoadGraph(lat=raw.lat[keep_node].astype(float), lon=raw.lon[keep_node].astype(float),
                     src=new_id[src[keep_edge]].astype(np.int32), dst=new_id[dst[keep_edge]].astype(np.int32),
                     length_m=length_e[keep_edge].astype(float),
                     time_s=np.maximum(time_e[keep_edge], 0.01).astype(float),
                     name_of_edge=seg_name_idx[seg[keep_edge]], names=unique_names, source=source,
                     place_names=[p[0] for p in raw.places], place_lat=np.array([p[1] for p in raw.places]),
                     place_lon=np.array([p[2] for p in raw.places]))


# --- readers ----------------------------------------------------------------------------------------------------
def _oneway_code(value, junction=None) -> int:
    text = str(value or "").strip().lower()
    if text in ("yes", "true", "1"):
        return 1
    if text in ("-1", "reverse"):
        return -1
    if str(junction or "").lower() == "roundabout" and text not in ("no", "false", "0"):
        return 1
    return 0


def read_pbf(path: Path) -> RawNetwork:
    """The drive network of a PBF extract through pyrosm (its segments are already split at every node)."""
    from pyrosm import OSM

    osm = OSM(str(path))
    nodes, edges = osm.get_network(network_type="driving", nodes=True)
    junction = edges["junction"] if "junction" in edges else [None] * len(edges)
    return RawNetwork(
        node_ids=nodes["id"].to_numpy(dtype=np.int64), lat=nodes["lat"].to_numpy(float),
        lon=nodes["lon"].to_numpy(float), seg_u=edges["u"].to_numpy(dtype=np.int64),
        seg_v=edges["v"].to_numpy(dtype=np.int64),
        seg_speed=np.array([parse_speed(m, h) for m, h in zip(edges["maxspeed"], edges["highway"])]),
        seg_oneway=np.array([_oneway_code(o, j) for o, j in zip(edges["oneway"], junction)], dtype=np.int8),
        seg_name=[n if isinstance(n, str) else "" for n in edges["name"]], places=_pbf_places(osm))


def _pbf_places(osm) -> list[tuple[str, float, float]]:
    import json

    found = osm.get_data_by_custom_criteria(custom_filter={"place": True}, filter_type="keep", keep_nodes=True,
                                            keep_ways=False, keep_relations=False)
    places = []
    for tags, lat, lon in zip(found["tags"] if found is not None else [], found["lat"] if found is not None else [],
                              found["lon"] if found is not None else []):
        name = json.loads(tags).get("name") if isinstance(tags, str) else None
        if name:
            places.append((name, float(lat), float(lon)))
    return places


def read_osm_xml(path: Path) -> RawNetwork:
    """OSM XML (optionally bz2): ways with a drivable `highway` tag, split into node-to-node segments."""
    from lxml import etree

    opener = bz2.open if str(path).endswith(".bz2") else open
    node_ids, lats, lons = [], [], []
    seg_u, seg_v, speeds, oneways, names, places = [], [], [], [], [], []
    with opener(path, "rb") as handle:
        for _, element in etree.iterparse(handle, events=("end",), tag=("node", "way")):
            if element.tag == "node":
                node_ids.append(int(element.get("id")))
                lats.append(float(element.get("lat")))
                lons.append(float(element.get("lon")))
                tags = {t.get("k"): t.get("v") for t in element.iterfind("tag")}
                if tags.get("place") and tags.get("name"):
                    places.append((tags["name"], lats[-1], lons[-1]))
            else:
                tags = {t.get("k"): t.get("v") for t in element.iterfind("tag")}
                highway = tags.get("highway")
                if highway in DRIVE_CLASSES and tags.get("access") not in ("no", "private") \
                        and tags.get("area") != "yes":
                    refs = [int(nd.get("ref")) for nd in element.iterfind("nd")]
                    speed = parse_speed(tags.get("maxspeed"), highway)
                    code = _oneway_code(tags.get("oneway"), tags.get("junction"))
                    for a, b in zip(refs, refs[1:]):
                        seg_u.append(a)
                        seg_v.append(b)
                        speeds.append(speed)
                        oneways.append(code)
                        names.append(tags.get("name", ""))
            element.clear()
    return RawNetwork(np.array(node_ids, dtype=np.int64), np.array(lats), np.array(lons),
                      np.array(seg_u, dtype=np.int64), np.array(seg_v, dtype=np.int64), np.array(speeds, dtype=float),
                      np.array(oneways, dtype=np.int8), names, places)


def read_network(path: Path) -> RawNetwork:
    return read_pbf(path) if str(path).endswith(".pbf") else read_osm_xml(path)


# --- cache ------------------------------------------------------------------------------------------------------
_ARRAYS = ("lat", "lon", "src", "dst", "length_m", "time_s", "name_of_edge", "place_lat", "place_lon")


def file_digest(path: Path) -> str:
    h = hashlib.sha256(CACHE_VERSION.encode())
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:24]


def save_graph(graph: RoadGraph, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp.npz")
    np.savez(tmp, names=np.array(graph.names, dtype=object), source=np.array(graph.source),
             place_names=np.array(graph.place_names, dtype=object),
             **{k: getattr(graph, k) for k in _ARRAYS})
    tmp.replace(target)


def load_cached(target: Path) -> RoadGraph:
    with np.load(target, allow_pickle=True) as data:
        return RoadGraph(**{k: data[k] for k in _ARRAYS}, names=list(data["names"]), source=str(data["source"]),
                         place_names=list(data["place_names"]))


def load_graph(path: Path, cache_dir: Path | None) -> RoadGraph:
    """The graph of an OSM file, from the cache keyed by the file's hash when present, else built and cached."""
    path = Path(path)
    target = cache_dir / f"{path.name}.{file_digest(path)}.npz" if cache_dir else None
    graph = None
    if target is not None and target.exists():
        try:
            graph = load_cached(target)
        except (OSError, ValueError, KeyError):
            graph = None  # a damaged cache is rebuilt
    if graph is None:
        graph = build_graph(read_network(path), source=path.name)
        if target is not None:
            save_graph(graph, target)
    if target is not None:
        graph._cache["router_file"] = target.with_suffix(".router.pkl")
    return graph
