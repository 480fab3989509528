"""`vigil sites ...` and `vigil campaigns ...`."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

sites_app = typer.Typer(help="Key sites and infrastructure.", no_args_is_help=True)
campaigns_app = typer.Typer(help="Hazard-rectification campaigns.", no_args_is_help=True)
err = Console(stderr=True)


def _fail(message: str) -> None:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(1)


def _problem(exc) -> None:
    errors = exc.extra.get("errors") if getattr(exc, "extra", None) else None
    for line in (errors or [])[:50]:
        err.print(f"  {line}", highlight=False, markup=False)
    _fail(exc.detail)


@sites_app.command("import")
def import_sites(input: Path = typer.Option(..., "--input", help="FILE.geojson (properties name, type; optional "
                                                                  "region, osm_id, contacts, protective_measures) "
                                                                  "or FILE.csv (columns name,type,lat,lon; "
                                                                  "optional region, osm_id, contacts, "
                                                                  "protective_measures, outline)")):
    """Import key sites; every row is checked and nothing is stored unless all are valid. Prints `imported N`."""
    from vigil.cli import cli_actor
    from vigil.platform.database import session_scope
    from vigil.platform.errors import Problem
    from vigil.sites import service
    from vigil.sites.core import geo

    try:
        text = input.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        _fail(f"cannot read {input}: {exc}")
    parsed = geo.parse_file(input.name, text)
    try:
        with session_scope() as db:
            count = service.import_sites(db, cli_actor(), parsed)
    except Problem as exc:
        _problem(exc)
    print(f"imported {count}")


@sites_app.command("list")
def list_sites(as_json: bool = typer.Option(False, "--json", help="a JSON list of {id, name, type, lat, lon}"),
               site_type: str = typer.Option(None, "--type")):
    """List key sites."""
    from vigil.platform.database import session_scope
    from vigil.sites import service

    with session_scope() as db:
        points = [p for p in service.key_site_points(db) if not site_type or p["type"] == site_type]
    if as_json:
        print(json.dumps(points, ensure_ascii=False))
        return
    for p in points:
        print(f"{p['id']:>6}  {p['type']:<12} {p['lat']:.5f},{p['lon']:.5f}  {p['name']}")


@sites_app.command("extract-osm")
def extract_osm(output: Path = typer.Option(None, help="default: the package's cached GeoJSON")):
    """Re-extract Andorra's key sites from the bundled OpenStreetMap PBF (pyrosm) into GeoJSON."""
    from vigil.sites import osm

    target = output or osm.CACHED
    print(f"{osm.write_cache(target)} sites written to {target} ({osm.ATTRIBUTION})")


@campaigns_app.command("escalate")
def escalate(as_of: str = typer.Option(None, "--as-of", help="ISO time or date (UTC); default now")):
    """Escalate overdue tasks and rectification orders one level up the chain. Prints `escalated N` last."""
    from vigil.platform import clock
    from vigil.platform.database import session_scope
    from vigil.sites import service

    try:
        at = clock.parse_as_of(as_of)
    except ValueError:
        _fail(f"--as-of {as_of!r} is not an ISO time or date")
    with clock.frozen(at or clock.now()) as now, session_scope() as db:
        count = service.escalate(db, now)
    print(f"escalated {count}")


@campaigns_app.command("list")
def list_campaigns(as_json: bool = typer.Option(False, "--json")):
    """List campaigns."""
    from vigil.cli import cli_actor
    from vigil.platform.database import session_scope
    from vigil.sites import service

    with session_scope() as db:
        rows = [{"id": c.id, "name": c.name, "starts_at": c.starts_at.isoformat(), "ends_at": c.ends_at.isoformat(),
                 "targets": c.target_count} for c in service.list_campaigns(db, cli_actor())]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False))
        return
    for r in rows:
        print(f"{r['id']:>4}  {r['starts_at'][:10]} .. {r['ends_at'][:10]}  {r['targets']:>4} sites  {r['name']}")
