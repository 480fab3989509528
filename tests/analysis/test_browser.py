"""Chromium (Debian's, through Playwright) opens the analysis dashboard of `vigil demo`, changes a filter and
sees the charts and the hotspot map follow."""
from __future__ import annotations

import pytest

from tests.conftest import TEST_OUTPUT, on_postgres
from tests.web.conftest import browser, live_server, page, sign_in  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser
SUFFIX = "postgres" if on_postgres() else "sqlite"
TOTAL = "window.vigilCharts['trend'].data[0].y.reduce((a, b) => a + b, 0)"


def test_dashboard_filter_updates_the_chart(live_server, page):  # noqa: F811
    sign_in(page, live_server, "analyst")
    page.click("nav.sidenav >> text=Analysis")
    page.wait_for_url(f"{live_server}/analysis")
    page.wait_for_function("window.vigilCharts && window.vigilCharts['trend'] && "
                           "document.querySelector('#trend .main-svg') !== null")
    everything = page.evaluate(TOTAL)
    assert everything >= 2000
    page.wait_for_function("Number(document.getElementById('hotspot-map').dataset.features || 0) > 0")
    page.select_option("select[name=type]", "Theft")
    page.wait_for_url("**/analysis?*type=Theft*")
    page.wait_for_function("window.vigilCharts && window.vigilCharts['trend'] && "
                           "document.querySelector('#trend .main-svg') !== null")
    thefts = page.evaluate(TOTAL)
    assert 0 < thefts < everything
    assert "Theft" in page.locator("#analysis-summary").inner_text() or thefts > 0
    assert page.locator("select[name=type]").input_value() == "Theft"
    bars = page.evaluate("window.vigilCharts['by-type'].data[0].x")
    assert bars == ["Theft"]
    TEST_OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(TEST_OUTPUT / f"analysis-{SUFFIX}.png"), full_page=True)
