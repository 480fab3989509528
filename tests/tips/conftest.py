from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def fresh_limits():
    """Every test starts with empty rate-limit windows (they live in the process)."""
    from vigil.tips import public

    public.reset()
    yield
    public.reset()
