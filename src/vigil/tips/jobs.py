"""Scheduled: delete tips and volunteers whose retention has passed."""
from __future__ import annotations

from datetime import timedelta

from vigil.platform.jobs import job


@job("tips.purge", every=timedelta(hours=6))
def purge(as_of) -> str:
    """Delete tips (with their files) and volunteer records past their retention date."""
    from vigil.platform.database import session_scope
    from vigil.tips.service import purge as run_purge

    with session_scope() as db:
        tips, volunteers = run_purge(db, as_of.date())
    return f"purged {tips} tips and {volunteers} volunteers past retention"
