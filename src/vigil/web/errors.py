"""Exception handlers: problem+json on /api and /taxii, a plain page in the console. Never a traceback."""

from __future__ import annotations

import logging
import re

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from sqlalchemy.exc import DataError, IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

from vigil.platform.errors import Problem, problem_response
from vigil.platform.logs import request_id_var

log = logging.getLogger("vigil.errors")
MACHINE_PREFIXES = ("/api/", "/taxii2/", "/healthz", "/readyz")


def wants_problem_json(request: Request) -> bool:
    return request.url.path.startswith(MACHINE_PREFIXES) or "application/json" in request.headers.get("accept", "")


def _console_error(request: Request, status: int, title: str, detail: str):
    from vigil.web.templating import render

    if status == 401:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    rid = getattr(request.state, "request_id", None) or request_id_var.get()
    return render(request, "error.html", {"status": status, "title": title, "detail": detail,
                                          "request_id": rid}, status_code=status)


def _respond(request: Request, status: int, title: str, detail: str, extra=None, headers=None):
    if wants_problem_json(request):
        return problem_response(status, detail, title=title, instance=request.url.path, extra=extra,
                                headers=headers)
    return _console_error(request, status, title, detail)


def _clean_validation_errors(errors) -> list[dict]:
    cleaned = []
    for err in errors:
        cleaned.append({"loc": [str(p) for p in err.get("loc", ())], "msg": err.get("msg", ""),
                        "type": err.get("type", "")})
    return jsonable_encoder(cleaned)


def allowed_methods(request: Request, fallback: str = "") -> str:
    """Every method the API document gives this path (FastAPI makes one route per method, so Starlette's own Allow
    header names only the first one's); a console path not in the document keeps Starlette's answer."""
    table = getattr(request.app.state, "allow_table", None)
    if table is None:
        table = []
        for template, item in request.app.openapi().get("paths", {}).items():
            for method, operation in item.items():
                if method not in ("get", "post", "put", "patch", "delete"):
                    continue
                digits = {p["name"] for p in operation.get("parameters", [])
                          if p.get("in") == "path" and p.get("schema", {}).get("type") == "integer"}
                pattern = re.sub(r"\\{([^}]+)\\}", lambda m: "[0-9]+" if m.group(1) in digits else "[^/]+",
                                 re.escape(template))
                table.append((re.compile(f"^{pattern}$"), [method.upper()]))
        request.app.state.allow_table = table
    methods: set[str] = set()
    for pattern, listed in table:
        if pattern.match(request.url.path):
            methods |= set(listed)
    return ", ".join(sorted(methods)) if methods else fallback


def install(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def on_problem(request: Request, exc: Problem):
        return _respond(request, exc.status, exc.title, exc.detail, exc.extra, exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException):
        from http import HTTPStatus

        title = HTTPStatus(exc.status_code).phrase
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:
            headers = {**(headers or {}), "Allow": allowed_methods(request, (headers or {}).get("Allow", ""))}
        return _respond(request, exc.status_code, title, str(exc.detail), headers=headers)

    @app.exception_handler(DataError)
    @app.exception_handler(OverflowError)
    async def on_out_of_range(request: Request, exc: Exception):
        # A number or text the database cannot store (an id past its integer range, say): the API document states
        # these ranges, so this is the client's error; the transaction was rolled back.
        log.warning("value out of range on %s %s: %s", request.method, request.url.path, exc)
        return _respond(request, 422, "Unprocessable Content", "A value is outside the range Vigil can store "
                        "(see the API document's limits); nothing was changed")

    @app.exception_handler(IntegrityError)
    async def on_integrity(request: Request, exc: IntegrityError):
        # A uniqueness or reference rule the service did not foresee (e.g. two requests racing): the request
        # conflicts with what is stored. The transaction was rolled back by session_scope; nothing was written.
        log.warning("integrity error on %s %s: %s", request.method, request.url.path, exc.orig)
        return _respond(request, 409, "Conflict", "The request conflicts with a record that already exists or is "
                        "referenced elsewhere; nothing was changed")

    @app.exception_handler(RequestValidationError)
    async def on_validation(request: Request, exc: RequestValidationError):
        errors = _clean_validation_errors(exc.errors())
        malformed = any(e["type"] == "json_invalid" for e in errors)
        status = 400 if malformed else 422
        detail = "Malformed JSON body" if malformed else "The request did not validate"
        return _respond(request, status, "Bad Request" if malformed else "Unprocessable Content", detail,
                        {"errors": errors})

    @app.exception_handler(Exception)
    async def on_unhandled(request: Request, exc: Exception):
        rid = getattr(request.state, "request_id", None) or request_id_var.get()
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc,
                  extra={"request_id": rid})
        detail = f"Something went wrong on our side. Quote reference {rid} to support."
        return _respond(request, 500, "Internal Server Error", detail)

