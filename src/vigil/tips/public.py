"""What the public side of the tip line shares between its API and its page: the rate limits and the client key.

Limits (per process; see core.limits): 20 accepted tips a minute per client and 600 over all clients; 60 public
requests of any kind a minute per client (guessing codes, floods of invalid bodies) and 3,000 over all."""
from __future__ import annotations

from contextlib import contextmanager

from fastapi import Request

from vigil.platform.errors import Problem
from vigil.tips.core.limits import Limited, SlidingWindow, client_key

TIPS_PER_MINUTE = 20
submissions = SlidingWindow(TIPS_PER_MINUTE, 60.0, 600)
requests = SlidingWindow(60, 60.0, 3000)


class TooMany(Problem):
    def __init__(self, limited: Limited):
        who = "from your connection" if limited.scope == "client" else "on the tip line right now"
        super().__init__(429, f"Too many reports {who}; try again in {limited.retry_after} seconds",
                         headers={"Retry-After": str(limited.retry_after)})


def client_of(request: Request) -> str:
    """The keyed hash standing for the caller (the address itself is not kept)."""
    return client_key(request.client.host if request.client else None)


def gate(request: Request) -> str:
    """FastAPI dependency on every public route: counts the request before its body is even read."""
    key = client_of(request)
    try:
        requests.hit(key)
    except Limited as exc:
        raise TooMany(exc) from None
    return key


@contextmanager
def admitted(key: str):
    """Count one accepted tip for `key` (429 when over the limit); taken back when storing it fails."""
    try:
        submissions.hit(key)
    except Limited as exc:
        raise TooMany(exc) from None
    try:
        yield
    except BaseException:
        submissions.forget(key)
        raise


def reset() -> None:
    """Tests: start every limit afresh."""
    global submissions, requests
    submissions.__init__(TIPS_PER_MINUTE, 60.0, 600)
    requests.__init__(60, 60.0, 3000)
