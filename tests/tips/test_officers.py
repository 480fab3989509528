"""Officers' side: triage (link to an incident or a case, create an incident, close), rewards, contact reads with a
purpose, volunteers and patrol shifts, retention."""
from __future__ import annotations

import sys
import types
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from tests.conftest import login, make_client
from vigil.platform.audit.models import AuditEvent
from vigil.platform.database import session_scope
from vigil.tips.models import Tip, Volunteer


def new_tip(text: str, contact: str | None = None) -> int:
    body = {"category": "theft", "text": text, **({"contact": contact} if contact else {})}
    with make_client() as c:
        assert c.post("/api/v1/public/tips", json=body).status_code == 201
    with session_scope() as db:
        return db.scalar(select(func.max(Tip.id)))


def test_triage_link_case_incident_close_and_reward(vigil_db):
    tip_id = new_tip("My wallet was taken on line 3")
    operator, supervisor = login(make_client(), "operator"), login(make_client(), "supervisor")
    cases = supervisor.get("/api/v1/cases").json()["items"]
    visible = next(c for c in cases if not c["restricted"])
    assert supervisor.post(f"/api/v1/tips/{tip_id}/rewards", json={"amount_cents": 5000, "reason": "x"}
                           ).status_code == 409  # not linked yet
    linked = operator.post(f"/api/v1/tips/{tip_id}/link", json={"case_id": visible["id"]})
    assert linked.status_code == 200 and linked.json()["case_id"] == visible["id"]
    assert linked.json()["status"] == "in_review"
    assert operator.post(f"/api/v1/tips/{tip_id}/link", json={"case_id": 999999}).status_code == 404
    for both_or_none in ({}, {"case_id": visible["id"], "incident_ref": "X-1"}):
        assert operator.post(f"/api/v1/tips/{tip_id}/link", json=both_or_none).status_code == 422
    ref = operator.post(f"/api/v1/tips/{tip_id}/link", json={"incident_ref": "INC-2026-0042"})
    assert ref.json()["incident_ref"] == "INC-2026-0042"
    assert operator.post(f"/api/v1/tips/{tip_id}/rewards", json={"amount_cents": 5000, "reason": "x"}
                         ).status_code == 403  # rewards are a supervisor's decision
    reward = supervisor.post(f"/api/v1/tips/{tip_id}/rewards",
                             json={"amount_cents": 5000, "currency": "EUR", "reason": "Led to the arrest"})
    assert reward.status_code == 201 and reward.json()["recorded_by"] == "supervisor"
    closed = operator.post(f"/api/v1/tips/{tip_id}/close", json={"outcome": "Suspect identified"})
    assert closed.json()["status"] == "closed" and closed.json()["closed_at"]
    assert operator.post(f"/api/v1/tips/{tip_id}/questions", json={"question": "more?"}).status_code == 409
    viewer = login(make_client(), "viewer")
    assert viewer.post(f"/api/v1/tips/{tip_id}/close", json={"outcome": "x"}).status_code == 403
    with session_scope() as db:
        actions = set(db.scalars(select(AuditEvent.action).where(AuditEvent.record_type == "tip",
                                                                 AuditEvent.record_id == str(tip_id))))
    assert {"tip.submit", "tip.link", "tip.reward", "tip.close"} <= actions


def test_create_incident_without_and_with_rapid_response(vigil_db, monkeypatch):
    tip_id = new_tip("Fight outside the bar on Carrer Major")
    operator = login(make_client(), "operator")
    try:
        import vigil.response.service  # noqa: F401
        installed = True
    except ModuleNotFoundError:
        installed = False
    if not installed:
        missing = operator.post(f"/api/v1/tips/{tip_id}/incident")
        assert missing.status_code == 404 and "rapid response is not installed" in missing.json()["detail"]
    calls = []
    fake = types.ModuleType("vigil.response.service")

    def create_incident_from_tip(session, actor, category, text, lat, lon, tip_code):
        calls.append((actor.username, category, text, tip_code))
        return "RR-77"

    fake.create_incident_from_tip = create_incident_from_tip
    monkeypatch.setitem(sys.modules, "vigil.response", types.ModuleType("vigil.response"))
    monkeypatch.setitem(sys.modules, "vigil.response.service", fake)
    made = operator.post(f"/api/v1/tips/{tip_id}/incident")
    assert made.status_code == 201 and made.json() == {"incident_ref": "RR-77"}
    assert calls == [("operator", "theft", "Fight outside the bar on Carrer Major", f"tip-{tip_id}")]
    assert operator.get(f"/api/v1/tips/{tip_id}").json()["incident_ref"] == "RR-77"


def test_contact_needs_a_purpose_and_is_audited(vigil_db):
    tip_id = new_tip("Saw the van again", contact="+376 611 222")
    analyst, viewer = login(make_client(), "analyst"), login(make_client(), "viewer")
    detail = analyst.get(f"/api/v1/tips/{tip_id}").json()
    assert detail["has_contact"] is True and "611" not in str(detail)
    assert analyst.get(f"/api/v1/tips/{tip_id}/contact").status_code == 428
    assert viewer.get(f"/api/v1/tips/{tip_id}/contact", headers={"X-Vigil-Purpose": "follow-up call"}
                      ).status_code == 403
    read = analyst.get(f"/api/v1/tips/{tip_id}/contact", headers={"X-Vigil-Purpose": "follow-up call"})
    assert read.json()["contact"] == "+376 611 222"
    with session_scope() as db:
        event = db.scalars(select(AuditEvent).where(AuditEvent.action == "personal_data.read",
                                                    AuditEvent.record_type == "tip")).all()[-1]
    assert event.purpose == "follow-up call" and event.actor == "analyst"


def test_volunteers_contact_and_shifts(vigil_db):
    operator, analyst = login(make_client(), "operator"), login(make_client(), "analyst")
    made = operator.post("/api/v1/volunteers", json={
        "display_name": "Anna Soler", "phone": "+376 622 333", "email": "anna@example.org", "area": "Encamp",
        "consent_text": "Signed consent form, shifts only", "retention_days": 365})
    assert made.status_code == 201
    volunteer = made.json()
    assert "phone" not in volunteer and volunteer["retention_until"] == str(
        (datetime.now(timezone.utc) + timedelta(days=365)).date())
    vid = volunteer["id"]
    assert operator.get(f"/api/v1/volunteers/{vid}/contact").status_code == 428
    contact = operator.get(f"/api/v1/volunteers/{vid}/contact", headers={"X-Vigil-Purpose": "shift change"})
    assert contact.status_code == 200 and contact.json()["phone"] == "+376 622 333"
    with session_scope() as db:
        event = db.scalars(select(AuditEvent).where(AuditEvent.record_type == "volunteer",
                                                    AuditEvent.action == "personal_data.read")).all()[-1]
    assert (event.purpose, event.actor, event.record_id) == ("shift change", "operator", str(vid))
    start = datetime(2027, 1, 10, 18, tzinfo=timezone.utc)
    shift = {"area": "Encamp", "starts_at": start.isoformat(), "hours": 3}
    first = operator.post(f"/api/v1/volunteers/{vid}/shifts", json=shift)
    assert first.status_code == 201 and first.json()["starts_at"] == "2027-01-10T18:00:00Z"
    overlap = dict(shift, starts_at=(start + timedelta(hours=2)).isoformat())
    assert operator.post(f"/api/v1/volunteers/{vid}/shifts", json=overlap).status_code == 409
    for hours in (0, -1, 25):
        assert operator.post(f"/api/v1/volunteers/{vid}/shifts", json=dict(shift, hours=hours)).status_code == 422
    done = operator.post(f"/api/v1/volunteers/shifts/{first.json()['id']}/status", json={"status": "done"})
    assert done.json()["status"] == "done"
    listed = operator.get("/api/v1/volunteers/shifts", params={"start": "2027-01-01T00:00:00Z"}).json()
    assert [s["id"] for s in listed] == [first.json()["id"]]
    # the analyst is in another agency: this agency's volunteers are not theirs to see
    assert analyst.get(f"/api/v1/volunteers/{vid}").status_code == 404


def test_supervisor_reads_a_volunteer_contact_with_a_purpose(vigil_db):
    supervisor = login(make_client(), "supervisor")
    vid = supervisor.get("/api/v1/volunteers").json()[0]["id"]
    read = supervisor.get(f"/api/v1/volunteers/{vid}/contact", headers={"X-Vigil-Purpose": "confirm shift"})
    assert read.status_code == 200 and "@" in read.json()["email"]


def test_purge_deletes_what_is_past_retention(vigil_db):
    from vigil.platform import jobs
    from vigil.platform.registry import load_jobs

    load_jobs()
    tip_id = new_tip("Old report to be purged")
    with session_scope() as db:
        db.get(Tip, tip_id).retention_until = date(2020, 1, 1)
        v = db.scalars(select(Volunteer)).first()
        v.retention_until = date(2020, 1, 1)
        vid = v.id
    summary = jobs.run("tips.purge")
    assert summary.startswith("purged 1 tips and 1 volunteers")
    with session_scope() as db:
        assert db.get(Tip, tip_id) is None and db.get(Volunteer, vid) is None


@pytest.mark.parametrize("path", ["/tips", "/tips/1", "/tips/volunteers"])
def test_console_pages_need_login(client, path):
    resp = client.get(path, follow_redirects=False)
    assert resp.status_code == 303 and resp.headers["location"].startswith("/login")
