"""Unusual precursor purchases, judged against the buyer's own history (EU 2019/1148 art. 9 spirit).

Quantity: a robust z-score (median and MAD) above 3.5, or above the buyer's 95th percentile by half again.
Frequency: more purchases in the last 30 days than the buyer's busiest earlier 30-day window, and at least 3.
Both need at least MIN_HISTORY earlier purchases: a new buyer has no pattern to depart from."""

from __future__ import annotations

from datetime import datetime, timedelta
from statistics import median

MIN_HISTORY = 5
Z_LIMIT = 3.5
WINDOW = timedelta(days=30)


def _p95(values: list[int]) -> float:
    ordered = sorted(values)
    rank = 0.95 * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def quantity_reason(history: list[int], amount: int) -> str | None:
    if len(history) < MIN_HISTORY:
        return None
    mid = median(history)
    mad = median(abs(v - mid) for v in history)
    if mad > 0:
        z = 0.6745 * (amount - mid) / mad
        if z > Z_LIMIT:
            return f"quantity {amount / 1e6:g} is far above this buyer's usual purchases (robust z-score {z:.1f} " \
                   f"> {Z_LIMIT}; median {mid / 1e6:g})"
    p95 = _p95(history)
    if amount > 1.5 * p95:
        return f"quantity {amount / 1e6:g} is above 1.5x this buyer's 95th percentile ({p95 / 1e6:g})"
    return None


def frequency_reason(times: list[datetime], at: datetime) -> str | None:
    if len(times) < MIN_HISTORY:
        return None
    recent = 1 + sum(1 for t in times if at - WINDOW < t <= at)
    earlier = [t for t in times if t <= at - WINDOW]
    busiest, start = 0, 0
    for end, t in enumerate(earlier):  # sliding 30-day window over the earlier purchases (sorted by time)
        while t - earlier[start] >= WINDOW:
            start += 1
        busiest = max(busiest, end - start + 1)
    if recent >= 3 and recent > busiest and earlier:
        return f"{recent} purchases in 30 days, more than this buyer's busiest earlier 30 days ({busiest})"
    return None


def unusual(history: list[tuple[datetime, int]], at: datetime, amount: int) -> list[str]:
    """Reasons this purchase departs from ``history`` (earlier purchases, oldest first); empty when it does not."""
    reasons = [quantity_reason([a for _, a in history], amount), frequency_reason([t for t, _ in history], at)]
    return [r for r in reasons if r]
