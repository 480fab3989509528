"""Console: the sites map, site pages, campaign boards, the supervision dashboard and the tablet inspection form."""

from __future__ import annotations

import json
from datetime import datetime, time, timezone
from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from vigil.platform import clock, files, policy
from vigil.platform.database import session_scope
from vigil.platform.identity.principal import Principal
from vigil.sites import schemas, service
from vigil.sites.core import geo
from vigil.sites.map import feature_collection_json
from vigil.web.downloads import attachment
from vigil.web.forms import form_model
from vigil.web.security import current_principal
from vigil.web.templating import register_templates, render

register_templates(Path(__file__).parent / "templates")
router = APIRouter(prefix="/sites", include_in_schema=False)
SECTION = {"section": "sites"}


def _day_end(text: str) -> datetime | None:
    """A date from a form's date input: the end of that day, UTC."""
    if not text:
        return None
    try:
        day = datetime.fromisoformat(text[:10]).date()
    except ValueError:
        raise service.Invalid(f"{text!r} is not a date") from None
    return datetime.combine(day, time(23, 59), tzinfo=timezone.utc)


@router.get("")
def index(request: Request, type: str = "", region: str = "", q: str = "",
          who: Principal = Depends(current_principal)):
    with session_scope() as db:
        rows = service.list_sites(db, who, type or None, region or None, q or None, limit=200)
        findings = service.open_findings_by_site(db)
        total = service.count_sites(db)
        view = service.sites_view(db)
    return render(request, "sites/index.html", {**SECTION, "sites": rows, "findings": findings, "total": total,
                                                "view": view,
                                                "types": geo.SITE_TYPES, "filters": {"type": type,
                                                                                     "region": region, "q": q}})


@router.get("/map.geojson")
def map_geojson(who: Principal = Depends(current_principal)):
    with session_scope() as db:
        body = feature_collection_json(db, who)
    return Response(body, media_type="application/geo+json")


@router.post("/import")
async def import_file(request: Request, file: UploadFile = File(...), who: Principal = Depends(current_principal)):
    data = await file.read()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise service.Invalid("The file is not UTF-8 text") from None
    parsed = await run_in_threadpool(geo.parse_file, file.filename or "", text)

    def store():
        with session_scope() as db:
            return service.import_sites(db, who, parsed)

    try:
        count = await run_in_threadpool(store)
    except service.Invalid as exc:
        return render(request, "sites/import_result.html", {**SECTION, "error": exc.detail,
                                                            "errors": exc.extra.get("errors", [])},
                      status_code=422)
    return render(request, "sites/import_result.html", {**SECTION, "imported": count})


@router.post("")
def create(request: Request, name: str = Form(""), type: str = Form(""), lat: float = Form(...),
           lon: float = Form(...), region: str = Form(""), protective_measures: str = Form(""),
           contacts: str = Form(""), who: Principal = Depends(current_principal)):
    data = form_model(schemas.SiteIn, name=name, type=type, lat=lat, lon=lon, region=region,
                      protective_measures=protective_measures, contacts=contacts)
    with session_scope() as db:
        site = service.create_site(db, who, data)
    return RedirectResponse(f"/sites/{site.id}", status_code=303)


@router.get("/campaigns")
def campaigns(request: Request, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        rows = service.list_campaigns(db, who)
        boards = {c.id: service.progress(db, who, c.id) for c in rows}
        checklists = service.list_checklists(db, who)
    return render(request, "sites/campaigns.html", {**SECTION, "campaigns": rows, "boards": boards,
                                                    "checklists": checklists, "items_of": service.checklist_items,
                                                    "types": geo.SITE_TYPES, "json": json,
                                                    "can_manage": policy.allowed(who, "campaigns.manage")})


@router.post("/checklists")
def checklist_publish(site_type: str = Form(""), title: str = Form(""), items: str = Form(""),
                      who: Principal = Depends(current_principal)):
    """Items one per line as `key: text`; a new version of the type's checklist (started inspections keep theirs)."""
    parsed = []
    for line in items.splitlines():
        key, _, text = line.partition(":")
        if line.strip():
            parsed.append({"key": key.strip().lower(), "text": text.strip()})
    data = form_model(schemas.ChecklistIn, site_type=site_type, title=title, items=parsed)
    with session_scope() as db:
        service.publish_checklist(db, who, data)
    return RedirectResponse("/sites/campaigns#checklists", status_code=303)


@router.post("/campaigns")
def campaign_create(request: Request, name: str = Form(""), goals: str = Form(""), starts: str = Form(""),
                    ends: str = Form(""), regions: str = Form(""), site_types: list[str] = Form([]),
                    who: Principal = Depends(current_principal)):
    start = _day_end(starts)
    data = form_model(schemas.CampaignIn, name=name, goals=goals,
                      starts_at=start.replace(hour=0, minute=0) if start else None, ends_at=_day_end(ends),
                      regions=[r.strip() for r in regions.split(",") if r.strip()], site_types=site_types)
    with session_scope() as db:
        campaign = service.create_campaign(db, who, data)
    return RedirectResponse(f"/sites/campaigns/{campaign.id}", status_code=303)


@router.get("/campaigns/{campaign_id}")
def campaign_board(request: Request, campaign_id: int, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        campaign = service.get_campaign(db, who, campaign_id)
        tasks = service.campaign_tasks(db, who, campaign_id)
        board = {p.task_id: p for p in service.progress(db, who, campaign_id)}
        escalated = {t.id: service.escalated_to(db, t) for t in tasks if t.escalation_level}
        units = {u.id: u.name for u in service.list_units(db, who)}
        sites = {s.id: s for s in service.list_sites(db, who) if any(t.site_id == s.id for t in tasks)}
    return render(request, "sites/board.html", {**SECTION, "campaign": campaign, "tasks": tasks, "board": board,
                                                "escalated": escalated, "units": units, "sites": sites,
                                                "now": clock.now(), "json": json})


@router.post("/tasks/{task_id}/delegate")
def task_delegate(task_id: int, title: str = Form(""), deadline: str = Form(""), unit_id: str = Form(""),
                  officer: str = Form(""), site_id: str = Form(""), who: Principal = Depends(current_principal)):
    data = form_model(schemas.DelegateIn, title=title, deadline=_day_end(deadline),
                      unit_id=int(unit_id) if unit_id.isdigit() else None, officer=officer,
                      site_id=int(site_id) if site_id.isdigit() else None)
    with session_scope() as db:
        task = service.delegate_task(db, who, task_id, data)
    return RedirectResponse(f"/sites/campaigns/{task.campaign_id}", status_code=303)


@router.post("/tasks/{task_id}/complete")
def task_complete(task_id: int, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        task = service.complete_task(db, who, task_id)
    return RedirectResponse(f"/sites/campaigns/{task.campaign_id}", status_code=303)


@router.get("/supervision")
def supervision(request: Request, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        view = service.supervision(db, who)
        names = {s["id"]: s["name"] for s in service.key_site_points(db)}
    return render(request, "sites/supervision.html", {**SECTION, **view, "names": names, "now": clock.now()})


@router.get("/inspections/{inspection_id}")
def inspection_form(request: Request, inspection_id: int, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        inspection = service.get_inspection(db, who, inspection_id)
        site = service.get_site(db, who, inspection.site_id)
        tpl = db.get(service.ChecklistTemplate, inspection.checklist_id)
        open_findings = service.site_findings(db, who, site.id, only_open=True)
        units = service.list_units(db, who)
    return render(request, "sites/inspection.html", {**SECTION, "inspection": inspection, "site": site,
                                                     "checklist": tpl, "items": service.checklist_items(tpl),
                                                     "answers": json.loads(inspection.answers),
                                                     "open_findings": open_findings, "units": units})


@router.post("/inspections/{inspection_id}")
async def inspection_submit(request: Request, inspection_id: int, who: Principal = Depends(current_principal)):
    form = await request.form()
    upload = form.get("f_file")
    data = await upload.read() if hasattr(upload, "read") else b""
    filename = getattr(upload, "filename", "") or ""
    if data:  # refuse a wrong or oversized file before anything is stored
        files.check(data, service.ATTACHMENT_KINDS, service.ATTACHMENT_MAX_BYTES, "attachment")
    findings = []
    if str(form.get("f_description") or "").strip():
        unit = str(form.get("f_unit") or "")
        findings.append(form_model(schemas.FindingIn, severity=form.get("f_severity") or "medium",
                                   description=form.get("f_description"), order_text=form.get("f_order") or "",
                                   responsible=form.get("f_responsible") or "",
                                   unit_id=int(unit) if unit.isdigit() else None,
                                   deadline=_day_end(str(form.get("f_deadline") or ""))))
    version = str(form.get("checklist_version") or "0")
    payload = form_model(schemas.InspectionSubmitIn,
                         checklist_version=int(version) if version.isdigit() else 0,
                         answers={k[7:]: v for k, v in form.items() if k.startswith("answer_")},
                         notes=form.get("notes") or "", findings=findings,
                         closes=[int(k[6:]) for k in form if k.startswith("close_") and k[6:].isdigit()])

    def store():
        with session_scope() as db:
            inspection, new = service.submit_inspection(db, who, inspection_id, payload)
            if data and new:
                db.flush()
                service.attach_file(db, who, new[0].id, filename, data)
            return inspection.site_id

    site_id = await run_in_threadpool(store)
    return RedirectResponse(f"/sites/{site_id}?inspected={inspection_id}", status_code=303)


@router.post("/findings/{finding_id}/files")
async def finding_upload(finding_id: int, file: UploadFile = File(...), who: Principal = Depends(current_principal)):
    data = await file.read(service.ATTACHMENT_MAX_BYTES + 1)

    def store():
        with session_scope() as db:
            service.attach_file(db, who, finding_id, file.filename or "", data)
            return service.get_finding(db, who, finding_id).site_id

    site_id = await run_in_threadpool(store)
    return RedirectResponse(f"/sites/{site_id}", status_code=303)


@router.get("/files/{file_id}")
def finding_file(file_id: int, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        row = service.get_file(db, who, file_id)
        return attachment(files.load(row.sha256), files.MEDIA_TYPES[row.kind], row.filename)


@router.get("/{site_id}")
def detail(request: Request, site_id: int, inspected: int | None = None,
           who: Principal = Depends(current_principal)):
    with session_scope() as db:
        site = service.get_site(db, who, site_id)
        cameras = service.list_cameras(db, who, site_id)
        findings = service.site_findings(db, who, site_id)
        attached = {f.id: service.finding_files(db, f.id) for f in findings}
        units = {u.id: u.name for u in service.list_units(db, who)}
    feature = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": json.loads(site.outline) if site.outline else
         {"type": "Point", "coordinates": [site.lon, site.lat]}, "properties": {"label": site.name}}] + [
        {"type": "Feature", "geometry": service.camera_wedge(c),
         "properties": {"label": f"camera {c.label} ({'working' if c.working else 'out of order'})",
                        "color": "#2e7d32" if c.working else "#c62828"}} for c in cameras]}
    return render(request, "sites/detail.html", {**SECTION, "site": site, "cameras": cameras, "findings": findings,
                                                 "attached": attached, "units": units, "features": feature,
                                                 "inspected": inspected, "types": geo.SITE_TYPES,
                                                 "now": clock.now()})


@router.post("/{site_id}/edit")
def site_edit(site_id: int, name: str = Form(""), type: str = Form(""), lat: float = Form(...),
              lon: float = Form(...), region: str = Form(""), contacts: str = Form(""),
              protective_measures: str = Form(""), who: Principal = Depends(current_principal)):
    with session_scope() as db:
        site = service.get_site(db, who, site_id)
        data = form_model(schemas.SiteIn, name=name, type=type, lat=lat, lon=lon, region=region, contacts=contacts,
                          protective_measures=protective_measures, unit_id=site.unit_id, osm_id=site.osm_id,
                          outline=json.loads(site.outline) if site.outline else None)
        service.update_site(db, who, site_id, data)
    return RedirectResponse(f"/sites/{site_id}", status_code=303)


@router.post("/{site_id}/cameras")
def camera_add(site_id: int, label: str = Form(""), lat: float = Form(...), lon: float = Form(...),
               bearing: int = Form(0), fov: int = Form(90), range_m: int = Form(30), working: bool = Form(False),
               who: Principal = Depends(current_principal)):
    data = form_model(schemas.CameraIn, label=label, lat=lat, lon=lon, bearing=bearing, fov=fov, range_m=range_m,
                      working=working)
    with session_scope() as db:
        service.add_camera(db, who, site_id, data)
    return RedirectResponse(f"/sites/{site_id}", status_code=303)


@router.post("/{site_id}/inspections")
def inspection_start(site_id: int, task_id: str = Form(""), who: Principal = Depends(current_principal)):
    data = form_model(schemas.InspectionStartIn, site_id=site_id, task_id=int(task_id) if task_id.isdigit() else None)
    with session_scope() as db:
        inspection = service.start_inspection(db, who, data)
    return RedirectResponse(f"/sites/inspections/{inspection.id}", status_code=303)
