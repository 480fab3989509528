"""Console CSV screening as a background job with progress.

A file of up to 10,000 rows takes seconds to screen.  The console starts a job, then polls it: each poll answers
with the progress so far, and the last one with the alerts.  The job's state lives in the database
(``UploadJob``), so a poll may reach any server process; the screening itself runs on a worker thread of the process
that received the file.  The alerts are personal data: the uploader fetches them once and they are deleted, and a job
nobody fetches is deleted ``KEEP_SECONDS`` after it ended.  Only the user who started a job can poll it.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import delete, func, select, update

from vigil.platform.database import session_scope
from vigil.platform.errors import Problem
from vigil.platform.identity.principal import Principal
from vigil.screening import service
from vigil.screening.models import UploadJob

KEEP_SECONDS = 600
STALLED_SECONDS = 300  # a running job silent this long lost its process (a restart): reported as failed
MAX_RUNNING = 20  # jobs running or queued at once, over all users
PROGRESS_STEP = 100  # records between progress updates

# One worker per process: uploads queue behind each other rather than share the cores with the API's
# single-record screening.
_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="screening-upload")
log = logging.getLogger(__name__)


class TooManyJobs(Exception):
    pass


def start(actor: Principal, records: list[service.RecordIn], row_errors: list[str], purpose: str) -> str:
    """Queue ``records`` for screening as ``actor``; returns the job's id."""
    now = time.time()
    job_id = secrets.token_urlsafe(18)
    with session_scope() as db:
        _purge(db, now)
        running = db.scalar(select(func.count()).select_from(UploadJob).where(UploadJob.status == "running"))
        if running >= MAX_RUNNING:
            raise TooManyJobs()
        db.add(UploadJob(id=job_id, owner_user_id=actor.user_id, status="running", total=len(records), done=0,
                         error="", row_errors=json.dumps(row_errors), alerts="[]", started_at=now, updated_at=now))
    _executor.submit(_run, job_id, actor, records, purpose)
    return job_id


def poll(job_id: str, actor: Principal) -> dict | None:
    """The job as the page shows it, if ``actor`` started it and it is still kept: status, done, total, error, and
    when done the alerts and row errors -- handed out once, then deleted."""
    with session_scope() as db:
        _purge(db, time.time())
        job = db.get(UploadJob, job_id)
        if job is None or job.owner_user_id != actor.user_id:
            return None
        out = {"status": job.status, "done": job.done, "total": job.total, "error": job.error}
        if job.status == "running" and time.time() - job.updated_at > STALLED_SECONDS:
            out.update(status="failed", error="The screening stopped (the server restarted); upload the file again")
        if out["status"] != "running":
            out.update(alerts=json.loads(job.alerts), row_errors=json.loads(job.row_errors))
            db.delete(job)
        return out


def _run(job_id: str, actor: Principal, records: list[service.RecordIn], purpose: str) -> None:
    def progress(done: int) -> None:
        with session_scope() as db:
            db.execute(update(UploadJob).where(UploadJob.id == job_id).values(done=done, updated_at=time.time()))

    try:
        with session_scope() as db:  # the alerts are stored in the transaction that audits the screening
            results = service.screen_records(db, actor, records, purpose=purpose, progress=progress,
                                             progress_step=PROGRESS_STEP)
            alerts = [result_view(r) for r in results if r.matches or r.document_hits]
            db.execute(update(UploadJob).where(UploadJob.id == job_id).values(
                status="done", done=len(records), alerts=json.dumps(alerts), updated_at=time.time()))
    except Problem as exc:  # a refusal (permission, size): its message is the user's to read
        _fail(job_id, exc.detail)
    except Exception:  # noqa: BLE001 - a fault: logged for the administrators, reported to the user who polls
        log.exception("screening upload %s failed", job_id)
        _fail(job_id, "The file could not be screened; the administrators have the details in the server log")


def _fail(job_id: str, message: str) -> None:
    with session_scope() as db:
        db.execute(update(UploadJob).where(UploadJob.id == job_id).values(status="failed", error=message,
                                                                          updated_at=time.time()))


def result_view(result: service.RecordResult) -> dict:
    """A screened record as ``_results.html`` shows it (plain data: it is also stored with a job)."""
    return {"id": result.id, "error": result.error,
            "matches": [{"score": m.score, "source": m.source, "source_id": m.source_id, "name": m.name,
                         "explanation": m.explanation,
                         "entry": {"list_name": m.entry.list_name} if m.entry else None} for m in result.matches],
            "document_hits": [{"doc_type": d.doc_type, "number": d.number, "issuing_country": d.issuing_country,
                               "reported_date": d.reported_date} for d in result.document_hits]}


def _purge(db, now: float) -> None:
    """Delete jobs that ended ``KEEP_SECONDS`` ago unfetched (a running job that silent has stalled too)."""
    db.execute(delete(UploadJob).where(UploadJob.updated_at < now - KEEP_SECONDS))
