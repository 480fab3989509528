from __future__ import annotations

from typer.testing import CliRunner

from vigil.cli import app

runner = CliRunner()


def test_users_create_list_and_token(fresh_db):
    created = runner.invoke(app, ["users", "create", "duty1", "--agency", "transport", "--role", "operator",
                                  "--password", "duty1-password"])
    assert created.exit_code == 0, created.output
    listed = runner.invoke(app, ["users", "list"])
    assert "duty1" in listed.output and "transport" in listed.output
    token = runner.invoke(app, ["tokens", "create", "duty1"])
    assert token.exit_code == 0 and token.output.strip().startswith("vgl_")
    from tests.conftest import make_client

    with make_client() as c:
        me = c.get("/api/v1/me", headers={"Authorization": f"Bearer {token.output.strip()}"})
        assert me.json()["username"] == "duty1"


def test_cli_errors_are_one_line(fresh_db):
    dup = runner.invoke(app, ["users", "create", "admin", "--agency", "city", "--password", "whatever-123"])
    assert dup.exit_code == 1 and "already exists" in dup.output and "Traceback" not in dup.output
    missing = runner.invoke(app, ["tokens", "create", "no-such-user"])
    assert missing.exit_code == 1 and "No user" in missing.output
