"""Chromium (Debian's, via Playwright): the sites map, a tablet-sized inspection, the event plan's review."""

from __future__ import annotations

import re

import pytest

from tests.conftest import TEST_OUTPUT, on_postgres
from tests.web.conftest import browser, live_server, sign_in  # noqa: F401 - shared fixtures

pytestmark = pytest.mark.browser
SUFFIX = "postgres" if on_postgres() else "sqlite"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")


@pytest.fixture
def tablet(browser):  # noqa: F811
    context = browser.new_context(viewport={"width": 820, "height": 1180}, has_touch=True, device_scale_factor=2)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def desktop(browser):  # noqa: F811
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def test_map_draws_every_site_on_canvas(live_server, desktop):  # noqa: F811
    sign_in(desktop, live_server, "supervisor")
    errors = []
    desktop.on("pageerror", lambda exc: errors.append(str(exc)))
    desktop.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    desktop.goto(f"{live_server}/sites")
    try:
        desktop.wait_for_selector("#sites-map[data-features]", state="attached", timeout=15000)
    except Exception:
        raise AssertionError(f"map not drawn: {errors}") from None
    drawn = int(desktop.get_attribute("#sites-map", "data-features"))
    total = int(re.search(r"(\d+) sites", desktop.locator("main").inner_text()).group(1))
    assert drawn == total > 100
    assert desktop.locator("#sites-map canvas").count() >= 1  # canvas renderer, not one DOM node per site
    assert desktop.locator("#sites-map .leaflet-marker-icon").count() == 0
    colours = desktop.evaluate("""() => { const s = new Set();
        window.vigilMaps['sites-map'].vigilLayer.eachLayer(l => s.add(l.feature.properties.color)); return [...s]; }""")
    assert "#ef6c00" in colours or "#c62828" in colours  # the demo's overdue high finding shows
    TEST_OUTPUT.mkdir(exist_ok=True)
    desktop.screenshot(path=str(TEST_OUTPUT / f"sites-map-{SUFFIX}.png"), full_page=True)


def test_inspection_on_a_tablet(live_server, tablet):  # noqa: F811
    sign_in(tablet, live_server, "supervisor")
    tablet.goto(f"{live_server}/sites?type=school")
    tablet.locator("#sites-table a").first.click()
    site_url = tablet.url
    tablet.click("#start-inspection")
    tablet.wait_for_url(re.compile(r".*/sites/inspections/\d+$"))
    # Fits the tablet's width; answer buttons are big enough to tap.
    assert tablet.evaluate("document.documentElement.scrollWidth") <= 820
    items = tablet.locator("fieldset.item[data-key]")
    assert items.count() >= 3
    assert tablet.locator(".choices label").first.bounding_box()["height"] >= 44
    for i in range(items.count()):
        items.nth(i).locator("label", has_text="OK").tap()
    items.nth(0).locator("label", has_text="Fail").tap()
    tablet.fill("textarea[name=notes]", "Walked the perimeter with the caretaker.")
    tablet.select_option("select[name=f_severity]", "high")
    tablet.fill("textarea[name=f_description]", "Side gate lock broken")
    tablet.fill("textarea[name=f_order]", "Replace the lock within two weeks")
    tablet.fill("input[name=f_responsible]", "School caretaker")
    tablet.fill("input[name=f_deadline]", "2099-01-15")
    tablet.set_input_files("input[name=f_file]", files=[{"name": "gate.png", "mimeType": "image/png",
                                                         "buffer": PNG}])
    TEST_OUTPUT.mkdir(exist_ok=True)
    tablet.screenshot(path=str(TEST_OUTPUT / f"inspection-tablet-{SUFFIX}.png"), full_page=True)
    tablet.locator("#inspection-form button[type=submit]").tap()
    tablet.wait_for_url(re.compile(r".*\?inspected=\d+$"))
    assert tablet.url.startswith(site_url)
    findings = tablet.locator("#findings").inner_text()
    assert "Side gate lock broken" in findings and "gate.png" in findings and "high" in findings


def test_wrong_attachment_is_refused_and_nothing_is_saved(live_server, tablet):  # noqa: F811
    sign_in(tablet, live_server, "supervisor")
    tablet.goto(f"{live_server}/sites?type=bank")
    tablet.locator("#sites-table a").first.click()
    tablet.click("#start-inspection")
    tablet.wait_for_url(re.compile(r".*/sites/inspections/\d+$"))
    form_url = tablet.url
    for label in tablet.locator(".choices label", has_text="OK").all():
        label.tap()
    tablet.fill("textarea[name=f_description]", "Alarm panel open")
    tablet.fill("input[name=f_deadline]", "2099-02-01")
    tablet.set_input_files("input[name=f_file]", files=[{"name": "evil.png", "mimeType": "image/png",
                                                         "buffer": b"<html><script>alert(1)</script></html>"}])
    with tablet.expect_navigation():
        tablet.locator("#inspection-form button[type=submit]").tap()
    assert "accepted:" in tablet.locator("main").inner_text()  # the 415 explained on the error page
    tablet.goto(form_url)
    assert tablet.locator("#inspection-form").count() == 1  # still open: nothing was submitted


def test_event_plan_review_of_an_accreditation_hit(live_server, desktop):  # noqa: F811
    sign_in(desktop, live_server, "supervisor")
    desktop.goto(f"{live_server}/risk")
    desktop.click("#events a >> nth=0")
    assert "Summit" in desktop.locator("h1").inner_text()
    desktop.wait_for_selector("#event-map[data-features]")
    assert desktop.locator("#register tbody tr").count() >= 4
    assert "pending review" in desktop.locator("#accreditation-summary").inner_text()
    assert "Hadad" not in desktop.content()  # names only after a declared purpose
    desktop.fill("#purpose-form input[name=purpose]", "summit accreditation review")
    desktop.click("#purpose-form button")
    row = desktop.locator("#accreditations tr", has_text="Kareem Hadad")
    row.locator("select[name=decision]").select_option("confirmed")
    row.locator("input[name=reason]").fill("Same date of birth and document number")
    row.locator("button").click()
    assert "refused" in desktop.locator("#accreditations tr", has_text="Kareem Hadad").inner_text()
    desktop.screenshot(path=str(TEST_OUTPUT / f"event-plan-{SUFFIX}.png"), full_page=True)
