"""``hepatoboard token``: API tokens (printed once; only their hash is stored)."""

from __future__ import annotations

import enum
import sys
from typing import Annotated

import typer

from hepatoboard.cli.common import DbOption

app = typer.Typer(help="Manage API tokens.", no_args_is_help=True, rich_markup_mode=None)


class Role(enum.StrEnum):
    viewer = "viewer"
    clinician = "clinician"
    admin = "admin"


@app.command("create")
def token_create(
    name: Annotated[str, typer.Option(help="who or what uses the token")],
    role: Annotated[
        Role, typer.Option(help="viewer: read; clinician: read + create; admin: + audit")
    ] = Role.clinician,
    database: DbOption = None,
) -> None:
    """Create an API token. It is printed once; only its hash is stored."""
    from hepatoboard.storage import repository as repo
    from hepatoboard.storage.db import make_engine, migrate, session_factory

    engine = make_engine(database)
    migrate(engine)
    with session_factory(engine)() as session:
        try:
            token = repo.create_token(session, name, role.value)
        except repo.TokenExists as exc:
            print(str(exc), file=sys.stderr)
            raise typer.Exit(2) from None
    print(token)
