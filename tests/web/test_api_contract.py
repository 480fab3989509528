"""The API keeps the contract its OpenAPI document states, checked by schemathesis on every operation (on SQLite
and on PostgreSQL, like the rest of the suite): no server errors, only documented statuses and media types, every
request the document allows is accepted and every one it forbids is refused (all checks), then the stateful phase
chaining operations through their links. Bounded: three examples per operation, so a new route cannot break the
contract unnoticed without making the suite slow. `schemathesis.toml` lists the few refusals a schema cannot state."""

from __future__ import annotations

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck
from schemathesis.config import SchemathesisConfig

from tests.conftest import REPO, on_postgres

EXAMPLES = 3
SETTINGS = hypothesis.settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                               suppress_health_check=list(HealthCheck))


def _config() -> SchemathesisConfig:
    """The repository's settings. On PostgreSQL the suite leaves out schemathesis' coverage phase (its boundary
    values and negative cases are the same on both databases and run on SQLite); examples and fuzzing reach the
    database-specific paths on both."""
    text = (REPO / "schemathesis.toml").read_text()
    if on_postgres():
        text = "[phases.coverage]\nenabled = false\n\n" + text
    return SchemathesisConfig.from_str(text, base_dir=str(REPO))


def _fresh_headers() -> dict[str, str]:
    """A new admin token per operation: an operation may revoke the token it runs with (DELETE /admin/tokens)."""
    from vigil.platform.database import session_scope
    from vigil.platform.identity import service
    from vigil.platform.identity.principal import SYSTEM

    with session_scope() as db:
        _, secret = service.create_token(db, SYSTEM, "admin", "schemathesis")
    return {"Authorization": f"Bearer {secret}", "X-Vigil-Purpose": "API contract test (schemathesis)"}


@pytest.fixture(scope="module")
def contract_app(vigil_db):
    return APP


def _app():
    """The app, built at collection time: its routes and API document depend on no database (requests reach the
    database of the test module's `vigil_db`, through the settings read per request)."""
    import os

    from vigil.platform.config import reset_settings
    from vigil.web.app import create_app

    saved = os.environ.get("VIGIL_SECRET_KEY")
    os.environ["VIGIL_SECRET_KEY"] = "contract-document"  # so building the app writes no key file anywhere
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
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP, config=_config())


@pytest.fixture
def api_headers(contract_app):
    return _fresh_headers()


@schema.parametrize()
@SETTINGS
def test_every_operation_keeps_the_contract(case, api_headers, contract_app):
    case.call_and_validate(headers=api_headers)


def test_operations_chained_keep_the_contract(contract_app):
    headers = _fresh_headers()

    class Machine(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            nonlocal headers
            if case.path.startswith("/api/v1/admin/tokens") and case.method == "DELETE":
                headers = _fresh_headers()  # the call may revoke the token the next steps would use
            return {"headers": dict(headers)}

    Machine.run(settings=hypothesis.settings(SETTINGS, max_examples=8, stateful_step_count=5))


def test_document_lists_problem_json_for_every_error(contract_app):
    doc = contract_app.openapi()
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            for status in ("400", "401", "403", "404", "409", "422"):
                content = operation["responses"][status]["content"]
                expected = "application/taxii+json;version=2.1" if path.startswith("/taxii2") else \
                    "application/problem+json"
                assert list(content) == [expected], (method, path, status)


def test_console_pages_render_after_the_fuzzing(contract_app):
    """Whatever the fuzzing above left in the database (odd names, scripts, empty lists), every console page that
    takes no parameters still renders for an administrator: no page depends on tidy data or on test order."""
    from fastapi.testclient import TestClient

    from tests.conftest import login

    client = TestClient(contract_app, base_url="https://testserver", raise_server_exceptions=False)
    login(client, "admin")
    from vigil.web.routing import served_routes

    paths = sorted({path for path, methods in served_routes(contract_app) if "GET" in methods
                    and "{" not in path and not path.startswith(("/api/", "/taxii2", "/static"))})
    assert {"/", "/registrations", "/ledger", "/response", "/tips"} <= set(paths) and len(paths) > 25
    # an event stream (/response/feed) runs until told how many events to send
    broken = {path: client.get(path, params={"max_events": 1} if path.endswith("/feed") else None).status_code
              for path in paths}
    assert {path: status for path, status in broken.items() if status >= 500} == {}
