"""Bad input gets 4xx problem+json; an unhandled error is logged with its request id, never shown."""

from __future__ import annotations

import logging

from fastapi import APIRouter

from tests.conftest import login, make_client

PROBLEM = "application/problem+json"
CASE = {"title": "Bag theft", "legal_basis": "Criminal Procedure Code art. 110"}


def test_malformed_json(as_user):
    resp = as_user("operator").post("/api/v1/cases", content=b'{"title": ', headers={"content-type": "application/json"})
    assert resp.status_code == 400 and resp.headers["content-type"] == PROBLEM


def test_wrong_types_and_unknown_fields(as_user):
    c = as_user("operator")
    wrong = c.post("/api/v1/cases", json={**CASE, "classification": "very secret"})
    assert wrong.status_code == 422 and wrong.headers["content-type"] == PROBLEM
    assert wrong.json()["errors"][0]["loc"][-1] == "classification"
    unknown = c.post("/api/v1/cases", json={**CASE, "ethnicity": "x"})
    assert unknown.status_code == 422
    assert "ethnicity" in unknown.json()["errors"][0]["loc"]


def test_oversized_body(as_user):
    c = as_user("operator")
    resp = c.post("/api/v1/cases", content=b'{"title":"' + b"x" * 2_000_000 + b'"}',
                  headers={"content-type": "application/json"})
    assert resp.status_code == 413 and resp.headers["content-type"] == PROBLEM


def test_bad_cursor_and_limit(as_user):
    c = as_user("viewer")
    # The document states the cursor's and the limit's form, so a request outside it fails validation (422).
    assert c.get("/api/v1/cases", params={"cursor": "%%%not-a-cursor"}).status_code == 422
    assert c.get("/api/v1/cases", params={"limit": 0}).status_code == 422
    assert c.get("/api/v1/cases/not-a-number").status_code == 404  # ids are digits: no such case


def test_cursor_pagination_walks_everything_once(as_user):
    c = as_user("operator")
    for i in range(7):
        c.post("/api/v1/cases", json={**CASE, "title": f"Pagination case {i}"}).raise_for_status()
    seen, cursor = [], None
    while True:
        page = c.get("/api/v1/cases", params={"limit": 3, **({"cursor": cursor} if cursor else {})}).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) >= 7
    assert seen == sorted(seen, reverse=True)


def test_unhandled_exception_is_logged_with_request_id(vigil_db, caplog):
    from vigil.web.app import create_app
    from fastapi.testclient import TestClient

    app = create_app()
    boom = APIRouter()

    @boom.get("/api/v1/boom")
    def explode():
        raise RuntimeError("database on fire")

    @boom.get("/boom")
    def explode_page():
        raise RuntimeError("template on fire")

    app.include_router(boom)
    caplog.set_level(logging.ERROR, logger="vigil")
    logging.getLogger("vigil").propagate = True
    try:
        with TestClient(app, base_url="https://testserver", raise_server_exceptions=False) as c:
            api = c.get("/api/v1/boom", headers={"X-Request-ID": "req-123"})
            assert api.status_code == 500 and api.headers["content-type"] == PROBLEM
            assert "database on fire" not in api.text and "req-123" in api.json()["detail"]
            page = c.get("/boom")
            assert page.status_code == 500 and "Traceback" not in page.text and "template on fire" not in page.text
            assert "Something went wrong" in page.text
    finally:
        logging.getLogger("vigil").propagate = False
    logged = [r for r in caplog.records if r.name == "vigil.errors"]
    assert logged and logged[0].exc_info is not None and logged[0].request_id == "req-123"


def test_openapi_document(client):
    doc = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/cases" in doc["paths"] and "/api/v1/auth/login" in doc["paths"]


def test_console_error_is_a_page(as_user):
    c = as_user("viewer")
    resp = c.get("/cases/999999")
    assert resp.status_code == 404 and "text/html" in resp.headers["content-type"]


def test_console_form_validation_error(vigil_db):
    with make_client() as c:
        login(c, "operator")
        resp = c.post("/cases", data={"title": "x", "legal_basis": "", "csrf_token": c.headers["X-CSRF-Token"]})
        assert resp.status_code == 422 and "Please correct the form" in resp.text
