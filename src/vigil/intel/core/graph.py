"""Graph algorithms over already-filtered STIX objects (pure: callers pass only what the reader may see)."""

from __future__ import annotations

from typing import Any, Iterable

import networkx as nx

from vigil.intel.core.stix import display_name

CONTAINER_REFS = ("object_refs",)
NOT_NODES = {"relationship", "sighting", "marking-definition", "extension-definition", "language-content"}


def build(objects: Iterable[dict[str, Any]], tlp_of: dict[str, str] | None = None) -> nx.Graph:
    objects = list(objects)
    g = nx.Graph()
    for o in objects:
        if o.get("type") not in NOT_NODES:
            g.add_node(o["id"], label=display_name(o), type=o.get("type", ""), tlp=(tlp_of or {}).get(o["id"], ""))
    for o in objects:
        t = o.get("type")
        if t == "relationship":
            s, d = o.get("source_ref"), o.get("target_ref")
            if s in g and d in g:
                g.add_edge(s, d, label=o.get("relationship_type", "related-to"), ref=o["id"])
        elif t == "sighting":
            s = o.get("sighting_of_ref")
            for d in o.get("where_sighted_refs") or []:
                if s in g and d in g:
                    g.add_edge(s, d, label="sighted-at", ref=o["id"])
        elif o["id"] in g:
            for key in CONTAINER_REFS:
                for d in o.get(key) or []:
                    if d in g and d != o["id"]:
                        g.add_edge(o["id"], d, label="refers-to", ref=o["id"])
    return g


def neighbourhood(g: nx.Graph, center: str, depth: int) -> nx.Graph:
    if center not in g:
        return nx.Graph()
    return nx.ego_graph(g, center, radius=depth)


def shortest_path(g: nx.Graph, source: str, target: str) -> list[str]:
    try:
        return nx.shortest_path(g, source, target)
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return []


def analysis(g: nx.Graph, top: int = 20) -> dict[str, Any]:
    comps = sorted((sorted(c) for c in nx.connected_components(g)), key=len, reverse=True)
    degree = nx.degree_centrality(g) if len(g) > 1 else {}
    k = min(len(g), 300) if len(g) > 300 else None
    between = nx.betweenness_centrality(g, k=k, seed=7) if len(g) > 2 else {}

    def best(d):
        return [{"id": n, "label": g.nodes[n].get("label", n), "score": round(v, 6)}
                for n, v in sorted(d.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]

    return {"nodes": len(g), "edges": g.number_of_edges(), "components": len(comps),
            "largest_components": [c[:50] for c in comps[:5]], "degree": best(degree), "betweenness": best(between)}


def to_json(g: nx.Graph) -> dict[str, Any]:
    return {"nodes": [{"id": n, **attrs} for n, attrs in g.nodes(data=True)],
            "edges": [{"source": a, "target": b, **attrs} for a, b, attrs in g.edges(data=True)]}
