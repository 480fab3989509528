"""Schemathesis over every rapid-response operation of the API document: never a server error, every error as
problem+json, every request the document forbids refused, every answer matching its documented schema.

Left to the platform's document-wide contract test: which error statuses and media types each operation lists, and
OPTIONS/Allow answers. Positive-data acceptance is left out here because some refusals cannot be stated in a schema:
a point more than 500 m from the road network (recommend, posts) or outside the served area (incidents), an address
no street matches, placement without demand points: each a 422 problem+json."""

from __future__ import annotations

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck

SETTINGS = hypothesis.settings(max_examples=8, deadline=None, derandomize=True, database=None,
                               suppress_health_check=list(HealthCheck))


def _app():
    import os

    from vigil.platform.config import reset_settings
    from vigil.web.app import create_app

    saved = os.environ.get("VIGIL_SECRET_KEY")
    os.environ["VIGIL_SECRET_KEY"] = "contract-document"
    try:
        reset_settings()
        return create_app()
    finally:
        if saved is None:
            os.environ.pop("VIGIL_SECRET_KEY")
        else:
            os.environ["VIGIL_SECRET_KEY"] = saved
        reset_settings()


APP = _app()
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP).include(path_regex=r"^/api/v1/response/")


@pytest.fixture
def api_headers(vigil_db):
    from vigil.platform.database import session_scope
    from vigil.platform.identity import service
    from vigil.platform.identity.principal import SYSTEM

    with session_scope() as db:
        _, secret = service.create_token(db, SYSTEM, "admin", "schemathesis")
    return {"Authorization": f"Bearer {secret}", "X-Vigil-Purpose": "API contract test (schemathesis)"}


@schema.parametrize()
@SETTINGS
def test_response_operations_keep_the_contract(case, api_headers):
    from schemathesis.specs.openapi import checks

    response = case.call(headers=api_headers)
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        media = response.headers.get("content-type") or [""]
        assert (media[0] if isinstance(media, list) else media).startswith("application/problem+json"), response.text
    case.validate_response(response, excluded_checks=[
        checks.status_code_conformance, checks.content_type_conformance, checks.allow_header_conformance,
        checks.positive_data_acceptance])
