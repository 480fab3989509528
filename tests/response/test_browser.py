"""A real Chromium dispatches an incident end to end: intake form, recommendation, one-click assignment, the
dispatch board, then the unit's next steps; the live map shows units and incidents."""

from __future__ import annotations

import pytest

from tests.conftest import TEST_OUTPUT, on_postgres
from tests.web.conftest import browser, live_server, page, sign_in  # noqa: F401 - shared fixtures

pytestmark = pytest.mark.browser
SUFFIX = "postgres" if on_postgres() else "sqlite"


def test_dispatch_an_incident_end_to_end(live_server, page):  # noqa: F811
    sign_in(page, live_server, "supervisor")
    page.click("nav.sidenav >> text=Response")
    page.wait_for_url(f"{live_server}/response")
    page.wait_for_function("Number(document.getElementById('response-map').dataset.features || 0) > 20")
    page.wait_for_selector("#feed-status.available")  # the live feed connected
    form = page.locator("#intake-form")
    form.locator("select[name=type]").select_option("robbery")
    form.locator("select[name=priority]").select_option("1")
    form.locator("input[name=lat]").fill("42.50755")
    form.locator("input[name=lon]").fill("1.53010")
    form.locator("input[name=notes]").fill("shop robbery, suspect on foot")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/response/incidents/INC-*")
    incident_id = page.locator("h1").inner_text().split(" ")[0]
    summary = page.locator("main").inner_text()
    assert "key area Avinguda Meritxell" in summary, summary[:600]
    buttons = page.locator("#recommendation button.assign")
    assert buttons.count() >= 3
    first_unit = buttons.first.get_attribute("data-unit")
    TEST_OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(TEST_OUTPUT / f"response-recommendation-{SUFFIX}.png"), full_page=True)
    buttons.first.click()  # one action assigns
    page.wait_for_url(f"{live_server}/response#dispatch-board")
    row = page.locator(f"#dispatch-table tr[data-incident='{incident_id}']")
    assert row.locator("td.status").inner_text() == "dispatched"
    assert row.locator("td.unit").inner_text() == first_unit
    row.locator("button:has-text('acknowledged')").click()
    page.wait_for_url(f"{live_server}/response#dispatch-board")
    row = page.locator(f"#dispatch-table tr[data-incident='{incident_id}']")
    assert row.locator("td.status").inner_text() == "acknowledged"
    assert "1-3-5 board" in page.locator("#target-board").inner_text()
    page.screenshot(path=str(TEST_OUTPUT / f"response-board-{SUFFIX}.png"), full_page=True)
    page.goto(f"{live_server}/response/incidents/{incident_id}")
    states = page.locator("#timeline tbody tr td:nth-child(2)").all_inner_texts()
    assert states == ["received", "dispatched", "acknowledged"]


def test_coverage_page_shows_isochrones(live_server, page):  # noqa: F811
    sign_in(page, live_server, "analyst")
    page.goto(f"{live_server}/response/coverage")
    page.wait_for_function("Number(document.getElementById('coverage-map').dataset.features || 0) > 3")
    assert page.locator("#coverage-shares .tile").count() == 3
    assert page.locator("#patrol-plan tbody tr").count() == 5
    page.screenshot(path=str(TEST_OUTPUT / f"response-coverage-{SUFFIX}.png"), full_page=True)
