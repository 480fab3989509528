"""Demo sites: real places of Andorra (OpenStreetMap, cached GeoJSON), units of the chain, checklists, a campaign
with tasks down to an officer, inspections with findings (one overdue). Idempotent."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.platform import clock
from vigil.platform.identity import service as identity
from vigil.platform.identity.principal import Principal
from vigil.sites import osm, schemas, service
from vigil.sites.core import geo
from vigil.sites.models import Site, Unit

PARISHES = ("Andorra la Vella", "Canillo", "Encamp", "Escaldes-Engordany", "La Massana", "Ordino",
            "Sant Julià de Lòria")
CHECKLISTS = {
    "other": ("General protective-security check", [
        ("access_control", "Access points controlled or locked"),
        ("lighting", "Perimeter lighting works"),
        ("emergency_plan", "Emergency plan posted and current"),
        ("cctv_inventory", "Camera inventory matches the register")]),
    "school": ("School safety check", [
        ("gate", "Gate closed during lessons; visitors signed in"),
        ("evacuation", "Evacuation drill held this term"),
        ("lockdown", "Lockdown procedure known to staff"),
        ("traffic", "Safe drop-off zone marked")]),
    "fuel": ("Fuel station hazard check", [
        ("extinguishers", "Extinguishers present and inspected"),
        ("shutoff", "Emergency fuel shut-off reachable and labelled"),
        ("storage", "No unsecured containers of fuel")]),
}


def _principal(session: Session, username: str, role: str | None = None) -> Principal:
    who = identity.principal_of(identity.user_by_name(session, username))
    return replace(who, role=role) if role else who


def seed(session: Session, actor: Principal) -> None:
    if session.scalars(select(Site)).first() is not None:
        return
    city = _principal(session, "supervisor")
    transport = _principal(session, "operator", "supervisor")  # the transport police's duty supervisor
    hq = service.create_unit(session, city, schemas.UnitIn(name="City Police command"))
    stations = {p: service.create_unit(session, city, schemas.UnitIn(name=f"{p} station", parent_id=hq.id))
                for p in PARISHES}
    service.add_officer(session, city, hq.id, "supervisor")
    service.add_officer(session, city, stations["Andorra la Vella"].id, "viewer")
    service.add_officer(session, city, stations["Andorra la Vella"].id, "supervisor")  # also works its tasks
    t_hq = service.create_unit(session, transport, schemas.UnitIn(name="Transport Police bus terminals"))
    service.add_officer(session, transport, t_hq.id, "operator")

    parsed = geo.parse_geojson(osm.cached())
    service.import_sites(session, city, parsed)
    for site in session.scalars(select(Site)):
        if site.type == "bus_station":
            site.agency_id, site.unit_id = transport.agency_id, t_hq.id
        elif site.region in stations:
            site.unit_id = stations[site.region].id
    session.flush()
    for site in session.scalars(select(Site).where(Site.type.in_(["government", "bank"]),
                                                   Site.region == "Andorra la Vella").order_by(Site.id).limit(4)):
        for n, (bearing, working) in enumerate(((45, True), (225, site.id % 2 == 0)), start=1):
            service.add_camera(session, city, site.id, schemas.CameraIn(
                label=f"C{n}", lat=site.lat, lon=site.lon, bearing=bearing, fov=90, range_m=35, working=working))
    for site_type, (title, items) in CHECKLISTS.items():
        service.publish_checklist(session, city, schemas.ChecklistIn(
            site_type=site_type, title=title, items=[schemas.ChecklistItem(key=k, text=t) for k, t in items]))
    _campaign(session, city, stations["Andorra la Vella"])


def _campaign(session: Session, city: Principal, station: Unit) -> None:
    now = clock.now()
    with clock.frozen(now - timedelta(days=20)):
        campaign = service.create_campaign(session, city, schemas.CampaignIn(
            name="Winter hazard rectification", goals="Inspect every school and fuel station; rectify hazards "
                                                      "before the ski season.",
            starts_at=now - timedelta(days=20), ends_at=now + timedelta(days=40),
            site_types=["school", "kindergarten", "fuel"]))
        unit_task = session.scalars(select(service.Task).where(service.Task.campaign_id == campaign.id,
                                                               service.Task.unit_id == station.id)).first()
        sites = list(session.scalars(select(Site).where(Site.unit_id == station.id,
                                                        Site.type.in_(["school", "fuel"])).order_by(Site.id)))
        officer_tasks = [service.delegate_task(session, city, unit_task.id, schemas.DelegateIn(
            title=f"Inspect {s.name}", deadline=now + timedelta(days=d), officer="supervisor", site_id=s.id))
            for s, d in zip(sites[:4], (-5, -3, 10, 20))]
        # The first inspection, three weeks ago: a hazard with a rectification order now overdue.
        first = service.start_inspection(session, city, schemas.InspectionStartIn(site_id=sites[0].id,
                                                                                   task_id=officer_tasks[0].id))
        answers = {i["key"]: "ok" for i in service.checklist_items(service.current_checklist(session,
                                                                                                sites[0].type)
                                                                   or service.current_checklist(session, "other"))}
        answers[next(iter(answers))] = "fail"
        service.submit_inspection(session, city, first.id, schemas.InspectionSubmitIn(
            checklist_version=first.checklist_version, answers=answers,
            findings=[schemas.FindingIn(severity="high", description="Emergency exit blocked by stored furniture",
                                        order_text="Clear the exit and keep it clear", responsible="Site manager",
                                        unit_id=station.id, deadline=now - timedelta(days=2))]))
