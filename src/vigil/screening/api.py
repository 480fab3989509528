from __future__ import annotations

import dataclasses
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from fastapi import APIRouter, Depends, File, Request, Response, UploadFile
from starlette.concurrency import run_in_threadpool

from vigil.platform.database import session_scope
from vigil.platform.errors import BadRequest, Problem
from vigil.platform.identity.principal import Principal
from vigil.platform.pagination import Cursor, Limit, Page
from vigil.screening import service
from vigil.screening.core import DEFAULT_THRESHOLD
from vigil.screening.core.documents import validate_cn_ric
from vigil.screening.core.mrz import parse_mrz
from vigil.screening.schemas import (DocumentCheckIn, StolenCheckIn, DocumentHitOut, EntryIn, EntryOut, EntryPatch, ImportOut, MatchOut, MRZIn,
                                     ResultOut, ScreenIn, ScreenOut, WatchlistIn, WatchlistOut)
from vigil.web.security import current_principal, declared_purpose

router = APIRouter(prefix="/api/v1", tags=["screening"])


def result_out(r: service.RecordResult) -> ResultOut:
    return ResultOut(id=r.id, error=r.error,
                     matches=[MatchOut(**m.to_dict(), list_name=m.entry.list_name if m.entry else "")
                              for m in r.matches],
                     document_hits=[DocumentHitOut.model_validate(d) for d in r.document_hits])


@router.post("/screen", response_model=ScreenOut,
             description="Screen one record or a batch (`records`, up to 10,000) against every active watchlist "
                         "and the lost/stolen document list. Per-record problems come back as `error`.")
async def screen(data: ScreenIn, request: Request, who: Principal = Depends(current_principal)) -> Response:
    # One hop to a worker thread for the database and the matcher; the answer is serialised here and returned as
    # a Response, so FastAPI neither re-validates it nor takes a second thread hop to do so (a sync route costs two
    # hops, ~1 ms each on a busy 2-core machine, more than the screening itself).
    out = await run_in_threadpool(_screen, data, who, declared_purpose(request) or "")
    return Response(out.model_dump_json(), media_type="application/json")


def _screen(data: ScreenIn, who: Principal, purpose: str) -> ScreenOut:
    records = [service.RecordIn(**r.model_dump()) for r in data.batch()]
    results = service.screen_records_now(who, records, data.threshold, purpose)
    return ScreenOut(threshold=data.threshold if data.threshold is not None else DEFAULT_THRESHOLD,
                     results=[result_out(r) for r in results])


def watchlist_out(wl, count, latest) -> WatchlistOut:
    return WatchlistOut(id=wl.id, name=wl.name, kind=wl.kind, owner_agency_id=wl.owner_agency_id,
                        legal_basis=wl.legal_basis, entries=count, version=latest.number if latest else 0,
                        updated_at=latest.created_at if latest else None)


@router.get("/watchlists", response_model=list[WatchlistOut])
def watchlists(who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return [watchlist_out(*row) for row in service.list_watchlists(db, who)]


@router.post("/watchlists", response_model=WatchlistOut, status_code=201)
def create_watchlist(data: WatchlistIn, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        wl = service.create_watchlist(db, who, data.name, data.kind, data.legal_basis, data.description)
        return watchlist_out(wl, 0, None)


@contextmanager
def uploaded_folder(files: list[UploadFile]):
    """Uploaded list files in a private temp folder (OFAC is several files: sdn.csv, alt.csv, …)."""
    folder = Path(tempfile.mkdtemp(prefix="vigil-upload-"))
    try:
        for f in files:
            name = Path(f.filename or "upload").name or "upload"
            with (folder / name).open("wb") as out:
                shutil.copyfileobj(f.file, out)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def import_uploaded(db, who, watchlist_id: int, files: list[UploadFile]) -> service.ImportReport:
    if not files:
        raise BadRequest("Upload the list file(s) in the `files` field")
    wl = service.get_watchlist(db, watchlist_id)
    with uploaded_folder(files) as folder:
        target = folder if wl.kind == "ofac" else folder / Path(files[0].filename or "upload").name
        return service.import_list(db, who, watchlist_id, target, ", ".join(f.filename or "" for f in files))


def import_out(report: service.ImportReport) -> ImportOut:
    return ImportOut(version=report.version.number, added=len(report.added), changed=len(report.changed),
                     removed=len(report.removed), added_ids=report.added[:1000], row_errors=report.row_errors[:1000])


@router.post("/watchlists/{watchlist_id}/import", response_model=ImportOut,
             description="Replace the list's content with the uploaded file(s) as a new version (one transaction).")
def import_watchlist(watchlist_id: int, files: list[UploadFile] = File(...),
                     who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return import_out(import_uploaded(db, who, watchlist_id, files))


@router.get("/watchlists/{watchlist_id}/entries", response_model=Page[EntryOut],
            description="Personal data: requires X-Vigil-Purpose; audited.")
def entries(watchlist_id: int, request: Request, cursor: Cursor = None, limit: Limit() = 100,
            who: Principal = Depends(current_principal)):
    with session_scope() as db:
        _, rows, nxt = service.list_entries(db, who, watchlist_id, declared_purpose(request), cursor, limit)
        return Page[EntryOut](items=[EntryOut.model_validate(r) for r in rows], next_cursor=nxt)


@router.post("/watchlists/{watchlist_id}/entries", response_model=EntryOut, status_code=201)
def add_entry(watchlist_id: int, data: EntryIn, who: Principal = Depends(current_principal)):
    fields = data.model_dump()
    fields["aliases"], fields["id_numbers"] = tuple(data.aliases), tuple(data.id_numbers)
    with session_scope() as db:
        return EntryOut.model_validate(service.add_entry(db, who, watchlist_id, service.ManualEntry(**fields)))


@router.patch("/watchlists/entries/{entry_id}", response_model=EntryOut)
def edit_entry(entry_id: int, data: EntryPatch, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        row = service.edit_entry(db, who, entry_id, data.legal_basis, data.grounds, data.review_date,
                                 tuple(data.aliases) if data.aliases is not None else None)
        return EntryOut.model_validate(row)


@router.delete("/watchlists/entries/{entry_id}", response_model=EntryOut)
def remove_entry(entry_id: int, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return EntryOut.model_validate(service.remove_entry(db, who, entry_id))


@router.post("/documents/mrz", description="Parse an ICAO 9303 MRZ (TD1/TD2/TD3), verify every check digit, and "
                                           "look the document up in the lost/stolen list.")
def mrz(data: MRZIn, who: Principal = Depends(current_principal)):
    from vigil.platform import policy

    policy.require(who, "screening.run")
    try:
        parsed = parse_mrz(data.mrz)
    except ValueError as exc:
        raise BadRequest(f"Not a machine-readable zone: {exc}") from None
    with session_scope() as db:
        hits = service.find_lost_documents(db, parsed.document_number, parsed.issuing_country)
        return {**dataclasses.asdict(parsed), "valid": parsed.valid,
                "lost_or_stolen": [DocumentHitOut.model_validate(h).model_dump() for h in hits]}


@router.post("/documents/check")
def check_document(data: DocumentCheckIn, who: Principal = Depends(current_principal)):
    from vigil.platform import policy

    policy.require(who, "screening.run")
    out: dict = {"number": data.number}
    if data.country.upper() in ("CN", "CHN") and len(data.number.strip()) == 18:
        out["cn_resident_id"] = validate_cn_ric(data.number)
    with session_scope() as db:
        out["lost_or_stolen"] = [DocumentHitOut.model_validate(h).model_dump()
                                 for h in service.find_lost_documents(db, data.number, data.country or None)]
    return out


@router.post("/documents/lost/import")
def import_lost(files: list[UploadFile] = File(...), who: Principal = Depends(current_principal)):
    with session_scope() as db, uploaded_folder(files[:1]) as folder:
        count, errors = service.import_lost_documents(db, who, folder / Path(files[0].filename or "upload").name,
                                                      files[0].filename or "upload")
        return {"imported": count, "row_errors": errors[:1000]}


@router.post("/stolen-property/import",
             description="Add reported stolen items from a CSV (kind,number[,description,reported_date]; kind = serial, "
                         "imei or vin); records held in retention are re-checked against the new numbers. A file "
                         "that cannot be used imports nothing: 422 with the reason in `errors`.")
def import_stolen_property(file: UploadFile = File(...), who: Principal = Depends(current_principal)):
    from vigil.platform import policy

    policy.require(who, "watchlist.manage")
    with session_scope() as db, uploaded_folder([file]) as folder:
        name = Path(file.filename or "upload").name or "upload"
        try:
            count, errors = service.import_stolen_property(db, who, folder / name, name)
        except BadRequest as exc:  # the file's content, which no schema can state: nothing imported, and why
            raise Problem(422, "The file was not imported", extra={"errors": [exc.detail]}) from None
        return {"imported": count, "row_errors": errors[:1000]}


@router.post("/stolen-property/check", description="Is this serial, IMEI or VIN reported stolen?")
def check_stolen_property(data: StolenCheckIn, who: Principal = Depends(current_principal)):
    from vigil.platform import policy

    policy.require(who, "screening.run")
    with session_scope() as db:
        return {"number": data.number, "stolen": [
            {"kind": s.kind, "number": s.number, "description": s.description, "reported_date": s.reported_date,
             "source": s.source} for s in service.find_stolen_property(db, data.number)]}
