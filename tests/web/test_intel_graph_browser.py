"""The intel link-analysis graph in a real Chromium: cytoscape renders the neighbourhood of an object, and a TLP:RED
object of another agency is not among the nodes (while its owner does see it)."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest

from tests.conftest import TEST_OUTPUT, on_postgres
from tests.web.conftest import sign_in
from vigil.intel.core import stix as core
from vigil.intel.demo import DEMO_IDS

pytestmark = pytest.mark.browser
SUFFIX = "postgres" if on_postgres() else "sqlite"
TS = "2026-02-01T09:00:00.000Z"


def _obj(t, tlp, **props):
    return {"type": t, "spec_version": "2.1", "id": f"{t}--{uuid.uuid4()}", "created": TS, "modified": TS,
            "object_marking_refs": [core.TLP_MARKING_ID[tlp]], **props}


@pytest.fixture(scope="module")
def city_red(live_server):
    """City Police (the supervisor's agency) shares a GREEN report that points at its own TLP:RED source."""
    red = _obj("threat-actor", "RED", name="Platform Informant Ring", threat_actor_types=["criminal"])
    report = _obj("report", "GREEN", name="Platform 4 thefts, follow-up", published=TS,
                  report_types=["threat-report"], object_refs=[red["id"], DEMO_IDS["clear"]])
    with httpx.Client(base_url=live_server) as c:
        r = c.post("/api/v1/auth/login", json={"username": "supervisor", "password": "supervisor-demo-pass"})
        assert r.status_code == 200, r.text
        r = c.post("/api/v1/intel/bundles", headers={"X-CSRF-Token": r.json()["csrf_token"],
                                                     "Content-Type": "application/json"},
                   content=json.dumps({"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": [red, report]}))
        assert r.status_code == 201, r.text
    return red, report


def graph_nodes(page) -> list[str]:
    page.wait_for_function("window.intelGraph && window.intelGraph.nodes().length > 0", timeout=20000)
    return page.evaluate("window.intelGraph.nodes().map(function (n) { return n.id(); })")


def test_graph_renders_without_another_agencys_red(live_server, page, browser, city_red):
    red, report = city_red
    sign_in(page, live_server, "analyst")  # Counter-Terrorism Bureau
    page.goto(f"{live_server}/intel/objects/{DEMO_IDS['clear']}")
    page.click("a:has-text('graph')")
    page.wait_for_url(f"{live_server}/intel/graph?center=*")
    nodes = graph_nodes(page)
    assert DEMO_IDS["clear"] in nodes and report["id"] in nodes and DEMO_IDS["green"] in nodes
    assert DEMO_IDS["red"] in nodes  # the bureau's own RED actor: its own agency sees it
    assert red["id"] not in nodes  # City Police's RED source is not
    assert page.locator("#intel-graph canvas").count() > 0  # drawn by cytoscape
    assert page.evaluate("window.intelGraph.edges().length") >= 2
    assert "Platform Informant Ring" not in page.content()
    TEST_OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(TEST_OUTPUT / f"intel-graph-{SUFFIX}.png"), full_page=True)

    # the owner agency does see its RED object in the same neighbourhood, and not the bureau's
    context = browser.new_context(viewport={"width": 1366, "height": 800})
    try:
        other = context.new_page()
        sign_in(other, live_server, "supervisor")
        other.goto(f"{live_server}/intel/graph?center={DEMO_IDS['clear']}&depth=2")
        nodes = graph_nodes(other)
        assert red["id"] in nodes and report["id"] in nodes
        assert DEMO_IDS["red"] not in nodes
    finally:
        context.close()
