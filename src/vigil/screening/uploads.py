"""Console CSV screening as a background job with progress.

A file of up to 10,000 rows takes seconds to screen.  The console starts a job, then polls it: each poll answers
with the progress so far, and the last one with the results.  Jobs live in this process's memory only, one at a time
per worker thread, and are dropped when their results have been fetched or after ``KEEP_SECONDS`` (the results are
personal data: nothing is kept that nobody asked for).  Only the user who started a job can poll it.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from vigil.platform.database import session_scope
from vigil.platform.errors import Problem
from vigil.platform.identity.principal import Principal
from vigil.screening import service

KEEP_SECONDS = 600
MAX_JOBS = 50  # running or unfetched, in this process
PROGRESS_STEP = 100  # records between progress updates

# One worker: uploads queue behind each other rather than share two cores with the API's single-record screening.
_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="screening-upload")
_jobs: dict[str, "Job"] = {}
_lock = threading.Lock()


class TooManyJobs(Exception):
    pass


@dataclass
class Job:
    owner_id: int
    total: int
    row_errors: list[str]
    done: int = 0
    results: list | None = None
    error: str | None = None
    started: float = field(default_factory=time.monotonic)

    @property
    def finished(self) -> bool:
        return self.results is not None or self.error is not None


def start(actor: Principal, records: list[service.RecordIn], row_errors: list[str], purpose: str) -> str:
    """Queue ``records`` for screening as ``actor``; returns the job's id."""
    job = Job(owner_id=actor.user_id, total=len(records), row_errors=row_errors)
    with _lock:
        _expire()
        if len(_jobs) >= MAX_JOBS:
            raise TooManyJobs()
        job_id = secrets.token_urlsafe(12)
        _jobs[job_id] = job
    _executor.submit(_run, job, actor, records, purpose)
    return job_id


def poll(job_id: str, actor: Principal) -> Job | None:
    """The job, if ``actor`` started it and it is still kept; a finished job is handed out once and dropped."""
    with _lock:
        _expire()
        job = _jobs.get(job_id)
        if job is None or job.owner_id != actor.user_id:
            return None
        if job.finished:
            del _jobs[job_id]
        return job


def _run(job: Job, actor: Principal, records: list[service.RecordIn], purpose: str) -> None:
    def progress(done: int) -> None:
        job.done = done

    try:
        with session_scope() as db:
            job.results = service.screen_records(db, actor, records, purpose=purpose, progress=progress,
                                                 progress_step=PROGRESS_STEP)
    except Problem as exc:  # a refusal (permission, size): its message is the user's to read
        job.error = exc.detail
    except Exception:  # noqa: BLE001 - a fault: logged for the administrators, reported to the user who polls
        logging.getLogger(__name__).exception("screening upload failed")
        job.error = "The file could not be screened; the administrators have the details in the server log"
    job.done = job.total


def _expire() -> None:
    now = time.monotonic()
    for job_id in [k for k, j in _jobs.items() if now - j.started > KEEP_SECONDS and j.finished]:
        del _jobs[job_id]
