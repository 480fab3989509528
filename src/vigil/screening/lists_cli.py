"""`vigil lists update`: refresh the official sanctions lists (kept apart from `vigil screen`, whose start-up time
matters, so this module's imports never weigh on the batch CLI)."""

from __future__ import annotations

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
