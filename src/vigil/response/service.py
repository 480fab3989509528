"""Rapid-response use cases: intake, recommendation, dispatch and the timeline, units and positions, key areas,
coverage and placement, the 1-3-5 board, alarm webhooks. Policy decides every access; writes are audited."""

from __future__ import annotations

import json
import secrets
import uuid
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from vigil.platform import clock, policy
from vigil.platform.audit import service as audit
from vigil.platform.database import get_or_404
from vigil.platform.errors import Conflict, Problem
from vigil.platform.identity.models import Agency
from vigil.platform.identity.principal import Principal
from vigil.response.core import signing, targets
from vigil.response.core.graph import MAX_SNAP_M, OffNetwork
from vigil.response.core.routing import rank_units
from vigil.response.models import AlarmReceipt, AlarmSource, Incident, KeyArea, Post, TimelineEvent, Unit
from vigil.response.network import get_graph
from vigil.response.schemas import INCIDENT_TYPES, AlarmIn, IncidentIn, KeyAreaIn, PostIn, UnitIn

STATES = ["received", "dispatched", "acknowledged", "en_route", "on_scene", "cleared"]
UNIT_STATUS_OF = {"dispatched": "dispatched", "acknowledged": "dispatched", "en_route": "en_route",
                  "on_scene": "on_scene", "cleared": "available"}
CALLER_RETENTION_DAYS = 365
SITE_RADIUS_M = 300.0
SERVED_M = 5000.0  # an incident farther than this from any road is outside the area this network serves


class Unprocessable(Problem):
    def __init__(self, detail: str, title: str = "Unprocessable input", extra=None):
        super().__init__(422, detail, title=title, extra=extra)


# --- helpers ----------------------------------------------------------------------------------------------------
def _agency_id(session: Session, actor: Principal) -> int | None:
    if actor.agency_id and session.get(Agency, actor.agency_id) is not None:
        return actor.agency_id
    return session.scalar(select(Agency.id).order_by(Agency.id).limit(1))


def _snap(lat: float, lon: float) -> tuple[int, float]:
    graph = get_graph()
    nodes, dist = graph.snap(lat, lon)
    if not np.isfinite(dist[0]) or dist[0] > MAX_SNAP_M:
        raise Unprocessable(str(OffNetwork(float(dist[0]) if np.isfinite(dist[0]) else 1e9, MAX_SNAP_M)),
                            title="Outside the road network", extra={"distance_m": round(float(dist[0]), 1)})
    return int(nodes[0]), float(dist[0])


def _served(lat: float, lon: float) -> bool:
    return float(get_graph().snap(lat, lon)[1][0]) <= SERVED_M


def _require_served(lat: float, lon: float) -> None:
    if not _served(lat, lon):
        raise Unprocessable(f"({lat}, {lon}) is more than {SERVED_M / 1000:.0f} km from the road network: outside "
                            "the area this centre serves", title="Outside the served area")


def incident_out(i: Incident) -> dict:
    return {"id": i.id, "received_at": i.received_at, "type": i.type, "priority": i.priority, "status": i.status,
            "lat": i.lat, "lon": i.lon, "address": i.address, "area": i.area, "key_area": i.key_area,
            "source": i.source, "unit_id": i.unit_id, "dispatched_at": i.dispatched_at,
            "acknowledged_at": i.acknowledged_at, "en_route_at": i.en_route_at, "on_scene_at": i.on_scene_at,
            "cleared_at": i.cleared_at, "scene_target_s": targets.scene_target_s(i.key_area)}


def unit_out(u: Unit) -> dict:
    return {"id": u.id, "kind": u.kind, "status": u.status, "lat": u.lat, "lon": u.lon,
            "position_at": u.position_at, "incident_id": u.incident_id}


def _append(session: Session, incident: Incident, state: str, actor: Principal, unit_id: str | None = None,
            detail: str = "", at: datetime | None = None) -> None:
    session.add(TimelineEvent(incident_id=incident.id, at=at or clock.now(), state=state, unit_id=unit_id,
                              actor=actor.username, detail=detail[:500]))


# --- places -----------------------------------------------------------------------------------------------------
def search_places(session: Session, query: str, limit: int = 10) -> list[dict]:
    """Named streets of the road network, key areas and posts that match ``query`` (fuzzy)."""
    from rapidfuzz import fuzz, process, utils

    graph = get_graph()
    choices: dict[str, tuple[float, float, str]] = {
        name: (lat, lon, "place") for name, (lat, lon) in graph.named_places().items()}
    for name, (lat, lon) in graph.street_points().items():
        choices.setdefault(name, (lat, lon, "street"))
    for area in session.scalars(select(KeyArea)):
        choices.setdefault(area.name, (area.lat, area.lon, "key area"))
    for post in session.scalars(select(Post)):
        choices.setdefault(post.name, (post.lat, post.lon, "post"))
    found = process.extract(query, list(choices), scorer=fuzz.WRatio, processor=utils.default_process, limit=limit,
                            score_cutoff=60)
    return [{"name": name, "lat": choices[name][0], "lon": choices[name][1], "kind": choices[name][2],
             "score": round(score, 1)} for name, score, _ in found]


def find_places(session: Session, actor: Principal, query: str) -> list[dict]:
    policy.require(actor, "response.read")
    return search_places(session, query)


def geocode(session: Session, address: str) -> dict:
    found = search_places(session, address, limit=1)
    if not found or found[0]["score"] < 80:
        raise Unprocessable(f"unknown address {address!r}: no street or place on the network matches it",
                            title="Unknown address")
    return found[0]


# --- key areas --------------------------------------------------------------------------------------------------
def key_area_dicts(session: Session) -> list[dict]:
    """Oldest first: where areas overlap, an incident is named after the one that was drawn first, whatever order
    the database would return them in."""
    return [{"name": a.name, "lat": a.lat, "lon": a.lon, "radius_m": a.radius_m,
             "polygon": json.loads(a.polygon) if a.polygon else None}
            for a in session.scalars(select(KeyArea).order_by(KeyArea.id))]


def key_area_out(a: KeyArea) -> dict:
    return {"id": a.id, "name": a.name, "lat": a.lat, "lon": a.lon, "radius_m": a.radius_m,
            "polygon": json.loads(a.polygon) if a.polygon else None, "source": a.source}


def list_key_areas(session: Session, actor: Principal) -> list[KeyArea]:
    policy.require(actor, "response.read")
    return list(session.scalars(select(KeyArea).order_by(KeyArea.id)))


def create_key_area(session: Session, actor: Principal, data: KeyAreaIn, source: str = "manual",
                    source_ref: str | None = None) -> KeyArea:
    policy.require(actor, "response.manage")
    if data.polygon:
        lon = float(np.mean([p[0] for p in data.polygon]))
        lat = float(np.mean([p[1] for p in data.polygon]))
        area = KeyArea(name=data.name, lat=lat, lon=lon, radius_m=None, polygon=json.dumps(data.polygon),
                       source=source, source_ref=source_ref or uuid.uuid4().hex)
    else:
        area = KeyArea(name=data.name, lat=data.lat, lon=data.lon, radius_m=data.radius_m, polygon="",
                       source=source, source_ref=source_ref or uuid.uuid4().hex)
    session.add(area)
    session.flush()
    audit.record(session, actor, "response.key_area.create", "response_key_area", area.id,
                 detail={"name": area.name, "source": source})
    return area


def delete_key_area(session: Session, actor: Principal, area_id: int) -> None:
    policy.require(actor, "response.manage")
    area = get_or_404(session, KeyArea, area_id, f"No key area {area_id}")
    session.delete(area)
    audit.record(session, actor, "response.key_area.delete", "response_key_area", area_id)


def import_key_areas(session: Session, actor: Principal, content: str, fmt: str) -> int:
    """CSV (name,lat,lon,radius_m) or a GeoJSON FeatureCollection (points with radius_m, or polygons). All or
    nothing: any bad row is reported with its line (CSV) or feature number and nothing is stored."""
    from pydantic import ValidationError

    policy.require(actor, "response.manage")
    rows, errors = _parse_key_areas(content, fmt)
    valid = []
    for where, fields in rows:
        try:
            valid.append(KeyAreaIn(**fields))
        except ValidationError as exc:
            errors.append(f"{where}: " + "; ".join(e["msg"] for e in exc.errors()))
        except TypeError as exc:
            errors.append(f"{where}: {exc}")
    if errors:
        raise Unprocessable(f"{len(errors)} row(s) invalid; nothing was stored", title="Import refused",
                            extra={"errors": errors})
    for data in valid:
        create_key_area(session, actor, data, source="import")
    return len(valid)


def _parse_key_areas(content: str, fmt: str) -> tuple[list[tuple[str, dict]], list[str]]:
    import csv
    import io

    if fmt == "csv":
        reader = csv.DictReader(io.StringIO(content))
        missing = {"name", "lat", "lon", "radius_m"} - set(reader.fieldnames or [])
        if missing:
            return [], [f"line 1: missing columns {', '.join(sorted(missing))}"]
        rows = []
        for number, row in enumerate(reader, start=2):
            rows.append((f"line {number}", {"name": row.get("name") or "", "lat": _num(row.get("lat")),
                                            "lon": _num(row.get("lon")), "radius_m": _num(row.get("radius_m"))}))
        return rows, []
    try:
        doc = json.loads(content)
        features = doc["features"]
        assert isinstance(features, list)
    except (ValueError, KeyError, TypeError, AssertionError):
        return [], ["GeoJSON: expected a FeatureCollection with a features list"]
    rows = []
    for number, feature in enumerate(features, start=1):
        try:
            props, geometry = feature.get("properties") or {}, feature["geometry"]
            fields = {"name": str(props.get("name") or f"key area {number}")}
            if geometry["type"] == "Point":
                fields.update(lon=geometry["coordinates"][0], lat=geometry["coordinates"][1],
                              radius_m=props.get("radius_m", SITE_RADIUS_M))
            elif geometry["type"] == "Polygon":
                fields["polygon"] = geometry["coordinates"][0][:-1] if len(geometry["coordinates"][0]) > 3 \
                    else geometry["coordinates"][0]
            else:
                rows.append((f"feature {number}", {"name": "", "bad": geometry["type"]}))
                continue
        except (KeyError, TypeError, IndexError, AttributeError):
            rows.append((f"feature {number}", {"name": "", "bad": "geometry"}))
            continue
        rows.append((f"feature {number}", fields))
    return rows, []


def _num(text):
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return text  # the schema reports it as not a number


def sync_key_sites(session: Session, actor: Principal) -> int:
    """Key sites (vigil.sites, when built) become key areas: a circle of SITE_RADIUS_M around each. Returns how
    many were added; without the sites capability nothing happens."""
    try:
        from vigil.sites.service import key_site_points
    except ImportError:
        return 0
    policy.require(actor, "response.manage")
    known = set(session.scalars(select(KeyArea.source_ref).where(KeyArea.source == "site")))
    added = 0
    for site in key_site_points(session):
        ref = str(site["id"])
        if ref in known or site.get("lat") is None or site.get("lon") is None:
            continue
        create_key_area(session, actor, KeyAreaIn(name=str(site["name"])[:120] or f"site {ref}", lat=site["lat"],
                                                  lon=site["lon"], radius_m=SITE_RADIUS_M),
                        source="site", source_ref=ref)
        added += 1
    return added


# --- incidents --------------------------------------------------------------------------------------------------
def new_incident_id() -> str:
    return f"INC-{clock.now():%y%m%d}-{uuid.uuid4().hex[:6].upper()}"


def create_incident(session: Session, actor: Principal, data: IncidentIn, source: str = "operator",
                    source_ref: str = "") -> Incident:
    policy.require(actor, "response.intake")
    lat, lon, address = data.lat, data.lon, data.address or ""
    if lat is None and address:
        place = geocode(session, address)
        lat, lon, address = place["lat"], place["lon"], place["name"]
    _require_served(lat, lon)
    return _store_incident(session, actor, data.type, data.priority, lat, lon, address, source, source_ref,
                           data.notes, data.caller_name or "", data.caller_phone or "")


def _store_incident(session, actor, type_, priority, lat, lon, address, source, source_ref, notes,
                    caller_name="", caller_phone="") -> Incident:
    now = clock.now()
    area = targets.in_key_area(lat, lon, key_area_dicts(session)) if lat is not None else None
    incident = Incident(id=new_incident_id(), agency_id=_agency_id(session, actor), received_at=now, type=type_,
                        priority=priority, status="received", lat=lat, lon=lon, address=address, area=area,
                        key_area=area is not None, source=source, source_ref=source_ref, notes=notes,
                        caller_name=caller_name, caller_phone=caller_phone,
                        retention_until=(now + timedelta(days=CALLER_RETENTION_DAYS)).date(),
                        created_by=actor.username)
    session.add(incident)
    session.flush()
    _append(session, incident, "received", actor, detail=f"{source}: {type_}", at=now)
    audit.record(session, actor, "response.incident.create", "response_incident", incident.id,
                 detail={"source": source, "type": type_, "priority": priority})
    return incident


def get_incident(session: Session, actor: Principal, incident_id: str) -> Incident:
    policy.require(actor, "response.read")
    return get_or_404(session, Incident, incident_id, f"No incident {incident_id}")


def list_incidents(session: Session, actor: Principal, open_only: bool = False, limit: int = 200) -> list[Incident]:
    policy.require(actor, "response.read")
    stmt = select(Incident).order_by(Incident.received_at.desc()).limit(limit)
    if open_only:
        stmt = stmt.where(Incident.status != "cleared")
    return list(session.scalars(stmt))


def timeline(session: Session, actor: Principal, incident_id: str) -> list[TimelineEvent]:
    get_incident(session, actor, incident_id)
    return list(session.scalars(select(TimelineEvent).where(TimelineEvent.incident_id == incident_id)
                                .order_by(TimelineEvent.id)))


def read_caller(session: Session, actor: Principal, incident_id: str, purpose: str | None) -> dict:
    incident = get_incident(session, actor, incident_id)
    policy.require(actor, "personal_data.read")
    stated = policy.require_purpose(purpose)
    audit.record(session, actor, "personal_data.read", "response_incident", incident.id, purpose=stated)
    return {"incident_id": incident.id, "caller_name": incident.caller_name, "caller_phone": incident.caller_phone}


def assign(session: Session, actor: Principal, incident_id: str, unit_id: str) -> Incident:
    """Dispatch ``unit_id`` to the incident. One guarded UPDATE claims the unit, so two dispatchers racing for the
    same unit cannot both win; the loser gets 409 with the unit's current assignment."""
    policy.require(actor, "response.dispatch")
    incident = get_incident(session, actor, incident_id)
    unit = get_or_404(session, Unit, unit_id, f"No unit {unit_id}")
    if incident.unit_id is not None or incident.status != "received":
        raise Problem(409, f"incident {incident.id} is already {incident.status}"
                           + (f" with unit {incident.unit_id}" if incident.unit_id else ""),
                      extra={"current_assignment": {"incident_id": incident.id, "unit_id": incident.unit_id,
                                                    "status": incident.status}})
    claimed = session.execute(update(Unit).where(Unit.id == unit_id, Unit.incident_id.is_(None),
                                                 Unit.status == "available")
                              .values(incident_id=incident.id, status="dispatched", updated_at=clock.now())
                              .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        session.refresh(unit)
        raise Problem(409, f"unit {unit_id} is not available ({unit.status}"
                           + (f", assigned to {unit.incident_id})" if unit.incident_id else ")"),
                      extra={"current_assignment": {"unit_id": unit.id, "incident_id": unit.incident_id,
                                                    "status": unit.status}})
    now = clock.now()
    _advance(session, incident, "received", {"unit_id": unit_id, "status": "dispatched", "dispatched_at": now})
    _append(session, incident, "dispatched", actor, unit_id=unit_id, at=now)
    audit.record(session, actor, "response.incident.assign", "response_incident", incident.id,
                 detail={"unit": unit_id})
    session.flush()
    session.refresh(unit)
    return incident


def transition(session: Session, actor: Principal, incident_id: str, state: str, detail: str = "") -> Incident:
    """Move an incident one step on: dispatched -> acknowledged -> en_route -> on_scene -> cleared. Clearing is
    allowed from any state (a false alarm needs no unit); anything else out of order is a 409."""
    policy.require(actor, "response.dispatch")
    incident = get_incident(session, actor, incident_id)
    if state not in STATES[2:]:
        raise Unprocessable(f"unknown state {state!r}")
    current = STATES.index(incident.status)
    wanted = STATES.index(state)
    if not (wanted == current + 1 and current >= 1) and not (state == "cleared" and incident.status != "cleared"):
        raise Problem(409, f"incident {incident.id} is {incident.status}; it cannot move to {state}",
                      extra={"status": incident.status, "allowed": _allowed_next(incident.status)})
    now = clock.now()
    _advance(session, incident, incident.status, {"status": state, f"{state}_at": now})
    if incident.unit_id:
        values = {"status": UNIT_STATUS_OF[state], "updated_at": now}
        if state == "cleared":
            values["incident_id"] = None
        session.execute(update(Unit).where(Unit.id == incident.unit_id, Unit.incident_id == incident.id)
                        .values(**values).execution_options(synchronize_session=False))
    _append(session, incident, state, actor, unit_id=incident.unit_id, detail=detail, at=now)
    audit.record(session, actor, f"response.incident.{state}", "response_incident", incident.id)
    return incident


def _advance(session: Session, incident: Incident, expected: str, values: dict) -> None:
    """Move the incident on only if it is still in ``expected``: of two requests racing to change it, one wins and
    the other gets 409 (its transaction, with anything it claimed, rolls back), so the timeline never holds two
    copies of one step."""
    moved = session.execute(update(Incident).where(Incident.id == incident.id, Incident.status == expected)
                            .values(**values).execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        session.refresh(incident)
        raise Problem(409, f"incident {incident.id} changed meanwhile: it is now {incident.status}",
                      extra={"status": incident.status, "current_assignment": {
                          "incident_id": incident.id, "unit_id": incident.unit_id, "status": incident.status}})
    for key, value in values.items():
        set_committed_value(incident, key, value)


def _allowed_next(status: str) -> list[str]:
    index = STATES.index(status)
    nxt = [STATES[index + 1]] if 1 <= index < len(STATES) - 1 else []
    return sorted(set(nxt + (["cleared"] if status != "cleared" else [])))


# --- units ------------------------------------------------------------------------------------------------------
def create_unit(session: Session, actor: Principal, data: UnitIn) -> Unit:
    policy.require(actor, "response.manage")
    if session.get(Unit, data.id) is not None:
        raise Conflict(f"unit {data.id} exists")
    now = clock.now()
    unit = Unit(id=data.id, kind=data.kind, agency_id=_agency_id(session, actor), status=data.status, lat=data.lat,
                lon=data.lon, position_at=now if data.lat is not None else None, updated_at=now)
    session.add(unit)
    session.flush()
    audit.record(session, actor, "response.unit.create", "response_unit", unit.id, detail={"kind": unit.kind})
    return unit


def list_units(session: Session, actor: Principal) -> list[Unit]:
    policy.require(actor, "response.read")
    return list(session.scalars(select(Unit).order_by(Unit.id)))


def set_unit_status(session: Session, actor: Principal, unit_id: str, status: str) -> Unit:
    """A unit going on or off duty. A unit on an incident changes only through the incident's timeline."""
    policy.require(actor, "response.units")
    unit = get_or_404(session, Unit, unit_id, f"No unit {unit_id}")
    if unit.incident_id is not None:
        raise Problem(409, f"unit {unit_id} is assigned to {unit.incident_id}; clear the incident first",
                      extra={"current_assignment": {"unit_id": unit.id, "incident_id": unit.incident_id,
                                                    "status": unit.status}})
    unit.status, unit.updated_at = status, clock.now()
    audit.record(session, actor, "response.unit.status", "response_unit", unit.id, detail={"status": status})
    return unit


def update_positions(session: Session, actor: Principal, updates: list[tuple[str, float, float, datetime]]) -> dict:
    """Apply a batch of (unit, lat, lon, at) with one read and one bulk write. Per unit only the newest update in
    the batch counts (others: superseded); one not newer than the stored position is stale and ignored. The write
    itself is guarded by the stored time too, so concurrent batches resolve the same way whatever their order."""
    policy.require(actor, "response.units")
    newest: dict[str, int] = {}
    for index, (uid, _, _, at) in enumerate(updates):
        best = newest.get(uid)
        if best is None or at >= updates[best][3]:  # equal times: the later in the batch wins
            newest[uid] = index
    stored = _stored_times(session, list(newest))
    unknown = sorted(uid for uid in newest if uid not in stored)
    stale = superseded = 0
    rows = []
    for index, (uid, lat, lon, at) in enumerate(updates):
        if uid not in stored:
            continue
        last = stored[uid]
        if last is not None and clock.as_utc(at) <= clock.as_utc(last):
            stale += 1
        elif newest[uid] != index:
            superseded += 1
        else:
            rows.append({"b_id": uid, "b_lat": lat, "b_lon": lon, "b_at": at})
    if rows:
        _write_positions(session, rows)
    result = {"received": len(updates), "applied": len(rows), "stale": stale, "superseded": superseded,
              "unknown_units": unknown}
    audit.record(session, actor, "response.positions", "response_unit", "",
                 detail={k: v for k, v in result.items() if k != "unknown_units"} | {"unknown": len(unknown)})
    return result


def _stored_times(session: Session, ids: list[str]) -> dict[str, datetime | None]:
    """The stored position time of each known unit among ``ids`` (one array parameter on PostgreSQL)."""
    if session.connection().dialect.name == "postgresql":
        from sqlalchemy import text

        rows = session.execute(text("SELECT id, position_at FROM response_units WHERE id = ANY(CAST(:ids AS varchar[]))"),
                               {"ids": ids})
        return {uid: clock.as_utc(at) if at is not None else None for uid, at in rows}
    return dict(session.execute(select(Unit.id, Unit.position_at).where(Unit.id.in_(ids))).all())


def _write_positions(session: Session, rows: list[dict]) -> None:
    """One statement for the whole batch on PostgreSQL (UPDATE ... FROM unnest of four arrays); a prepared
    executemany on SQLite, where statements cost no round trip. Either way guarded by the stored time."""
    now = clock.now()
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        from sqlalchemy import text

        connection.execute(text(
            "UPDATE response_units AS u SET lat = v.lat, lon = v.lon, position_at = v.at, updated_at = :now "
            "FROM unnest(CAST(:ids AS varchar[]), CAST(:lats AS float8[]), CAST(:lons AS float8[]), "
            "CAST(:ats AS timestamptz[])) AS v(id, lat, lon, at) "
            "WHERE u.id = v.id AND (u.position_at IS NULL OR u.position_at < v.at)"),
            {"ids": [r["b_id"] for r in rows], "lats": [r["b_lat"] for r in rows],
             "lons": [r["b_lon"] for r in rows], "ats": [clock.as_utc(r["b_at"]) for r in rows], "now": now})
        return
    table = Unit.__table__
    stmt = (table.update().where(table.c.id == bindparam("b_id"))
            .where((table.c.position_at.is_(None)) | (table.c.position_at < bindparam("b_at")))
            .values(lat=bindparam("b_lat"), lon=bindparam("b_lon"), position_at=bindparam("b_at"), updated_at=now))
    connection.execute(stmt, rows)


# --- recommendation ---------------------------------------------------------------------------------------------
def recommend(session: Session, actor: Principal, lat: float, lon: float, limit: int = 50,
              kinds: list[str] | None = None) -> dict:
    """Available units (of the given kinds, if any) ranked by road travel time to the point, fastest first."""
    policy.require(actor, "response.read")
    graph = get_graph()
    target, snapped_m = _snap(lat, lon)
    stmt = select(Unit.id, Unit.kind, Unit.lat, Unit.lon).where(
        Unit.status == "available", Unit.incident_id.is_(None), Unit.lat.is_not(None), Unit.lon.is_not(None))
    if kinds:
        stmt = stmt.where(Unit.kind.in_(kinds))
    units = session.execute(stmt).all()
    ranked = []
    if units:
        nodes, dist = graph.snap_cached([u.lat for u in units], [u.lon for u in units])
        near = dist <= MAX_SNAP_M  # a unit off the network (a boat, a mountain hut) cannot drive there
        kinds = {u.id: u.kind for u in units}
        ids = [u.id for u, ok in zip(units, near) if ok]
        ranked = [{"id": r.unit_id, "kind": kinds[r.unit_id], "travel_time_s": r.travel_time_s}
                  for r in rank_units(graph, target, ids, nodes[near], limit)]
    return {"units": ranked, "snapped_m": round(snapped_m, 1)}


def recommend_for_incident(session: Session, actor: Principal, incident_id: str, limit: int = 10) -> dict:
    incident = get_incident(session, actor, incident_id)
    if incident.lat is None:
        raise Unprocessable(f"incident {incident.id} has no location", title="No location")
    return recommend(session, actor, incident.lat, incident.lon, limit)


# --- the tip line and the analysis capability -------------------------------------------------------------------
TIP_TYPES = {"theft": "theft", "burglary": "burglary", "robbery": "robbery", "assault": "assault",
             "violence": "assault", "drugs": "suspicious object", "suspicious": "suspicious object",
             "traffic": "traffic collision", "fire": "fire", "medical": "medical", "missing": "missing person",
             "disturbance": "disturbance", "noise": "disturbance"}


def create_incident_from_tip(session: Session, actor: Principal, category: str, text: str, lat: float | None,
                             lon: float | None, tip_code: str) -> str:
    """An incident from a public tip (no caller data: the tip line keeps its reporters anonymous). Tip triage is
    analysts' work, so escalating a tip needs `response.tip_intake` (analyst), not the operator's intake right."""
    policy.require(actor, "response.tip_intake")
    key = (category or "").strip().lower()
    type_ = key if key in INCIDENT_TYPES else TIP_TYPES.get(key, "other")
    if (lat is None) != (lon is None) or (lat is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180)) \
            or (lat is not None and not _served(lat, lon)):
        lat = lon = None  # a tip placed outside the served area keeps its text, not the point
    incident = _store_incident(session, actor, type_, 3, lat, lon, "", "tip", str(tip_code)[:120],
                               (text or "")[:4000])
    return incident.id


def export_incidents(session: Session, since: datetime | None = None) -> list[dict]:
    """Incidents without caller data, for statistics (vigil.analysis)."""
    stmt = select(Incident.id, Incident.received_at, Incident.type, Incident.priority, Incident.lat, Incident.lon,
                  Incident.area, Incident.dispatched_at, Incident.on_scene_at, Incident.cleared_at
                  ).order_by(Incident.received_at)
    if since is not None:
        stmt = stmt.where(Incident.received_at >= since)
    return [dict(row._mapping) for row in session.execute(stmt)]


# --- alarm webhooks ---------------------------------------------------------------------------------------------
def create_alarm_source(session: Session, actor: Principal, source_id: str, name: str) -> tuple[AlarmSource, str]:
    policy.require(actor, "response.manage")
    if session.get(AlarmSource, source_id) is not None:
        raise Conflict(f"alarm source {source_id} exists")
    secret = secrets.token_urlsafe(32)
    source = AlarmSource(id=source_id, name=name, secret=secret, agency_id=_agency_id(session, actor))
    session.add(source)
    session.flush()
    audit.record(session, actor, "response.alarm_source.create", "response_alarm_source", source_id)
    return source, secret


def receive_alarm(session: Session, source_id: str, timestamp: str | None, signature: str | None,
                  body: bytes) -> tuple[str, bool]:
    """Check the signature and freshness, refuse a replayed event id (409), then open an incident.
    Returns (incident id, created)."""
    from pydantic import ValidationError

    source = session.get(AlarmSource, source_id)
    unauthorised = {"headers": {"WWW-Authenticate": "HMAC-SHA256"}}
    if source is None or not source.active:
        raise Problem(401, "unknown or inactive alarm source", **unauthorised)
    try:
        signing.verify(source.secret, timestamp, body, signature, clock.now().timestamp())
    except signing.StaleTimestamp as exc:
        raise Problem(401, f"replay refused: {exc}", title="Stale timestamp", **unauthorised) from None
    except signing.SignatureError as exc:
        raise Problem(401, f"bad signature: {exc}", title="Bad signature", **unauthorised) from None
    try:
        data = AlarmIn.model_validate_json(body)
    except ValidationError as exc:
        raise Unprocessable("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())) \
            from None
    seen = session.scalar(select(AlarmReceipt.incident_id).where(AlarmReceipt.source_id == source_id,
                                                                 AlarmReceipt.event_id == data.event_id))
    if seen is not None:
        raise Problem(409, f"alarm event {data.event_id} was already received", title="Replay refused",
                      extra={"incident_id": seen})
    _require_served(data.lat, data.lon)
    actor = Principal(user_id=0, username=f"alarm:{source_id}", agency_id=source.agency_id or 0,
                      agency_code="-", role="operator", clearance=0, via="system")
    incident = _store_incident(session, actor, data.type, data.priority, data.lat, data.lon, "", "alarm",
                               f"{source_id}:{data.event_id}", data.notes)
    try:
        with session.begin_nested():
            session.add(AlarmReceipt(source_id=source_id, event_id=data.event_id, incident_id=incident.id))
    except IntegrityError:  # the same event arriving twice at once: the other request stored it
        raise Problem(409, f"alarm event {data.event_id} was already received", title="Replay refused") from None
    return incident.id, True


# --- posts, coverage, placement, patrol plans -------------------------------------------------------------------
def create_post(session: Session, actor: Principal, data: PostIn) -> Post:
    policy.require(actor, "response.manage")
    if session.scalar(select(Post.id).where(Post.name == data.name)) is not None:
        raise Conflict(f"post {data.name!r} exists")
    _snap(data.lat, data.lon)
    post = Post(name=data.name, lat=data.lat, lon=data.lon)
    session.add(post)
    session.flush()
    audit.record(session, actor, "response.post.create", "response_post", post.id, detail={"name": post.name})
    return post


def list_posts(session: Session, actor: Principal) -> list[Post]:
    policy.require(actor, "response.read")
    return list(session.scalars(select(Post).order_by(Post.id)))


def delete_post(session: Session, actor: Principal, post_id: int) -> None:
    policy.require(actor, "response.manage")
    post = get_or_404(session, Post, post_id, f"No post {post_id}")
    session.delete(post)
    audit.record(session, actor, "response.post.delete", "response_post", post_id)


def _key_places(session: Session) -> list[dict]:
    graph = get_graph()
    areas = list(session.scalars(select(KeyArea).order_by(KeyArea.id)))
    if not areas:
        return []
    nodes, dist = graph.snap(np.array([a.lat for a in areas]), np.array([a.lon for a in areas]))
    return [{"name": a.name, "lat": a.lat, "lon": a.lon, "node": int(n)}
            for a, n, d in zip(areas, nodes, dist) if d <= MAX_SNAP_M]


def coverage(session: Session, actor: Principal, points: list[tuple[float, float]] | None = None) -> dict:
    """Isochrones (1, 3, 5 minutes) from the stored posts, or from the given points."""
    from vigil.response.core.coverage import band_geojson, isochrones

    policy.require(actor, "response.read")
    graph = get_graph()
    if points is None:
        points = [(p.lat, p.lon) for p in session.scalars(select(Post))]
    nodes = graph.snap(np.array([p[0] for p in points]), np.array([p[1] for p in points]))[0] if points else []
    iso = isochrones(graph, nodes, _key_places(session))
    return {"posts": len(points), "covered_share": {str(k): v for k, v in iso.covered_share.items()},
            "places": iso.places, "features": band_geojson(graph, iso)}


def _history_nodes(session: Session, days: int = 90) -> list[tuple[int, int]]:
    graph = get_graph()
    rows = session.execute(select(Incident.received_at, Incident.lat, Incident.lon).where(
        Incident.lat.is_not(None), Incident.received_at >= clock.now() - timedelta(days=days))).all()
    if not rows:
        return []
    nodes, dist = graph.snap(np.array([r.lat for r in rows]), np.array([r.lon for r in rows]))
    return [(clock.as_utc(r.received_at).hour, int(n)) for r, n, d in zip(rows, nodes, dist) if d <= MAX_SNAP_M]


def _node_point(node: int) -> dict:
    graph = get_graph()
    return {"lat": round(float(graph.lat[node]), 6), "lon": round(float(graph.lon[node]), 6)}


def placement(session: Session, actor: Principal, units: int, demand: str = "both", candidates: int = 300,
              standard_s: int = 300, time_limit_s: float = 20.0, seed: int = 0) -> dict:
    """Where to post ``units`` units: MCLP over incident history and/or key places, solved with HiGHS."""
    from vigil.response.core.mclp import coverage_matrix, solve_mclp

    policy.require(actor, "response.plan")
    graph = get_graph()
    nodes, weights = [], []
    if demand in ("history", "both"):
        hist = [n for _, n in _history_nodes(session)]
        nodes += hist
        weights += [1.0] * len(hist)
    if demand in ("key_places", "both"):
        places = _key_places(session)
        nodes += [p["node"] for p in places]
        weights += [3.0] * len(places)
    if not nodes:
        raise Unprocessable("no demand points: record incidents or key areas first", title="No demand")
    rng = np.random.default_rng(seed)
    demand_nodes = np.array(nodes, dtype=np.int64)
    cand = np.unique(np.concatenate([np.unique(demand_nodes)[:candidates // 2],
                                     rng.integers(0, graph.n, size=candidates)]))[:candidates]
    covers = coverage_matrix(graph, cand, demand_nodes, standard_s)
    result = solve_mclp(covers, weights, units, time_limit_s=time_limit_s)
    return {"posts": [_node_point(int(cand[j])) for j in result.chosen], "covered_share": round(result.covered_share, 4),
            "demand_points": len(nodes), "gap": round(result.gap, 6), "status": result.status,
            "seconds": round(result.seconds, 3)}


def patrol_plan(session: Session, actor: Principal, units: int) -> list[dict]:
    from vigil.response.core.patrol import plan

    policy.require(actor, "response.plan")
    key_nodes = [p["node"] for p in _key_places(session)]
    out = []
    for band in plan(get_graph(), _history_nodes(session), key_nodes, units):
        out.append({"label": band.label, "hours": f"{band.start_hour:02d}-{band.end_hour:02d}",
                    "incidents": band.incidents, "rate_per_hour": band.rate_per_hour, "rush": band.rush,
                    "covered_share": band.covered_share, "posts": [_node_point(n) for n in band.posts]})
    return out


# --- the 1-3-5 board and attainment -----------------------------------------------------------------------------
def board(session: Session, actor: Principal, at_risk_only: bool = False) -> list[dict]:
    """Open incidents against their targets, the most urgent (least time left) first."""
    now = clock.now()
    rows = []
    for incident in list_incidents(session, actor, open_only=True, limit=500):
        st = targets.status_of(incident.received_at, incident.dispatched_at, incident.on_scene_at,
                               incident.key_area, now)
        if at_risk_only and st.state not in ("at risk", "missed"):
            continue
        rows.append({"incident": incident_out(incident), "step": st.step, "state": st.state,
                     "elapsed_s": round(st.elapsed_s, 1), "target_s": st.target_s})
    return sorted(rows, key=lambda r: r["target_s"] - r["elapsed_s"])


def attainment(session: Session, actor: Principal, since: datetime | None = None) -> dict:
    policy.require(actor, "response.read")
    rows = [{"received_at": r["received_at"], "dispatched_at": r["dispatched_at"], "on_scene_at": r["on_scene_at"],
             "key": r["area"] is not None, "area": r["area"] or "elsewhere",
             "hour": f"{clock.as_utc(r['received_at']).hour:02d}"}
            for r in export_incidents(session, since)]
    return {"overall": targets.attainment(rows), "by_area": targets.attainment_by(rows, lambda r: r["area"]),
            "by_hour": targets.attainment_by(rows, lambda r: r["hour"])}


# --- the live feed ----------------------------------------------------------------------------------------------
def change_mark(session: Session) -> tuple:
    """Moves whenever the feed has something new: a timeline event, or a unit's status or position."""
    return (session.scalar(select(func.max(TimelineEvent.id))),
            session.scalar(select(func.max(Unit.updated_at))), session.scalar(select(func.count(Unit.id))))


def snapshot(session: Session, actor: Principal) -> dict:
    return {"units": [unit_out(u) for u in list_units(session, actor)],
            "incidents": [incident_out(i) for i in list_incidents(session, actor, open_only=True)],
            "at": clock.now()}


def purge_callers(session: Session, today=None) -> int:
    """Caller data past retention is erased; the incident stays for statistics."""
    today = today or clock.today()
    result = session.execute(update(Incident).where(Incident.retention_until < today,
                                                    (Incident.caller_name != "") | (Incident.caller_phone != ""))
                             .values(caller_name="", caller_phone="").execution_options(synchronize_session=False))
    return result.rowcount or 0
