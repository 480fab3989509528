"""Risk scoring (ISO 31000 style likelihood x impact on 1..5 scales), the heat-map matrix and CARVER + Shock.

Pure functions, so the console, the PDF report and the tests share one definition of "high"."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

SCALE = range(1, 6)
LEVELS = ("low", "medium", "high", "extreme")
LEVEL_COLORS = {"low": "#2e7d32", "medium": "#f9a825", "high": "#ef6c00", "extreme": "#c62828", "none": "#607d8b"}
CARVER_CRITERIA = ("criticality", "accessibility", "recuperability", "vulnerability", "effect", "recognizability",
                   "shock")


def score(likelihood: int, impact: int) -> int:
    if likelihood not in SCALE or impact not in SCALE:
        raise ValueError("likelihood and impact are 1..5")
    return likelihood * impact


def level(value: int) -> str:
    """Bands of the 5x5 matrix: 1-4 low, 5-9 medium, 10-16 high, 20-25 extreme."""
    if value >= 20:
        return "extreme"
    if value >= 10:
        return "high"
    if value >= 5:
        return "medium"
    return "low"


@dataclass(frozen=True)
class Rated:
    likelihood: int
    impact: int
    residual_likelihood: int
    residual_impact: int


def heat_map(entries: Iterable[Rated], residual: bool = False) -> list[list[int]]:
    """Counts per cell: ``matrix[impact-1][likelihood-1]``."""
    matrix = [[0] * 5 for _ in SCALE]
    for e in entries:
        lik, imp = (e.residual_likelihood, e.residual_impact) if residual else (e.likelihood, e.impact)
        matrix[imp - 1][lik - 1] += 1
    return matrix


def worst_level(entries: Iterable[Rated]) -> str:
    """The highest residual level of a register, or "none" for an empty one."""
    values = [score(e.residual_likelihood, e.residual_impact) for e in entries]
    return level(max(values)) if values else "none"


def carver_total(scores: dict[str, int]) -> int:
    """CARVER + Shock: the sum of the seven criteria, each 1..10 (7..70); higher is a more attractive target."""
    missing = [c for c in CARVER_CRITERIA if c not in scores]
    if missing:
        raise ValueError(f"missing criteria: {', '.join(missing)}")
    if any(not 1 <= int(scores[c]) <= 10 for c in CARVER_CRITERIA):
        raise ValueError("each CARVER + Shock criterion is 1..10")
    return sum(int(scores[c]) for c in CARVER_CRITERIA)
