from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from vigil.cases import service
from vigil.cases.schemas import CaseIn, SubjectIn
from vigil.platform.database import session_scope
from vigil.platform.errors import Problem
from vigil.platform.identity.principal import Principal
from vigil.web.forms import form_model
from vigil.web.security import current_principal
from vigil.web.templating import register_templates, render

register_templates(Path(__file__).parent / "templates")
router = APIRouter(prefix="/cases", include_in_schema=False)


@router.get("")
def case_list(request: Request, cursor: str | None = None, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        rows, nxt = service.list_cases(db, who, cursor, 50)
    return render(request, "cases/list.html", {"section": "cases", "cases": rows, "next_cursor": nxt})


@router.post("")
def case_create(request: Request, title: str = Form(""), summary: str = Form(""), legal_basis: str = Form(""),
                restricted: bool = Form(False), classification: int = Form(0),
                who: Principal = Depends(current_principal)):
    data = form_model(CaseIn, title=title, summary=summary, legal_basis=legal_basis, restricted=restricted,
                      classification=classification)
    with session_scope() as db:
        case = service.create_case(db, who, data)
    return RedirectResponse(f"/cases/{case.id}", status_code=303)


@router.get("/{case_id}")
def case_detail(request: Request, case_id: int, purpose: str | None = None,
                who: Principal = Depends(current_principal)):
    subjects, purpose_error = None, None
    with session_scope() as db:
        case = service.get_case(db, who, case_id)
        if purpose is not None:
            try:
                subjects = service.read_subjects(db, who, case_id, purpose)
            except Problem as exc:
                purpose_error = exc.detail
    return render(request, "cases/detail.html", {"section": "cases", "case": case, "subjects": subjects,
                                                 "purpose": purpose, "purpose_error": purpose_error})


@router.post("/{case_id}/subjects")
def subject_add(request: Request, case_id: int, full_name: str = Form(""), date_of_birth: str = Form(""),
                nationality: str = Form(""), document_number: str = Form(""), involvement: str = Form("subject"),
                who: Principal = Depends(current_principal)):
    data = form_model(SubjectIn, full_name=full_name, date_of_birth=date_of_birth, nationality=nationality.upper(),
                      document_number=document_number, involvement=involvement)
    with session_scope() as db:
        service.add_subject(db, who, case_id, data)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)
