"""Demo risk data: a summit in Andorra la Vella with delegations (venues, a motorcade route, a perimeter, phases,
units, linked intelligence, a screened accreditation list) and site registers with CARVER + Shock. Idempotent."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from shapely.geometry import Point, mapping
from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.platform import clock
from vigil.platform.identity import service as identity
from vigil.platform.identity.principal import Principal
from vigil.risk import schemas, service
from vigil.risk.models import Event
from vigil.sites import service as sites
from vigil.sites.models import Site

EVENT_NAME = "Andorra la Vella Summit of Pyrenean Delegations"
ACCREDITATION_CSV = """category,full_name,dob,nationality,id_number,organisation
staff,Laia Puig Serra,1985-03-14,AD,AD778812,Government of Andorra
staff,Jordi Vidal Martí,1979-11-02,AD,AD112233,Government of Andorra
press,Claire Dubois,1990-06-21,FR,FR09AB1234,Agence de presse
press,Miguel Ortega,1987-01-30,ES,ES44556677,Diario del Pirineo
contractor,Kareem Hadad,1988-04-02,XX,X1234567,Catering Services SL
contractor,Pere Soler,1975-09-09,AD,AD990011,Audio Visual Andorra
"""


def _threat_ids(session: Session, actor: Principal) -> list[str]:
    """Intelligence the summit plan links to: whatever the planner can read (ICS ATT&CK when loaded)."""
    found = service.search_threats(session, actor, "", limit=50)
    preferred = [t for t in found if t.type in ("attack-pattern", "campaign", "report", "threat-actor")]
    return [t.id for t in preferred[:4]]


def seed(session: Session, actor: Principal) -> None:
    if session.scalars(select(Event)).first() is not None:
        return
    planner = identity.principal_of(identity.user_by_name(session, "supervisor"))
    analyst = replace(planner, role="supervisor")
    alv = list(session.scalars(select(Site).where(Site.region == "Andorra la Vella").order_by(Site.id)))
    if not alv:
        return
    venues = [s for s in alv if s.type in ("venue", "government")][:3] or alv[:2]
    hospital = next((s for s in alv if s.type == "hospital"), None)
    main = venues[0]
    route = {"type": "LineString", "coordinates": [[s.lon, s.lat] for s in venues + ([hospital] if hospital else [])]}
    if len(route["coordinates"]) < 2:
        route["coordinates"].append([main.lon + 0.01, main.lat + 0.005])
    perimeter = mapping(Point(main.lon, main.lat).buffer(0.003, quad_segs=8))
    now = clock.now()
    start = (now + timedelta(days=30)).replace(hour=8, minute=0, second=0, microsecond=0)
    refs = _threat_ids(session, planner)
    units = [u.id for u in sites.list_units(session, planner)][:3]
    event = service.create_event(session, planner, schemas.EventIn(
        name=EVENT_NAME, description="Two-day summit of Pyrenean delegations (heads of government, ministers, "
                                     "press) in the capital; motorcades between venues and the hospital.",
        starts_at=start, ends_at=start + timedelta(days=2), venue_site_ids=[v.id for v in venues],
        routes=[schemas.Route(name="Motorcade route", geometry=route)],
        perimeters=[schemas.Perimeter(name="Inner security perimeter",
                                      geometry={"type": "Polygon",
                                                "coordinates": [list(map(list, perimeter["coordinates"][0]))]})],
        phases=[schemas.Phase(name="Delegations arrive", starts_at=start - timedelta(days=1), ends_at=start),
                schemas.Phase(name="Summit sessions", starts_at=start, ends_at=start + timedelta(days=2)),
                schemas.Phase(name="Departures", starts_at=start + timedelta(days=2),
                              ends_at=start + timedelta(days=3))],
        unit_ids=units, stix_refs=refs, accreditation_retention_days=30))
    for threat, lik, imp, controls, rlik, rimp, stix in (
            ("Vehicle attack on the motorcade route", 2, 5, "Route closures, hostile-vehicle barriers", 1, 5, refs[:1]),
            ("Hostile reconnaissance of venues", 4, 3, "Counter-surveillance teams, CCTV coverage", 2, 3, refs[1:2]),
            ("Cyber attack on venue power and building systems", 3, 4, "Backup power, network segregation", 2, 3,
             refs[2:3]),
            ("Protest blocking access to the main venue", 3, 2, "Designated protest area, liaison officers", 2, 2,
             [])):
        service.add_risk(session, analyst, schemas.RiskIn(event_id=event.id, threat=threat, likelihood=lik,
                                                          impact=imp, controls=controls, residual_likelihood=rlik,
                                                          residual_impact=rimp, owner="Summit security command",
                                                          stix_refs=stix))
    for v, scores in zip(venues, ((9, 6, 7, 5, 8, 9, 10), (6, 5, 5, 4, 6, 7, 6), (5, 4, 4, 4, 5, 6, 5))):
        service.add_carver(session, analyst, schemas.CarverIn(event_id=event.id, target=v.name, **dict(zip(
            ("criticality", "accessibility", "recuperability", "vulnerability", "effect", "recognizability",
             "shock"), scores))))
    for site in alv[:6]:
        service.add_risk(session, analyst, schemas.RiskIn(
            site_id=site.id, threat="Arson or sabotage", likelihood=2 + site.id % 3, impact=3 + site.id % 3,
            controls="Patrols, lighting", residual_likelihood=1 + site.id % 3, residual_impact=2 + site.id % 3,
            owner=f"{site.region} station"))
    service.import_accreditations(session, planner, event.id, ACCREDITATION_CSV,
                                  purpose="demo: accreditation screening for the summit")
