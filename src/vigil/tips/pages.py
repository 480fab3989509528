"""Console pages: the public report page (/report, no login) and the officers' triage queue, tip detail,
volunteers and patrol shifts (/tips)."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from vigil.platform.config import get_settings
from vigil.platform.database import session_scope
from vigil.platform.errors import Problem
from vigil.platform.identity.principal import Principal
from vigil.tips import public, service
from vigil.tips.core import spam
from vigil.tips.schemas import (CATEGORY_LABELS, AnswerIn, CloseIn, LinkCase, LinkIncident, PublicTipIn, QuestionIn, RewardIn,
                                ShiftIn, VolunteerIn)
from vigil.web.downloads import stored_file
from vigil.web.forms import form_model
from vigil.web.security import current_principal
from vigil.web.templating import register_templates, render

register_templates(Path(__file__).parent / "templates")
router = APIRouter(include_in_schema=False)


# ---- public ------------------------------------------------------------------------------------------------------

def _report_form(request: Request, error: str | None = None, values: dict | None = None, status_code: int = 200):
    return render(request, "tips/report.html", {
        "categories": CATEGORY_LABELS, "form_token": spam.form_token(get_settings().resolved_secret_key()),
        "error": error, "values": values or {}}, status_code=status_code)


@router.get("/report")
def report_page(request: Request):
    return _report_form(request)


def _problem_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
    return getattr(exc, "detail", str(exc))


@router.post("/report")
async def report_submit(request: Request, category: str = Form(""), text: str = Form(""), place: str = Form(""),
                        contact: str = Form(""), website: str = Form(""), form_token: str = Form(""),
                        files: list[UploadFile] | None = None, key: str = Depends(public.gate)):
    values = {"category": category, "text": text, "place": place, "contact": contact}
    if website:  # the honeypot: people never see this field, robots fill it in; they get a thank-you and no tip
        return render(request, "tips/thanks.html", {"code": None})
    try:
        spam.check_form_token(get_settings().resolved_secret_key(), form_token)
        data = PublicTipIn(category=category, text=text, place=place or None, contact=contact or None)
    except (spam.Spam, ValidationError) as exc:
        return _report_form(request, _problem_text(exc), values, status_code=422)
    uploads = [await f.read(service.MAX_FILE_BYTES + 1) for f in (files or []) if f.filename]
    try:
        with public.admitted(key), session_scope() as db:
            tip, code = service.submit(db, data)
            for blob in uploads[:service.MAX_FILES_PER_TIP]:
                service.attach(db, code, blob)
    except Problem as exc:
        if exc.status == 429:
            raise
        return _report_form(request, exc.detail, values, status_code=exc.status)
    return render(request, "tips/thanks.html", {"code": code})


@router.get("/report/status")
def report_status(request: Request, code: str = "", key: str = Depends(public.gate)):
    tip, error = None, None
    if code:
        with session_scope() as db:
            try:
                tip = service.by_code(db, code)
                tip = {"status": tip.status, "category": CATEGORY_LABELS.get(tip.category, tip.category),
                       "questions": list(tip.questions)}
            except Problem as exc:
                error = exc.detail
    return render(request, "tips/status.html", {"tip": tip, "code": code, "error": error},
                  status_code=404 if error else 200)


@router.post("/report/answer")
def report_answer(request: Request, code: str = Form(""), question_id: int = Form(0), answer: str = Form(""),
                  key: str = Depends(public.gate)):
    data = form_model(AnswerIn, question_id=max(question_id, 1), answer=answer)
    with session_scope() as db:
        service.answer(db, code, data)
    return render(request, "tips/thanks.html", {"code": None, "answered": True})


# ---- officers ----------------------------------------------------------------------------------------------------

@router.get("/tips")
def queue(request: Request, status: str = "", who: Principal = Depends(current_principal)):
    with session_scope() as db:
        tips = service.list_tips(db, who, status or None)
        counts = service.counts(db, who)
    return render(request, "tips/queue.html", {"section": "tips", "tips": tips, "counts": counts, "status": status,
                                               "labels": CATEGORY_LABELS})


@router.get("/tips/volunteers")
def volunteer_list(request: Request, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        items = service.list_volunteers(db, who)
        shifts = service.list_shifts(db, who)
        names = {v.id: v.display_name for v in items}
    return render(request, "tips/volunteers.html", {"section": "tips", "volunteers": items, "shifts": shifts,
                                                    "names": names})


@router.post("/tips/volunteers")
def volunteer_create(request: Request, display_name: str = Form(""), phone: str = Form(""), email: str = Form(""),
                     area: str = Form(""), consent_text: str = Form(""), retention_days: int = Form(730),
                     who: Principal = Depends(current_principal)):
    data = form_model(VolunteerIn, display_name=display_name, phone=phone, email=email, area=area,
                      consent_text=consent_text, retention_days=retention_days)
    with session_scope() as db:
        item = service.create_volunteer(db, who, data)
    return RedirectResponse(f"/tips/volunteers/{item.id}", status_code=303)


@router.get("/tips/volunteers/{volunteer_id}")
def volunteer_detail(request: Request, volunteer_id: int, purpose: str | None = None,
                     who: Principal = Depends(current_principal)):
    contact, purpose_error = None, None
    with session_scope() as db:
        item = service.get_volunteer(db, who, volunteer_id)
        if purpose is not None:
            try:
                found = service.volunteer_contact(db, who, volunteer_id, purpose)
                contact = {"phone": found.phone, "email": found.email}
            except Problem as exc:
                purpose_error = exc.detail
        shifts = list(item.shifts)
    return render(request, "tips/volunteer.html", {"section": "tips", "v": item, "shifts": shifts,
                                                   "contact": contact, "purpose_error": purpose_error})


@router.post("/tips/volunteers/{volunteer_id}/shifts")
def shift_add(request: Request, volunteer_id: int, area: str = Form(""), starts_at: str = Form(""),
              hours: str = Form("3"), notes: str = Form(""), who: Principal = Depends(current_principal)):
    data = form_model(ShiftIn, area=area, starts_at=_local_time(starts_at), hours=hours, notes=notes or None)
    with session_scope() as db:
        service.add_shift(db, who, volunteer_id, data)
    return RedirectResponse(f"/tips/volunteers/{volunteer_id}", status_code=303)


def _local_time(value: str) -> str:
    """A datetime-local input (no zone) is taken as UTC, like every time the console shows."""
    try:
        return datetime.fromisoformat(value).replace(tzinfo=None).isoformat() + "Z" if value else value
    except ValueError:
        return value


@router.get("/tips/{tip_id}")
def tip_detail(request: Request, tip_id: int, purpose: str | None = None,
               who: Principal = Depends(current_principal)):
    contact, purpose_error = None, None
    with session_scope() as db:
        tip = service.get_tip(db, who, tip_id)
        if purpose is not None:
            try:
                contact = service.read_contact(db, who, tip_id, purpose)
            except Problem as exc:
                purpose_error = exc.detail
        view = {"tip": tip, "questions": list(tip.questions), "files": list(tip.files),
                "rewards": list(tip.rewards)}
    return render(request, "tips/detail.html", {"section": "tips", **view, "contact": contact,
                                                "purpose_error": purpose_error, "labels": CATEGORY_LABELS})


@router.post("/tips/{tip_id}/{action}")
def tip_action(request: Request, tip_id: int, action: str, incident_ref: str = Form(""), case_id: str = Form(""),
               question: str = Form(""), outcome: str = Form(""), amount: str = Form(""),
               currency: str = Form("EUR"), reason: str = Form(""), who: Principal = Depends(current_principal)):
    with session_scope() as db:
        if action == "link":
            data = (form_model(LinkCase, case_id=case_id) if case_id else
                    form_model(LinkIncident, incident_ref=incident_ref))
            service.link(db, who, tip_id, data)
        elif action == "incident":
            service.create_incident(db, who, tip_id)
        elif action == "ask":
            service.ask(db, who, tip_id, form_model(QuestionIn, question=question).question)
        elif action == "close":
            service.close(db, who, tip_id, form_model(CloseIn, outcome=outcome).outcome)
        elif action == "reward":
            cents = round(float(amount) * 100) if amount.replace(".", "", 1).isdigit() else 0
            service.reward(db, who, tip_id, form_model(RewardIn, amount_cents=cents, currency=currency.upper(),
                                                       reason=reason))
        else:
            raise Problem(404, f"No action {action}")
    return RedirectResponse(f"/tips/{tip_id}", status_code=303)


@router.get("/tips/{tip_id}/files/{file_id}")
def tip_file(tip_id: int, file_id: int, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        stored = service.tip_file(db, who, tip_id, file_id)
    return stored_file(stored, f"tip-{tip_id}-file-{file_id}.{stored.kind if stored.kind != 'text' else 'txt'}")
