"""The establishment portal and the officers' queue in a real browser (Debian chromium, `vigil demo`)."""

from __future__ import annotations

import pytest

from tests.conftest import TEST_OUTPUT, on_postgres
from tests.web.conftest import browser, live_server, page, sign_in  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser
SUFFIX = "postgres" if on_postgres() else "sqlite"


@pytest.fixture(scope="module", autouse=True)
def un_list_only():
    """The demo loads only the UN list here (as the rest of the suite does): the first screening builds the index."""
    mp = pytest.MonkeyPatch()
    mp.setenv("VIGIL_DEMO_LISTS", "un")
    yield
    mp.undo()


def test_desk_uploads_a_file_and_an_officer_dismisses_the_hit(live_server, page):  # noqa: F811
    body = ("establishment,record_id,name,dob,nationality,document_type,document_number,arrival\n"
            "HOTEL-0001,WEB-1,Maria Souza,1975-02-02,BR,passport,BR998877,2026-12-05\n"
            "HOTEL-0001,WEB-2,Karim Haddad,1988-04-02,XX,passport,X1234567,2026-12-05\n"
            "HOTEL-0001,WEB-3,No Id,1975-02-02,CN,cn_ric,12345,2026-12-05\n")
    sign_in(page, live_server, "hotel-desk", "/registrations")
    page.goto(f"{live_server}/registrations")
    page.set_input_files("input[type=file][name=file]",
                         {"name": "guests.csv", "mimeType": "text/csv", "buffer": body.encode()})
    page.click("text=Submit records")
    page.wait_for_selector("#upload-results table#results", timeout=120_000)
    text = page.locator("#upload-results").inner_text()
    assert "WEB-1" in text and "accepted" in text and "resident ID" in text
    assert "Alerts" not in text  # a desk is not told that a guest matched a list
    assert page.locator("a[href='/cases']").count() == 0 and page.locator("a[href='/intel']").count() == 0
    page.goto(f"{live_server}/registrations")
    own = page.locator("#own-records").inner_text()
    assert "WEB-3" in own and "G-1001" in own  # its own records only, with the reasons
    TEST_OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(TEST_OUTPUT / f"registrations-portal-{SUFFIX}.png"), full_page=True)
    page.context.clear_cookies()
    sign_in(page, live_server, "analyst")
    page.goto(f"{live_server}/registrations")
    row = page.locator("#alerts tr", has_text="Karim Haddad").first
    row.locator("select[name=decision]").select_option("dismissed")
    row.locator("input[name=reason]").fill("Checked the passport: a different person")
    row.locator("button").click()
    page.wait_for_load_state()
    page.screenshot(path=str(TEST_OUTPUT / f"registrations-queue-{SUFFIX}.png"), full_page=True)
    assert page.locator("#alerts").count() == 1
