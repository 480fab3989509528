"""Compact GeoJSON of every site for the console map: colour by risk (risk registers) and open findings.

Kept small for 10,000 sites: coordinates to 5 decimals (1 m), short properties, no popup HTML (the page links a
clicked site to its detail page by id)."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.platform import policy
from vigil.platform.identity.principal import Principal
from vigil.sites import service
from vigil.sites.models import Site

ORDER = ("none", "low", "medium", "high", "extreme")
COLORS = {"none": "#607d8b", "low": "#2e7d32", "medium": "#f9a825", "high": "#ef6c00", "extreme": "#c62828"}
FINDING_FLOOR = {"low": "low", "medium": "medium", "high": "high", "critical": "extreme"}


def _round(coords):
    if isinstance(coords, (int, float)):
        return round(coords, 5)
    return [_round(c) for c in coords]


def _geometry(outline: str, lat: float, lon: float) -> dict:
    if not outline:
        return {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]}
    shape = json.loads(outline)
    return {"type": shape["type"], "coordinates": _round(shape["coordinates"])}


def colour_level(risk: str, findings: dict[str, int]) -> str:
    """The worse of the site's residual risk level and its worst open finding."""
    levels = [risk] + [FINDING_FLOOR[s] for s in findings]
    return max(levels, key=ORDER.index)


def site_features(session: Session, actor: Principal) -> list[dict]:
    """One feature per site: ``id``, ``name``, ``color`` (and ``radius`` when it has open findings). No ``label``,
    so the map binds no tooltip per site; the page shows the name of the site under the pointer instead."""
    policy.require(actor, "sites.read")
    from vigil.risk.service import site_levels

    risks = site_levels(session, actor) if policy.allowed(actor, "risk.read") else {}
    findings = service.open_findings_by_site(session)
    plain = COLORS["none"]
    out = []
    rows = session.execute(select(Site.id, Site.name, Site.lat, Site.lon, Site.outline).order_by(Site.id))
    for sid, name, lat, lon, outline in rows:
        props = {"id": sid, "name": name, "color": plain}
        open_by_severity = findings.get(sid)
        if sid in risks or open_by_severity:
            props["color"] = COLORS[colour_level(risks.get(sid, "none"), open_by_severity or {})]
        if open_by_severity:
            props["open"] = sum(open_by_severity.values())
            props["radius"] = 8
        out.append({"type": "Feature", "geometry": _geometry(outline, lat, lon), "properties": props})
    return out


def feature_collection_json(session: Session, actor: Principal) -> bytes:
    import orjson

    return orjson.dumps({"type": "FeatureCollection", "features": site_features(session, actor)})
