"""``hepatoboard audit``: who read or wrote what, when, with what outcome."""

from __future__ import annotations

from typing import Annotated

import typer

from hepatoboard.cli.common import DbOption, fail, open_database


def audit(
    limit: Annotated[int, typer.Option(min=1, max=100000)] = 50,
    actor: Annotated[str | None, typer.Option()] = None,
    action: Annotated[str | None, typer.Option()] = None,
    database: DbOption = None,
) -> None:
    """Show the audit log, newest first."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text
    from sqlalchemy.exc import SQLAlchemyError

    from hepatoboard.storage import repository as repo

    sessions = open_database(database)
    try:
        with sessions() as session:
            rows = repo.audit_log(session, limit=limit, actor=actor, action=action)
    except SQLAlchemyError as exc:
        fail(f"audit: cannot read the audit log: {type(exc).__name__}")
    t = Table(title="Audit log", header_style="bold")
    for col in ("when (UTC)", "actor", "action", "target", "outcome"):
        t.add_column(col)
    for r in rows:  # stored text is shown as text, never read as rich markup
        t.add_row(
            r.at.strftime("%Y-%m-%d %H:%M:%S"),
            Text(r.actor),
            Text(r.action),
            Text(r.target or ""),
            Text(r.outcome),
        )
    Console().print(t)


def register(app: typer.Typer) -> None:
    app.command()(audit)
