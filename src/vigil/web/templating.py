"""Jinja2 environment shared by every capability's pages."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, FileSystemLoader

from vigil.platform import policy
from vigil.platform.identity.principal import CLEARANCES
from vigil.platform.types import format_utc

WEB_DIR = Path(__file__).parent

# (section key, label, url, action needed to see it)
NAVIGATION = [
    ("dashboard", "Dashboard", "/", "dashboard.view"),
    ("screening", "Screening", "/screening", "screening.run"),
    ("intel", "Intelligence", "/intel", "intel.read"),
    ("cases", "Cases", "/cases", "record.read"),
    ("registrations", "Registrations", "/registrations", "registrations.submit"),
    ("parcels", "Parcels", "/parcels", "parcels.submit"),
    ("ledger", "Controlled items", "/ledger", "record.read"),
    ("sites", "Sites & campaigns", "/sites", "record.read"),
    ("risk", "Risk", "/risk", "record.read"),
    ("response", "Response", "/response", "record.read"),
    ("analysis", "Analysis", "/analysis", "record.read"),
    ("tips", "Tips", "/tips", "record.read"),
    ("audit", "Audit", "/audit", "audit.read"),
    ("admin", "Administration", "/admin", "admin.manage"),
]

_template_dirs: list[Path] = [WEB_DIR / "templates"]


def register_templates(folder: Path) -> None:
    """Capabilities add their own templates folder; names are prefixed by the capability (cases/list.html)."""
    if folder not in _template_dirs:
        _template_dirs.append(folder)
        templates.env.loader = ChoiceLoader([FileSystemLoader(str(d)) for d in _template_dirs])


templates = Jinja2Templates(directory=str(WEB_DIR / "templates"))
templates.env.globals["CLEARANCES"] = CLEARANCES


def _finalize(value):
    """Every timestamp a page shows is RFC 3339 in UTC with its `Z`, as in the API: `{{ row.created_at }}` prints
    2026-12-07T00:39:00Z rather than Python's str() without or with a local-looking offset."""
    if isinstance(value, datetime):
        return format_utc(value.replace(microsecond=0))
    return value


templates.env.finalize = _finalize
templates.env.filters["utc"] = lambda value: _finalize(value) if value else ""


def render(request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200):
    from vigil.web.security import csrf_token

    principal = getattr(request.state, "principal", None)
    nav = [item for item in NAVIGATION if principal and policy.allowed(principal, item[3])]
    ctx = {"principal": principal, "nav": nav, "csrf": csrf_token(request), "section": ""}
    ctx.update(context or {})
    return templates.TemplateResponse(request, name, ctx, status_code=status_code)
