"""Sites benchmark: escalation of overdue tasks (bulk SQL vs a naive per-row ORM loop) and the sites map in
Chromium with many sites (canvas GeoJSON layer vs one DOM marker per site).

    VIGIL_NODE_MODULES=/work/main/node_modules PYTHONPATH=src .venv/bin/python benchmarks/sites.py
    VIGIL_BENCH_TASKS=100000 (open overdue tasks), VIGIL_BENCH_NAIVE_TASKS (default: the same number),
    VIGIL_BENCH_SITES=10000 (sites on the map), VIGIL_BENCH_PG_URL=postgresql+psycopg://... (PostgreSQL instead
    of SQLite; a throwaway database is created and dropped)

Goals (issue #23): 100,000 open tasks escalate in <= 5 s; the map page with 10,000 sites interactive within 2 s.
The last line is one JSON object with the figures.
"""

from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
TASKS = int(os.environ.get("VIGIL_BENCH_TASKS", "100000"))
NAIVE_TASKS = int(os.environ.get("VIGIL_BENCH_NAIVE_TASKS", str(TASKS)))
SITES = int(os.environ.get("VIGIL_BENCH_SITES", "10000"))
PG_URL = os.environ.get("VIGIL_BENCH_PG_URL")
CHROMIUM = "/usr/bin/chromium"


def setup_database(tmp: Path) -> tuple[str, str | None]:
    """A fresh, migrated database with one agency and one supervisor; (url, PostgreSQL database name)."""
    name = None
    if PG_URL:
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        name = f"vigil_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp / 'vigil.db'}"
    os.environ.update({"VIGIL_DATA_DIR": str(tmp), "VIGIL_DATABASE_URL": url, "VIGIL_SECRET_KEY": "bench-secret",
                       "VIGIL_COOKIE_SECURE": "false"})
    from vigil.platform.config import reset_settings
    from vigil.platform.database import session_scope
    from vigil.platform.identity import service as identity
    from vigil.platform.identity.principal import SYSTEM
    from vigil.platform.migrations import upgrade

    reset_settings()
    upgrade()
    with session_scope() as db:
        identity.create_agency(db, SYSTEM, "bench", "Bench Police")
        identity.create_user(db, SYSTEM, "bench", "bench-pass-123", "bench", "supervisor", 2)
    return url, name


def drop_database(name: str | None) -> None:
    if name:
        from sqlalchemy import create_engine, text

        from vigil.platform.database import reset_engine

        reset_engine()
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def load_tasks(n: int) -> None:
    """``n`` open tasks, all past their deadline, in one campaign."""
    from sqlalchemy import insert, select, update

    from vigil.platform import clock
    from vigil.platform.database import session_scope
    from vigil.platform.identity.models import Agency
    from vigil.sites.models import Campaign, Task

    now = clock.now()
    with session_scope() as db:
        db.execute(update(Task).values(status="done"))  # an earlier round's tasks no longer count
        agency = db.scalars(select(Agency.id)).first()
        campaign = Campaign(name=f"Bench {uuid.uuid4().hex[:6]}", agency_id=agency, starts_at=now - timedelta(days=30),
                            ends_at=now + timedelta(days=30), regions="[]", site_types='["school"]',
                            created_by="bench")
        db.add(campaign)
        db.flush()
        rows = [{"campaign_id": campaign.id, "agency_id": agency, "title": f"Task {i}",
                 "deadline": now - timedelta(hours=1 + i % 100), "status": "open", "escalation_level": 0,
                 "done_by": "", "created_at": now} for i in range(n)]
        for start in range(0, n, 10000):
            db.execute(insert(Task), rows[start:start + 10000])


def naive_escalate(as_of) -> int:
    """The per-row baseline: load every overdue task as an ORM object, change it in Python, and let the unit of
    work write one UPDATE per row at commit. (Flushing after each row is worse still: every flush walks the whole
    identity map, quadratic in the number of tasks.)"""
    from sqlalchemy import select

    from vigil.platform.database import session_scope
    from vigil.sites.models import Task

    count = 0
    with session_scope() as db:
        for task in db.scalars(select(Task).where(Task.status == "open", Task.deadline < as_of)):
            if task.escalation_level < 3 and (task.escalated_at is None or
                                              task.escalated_at <= as_of - timedelta(days=1)):
                task.escalation_level += 1
                task.escalated_at = as_of
                count += 1
    return count


def bench_escalation() -> dict:
    from vigil.platform import clock
    from vigil.platform.database import session_scope
    from vigil.sites import service

    load_tasks(TASKS)
    as_of = clock.now()
    started, cpu = time.perf_counter(), time.process_time()
    with session_scope() as db:
        escalated = service.escalate(db, as_of)
    bulk, bulk_cpu = time.perf_counter() - started, time.process_time() - cpu
    # On SQLite the database works inside this process, so its CPU time shows how much of the wall time was
    # spent waiting for a core on a shared machine.
    print(f"escalation (bulk SQL): {escalated:,} items in {bulk:.2f} s (this process's CPU {bulk_cpu:.2f} s)",
          flush=True)
    assert escalated == TASKS, escalated
    load_tasks(NAIVE_TASKS)
    started, cpu = time.perf_counter(), time.process_time()
    naive_count = naive_escalate(as_of)
    naive, naive_cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"escalation (naive per-row ORM): {naive_count:,} items in {naive:.2f} s (CPU {naive_cpu:.2f} s)",
          flush=True)
    per_item = (naive / naive_count) / (bulk / escalated)
    print(f"per item, the naive loop is {per_item:.1f}x slower", flush=True)
    return {"tasks": escalated, "escalate_s": round(bulk, 3), "escalate_cpu_s": round(bulk_cpu, 3),
            "naive_tasks": naive_count,
            "naive_escalate_s": round(naive, 3), "escalate_speedup": round(per_item, 1)}


def load_sites(n: int) -> None:
    from vigil.platform.database import session_scope
    from vigil.platform.identity import service as identity
    from vigil.sites import service
    from vigil.sites.core import geo

    rnd = random.Random(7)
    kinds = geo.SITE_TYPES
    rows = [geo.SiteRow(name=f"Site {i}", type=kinds[i % len(kinds)], lat=round(42.43 + rnd.random() * 0.22, 6),
                        lon=round(1.41 + rnd.random() * 0.37, 6), region=f"R{i % 7}") for i in range(n)]
    with session_scope() as db:
        actor = identity.principal_of(identity.user_by_name(db, "bench"))
        service.import_sites(db, actor, geo.Parsed(rows=rows))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


NAIVE_JS = """async () => {
  const t0 = performance.now();
  const data = await (await fetch('/sites/map.geojson', {credentials: 'same-origin'})).json();
  const div = document.createElement('div'); div.style.height = '480px';
  document.querySelector('main').prepend(div);
  const m = L.map(div).setView([42.54, 1.58], 11);
  for (const f of data.features) {
    const c = f.geometry.type === 'Point' ? f.geometry.coordinates : f.geometry.coordinates[0][0];
    L.marker([c[1], c[0]], {title: f.properties.label}).addTo(m);   // one DOM element per site
  }
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const drawn = performance.now() - t0;
  const t1 = performance.now(); m.panBy([150, 80], {animate: false});
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  return {draw: drawn, pan: performance.now() - t1, nodes: div.querySelectorAll('.leaflet-marker-icon').length};
}"""

PAN_JS = """async () => {
  const m = window.vigilMaps['sites-map'];
  const t1 = performance.now(); m.panBy([150, 80], {animate: false}); m.setZoom(m.getZoom() + 1, {animate: false});
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  return performance.now() - t1;
}"""


def bench_map(url: str) -> dict:
    from playwright.sync_api import sync_playwright

    load_sites(SITES)
    port = free_port()
    env = {**os.environ, "VIGIL_DATABASE_URL": url, "PYTHONPATH": str(REPO / "src"), "VIGIL_SCHEDULER": "false"}
    server = subprocess.Popen([sys.executable, "-m", "vigil.cli", "serve", "--port", str(port)], env=env,
                              cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        import httpx

        for _ in range(300):
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                        args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
            page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
            page.goto(f"{base}/login")
            page.fill("input[name=username]", "bench")
            page.fill("input[name=password]", "bench-pass-123")
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/")
            runs = []
            for _ in range(3):  # the first run warms the server's and the browser's caches
                page.goto(f"{base}/sites")
                page.wait_for_selector("#sites-map[data-features]", state="attached", timeout=60000)
                ready = page.evaluate("() => new Promise(r => requestAnimationFrame(() => "
                                      "requestAnimationFrame(() => r(performance.now()))))")
                drawn = int(page.get_attribute("#sites-map", "data-features"))
                runs.append((ready / 1000, page.evaluate(PAN_JS) / 1000))
            assert drawn == SITES, drawn
            interactive, pan = min(runs[1:])
            print(f"map page, {drawn:,} sites on canvas: interactive {interactive:.2f} s after navigation "
                  f"(pan+zoom frame {pan * 1000:.0f} ms)", flush=True)
            naive = page.evaluate(NAIVE_JS)
            print(f"naive baseline, one DOM marker per site ({naive['nodes']:,} nodes): drawn {naive['draw'] / 1000:.2f}"
                  f" s after its fetch alone, pan frame {naive['pan']:.0f} ms", flush=True)
            browser.close()
    finally:
        server.terminate()
        server.wait(10)
    return {"sites": drawn, "map_interactive_s": round(interactive, 3), "map_pan_ms": round(pan * 1000, 1),
            "naive_markers_draw_s": round(naive["draw"] / 1000, 3), "naive_pan_ms": round(naive["pan"], 1),
            "map_speedup": round(naive["draw"] / 1000 / interactive, 1)}


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="vigil-bench-sites-"))
    url, name = setup_database(tmp)
    print(f"database: {'PostgreSQL' if PG_URL else 'SQLite'}", flush=True)
    try:
        figures = {"database": "postgresql" if PG_URL else "sqlite", **bench_escalation(), **bench_map(url)}
    finally:
        drop_database(name)
    figures["goals_met"] = figures["escalate_s"] <= 5 and figures["map_interactive_s"] <= 2
    figures["load_average"] = round(os.getloadavg()[0], 1)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
