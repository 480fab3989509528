"""JSON API of risk registers, CARVER + Shock, major events, accreditation screening and reports."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Path, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from vigil.platform.database import session_scope
from vigil.platform.identity.principal import Principal
from vigil.platform.types import QUERY_TEXT
from vigil.risk import report, schemas, service
from vigil.risk.core import scoring
from vigil.web.downloads import attachment
from vigil.web.security import current_principal, declared_purpose

router = APIRouter(prefix="/api/v1", tags=["risk"])
IdPath = Annotated[int, Path(ge=1, le=2**31 - 1)]
Who = Annotated[Principal, Depends(current_principal)]
PDF = {200: {"content": {"application/pdf": {}}}}
MAX_CSV_BYTES = 1_000_000


class HeatMap(BaseModel):
    kind: Literal["inherent", "residual"]
    matrix: list[list[int]]
    worst_level: str


class PersonOut(schemas.AccreditationOut):
    hits: list[schemas.HitOut] = []


@router.get("/events", response_model=list[schemas.EventOut])
def events(who: Who):
    with session_scope() as db:
        return [service.event_out(e) for e in service.list_events(db, who)]


@router.post("/events", response_model=schemas.EventOut, status_code=201)
def create_event(data: schemas.EventIn, who: Who):
    with session_scope() as db:
        return service.event_out(service.create_event(db, who, data))


@router.get("/events/{event_id}", response_model=schemas.EventOut)
def get_event(event_id: IdPath, who: Who):
    with session_scope() as db:
        return service.event_out(service.get_event(db, who, event_id))


@router.put("/events/{event_id}", response_model=schemas.EventOut)
def update_event(event_id: IdPath, data: schemas.EventIn, who: Who):
    with session_scope() as db:
        return service.event_out(service.update_event(db, who, event_id, data))


@router.get("/events/{event_id}/report.pdf", responses=PDF)
def event_report(event_id: IdPath, who: Who):
    with session_scope() as db:
        name, pdf = report.event_pdf(db, who, event_id)
    return attachment(pdf, "application/pdf", f"event-{event_id}-risk-report.pdf")


@router.get("/sites/{site_id}/report.pdf", responses=PDF)
def site_report(site_id: IdPath, who: Who):
    with session_scope() as db:
        name, pdf = report.site_pdf(db, who, site_id)
    return attachment(pdf, "application/pdf", f"site-{site_id}-risk-report.pdf")


def _register_routes(kind: str) -> None:
    """The register, heat map and CARVER + Shock routes of one kind of target (sites or events)."""
    key = f"{kind[:-1]}_id"

    def target(target_id: int) -> dict:
        return {key: target_id}

    @router.get(f"/{kind}/{{target_id}}/risks", response_model=list[schemas.RiskOut], name=f"{kind}_risks")
    def risks(target_id: IdPath, who: Who):
        with session_scope() as db:
            service.check_target(db, who, **{"site_id": None, "event_id": None, **target(target_id)})
            return [service.risk_out(e) for e in service.register(db, who, **target(target_id))]

    @router.post(f"/{kind}/{{target_id}}/risks", response_model=schemas.RiskOut, status_code=201,
                 name=f"{kind}_add_risk")
    def add_risk(target_id: IdPath, data: schemas.RiskFields, who: Who):
        with session_scope() as db:
            return service.risk_out(service.add_risk(db, who, schemas.RiskIn(**data.model_dump(),
                                                                             **target(target_id))))

    @router.get(f"/{kind}/{{target_id}}/heatmap", response_model=HeatMap, name=f"{kind}_heatmap",
                description="Counts per cell: matrix[impact-1][likelihood-1].")
    def heatmap(target_id: IdPath, who: Who, kind_: Literal["inherent", "residual"] = Query("residual",
                                                                                             alias="kind")):
        with session_scope() as db:
            service.check_target(db, who, **{"site_id": None, "event_id": None, **target(target_id)})
            rated = [scoring.Rated(e.likelihood, e.impact, e.residual_likelihood, e.residual_impact)
                     for e in service.register(db, who, **target(target_id))]
        return HeatMap(kind=kind_, matrix=scoring.heat_map(rated, kind_ == "residual"),
                       worst_level=scoring.worst_level(rated))

    @router.get(f"/{kind}/{{target_id}}/carver", response_model=list[schemas.CarverOut], name=f"{kind}_carver",
                description="CARVER + Shock scores, highest total first.")
    def carver(target_id: IdPath, who: Who):
        with session_scope() as db:
            service.check_target(db, who, **{"site_id": None, "event_id": None, **target(target_id)})
            return service.carver_scores(db, who, **target(target_id))

    @router.post(f"/{kind}/{{target_id}}/carver", response_model=schemas.CarverOut, status_code=201,
                 name=f"{kind}_add_carver")
    def add_carver(target_id: IdPath, data: schemas.CarverFields, who: Who):
        with session_scope() as db:
            row = service.add_carver(db, who, schemas.CarverIn(**data.model_dump(), **target(target_id)))
            return next(c for c in service.carver_scores(db, who, row.site_id, row.event_id) if c.id == row.id)


_register_routes("sites")
_register_routes("events")


@router.put("/risks/{entry_id}", response_model=schemas.RiskOut, description="Edit a register entry.")
def update_risk(entry_id: IdPath, data: schemas.RiskFields, who: Who):
    with session_scope() as db:
        return service.risk_out(service.update_risk(db, who, entry_id, data))


@router.delete("/risks/{entry_id}", status_code=204)
def delete_risk(entry_id: IdPath, who: Who):
    with session_scope() as db:
        service.delete_risk(db, who, entry_id)
    return Response(status_code=204)


@router.get("/threats", response_model=list[schemas.ThreatRef],
            description="Threat actors, attack patterns, reports... of the intelligence hub you may read (TLP).")
def threats(who: Who, q: Annotated[str, Query(max_length=200, pattern=QUERY_TEXT)] = "",
            limit: Annotated[int, Query(ge=1, le=100)] = 20):
    with session_scope() as db:
        return service.search_threats(db, who, q, limit)


@router.post("/events/{event_id}/accreditations", response_model=schemas.AccreditationImport, status_code=201,
             description="CSV with columns category (staff|press|contractor), full_name; optional dob, nationality, "
                         "id_number, organisation. Screened against every watchlist; all rows or none.")
async def import_accreditations(event_id: IdPath, request: Request, who: Who, file: UploadFile = File(...)):
    data = await file.read(MAX_CSV_BYTES + 1)
    if len(data) > MAX_CSV_BYTES:
        from vigil.platform.files import FileTooLarge

        raise FileTooLarge(f"The file is over {MAX_CSV_BYTES:,} bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise service.Invalid("The file is not UTF-8 text") from None
    purpose = declared_purpose(request) or ""

    def store():
        with session_scope() as db:
            return service.import_accreditations(db, who, event_id, text, purpose)

    return await run_in_threadpool(store)


@router.get("/events/{event_id}/accreditations", response_model=list[PersonOut],
            description="Personal data: requires the X-Vigil-Purpose header (or ?purpose=); the read is audited.")
def accreditations(event_id: IdPath, request: Request, who: Who,
                   status: Literal["clear", "review", "approved", "refused"] | None = None):
    with session_scope() as db:
        people = service.accreditations(db, who, event_id, declared_purpose(request), status)
        hits = service.hits_of(db, [p.id for p in people])
        return [PersonOut.model_validate({**schemas.AccreditationOut.model_validate(p).model_dump(),
                                          "hits": [schemas.HitOut.model_validate(h) for h in hits.get(p.id, [])]})
                for p in people]


@router.get("/events/{event_id}/accreditations/summary", response_model=schemas.AccreditationSummary)
def accreditation_summary(event_id: IdPath, who: Who):
    with session_scope() as db:
        return service.accreditation_summary(db, who, event_id)


@router.post("/accreditation-hits/{hit_id}/decision", response_model=schemas.HitOut)
def decide(hit_id: IdPath, data: schemas.DecisionIn, who: Who):
    with session_scope() as db:
        return schemas.HitOut.model_validate(service.decide_hit(db, who, hit_id, data))
