"""`vigil response ...` and `vigil simulate`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

response_app = typer.Typer(help="Rapid response: incidents, units, key areas, coverage, post placement.",
                           no_args_is_help=True)
console = Console()
err = Console(stderr=True)


def _fail(message: str) -> None:
    err.print(f"[red]error:[/red] {message}")
    raise typer.Exit(1)


def _run(fn):
    from vigil.platform.errors import Problem

    try:
        return fn()
    except Problem as exc:
        extra = exc.extra.get("errors") if exc.extra else None
        for line in extra or []:
            err.print(f"  {line}")
        _fail(exc.detail)
    except FileNotFoundError as exc:
        _fail(str(exc))


def _actor():
    from vigil.cli import cli_actor

    return cli_actor()


@response_app.command("units")
def units():
    """List units with status and position."""
    from vigil.platform.database import session_scope
    from vigil.response import service

    table = Table("unit", "kind", "status", "position", "incident")
    with session_scope() as db:
        for u in _run(lambda: service.list_units(db, _actor())):
            table.add_row(u.id, u.kind, u.status, f"{u.lat:.5f}, {u.lon:.5f}" if u.lat is not None else "-",
                          u.incident_id or "")
    console.print(table)


@response_app.command("import-key-areas")
def import_key_areas(path: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True),
                     fmt: str = typer.Option(None, "--format", help="csv or geojson (default: by extension)")):
    """Import key areas (CSV name,lat,lon,radius_m or GeoJSON); all or nothing, errors per line."""
    from vigil.platform.database import session_scope
    from vigil.response import service

    fmt = fmt or ("csv" if path.suffix.lower() == ".csv" else "geojson")
    if fmt not in ("csv", "geojson"):
        _fail("--format must be csv or geojson")
    with session_scope() as db:
        count = _run(lambda: service.import_key_areas(db, _actor(), path.read_text(encoding="utf-8"), fmt))
    console.print(f"imported {count} key area(s)")


@response_app.command("sync-sites")
def sync_sites():
    """Add key sites (from the sites capability, when present) as key areas."""
    from vigil.platform.database import session_scope
    from vigil.response import service

    with session_scope() as db:
        count = _run(lambda: service.sync_key_sites(db, _actor()))
    console.print(f"added {count} key site(s) as key areas")


@response_app.command("coverage")
def coverage(as_json: bool = typer.Option(False, "--json")):
    """Share of the road network within 1, 3 and 5 minutes of the patrol posts."""
    from vigil.platform.database import session_scope
    from vigil.response import service

    with session_scope() as db:
        out = _run(lambda: service.coverage(db, _actor()))
    out.pop("features")
    if as_json:
        print(json.dumps(out))
        return
    console.print(f"{out['posts']} post(s); network share within 1/3/5 min: "
                  + " / ".join(f"{v:.1%}" for v in out["covered_share"].values()))
    for place in out["places"]:
        console.print(f"  {place['name']}: {place['time_s'] if place['time_s'] is not None else '> 300'} s")


@response_app.command("place")
def place(units: int = typer.Option(..., min=1, max=100), demand: str = typer.Option("both"),
          candidates: int = typer.Option(300, min=10, max=2000), as_json: bool = typer.Option(False, "--json")):
    """Post placement for N units (maximal covering location, HiGHS) with the optimality gap."""
    from vigil.platform.database import session_scope
    from vigil.response import service

    if demand not in ("history", "key_places", "both"):
        _fail("--demand must be history, key_places or both")
    with console.status("solving the covering problem"), session_scope() as db:
        out = _run(lambda: service.placement(db, _actor(), units, demand, candidates))
    if as_json:
        print(json.dumps(out))
        return
    console.print(f"covered share {out['covered_share']:.1%} of {out['demand_points']} demand points; "
                  f"gap {out['gap']:.4%} ({out['status']}, {out['seconds']} s)")
    for post in out["posts"]:
        console.print(f"  {post['lat']:.5f}, {post['lon']:.5f}")


@response_app.command("patrol-plan")
def patrol_plan(units: int = typer.Option(10, min=1, max=100), as_json: bool = typer.Option(False, "--json")):
    """Time-of-day patrol plan from incident history and key places."""
    from vigil.platform.database import session_scope
    from vigil.response import service

    with session_scope() as db:
        bands = _run(lambda: service.patrol_plan(db, _actor(), units))
    if as_json:
        print(json.dumps(bands))
        return
    table = Table("hours", "band", "incidents/h", "rush", "covered", "posts")
    for b in bands:
        table.add_row(b["hours"], b["label"], str(b["rate_per_hour"]), "yes" if b["rush"] else "",
                      f"{b['covered_share']:.0%}", str(len(b["posts"])))
    console.print(table)


def simulate(units: int = typer.Option(20, min=1, max=2000, help="fleet size"),
             incidents: int = typer.Option(200, min=1, max=100_000, help="incidents in the day"),
             seed: int = typer.Option(1, help="random seed (same seed, same day)"),
             network: str = typer.Option("andorra", help="andorra, west-oakland, or a path to an OSM file"),
             as_json: bool = typer.Option(False, "--json", help="print one JSON object last")):
    """Replay a day of synthetic incidents with a generated fleet and report 1-3-5 attainment."""
    import time

    from vigil.platform.config import get_settings
    from vigil.response.core.graph import load_graph
    from vigil.response.core.simulate import SimConfig, simulate as run
    from vigil.response.network import network_path

    path = network_path(network)
    if not path.exists():
        _fail(f"road network {path} not found")
    started = time.perf_counter()
    with console.status("loading the road network", spinner="dots") if not as_json else _Quiet():
        graph = load_graph(path, get_settings().data_dir / "cache" / "response")
    from rich.progress import Progress

    with Progress(console=err, transient=True, disable=as_json) as progress:
        task = progress.add_task("simulating the day", total=incidents)
        result = run(graph, SimConfig(units=units, incidents=incidents, seed=seed),
                     progress=lambda done: progress.update(task, completed=done))
    out = {**result.attainment, "units": units, "seed": seed, "network": path.name, "queued": result.queued,
           "seconds": round(time.perf_counter() - started, 2)}
    if not as_json:
        console.print(f"{incidents} incidents, {units} units on {path.name} (seed {seed}):")
        for key in ("dispatch_1min", "on_scene_3min_key", "on_scene_5min"):
            value = out[key]
            console.print(f"  {key}: {'-' if value is None else f'{value:.1%}'}")
    sys.stdout.flush()
    print(json.dumps(out))


class _Quiet:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
