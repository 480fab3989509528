"""Link analysis over the objects the caller may read: the TLP filter runs in SQL before any computation."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from vigil.intel import service
from vigil.intel.core import graph as core_graph
from vigil.intel.models import StixObject
from vigil.platform.identity.principal import Principal

MAX_OBJECTS = 50_000


def load(session: Session, principal: Principal, limit: int = MAX_OBJECTS):
    stmt = service.search_stmt(session, principal, service.SearchFilter()).order_by(StixObject.id).limit(limit)
    rows = list(session.scalars(stmt))
    objects = [service.loads(r) for r in rows]
    return core_graph.build(objects, {r.stix_id: r.tlp for r in rows})


def graph_json(session: Session, principal: Principal, center: str | None = None, depth: int = 2,
               limit: int = 2000) -> dict[str, Any]:
    g = load(session, principal)
    if center:
        g = core_graph.neighbourhood(g, center, depth)
    if len(g) > limit:
        keep = sorted(g.degree, key=lambda kv: -kv[1])[:limit]
        g = g.subgraph([n for n, _ in keep])
    return core_graph.to_json(g)


def shortest_path(session: Session, principal: Principal, source: str, target: str) -> list[str]:
    return core_graph.shortest_path(load(session, principal), source, target)


def analysis(session: Session, principal: Principal) -> dict[str, Any]:
    return core_graph.analysis(load(session, principal))
