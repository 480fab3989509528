"""Scheduled work of the rapid-response capability."""

from __future__ import annotations

from datetime import datetime, timedelta

from vigil.platform.database import session_scope
from vigil.platform.identity.principal import SYSTEM
from vigil.platform.jobs import job
from vigil.response import service


@job("response.purge_callers", every=timedelta(hours=6))
def purge_callers(as_of: datetime) -> str:
    """Erase caller names and numbers past their retention date."""
    with session_scope() as db:
        count = service.purge_callers(db, as_of.date())
    return f"{count} incident(s) had caller data erased"


@job("response.sync_key_sites", every=timedelta(hours=1))
def sync_key_sites(as_of: datetime) -> str:
    """Add new key sites (vigil.sites) as key areas for the 3-minute target."""
    with session_scope() as db:
        count = service.sync_key_sites(db, SYSTEM)
    return f"{count} key site(s) added as key areas"
