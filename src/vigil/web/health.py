from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from vigil.platform.database import get_engine

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz():
    return {"status": "ok"}


@router.get("/readyz")
def readyz():
    from vigil.platform.migrations import current_revision, head_revision

    try:
        with get_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
            current = current_revision(conn)
    except Exception as exc:  # the database is unreachable: not ready, not a crash
        return JSONResponse({"status": "unavailable", "detail": type(exc).__name__}, status_code=503)
    head = head_revision()
    if current != head:
        return JSONResponse({"status": "migrations pending", "current": current, "head": head}, status_code=503)
    return {"status": "ready", "revision": current}
