"""A real Chromium (Debian's, driven by Playwright) signs in and walks the console."""

from __future__ import annotations

import pytest

from tests.conftest import TEST_OUTPUT, on_postgres
from tests.web.conftest import sign_in

pytestmark = pytest.mark.browser
SUFFIX = "postgres" if on_postgres() else "sqlite"


def test_login_dashboard_and_audit(live_server, page):
    sign_in(page, live_server, "supervisor")
    assert page.locator("h1").inner_text() == "Dashboard"
    nav = page.locator("nav.sidenav").inner_text()
    for label in ("Screening", "Intelligence", "Registrations", "Parcels", "Controlled items", "Sites & campaigns",
                  "Risk", "Response", "Analysis", "Tips", "Audit"):
        assert label in nav
    assert page.evaluate("typeof htmx") == "object"  # served from node_modules, not a CDN
    TEST_OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(TEST_OUTPUT / f"dashboard-{SUFFIX}.png"), full_page=True)

    page.click("nav.sidenav >> text=Audit")
    page.wait_for_url(f"{live_server}/audit")
    rows = page.locator("#audit-table tbody tr")
    assert rows.count() > 5
    assert "auth.login" in page.locator("#audit-table").inner_text()
    page.fill("input[name=action]", "auth.login")
    page.click("form.filters button")
    page.wait_for_function("document.querySelectorAll('#audit-table tbody tr').length >= 1")
    actions = page.locator("#audit-table tbody td code").all_inner_texts()
    assert actions and all(a.startswith("auth.login") for a in actions)
    page.screenshot(path=str(TEST_OUTPUT / f"audit-{SUFFIX}.png"), full_page=True)


def test_wrong_password_stays_on_login(live_server, page):
    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", "viewer")
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit]")
    assert "Invalid username or password" in page.locator(".error").inner_text()


def test_case_personal_data_needs_purpose(live_server, page):
    sign_in(page, live_server, "analyst")
    page.click("nav.sidenav >> text=Cases")
    page.click("tr:has-text(\"Explosive precursor\") a")
    assert page.locator("#purpose-form").is_visible()
    assert "Karim" not in page.content()
    page.fill("input[name=purpose]", "assessing the precursor lead")
    page.click("#purpose-form button")
    assert "Karim Haddad" in page.locator("table.grid").last.inner_text()
