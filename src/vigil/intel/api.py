"""JSON API for shared intelligence: /api/v1/intel. Problem+json errors; TLP filtered on every read."""

from __future__ import annotations

import tempfile
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool

from vigil.intel import service, sharing
from vigil.intel.core import stix as core
from vigil.intel.schemas import (CollectionAccessOut, CollectionAccessPatch, CollectionOut, GrantIn, GroupDeleted,
                                 GroupIn, GroupOut, GroupPatch, IngestOut, ObjectDetail, ObjectSummary, SuggestionOut)
from vigil.platform import policy
from vigil.platform.database import session_scope
from vigil.platform.errors import BadRequest, Problem
from vigil.platform.identity.principal import Principal
from vigil.platform.types import Timestamp
from vigil.platform.pagination import Cursor, Limit, Page
from vigil.web.security import current_principal

router = APIRouter(prefix="/api/v1/intel", tags=["intel"])
# TLP levels as clients write them: the level, "TLP:" before it, any case; WHITE is TLP 1.0's CLEAR.
TLP_WRITTEN = [""] + [form for level in (*core.TLP_LEVELS, "WHITE")
                      for form in (level, level.lower(), f"TLP:{level}", f"tlp:{level.lower()}")]
TlpParam = Annotated[str, Query(json_schema_extra={"enum": TLP_WRITTEN}, description="TLP level")]
JSON_TYPES = ("application/json", "application/stix+json", "application/taxii+json")
SPOOL_BYTES = 8 * 1024 * 1024


def _filter(q: str = "", type: list[str] = Query(default=[]), label: list[str] = Query(default=[]),
            created_from: Timestamp | None = None, created_to: Timestamp | None = None,
            modified_from: Timestamp | None = None, modified_to: Timestamp | None = None, related_to: str = "",
            collection: str = "", tlp: TlpParam = "") -> service.SearchFilter:
    if tlp:
        try:
            core.normalise_tlp(tlp)
        except ValueError as exc:
            raise BadRequest(str(exc)) from exc
    return service.SearchFilter(q=q, types=type, labels=label, created_from=created_from, created_to=created_to,
                                modified_from=modified_from, modified_to=modified_to, related_to=related_to,
                                collection_id=collection, tlp=tlp)


# The body is read as a stream (see below), so FastAPI cannot see it: the document states it here.
BUNDLE_BODY = {"required": True, "content": {media: {"schema": {
    "type": "object", "required": ["type", "objects"],
    "properties": {"type": {"const": "bundle"}, "id": {"type": "string"}, "spec_version": {"type": "string"},
                   "objects": {"type": "array", "items": {"type": "object"}}}}} for media in JSON_TYPES[:2]}}


@router.post("/bundles", response_model=IngestOut, status_code=201, openapi_extra={"requestBody": BUNDLE_BODY},
             description="Import a STIX 2.0/2.1 bundle (2.0 is upgraded). All objects are stored or none.")
async def import_bundle(request: Request, collection: str = service.DEFAULT_COLLECTION_ID, tlp: TlpParam = "",
                        sharing_group: int | None = None, who: Principal = Depends(current_principal)):
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype not in JSON_TYPES:
        raise Problem(415, "Send the bundle as application/json or application/stix+json")
    if tlp:
        try:
            tlp = core.normalise_tlp(tlp)
        except ValueError as exc:
            raise BadRequest(str(exc)) from exc
    # The body is spooled (memory up to SPOOL_BYTES, then a temporary file) and parsed one object at a time.
    limit = service.MAX_BUNDLE_BYTES
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise Problem(413, f"Bundle exceeds the limit of {limit} bytes")
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    try:
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise Problem(413, f"Bundle exceeds the limit of {limit} bytes")
            spool.write(chunk)
        spool.seek(0)

        def work():
            with session_scope() as db:
                report = service.ingest_or_raise(db, who, service.iter_bundle(spool), collection,
                                                 default_tlp=tlp or None, sharing_group_id=sharing_group)
                from vigil.intel import correlate

                correlate.after_ingest(db, who, report.new_ids, collection)
            return IngestOut(total=report.total, stored=report.stored, duplicates=report.duplicates,
                             collection_id=collection)

        return await run_in_threadpool(work)
    finally:
        spool.close()


@router.get("/objects", response_model=Page[ObjectSummary])
def list_objects(cursor: Cursor = None, limit: Limit() = 50, flt: service.SearchFilter = Depends(_filter),
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


# --- sharing groups and collection access: supervisors and administrators (policy action intel.sharing.manage) ----
def _manager(who: Principal = Depends(current_principal)) -> Principal:
    policy.require(who, sharing.MANAGE)
    return who


@router.get("/sharing-groups", response_model=list[GroupOut], description="Sharing groups and their member agencies.")
def sharing_groups(who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return [GroupOut.model_validate(g) for g in sharing.list_groups(db, who)]


@router.post("/sharing-groups", response_model=GroupOut, status_code=201,
             description="Create a sharing group (AMBER objects bound to it are readable by its member agencies).")
def create_sharing_group(data: GroupIn, who: Principal = Depends(_manager)):
    with session_scope() as db:
        return GroupOut.model_validate(sharing.create_group(db, who, data.name, data.description, data.agencies))


@router.get("/sharing-groups/{group_id}", response_model=GroupOut)
def sharing_group(group_id: int, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return GroupOut.model_validate(sharing.group_view(db, who, group_id))


@router.patch("/sharing-groups/{group_id}", response_model=GroupOut, description="Rename or describe a group.")
def update_sharing_group(group_id: int, data: GroupPatch, who: Principal = Depends(_manager)):
    with session_scope() as db:
        return GroupOut.model_validate(sharing.update_group(db, who, group_id, data.name, data.description))


@router.delete("/sharing-groups/{group_id}", response_model=GroupDeleted,
               description="Delete a group; AMBER objects bound to it narrow to their owner agency.")
def delete_sharing_group(group_id: int, who: Principal = Depends(_manager)):
    with session_scope() as db:
        return GroupDeleted(**sharing.delete_group(db, who, group_id))


@router.put("/sharing-groups/{group_id}/members/{agency}", response_model=GroupOut,
            description="Add an agency (by code) to a group; idempotent.")
def add_group_member(group_id: int, agency: str, who: Principal = Depends(_manager)):
    with session_scope() as db:
        return GroupOut.model_validate(sharing.add_member(db, who, group_id, agency))


@router.delete("/sharing-groups/{group_id}/members/{agency}", response_model=GroupOut)
def remove_group_member(group_id: int, agency: str, who: Principal = Depends(_manager)):
    with session_scope() as db:
        return GroupOut.model_validate(sharing.remove_member(db, who, group_id, agency))


@router.get("/collections/{collection_id}/access", response_model=CollectionAccessOut,
            description="Whether a collection is open for reading/writing, and its per-agency grants.")
def collection_access(collection_id: str, who: Principal = Depends(_manager)):
    with session_scope() as db:
        return CollectionAccessOut.model_validate(sharing.collection_access(db, who, collection_id))


@router.patch("/collections/{collection_id}/access", response_model=CollectionAccessOut,
              description="Open or close a collection (closed: only agencies with a grant).")
def set_collection_access(collection_id: str, data: CollectionAccessPatch, who: Principal = Depends(_manager)):
    with session_scope() as db:
        return CollectionAccessOut.model_validate(sharing.set_open(db, who, collection_id, data.open_read,
                                                                   data.open_write))


@router.put("/collections/{collection_id}/grants/{agency}", response_model=CollectionAccessOut,
            description="Grant (or change) an agency's read/write on a collection.")
def grant_collection(collection_id: str, agency: str, data: GrantIn, who: Principal = Depends(_manager)):
    with session_scope() as db:
        return CollectionAccessOut.model_validate(sharing.set_grant(db, who, collection_id, agency, data.can_read,
                                                                    data.can_write))


@router.delete("/collections/{collection_id}/grants/{agency}", response_model=CollectionAccessOut)
def revoke_collection_grant(collection_id: str, agency: str, who: Principal = Depends(_manager)):
    with session_scope() as db:
        return CollectionAccessOut.model_validate(sharing.revoke_grant(db, who, collection_id, agency))


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
def decide(suggestion_id: int, decision: Literal["accept", "reject"], who: Principal = Depends(current_principal)):
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
