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
    policy.require(actor, "sites.read")
    from vigil.risk.service import site_levels

    risks = site_levels(session, actor) if policy.allowed(actor, "risk.read") else {}
    findings = service.open_findings_by_site(session)
    out = []
    rows = session.execute(select(Site.id, Site.name, Site.type, Site.lat, Site.lon, Site.outline).order_by(Site.id))
    for sid, name, kind, lat, lon, outline in rows:
        open_by_severity = findings.get(sid, {})
        level = colour_level(risks.get(sid, "none"), open_by_severity)
        n_open = sum(open_by_severity.values())
        geometry = _geometry(outline, lat, lon)
        props = {"id": sid, "color": COLORS[level], "label": f"{name} · {kind} · risk {risks.get(sid, 'n/a')}"
                                                              f" · {n_open} open finding(s)"}
        if n_open:
            props["radius"] = 8
        out.append({"type": "Feature", "geometry": geometry, "properties": props})
    return out
