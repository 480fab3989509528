"""The console pages of sites and risk, through the app (forms with CSRF, error pages)."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from vigil.platform.database import session_scope
from vigil.risk.models import Event


def _csrf(client) -> str:
    return client.headers["X-CSRF-Token"]


def test_pages_render_for_a_viewer_and_forms_are_refused(as_user):
    viewer = as_user("viewer")
    with session_scope() as db:
        event_id = db.scalars(select(Event.id)).first()
    for url in ("/sites", "/sites/campaigns", "/sites/supervision", "/sites/1", "/risk", "/risk/sites/1",
                f"/risk/events/{event_id}"):
        resp = viewer.get(url)
        assert resp.status_code == 200, url
    assert "New campaign" not in viewer.get("/sites/campaigns").text  # supervisors plan campaigns
    resp = viewer.post("/sites", data={"csrf_token": _csrf(viewer), "name": "X", "type": "bank", "lat": "1",
                                       "lon": "1"})
    assert resp.status_code == 403


def test_campaign_and_register_forms(as_user):
    boss = as_user("supervisor")
    resp = boss.post("/sites/campaigns", data={"csrf_token": _csrf(boss), "name": "Console campaign",
                                               "starts": "2099-01-01", "ends": "2099-02-01", "regions": "Ordino",
                                               "site_types": ["telecom"]}, follow_redirects=False)
    assert resp.status_code == 303
    board = boss.get(resp.headers["location"])
    assert "Console campaign" in board.text and "Agency tasks" in board.text
    task_id = re.search(r'id="task-(\d+)"', board.text).group(1)
    unit_id = re.search(r'<option value="(\d+)">', board.text).group(1)
    resp = boss.post(f"/sites/tasks/{task_id}/delegate", data={"csrf_token": _csrf(boss), "title": "Station part",
                                                              "deadline": "2099-01-20", "unit_id": unit_id},
                     follow_redirects=False)
    assert resp.status_code == 303 and "Station part" in boss.get(resp.headers["location"]).text
    past = boss.post(f"/sites/tasks/{task_id}/delegate", data={"csrf_token": _csrf(boss), "title": "Late",
                                                              "deadline": "2001-01-01", "unit_id": unit_id})
    assert past.status_code == 409 and "in the past" in past.text
    analyst = as_user("analyst")
    resp = analyst.post("/risk/entries", data={"csrf_token": _csrf(analyst), "site_id": "2", "threat": "Ram raid",
                                               "likelihood": "4", "impact": "4", "controls": "Bollards",
                                               "residual_likelihood": "2", "residual_impact": "3",
                                               "owner": "Station"}, follow_redirects=False)
    assert resp.status_code == 303
    page = analyst.get("/risk/sites/2").text
    assert "Ram raid" in page and "Bollards" in page


def test_bad_import_shows_every_row_error(as_user):
    boss = as_user("supervisor")
    bad = "name,type,lat,lon\nA,bank,42.5,1.5\nB,castle,42.5,1.5\nC,bank,99,1.5\n"
    resp = boss.post("/sites/import", data={"csrf_token": _csrf(boss)}, files={"file": ("x.csv", bad, "text/csv")})
    assert resp.status_code == 422
    text = html.unescape(resp.text)
    assert "line 3: type 'castle'" in text and "line 4: coordinates out of range" in text


def test_checklist_published_from_the_console_is_a_new_version(as_user):
    boss = as_user("supervisor")
    resp = boss.post("/sites/checklists", data={"csrf_token": _csrf(boss), "site_type": "telecom",
                                                "title": "Mast check", "items": "fence: Fence intact\nlock: Cabinet locked"},
                     follow_redirects=False)
    assert resp.status_code == 303
    again = boss.post("/sites/checklists", data={"csrf_token": _csrf(boss), "site_type": "telecom",
                                                 "title": "Mast check v2", "items": "fence: Fence intact"})
    assert again.status_code == 200
    page = boss.get("/sites/campaigns").text
    assert "Mast check v2" in page and "Cabinet locked" in page
    bad = boss.post("/sites/checklists", data={"csrf_token": _csrf(boss), "site_type": "telecom", "title": "Dup",
                                               "items": "a: One\na: Two"})
    assert bad.status_code == 409
