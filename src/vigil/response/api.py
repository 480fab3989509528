"""Rapid-response JSON API under /api/v1/response."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from starlette.concurrency import run_in_threadpool

from vigil.platform.database import session_scope
from vigil.platform.identity.principal import Principal
from vigil.platform.types import QUERY_TEXT
from vigil.response import service
from vigil.response.schemas import (
    UNIT_ID,
    AlarmIn,
    AlarmSourceIn,
    AlarmSourceOut,
    AssignIn,
    AttainmentOut,
    BoardRow,
    CallerOut,
    CoverageOut,
    ImportIn,
    ImportOut,
    IncidentIn,
    IncidentOut,
    KeyAreaIn,
    KeyAreaOut,
    PlacementIn,
    PlacementOut,
    PositionBatchIn,
    PositionBatchOut,
    PostIn,
    PostOut,
    RecommendIn,
    RecommendOut,
    TimelineOut,
    TransitionIn,
    UnitIn,
    UnitOut,
    UnitStatusIn,
)
from vigil.web.security import current_principal, declared_purpose

router = APIRouter(prefix="/api/v1/response", tags=["response"])
INCIDENT_ID = Path(pattern=r"^INC-[0-9]{6}-[0-9A-F]{6}$")
UNIT = Path(pattern=UNIT_ID)
PROBLEM = {"content": {"application/problem+json": {}}}


@router.post("/recommend", response_model=RecommendOut, responses={422: PROBLEM},
             description="Available units ranked by road travel time to the point, fastest first. A point more "
                         "than 500 m from the road network is refused (422).")
def recommend(data: RecommendIn, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return service.recommend(db, who, data.lat, data.lon, data.limit, data.kinds)


# --- incidents --------------------------------------------------------------------------------------------------
@router.get("/incidents", response_model=list[IncidentOut])
def incidents(open_only: bool = False, limit: int = Query(100, ge=1, le=500),
              who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return [service.incident_out(i) for i in service.list_incidents(db, who, open_only, limit)]


@router.post("/incidents", response_model=IncidentOut, status_code=201, responses={422: PROBLEM},
             description="Open an incident at coordinates, or at an address (a street or place on the network).")
def create_incident(data: IncidentIn, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return service.incident_out(service.create_incident(db, who, data))


@router.get("/incidents/{incident_id}", response_model=IncidentOut, responses={404: PROBLEM})
def incident(incident_id: str = INCIDENT_ID, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return service.incident_out(service.get_incident(db, who, incident_id))


@router.get("/incidents/{incident_id}/timeline", response_model=list[TimelineOut], responses={404: PROBLEM})
def incident_timeline(incident_id: str = INCIDENT_ID, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return [TimelineOut.model_validate(e) for e in service.timeline(db, who, incident_id)]


@router.get("/incidents/{incident_id}/caller", response_model=CallerOut, responses={404: PROBLEM, 428: PROBLEM},
            description="Personal data: requires the X-Vigil-Purpose header (or ?purpose=); the read is audited.")
def incident_caller(request: Request, incident_id: str = INCIDENT_ID, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return service.read_caller(db, who, incident_id, declared_purpose(request))


@router.get("/incidents/{incident_id}/recommend", response_model=RecommendOut, responses={422: PROBLEM})
def incident_recommend(incident_id: str = INCIDENT_ID, limit: int = Query(10, ge=1, le=1000),
                       who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return service.recommend_for_incident(db, who, incident_id, limit)


@router.post("/incidents/{incident_id}/assign", response_model=IncidentOut, responses={404: PROBLEM, 409: PROBLEM},
             description="Dispatch a unit. A unit already assigned, or an incident already dispatched, is a 409 "
                         "carrying `current_assignment`.")
def assign(data: AssignIn, incident_id: str = INCIDENT_ID, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return service.incident_out(service.assign(db, who, incident_id, data.unit_id))


@router.post("/incidents/{incident_id}/transitions", response_model=IncidentOut,
             responses={404: PROBLEM, 409: PROBLEM},
             description="acknowledged -> en_route -> on_scene -> cleared, in order (cleared from any state).")
def move(data: TransitionIn, incident_id: str = INCIDENT_ID, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return service.incident_out(service.transition(db, who, incident_id, data.state, data.detail))


@router.get("/places", response_model=list[dict],
            description="Named streets of the road network, key areas and posts matching the query.")
def places(q: str = Query(min_length=2, max_length=100, pattern=QUERY_TEXT), who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return service.find_places(db, who, q)


# --- units ------------------------------------------------------------------------------------------------------
@router.get("/units", response_model=list[UnitOut])
def units(who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return [service.unit_out(u) for u in service.list_units(db, who)]


@router.post("/units", response_model=UnitOut, status_code=201, responses={409: PROBLEM})
def create_unit(data: UnitIn, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return service.unit_out(service.create_unit(db, who, data))


@router.post("/units/positions", response_model=PositionBatchOut,
             description="A batch of position updates (up to 5,000). Per unit the newest wins; updates older than "
                         "the stored position are ignored and counted as stale.")
def positions(data: PositionBatchIn, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return service.update_positions(db, who, [(u.unit_id, u.lat, u.lon, u.at) for u in data.updates])


@router.post("/units/{unit_id}/status", response_model=UnitOut, responses={404: PROBLEM, 409: PROBLEM})
def unit_status(data: UnitStatusIn, unit_id: str = UNIT, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return service.unit_out(service.set_unit_status(db, who, unit_id, data.status))


# --- key areas and posts ----------------------------------------------------------------------------------------
@router.get("/key-areas", response_model=list[KeyAreaOut])
def key_areas(who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return [service.key_area_out(a) for a in service.list_key_areas(db, who)]


@router.post("/key-areas", response_model=KeyAreaOut, status_code=201)
def create_key_area(data: KeyAreaIn, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return service.key_area_out(service.create_key_area(db, who, data))


@router.post("/key-areas/import", response_model=ImportOut, responses={422: PROBLEM},
             description="CSV (name,lat,lon,radius_m) or GeoJSON; all or nothing, errors per line or feature.")
def import_key_areas(data: ImportIn, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return {"created": service.import_key_areas(db, who, data.content, data.format), "errors": []}


@router.post("/key-areas/sync-sites", response_model=ImportOut,
             description="Add key sites (the sites capability, when present) as key areas.")
def sync_sites(who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return {"created": service.sync_key_sites(db, who), "errors": []}


@router.delete("/key-areas/{area_id:int}", status_code=204, responses={404: PROBLEM})
def delete_key_area(area_id: int = Path(ge=1, le=2**31 - 1), who: Principal = Depends(current_principal)):
    with session_scope() as db:
        service.delete_key_area(db, who, area_id)


@router.get("/posts", response_model=list[PostOut])
def posts(who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return [PostOut.model_validate(p) for p in service.list_posts(db, who)]


@router.post("/posts", response_model=PostOut, status_code=201, responses={409: PROBLEM, 422: PROBLEM})
def create_post(data: PostIn, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return PostOut.model_validate(service.create_post(db, who, data))


@router.delete("/posts/{post_id:int}", status_code=204, responses={404: PROBLEM})
def delete_post(post_id: int = Path(ge=1, le=2**31 - 1), who: Principal = Depends(current_principal)):
    with session_scope() as db:
        service.delete_post(db, who, post_id)


# --- coverage and planning --------------------------------------------------------------------------------------
@router.get("/coverage", response_model=CoverageOut,
            description="Road network and key places reachable within 1, 3 and 5 minutes of the posts.")
def coverage(who: Principal = Depends(current_principal)):
    with session_scope() as db:
        out = service.coverage(db, who)
        out.pop("features")
        return out


@router.post("/placement", response_model=PlacementOut, responses={422: PROBLEM},
             description="Maximal covering location problem (HiGHS) over incident history and key places.")
def placement(data: PlacementIn, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return service.placement(db, who, data.units, data.demand, data.candidates, data.standard_s,
                                 data.time_limit_s)


@router.get("/patrol-plan", response_model=list[dict])
def patrol_plan(units: int = Query(10, ge=1, le=100), who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return service.patrol_plan(db, who, units)


@router.get("/board", response_model=list[BoardRow], description="Open incidents against their 1-3-5 targets.")
def board(at_risk_only: bool = False, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return service.board(db, who, at_risk_only)


@router.get("/attainment", response_model=AttainmentOut)
def attainment(who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return service.attainment(db, who)


# --- alarms -----------------------------------------------------------------------------------------------------
@router.post("/alarm-sources", response_model=AlarmSourceOut, status_code=201, responses={409: PROBLEM})
def create_alarm_source(data: AlarmSourceIn, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        source, secret = service.create_alarm_source(db, who, data.id, data.name)
        return {"id": source.id, "name": source.name, "secret": secret}


@router.post("/alarms/{source_id}", status_code=201, responses={401: PROBLEM, 409: PROBLEM, 422: PROBLEM},
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/json": {"schema": AlarmIn.model_json_schema()}}}},
             description="An alarm system's webhook. `X-Vigil-Signature: sha256=<hex>` is HMAC-SHA256 with the "
                         "source's secret over `<X-Vigil-Timestamp>.<body>`; timestamps more than 5 minutes off "
                         "are refused (401) and an event id seen before is a replay (409).")
async def alarm(request: Request, source_id: str = Path(pattern=r"^[a-z0-9][a-z0-9-]{1,39}$"),
                x_vigil_timestamp: str | None = Header(None, max_length=20),
                x_vigil_signature: str | None = Header(None, max_length=200)):
    body = await request.body()

    def receive():
        with session_scope() as db:
            return service.receive_alarm(db, source_id, x_vigil_timestamp, x_vigil_signature, body)

    incident_id, _ = await run_in_threadpool(receive)
    return {"incident_id": incident_id}
