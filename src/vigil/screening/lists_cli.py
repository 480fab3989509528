"""`vigil lists update`: refresh the official sanctions lists (kept apart from `vigil screen`, whose start-up time
matters, so this module's imports never weigh on the batch CLI)."""

from __future__ import annotations

from pathlib import Path
from typing import List

import typer
from rich.console import Console

lists_app = typer.Typer(help="Watchlists from their official sources.", no_args_is_help=True)
out = Console()
err = Console(stderr=True)


@lists_app.command("update")
def update(source: List[str] = typer.Option(["un", "ofac"], "--source", help="un and/or ofac (default both)")):
    """Download the UN and OFAC lists from their official addresses; import each as a new version only when it
    changed, and print what was added, changed and removed. Exits 1 (current versions stay in force) if a download
    or an import fails."""
    from vigil.platform.database import session_scope
    from vigil.platform.errors import Problem
    from vigil.screening import refresh

    failed = False
    for kind in source:
        try:
            with session_scope() as db:
                report = refresh.update(db, kind)
        except Problem as exc:
            err.print(f"[red]{kind} list not updated[/red]: {exc.detail}; the current version stays in force",
                      soft_wrap=True)
            failed = True
            continue
        out.print(report.line(), soft_wrap=True)
        for label, ids in (("added", report.added), ("changed", report.changed_ids), ("removed", report.removed)):
            if ids:
                shown = ", ".join(ids[:20]) + (f" … (+{len(ids) - 20})" if len(ids) > 20 else "")
                out.print(f"  {label}: {shown}", soft_wrap=True, highlight=False)
    if failed:
        raise typer.Exit(1)



def _cli_actor():
    """The CLI acts as an administrator of the first agency (one named `lists` is made on an empty database):
    watchlists need an owning agency."""
    import getpass

    from sqlalchemy import select

    from vigil.platform.database import session_scope
    from vigil.platform.identity import service as identity
    from vigil.platform.identity.models import Agency
    from vigil.platform.identity.principal import SYSTEM, Principal

    with session_scope() as db:
        agency = db.scalars(select(Agency).order_by(Agency.id).limit(1)).first()
        if agency is None:
            agency = identity.create_agency(db, SYSTEM, "lists", "List administration", "police", "XX")
        return Principal(user_id=0, username=f"cli:{getpass.getuser()}"[:64], agency_id=agency.id,
                         agency_code=agency.code, role="admin", clearance=3, via="system")


def _list_use_case(fn):
    """Run a list import in one transaction with every capability's subscribers registered (re-screening); a
    domain error is one line and exit code 1."""
    from vigil.platform.database import session_scope
    from vigil.platform.errors import Problem
    from vigil.platform.registry import load_jobs

    load_jobs()
    actor = _cli_actor()
    try:
        with session_scope() as db:
            return fn(db, actor)
    except Problem as exc:
        Console(stderr=True, highlight=False).print(f"error: {exc.detail}")
        raise typer.Exit(1)


def _existing(path: Path) -> Path:
    if not path.exists():
        Console(stderr=True, highlight=False).print(f"error: {path} not found")
        raise typer.Exit(2)
    return path


@lists_app.command("import")
def import_watchlist(kind: str = typer.Argument(..., help="un | ofac | csv | ftm"),
                     path: Path = typer.Argument(..., help="the list file (OFAC: the folder of its CSV files)"),
                     name: str = typer.Option("", "--name", help="watchlist name (default: from the kind)"),
                     legal_basis: str = typer.Option("Designation by the issuing authority", "--legal-basis")) -> None:
    """Import a watchlist file as a new version of the list NAME (made if missing)."""
    from sqlalchemy import select

    from vigil.screening import service
    from vigil.screening.models import Watchlist

    _existing(path)
    title = name or {"un": "UN Security Council Consolidated List", "ofac": "OFAC Specially Designated Nationals"}.get(
        kind, path.stem)

    def run(db, actor):
        wl = db.scalars(select(Watchlist).where(Watchlist.name == title)).first()
        if wl is None:
            wl = service.create_watchlist(db, actor, title, kind, legal_basis)
        return service.import_list(db, actor, wl.id, path, path.name)

    report = _list_use_case(run)
    print(f"{title}: version {report.version.number}, {len(report.added)} added, {len(report.changed)} changed, "
          f"{len(report.removed)} removed, {len(report.row_errors)} row errors")


@lists_app.command("lost-documents")
def lost_documents(input: Path = typer.Option(..., "--input", help="CSV: document_number,issuing_country[,type,"
                                                                    "reported_date]")) -> None:
    """Add lost/stolen travel documents; records held in retention are re-checked."""
    from vigil.screening import service

    _existing(input)
    count, errors = _list_use_case(lambda db, actor: service.import_lost_documents(db, actor, input, input.name))
    print(f"imported {count} documents ({len(errors)} row errors)")


@lists_app.command("stolen-property")
def stolen_property(input: Path = typer.Option(..., "--input", help="CSV: kind,number[,description,reported_date]; "
                                                                    "kind = serial | imei | vin"),
                    source: str = typer.Option("", "--source", help="where the list comes from")) -> None:
    """Add reported stolen items (serials, IMEIs, VINs); records held in retention are re-checked."""
    from vigil.screening import service

    _existing(input)
    count, errors = _list_use_case(
        lambda db, actor: service.import_stolen_property(db, actor, input, source or input.name))
    for line in errors[:50]:
        Console(stderr=True, highlight=False).print(f"row error: {line}")
    print(f"imported {count} stolen items ({len(errors)} row errors)")
