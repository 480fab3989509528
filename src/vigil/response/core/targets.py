"""The 1-3-5 rule: dispatched within 1 minute of receipt; on scene within 3 minutes in key areas, 5 elsewhere.

Pure functions over plain values, shared by the live board, the attainment report and the simulation."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

DISPATCH_TARGET_S = 60
KEY_TARGET_S = 180
OTHER_TARGET_S = 300
AT_RISK_FRACTION = 0.7  # an open step past this share of its allowance is shown as at risk


def scene_target_s(in_key_area: bool) -> int:
    return KEY_TARGET_S if in_key_area else OTHER_TARGET_S


def in_key_area(lat: float, lon: float, areas: list[dict]) -> str | None:
    """The name of the first key area holding the point: circles (lat, lon, radius_m) or polygons ([[lon, lat]])."""
    for area in areas:
        if area.get("polygon"):
            if _in_polygon(lon, lat, area["polygon"]):
                return area["name"]
        elif area.get("radius_m") and _metres(lat, lon, area["lat"], area["lon"]) <= area["radius_m"]:
            return area["name"]
    return None


def _metres(lat1, lon1, lat2, lon2) -> float:
    k = math.pi / 180
    x = (lon2 - lon1) * k * math.cos((lat1 + lat2) / 2 * k)
    y = (lat2 - lat1) * k
    return 6_371_008.8 * math.hypot(x, y)


def _in_polygon(x: float, y: float, ring: list) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


@dataclass(frozen=True)
class Status:
    step: str  # "dispatch", "on scene" or "done"
    elapsed_s: float
    target_s: int
    state: str  # "met", "missed", "at risk", "on track"

    @property
    def remaining_s(self) -> float:
        return self.target_s - self.elapsed_s


def status_of(received_at: datetime, dispatched_at: datetime | None, on_scene_at: datetime | None,
              key: bool, now: datetime) -> Status:
    """Where an incident stands against its targets at ``now``: the open step, or the outcome when done."""
    if dispatched_at is None:
        return _open("dispatch", (now - received_at).total_seconds(), DISPATCH_TARGET_S)
    if (dispatched_at - received_at).total_seconds() > DISPATCH_TARGET_S and on_scene_at is None:
        target = scene_target_s(key)
        return Status("on scene", (now - received_at).total_seconds(), target, "missed")
    target = scene_target_s(key)
    if on_scene_at is None:
        return _open("on scene", (now - received_at).total_seconds(), target)
    elapsed = (on_scene_at - received_at).total_seconds()
    met = elapsed <= target and (dispatched_at - received_at).total_seconds() <= DISPATCH_TARGET_S
    return Status("done", elapsed, target, "met" if met else "missed")


def _open(step: str, elapsed: float, target: int) -> Status:
    if elapsed > target:
        state = "missed"
    elif elapsed > target * AT_RISK_FRACTION:
        state = "at risk"
    else:
        state = "on track"
    return Status(step, elapsed, target, state)


def attainment(rows: list[dict]) -> dict:
    """Shares over incidents: rows carry received_at, dispatched_at, on_scene_at (datetimes or None), key (bool).

    dispatch_1min counts incidents dispatched within a minute among all; on_scene_3min_key among incidents in key
    areas; on_scene_5min among the others (an incident never reached counts as missed)."""
    dispatch = [_within(r["received_at"], r.get("dispatched_at"), DISPATCH_TARGET_S) for r in rows]
    key = [_within(r["received_at"], r.get("on_scene_at"), KEY_TARGET_S) for r in rows if r.get("key")]
    other = [_within(r["received_at"], r.get("on_scene_at"), OTHER_TARGET_S) for r in rows if not r.get("key")]
    return {"incidents": len(rows), "dispatch_1min": _share(dispatch), "on_scene_3min_key": _share(key),
            "on_scene_5min": _share(other), "key_incidents": len(key)}


def attainment_by(rows: list[dict], key_fn) -> dict:
    groups: dict = defaultdict(list)
    for r in rows:
        groups[key_fn(r)].append(r)
    return {k: attainment(v) for k, v in sorted(groups.items(), key=lambda kv: str(kv[0]))}


def _within(start, end, seconds: float) -> bool:
    if end is None:
        return False
    delta = end - start
    return (delta.total_seconds() if hasattr(delta, "total_seconds") else float(delta)) <= seconds


def _share(flags: list[bool]) -> float | None:
    return round(sum(flags) / len(flags), 4) if flags else None
