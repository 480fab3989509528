"""Scheduled: copy the rapid-response incidents into the analysis history."""
from __future__ import annotations

from datetime import timedelta

from vigil.platform.jobs import job


@job("analysis.sync_response", every=timedelta(minutes=5))
def sync_response(as_of) -> str:
    """Copy new and changed rapid-response incidents into the analysis history."""
    from vigil.analysis.service import sync_from_response
    from vigil.platform.database import session_scope

    with session_scope() as db:
        copied = sync_from_response(db)
    if copied is None:
        return "skipped: rapid response is not installed"
    return f"copied {copied} incidents from rapid response"
