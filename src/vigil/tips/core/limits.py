"""In-process sliding-window rate limits for the public tip line.

A client is known only by a keyed hash of its address (HMAC with a key made at process start and never stored),
kept in memory for the length of the window and dropped when its window empties. Nothing here is written to
disk or to the database. With several server processes each limits on its own (a client could then send up to
N x the limit); run the tip line on one process or put a shared limiter in front when that matters."""
from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable


class Limited(Exception):
    def __init__(self, retry_after: int, scope: str):
        super().__init__(f"{scope} limit reached")
        self.retry_after = retry_after
        self.scope = scope


class SlidingWindow:
    """At most `limit` events per `window` seconds per key, and `global_limit` over all keys."""

    def __init__(self, limit: int, window: float, global_limit: int, clock: Callable[[], float] = time.monotonic):
        self.limit, self.window, self.global_limit = limit, window, global_limit
        self.clock = clock
        self._events: dict[str, deque] = {}
        self._all: deque = deque()
        self._lock = threading.Lock()
        self._last_sweep = float("-inf")

    def _trim(self, events: deque, now: float) -> None:
        while events and events[0] <= now - self.window:
            events.popleft()

    def _retry(self, events: deque, now: float) -> int:
        return max(1, math.ceil(events[0] + self.window - now))

    def check(self, key: str) -> None:
        """Raise Limited if one more event would go over a limit (records nothing)."""
        with self._lock:
            self._check(key, self.clock())

    def _check(self, key: str, now: float) -> None:
        self._sweep(now)
        self._trim(self._all, now)
        events = self._events.get(key)
        if events is not None:
            self._trim(events, now)
            if not events:
                del self._events[key]
            elif len(events) >= self.limit:
                raise Limited(self._retry(events, now), "client")
        if len(self._all) >= self.global_limit:
            raise Limited(self._retry(self._all, now), "global")

    def hit(self, key: str) -> None:
        """Check and record one event atomically."""
        with self._lock:
            now = self.clock()
            self._check(key, now)
            self._events.setdefault(key, deque()).append(now)
            self._all.append(now)

    def forget(self, key: str) -> None:
        """Take back the last event of `key` (the request it admitted failed after all)."""
        with self._lock:
            events = self._events.get(key)
            if events:
                events.pop()
                if self._all:
                    self._all.pop()

    def _sweep(self, now: float) -> None:
        """Drop the keys whose window has emptied (at most once a second), so no client key outlives it."""
        if now - self._last_sweep < 1.0:
            return
        self._last_sweep = now
        for key, events in list(self._events.items()):
            self._trim(events, now)
            if not events:
                del self._events[key]

    def tracked_clients(self) -> int:
        with self._lock:
            self._last_sweep = float("-inf")
            self._sweep(self.clock())
            return len(self._events)


_KEY = secrets.token_bytes(32)


def client_key(address: str | None) -> str:
    return hmac.new(_KEY, (address or "unknown").encode(), hashlib.sha256).hexdigest()[:32]
