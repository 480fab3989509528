from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

from tests.conftest import REPO, _copy_template

CHROMIUM = "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """`vigil demo` in a subprocess on a loopback port, on the suite's database kind (a copy of the run's seeded
    template: the demo finds its data there and serves at once)."""
    tmp = tmp_path_factory.mktemp("live")
    db = _copy_template(True, tmp)
    port = free_port()
    env = {**os.environ, "VIGIL_DATA_DIR": str(tmp), "VIGIL_DATABASE_URL": db.url}
    proc = subprocess.Popen([sys.executable, "-m", "vigil.cli", "demo", "--port", str(port)], env=env, cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise RuntimeError(f"vigil demo exited: {proc.stdout.read()}")
        time.sleep(0.3)
    else:
        proc.kill()
        raise RuntimeError("vigil demo did not become ready")
    yield base
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    db.drop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian chromium is missing: run scripts/setup.sh")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                    "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 800})
    pg = context.new_page()
    yield pg
    context.close()


def sign_in(page, base: str, username: str, home: str = "/") -> None:
    """Sign in through the form; ``home`` is where the user lands (a reporter: its portal)."""
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f"{username}-demo-pass")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{home}")
