"""JSON API of key sites, units, cameras, checklists, campaigns, tasks, inspections and findings."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, File, Path, Query, UploadFile
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from vigil.platform.database import session_scope
from vigil.platform.identity.principal import Principal
from vigil.platform.types import QUERY_TEXT
from vigil.sites import schemas, service
from vigil.sites.core import geo
from vigil.sites.map import feature_collection_json
from vigil.web.downloads import attachment
from vigil.web.security import current_principal

router = APIRouter(prefix="/api/v1", tags=["sites"])
IdPath = Annotated[int, Path(ge=1, le=2**31 - 1)]
Who = Annotated[Principal, Depends(current_principal)]
MAX_IMPORT_BYTES = 20 * 1024 * 1024


def site_out(site) -> schemas.SiteOut:
    fields = {k: getattr(site, k) for k in schemas.SiteOut.model_fields if k != "outline"}
    return schemas.SiteOut(**fields, outline=json.loads(site.outline) if site.outline else None)


@router.get("/sites", response_model=list[schemas.SiteOut])
def list_sites(who: Who, type: schemas.SiteType | None = None,
               region: Annotated[str | None, Query(max_length=100, pattern=QUERY_TEXT)] = None,
               q: Annotated[str | None, Query(max_length=200, pattern=QUERY_TEXT)] = None,
               limit: Annotated[int, Query(ge=1, le=10_000)] = 1000):
    with session_scope() as db:
        return [site_out(s) for s in service.list_sites(db, who, type, region, q, limit)]


@router.post("/sites", response_model=schemas.SiteOut, status_code=201)
def create_site(data: schemas.SiteIn, who: Who):
    with session_scope() as db:
        return site_out(service.create_site(db, who, data))


@router.post("/sites/import", response_model=schemas.ImportResult,
             description="A .csv (columns name,type,lat,lon; optional region, osm_id, contacts, "
                         "protective_measures, outline) or .geojson FeatureCollection (properties name, type). "
                         "All rows or none: 422 with per-row `errors`.")
async def import_sites(who: Who, file: UploadFile = File(...)):
    data = await file.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        from vigil.platform.files import FileTooLarge

        raise FileTooLarge(f"The file is over {MAX_IMPORT_BYTES:,} bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise service.Invalid("The file is not UTF-8 text") from None
    parsed = await run_in_threadpool(geo.parse_file, file.filename or "", text)

    def store():
        with session_scope() as db:
            return service.import_sites(db, who, parsed)

    return schemas.ImportResult(imported=await run_in_threadpool(store))


@router.get("/sites/geojson", description="Every site as compact GeoJSON for maps (colour by risk and open "
                                          "findings).", responses={200: {"content": {"application/geo+json": {}}}})
def sites_geojson(who: Who):
    with session_scope() as db:
        body = feature_collection_json(db, who)
    return Response(body, media_type="application/geo+json")


@router.get("/sites/{site_id}", response_model=schemas.SiteOut)
def get_site(site_id: IdPath, who: Who):
    with session_scope() as db:
        return site_out(service.get_site(db, who, site_id))


@router.put("/sites/{site_id}", response_model=schemas.SiteOut)
def update_site(site_id: IdPath, data: schemas.SiteIn, who: Who):
    with session_scope() as db:
        return site_out(service.update_site(db, who, site_id, data))


@router.get("/sites/{site_id}/cameras", response_model=list[schemas.CameraOut])
def cameras(site_id: IdPath, who: Who):
    with session_scope() as db:
        return [schemas.CameraOut.model_validate(c) for c in service.list_cameras(db, who, site_id)]


@router.post("/sites/{site_id}/cameras", response_model=schemas.CameraOut, status_code=201)
def add_camera(site_id: IdPath, data: schemas.CameraIn, who: Who):
    with session_scope() as db:
        return schemas.CameraOut.model_validate(service.add_camera(db, who, site_id, data))


@router.get("/sites/{site_id}/findings", response_model=list[schemas.FindingOut])
def findings(site_id: IdPath, who: Who, open_only: bool = False):
    with session_scope() as db:
        return [schemas.FindingOut.model_validate(f) for f in service.site_findings(db, who, site_id, open_only)]


@router.get("/units", response_model=list[schemas.UnitOut])
def units(who: Who):
    with session_scope() as db:
        return [schemas.UnitOut.model_validate(u) for u in service.list_units(db, who)]


@router.post("/units", response_model=schemas.UnitOut, status_code=201)
def create_unit(data: schemas.UnitIn, who: Who):
    with session_scope() as db:
        return schemas.UnitOut.model_validate(service.create_unit(db, who, data))


@router.post("/units/{unit_id}/officers", status_code=204)
def add_officer(unit_id: IdPath, data: schemas.OfficerIn, who: Who):
    with session_scope() as db:
        service.add_officer(db, who, unit_id, data.username)
    return Response(status_code=204)


def checklist_out(tpl) -> schemas.ChecklistOut:
    return schemas.ChecklistOut(id=tpl.id, site_type=tpl.site_type, version=tpl.version, title=tpl.title,
                                items=service.checklist_items(tpl))


@router.get("/checklists", response_model=list[schemas.ChecklistOut])
def checklists(who: Who):
    with session_scope() as db:
        return [checklist_out(t) for t in service.list_checklists(db, who)]


@router.post("/checklists", response_model=schemas.ChecklistOut, status_code=201,
             description="Publish a new version of a site type's checklist; started inspections keep theirs.")
def publish_checklist(data: schemas.ChecklistIn, who: Who):
    with session_scope() as db:
        return checklist_out(service.publish_checklist(db, who, data))


def campaign_out(c) -> schemas.CampaignOut:
    return schemas.CampaignOut(id=c.id, name=c.name, goals=c.goals, agency_id=c.agency_id, starts_at=c.starts_at,
                               ends_at=c.ends_at, regions=json.loads(c.regions), site_types=json.loads(c.site_types),
                               target_count=c.target_count, created_by=c.created_by)


@router.get("/campaigns", response_model=list[schemas.CampaignOut])
def campaigns(who: Who):
    with session_scope() as db:
        return [campaign_out(c) for c in service.list_campaigns(db, who)]


@router.post("/campaigns", response_model=schemas.CampaignOut, status_code=201,
             description="409 when it overlaps another campaign of the agency in period, region and site type.")
def create_campaign(data: schemas.CampaignIn, who: Who):
    with session_scope() as db:
        return campaign_out(service.create_campaign(db, who, data))


@router.get("/campaigns/{campaign_id}", response_model=schemas.CampaignOut)
def get_campaign(campaign_id: IdPath, who: Who):
    with session_scope() as db:
        return campaign_out(service.get_campaign(db, who, campaign_id))


@router.get("/campaigns/{campaign_id}/tasks", response_model=list[schemas.TaskOut],
            description="The tasks of your level of the chain and the levels below it.")
def campaign_tasks(campaign_id: IdPath, who: Who):
    with session_scope() as db:
        return [schemas.TaskOut.model_validate(t) for t in service.campaign_tasks(db, who, campaign_id)]


@router.get("/campaigns/{campaign_id}/progress", response_model=list[schemas.Progress])
def campaign_progress(campaign_id: IdPath, who: Who):
    with session_scope() as db:
        return service.progress(db, who, campaign_id)


@router.post("/tasks/{task_id}/delegate", response_model=schemas.TaskOut, status_code=201)
def delegate(task_id: IdPath, data: schemas.DelegateIn, who: Who):
    with session_scope() as db:
        return schemas.TaskOut.model_validate(service.delegate_task(db, who, task_id, data))


@router.post("/tasks/{task_id}/complete", response_model=schemas.TaskOut)
def complete(task_id: IdPath, who: Who):
    with session_scope() as db:
        return schemas.TaskOut.model_validate(service.complete_task(db, who, task_id))


def inspection_out(i) -> schemas.InspectionOut:
    return schemas.InspectionOut(id=i.id, site_id=i.site_id, task_id=i.task_id, checklist_id=i.checklist_id,
                                 checklist_version=i.checklist_version, answers=json.loads(i.answers), notes=i.notes,
                                 status=i.status, inspector=i.inspector, started_at=i.started_at,
                                 submitted_at=i.submitted_at)


@router.post("/inspections", response_model=schemas.InspectionOut, status_code=201,
             description="Start an inspection with the site type's current checklist version.")
def start_inspection(data: schemas.InspectionStartIn, who: Who):
    with session_scope() as db:
        return inspection_out(service.start_inspection(db, who, data))


@router.get("/inspections/{inspection_id}", response_model=schemas.InspectionOut)
def get_inspection(inspection_id: IdPath, who: Who):
    with session_scope() as db:
        return inspection_out(service.get_inspection(db, who, inspection_id))


@router.post("/inspections/{inspection_id}/submit", response_model=list[schemas.FindingOut],
             description="409 when `checklist_version` is not the version the inspection started with.")
def submit_inspection(inspection_id: IdPath, data: schemas.InspectionSubmitIn, who: Who):
    with session_scope() as db:
        _, new = service.submit_inspection(db, who, inspection_id, data)
        db.flush()
        return [schemas.FindingOut.model_validate(f) for f in new]


@router.post("/findings/{finding_id}/files", response_model=schemas.FindingFileOut, status_code=201,
             description="A photo (PNG, JPEG, GIF, WebP) or PDF, by content; at most 5 MB (413/415 otherwise).")
async def attach(finding_id: IdPath, who: Who, file: UploadFile = File(...)):
    data = await file.read(service.ATTACHMENT_MAX_BYTES + 1)

    def store():
        with session_scope() as db:
            return schemas.FindingFileOut.model_validate(service.attach_file(db, who, finding_id,
                                                                              file.filename or "", data))

    return await run_in_threadpool(store)


@router.get("/finding-files/{file_id}", responses={200: {"description": "The file, as a download", "content": {
    media: {"schema": {"type": "string", "format": "binary"}} for media in
    ("application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp")}}})
def download(file_id: IdPath, who: Who):
    from vigil.platform import files

    with session_scope() as db:
        row = service.get_file(db, who, file_id)
        return attachment(files.load(row.sha256), files.MEDIA_TYPES[row.kind], row.filename)
