"""The rapid-response API on the demo database (Andorra fleet): recommendation contract, intake, dispatch,
timeline, positions, alarms, key areas, coverage and planning, boards, the live feed, the cross-capability calls."""

from __future__ import annotations

import json
import time

import pytest

from vigil.response.core import signing

PROBLEM = "application/problem+json"
PLACA = {"lat": 42.5068, "lon": 1.5226}


def available_ids(client) -> set[str]:
    return {u["id"] for u in client.get("/api/v1/response/units").json() if u["status"] == "available"}


def new_incident(client, **extra) -> dict:
    resp = client.post("/api/v1/response/incidents", json={"type": "theft", "priority": 2, **PLACA, **extra})
    assert resp.status_code == 201, resp.text
    return resp.json()


def test_recommend_contract(as_user):
    op = as_user("operator")
    resp = op.post("/api/v1/response/recommend", json=PLACA)
    assert resp.status_code == 200
    units = resp.json()["units"]
    assert len(units) >= 10
    times = [u["travel_time_s"] for u in units]
    assert times == sorted(times) and times[0] < 300
    assert {u["id"] for u in units} <= available_ids(op)
    medical = op.post("/api/v1/response/recommend", json={**PLACA, "kinds": ["medical", "mental health"]}).json()
    assert medical["units"] and {u["kind"] for u in medical["units"]} <= {"medical", "mental health"}
    # a unit sent elsewhere drops out of the ranking
    incident = new_incident(op)
    assert op.post(f"/api/v1/response/incidents/{incident['id']}/assign",
                   json={"unit_id": units[0]["id"]}).status_code == 200
    again = op.post("/api/v1/response/recommend", json=PLACA).json()["units"]
    assert units[0]["id"] not in {u["id"] for u in again}


def test_recommend_far_from_network_is_422_problem(as_user):
    op = as_user("viewer")
    resp = op.post("/api/v1/response/recommend", json={"lat": 42.0, "lon": 1.0})
    assert resp.status_code == 422
    assert resp.headers["content-type"].startswith(PROBLEM)
    assert resp.json()["distance_m"] > 500
    assert op.post("/api/v1/response/recommend", json={"lat": 91, "lon": 1}).status_code == 422
    assert op.post("/api/v1/response/recommend", json={"lat": 42.5, "lon": 1.5, "x": 1}).status_code == 422


def test_intake_needs_operator_and_a_location(as_user):
    assert as_user("viewer").post("/api/v1/response/incidents", json={"type": "theft", **PLACA}).status_code == 403
    op = as_user("operator")
    assert op.post("/api/v1/response/incidents", json={"type": "theft"}).status_code == 422
    assert op.post("/api/v1/response/incidents", json={"type": "theft", "lat": 42.5}).status_code == 422
    unknown = op.post("/api/v1/response/incidents", json={"type": "theft", "address": "Qwxz Nowhere 999 Zzz"})
    assert unknown.status_code == 422 and "unknown address" in unknown.json()["detail"]


def test_intake_by_street_name(as_user):
    op = as_user("operator")
    found = op.get("/api/v1/response/places", params={"q": "Avinguda Meritxell"}).json()
    assert found and found[0]["score"] >= 80
    incident = new_incident(op, lat=None, lon=None, address="avinguda meritxell")
    assert incident["address"] == found[0]["name"]
    assert abs(incident["lat"] - found[0]["lat"]) < 1e-9
    assert op.get(f"/api/v1/response/incidents/{incident['id']}/recommend").json()["units"]
    town = op.get("/api/v1/response/places", params={"q": "Ordino"}).json()[0]
    assert town["kind"] == "place" and abs(town["lat"] - 42.556) < 0.01  # an OSM place, not only streets
    assert new_incident(op, lat=None, lon=None, address="ordino")["address"] == "Ordino"


def test_unit_assigned_twice_is_409_with_current_assignment(as_user):
    op = as_user("operator")
    first, second = new_incident(op), new_incident(op)
    unit = sorted(available_ids(op))[0]
    assert op.post(f"/api/v1/response/incidents/{first['id']}/assign", json={"unit_id": unit}).status_code == 200
    clash = op.post(f"/api/v1/response/incidents/{second['id']}/assign", json={"unit_id": unit})
    assert clash.status_code == 409 and clash.headers["content-type"].startswith(PROBLEM)
    assert clash.json()["current_assignment"] == {"unit_id": unit, "incident_id": first["id"],
                                                  "status": "dispatched"}
    other = sorted(available_ids(op))[0]
    again = op.post(f"/api/v1/response/incidents/{first['id']}/assign", json={"unit_id": other})
    assert again.status_code == 409 and again.json()["current_assignment"]["unit_id"] == unit
    assert op.post(f"/api/v1/response/incidents/{second['id']}/assign", json={"unit_id": "NO-SUCH"}).status_code \
        == 404


def test_transitions_in_order_and_timeline_appended(as_user):
    op = as_user("operator")
    incident = new_incident(op)
    iid = incident["id"]
    unit = sorted(available_ids(op))[-1]
    move = lambda state: op.post(f"/api/v1/response/incidents/{iid}/transitions", json={"state": state})  # noqa
    assert move("acknowledged").status_code == 409  # not dispatched yet
    op.post(f"/api/v1/response/incidents/{iid}/assign", json={"unit_id": unit})
    skipped = move("on_scene")
    assert skipped.status_code == 409 and skipped.json()["allowed"] == ["acknowledged", "cleared"]
    for state in ("acknowledged", "en_route", "on_scene"):
        assert move(state).status_code == 200
    assert move("en_route").status_code == 409  # backwards
    units = {u["id"]: u for u in op.get("/api/v1/response/units").json()}
    assert units[unit]["status"] == "on_scene" and units[unit]["incident_id"] == iid
    done = move("cleared").json()
    assert done["status"] == "cleared" and done["on_scene_at"] and done["cleared_at"]
    assert move("cleared").status_code == 409
    events = op.get(f"/api/v1/response/incidents/{iid}/timeline").json()
    assert [e["state"] for e in events] == ["received", "dispatched", "acknowledged", "en_route", "on_scene",
                                            "cleared"]
    assert all(e["at"].endswith("Z") for e in events)
    assert unit in available_ids(op)


def test_position_batch_resolves_stale_and_out_of_order(as_user):
    op = as_user("operator")
    units = sorted(available_ids(op))[:2]
    base = time.time()

    def at(offset):
        return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(base + offset)) + "Z"

    first = op.post("/api/v1/response/units/positions", json={"updates": [
        {"unit_id": units[0], "lat": 42.51, "lon": 1.53, "at": at(10)},
        {"unit_id": units[0], "lat": 42.52, "lon": 1.54, "at": at(5)},  # older, same batch: superseded
        {"unit_id": units[1], "lat": 42.50, "lon": 1.52, "at": at(10)},
        {"unit_id": "GHOST-1", "lat": 42.50, "lon": 1.52, "at": at(10)}]})
    assert first.status_code == 200
    assert first.json() == {"received": 4, "applied": 2, "stale": 0, "superseded": 1, "unknown_units": ["GHOST-1"]}
    second = op.post("/api/v1/response/units/positions", json={"updates": [
        {"unit_id": units[0], "lat": 42.0, "lon": 1.0, "at": at(8)},  # older than stored: stale
        {"unit_id": units[1], "lat": 42.505, "lon": 1.525, "at": at(20)}]}).json()
    assert (second["applied"], second["stale"]) == (1, 1)
    stored = {u["id"]: u for u in op.get("/api/v1/response/units").json()}
    assert (stored[units[0]]["lat"], stored[units[0]]["lon"]) == (42.51, 1.53)
    assert (stored[units[1]]["lat"], stored[units[1]]["lon"]) == (42.505, 1.525)
    assert op.post("/api/v1/response/units/positions", json={"updates": []}).status_code == 422
    assert as_user("viewer").post("/api/v1/response/units/positions", json={"updates": [
        {"unit_id": units[0], "lat": 42.0, "lon": 1.0, "at": at(30)}]}).status_code == 403


def test_alarm_webhook_signature_and_replay(as_user, client):
    sup = as_user("supervisor")
    created = sup.post("/api/v1/response/alarm-sources", json={"id": "bank-alarms", "name": "Bank alarms"})
    assert created.status_code == 201
    secret = created.json()["secret"]
    body = json.dumps({"event_id": "evt-1", "lat": 42.5076, "lon": 1.5300, "notes": "vault door"}).encode()

    def send(payload: bytes, ts: int | None = None, key: str = secret, source: str = "bank-alarms"):
        stamp = str(ts if ts is not None else int(time.time()))
        return client.post(f"/api/v1/response/alarms/{source}", content=payload, headers={
            "Content-Type": "application/json", "X-Vigil-Timestamp": stamp,
            "X-Vigil-Signature": signing.sign(key, stamp, payload)})

    ok = send(body)
    assert ok.status_code == 201
    incident = sup.get(f"/api/v1/response/incidents/{ok.json()['incident_id']}").json()
    assert incident["source"] == "alarm" and incident["type"] == "alarm" and incident["priority"] == 1
    replay = send(body)
    assert replay.status_code == 409 and replay.json()["incident_id"] == incident["id"]
    assert send(body, key="wrong").status_code == 401
    stale = send(json.dumps({"event_id": "evt-2", "lat": 42.5, "lon": 1.5}).encode(), ts=int(time.time()) - 3600)
    assert stale.status_code == 401 and "Stale" in stale.json()["title"]
    assert send(b"{not json", ts=None).status_code == 422
    assert send(body, source="nobody").status_code == 401
    unsigned = client.post("/api/v1/response/alarms/bank-alarms", content=body,
                           headers={"Content-Type": "application/json"})
    assert unsigned.status_code == 401 and unsigned.headers["content-type"].startswith(PROBLEM)


# Villages on Andorra's roads, far apart: the demo's key sites are key areas too, so the test picks one no area covers.
VILLAGES = [(42.5669, 1.5984), (42.5562, 1.5331), (42.5450, 1.5148), (42.4637, 1.4913), (42.5425, 1.7336),
            (42.5766, 1.6677), (42.5720, 1.4846), (42.6190, 1.5400), (42.5070, 1.5390), (42.5950, 1.5250)]


def free_spot(areas: list[dict]) -> tuple[float, float]:
    """A village at least 300 m beyond every key area's circle, and outside every polygon's bounding box."""
    def clear(lat, lon):
        for a in areas:
            if a["polygon"]:
                lats, lons = [p[1] for p in a["polygon"]], [p[0] for p in a["polygon"]]
                if min(lats) - 0.005 <= lat <= max(lats) + 0.005 and min(lons) - 0.005 <= lon <= max(lons) + 0.005:
                    return False
            elif haversine_m(lat, lon, a["lat"], a["lon"]) <= (a["radius_m"] or 0) + 300:
                return False
        return True

    free = [v for v in VILLAGES if clear(*v)]
    assert free, "every village lies in a key area: the demo's key areas grew"
    return free[0]


def haversine_m(lat1, lon1, lat2, lon2) -> float:
    import math

    dlat, dlon = math.radians(lat2 - lat1), math.radians(lon2 - lon1)
    h = math.sin(dlat / 2) ** 2 + math.cos(math.radians(lat1)) * math.cos(math.radians(lat2)) * math.sin(dlon / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def test_key_areas_drive_the_three_minute_target(as_user):
    sup = as_user("supervisor")
    made = sup.post("/api/v1/response/key-areas", json={"name": "Test plaza", "lat": 42.5340, "lon": 1.5800,
                                                         "radius_m": 200})
    assert made.status_code == 201
    inside = new_incident(sup, lat=42.5345, lon=1.5801)
    # the demo's key sites are key areas too, and one may cover the same spot: the target is what matters
    assert inside["key_area"] and inside["area"] and inside["scene_target_s"] == 180
    spot = free_spot(sup.get("/api/v1/response/key-areas").json())
    outside = new_incident(sup, lat=spot[0], lon=spot[1])
    assert not outside["key_area"] and outside["scene_target_s"] == 300
    assert sup.post("/api/v1/response/key-areas", json={"name": "no shape", "lat": 42.5}).status_code == 422


def test_key_area_import_is_all_or_nothing_with_line_numbers(as_user):
    sup = as_user("supervisor")
    before = len(sup.get("/api/v1/response/key-areas").json())
    bad = "name,lat,lon,radius_m\nStation,42.51,1.53,300\nBroken,north,1.53,300\nHuge,42.5,1.5,99999\n"
    resp = sup.post("/api/v1/response/key-areas/import", json={"format": "csv", "content": bad})
    assert resp.status_code == 422
    errors = resp.json()["errors"]
    assert len(errors) == 2 and errors[0].startswith("line 3") and errors[1].startswith("line 4")
    assert len(sup.get("/api/v1/response/key-areas").json()) == before
    geo = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1.53, 42.51]},
         "properties": {"name": "Bus station", "radius_m": 150}},
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[1.52, 42.50], [1.53, 42.50],
                                                                             [1.53, 42.51], [1.52, 42.50]]]},
         "properties": {"name": "Old town"}}]}
    good = sup.post("/api/v1/response/key-areas/import", json={"format": "geojson", "content": json.dumps(geo)})
    assert good.status_code == 200 and good.json()["created"] == 2
    assert as_user("operator").post("/api/v1/response/key-areas/import",
                                    json={"format": "csv", "content": "x"}).status_code == 403


def test_coverage_placement_and_patrol_plan(as_user):
    an = as_user("analyst")
    cov = an.get("/api/v1/response/coverage").json()
    shares = cov["covered_share"]
    assert cov["posts"] >= 6 and 0 < shares["60"] <= shares["180"] <= shares["300"] <= 1
    assert any(p["band_s"] for p in cov["places"])
    placed = an.post("/api/v1/response/placement", json={"units": 4, "candidates": 120}).json()
    assert len(placed["posts"]) == 4 and 0 < placed["covered_share"] <= 1 and placed["gap"] >= 0
    assert placed["demand_points"] >= 120 and placed["status"] == "Optimal"
    plan = an.get("/api/v1/response/patrol-plan", params={"units": 3}).json()
    assert [b["hours"] for b in plan] == ["00-06", "06-10", "10-16", "16-20", "20-24"]
    assert all(len(b["posts"]) <= 3 for b in plan) and sum(b["incidents"] for b in plan) > 0
    # a band is a rush exactly when its rate is above 1.25 times the day's mean; the demo's history follows its
    # hourly profile at whatever hour it was seeded, so its evening peak is one
    mean = sum(b["incidents"] for b in plan) / 24
    spans = [int(b["hours"][3:]) - int(b["hours"][:2]) for b in plan]
    assert [b["rush"] for b in plan] == [b["incidents"] / span > 1.25 * mean for b, span in zip(plan, spans)]
    assert any(b["rush"] for b in plan)
    assert as_user("viewer").post("/api/v1/response/placement", json={"units": 2}).status_code == 403


def test_board_and_attainment(as_user):
    viewer = as_user("viewer")
    board = viewer.get("/api/v1/response/board").json()
    assert board and all(r["incident"]["status"] != "cleared" for r in board)
    remaining = [r["target_s"] - r["elapsed_s"] for r in board]
    assert remaining == sorted(remaining)
    risky = viewer.get("/api/v1/response/board", params={"at_risk_only": True}).json()
    assert all(r["state"] in ("at risk", "missed") for r in risky)
    att = viewer.get("/api/v1/response/attainment").json()
    assert att["overall"]["incidents"] >= 120
    assert 0 <= att["overall"]["dispatch_1min"] <= 1
    assert "elsewhere" in att["by_area"] and len(att["by_hour"]) > 5


def test_caller_data_needs_a_purpose_and_is_audited(as_user):
    op = as_user("operator")
    incident = new_incident(op, caller_name="Anna Ribas", caller_phone="+376 123 456")
    assert "caller_name" not in incident
    url = f"/api/v1/response/incidents/{incident['id']}/caller"
    assert op.get(url).status_code == 428
    read = op.get(url, headers={"X-Vigil-Purpose": "calling back the witness"})
    assert read.json()["caller_name"] == "Anna Ribas"
    audit = as_user("supervisor").get("/api/v1/audit", params={"action": "personal_data.read"})
    assert audit.status_code == 200 and incident["id"] in audit.text


def test_live_feed_sends_snapshots_on_change(vigil_db):
    import threading

    from tests.conftest import login, make_client

    with make_client() as reader, make_client() as writer:
        login(reader, "viewer")
        login(writer, "operator")
        events = []

        def read():
            with reader.stream("GET", "/response/feed", params={"max_events": 2}) as resp:
                assert resp.headers["content-type"].startswith("text/event-stream")
                for line in resp.iter_lines():
                    if line.startswith("data: "):
                        events.append(json.loads(line[6:]))

        thread = threading.Thread(target=read)
        thread.start()
        deadline = time.time() + 10
        while not events and time.time() < deadline:
            time.sleep(0.05)
        created = new_incident(writer, type="disturbance")
        thread.join(15)
        assert len(events) == 2
        assert created["id"] not in {i["id"] for i in events[0]["incidents"]}
        assert created["id"] in {i["id"] for i in events[1]["incidents"]}
        assert events[1]["units"] and events[1]["at"].endswith("Z")


def test_cross_capability_service_calls(vigil_db, monkeypatch):
    from vigil.platform.database import session_scope
    from vigil.platform.identity.principal import SYSTEM
    from vigil.response import service

    with session_scope() as db:
        iid = service.create_incident_from_tip(db, SYSTEM, "Drugs", "dealing behind the station", 42.5097,
                                               1.5386, "TIP-42")
        no_place = service.create_incident_from_tip(db, SYSTEM, "noise", "loud party", None, None, "TIP-43")
    from dataclasses import replace

    from vigil.platform.errors import Forbidden

    with session_scope() as db:
        analyst = replace(SYSTEM, username="tip-analyst", role="analyst", via="session")
        assert service.create_incident_from_tip(db, analyst, "theft", "bike stolen", 42.5068, 1.5226, "TIP-44")
        with pytest.raises(Forbidden):
            service.create_incident_from_tip(db, replace(analyst, role="viewer"), "theft", "x", None, None, "T-45")
    with session_scope() as db:
        rows = service.export_incidents(db)
        tip = service.get_incident(db, SYSTEM, iid)
        assert tip.source == "tip" and tip.source_ref == "TIP-42" and tip.type == "suspicious object"
        assert service.get_incident(db, SYSTEM, no_place).lat is None
    assert set(rows[0]) == {"id", "received_at", "type", "priority", "lat", "lon", "area", "dispatched_at",
                            "on_scene_at", "cleared_at"}
    assert all(r["received_at"].tzinfo is not None for r in rows)
    assert rows == sorted(rows, key=lambda r: r["received_at"])
    with session_scope() as db:
        later = service.export_incidents(db, since=rows[-1]["received_at"])
    assert later and all(r["received_at"] >= rows[-1]["received_at"] for r in later)
    # key sites from the sites capability (through its service) become key areas, once each
    from vigil.sites.service import key_site_points

    with session_scope() as db:
        points = key_site_points(db)
        service.sync_key_sites(db, SYSTEM)
        assert service.sync_key_sites(db, SYSTEM) == 0  # idempotent
        names = {a.name for a in service.list_key_areas(db, SYSTEM)}
    assert points and {str(p["name"])[:120] for p in points} <= names


@pytest.mark.parametrize("path,text", [("/response", "New incident"), ("/response/coverage", "patrol plan"),
                                       ("/response/boards", "1-3-5 board")])
def test_console_pages_render(as_user, path, text):
    page = as_user("operator").get(path)
    assert page.status_code == 200 and text in page.text
    geo = as_user("viewer").get("/response/map.geojson", params={"coverage": True}).json()
    kinds = {f["properties"].get("kind") for f in geo["features"]}
    assert {"unit", "incident", "key area"} <= kinds


def test_off_duty_units_are_not_recommended_and_busy_units_keep_their_status(as_user):
    op = as_user("operator")
    ranked = op.post("/api/v1/response/recommend", json=PLACA).json()["units"]
    nearest = ranked[0]["id"]
    off = op.post(f"/api/v1/response/units/{nearest}/status", json={"status": "off_duty"})
    assert off.status_code == 200 and off.json()["status"] == "off_duty"
    assert nearest not in {u["id"] for u in op.post("/api/v1/response/recommend", json=PLACA).json()["units"]}
    assert op.post(f"/api/v1/response/units/{nearest}/status", json={"status": "available"}).status_code == 200
    incident = new_incident(op)
    op.post(f"/api/v1/response/incidents/{incident['id']}/assign", json={"unit_id": nearest})
    busy = op.post(f"/api/v1/response/units/{nearest}/status", json={"status": "off_duty"})
    assert busy.status_code == 409 and busy.json()["current_assignment"]["incident_id"] == incident["id"]
    assert op.post("/api/v1/response/units/NOBODY/status", json={"status": "off_duty"}).status_code == 404


def test_caller_data_is_erased_after_retention(as_user):
    from datetime import timedelta

    from vigil.platform import clock, jobs
    from vigil.platform.registry import load_jobs

    op = as_user("operator")
    incident = new_incident(op, caller_name="Joan Serra", caller_phone="+376 555 123")
    load_jobs()
    jobs.run("response.purge_callers", clock.now() + timedelta(days=100))
    url = f"/api/v1/response/incidents/{incident['id']}/caller"
    purpose = {"X-Vigil-Purpose": "checking the retention"}
    assert op.get(url, headers=purpose).json()["caller_name"] == "Joan Serra"
    summary = jobs.run("response.purge_callers", clock.now() + timedelta(days=400))
    assert summary.split()[0] != "0"
    assert op.get(url, headers=purpose).json() == {"incident_id": incident["id"], "caller_name": "",
                                                   "caller_phone": ""}
    assert op.get(f"/api/v1/response/incidents/{incident['id']}").json()["type"] == "theft"  # the incident stays


def test_racing_dispatchers_cannot_both_assign_one_incident(vigil_db):
    """Two sessions read the incident as 'received'; the second to write loses with 409 and its unit claim rolls
    back, so the incident has one unit and one 'dispatched' event."""
    from vigil.platform.database import new_session, session_scope
    from vigil.platform.errors import Problem
    from vigil.platform.identity.principal import SYSTEM
    from vigil.response import service
    from vigil.response.schemas import IncidentIn

    with session_scope() as db:
        iid = service.create_incident(db, SYSTEM, IncidentIn(type="assault", **PLACA)).id
        free = [u.id for u in service.list_units(db, SYSTEM) if u.status == "available"][:2]
    first, second = new_session(), new_session()
    try:
        a = service.get_incident(first, SYSTEM, iid)
        b = service.get_incident(second, SYSTEM, iid)
        assert a.status == b.status == "received"
        service.assign(first, SYSTEM, iid, free[0])
        first.commit()
        with pytest.raises(Problem) as lost:
            service.assign(second, SYSTEM, iid, free[1])
        assert lost.value.status == 409
        second.rollback()
    finally:
        first.close()
        second.close()
    with session_scope() as db:
        events = [e.state for e in service.timeline(db, SYSTEM, iid)]
        units = {u.id: u for u in service.list_units(db, SYSTEM)}
    assert events == ["received", "dispatched"]
    assert units[free[0]].incident_id == iid and units[free[1]].status == "available"


def test_console_manages_key_areas_posts_and_placement(as_user):
    sup = as_user("supervisor")
    token = sup.headers["X-CSRF-Token"]
    made = sup.post("/response/key-areas", data={"csrf_token": token, "name": "Console plaza", "lat": "42.5101",
                                                 "lon": "1.5372", "radius_m": "150"}, follow_redirects=False)
    assert made.status_code == 303
    bad = sup.post("/response/posts", data={"csrf_token": token, "name": "Far post", "lat": "42.0", "lon": "1.0"},
                   headers={"Accept": "text/html"})
    assert bad.status_code == 422 and "road network" in bad.text
    page = sup.get("/response/coverage", params={"place": 3})
    assert page.status_code == 200 and "Console plaza" in page.text
    assert "optimality gap" in page.text and page.text.count("<li>") >= 3
