"""A real Chromium records a movement through the console form and sees the balance change."""

from __future__ import annotations

import pytest

from tests.conftest import TEST_OUTPUT, on_postgres
from tests.web.conftest import browser, live_server, page, sign_in  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser
SUFFIX = "postgres" if on_postgres() else "sqlite"


def quantity_of(tab, lot: str) -> str:
    return tab.locator(f"#balance tr:has-text('{lot}') td.qty").inner_text()


def test_record_a_consumption_and_see_the_balance_change(live_server, page):  # noqa: F811
    sign_in(page, live_server, "operator")
    page.click("nav.sidenav >> text=Controlled items")
    page.wait_for_url(f"{live_server}/ledger")
    assert "Red Valley Quarry" in page.locator("#holders").inner_text()
    page.click("#holders >> text=MIN-01")
    page.wait_for_url(f"{live_server}/ledger/holders/MIN-01")
    assert quantity_of(page, "EMU-2611-A") == "37.5 kg"

    form = page.locator("#movement-form")
    form.locator("select[name=kind]").select_option("consume")
    form.locator("select[name=site]").select_option("MIN-01-MAG-A")
    form.locator("select[name=item_class]").select_option("explosive")
    form.locator("input[name=key]").fill("EMU-2611-A")
    form.locator("input[name=quantity]").fill("2500")
    form.locator("select[name=unit]").select_option("g")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#result")
    assert "accepted" in page.locator("#result").inner_text()
    assert quantity_of(page, "EMU-2611-A") == "35 kg"

    form.locator("select[name=kind]").select_option("consume")
    form.locator("select[name=site]").select_option("MIN-01-MAG-A")
    form.locator("input[name=key]").fill("EMU-2611-A")
    form.locator("input[name=quantity]").fill("3")
    form.locator("select[name=unit]").select_option("pcs")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#result")
    assert "pieces cannot be converted" in page.locator("#result").inner_text()
    assert quantity_of(page, "EMU-2611-A") == "35 kg"
    TEST_OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(TEST_OUTPUT / f"ledger-holder-{SUFFIX}.png"), full_page=True)

    page.goto(f"{live_server}/ledger/alerts")
    assert "unusual precursor purchase" in page.locator("table.alerts").inner_text()
    page.goto(f"{live_server}/ledger/trace?key=EMU-2611-A")
    kinds = page.locator("#trace tbody tr td:nth-child(2)").all_inner_texts()
    assert kinds[:3] == ["receipt", "dispatch", "confirm"] and kinds[-1] == "consume"
