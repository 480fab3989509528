"""Pure risk scoring: bands, heat map, CARVER + Shock."""

from __future__ import annotations

import pytest

from vigil.risk.core import scoring


def test_levels_and_heat_map_cells():
    assert [scoring.level(v) for v in (1, 4, 5, 9, 10, 16, 20, 25)] == \
        ["low", "low", "medium", "medium", "high", "high", "extreme", "extreme"]
    rated = [scoring.Rated(2, 5, 1, 5), scoring.Rated(2, 5, 1, 3), scoring.Rated(4, 3, 2, 3)]
    inherent = scoring.heat_map(rated)
    assert inherent[4][1] == 2 and inherent[2][3] == 1 and sum(map(sum, inherent)) == 3
    residual = scoring.heat_map(rated, residual=True)
    assert residual[4][0] == 1 and residual[2][0] == 1 and residual[2][1] == 1
    assert scoring.worst_level(rated) == "medium" and scoring.worst_level([]) == "none"


def test_scores_refuse_out_of_scale_values():
    with pytest.raises(ValueError):
        scoring.score(0, 3)
    with pytest.raises(ValueError):
        scoring.carver_total({c: 11 for c in scoring.CARVER_CRITERIA})
    with pytest.raises(ValueError):
        scoring.carver_total({"criticality": 5})
    assert scoring.carver_total({c: n for n, c in enumerate(scoring.CARVER_CRITERIA, start=1)}) == 28
