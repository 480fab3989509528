"""The PDF report of a site or an event: the heat-map matrix, a map, the register, CARVER + Shock scores, the open
findings of the sites involved and the accreditation summary (counts only, no names)."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy.orm import Session

from vigil.platform import clock
from vigil.platform.identity.principal import Principal
from vigil.risk import service
from vigil.risk.core import scoring
from vigil.sites import service as sites
from vigil.web.reports import render_pdf, svg_map
from vigil.web.templating import register_templates

register_templates(Path(__file__).parent / "templates")
FINDING_COLORS = {"critical": "#c62828", "high": "#ef6c00", "medium": "#f9a825", "low": "#2e7d32"}


def _site_feature(site, color: str) -> dict:
    geometry = json.loads(site.outline) if site.outline else {"type": "Point", "coordinates": [site.lon, site.lat]}
    return {"type": "Feature", "geometry": geometry, "properties": {"color": color, "label": site.name}}


def matrix_rows(entries, residual: bool) -> list[list[dict]]:
    """Rows from impact 5 down to 1, cells likelihood 1..5: count and band colour."""
    counts = scoring.heat_map([scoring.Rated(e.likelihood, e.impact, e.residual_likelihood, e.residual_impact)
                               for e in entries], residual)
    return [[{"count": counts[imp - 1][lik - 1], "color": scoring.LEVEL_COLORS[scoring.level(lik * imp)]}
             for lik in scoring.SCALE] for imp in reversed(scoring.SCALE)]


def _context(session: Session, actor: Principal, title: str, kind: str, entries, carver, site_rows,
             extra_features: list[dict]) -> dict:
    findings = [f for s in site_rows for f in sites.site_findings(session, actor, s.id, only_open=True)]
    names = {s.id: s.name for s in site_rows}
    features = [_site_feature(s, "#1f5fa8") for s in site_rows] + extra_features
    return {"title": title, "kind": kind, "generated": clock.now(), "by": actor.username,
            "register": [service.risk_out(e) for e in entries], "carver": carver,
            "inherent": matrix_rows(entries, False), "residual": matrix_rows(entries, True),
            "map_svg": svg_map(features, 640, 360),
            "findings": [{"site": names[f.site_id], "severity": f.severity, "description": f.description,
                          "deadline": f.deadline, "responsible": f.responsible,
                          "overdue": clock.as_utc(f.deadline) < clock.now()} for f in findings],
            "levels": scoring.LEVEL_COLORS}


def event_pdf(session: Session, actor: Principal, event_id: int) -> tuple[str, bytes]:
    event = service.get_event(session, actor, event_id)
    venues = [sites.get_site(session, actor, sid) for sid in json.loads(event.venue_site_ids)]
    extra = [{"type": "Feature", "geometry": r["geometry"], "properties": {"color": "#6a1b9a", "label": r["name"]}}
             for r in json.loads(event.routes)]
    extra += [{"type": "Feature", "geometry": p["geometry"], "properties": {"color": "#c62828", "label": p["name"]}}
              for p in json.loads(event.perimeters)]
    ctx = _context(session, actor, event.name, "Event security plan", service.register(session, actor,
                                                                                         event_id=event.id),
                   service.carver_scores(session, actor, event_id=event.id), venues, extra)
    refs, hidden = service.threat_refs(session, actor, json.loads(event.stix_refs))
    ctx.update({"event": service.event_out(event), "venues": venues, "threats": refs, "hidden_threats": hidden,
                "accreditation": service.accreditation_summary(session, actor, event.id)})
    return event.name, render_pdf("risk/report.html", ctx)


def site_pdf(session: Session, actor: Principal, site_id: int) -> tuple[str, bytes]:
    site = sites.get_site(session, actor, site_id)
    ctx = _context(session, actor, site.name, "Site risk assessment", service.register(session, actor,
                                                                                        site_id=site.id),
                   service.carver_scores(session, actor, site_id=site.id), [site], [])
    ctx.update({"site": site})
    return site.name, render_pdf("risk/report.html", ctx)
