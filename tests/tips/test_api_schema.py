"""Schemathesis over every operation of the analysis and tip-line API (`--checks all` equivalent): no 500, every
status documented, responses as the schema says, negative data refused."""
from __future__ import annotations

import numpy as np
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from vigil.platform.database import session_scope
from vigil.platform.identity import service as identity
from vigil.platform.identity.principal import SYSTEM

PATHS = r"^/api/v1/(analysis|tips|volunteers|public/tips)"


@pytest.fixture(scope="module")
def token(vigil_db):
    with session_scope() as db:
        return identity.create_token(db, SYSTEM, "supervisor", "schemathesis")[1]


@pytest.fixture(scope="module")
def api_schema(vigil_db):
    from vigil.analysis.core import spatial
    from vigil.web.app import create_app

    spatial.getis_ord(np.ones((3, 3)) + np.eye(3))  # esda's first import is slow: not a request's business
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_app()).include(path_regex=PATHS)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_conforms(api_schema, token, mode):
    """One Hypothesis run per operation (the schemathesis pytest plugin does not load under pytest 9)."""
    from vigil.tips import public

    headers = {"Authorization": f"Bearer {token}", "X-Vigil-Purpose": "schema conformance"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 20

    for operation in operations:
        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case):
            public.reset()  # the limits are tested elsewhere: here every request must reach its route
            case.call_and_validate(headers=headers)

        try:
            run()
        except Unsatisfiable:  # no input to break (an operation without parameters): nothing to test negatively
            assert mode == GenerationMode.NEGATIVE
