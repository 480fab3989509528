"""`vigil lists update`: official lists downloaded from a local HTTP server standing in for the UN and OFAC sites
(ETag / Last-Modified answered as they do), imported as a new version only when they changed; offline or broken
downloads leave the current version in force and exit non-zero."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
from datetime import timedelta
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import func, select

from tests.conftest import REPO

UN_XML = REPO / "data" / "sanctions" / "un" / "consolidated.xml"
OFAC = REPO / "data" / "sanctions" / "ofac"


class ListSite:
    """Serves files from a folder with ETag and Last-Modified, answering 304 to a matching conditional request."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.requests: list[tuple[str, dict]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                site.requests.append((self.path, dict(self.headers)))
                path = site.folder / self.path.rsplit("/", 1)[-1]
                if not path.is_file():
                    self.send_error(404)
                    return
                data = path.read_bytes()
                etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", formatdate(path.stat().st_mtime, usegmt=True))
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def small_ofac(folder: Path, rows: int = 150) -> None:
    """The first rows of the real SDN file, with their aliases and addresses (upper-case names, as OFAC serves)."""
    sdn = (OFAC / "sdn.csv").read_bytes().splitlines(keepends=True)[:rows]
    ids = {line.split(b",", 1)[0] for line in sdn}
    (folder / "SDN.CSV").write_bytes(b"".join(sdn))
    for name in ("alt.csv", "add.csv"):
        kept = [ln for ln in (OFAC / name).read_bytes().splitlines(keepends=True) if ln.split(b",", 1)[0] in ids]
        (folder / name.upper()).write_bytes(b"".join(kept))
    (folder / "SDN_COMMENTS.CSV").write_bytes((OFAC / "sdn_comments.csv").read_bytes())


def un_changed(target: Path) -> tuple[str, str]:
    """The real UN list with its first individual removed and a new one added; returns (removed, added) DATAIDs."""
    tree = etree.parse(str(UN_XML))
    individuals = tree.getroot().find("INDIVIDUALS")
    first = individuals[0]
    removed = first.findtext("DATAID")
    individuals.remove(first)
    new = etree.fromstring(etree.tostring(individuals[0]))
    new.find("DATAID").text = "99999991"
    new.find("REFERENCE_NUMBER").text = "QDi.999"
    new.find("FIRST_NAME").text = "ZEBEDIAH"
    new.find("SECOND_NAME").text = "QUIXWORTH"
    individuals.append(new)
    tree.write(str(target), xml_declaration=True, encoding="utf-8")
    return removed, "99999991"


@pytest.fixture
def site(tmp_path):
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "consolidated.xml").write_bytes(UN_XML.read_bytes())
    small_ofac(folder)
    server = ListSite(folder)
    yield server
    server.close()


def run_update(site_base: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "VIGIL_LISTS_UN_URL": f"{site_base}/un/consolidated.xml",
           "VIGIL_LISTS_OFAC_URL": f"{site_base}/ofac/", "VIGIL_LISTS_TIMEOUT_SECONDS": "20"}
    return subprocess.run([sys.executable, "-m", "vigil.cli", "lists", "update", *args], env=env,
                          capture_output=True, text=True, timeout=300)


def versions(kind: str) -> list[tuple[int, int, int, int]]:
    from vigil.platform.database import session_scope
    from vigil.screening.models import Watchlist, WatchlistVersion

    with session_scope() as db:
        rows = db.execute(select(WatchlistVersion.number, WatchlistVersion.added, WatchlistVersion.changed,
                                 WatchlistVersion.removed).join(Watchlist, Watchlist.id == WatchlistVersion.watchlist_id)
                          .where(Watchlist.kind == kind).order_by(WatchlistVersion.number)).all()
    return [tuple(r) for r in rows]


def test_update_imports_only_what_changed(fresh_db, site, tmp_path):
    # The demo already holds the UN list (same content): no new version. OFAC is new: created and imported.
    first = run_update(site.base)
    assert first.returncode == 0, first.stderr
    assert "UN Security Council Consolidated List: unchanged" in first.stdout
    assert "OFAC Specially Designated Nationals: version 1: added 150, changed 0, removed 0" in first.stdout
    assert versions("un") == [(1, versions("un")[0][1], 0, 0)]
    # Nothing changed upstream: conditional requests, answered 304, and no version anywhere.
    site.requests.clear()
    again = run_update(site.base)
    assert again.returncode == 0, again.stderr
    assert again.stdout.count("unchanged") == 2
    assert all("If-None-Match" in headers for _, headers in site.requests) and len(site.requests) == 5
    # The UN publishes a new list: one entry gone, one new.
    removed, added = un_changed(site.folder / "consolidated.xml")
    third = run_update(site.base, "--source", "un")
    assert third.returncode == 0, third.stderr
    assert "version 2: added 1, changed 0, removed 1" in third.stdout
    assert added in third.stdout and removed in third.stdout
    assert versions("un")[-1] == (2, 1, 0, 1)


def test_offline_or_broken_download_keeps_the_current_version(fresh_db, site, tmp_path):
    before = versions("un")
    site.close()
    offline = run_update(site.base, "--source", "un")
    assert offline.returncode == 1
    lines = [ln for ln in offline.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "un list not updated" in lines[0] and "could not download" in lines[0]
    assert versions("un") == before

    broken = ListSite(tmp_path / "broken")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "consolidated.xml").write_text("<CONSOLIDATED_LIST><INDIVIDUALS><INDIV")
    try:
        result = run_update(broken.base, "--source", "un")
    finally:
        broken.close()
    assert result.returncode == 1 and "not imported" in result.stderr
    assert versions("un") == before


def test_new_entries_are_announced_for_rescreening(fresh_db, site):
    """A version that adds entries publishes screening.list_version in its transaction (capabilities holding
    records in retention re-screen them with rescreen_new_entries)."""
    from vigil.platform import events
    from vigil.platform.database import session_scope
    from vigil.screening import refresh, service
    from vigil.screening.schemas import RecordIn

    seen = []

    def on_version(session, version_id, added):
        hits = service.rescreen_new_entries(session, version_id, [RecordIn(id="r1", name="Zebediah Quixworth")])
        seen.append((added, sorted(hits)))

    events.subscribe("screening.list_version")(on_version)
    os.environ["VIGIL_LISTS_UN_URL"] = f"{site.base}/un/consolidated.xml"
    try:
        from vigil.platform.config import reset_settings

        reset_settings()
        un_changed(site.folder / "consolidated.xml")
        with session_scope() as db:
            report = refresh.update(db, "un")
        assert report.changed and report.added == ["99999991"]
        assert seen == [(1, ["r1"])]
    finally:
        events._subscribers["screening.list_version"].remove(on_version)
        os.environ.pop("VIGIL_LISTS_UN_URL")
        reset_settings()
    with session_scope() as db:
        from vigil.screening.models import Watchlist

        assert db.scalar(select(func.count()).select_from(Watchlist).where(Watchlist.kind == "un")) == 1


def test_scheduled_refresh_is_off_until_configured(monkeypatch):
    from vigil.platform.config import reset_settings
    from vigil.platform.registry import load_jobs

    job = load_jobs()["screening.lists_update"]
    reset_settings()
    assert not job.enabled()
    monkeypatch.setenv("VIGIL_LISTS_UPDATE_HOURS", "24")
    reset_settings()
    assert job.enabled() and job.every == timedelta(hours=24)  # read when asked, not when the module was imported
    monkeypatch.setenv("VIGIL_LISTS_UPDATE_HOURS", "6")
    reset_settings()
    assert job.every == timedelta(hours=6)
    monkeypatch.delenv("VIGIL_LISTS_UPDATE_HOURS")
    reset_settings()
