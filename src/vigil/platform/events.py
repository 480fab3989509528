"""In-process domain events, so a capability reacts to another's change without importing it.

The publisher names a topic and passes keyword data plus the open session; subscribers run in the publisher's
transaction, so their writes commit or roll back with it. Topics in use:
- "screening.list_version" (session, version_id, added: int): a watchlist gained a version; capabilities holding
  records in retention re-screen them against the new entries (screening.service.rescreen_new_entries).
Subscribers are registered when `platform.registry.load_jobs()` imports each capability's `jobs` module."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

_subscribers: dict[str, list[Callable]] = defaultdict(list)


def subscribe(topic: str):
    def register(fn: Callable) -> Callable:
        if fn not in _subscribers[topic]:
            _subscribers[topic].append(fn)
        return fn

    return register


def publish(topic: str, **data) -> None:
    for fn in list(_subscribers.get(topic, ())):
        fn(**data)
