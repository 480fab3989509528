"""`vigil tips ...`: the triage queue and volunteers' shifts from the command line."""
from __future__ import annotations

from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

tips_app = typer.Typer(help="Public tip line.", no_args_is_help=True)
console = Console()


@tips_app.command("list")
def list_cmd(status: Optional[str] = typer.Option(None, help="new | in_review | awaiting_reply | closed")):
    """List tips in the triage queue."""
    from vigil.cli import cli_actor
    from vigil.platform.database import session_scope
    from vigil.tips import service

    table = Table("#", "received", "category", "place", "status", "linked")
    with session_scope() as db:
        for t in service.list_tips(db, cli_actor(), status):
            linked = " ".join(x for x in (t.incident_ref, f"case {t.case_id}" if t.case_id else "") if x)
            table.add_row(str(t.id), f"{t.created_at:%Y-%m-%d %H:%M}", t.category, t.place, t.status, linked)
    console.print(table)


@tips_app.command("shifts")
def shifts_cmd(agency: str = typer.Option(..., help="agency code (volunteers belong to one agency)")):
    """List an agency's volunteer patrol shifts."""
    from dataclasses import replace

    from sqlalchemy import select

    from vigil.cli import _fail, cli_actor
    from vigil.platform.database import session_scope
    from vigil.platform.identity.models import Agency
    from vigil.tips import service

    table = Table("#", "volunteer", "area", "starts (UTC)", "ends", "status")
    with session_scope() as db:
        found = db.scalar(select(Agency).where(Agency.code == agency))
        if found is None:
            _fail(f"no agency {agency!r}")
        actor = replace(cli_actor(), agency_id=found.id, agency_code=found.code)
        names = {v.id: v.display_name for v in service.list_volunteers(db, actor)}
        for s in service.list_shifts(db, actor):
            table.add_row(str(s.id), names.get(s.volunteer_id, str(s.volunteer_id)), s.area,
                          f"{s.starts_at:%Y-%m-%d %H:%M}", f"{s.ends_at:%H:%M}", s.status)
    console.print(table)
