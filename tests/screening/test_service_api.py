"""Screening through the service, the HTTP API and the console, on the suite's database."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from tests.conftest import SHARED_DATA, record_event_loop_use

OFAC = SHARED_DATA / "sanctions" / "ofac"
REVIEW = (date.today() + timedelta(days=90)).isoformat()
ENTRY = {"name": "Viktor Petrenko", "aliases": ["Виктор Петренко"], "dob": "1975-03-14", "nationality": "UA",
         "legal_basis": "Organised Crime Act s.4", "grounds": "Leads an arms-trafficking network (court order 77/2026)",
         "review_date": REVIEW}


@pytest.fixture(scope="module")
def agency_list(vigil_db):
    from tests.conftest import login, make_client

    with make_client() as c:
        login(c, "supervisor")
        wl = c.post("/api/v1/watchlists", json={"name": "City organised crime", "kind": "manual",
                                                "legal_basis": "Organised Crime Act s.4"})
        assert wl.status_code == 201, wl.text
        entry = c.post(f"/api/v1/watchlists/{wl.json()['id']}/entries", json=ENTRY)
        assert entry.status_code == 201, entry.text
        return wl.json()


def test_screen_one_record_finds_un_entry(as_user):
    resp = as_user("analyst").post("/api/v1/screen", json={"name": "Usama bin Laden"})
    assert resp.status_code == 200
    result = resp.json()["results"][0]
    assert result["matches"], result
    best = result["matches"][0]
    assert best["source"] == "un" and best["list_name"].startswith("UN Security Council")
    assert best["score"] >= resp.json()["threshold"] and "name" in best["explanation"]


def test_cyrillic_query_finds_agency_entry(as_user, agency_list):
    resp = as_user("analyst").post("/api/v1/screen", json={"name": "Петренко Виктор", "dob": "1975"})
    names = [m["name"] for m in resp.json()["results"][0]["matches"]]
    assert any("Petrenko" in n or "Петренко" in n for n in names)


def test_batch_with_bad_rows_keeps_going(as_user):
    resp = as_user("analyst").post("/api/v1/screen", json={"records": [
        {"id": "a", "name": "   "}, {"id": "b", "name": "x" * 10_000}, {"id": "c", "name": "Jane\x00 Doe\x1b"},
        {"id": "d", "name": "Karim Haddad"}]})
    assert resp.status_code == 200
    by_id = {r["id"]: r for r in resp.json()["results"]}
    assert by_id["a"]["error"] and by_id["b"]["error"] is None and by_id["c"]["error"] is None
    assert by_id["d"]["matches"][0]["name"] == "Karim Haddad"


def test_screen_bad_input(as_user):
    c = as_user("analyst")
    assert c.post("/api/v1/screen", json={}).status_code == 422
    assert c.post("/api/v1/screen", json={"name": "a", "records": []}).status_code == 422
    assert c.post("/api/v1/screen", json={"name": "a", "threshold": 2}).status_code == 422
    assert c.post("/api/v1/screen", json={"name": "a", "colour": "x"}).status_code == 422
    assert as_user("viewer").post("/api/v1/screen", json={"name": "a"}).status_code == 403


def test_protected_grounds_are_refused(as_user, agency_list):
    c = as_user("supervisor")
    for grounds in ("Member of the political opposition", "Attends the central mosque", "Ethnic Roma origin"):
        resp = c.post(f"/api/v1/watchlists/{agency_list['id']}/entries", json={**ENTRY, "grounds": grounds,
                                                                              "name": "Some One"})
        assert resp.status_code == 400 and "Refused" in resp.json()["detail"], grounds
    missing_review = {k: v for k, v in ENTRY.items() if k != "review_date"}
    assert c.post(f"/api/v1/watchlists/{agency_list['id']}/entries", json=missing_review).status_code == 422


def test_only_owner_agency_manages_its_list(as_user, agency_list):
    # The supervisor of the city bureau created it; the CTB's analyst (lower role) and others cannot add.
    resp = as_user("analyst").post(f"/api/v1/watchlists/{agency_list['id']}/entries", json=ENTRY)
    assert resp.status_code == 403


def test_entries_are_personal_data(as_user, agency_list):
    c = as_user("supervisor")
    assert c.get(f"/api/v1/watchlists/{agency_list['id']}/entries").status_code == 428
    page = c.get(f"/api/v1/watchlists/{agency_list['id']}/entries", headers={"X-Vigil-Purpose": "annual review"})
    assert page.status_code == 200 and page.json()["items"][0]["grounds"].startswith("Leads")


def test_versioned_import_and_rescreen_only_new_entries(as_user, tmp_path):
    from vigil.platform.database import session_scope
    from vigil.screening import service

    c = as_user("supervisor")
    wl = c.post("/api/v1/watchlists", json={"name": "Partner list", "kind": "csv",
                                            "legal_basis": "Bilateral agreement 2025/3"}).json()
    v1 = "id,name,dob\np1,Ahmed Karimov,1980-01-01\np2,Lena Vogel,1990-05-05\n"
    v2 = "id,name,dob\np1,Ahmed Karimov,1980-01-02\np3,Tomasz Wrona,1970-07-07\n"
    r1 = c.post(f"/api/v1/watchlists/{wl['id']}/import", files={"files": ("v1.csv", v1, "text/csv")})
    assert r1.status_code == 200 and r1.json()["added"] == 2
    r2 = c.post(f"/api/v1/watchlists/{wl['id']}/import", files={"files": ("v2.csv", v2, "text/csv")})
    body = r2.json()
    assert (body["version"], body["added"], body["changed"], body["removed"]) == (2, 1, 1, 1)
    assert body["added_ids"] == ["p3"]
    with session_scope() as db:
        from sqlalchemy import select

        from vigil.screening.models import WatchlistVersion

        version = db.scalars(select(WatchlistVersion).where(WatchlistVersion.watchlist_id == wl["id"],
                                                            WatchlistVersion.number == 2)).one()
        retained = [service.RecordIn("hotel-17", "Tomasz Wrona"), service.RecordIn("hotel-18", "Ahmed Karimov")]
        hits = service.rescreen_new_entries(db, version.id, retained)
    assert set(hits) == {"hotel-17"}  # Karimov was already listed: only new entries are re-screened


def test_broken_list_file_imports_nothing(as_user):
    c = as_user("supervisor")
    wl = c.post("/api/v1/watchlists", json={"name": "UN copy", "kind": "un", "legal_basis": "UNSC 1267"}).json()
    truncated = (SHARED_DATA / "sanctions" / "un" / "consolidated.xml").read_bytes()[:50_000]
    resp = c.post(f"/api/v1/watchlists/{wl['id']}/import", files={"files": ("consolidated.xml", truncated)})
    assert resp.status_code == 400 and "rejected" in resp.json()["detail"]
    lists = {w["id"]: w for w in c.get("/api/v1/watchlists").json()}
    assert lists[wl["id"]]["entries"] == 0 and lists[wl["id"]]["version"] == 0


def test_ofac_upload_as_several_files(as_user):
    c = as_user("supervisor")
    wl = c.post("/api/v1/watchlists", json={"name": "OFAC SDN", "kind": "ofac",
                                            "legal_basis": "Mutual legal assistance: US OFAC designations"}).json()
    files = [("files", (n, (OFAC / n).read_bytes())) for n in ("sdn.csv", "alt.csv")]
    resp = c.post(f"/api/v1/watchlists/{wl['id']}/import", files=files)
    assert resp.status_code == 200, resp.text
    assert resp.json()["added"] == 8976


def test_mrz_and_documents(as_user, tmp_path):
    c = as_user("supervisor")
    lines = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
    ok = c.post("/api/v1/documents/mrz", json={"mrz": lines}).json()
    assert ok["valid"] and ok["document_number"] == "L898902C3"
    bad = c.post("/api/v1/documents/mrz", json={"mrz": lines.replace("L898902C36", "L898902C37")}).json()
    assert not bad["valid"] and any("document number" in e.lower() for e in bad["errors"])
    lost = "document_number,issuing_country,type,reported_date\nL898902C3,UTO,passport,2025-01-01\n"
    imported = c.post("/api/v1/documents/lost/import", files={"files": ("lost.csv", lost)})
    assert imported.json()["imported"] == 1
    hit = c.post("/api/v1/documents/mrz", json={"mrz": lines}).json()
    assert hit["lost_or_stolen"][0]["number"] == "L898902C3"
    screened = c.post("/api/v1/screen", json={"name": "Anna Eriksson", "id_number": "L 898902-C3"}).json()
    assert screened["results"][0]["document_hits"]
    ric = c.post("/api/v1/documents/check", json={"number": "11010519491231002X", "country": "CN"}).json()
    assert ric["cn_resident_id"]["valid"] is True
    ric_bad = c.post("/api/v1/documents/check", json={"number": "110105194912310021", "country": "CN"}).json()
    assert ric_bad["cn_resident_id"]["valid"] is False


def test_console_screening_pages(as_user, monkeypatch):
    from vigil.screening import service

    on_loop = record_event_loop_use(monkeypatch, service, "screen_records")
    c = as_user("analyst")
    page = c.get("/screening")
    assert page.status_code == 200 and "Screen a CSV file" in page.text
    result = c.post("/screening/check", data={"name": "Karim Haddad", "purpose": "registration check"})
    assert "Karim Haddad" in result.text and "CTB persons of interest" in result.text
    upload = c.post("/screening/upload", files={"file": ("r.csv", "id,name\n1,Karim Haddad\n2,\n3,Jane Smith\n")})
    assert upload.status_code == 200 and "line 3: name is empty" in upload.text
    assert on_loop[-1] is False  # a file of up to 10,000 rows is screened on a worker thread, not the event loop
    bad = c.post("/screening/upload", files={"file": ("r.csv", "who,what\n1,2\n")})
    assert bad.status_code == 400


def test_console_screens_a_big_file_as_a_job_with_progress(as_user, monkeypatch):
    """A file over INLINE_ROWS rows is screened in the background; the page polls the job for its progress and
    gets the results once, and only the user who uploaded it can poll it."""
    import re
    import time

    from vigil.screening import uploads
    from vigil.screening.pages import INLINE_ROWS

    on_loop = record_event_loop_use(monkeypatch, uploads, "start")
    rows = [f"{i},Karim Haddad" if i == 7 else f"{i},Person{i} Testcase{i % 13}" for i in range(INLINE_ROWS + 150)]
    rows.insert(3, ",")  # a row without a name: reported with its line number
    c = as_user("analyst")
    started = c.post("/screening/upload", files={"file": ("big.csv", "id,name\n" + "\n".join(rows) + "\n")},
                     data={"purpose": "hotel registrations"})
    assert started.status_code == 200 and 'id="screen-progress"' in started.text and on_loop == [False]
    poll_url = re.search(r'hx-get="(/screening/upload/[^"]+)"', started.text).group(1)
    assert as_user("supervisor").get(poll_url).status_code == 404  # not theirs
    for _ in range(600):
        page = c.get(poll_url, headers={"HX-Request": "true"})
        assert page.status_code == 200
        if 'id="screen-progress"' not in page.text:
            break
        time.sleep(0.05)
    assert f"among {INLINE_ROWS + 151} record(s)" in page.text and "Karim Haddad" in page.text
    assert "line 5: name is empty" in page.text
    # shown once: the results are not kept after that
    assert "no longer available" in c.get(poll_url, headers={"HX-Request": "true"}).text
    assert c.get(poll_url).status_code == 404


def test_upload_jobs_stall_and_expire(vigil_db):
    """A job whose process went away is reported as failed; one nobody fetched is deleted after KEEP_SECONDS."""
    import time

    from sqlalchemy import select

    from vigil.platform.database import session_scope
    from vigil.platform.identity.models import User
    from vigil.platform.identity.principal import Principal
    from vigil.screening import uploads
    from vigil.screening.models import UploadJob

    with session_scope() as db:
        uid = db.scalar(select(User.id).where(User.username == "analyst"))
        now = time.time()
        for job_id, age, status in (("stalled", uploads.STALLED_SECONDS + 5, "running"),
                                    ("expired", uploads.KEEP_SECONDS + 5, "done")):
            db.add(UploadJob(id=job_id, owner_user_id=uid, status=status, total=500, done=100, error="",
                             row_errors="[]", alerts="[]", started_at=now - age, updated_at=now - age))
    who = Principal(user_id=uid, username="analyst", agency_id=1, agency_code="x", role="analyst", clearance=1)
    stalled = uploads.poll("stalled", who)
    assert stalled["status"] == "failed" and "restarted" in stalled["error"]
    assert uploads.poll("stalled", who) is None  # reported once, then gone
    assert uploads.poll("expired", who) is None
    with session_scope() as db:
        assert db.get(UploadJob, "expired") is None


def test_every_entry_has_legal_basis_owner_and_review_date(as_user):
    c = as_user("supervisor")
    un = next(w for w in c.get("/api/v1/watchlists").json() if w["kind"] == "un")
    assert un["owner_agency_id"] and un["legal_basis"]
    page = c.get(f"/api/v1/watchlists/{un['id']}/entries", params={"limit": 50},
                 headers={"X-Vigil-Purpose": "list quality review"}).json()
    assert page["items"] and all(e["review_date"] and e["legal_basis"] for e in page["items"])
    overview = c.get("/screening/watchlists")
    assert overview.status_code == 200 and "Due for review" in overview.text


def test_edit_and_remove_entry_as_new_versions(as_user, agency_list):
    c = as_user("supervisor")
    entry = c.post(f"/api/v1/watchlists/{agency_list['id']}/entries",
                   json={**ENTRY, "name": "Edith Marsh", "aliases": [], "source_id": "edit-me"}).json()
    refused = c.patch(f"/api/v1/watchlists/entries/{entry['id']}", json={"grounds": "Known religious leader"})
    assert refused.status_code == 400
    later = (date.today() + timedelta(days=400)).isoformat()
    edited = c.patch(f"/api/v1/watchlists/entries/{entry['id']}", json={"review_date": later})
    assert edited.status_code == 200 and edited.json()["review_date"] == later
    console = c.get(f"/screening/watchlists/{agency_list['id']}", params={"purpose": "entry maintenance"})
    assert "Edith Marsh" in console.text
    assert "Edith Marsh" not in c.get(f"/screening/watchlists/{agency_list['id']}").text  # no purpose, no names
    c.post(f"/screening/watchlists/entries/{entry['id']}/remove", data={"csrf_token": c.headers["X-CSRF-Token"]})
    hits = c.post("/api/v1/screen", json={"name": "Edith Marsh"}).json()["results"][0]["matches"]
    assert not [m for m in hits if m["source_id"] == "edit-me"]


def test_every_screening_request_is_audited_before_its_answer(as_user):
    """The API's screening event is committed on its own (``screen_records_now``): it names the caller, the
    purpose and the rows that alerted; a request refused by policy leaves none."""
    from sqlalchemy import text

    from vigil.platform.database import get_engine

    def events():
        with get_engine().connect() as conn:
            return conn.execute(text("SELECT actor, purpose, detail FROM audit_events WHERE action = 'screening.run'"
                                     " ORDER BY seq")).all()

    before = len(events())
    resp = as_user("analyst").post("/api/v1/screen", headers={"X-Vigil-Purpose": "case 2026-114"},
                                   json={"records": [{"id": "r1", "name": "Usama bin Laden"},
                                                     {"id": "r2", "name": "Jane Q Nobody"}]})
    assert resp.status_code == 200
    assert as_user("viewer").post("/api/v1/screen", json={"name": "Usama bin Laden"}).status_code == 403
    new = events()[before:]
    assert len(new) == 1 and new[0].actor == "analyst" and new[0].purpose == "case 2026-114"
    assert json.loads(new[0].detail) == {"records": 2, "alerts": 1, "hit_ids": ["r1"]}


def test_searches_are_remembered_across_calls_until_a_list_changes(as_user, agency_list):
    """A person screened again (the next chunk of a file, the next API batch) is not searched again; a new list
    version, made here or by another process, makes the next screening search afresh and find the new entry."""
    from vigil.screening import service

    analyst, supervisor = as_user("analyst"), as_user("supervisor")

    def matches(name):
        resp = analyst.post("/api/v1/screen", json={"records": [{"id": "1", "name": name, "dob": "1981-06-02"}]})
        assert resp.status_code == 200, resp.text
        return [m["name"] for m in resp.json()["results"][0]["matches"]]

    assert matches("Marta Kowalczyk") == []
    index, _, memory = service._cache.searched
    remembered = len(memory)
    assert "Marta Kowalczyk" in {key[0] for key in memory}
    assert matches("Marta Kowalczyk") == []
    assert service._cache.searched[2] is memory and len(memory) == remembered  # answered from memory

    added = supervisor.post(f"/api/v1/watchlists/{agency_list['id']}/entries",
                            json={**ENTRY, "name": "Marta Kowalczyk", "aliases": [], "dob": "1981-06-02",
                                  "source_id": "memory-1"})
    assert added.status_code == 201, added.text
    assert "Marta Kowalczyk" in matches("Marta Kowalczyk")
    assert service._cache.searched[0] is not index

    # Another process's change: this process's index, and its memory, look current until the version id says not.
    assert matches("Jonas Vilkas") == []
    before = (service._cache.key, service._cache.index, service._cache.noticed, service._cache.searched)
    added = supervisor.post(f"/api/v1/watchlists/{agency_list['id']}/entries",
                            json={**ENTRY, "name": "Jonas Vilkas", "aliases": [], "dob": "1981-06-02",
                                  "source_id": "memory-2"})
    assert added.status_code == 201, added.text
    service._cache.key, service._cache.index, service._cache.noticed, service._cache.searched = before
    assert "Jonas Vilkas" in matches("Jonas Vilkas")


def test_search_ahead_answers_as_this_process_would_and_never_for_an_old_index(as_user):
    """The helper process's answers are the index's own (matches rebuilt with their entries); answers that come
    back after a list change are dropped."""
    from vigil.platform.database import session_scope
    from vigil.screening import service

    records = [service.RecordIn(str(n), f"Aleksander Testowy {n}", "1970-01-01", "PL")
               for n in range(service.AHEAD_MIN)]
    records += [service.RecordIn("hit", "Usama bin Laden"), service.RecordIn("blank", "  ")]
    service.invalidate_index()
    with service.SearchAhead(cpus=2) as ahead, session_scope() as db:
        index = service.current_index(db)
        ahead.collect(ahead.submit(db, records))
        memory = service._cache.searched[2]
        for rec in records[-2:] + records[:20]:
            if not rec.name.strip():
                assert not any(key[0] == rec.name for key in memory)
                continue
            mine = index.search(service._query(rec), None)
            theirs = memory[service._key(rec)]
            assert [(m.source_id, m.name, m.score, m.explanation, m.entry) for m in theirs] == \
                [(m.source_id, m.name, m.score, m.explanation, m.entry) for m in mine]
        assert memory[service._key(records[-2])]  # the listed name was found

        later = [service.RecordIn(str(n), f"Bogdana Probna {n}", "1971-01-01", "PL") for n in range(service.AHEAD_MIN)]
        pending = ahead.submit(db, later)
        assert pending
        service.invalidate_index()  # a list changed meanwhile: a new index, an empty memory
        fresh = service._searched(service.current_index(db), None)
        ahead.collect(pending)
        assert service._cache.searched[2] is fresh and not any(key[0].startswith("Bogdana") for key in fresh)
