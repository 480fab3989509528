"""Console: events and their security plans, register editing, CARVER + Shock, accreditation review, reports."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from vigil.platform import policy
from vigil.platform.database import session_scope
from vigil.platform.errors import Problem
from vigil.platform.identity.principal import Principal
from vigil.risk import report, schemas, service
from vigil.risk.core import scoring
from vigil.sites import service as sites
from vigil.web.downloads import attachment
from vigil.web.forms import form_model
from vigil.web.security import current_principal
from vigil.web.templating import register_templates, render

register_templates(Path(__file__).parent / "templates")
router = APIRouter(prefix="/risk", include_in_schema=False)
SECTION = {"section": "risk"}


def _day(text: str, hour: int = 0) -> datetime | None:
    try:
        day = datetime.fromisoformat(text[:10]).date()
    except ValueError:
        return None
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.utc)


def _refs(text: str) -> list[str]:
    return [r.strip() for r in text.replace("\n", ",").split(",") if r.strip()]


@router.get("")
def index(request: Request, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        events = service.list_events(db, who)
        levels = service.site_levels(db, who)
        names = {p["id"]: p for p in sites.key_site_points(db)}
    assessed = sorted(((names[i], lvl) for i, lvl in levels.items() if i in names),
                      key=lambda x: -("low", "medium", "high", "extreme").index(x[1]))
    return render(request, "risk/index.html", {**SECTION, "events": events, "assessed": assessed,
                                               "colors": scoring.LEVEL_COLORS,
                                               "can_manage": policy.allowed(who, "events.manage")})


@router.post("/events")
def event_create(name: str = Form(""), description: str = Form(""), starts: str = Form(""), ends: str = Form(""),
                 who: Principal = Depends(current_principal)):
    data = form_model(schemas.EventIn, name=name, description=description, starts_at=_day(starts),
                      ends_at=_day(ends, 23))
    with session_scope() as db:
        event = service.create_event(db, who, data)
    return RedirectResponse(f"/risk/events/{event.id}", status_code=303)


def _register_context(db, who, entries, carver) -> dict:
    rated = [scoring.Rated(e.likelihood, e.impact, e.residual_likelihood, e.residual_impact) for e in entries]
    links = {e.id: service.threat_refs(db, who, json.loads(e.stix_refs)) for e in entries}
    return {"register": [service.risk_out(e) for e in entries], "links": links, "carver": carver,
            "inherent": report.matrix_rows(entries, False), "residual": report.matrix_rows(entries, True),
            "worst": scoring.worst_level(rated), "colors": scoring.LEVEL_COLORS,
            "can_write": policy.allowed(who, "risk.write")}


@router.get("/events/{event_id}")
def event_detail(request: Request, event_id: int, purpose: str | None = None,
                 who: Principal = Depends(current_principal)):
    people, hits, purpose_error = None, {}, None
    with session_scope() as db:
        event = service.get_event(db, who, event_id)
        out = service.event_out(event)
        venues = [sites.get_site(db, who, sid) for sid in out.venue_site_ids]
        ctx = _register_context(db, who, service.register(db, who, event_id=event.id),
                                service.carver_scores(db, who, event_id=event.id))
        threats, hidden = service.threat_refs(db, who, out.stix_refs)
        summary = service.accreditation_summary(db, who, event.id)
        units = {u.id: u.name for u in sites.list_units(db, who)}
        if purpose is not None:
            try:
                people = service.accreditations(db, who, event.id, purpose)
                hits = service.hits_of(db, [p.id for p in people])
            except Problem as exc:
                purpose_error = exc.detail
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [v.lon, v.lat]},
                 "properties": {"label": v.name, "color": "#1f5fa8"}} for v in venues]
    features += [{"type": "Feature", "geometry": r["geometry"], "properties": {"label": r["name"], "color": "#6a1b9a"}}
                 for r in out.routes]
    features += [{"type": "Feature", "geometry": p["geometry"], "properties": {"label": p["name"], "color": "#c62828"}}
                 for p in out.perimeters]
    return render(request, "risk/event.html", {**SECTION, **ctx, "event": out, "venues": venues,
                                               "threats": threats, "hidden": hidden, "summary": summary,
                                               "units": units, "people": people, "hits": hits, "purpose": purpose,
                                               "purpose_error": purpose_error,
                                               "features": {"type": "FeatureCollection", "features": features},
                                               "target": {"event_id": event.id}})


@router.get("/sites/{site_id}")
def site_register(request: Request, site_id: int, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        site = sites.get_site(db, who, site_id)
        ctx = _register_context(db, who, service.register(db, who, site_id=site.id),
                                service.carver_scores(db, who, site_id=site.id))
    return render(request, "risk/site.html", {**SECTION, **ctx, "site": site, "target": {"site_id": site.id}})


def _back(site_id: int | None, event_id: int | None) -> RedirectResponse:
    return RedirectResponse(f"/risk/sites/{site_id}" if site_id else f"/risk/events/{event_id}", status_code=303)


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def _risk_form(site_id: str, event_id: str, threat: str, description: str, stix_refs: str, likelihood: int,
               impact: int, controls: str, residual_likelihood: int, residual_impact: int,
               owner: str) -> schemas.RiskIn:
    return form_model(schemas.RiskIn, site_id=_int(site_id), event_id=_int(event_id), threat=threat,
                      description=description, stix_refs=_refs(stix_refs), likelihood=likelihood, impact=impact,
                      controls=controls, residual_likelihood=residual_likelihood, residual_impact=residual_impact,
                      owner=owner)


@router.post("/entries")
def entry_add(site_id: str = Form(""), event_id: str = Form(""), threat: str = Form(""),
              description: str = Form(""), stix_refs: str = Form(""), likelihood: int = Form(3),
              impact: int = Form(3), controls: str = Form(""), residual_likelihood: int = Form(2),
              residual_impact: int = Form(2), owner: str = Form(""), who: Principal = Depends(current_principal)):
    data = _risk_form(site_id, event_id, threat, description, stix_refs, likelihood, impact, controls,
                      residual_likelihood, residual_impact, owner)
    with session_scope() as db:
        service.add_risk(db, who, data)
    return _back(data.site_id, data.event_id)


@router.post("/entries/{entry_id}")
def entry_update(entry_id: int, site_id: str = Form(""), event_id: str = Form(""), threat: str = Form(""),
                 description: str = Form(""), stix_refs: str = Form(""), likelihood: int = Form(3),
                 impact: int = Form(3), controls: str = Form(""), residual_likelihood: int = Form(2),
                 residual_impact: int = Form(2), owner: str = Form(""),
                 who: Principal = Depends(current_principal)):
    data = _risk_form(site_id, event_id, threat, description, stix_refs, likelihood, impact, controls,
                      residual_likelihood, residual_impact, owner)
    with session_scope() as db:
        service.update_risk(db, who, entry_id, data)
    return _back(data.site_id, data.event_id)


@router.post("/entries/{entry_id}/delete")
def entry_delete(entry_id: int, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        entry = service.get_risk(db, who, entry_id)
        site_id, event_id = entry.site_id, entry.event_id
        service.delete_risk(db, who, entry_id)
    return _back(site_id, event_id)


@router.post("/carver")
def carver_add(site_id: str = Form(""), event_id: str = Form(""), target: str = Form(""),
               criticality: int = Form(5), accessibility: int = Form(5), recuperability: int = Form(5),
               vulnerability: int = Form(5), effect: int = Form(5), recognizability: int = Form(5),
               shock: int = Form(5), who: Principal = Depends(current_principal)):
    data = form_model(schemas.CarverIn, site_id=_int(site_id), event_id=_int(event_id), target=target,
                      criticality=criticality, accessibility=accessibility, recuperability=recuperability,
                      vulnerability=vulnerability, effect=effect, recognizability=recognizability, shock=shock)
    with session_scope() as db:
        service.add_carver(db, who, data)
    return _back(data.site_id, data.event_id)


@router.post("/events/{event_id}/accreditations")
async def accreditation_upload(request: Request, event_id: int, file: UploadFile = File(...),
                               purpose: str = Form(""), who: Principal = Depends(current_principal)):
    data = await file.read(1_000_001)
    if len(data) > 1_000_000:
        raise Problem(413, "The file is over 1,000,000 bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise service.Invalid("The file is not UTF-8 text") from None

    def store():
        with session_scope() as db:
            return service.import_accreditations(db, who, event_id, text, purpose)

    try:
        result = await run_in_threadpool(store)
    except service.Invalid as exc:
        return render(request, "risk/accreditation_result.html", {**SECTION, "error": exc.detail, "event_id": event_id,
                                                                  "errors": exc.extra.get("errors", [])},
                      status_code=422)
    return render(request, "risk/accreditation_result.html", {**SECTION, "result": result, "event_id": event_id})


@router.post("/hits/{hit_id}/decision")
def hit_decide(hit_id: int, decision: str = Form(""), reason: str = Form(""), event_id: int = Form(...),
               purpose: str = Form(""), who: Principal = Depends(current_principal)):
    data = form_model(schemas.DecisionIn, decision=decision, reason=reason)
    with session_scope() as db:
        service.decide_hit(db, who, hit_id, data)
    return RedirectResponse(f"/risk/events/{event_id}?purpose={quote(purpose)}#people", status_code=303)


@router.get("/events/{event_id}/report.pdf")
def event_pdf(event_id: int, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        _, pdf = report.event_pdf(db, who, event_id)
    return attachment(pdf, "application/pdf", f"event-{event_id}-risk-report.pdf")
