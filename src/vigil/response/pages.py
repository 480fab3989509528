"""The rapid-response console: live map, intake form, dispatch board, 1-3-5 board, coverage and plans."""

from __future__ import annotations

import asyncio
import json
import math
from pathlib import Path

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from vigil.platform import policy
from vigil.platform.database import session_scope
from vigil.platform.errors import Problem
from vigil.platform.identity.principal import Principal
from vigil.platform.types import format_utc
from vigil.response import service
from vigil.response.schemas import INCIDENT_TYPES, IncidentIn, KeyAreaIn, PostIn
from vigil.web.forms import form_model
from vigil.web.security import current_principal
from vigil.web.templating import register_templates, render

register_templates(Path(__file__).parent / "templates")
router = APIRouter(prefix="/response", include_in_schema=False)
STATE_COLORS = {"on track": "#1b7f4b", "at risk": "#a86500", "missed": "#b3261e", "met": "#1b7f4b"}
UNIT_COLORS = {"available": "#1f5fbf", "dispatched": "#7a3fb0", "en_route": "#7a3fb0", "on_scene": "#b3261e",
               "off_duty": "#8a8f99"}
NEXT_STATE = {"dispatched": "acknowledged", "acknowledged": "en_route", "en_route": "on_scene",
              "on_scene": "cleared"}


def _boards(db, who) -> dict:
    return {"board": service.board(db, who), "units": [service.unit_out(u) for u in service.list_units(db, who)],
            "attainment": service.attainment(db, who), "next_state": NEXT_STATE, "colors": STATE_COLORS}


@router.get("")
def console(request: Request, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        ctx = _boards(db, who)
    return render(request, "response/console.html", {"section": "response", "types": INCIDENT_TYPES, **ctx})


@router.get("/boards")
def boards(request: Request, who: Principal = Depends(current_principal)):
    """The dispatch and 1-3-5 boards alone, refreshed by the live feed."""
    with session_scope() as db:
        ctx = _boards(db, who)
    return render(request, "response/_boards.html", ctx)


@router.get("/map.geojson")
def map_geojson(coverage: bool = False, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        features = [_circle(a) for a in service.list_key_areas(db, who)]
        if coverage:
            features += service.coverage(db, who)["features"]
        for u in service.list_units(db, who):
            if u.lat is not None:
                features.append(_point(u.lon, u.lat, UNIT_COLORS.get(u.status, "#555"),
                                       f"{u.id} · {u.kind} · {u.status}", 6, "unit"))
        for row in service.board(db, who):
            i = row["incident"]
            if i["lat"] is not None:
                features.append(_point(i["lon"], i["lat"], STATE_COLORS[row["state"]],
                                       f"{i['id']} · {i['type']} · {row['state']}", 9, "incident"))
    return JSONResponse({"type": "FeatureCollection", "features": features}, media_type="application/geo+json")


def _point(lon, lat, color, label, radius, kind) -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {"color": color, "label": label, "radius": radius, "kind": kind}}


def _circle(area) -> dict:
    if area.polygon:
        ring = json.loads(area.polygon)
    else:  # a circle drawn as a 32-gon
        dlat = area.radius_m / 111_320
        dlon = dlat / max(math.cos(math.radians(area.lat)), 0.01)
        ring = [[area.lon + dlon * math.cos(t * math.pi / 16), area.lat + dlat * math.sin(t * math.pi / 16)]
                for t in range(32)]
    return {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring + ring[:1]]},
            "properties": {"color": "#a86500", "label": f"key area: {area.name}", "kind": "key area"}}


@router.post("/incidents")
def intake(request: Request, type: str = Form(""), priority: int = Form(2), lat: str = Form(""),
           lon: str = Form(""), address: str = Form(""), caller_name: str = Form(""), caller_phone: str = Form(""),
           notes: str = Form(""), who: Principal = Depends(current_principal)):
    data = form_model(IncidentIn, type=type, priority=priority, lat=_number(lat, "latitude"),
                      lon=_number(lon, "longitude"),
                      address=address or None, caller_name=caller_name or None, caller_phone=caller_phone or None,
                      notes=notes)
    with session_scope() as db:
        incident = service.create_incident(db, who, data)
    return RedirectResponse(f"/response/incidents/{incident.id}", status_code=303)


def _number(text: str, label: str) -> float | None:
    if not text.strip():
        return None
    try:
        return float(text)
    except ValueError:
        raise Problem(422, f"{label} must be a number, e.g. 42.5068", title="Please correct the form") from None


@router.get("/incidents/{incident_id}")
def incident_page(request: Request, incident_id: str, who: Principal = Depends(current_principal)):
    recommendation, error = None, None
    with session_scope() as db:
        incident = service.get_incident(db, who, incident_id)
        events = service.timeline(db, who, incident_id)
        if incident.status == "received":
            try:
                recommendation = service.recommend_for_incident(db, who, incident_id, limit=8)
            except Problem as exc:
                error = exc.detail
        out = service.incident_out(incident)
    return render(request, "response/incident.html", {"section": "response", "incident": out, "events": events,
                                                      "recommendation": recommendation, "error": error,
                                                      "next_state": NEXT_STATE.get(out["status"])})


@router.post("/incidents/{incident_id}/assign")
def assign(request: Request, incident_id: str, unit_id: str = Form(""), who: Principal = Depends(current_principal)):
    with session_scope() as db:
        service.assign(db, who, incident_id, unit_id)
    return RedirectResponse("/response#dispatch-board", status_code=303)


@router.post("/incidents/{incident_id}/transition")
def move(request: Request, incident_id: str, state: str = Form(""), back: str = Form(""),
         who: Principal = Depends(current_principal)):
    with session_scope() as db:
        service.transition(db, who, incident_id, state)
    target = f"/response/incidents/{incident_id}" if back == "incident" else "/response#dispatch-board"
    return RedirectResponse(target, status_code=303)


@router.get("/coverage")
def coverage_page(request: Request, units: int = Query(6, ge=1, le=50), place: int = Query(0, ge=0, le=50),
                  who: Principal = Depends(current_principal)):
    placement = None
    with session_scope() as db:
        cov = service.coverage(db, who)
        posts = service.list_posts(db, who)
        areas = [service.key_area_out(a) for a in service.list_key_areas(db, who)]
        can_plan = service.policy.allowed(who, "response.plan")
        plan = service.patrol_plan(db, who, units) if can_plan else None
        if place and can_plan:
            placement = service.placement(db, who, place, time_limit_s=10)
    cov.pop("features")
    return render(request, "response/coverage.html", {
        "section": "response", "coverage": cov, "posts": posts, "plan": plan, "units": units, "areas": areas,
        "placement": placement, "place": place, "can_manage": service.policy.allowed(who, "response.manage")})


@router.post("/key-areas")
def key_area_add(request: Request, name: str = Form(""), lat: str = Form(""), lon: str = Form(""),
                 radius_m: str = Form(""), who: Principal = Depends(current_principal)):
    data = form_model(KeyAreaIn, name=name, lat=_number(lat, "latitude"), lon=_number(lon, "longitude"),
                      radius_m=_number(radius_m, "radius"))
    with session_scope() as db:
        service.create_key_area(db, who, data)
    return RedirectResponse("/response/coverage#key-areas", status_code=303)


@router.post("/posts")
def post_add(request: Request, name: str = Form(""), lat: str = Form(""), lon: str = Form(""),
             who: Principal = Depends(current_principal)):
    data = form_model(PostIn, name=name, lat=_number(lat, "latitude"), lon=_number(lon, "longitude"))
    with session_scope() as db:
        service.create_post(db, who, data)
    return RedirectResponse("/response/coverage#posts", status_code=303)


@router.get("/feed")
async def feed(request: Request, max_events: int = Query(0, ge=0, le=10_000),
               who: Principal = Depends(current_principal)):
    """Server-sent events: a snapshot of units and open incidents now, then again whenever something changes
    (a timeline event, a unit's status or position), checked once a second with one small query."""
    policy.require(who, "response.read")  # before the stream starts: a refusal later could not be answered

    def read(previous):
        with session_scope() as db:
            mark = service.change_mark(db)
            if mark == previous:
                return mark, None
            return mark, service.snapshot(db, who)

    async def stream():
        mark, sent, idle = None, 0, 0
        while not await request.is_disconnected():
            mark, snap = await run_in_threadpool(read, mark)
            if snap is not None:
                sent += 1
                yield f"event: snapshot\ndata: {json.dumps(snap, default=_json_default)}\n\n"
                if max_events and sent >= max_events:
                    return
                idle = 0
            else:
                idle += 1
                if idle % 15 == 0:
                    yield ": keep-alive\n\n"
            await asyncio.sleep(1.0)

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


def _json_default(value):
    return format_utc(value) if hasattr(value, "isoformat") and hasattr(value, "tzinfo") else str(value)
