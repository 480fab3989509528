"""Scheduled: time-based ledger alerts (unconfirmed dispatches, overdue transports, licences expiring/expired)."""

from __future__ import annotations

from datetime import datetime, timedelta

from vigil.platform.jobs import job


@job("ledger.alerts", every=timedelta(minutes=15))
def raise_time_alerts(as_of: datetime) -> str:
    """Raise ledger alerts that depend on the time: dispatches unconfirmed, transports overdue, licences."""
    from vigil.ledger import service
    from vigil.platform.database import session_scope

    with session_scope() as db:
        raised = service.scan_alerts(db, as_of)
    return f"{raised} new ledger alerts as of {as_of:%Y-%m-%dT%H:%M:%SZ}"
