"""JSON API for shared intelligence: /api/v1/intel. Problem+json errors; TLP filtered on every read."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool

from vigil.intel import service
from vigil.intel.core import stix as core
from vigil.intel.schemas import CollectionOut, IngestOut, ObjectDetail, ObjectSummary, SuggestionOut
from vigil.platform.database import session_scope
from vigil.platform.errors import BadRequest, Problem
from vigil.platform.identity.principal import Principal
from vigil.platform.pagination import Page
from vigil.web.security import current_principal

router = APIRouter(prefix="/api/v1/intel", tags=["intel"])
JSON_TYPES = ("application/json", "application/stix+json", "application/taxii+json")


def _filter(q: str = "", type: list[str] = Query(default=[]), label: list[str] = Query(default=[]),
            created_from: datetime | None = None, created_to: datetime | None = None,
            modified_from: datetime | None = None, modified_to: datetime | None = None, related_to: str = "",
            collection: str = "", tlp: str = "") -> service.SearchFilter:
    if tlp:
        try:
            core.normalise_tlp(tlp)
        except ValueError as exc:
            raise BadRequest(str(exc)) from exc
    return service.SearchFilter(q=q, types=type, labels=label, created_from=created_from, created_to=created_to,
                                modified_from=modified_from, modified_to=modified_to, related_to=related_to,
                                collection_id=collection, tlp=tlp)


@router.post("/bundles", response_model=IngestOut, status_code=201,
             description="Import a STIX 2.0/2.1 bundle (2.0 is upgraded). All objects are stored or none.")
async def import_bundle(request: Request, collection: str = service.DEFAULT_COLLECTION_ID, tlp: str = "",
                        sharing_group: int | None = None, who: Principal = Depends(current_principal)):
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype not in JSON_TYPES:
        raise Problem(415, "Send the bundle as application/json or application/stix+json")
    if tlp:
        try:
            tlp = core.normalise_tlp(tlp)
        except ValueError as exc:
            raise BadRequest(str(exc)) from exc
    raw = await request.body()

    def work():
        data = service.parse_bundle_bytes(raw)
        objects = service.bundle_objects(data)
        with session_scope() as db:
            report = service.ingest_or_raise(db, who, objects, collection, default_tlp=tlp or None,
                                             sharing_group_id=sharing_group)
            from vigil.intel import correlate

            correlate.after_ingest(db, who, report.new_ids, collection)
        return IngestOut(total=report.total, stored=report.stored, duplicates=report.duplicates,
                         collection_id=collection)

    return await run_in_threadpool(work)


@router.get("/objects", response_model=Page[ObjectSummary])
def list_objects(cursor: str | None = None, limit: int = Query(50), flt: service.SearchFilter = Depends(_filter),
                 who: Principal = Depends(current_principal)):
    with session_scope() as db:
        rows, nxt = service.search(db, who, flt, cursor, limit)
        return Page[ObjectSummary](items=[ObjectSummary.model_validate(r) for r in rows], next_cursor=nxt)


@router.get("/stats")
def stats(flt: service.SearchFilter = Depends(_filter), who: Principal = Depends(current_principal)):
    with session_scope() as db:
        counts = service.count_by_type(db, who, flt)
        return {"total": sum(counts.values()), "by_type": counts}


@router.get("/export", description="A STIX 2.1 bundle of the latest versions you may read (search filters apply).")
def export(flt: service.SearchFilter = Depends(_filter), who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return service.export_bundle(db, who, flt)


@router.get("/collections", response_model=list[CollectionOut])
def collections(who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return [CollectionOut(id=c.id, title=c.title, description=c.description, default_tlp=c.default_tlp,
                              can_read=r, can_write=w) for c, r, w in service.list_collections(db, who)]


@router.get("/graph", description="Link-analysis graph (TLP filtered before any computation).")
def graph(center: str = "", depth: int = Query(2, ge=0, le=5), limit: int = Query(2000, ge=1, le=20000),
          who: Principal = Depends(current_principal)):
    from vigil.intel import graph as g

    with session_scope() as db:
        return g.graph_json(db, who, center=center or None, depth=depth, limit=limit)


@router.get("/graph/path")
def graph_path(source: str, target: str, who: Principal = Depends(current_principal)):
    from vigil.intel import graph as g

    with session_scope() as db:
        return {"path": g.shortest_path(db, who, source, target)}


@router.get("/graph/analysis")
def graph_analysis(who: Principal = Depends(current_principal)):
    from vigil.intel import graph as g

    with session_scope() as db:
        return g.analysis(db, who)


@router.get("/suggestions", response_model=list[SuggestionOut])
def suggestions(status: str = "open", who: Principal = Depends(current_principal)):
    from vigil.intel import correlate

    with session_scope() as db:
        return [SuggestionOut.model_validate(s) for s in correlate.list_suggestions(db, who, status)]


@router.post("/suggestions/{suggestion_id}/{decision}", response_model=SuggestionOut)
def decide(suggestion_id: int, decision: str, who: Principal = Depends(current_principal)):
    from vigil.intel import correlate

    if decision not in ("accept", "reject"):
        raise BadRequest("decision must be accept or reject")
    with session_scope() as db:
        return SuggestionOut.model_validate(correlate.decide(db, who, suggestion_id, decision == "accept"))


@router.get("/objects/{stix_id}", response_model=ObjectDetail)
def get_object(stix_id: str, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        row = service.get_latest(db, who, stix_id)
        vers = service.versions(db, who, stix_id)
        rel = service.related(db, who, stix_id)
        return ObjectDetail(object=service.loads(row), tlp=row.tlp, collection_id=row.collection_id,
                            owner_agency_id=row.owner_agency_id, versions=[v.modified_text for v in vers],
                            related=[ObjectSummary.model_validate(r) for r in rel])
