"""Console: screen a name, upload a CSV of records, check a travel document, manage watchlists."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from starlette.concurrency import run_in_threadpool

from vigil.platform.database import session_scope
from vigil.platform import policy
from vigil.platform.errors import BadRequest, NotFound, Problem
from vigil.platform.identity.principal import Principal
from vigil.screening import service, uploads
from vigil.screening.api import import_uploaded, uploaded_folder
from vigil.screening.core import DEFAULT_THRESHOLD
from vigil.screening.core.mrz import parse_mrz
from vigil.web.security import current_principal
from vigil.web.templating import register_templates, render

register_templates(Path(__file__).parent / "templates")
router = APIRouter(prefix="/screening", include_in_schema=False)
MAX_CSV_ROWS = 10_000


@router.get("")
def screening_home(request: Request, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        lists = service.list_watchlists(db, who)
    return render(request, "screening/home.html", {"section": "screening", "lists": lists,
                                                   "threshold": DEFAULT_THRESHOLD})


@router.post("/check")
def check_name(request: Request, name: str = Form(""), dob: str = Form(""), nationality: str = Form(""),
               id_number: str = Form(""), purpose: str = Form(""), who: Principal = Depends(current_principal)):
    with session_scope() as db:
        results = service.screen_records(db, who, [service.RecordIn("form", name, dob, nationality, id_number)],
                                         purpose=purpose)
    return render(request, "screening/_results.html", {"results": [uploads.result_view(r) for r in results],
                                                       "single": True})


def read_records(upload: bytes) -> tuple[list[service.RecordIn], list[str]]:
    """CSV with header `id,name[,dob,nationality,id_number]`; bad rows are reported with their line number."""
    try:
        text = upload.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadRequest("The CSV file is not UTF-8 text") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames or not {"id", "name"} <= {f.strip().lower() for f in reader.fieldnames}:
        raise BadRequest("The CSV needs a header row with at least the columns id,name")
    records, errors = [], []
    for row in reader:
        row = {(k or "").strip().lower(): (v or "") for k, v in row.items() if isinstance(v, str)}
        if len(records) >= MAX_CSV_ROWS:
            raise BadRequest(f"At most {MAX_CSV_ROWS} rows in the console; use `vigil screen` for bigger files")
        if not row.get("name", "").strip():
            errors.append(f"line {reader.line_num}: name is empty")
        records.append(service.RecordIn(row.get("id", ""), row.get("name", ""), row.get("dob", ""),
                                        row.get("nationality", ""), row.get("id_number", "")))
    return records, errors


INLINE_ROWS = 200  # files up to this many rows are screened within the upload request; bigger ones as a job


def _screen_small(records: list[service.RecordIn], who: Principal, purpose: str):
    with session_scope() as db:
        return service.screen_records(db, who, records, purpose=purpose)


@router.post("/upload")
async def upload_csv(request: Request, file: UploadFile = File(...), purpose: str = Form(""),
                     who: Principal = Depends(current_principal)):
    # Parsing and screening take up to seconds: on worker threads, so that the event loop keeps serving other
    # requests.  A big file becomes a job that the page polls for its progress (uploads.py).
    policy.require(who, "screening.run")
    records, errors = await run_in_threadpool(read_records, await file.read())
    if len(records) > INLINE_ROWS:
        try:
            job_id = await run_in_threadpool(uploads.start, who, records, errors, purpose)
        except uploads.TooManyJobs:
            raise Problem(503, "Too many files are being screened right now; try again in a minute") from None
        return render(request, "screening/_upload_progress.html", {"job_id": job_id, "done": 0,
                                                                    "total": len(records)})
    results = await run_in_threadpool(_screen_small, records, who, purpose)
    alerts = [uploads.result_view(r) for r in results if r.matches or r.document_hits]
    return _batch_results(request, alerts, len(results), errors)


@router.get("/upload/{job_id}")
def upload_progress(request: Request, job_id: str, who: Principal = Depends(current_principal)):
    job = uploads.poll(job_id, who)
    if job is None:
        if request.headers.get("hx-request"):  # shown in place of the progress bar, which stops polling
            return render(request, "screening/_upload_progress.html", {"gone": True})
        raise NotFound("No such screening job: it finished and was shown already, expired, or is not yours")
    if job["status"] == "failed":
        return render(request, "screening/_upload_progress.html", {"error": job["error"]})
    if job["status"] == "running":
        return render(request, "screening/_upload_progress.html", {"job_id": job_id, "done": job["done"],
                                                                    "total": job["total"]})
    return _batch_results(request, job["alerts"], job["total"], job["row_errors"])


def _batch_results(request: Request, alerts: list[dict], total: int, errors: list[str]):
    """A file's alerts (``uploads.result_view``) among ``total`` records, with its row errors."""
    return render(request, "screening/_results.html", {"results": alerts, "single": False, "total": total,
                                                       "row_errors": errors})


@router.post("/mrz")
def check_mrz(request: Request, mrz: str = Form(""), who: Principal = Depends(current_principal)):
    policy.require(who, "screening.run")
    try:
        parsed, error = parse_mrz(mrz), None
    except ValueError as exc:
        parsed, error = None, str(exc)
    hits = []
    if parsed:
        with session_scope() as db:
            hits = service.find_lost_documents(db, parsed.document_number, parsed.issuing_country)
    return render(request, "screening/_mrz.html", {"mrz": parsed, "error": error, "hits": hits})


@router.get("/watchlists")
def watchlists_page(request: Request, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        lists = service.list_watchlists(db, who)
        due = service.count_due_for_review(db)
    return render(request, "screening/watchlists.html", {"section": "screening", "lists": lists, "due": due,
                                                         "today": date.today()})


@router.post("/watchlists")
def watchlist_create(request: Request, name: str = Form(""), kind: str = Form("manual"),
                     legal_basis: str = Form(""), who: Principal = Depends(current_principal)):
    from fastapi.responses import RedirectResponse

    with session_scope() as db:
        service.create_watchlist(db, who, name, kind, legal_basis)
    return RedirectResponse("/screening/watchlists", status_code=303)


@router.post("/watchlists/{watchlist_id}/import")
def watchlist_import(request: Request, watchlist_id: int, files: list[UploadFile] = File(...),
                     who: Principal = Depends(current_principal)):
    with session_scope() as db:
        report = import_uploaded(db, who, watchlist_id, files)
        version = report.version.number
    return render(request, "screening/_import.html", {"report": report, "version": version})


@router.get("/watchlists/{watchlist_id}")
def watchlist_detail(request: Request, watchlist_id: int, purpose: str | None = None, cursor: str | None = None,
                     who: Principal = Depends(current_principal)):
    rows, nxt, error = None, None, None
    with session_scope() as db:
        wl = service.get_watchlist(db, watchlist_id)
        if purpose is not None:
            try:
                _, rows, nxt = service.list_entries(db, who, watchlist_id, purpose, cursor, 100)
            except Problem as exc:
                error = exc.detail
    return render(request, "screening/watchlist.html", {"section": "screening", "wl": wl, "entries": rows,
                                                        "next_cursor": nxt, "purpose": purpose, "error": error,
                                                        "today": date.today()})


@router.post("/watchlists/entries/{entry_id}/edit")
def entry_edit(request: Request, entry_id: int, legal_basis: str = Form(""), grounds: str = Form(""),
               review_date: str = Form(""), who: Principal = Depends(current_principal)):
    from fastapi.responses import RedirectResponse

    from vigil.screening.schemas import EntryPatch
    from vigil.web.forms import form_model

    data = form_model(EntryPatch, legal_basis=legal_basis or None, grounds=grounds or None,
                      review_date=review_date or None)
    with session_scope() as db:
        row = service.edit_entry(db, who, entry_id, data.legal_basis, data.grounds, data.review_date)
        target = f"/screening/watchlists/{row.watchlist_id}?purpose=entry+maintenance"
    return RedirectResponse(target, status_code=303)


@router.post("/watchlists/entries/{entry_id}/remove")
def entry_remove(request: Request, entry_id: int, who: Principal = Depends(current_principal)):
    from fastapi.responses import RedirectResponse

    with session_scope() as db:
        row = service.remove_entry(db, who, entry_id)
        target = f"/screening/watchlists/{row.watchlist_id}?purpose=entry+maintenance"
    return RedirectResponse(target, status_code=303)


@router.post("/watchlists/{watchlist_id}/entries")
def entry_add(request: Request, watchlist_id: int, name: str = Form(""), aliases: str = Form(""),
              dob: str = Form(""), nationality: str = Form(""), id_numbers: str = Form(""),
              legal_basis: str = Form(""), grounds: str = Form(""), review_date: str = Form(""),
              who: Principal = Depends(current_principal)):
    from fastapi.responses import RedirectResponse

    from vigil.screening.schemas import EntryIn
    from vigil.web.forms import form_model

    data = form_model(EntryIn, name=name, aliases=[a for a in aliases.split(";") if a.strip()], dob=dob,
                      nationality=nationality, id_numbers=[n for n in id_numbers.split(";") if n.strip()],
                      legal_basis=legal_basis, grounds=grounds, review_date=review_date or None)
    fields = data.model_dump()
    fields["aliases"], fields["id_numbers"] = tuple(data.aliases), tuple(data.id_numbers)
    with session_scope() as db:
        service.add_entry(db, who, watchlist_id, service.ManualEntry(**fields))
    return RedirectResponse("/screening/watchlists", status_code=303)


__all__ = ["router", "uploaded_folder"]
