"""Imports every capability's models so Base.metadata is complete (Alembic, tests), and every capability's
`jobs` module so its scheduled jobs and event subscribers are registered (platform.jobs, platform.events).
Capabilities not built yet are skipped: the platform imports them by name and never depends on one."""

from __future__ import annotations

import importlib

MODEL_MODULES = [
    "vigil.platform.identity.models",
    "vigil.platform.audit.models",
    "vigil.cases.models",
    "vigil.screening.models",
    "vigil.intel.models",
    "vigil.registrations.models",
    "vigil.parcels.models",
    "vigil.ledger.models",
    "vigil.sites.models",
    "vigil.risk.models",
    "vigil.response.models",
    "vigil.analysis.models",
    "vigil.tips.models",
]

JOB_MODULES = [
    "vigil.screening.jobs",
    "vigil.intel.jobs",
    "vigil.registrations.jobs",
    "vigil.parcels.jobs",
    "vigil.ledger.jobs",
    "vigil.sites.jobs",
    "vigil.risk.jobs",
    "vigil.response.jobs",
    "vigil.analysis.jobs",
    "vigil.tips.jobs",
]


def _import_optional(names: list[str]) -> None:
    for name in names:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name and name.startswith(exc.name):
                continue
            raise


def load_models():
    from vigil.platform.database import Base

    _import_optional(MODEL_MODULES)
    return Base.metadata


def load_jobs():
    """Register every capability's scheduled jobs and event subscribers; returns platform.jobs.JOBS."""
    from vigil.platform import jobs

    _import_optional(JOB_MODULES)
    return jobs.JOBS
