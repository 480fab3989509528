"""Assemble the FastAPI application from the platform and every capability's routers."""

from __future__ import annotations

import gc
import importlib
import logging
import threading
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from vigil import __version__
from vigil.platform.config import get_settings
from vigil.platform.database import start_wal_checkpointer
from vigil.platform.logs import configure_logging
from vigil.web import errors
from vigil.web.assets import vendor_dirs
from vigil.web.middleware import RequestContextMiddleware
from vigil.web.routing import int_path_convertors
from vigil.web.templating import WEB_DIR

log = logging.getLogger("vigil.app")

# Modules with a ``warm_up()`` the server runs on a background thread at start: slow imports a first request would
# otherwise wait for.  Only the server does this; the CLI imports what each command needs, on one thread.
WARM_UP_MODULES = ["vigil.analysis.core.spatial"]
# Imported before the warm-up thread starts: packages a request may import at the same moment, whose circular
# imports inside the package another thread can see half done ("partially initialized module 'shapely'").
SHARED_IMPORTS = ["shapely.geometry", "scipy.sparse"]

# Each module exposes `router`; order fixes the order in the OpenAPI document, and the order in which a request's
# path is matched: routes are tried one by one, so the machine-facing routes with latency goals (health checks,
# single-record screening, TAXII paging) come first and the console's pages after them.
ROUTER_MODULES = [
    "vigil.web.health",
    "vigil.screening.api",
    "vigil.intel.taxii",
    "vigil.intel.api",
    "vigil.web.identity_api",
    "vigil.web.audit_api",
    "vigil.cases.api",
    "vigil.registrations.api",
    "vigil.parcels.api",
    "vigil.ledger.api",
    "vigil.sites.api",
    "vigil.risk.api",
    "vigil.response.api",
    "vigil.analysis.api",
    "vigil.tips.api",
    "vigil.web.pages",
    "vigil.web.admin_pages",
    "vigil.web.audit_pages",
    "vigil.cases.pages",
    "vigil.screening.pages",
    "vigil.intel.pages",
    "vigil.registrations.pages",
    "vigil.parcels.pages",
    "vigil.ledger.pages",
    "vigil.sites.pages",
    "vigil.risk.pages",
    "vigil.response.pages",
    "vigil.analysis.pages",
    "vigil.tips.pages",
]

# Bodies bigger than the default are allowed only where bulk data is expected.
LARGE_BODY_PREFIXES = ("/api/v1/screen", "/screening/", "/api/v1/watchlists", "/taxii2/", "/api/v1/intel",
                       "/intel/", "/api/v1/registrations/batches", "/registrations/upload", "/api/v1/parcels/",
                       "/api/v1/stolen-property/", "/api/v1/sites/import", "/sites/import", "/api/v1/findings/",
                       "/sites/findings/")


@asynccontextmanager
async def lifespan(app: FastAPI):
    """While the server runs: SQLite's log is checkpointed in the background, never by a request's commit, and
    scheduled jobs run on their own thread (platform.jobs)."""
    checkpointer = start_wal_checkpointer()
    _start_warm_up()
    scheduler = None
    settings = get_settings()
    if settings.scheduler:
        from vigil.platform.jobs import Scheduler
        from vigil.platform.registry import load_jobs

        load_jobs()
        scheduler = Scheduler(settings.scheduler_interval_seconds).start()
    try:
        yield
    finally:
        if scheduler is not None:
            scheduler.stop()
        if checkpointer is not None:
            checkpointer.stop()


def _warm_up() -> None:
    for name in WARM_UP_MODULES:
        try:
            importlib.import_module(name).warm_up()
        except Exception:  # noqa: BLE001 - a failed warm-up only means the first request imports it itself
            log.warning("warm-up of %s failed", name, exc_info=True)


def _start_warm_up() -> None:
    for name in SHARED_IMPORTS:
        importlib.import_module(name)
    threading.Thread(target=_warm_up, name="vigil-warm-up", daemon=True).start()


def create_app() -> FastAPI:
    settings = get_settings()
    configure_logging(settings.log_level)
    app = FastAPI(title="Vigil", version=__version__, openapi_url="/api/v1/openapi.json", docs_url="/api/v1/docs",
                  redoc_url=None, lifespan=lifespan)
    errors.install(app)
    for name in ROUTER_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name and name.startswith(exc.name):  # capability not built yet
                continue
            raise
        int_path_convertors(module.router)
        app.include_router(module.router)
    from vigil.web import openapi
    from vigil.web.pages import add_placeholders

    add_placeholders(app)
    openapi.install(app)
    app.mount("/static/vigil", StaticFiles(directory=WEB_DIR / "static"), name="static")
    for vendor, folder in vendor_dirs().items():
        app.mount(f"/static/vendor/{vendor}", StaticFiles(directory=folder), name=f"vendor-{vendor}")
    app.add_middleware(SessionMiddleware, secret_key=settings.resolved_secret_key(), session_cookie="vigil_session",
                       max_age=settings.session_max_age, same_site="strict", https_only=settings.cookie_secure)
    large = {prefix: settings.max_upload_bytes for prefix in LARGE_BODY_PREFIXES}
    app.add_middleware(RequestContextMiddleware, max_bytes=settings.max_request_bytes, large_prefixes=large)
    _tune_gc()
    return app


def _tune_gc() -> None:
    """Move the long-lived objects built at start-up (routes, models, lists) out of the collector's way: full
    collections over them otherwise pause every in-flight request. The default thresholds stay: measured with
    gc callbacks under TAXII paging, a 50,000-object young generation made each young collection a 15-40 ms
    pause, while the defaults give pauses under 1 ms (and a few full ones of ~10 ms)."""
    gc.collect()
    gc.freeze()
