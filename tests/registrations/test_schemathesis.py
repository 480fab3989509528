"""Schemathesis over every registrations, parcels and stolen-property operation (all checks): no 500, errors as
problem+json, constraints stated in the schema."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings


@pytest.fixture(scope="module")
def api_schema(vigil_db):
    from vigil.platform.database import session_scope
    from vigil.platform.identity import service as identity
    from vigil.platform.identity.principal import SYSTEM
    from vigil.web.app import create_app

    with session_scope() as db:
        _, token = identity.create_token(db, SYSTEM, "admin", "schemathesis")
    loaded = schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_app())
    loaded.config.headers = {"Authorization": f"Bearer {token}", "X-Vigil-Purpose": "contract testing of the API"}
    return loaded.include(path_regex=r"^/api/v1/(registrations|parcels|stolen-property)")


def test_api_contract(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 12
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case):
            case.call_and_validate()

        run()
