"""The public report page (no login): honeypot, minimum fill time, files, status and answers by code."""
from __future__ import annotations

import re
import time

from sqlalchemy import func, select

from tests.conftest import login, make_client
from vigil.platform.config import get_settings
from vigil.platform.database import session_scope
from vigil.tips.core import spam
from vigil.tips.models import Tip
from vigil.tips.schemas import CATEGORY_LABELS


def count_tips() -> int:
    with session_scope() as db:
        return db.scalar(select(func.count()).select_from(Tip))


def aged_token(seconds: float = 10) -> str:
    return spam.form_token(get_settings().resolved_secret_key(), now=time.time() - seconds)


def test_the_page_needs_no_login_and_lists_the_categories(client):
    page = client.get("/report")
    assert page.status_code == 200
    for label in CATEGORY_LABELS.values():
        assert label in page.text
    assert 'name="website"' in page.text and 'name="form_token"' in page.text


def test_a_report_through_the_page_gives_a_code(client):
    before = count_tips()
    resp = client.post("/report", data={"category": "public_danger", "text": "Loose power cable on the pavement",
                                        "place": "Plaça del Poble", "form_token": aged_token()},
                       files=[("files", ("cable.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "image/png"))])
    assert resp.status_code == 200
    code = re.search(r'id="tip-code">([0-9A-Z-]+)<', resp.text).group(1)
    assert count_tips() == before + 1
    status = client.get("/report/status", params={"code": code})
    assert status.status_code == 200 and "new" in status.text
    assert client.get("/report/status", params={"code": "AAAA-AAAA-AAAA-AAAA"}).status_code == 404


def test_honeypot_and_too_fast_forms_store_nothing(client):
    before = count_tips()
    bot = client.post("/report", data={"category": "theft", "text": "buy", "website": "http://spam.example",
                                       "form_token": aged_token()})
    assert bot.status_code == 200 and "tip-code" not in bot.text
    fast = client.post("/report", data={"category": "theft", "text": "a real text", "form_token": aged_token(0)})
    assert fast.status_code == 422 and "too quickly" in fast.text
    forged = client.post("/report", data={"category": "theft", "text": "a real text", "form_token": "abc"})
    assert forged.status_code == 422
    bad_file = client.post("/report", data={"category": "theft", "text": "with a bad file",
                                            "form_token": aged_token()},
                           files=[("files", ("x.pdf", b"<script>alert(1)</script>", "application/pdf"))])
    assert bad_file.status_code == 415 and "unrecognised or unsafe" in bad_file.text
    assert count_tips() == before  # the tip with the refused file is not half-stored


def test_the_reporter_answers_a_question_on_the_status_page(client):
    resp = client.post("/report", data={"category": "drugs", "text": "Dealing behind the gym",
                                        "form_token": aged_token()})
    code = re.search(r'id="tip-code">([0-9A-Z-]+)<', resp.text).group(1)
    with session_scope() as db:
        tip_id = db.scalar(select(func.max(Tip.id)))
    officer = login(make_client(), "operator")
    officer.post(f"/api/v1/tips/{tip_id}/questions", json={"question": "At what time?"})
    status = client.get("/report/status", params={"code": code})
    assert "At what time?" in status.text and 'name="answer"' in status.text
    qid = officer.get(f"/api/v1/tips/{tip_id}").json()["questions"][0]["id"]
    answered = client.post("/report/answer", data={"code": code, "question_id": qid, "answer": "Around 17:00"})
    assert answered.status_code == 200
    assert officer.get(f"/api/v1/tips/{tip_id}").json()["questions"][0]["answer"] == "Around 17:00"


def test_officer_console_triage_forms(vigil_db):
    officer = login(make_client(), "operator")
    with session_scope() as db:
        tip_id = db.scalar(select(func.max(Tip.id)))
    queue = officer.get("/tips")
    assert queue.status_code == 200 and f'/tips/{tip_id}"' in queue.text
    page = officer.get(f"/tips/{tip_id}")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    linked = officer.post(f"/tips/{tip_id}/link", data={"csrf_token": csrf, "incident_ref": "INC-9"})
    assert linked.status_code == 200 and "INC-9" in linked.text
    no_csrf = make_client()
    login(no_csrf, "operator")
    no_csrf.headers.pop("X-CSRF-Token")
    assert no_csrf.post(f"/tips/{tip_id}/close", data={"outcome": "x"}).status_code == 403
    closed = officer.post(f"/tips/{tip_id}/close", data={"csrf_token": csrf, "outcome": "Passed to drugs unit"})
    assert "Passed to drugs unit" in closed.text and "closed" in closed.text
    volunteers = officer.post("/tips/volunteers", data={"csrf_token": csrf, "display_name": "Pere Roca",
                                                        "area": "Ordino", "consent_text": "Signed form"})
    assert volunteers.status_code == 200 and "Pere Roca" in volunteers.text
