"""Scheduled screening work: the official list refresh (off until `VIGIL_LISTS_UPDATE_HOURS` is set)."""

from __future__ import annotations

from datetime import datetime, timedelta

from vigil.platform.config import get_settings
from vigil.platform.jobs import job


def _hours() -> float:
    return get_settings().lists_update_hours


@job("screening.lists_update", every=lambda: timedelta(hours=max(_hours(), 1.0)), enabled=lambda: _hours() > 0,
     description="Download the UN and OFAC lists; a new version only when they changed")
def lists_update(as_of: datetime) -> str:
    from vigil.platform.database import session_scope
    from vigil.platform.errors import Problem
    from vigil.screening import refresh

    lines = []
    for kind in refresh.SOURCES:
        try:
            with session_scope() as db:
                lines.append(refresh.update(db, kind).line())
        except Problem as exc:
            lines.append(f"{kind} list not updated: {exc.detail}")
    return "; ".join(lines)
