"""Screening in a real browser: the htmx form returns explained matches; an MRZ with a bad digit is flagged."""

from __future__ import annotations

import pytest

from tests.conftest import TEST_OUTPUT, on_postgres
from tests.web.conftest import sign_in

pytestmark = pytest.mark.browser
SUFFIX = "postgres" if on_postgres() else "sqlite"


def test_screen_a_name_and_an_mrz(live_server, page):
    sign_in(page, live_server, "analyst")
    page.click("nav.sidenav >> text=Screening")
    page.fill("#screen-form input[name=name]", "Karim Hadad")
    page.fill("#screen-form input[name=purpose]", "hotel registration check")
    page.click("#screen-form button")
    page.wait_for_selector("#single-result table.results")
    text = page.locator("#single-result").inner_text()
    assert "CTB persons of interest" in text and "name 'karim hadad'" in text
    page.fill("#mrz-form textarea", "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
                                    "L898902C37UTO7408122F1204159ZE184226B<<<<<10")
    page.click("#mrz-form button")
    page.wait_for_selector("#mrz-errors")
    assert "document number" in page.locator("#mrz-errors").inner_text().lower()
    TEST_OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(TEST_OUTPUT / f"screening-{SUFFIX}.png"), full_page=True)


def test_upload_a_big_file_shows_progress_then_results(live_server, page):
    """A file too big to screen within the request: the page shows a progress bar, polls, and ends with the
    results."""
    from vigil.screening.pages import INLINE_ROWS

    n = INLINE_ROWS + 100
    body = "id,name\n" + "\n".join(f"{i},{'Karim Hadad' if i == 5 else f'Walker{i} Example{i % 7}'}" for i in range(n))
    sign_in(page, live_server, "analyst")
    page.goto(f"{live_server}/screening")
    page.set_input_files("#upload-form input[type=file]",
                         {"name": "guests.csv", "mimeType": "text/csv", "buffer": body.encode()})
    page.fill("#upload-form input[name=purpose]", "hotel registration check")
    page.click("#upload-form button")
    page.wait_for_selector("#batch-result #screen-progress, #batch-result table.results")
    page.wait_for_selector("#batch-result table.results", timeout=60_000)
    text = page.locator("#batch-result").inner_text()
    assert f"among {n} record(s)" in text and "CTB persons of interest" in text
    assert page.locator("#screen-progress").count() == 0
