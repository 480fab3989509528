"""The `vigil` command."""

from __future__ import annotations

import getpass
import os
import sys

import typer
from rich.console import Console
from rich.table import Table

from vigil.platform.identity.principal import Principal

app = typer.Typer(help="Vigil: intelligence and prevention centre platform.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.")
users_app = typer.Typer(help="User accounts.")
audit_app = typer.Typer(help="Audit log.")
tokens_app = typer.Typer(help="API tokens for scripts and partner systems.")
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")
app.add_typer(tokens_app, name="tokens")
console = Console()
err = Console(stderr=True)


def cli_actor() -> Principal:
    return Principal(user_id=0, username=f"cli:{getpass.getuser()}", agency_id=0, agency_code="-", role="admin",
                     clearance=3, via="system")


def _fail(message: str) -> None:
    err.print(f"[red]error:[/red] {message}")
    raise typer.Exit(1)


def _run(fn):
    """Run a use case; report domain errors as one clear line, never a traceback."""
    from vigil.platform.errors import Problem

    try:
        return fn()
    except Problem as exc:
        _fail(exc.detail)


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head")):
    """Apply migrations up to REVISION (default head)."""
    from vigil.platform.config import get_settings
    from vigil.platform.migrations import upgrade

    upgrade(revision)
    console.print(f"database at [bold]{revision}[/bold]: {get_settings().resolved_database_url.split('@')[-1]}")


@users_app.command("create")
def users_create(username: str, agency: str = typer.Option(..., help="agency code"),
                 role: str = typer.Option("viewer"), clearance: int = typer.Option(1),
                 password: str = typer.Option(None, help="prompted if omitted")):
    """Create a user in an agency."""
    from vigil.platform.database import session_scope
    from vigil.platform.identity import service

    password = password or typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with session_scope() as db:
        user = _run(lambda: service.create_user(db, cli_actor(), username, password, agency, role, clearance))
        console.print(f"created user [bold]{user.username}[/bold] ({user.role} @ {agency})")


@users_app.command("list")
def users_list():
    """List users."""
    from vigil.platform.database import session_scope
    from vigil.platform.identity import service
    from vigil.platform.identity.principal import CLEARANCES

    table = Table("username", "agency", "role", "clearance", "active")
    with session_scope() as db:
        for u in service.list_users(db):
            table.add_row(u.username, u.agency.code, u.role, CLEARANCES[u.clearance], "yes" if u.active else "no")
    console.print(table)


@tokens_app.command("create")
def tokens_create(username: str, name: str = typer.Option("api")):
    """Print a new API token for USERNAME (shown once)."""
    from vigil.platform.database import session_scope
    from vigil.platform.identity import service

    with session_scope() as db:
        _, secret = _run(lambda: service.create_token(db, cli_actor(), username, name))
    print(secret)


@audit_app.command("verify")
def audit_verify():
    """Check the audit hash chain; name the first broken link."""
    from vigil.platform.audit import service
    from vigil.platform.database import session_scope

    with session_scope() as db:
        result = service.verify(db)
    if result.ok:
        console.print(f"[green]audit chain intact[/green]: {result.checked} events verified")
        return
    err.print(f"[red]audit chain broken[/red] at row {result.seq}: {result.problem}")
    raise typer.Exit(2)


def _serve(host: str, port: int, workers: int = 1) -> None:
    import uvicorn

    uvicorn.run("vigil.web.app:create_app", factory=True, host=host, port=port, log_level="warning",
                access_log=False, workers=workers)


@app.command()
def serve(host: str = typer.Option("127.0.0.1"), port: int = typer.Option(8000),
          workers: int = typer.Option(1, min=1, help="worker processes (one per core is typical)")):
    """Serve the console and API."""
    from vigil.platform.migrations import upgrade

    from vigil.platform.config import get_settings

    upgrade()
    get_settings().resolved_secret_key()  # created once here, so every worker signs sessions with the same key
    _serve(host, port, workers)


@app.command()
def demo(host: str = typer.Option("127.0.0.1"), port: int = typer.Option(8000),
         no_serve: bool = typer.Option(False, "--no-serve", help="seed and exit")):
    """Create the embedded database with demo data, print the logins, and serve."""
    from vigil import demo as demo_data
    from vigil.platform.config import get_settings, reset_settings
    from vigil.platform.migrations import upgrade

    if "VIGIL_COOKIE_SECURE" not in os.environ and host in ("127.0.0.1", "localhost", "::1"):
        # The demo is plain HTTP on loopback, where browsers differ on Secure cookies; production keeps them.
        os.environ["VIGIL_COOKIE_SECURE"] = "false"
        reset_settings()
    settings = get_settings()
    upgrade()
    logins = demo_data.seed()
    console.print(f"Vigil demo data in [bold]{settings.data_dir.resolve()}[/bold]")
    table = Table("username", "password", "role")
    for row in logins:
        table.add_row(*row)
    console.print(table)
    console.print(f"Console: [bold]http://{host}:{port}/[/bold]")
    sys.stdout.flush()
    if not no_serve:
        _serve(host, port)


def _register_capability_commands() -> None:
    from vigil.intel.cli import intel_app
    from vigil.screening.cli import screen

    app.command("screen", help="Screen a CSV of records against watchlists.")(screen)
    app.add_typer(intel_app, name="intel", help="Shared intelligence: STIX import, partner TAXII sync.")


_register_capability_commands()

if __name__ == "__main__":
    app()
