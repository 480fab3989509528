"""`vigil intel ...`: import bundles and sync partner TAXII feeds (registered by the main CLI as intel_app)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

intel_app = typer.Typer(help="Shared intelligence: STIX import, TAXII partner sync", no_args_is_help=True)


def _principal(db, username: str):
    from vigil.platform.identity import service as identity

    return identity.principal_of(identity.user_by_name(db, username), "token")


@intel_app.command("import")
def import_file(file: Path = typer.Argument(..., exists=True, dir_okay=False),
                as_user: str = typer.Option("analyst", "--as-user", help="local user whose agency owns the objects"),
                collection: str = typer.Option("", help="local collection id (default collection if empty)"),
                tlp: str = typer.Option("", help="TLP for unmarked objects (default: the collection's)")):
    """Import a STIX 2.0/2.1 bundle file (2.0 is upgraded); all objects or none."""
    from vigil.intel import service
    from vigil.platform.database import session_scope
    from vigil.platform.errors import Problem

    try:
        size = file.stat().st_size
        if size > service.MAX_BUNDLE_BYTES:
            raise Problem(413, f"{file.name} has {size} bytes; at most {service.MAX_BUNDLE_BYTES} are accepted")
        # Read one object at a time (ijson): the file is never loaded whole; all objects are stored or none.
        with file.open("rb") as stream, session_scope() as db:
            service.ensure_collection(db)
            report = service.ingest_or_raise(db, _principal(db, as_user), service.iter_bundle(stream),
                                             collection or service.DEFAULT_COLLECTION_ID, default_tlp=tlp or None,
                                             source=f"cli:{file.name}")
    except Problem as exc:
        typer.echo(json.dumps({"error": exc.detail, "errors": exc.extra.get("errors", [])[:50]}, indent=2), err=True)
        raise typer.Exit(1)
    typer.echo(json.dumps({"total": report.total, "stored": report.stored, "duplicates": report.duplicates}))


@intel_app.command("sync")
def sync(remote_url: str = typer.Argument(..., help="remote TAXII server, e.g. https://partner/taxii2/"),
         collection_id: str = typer.Option(..., "--collection", help="remote collection id"),
         api_root: str = typer.Option("vigil", help="API root name or URL"),
         token: str = typer.Option("", envvar="VIGIL_SYNC_TOKEN", help="remote API token"),
         user: str = typer.Option("", help="remote username (HTTP Basic) when no token"),
         password: str = typer.Option("", envvar="VIGIL_SYNC_PASSWORD"),
         local_collection: str = typer.Option("", help="local collection id (default collection if empty)"),
         as_user: str = typer.Option("analyst", "--as-user")):
    """Pull new objects from a partner's TAXII 2.1 collection (resumes where the last sync stopped)."""
    from vigil.intel import service
    from vigil.intel.sync import sync_partner
    from vigil.platform.database import session_scope
    from vigil.platform.errors import Problem

    try:
        with session_scope() as db:
            service.ensure_collection(db)
            result = sync_partner(db, _principal(db, as_user), remote_url, api_root, collection_id, token or None,
                                  local_collection or service.DEFAULT_COLLECTION_ID, user=user or None,
                                  password=password or None)
    except Problem as exc:
        typer.echo(json.dumps({"error": exc.detail, "errors": exc.extra.get("errors", [])[:50]}, indent=2), err=True)
        raise typer.Exit(1)
    typer.echo(json.dumps(result))


if __name__ == "__main__":
    intel_app()
