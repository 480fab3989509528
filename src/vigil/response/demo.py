"""Demo data: a fleet around Andorra la Vella and the other parishes, key areas, patrol posts, an alarm source,
and a month of incident history (plus a few open incidents for the boards)."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.platform import clock
from vigil.platform.identity.principal import Principal
from vigil.response import service
from vigil.response.core.simulate import HOURLY_PROFILE
from vigil.response.models import Unit
from vigil.response.network import get_graph
from vigil.response.schemas import INCIDENT_TYPES, KeyAreaIn, PostIn, UnitIn

TOWNS = [("Andorra la Vella", 42.5063, 1.5218, 8), ("Escaldes-Engordany", 42.5097, 1.5386, 5),
         ("Encamp", 42.5345, 1.5801, 3), ("La Massana", 42.5447, 1.5148, 2), ("Ordino", 42.5556, 1.5331, 2),
         ("Sant Julia de Loria", 42.4637, 1.4913, 2), ("Canillo", 42.5667, 1.5975, 1), ("Pas de la Casa", 42.5427,
                                                                                          1.7336, 1)]
KINDS = ["patrol car"] * 12 + ["motorcycle"] * 4 + ["foot patrol"] * 3 + ["armed response"] * 2 + \
        ["fire", "medical", "mental health"]
KEY_AREAS = [("Placa del Poble", 42.5068, 1.5226, 250), ("Avinguda Meritxell", 42.5076, 1.5300, 300),
             ("Caldea", 42.5117, 1.5369, 250), ("Border crossing Sant Julia", 42.4566, 1.4907, 400),
             ("Pas de la Casa centre", 42.5425, 1.7335, 350)]
POSTS = [("Post Placa del Poble", 42.5068, 1.5226), ("Post Escaldes", 42.5105, 1.5380),
         ("Post Encamp", 42.5345, 1.5801), ("Post La Massana", 42.5447, 1.5148),
         ("Post Sant Julia", 42.4637, 1.4913), ("Post Pas de la Casa", 42.5427, 1.7336)]


def seed(session: Session, actor: Principal) -> None:
    if session.scalars(select(Unit)).first() is not None:
        return
    rng = np.random.default_rng(7)
    for name, lat, lon, radius in KEY_AREAS:
        service.create_key_area(session, actor, KeyAreaIn(name=name, lat=lat, lon=lon, radius_m=radius))
    service.sync_key_sites(session, actor)
    for name, lat, lon in POSTS:
        service.create_post(session, actor, PostIn(name=name, lat=lat, lon=lon))
    for number, (lat, lon) in enumerate(_fleet_points(rng, len(KINDS)), start=1):
        service.create_unit(session, actor, UnitIn(id=f"AD-{number:02d}", kind=KINDS[number - 1], lat=lat, lon=lon))
    service.create_alarm_source(session, actor, "demo-alarms", "Demo monitored-alarm centre")
    _history(session, actor, rng)


def _fleet_points(rng: np.random.Generator, count: int) -> list[tuple[float, float]]:
    """Points on the road network near the towns, in proportion to their size."""
    graph = get_graph()
    weights = np.array([t[3] for t in TOWNS], dtype=float)
    towns = rng.choice(len(TOWNS), size=count, p=weights / weights.sum())
    towns[: len(TOWNS)] = np.arange(len(TOWNS))  # every town gets at least one unit
    lat = np.array([TOWNS[t][1] for t in towns]) + rng.normal(0, 0.003, count)
    lon = np.array([TOWNS[t][2] for t in towns]) + rng.normal(0, 0.004, count)
    nodes, _ = graph.snap(lat, lon)
    return [(round(float(graph.lat[n]), 6), round(float(graph.lon[n]), 6)) for n in nodes]


def _history(session: Session, actor: Principal, rng: np.random.Generator, days: int = 30, count: int = 120) -> None:
    """Past incidents worked through their timeline (with realistic, sometimes late, times), then a few open."""
    from vigil.response.schemas import IncidentIn

    # from midnight, so that an incident drawn for hour h happens at h o'clock (the hourly profile, and the rush
    # bands a patrol plan finds in it, do not depend on the hour the demo was seeded at); the last day is yesterday
    start = (clock.now() - timedelta(days=days)).replace(hour=0, minute=0, second=0, microsecond=0)
    hours = rng.choice(24, size=count, p=HOURLY_PROFILE / HOURLY_PROFILE.sum())
    points = _fleet_points(rng, count)
    units = [u.id for u in session.scalars(select(Unit).order_by(Unit.id))]
    for k in range(count):
        at = start + timedelta(days=int(rng.integers(0, days)), hours=int(hours[k]),
                               minutes=int(rng.integers(0, 60)))
        with clock.frozen(at):
            incident = service.create_incident(session, actor, IncidentIn(
                type=str(rng.choice(INCIDENT_TYPES)), priority=int(rng.integers(1, 5)), lat=points[k][0],
                lon=points[k][1], notes="demo history"))
        moments = np.cumsum([rng.uniform(15, 90), rng.uniform(5, 20), rng.uniform(5, 20),
                             rng.uniform(60, 320), rng.uniform(600, 2400)])
        unit = units[k % len(units)]
        with clock.frozen(at + timedelta(seconds=float(moments[0]))):
            service.assign(session, actor, incident.id, unit)
        for state, offset in zip(["acknowledged", "en_route", "on_scene", "cleared"], moments[1:]):
            with clock.frozen(at + timedelta(seconds=float(offset))):
                service.transition(session, actor, incident.id, state)
    now = clock.now()
    for minutes, (lat, lon), kind in [(4, (42.5070, 1.5229), "theft"), (2, (42.5101, 1.5372), "disturbance"),
                                      (0.5, (42.4640, 1.4920), "traffic collision")]:
        with clock.frozen(now - timedelta(minutes=minutes)):
            service.create_incident(session, actor, IncidentIn(type=kind, priority=2, lat=lat, lon=lon,
                                                               caller_name="Demo Caller", caller_phone="+376 800 000",
                                                               notes="demo open incident"))
