"""The one clock every capability reads: real UTC time, or a time a test or a CLI `--as-of` sets.

Scheduled jobs (purge, escalation, list refresh, overdue alerts) and every deadline check ask `clock.now()`, so a
test drives them by freezing the clock instead of sleeping."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timezone

_local = threading.local()
_frozen_global: datetime | None = None


def as_utc(value: datetime) -> datetime:
    """A naive datetime is taken as UTC (SQLite returns them so); an aware one is converted to UTC."""
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def now() -> datetime:
    frozen = getattr(_local, "frozen", None) or _frozen_global
    return frozen if frozen is not None else datetime.now(timezone.utc)


def today() -> date:
    return now().date()


@contextmanager
def frozen(at: datetime | date, *, all_threads: bool = False) -> Iterator[datetime]:
    """Within the block `now()` returns `at` (a date means its midnight UTC). `all_threads` also freezes it for
    the server's worker threads (tests of a live app); by default only the calling thread sees it."""
    global _frozen_global
    if not isinstance(at, datetime):
        at = datetime(at.year, at.month, at.day, tzinfo=timezone.utc)
    at = as_utc(at)
    if all_threads:
        previous, _frozen_global = _frozen_global, at
    else:
        previous, _local.frozen = getattr(_local, "frozen", None), at
    try:
        yield at
    finally:
        if all_threads:
            _frozen_global = previous
        else:
            _local.frozen = previous


def parse_as_of(text: str | None) -> datetime | None:
    """`--as-of` for CLI commands: YYYY-MM-DD or an ISO time (UTC when no offset). Raises ValueError."""
    if not text:
        return None
    text = text.strip()
    if len(text) == 10:
        day = date.fromisoformat(text)
        return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
    return as_utc(datetime.fromisoformat(text.replace("Z", "+00:00")))
