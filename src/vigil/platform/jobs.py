"""Scheduled jobs with a clock tests can drive.

A capability registers its periodic work at import (`@job("registrations.purge", every=timedelta(hours=1))`);
`platform.registry.load_jobs()` imports each capability's `jobs` module. `run(name, as_of)` runs one job once (the
CLI and tests use it with a chosen time); `Scheduler` runs every enabled job whose period has passed, on a daemon
thread while `vigil serve` runs. A job is a function `fn(as_of: datetime) -> str` returning a one-line summary; it
opens its own transaction(s). A failing job is logged and retried at its next period, never crashing the server."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from vigil.platform import clock

log = logging.getLogger("vigil.jobs")


@dataclass
class Job:
    name: str
    every_: timedelta | Callable[[], timedelta]  # a callable: a period read from settings when asked, not at import
    fn: Callable[[datetime], str]
    enabled: Callable[[], bool] = lambda: True
    description: str = ""
    last_run: datetime | None = field(default=None)
    last_result: str = ""

    @property
    def every(self) -> timedelta:
        return self.every_() if callable(self.every_) else self.every_


JOBS: dict[str, Job] = {}


def job(name: str, every: timedelta | Callable[[], timedelta], enabled: Callable[[], bool] | None = None,
        description: str = ""):
    """Decorator: register `fn(as_of) -> summary` as a periodic job."""

    def register(fn: Callable[[datetime], str]) -> Callable[[datetime], str]:
        JOBS[name] = Job(name, every, fn, enabled or (lambda: True), description or (fn.__doc__ or "").strip())
        return fn

    return register


def run(name: str, as_of: datetime | None = None) -> str:
    """Run one job now (or as of a given time, with the clock frozen there for the job's duration)."""
    from vigil.platform.errors import NotFound

    target = JOBS.get(name)
    if target is None:
        raise NotFound(f"No job named {name!r}")
    at = as_of or clock.now()
    with clock.frozen(at):
        result = target.fn(at)
    target.last_run, target.last_result = at, result
    return result


def due(at: datetime) -> list[Job]:
    return [j for j in JOBS.values() if j.enabled() and (j.last_run is None or at - j.last_run >= j.every)]


def run_due(at: datetime | None = None) -> dict[str, str]:
    """Run every enabled job whose period has passed; a failure is logged and reported, not raised."""
    at = at or clock.now()
    results = {}
    for item in due(at):
        try:
            results[item.name] = run(item.name, at)
        except Exception as exc:  # a job must never take the scheduler down
            item.last_run = at
            results[item.name] = f"failed: {exc}"
            log.exception("scheduled job %s failed", item.name)
    return results


class Scheduler:
    """Ticks every `interval` seconds on a daemon thread and runs what is due."""

    def __init__(self, interval: float = 30.0):
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="vigil-scheduler", daemon=True)

    def start(self) -> Scheduler:
        self._thread.start()
        return self

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            run_due()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
