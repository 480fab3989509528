"""Imports every capability's models so Base.metadata is complete (Alembic, tests)."""

from __future__ import annotations

import importlib

MODEL_MODULES = [
    "vigil.platform.identity.models",
    "vigil.platform.audit.models",
    "vigil.cases.models",
    "vigil.screening.models",
    "vigil.intel.models",
]


def load_models():
    from vigil.platform.database import Base

    for name in MODEL_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name and name.startswith(exc.name):
                continue
            raise
    return Base.metadata
