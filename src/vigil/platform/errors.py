"""RFC 9457 problem details for the API; a plain error page for the console."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi.responses import JSONResponse

PROBLEM_JSON = "application/problem+json"


class Problem(Exception):
    """Raised by services and routes; rendered as problem+json (API) or an error page (console)."""

    def __init__(self, status: int, detail: str, *, title: str | None = None, type_: str = "about:blank",
                 extra: dict[str, Any] | None = None, headers: dict[str, str] | None = None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.title = title or HTTPStatus(status).phrase
        self.type = type_
        self.extra = extra or {}
        self.headers = headers


class NotFound(Problem):
    def __init__(self, detail: str = "Not found"):
        super().__init__(404, detail)


class Forbidden(Problem):
    def __init__(self, detail: str = "You are not allowed to do this"):
        super().__init__(403, detail)


class BadRequest(Problem):
    def __init__(self, detail: str, extra: dict[str, Any] | None = None):
        super().__init__(400, detail, extra=extra)


class Conflict(Problem):
    def __init__(self, detail: str):
        super().__init__(409, detail)


def problem_response(status: int, detail: str, *, title: str | None = None, type_: str = "about:blank",
                     instance: str | None = None, extra: dict[str, Any] | None = None,
                     headers: dict[str, str] | None = None) -> JSONResponse:
    body: dict[str, Any] = {"type": type_, "title": title or HTTPStatus(status).phrase, "status": status,
                            "detail": detail}
    if instance:
        body["instance"] = instance
    if extra:
        body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)
