"""Login, lockout, sessions, CSRF, tokens, roles and agency checks through the HTTP API."""

from __future__ import annotations

from tests.conftest import make_client, record_event_loop_use

CASE = {"title": "Bag theft at the harbour", "legal_basis": "Criminal Procedure Code art. 110"}


def test_login_success_sets_session(client):
    resp = client.post("/api/v1/auth/login", json={"username": "analyst", "password": "analyst-demo-pass"})
    assert resp.status_code == 200
    assert resp.json()["agency"] == "ctb"
    cookie = resp.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "secure" in cookie
    assert client.get("/api/v1/me").json()["username"] == "analyst"


def test_unknown_user_and_wrong_password_answer_alike(client):
    wrong = client.post("/api/v1/auth/login", json={"username": "viewer", "password": "not-the-password"})
    unknown = client.post("/api/v1/auth/login", json={"username": "nobody-here", "password": "not-the-password"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"]
    assert wrong.headers["content-type"].startswith("application/problem+json")


def test_lockout_after_repeated_failures(as_user):
    admin = as_user("admin")
    admin.post("/api/v1/admin/users", json={"username": "locky", "password": "locky-password-1",
                                            "agency": "city", "role": "viewer"}).raise_for_status()
    with make_client() as c:
        for _ in range(5):
            assert c.post("/api/v1/auth/login", json={"username": "locky", "password": "bad-guess"}).status_code == 401
        # Locked: even the right password is refused, with the same answer.
        locked = c.post("/api/v1/auth/login", json={"username": "locky", "password": "locky-password-1"})
        assert locked.status_code == 401
        assert locked.json()["detail"] == "Invalid username or password"
    actions = [e["action"] for e in admin.get("/api/v1/audit", params={"actor": "locky"}).json()["items"]]
    assert "auth.lockout" in actions and "auth.login_locked" in actions


def test_unauthenticated_api_is_401_problem(client):
    resp = client.get("/api/v1/cases")
    assert resp.status_code == 401
    assert resp.json()["status"] == 401


def test_session_write_without_csrf_is_refused(as_user):
    c = as_user("operator")
    del c.headers["X-CSRF-Token"]
    resp = c.post("/api/v1/cases", json=CASE)
    assert resp.status_code == 403
    assert "CSRF" in resp.json()["detail"]


def test_viewer_cannot_write(as_user):
    resp = as_user("viewer").post("/api/v1/cases", json=CASE)
    assert resp.status_code == 403
    assert as_user("operator").post("/api/v1/cases", json=CASE).status_code == 201


def test_agency_cannot_read_another_agencys_restricted_records(as_user):
    analyst = as_user("analyst")  # counter-terrorism bureau
    ctb_cases = analyst.get("/api/v1/cases").json()["items"]
    restricted = next(c for c in ctb_cases if c["restricted"])
    supervisor = as_user("supervisor")  # city bureau, higher role, same clearance
    assert supervisor.get(f"/api/v1/cases/{restricted['id']}").status_code == 404
    assert restricted["id"] not in [c["id"] for c in supervisor.get("/api/v1/cases").json()["items"]]
    subjects = supervisor.get(f"/api/v1/cases/{restricted['id']}/subjects",
                              headers={"X-Vigil-Purpose": "checking a lead"})
    assert subjects.status_code == 404


def test_personal_data_needs_purpose_and_is_audited(as_user):
    analyst = as_user("analyst")
    case = next(c for c in analyst.get("/api/v1/cases").json()["items"] if c["restricted"])
    refused = analyst.get(f"/api/v1/cases/{case['id']}/subjects")
    assert refused.status_code == 428
    ok = analyst.get(f"/api/v1/cases/{case['id']}/subjects",
                     headers={"X-Vigil-Purpose": "preparing the search warrant"})
    assert ok.status_code == 200 and ok.json()[0]["full_name"] == "Karim Haddad"
    events = as_user("admin").get("/api/v1/audit", params={"action": "personal_data.read",
                                                          "actor": "analyst"}).json()["items"]
    assert events[0]["purpose"] == "preparing the search warrant"
    assert events[0]["record_id"] == str(case["id"])


def test_tokens_create_use_revoke(as_user):
    admin = as_user("admin")
    created = admin.post("/api/v1/admin/tokens", json={"username": "operator", "name": "partner-system"})
    assert created.status_code == 201
    secret = created.json()["token"]
    assert secret not in str(admin.get("/api/v1/admin/tokens").json())  # listed without the secret
    with make_client() as machine:
        auth = {"Authorization": f"Bearer {secret}"}
        assert machine.get("/api/v1/me", headers=auth).json()["username"] == "operator"
        # Token clients need no CSRF token: they carry no ambient cookie.
        assert machine.post("/api/v1/cases", json=CASE, headers=auth).status_code == 201
        admin.delete(f"/api/v1/admin/tokens/{created.json()['id']}").raise_for_status()
        assert machine.get("/api/v1/me", headers=auth).status_code == 401
        assert machine.get("/api/v1/me", headers={"Authorization": "Bearer vgl_forged"}).status_code == 401


def test_only_admins_manage_users(as_user):
    resp = as_user("supervisor").post("/api/v1/admin/users", json={"username": "x1", "password": "password-123",
                                                                     "agency": "city", "role": "admin"})
    assert resp.status_code == 403


def test_audit_log_is_for_supervisors(as_user):
    assert as_user("analyst").get("/api/v1/audit").status_code == 403
    assert as_user("supervisor").get("/api/v1/audit").status_code == 200


def test_console_login_form_and_logout(vigil_db):
    with make_client() as c:
        page = c.get("/login")
        csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        bad = c.post("/login", data={"username": "viewer", "password": "nope", "csrf_token": csrf})
        assert bad.status_code == 401 and "Invalid username or password" in bad.text
        ok = c.post("/login", data={"username": "viewer", "password": "viewer-demo-pass", "csrf_token": csrf},
                    follow_redirects=False)
        assert ok.status_code == 303
        dash = c.get("/")
        assert "Dashboard" in dash.text and "Administration" not in dash.text  # viewer: no admin entry
        assert c.get("/admin").status_code == 403
        login_again = c.get("/login")
        csrf2 = login_again.text.split('name="csrf_token" value="')[1].split('"')[0]
        c.post("/logout", data={"csrf_token": csrf2}, follow_redirects=False)
        assert c.get("/", follow_redirects=False).status_code == 303


def test_console_login_hashes_off_the_event_loop(vigil_db, monkeypatch):
    """argon2 costs ~0.1 s of CPU: the login form runs it on a worker thread, not on the event loop."""
    from vigil.platform.identity import service as identity

    on_loop = record_event_loop_use(monkeypatch, identity, "authenticate")
    with make_client() as c:
        csrf = c.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]
        ok = c.post("/login", data={"username": "viewer", "password": "viewer-demo-pass", "csrf_token": csrf},
                    follow_redirects=False)
        assert ok.status_code == 303 and c.get("/").status_code == 200
    assert on_loop == [False]


def test_admin_console_creates_users_and_shows_token_once(as_user):
    admin = as_user("admin")
    csrf = admin.headers["X-CSRF-Token"]
    page = admin.get("/admin")
    assert page.status_code == 200 and "API tokens" in page.text
    made = admin.post("/admin/users", data={"username": "desk7", "password": "desk7-password", "agency": "transport",
                                            "role": "operator", "clearance": "1", "csrf_token": csrf},
                      follow_redirects=False)
    assert made.status_code == 303
    created = admin.post("/admin/tokens", data={"username": "desk7", "name": "desk", "csrf_token": csrf})
    secret = created.text.split('id="new-token">')[1].split("<")[0]
    assert secret.startswith("vgl_")
    assert secret not in admin.get("/admin").text  # shown once only
    bad = admin.post("/admin/users", data={"username": "x", "password": "short", "agency": "city", "role": "god",
                                           "csrf_token": csrf})
    assert bad.status_code == 422 and "Please correct the form" in bad.text


def test_verified_credentials_are_reused_only_for_the_cache_time(as_user, monkeypatch):
    """A token revoked by another worker process (here: straight in the database) stops working once the
    process's auth cache entry expires; failures are never cached."""
    import time

    from vigil.platform.config import get_settings
    from vigil.platform.database import session_scope
    from vigil.platform.identity.models import ApiToken
    from vigil.platform.database import utcnow

    monkeypatch.setattr(get_settings(), "auth_cache_seconds", 0.5)
    admin = as_user("admin")
    created = admin.post("/api/v1/admin/tokens", json={"username": "viewer", "name": "cache-check"}).json()
    auth = {"Authorization": f"Bearer {created['token']}"}
    with make_client() as machine:
        assert machine.get("/api/v1/me", headers=auth).status_code == 200
        with session_scope() as db:  # what another worker's revocation looks like to this process
            db.get(ApiToken, created["id"]).revoked_at = utcnow()
        assert machine.get("/api/v1/me", headers=auth).status_code == 200  # still inside the cache time
        time.sleep(0.6)
        assert machine.get("/api/v1/me", headers=auth).status_code == 401
        assert machine.get("/api/v1/me", headers=auth).status_code == 401  # and the refusal is not cached away


def test_basic_auth_cache_keeps_wrong_passwords_out(as_user):
    """HTTP Basic (TAXII partners): a cached success does not let a different password in, and wrong
    passwords still reach the lockout counter."""
    import base64

    def basic(password):
        return {"Authorization": "Basic " + base64.b64encode(f"analyst:{password}".encode()).decode(),
                "Accept": "application/taxii+json;version=2.1"}

    with make_client() as partner:
        assert partner.get("/taxii2/", headers=basic("analyst-demo-pass")).status_code == 200
        assert partner.get("/taxii2/", headers=basic("analyst-demo-pass")).status_code == 200
        assert partner.get("/taxii2/", headers=basic("analyst-demo-wrong")).status_code == 401
    admin = as_user("admin")
    events = admin.get("/api/v1/audit", params={"action": "auth.login_failed"}).json()["items"]
    assert any(e["actor"] == "analyst" for e in events)


def test_expired_credential_is_rechecked_by_one_caller_only(monkeypatch):
    """When a cached credential expires, the first caller re-checks it with the database; callers arriving
    meanwhile keep the old answer (briefly) instead of all querying at once; a failed re-check drops it."""
    import time

    from vigil.platform.config import get_settings
    from vigil.platform.identity.principal import Principal
    from vigil.platform.identity.service import _AuthCache

    monkeypatch.setattr(get_settings(), "auth_cache_seconds", 0.05)
    cache = _AuthCache()
    who = Principal(user_id=7, username="partner", agency_id=2, agency_code="liaison-fr", role="analyst",
                    clearance=1, via="token")
    loads = []

    def load(answer):
        loads.append(answer)
        return answer

    assert cache.lookup("k", lambda: load(who)) == who and len(loads) == 1
    assert cache.lookup("k", lambda: load(who)) == who and len(loads) == 1  # cached
    time.sleep(0.06)
    assert cache.claim("k")  # a first caller starts re-checking the expired entry
    assert cache.lookup("k", lambda: load(None)) == who and len(loads) == 1  # others keep the old answer
    cache.settle("k", None, claimed=True)  # the re-check found the token revoked
    assert cache.lookup("k", lambda: load(None)) is None and len(loads) == 2  # nobody gets the old answer now
    cache.lookup("k", lambda: load(who))
    time.sleep(0.06)
    monkeypatch.setattr(_AuthCache, "STALE_GRACE", 0.0)
    assert cache.claim("k")
    assert cache.lookup("k", lambda: load(None)) is None  # past the grace the old answer is not used
