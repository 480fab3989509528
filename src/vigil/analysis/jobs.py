"""Scheduled: copy the rapid-response incidents into the analysis history."""
from __future__ import annotations

import threading
from datetime import timedelta

from vigil.platform.jobs import job


def _warm_up() -> None:
    """esda imports its whole package (libpysal, scikit-learn parts): 3 s on a quiet machine, far more on a busy
    one. The server loads this module at start; importing esda here, on a background thread, spares the first
    hotspot request that wait."""
    try:
        import esda.getisord  # noqa: F401
        import libpysal.weights  # noqa: F401
    except Exception:  # noqa: BLE001 - a failed warm-up only means the first request imports it itself
        pass


threading.Thread(target=_warm_up, name="vigil-analysis-warm-up", daemon=True).start()


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
