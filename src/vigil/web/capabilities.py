"""Which capabilities are delivered in this build (shown on the dashboard)."""

from __future__ import annotations

import importlib.util

MODULES = {
    "screening": "vigil.screening.pages",
    "intel": "vigil.intel.pages",
    "cases": "vigil.cases.pages",
    "registrations": "vigil.registrations.pages",
    "parcels": "vigil.parcels.pages",
    "ledger": "vigil.ledger.pages",
    "sites": "vigil.sites.pages",
    "risk": "vigil.risk.pages",
    "response": "vigil.response.pages",
    "analysis": "vigil.analysis.pages",
    "tips": "vigil.tips.pages",
    "audit": "vigil.web.audit_pages",
    "admin": "vigil.web.admin_pages",
}


def status_of(key: str) -> str:
    module = MODULES.get(key)
    try:
        found = module is not None and importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        found = False
    return "available" if found else "planned"
