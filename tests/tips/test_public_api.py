"""The public tip line, as the acceptance contract states it, plus what it must never do."""
from __future__ import annotations

import concurrent.futures

import pytest
from sqlalchemy import inspect, select, text

from tests.conftest import login, make_client
from vigil.platform.audit.models import AuditEvent
from vigil.platform.database import get_engine, session_scope
from vigil.tips.schemas import CATEGORIES

ADDRESS = "203.0.113.77"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def public(vigil_db):
    from fastapi.testclient import TestClient

    from vigil.web.app import create_app

    with TestClient(create_app(), base_url="https://testserver", client=(ADDRESS, 40000)) as c:
        yield c


def test_contract_submit_status_unknown(public):
    resp = public.post("/api/v1/public/tips", json={"category": "suspicious_object",
                                                    "text": "A bag left under the bench at platform 2."})
    assert resp.status_code == 201
    code = resp.json()["code"]
    status = public.get(f"/api/v1/public/tips/{code}")
    assert status.status_code == 200
    body = status.json()
    assert body["status"] == "new" and body["questions"] == []
    assert public.get(f"/api/v1/public/tips/{code.lower().replace('-', ' ')}").status_code == 200
    for unknown in ("0000-0000-0000-0000", "nope", "x" * 300):
        missing = public.get(f"/api/v1/public/tips/{unknown}")
        assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"


def test_categories_are_an_enum_and_unknown_ones_are_422(public):
    schema = public.get("/api/v1/openapi.json").json()
    tip_in = schema["components"]["schemas"]["PublicTipIn"]["properties"]["category"]
    assert tip_in["enum"] == list(CATEGORIES)
    resp = public.post("/api/v1/public/tips", json={"category": "witchcraft", "text": "something"})
    assert resp.status_code == 422 and resp.headers["content-type"] == "application/problem+json"
    for bad in ({"category": "theft"}, {"category": "theft", "text": "   "},
                {"category": "theft", "text": "x", "ip": "1.2.3.4"}, {"category": "theft", "text": "x", "lat": 1},
                {"category": "theft", "text": "x", "position": {"lat": 91, "lon": 0}},
                {"category": "theft", "text": "x", "position": {"lat": 42.5}}):
        assert public.post("/api/v1/public/tips", json=bad).status_code == 422


def test_more_than_20_tips_a_minute_gets_429_never_500(public):
    statuses = [public.post("/api/v1/public/tips", json={"category": "theft", "text": f"stolen bike {i}"})
                for i in range(25)]
    codes = [r.status_code for r in statuses]
    assert codes == [201] * 20 + [429] * 5
    limited = statuses[-1]
    assert limited.headers["content-type"] == "application/problem+json"
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    from fastapi.testclient import TestClient

    from vigil.web.app import create_app

    with TestClient(create_app(), base_url="https://testserver", client=("198.51.100.9", 1)) as other:
        assert other.post("/api/v1/public/tips", json={"category": "theft", "text": "another"}).status_code == 201


def test_a_concurrent_flood_is_limited_without_errors(public):
    def send(i):
        return public.post("/api/v1/public/tips", json={"category": "other", "text": f"flood {i}"}).status_code

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(send, range(40)))
    assert codes.count(201) == 20 and set(codes) == {201, 429}


def test_floods_of_invalid_requests_are_limited_too(public):
    codes = [public.post("/api/v1/public/tips", json={"category": "nope", "text": "x"}).status_code
             for _ in range(65)]
    assert codes[:60] == [422] * 60 and set(codes[60:]) == {429}


def test_link_spam_is_refused_and_junk_flagged(public, vigil_db):
    links = " ".join(f"https://pills{i}.example" for i in range(5))
    resp = public.post("/api/v1/public/tips", json={"category": "other", "text": f"cheap pills {links}"})
    assert resp.status_code == 403 and "spam" in resp.json()["title"]
    junk = public.post("/api/v1/public/tips", json={"category": "other", "text": "cheap pills " * 30})
    assert junk.status_code == 201
    officer = login(make_client(), "viewer")
    newest = officer.get("/api/v1/tips").json()[0]
    assert newest["flag"] == "repeats the same words over and over"


def test_no_address_is_kept_with_a_tip(public):
    code = public.post("/api/v1/public/tips", json={"category": "drugs", "text": "Dealing at the corner",
                                                    "place": "Main street"}).json()["code"]
    public.post(f"/api/v1/public/tips/{code}/files", files={"file": ("p.png", PNG, "image/png")})
    tables = [t for t in inspect(get_engine()).get_table_names() if t.startswith("tip") or t == "audit_events"]
    assert {"tips", "tip_files", "tip_questions", "audit_events"} <= set(tables)
    with get_engine().connect() as conn:
        for table in tables:
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                assert ADDRESS not in " ".join(str(v) for v in row), table
    with session_scope() as db:
        submitted = db.scalars(select(AuditEvent).where(AuditEvent.action == "tip.submit")).all()
        assert submitted and all(ADDRESS not in e.detail and e.actor == "public" for e in submitted)


def test_officer_question_seen_and_answered_by_the_reporter(public, vigil_db):
    code = public.post("/api/v1/public/tips", json={"category": "burglary", "text": "Window forced at No 4"}
                       ).json()["code"]
    officer = login(make_client(), "operator")
    tip_id = officer.get("/api/v1/tips", params={"status": "new"}).json()[0]["id"]
    asked = officer.post(f"/api/v1/tips/{tip_id}/questions", json={"question": "Which street is No 4 in?"})
    assert asked.status_code == 201
    status = public.get(f"/api/v1/public/tips/{code}").json()
    assert status["status"] == "awaiting_reply"
    question = status["questions"][0]
    assert question["question"] == "Which street is No 4 in?" and question["answered_at"] is None
    answered = public.post(f"/api/v1/public/tips/{code}/answers", json={"question_id": question["id"],
                                                                        "answer": "Carrer Major"})
    assert answered.status_code == 200 and answered.json()["answer"] == "Carrer Major"
    again = public.post(f"/api/v1/public/tips/{code}/answers", json={"question_id": question["id"], "answer": "x"})
    assert again.status_code == 409
    assert officer.get(f"/api/v1/tips/{tip_id}").json()["questions"][0]["answer"] == "Carrer Major"
    assert public.get(f"/api/v1/public/tips/{code}").json()["status"] == "in_review"


def test_files_are_checked_by_content_and_only_downloaded(public, vigil_db):
    code = public.post("/api/v1/public/tips", json={"category": "vandalism", "text": "Graffiti on the bridge"}
                       ).json()["code"]
    url = f"/api/v1/public/tips/{code}/files"
    disguised = public.post(url, files={"file": ("photo.png", b"<html><script>alert(1)</script></html>",
                                                 "image/png")})
    assert disguised.status_code == 415
    exe = public.post(url, files={"file": ("photo.jpg", b"MZ\x90\x00\x03" + b"\x00" * 100, "image/jpeg")})
    assert exe.status_code == 415
    big = public.post(url, files={"file": ("big.txt", b"a" * (5 * 1024 * 1024 + 10), "text/plain")})
    assert big.status_code == 413
    stored = public.post(url, files={"file": ("notes.html", b"He wore a red cap.", "text/html")})
    assert stored.status_code == 201 and stored.json()["kind"] == "text"
    officer = login(make_client(), "viewer")
    tip = next(t for t in officer.get("/api/v1/tips").json() if t["category"] == "vandalism")
    file_id = officer.get(f"/api/v1/tips/{tip['id']}").json()["files"][0]["id"]
    download = officer.get(f"/api/v1/tips/{tip['id']}/files/{file_id}")
    assert download.content == b"He wore a red cap."
    assert download.headers["content-disposition"].startswith("attachment")
    assert download.headers["x-content-type-options"] == "nosniff"
    assert "html" not in download.headers["content-type"]
    assert public.get(f"/api/v1/tips/{tip['id']}/files/{file_id}").status_code == 401
