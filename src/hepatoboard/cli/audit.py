"""``hepatoboard audit``: who read or wrote what, when, with what outcome."""

from __future__ import annotations

from typing import Annotated

import typer

from hepatoboard.cli.common import DbOption


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

    from hepatoboard.storage import repository as repo
    from hepatoboard.storage.db import make_engine, migrate, session_factory

    engine = make_engine(database)
    migrate(engine)
    with session_factory(engine)() as session:
        rows = repo.audit_log(session, limit=limit, actor=actor, action=action)
    t = Table(title="Audit log", header_style="bold")
    for col in ("when (UTC)", "actor", "action", "target", "outcome"):
        t.add_column(col)
    for r in rows:  # stored text is shown as text, never read as rich markup
        t.add_row(r.at.strftime("%Y-%m-%d %H:%M:%S"), Text(r.actor), Text(r.action),
                  Text(r.target or ""), Text(r.outcome))  # fmt: skip
    Console().print(t)


def register(app: typer.Typer) -> None:
    app.command()(audit)
