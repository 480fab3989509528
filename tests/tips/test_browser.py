"""Chromium submits a tip on the public page without logging in, then checks it with the code it was given."""
from __future__ import annotations

import re

import pytest

from tests.conftest import TEST_OUTPUT, on_postgres
from tests.web.conftest import browser, live_server, page  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser
SUFFIX = "postgres" if on_postgres() else "sqlite"


def test_public_tip_without_login(live_server, page):  # noqa: F811
    page.goto(f"{live_server}/report")
    assert "login" not in page.url
    page.select_option("select[name=category]", "suspicious_object")
    page.fill("textarea[name=text]", "A backpack has been left at the ticket machines for an hour.")
    page.fill("input[name=place]", "Central bus station")
    page.wait_for_timeout(3200)  # the page refuses forms sent faster than a person could fill them in
    page.click("#report-form button[type=submit]")
    code = page.locator("#tip-code").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code)
    TEST_OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(TEST_OUTPUT / f"tip-report-{SUFFIX}.png"), full_page=True)
    page.click("text=Check the report's status")
    assert page.locator("#tip-status").inner_text() == "new"
