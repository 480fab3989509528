"""Pure ASGI middleware: request ids, structured access logs, request-size limits."""

from __future__ import annotations

import json
import logging
import time
import uuid

from vigil.platform.errors import PROBLEM_JSON
from vigil.platform.logs import request_id_var

log = logging.getLogger("vigil.http")


class RequestContextMiddleware:
    def __init__(self, app, max_bytes: int, large_prefixes: dict[str, int]):
        self.app = app
        self.max_bytes = max_bytes
        self.large_prefixes = large_prefixes

    def _limit(self, path: str) -> int:
        for prefix, limit in self.large_prefixes.items():
            if path.startswith(prefix):
                return limit
        return self.max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        rid = headers.get(b"x-request-id", b"").decode("latin-1")[:64] or uuid.uuid4().hex
        token = request_id_var.set(rid)
        # Kept on the scope too: the last-resort error handler runs outside this middleware.
        scope.setdefault("state", {})["request_id"] = rid
        started = time.perf_counter()
        status_holder = {"status": 500}
        limit = self._limit(scope["path"])

        async def send_with_id(message):
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [(b"x-request-id", rid.encode())]
            await send(message)

        try:
            declared = headers.get(b"content-length")
            if declared is not None and declared.isdigit() and int(declared) > limit:
                return await self._too_large(send_with_id, limit)
            received = 0

            async def counting_receive():
                nonlocal received
                message = await receive()
                if message["type"] == "http.request":
                    received += len(message.get("body", b""))
                    if received > limit:
                        raise BodyTooLarge()
                return message

            try:
                await self.app(scope, counting_receive, send_with_id)
            except BodyTooLarge:
                await self._too_large(send_with_id, limit)
        finally:
            log.info("%s %s", scope["method"], scope["path"], extra={"fields": {
                "status": status_holder["status"], "ms": round((time.perf_counter() - started) * 1000, 1)}})
            request_id_var.reset(token)

    @staticmethod
    async def _too_large(send, limit: int):
        body = json.dumps({"type": "about:blank", "title": "Content Too Large", "status": 413,
                           "detail": f"Request body exceeds the limit of {limit} bytes"}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", PROBLEM_JSON.encode()),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


class BodyTooLarge(Exception):
    pass
