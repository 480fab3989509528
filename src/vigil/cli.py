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
jobs_app = typer.Typer(help="Scheduled jobs (they also run by themselves inside `vigil serve`).")
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")
app.add_typer(tokens_app, name="tokens")
app.add_typer(jobs_app, name="jobs")
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


@jobs_app.command("list")
def jobs_list():
    """List the scheduled jobs and their periods."""
    from vigil.platform.registry import load_jobs

    table = Table("job", "every", "enabled", "what it does")
    for job in sorted(load_jobs().values(), key=lambda j: j.name):
        table.add_row(job.name, str(job.every), "yes" if job.enabled() else "no", job.description)
    console.print(table)


@jobs_app.command("run")
def jobs_run(name: str, as_of: str = typer.Option(None, "--as-of", help="YYYY-MM-DD or ISO time (UTC)")):
    """Run one scheduled job once, now or as of a given time; prints its summary last."""
    from vigil.platform import clock, jobs
    from vigil.platform.registry import load_jobs

    load_jobs()
    try:
        at = clock.parse_as_of(as_of)
    except ValueError:
        _fail(f"--as-of {as_of!r} is not a date or ISO time")
    print(_run(lambda: jobs.run(name, at)))


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


# (module, attribute, how it is added): a capability's CLI module exposes a Typer app (added as a group) or a
# function (added as a command). Capabilities not built yet are skipped.
CAPABILITY_COMMANDS = [
    ("vigil.screening.cli", "screen", "command:screen", "Screen a CSV of records against watchlists."),
    ("vigil.screening.lists_cli", "lists_app", "group:lists", "Watchlists from their official sources."),
    ("vigil.intel.cli", "intel_app", "group:intel", "Shared intelligence: STIX import, partner TAXII sync."),
    ("vigil.registrations.cli", "registrations_app", "group:registrations", "Real-name registrations."),
    ("vigil.parcels.cli", "parcels_app", "group:parcels", "Parcel manifests and declared contents."),
    ("vigil.ledger.cli", "ledger_app", "group:ledger", "Controlled-items ledger."),
    ("vigil.sites.cli", "sites_app", "group:sites", "Key sites and infrastructure."),
    ("vigil.sites.cli", "campaigns_app", "group:campaigns", "Hazard-rectification campaigns."),
    ("vigil.risk.cli", "events_app", "group:events", "Major events and their security plans."),
    ("vigil.response.cli", "response_app", "group:response", "Rapid response: incidents, units, coverage."),
    ("vigil.response.cli", "simulate", "command:simulate", "Replay a day of synthetic incidents."),
    ("vigil.analysis.cli", "analysis_app", "group:analysis", "Statistics and analysis centre."),
    ("vigil.tips.cli", "tips_app", "group:tips", "Public tip line."),
]


def _register_capability_commands() -> None:
    import importlib

    for module_name, attribute, how, help_text in CAPABILITY_COMMANDS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                continue
            raise
        target = getattr(module, attribute, None)
        if target is None:
            continue
        kind, name = how.split(":")
        if kind == "command":
            app.command(name, help=help_text)(target)
        else:
            app.add_typer(target, name=name, help=help_text)


_register_capability_commands()

if __name__ == "__main__":
    app()
