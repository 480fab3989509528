"""Tip-line API: the public part under /api/v1/public/tips (no login) and the officers' part under /api/v1/tips
and /api/v1/volunteers."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Path, Query, Request, UploadFile

from vigil.platform import files
from vigil.platform.database import session_scope
from vigil.platform.identity.principal import Principal
from vigil.tips import public, service
from vigil.tips.schemas import (AnswerIn, CloseIn, ContactOut, FileOut, IncidentCreatedOut, LinkIn, PublicStatusOut,
                                PublicTipIn, PublicTipOut, QuestionIn, QuestionOut, RewardIn, RewardOut, ShiftIn,
                                ShiftOut, ShiftStatusIn, TipOut, TipStatus, TipSummary, VolunteerContactOut, When,
                                VolunteerIn, VolunteerOut)
from vigil.web.downloads import stored_file
from vigil.web.security import current_principal, declared_purpose

router = APIRouter()
Id = Annotated[int, Path(ge=1, le=2_147_483_647)]  # database ids are 32-bit
open_api = APIRouter(prefix="/api/v1/public/tips", tags=["public tip line"])
officers = APIRouter(prefix="/api/v1/tips", tags=["tips"])
volunteers = APIRouter(prefix="/api/v1/volunteers", tags=["volunteers"])


@open_api.post("", response_model=PublicTipOut, status_code=201, 
               description="Report a crime or a danger, without logging in. Keep the returned code: it shows the "
                           "report's status and the officers' questions. No network address is stored.")
def submit(data: PublicTipIn, key: str = Depends(public.gate)):
    with public.admitted(key), session_scope() as db:
        tip, code = service.submit(db, data)
        return PublicTipOut(code=code, status=tip.status)


def _status(tip) -> PublicStatusOut:
    return PublicStatusOut(status=tip.status, category=tip.category, created_at=tip.created_at,
                           questions=[QuestionOut.model_validate(q) for q in tip.questions])


@open_api.get("/{code}", response_model=PublicStatusOut,
              description="The report's status and the officers' questions (answer them below).")
def status(code: str, key: str = Depends(public.gate)):
    with session_scope() as db:
        return _status(service.by_code(db, code))


@open_api.post("/{code}/answers", response_model=QuestionOut)
def answer(code: str, data: AnswerIn, key: str = Depends(public.gate)):
    with session_scope() as db:
        return QuestionOut.model_validate(service.answer(db, code, data))


@open_api.post("/{code}/files", response_model=FileOut, status_code=201,
               description="Attach a photo (PNG, JPEG, GIF, WebP), a PDF or a plain-text file; the type is read "
                           "from the content, not the name.")
async def attach(code: str, file: UploadFile = File(...), key: str = Depends(public.gate)):
    data = await file.read(service.MAX_FILE_BYTES + 1)
    with session_scope() as db:
        return FileOut.model_validate(service.attach(db, code, data))


# ---- officers ----------------------------------------------------------------------------------------------------

@officers.get("", response_model=list[TipSummary])
def list_tips(status: TipStatus | None = None, limit: int = Query(100, ge=1, le=500),
              who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return [TipSummary.model_validate(t) for t in service.list_tips(db, who, status, limit)]


def _tip_out(tip) -> TipOut:
    return TipOut.model_validate({**{c: getattr(tip, c) for c in TipOut.model_fields if hasattr(tip, c)},
                                  "has_contact": bool(tip.contact),
                                  "questions": [QuestionOut.model_validate(q) for q in tip.questions],
                                  "files": [FileOut.model_validate(f) for f in tip.files],
                                  "rewards": [RewardOut.model_validate(r) for r in tip.rewards]})


@officers.get("/{tip_id}", response_model=TipOut)
def get_tip(tip_id: Id, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return _tip_out(service.get_tip(db, who, tip_id))


@officers.post("/{tip_id}/link", response_model=TipOut)
def link(tip_id: Id, data: LinkIn, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return _tip_out(service.link(db, who, tip_id, data))


@officers.post("/{tip_id}/incident", response_model=IncidentCreatedOut, status_code=201,
               description="404 when there is no such tip or rapid response is not installed.")
def create_incident(tip_id: Id, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return IncidentCreatedOut(incident_ref=service.create_incident(db, who, tip_id))


@officers.post("/{tip_id}/questions", response_model=QuestionOut, status_code=201)
def ask(tip_id: Id, data: QuestionIn, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return QuestionOut.model_validate(service.ask(db, who, tip_id, data.question))


@officers.post("/{tip_id}/close", response_model=TipOut)
def close(tip_id: Id, data: CloseIn, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return _tip_out(service.close(db, who, tip_id, data.outcome))


@officers.post("/{tip_id}/rewards", response_model=RewardOut, status_code=201)
def reward(tip_id: Id, data: RewardIn, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return RewardOut.model_validate(service.reward(db, who, tip_id, data))


@officers.get("/{tip_id}/contact", response_model=ContactOut,
              description="Personal data: requires the X-Vigil-Purpose header (or ?purpose=); the read is audited.")
def contact(tip_id: Id, request: Request, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return ContactOut(id=tip_id, contact=service.read_contact(db, who, tip_id, declared_purpose(request)))


@officers.get("/{tip_id}/files/{file_id}", responses={200: {"content": {t: {} for t in sorted(
    set(files.MEDIA_TYPES.values()))}}})
def download(tip_id: Id, file_id: Id, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        stored = service.tip_file(db, who, tip_id, file_id)
    return stored_file(stored, f"tip-{tip_id}-file-{file_id}.{stored.kind if stored.kind != 'text' else 'txt'}")


# ---- volunteers ---------------------------------------------------------------------------------------------------

@volunteers.get("", response_model=list[VolunteerOut])
def list_volunteers(who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return [VolunteerOut.model_validate(v) for v in service.list_volunteers(db, who)]


@volunteers.post("", response_model=VolunteerOut, status_code=201)
def create_volunteer(data: VolunteerIn, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return VolunteerOut.model_validate(service.create_volunteer(db, who, data))


@volunteers.get("/shifts", response_model=list[ShiftOut])
def list_shifts(start: When | None = None, end: When | None = None,
                who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return [ShiftOut.model_validate(s) for s in service.list_shifts(db, who, start, end)]


@volunteers.post("/shifts/{shift_id}/status", response_model=ShiftOut)
def shift_status(shift_id: Id, data: ShiftStatusIn, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return ShiftOut.model_validate(service.set_shift_status(db, who, shift_id, data.status))


@volunteers.get("/{volunteer_id}", response_model=VolunteerOut)
def get_volunteer(volunteer_id: Id, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return VolunteerOut.model_validate(service.get_volunteer(db, who, volunteer_id))


@volunteers.get("/{volunteer_id}/contact", response_model=VolunteerContactOut,
                description="Personal data: requires the X-Vigil-Purpose header (or ?purpose=); audited.")
def volunteer_contact(volunteer_id: Id, request: Request, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return VolunteerContactOut.model_validate(
            service.volunteer_contact(db, who, volunteer_id, declared_purpose(request)))


@volunteers.post("/{volunteer_id}/shifts", response_model=ShiftOut, status_code=201)
def add_shift(volunteer_id: Id, data: ShiftIn, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return ShiftOut.model_validate(service.add_shift(db, who, volunteer_id, data))


router.include_router(open_api)
router.include_router(officers)
router.include_router(volunteers)
