"""``hepatoboard token``: create, list and revoke API tokens. A token's secret is printed once
(only its hash is stored); every token expires; every token event is audited (actor ``cli``)."""

from __future__ import annotations

import datetime as dt
import enum
import re
from typing import Annotated

import typer

from hepatoboard.cli.common import DbOption, fail, open_database

app = typer.Typer(help="Manage API tokens.", no_args_is_help=True, rich_markup_mode=None)
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,99}")
DAYS = re.compile(r"([0-9]{1,4})d")


class Role(enum.StrEnum):
    viewer = "viewer"
    clinician = "clinician"
    admin = "admin"


def parse_expiry(value: str | None, today: dt.date | None = None) -> dt.datetime:
    """``--expires``: ``90d`` (days from now) or a date ``YYYY-MM-DD`` (end of that day, UTC),
    in the future and at most 3650 days away; a one-line error and exit 2 otherwise."""
    from hepatoboard.storage.tokens import DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS

    now = dt.datetime.now(dt.UTC)
    today = today or now.date()
    value = value or f"{DEFAULT_TOKEN_DAYS}d"
    days = DAYS.fullmatch(value)
    if days:
        at = now + dt.timedelta(days=int(days.group(1)))
    else:
        try:
            date = dt.date.fromisoformat(value) if len(value) == 10 else None
        except ValueError:
            date = None
        if date is None:
            fail(f"--expires: '{value[:40]}' is neither a number of days (90d) nor YYYY-MM-DD")
        at = dt.datetime.combine(date, dt.time(23, 59, 59), dt.UTC)
    if at <= now:
        fail(f"--expires: '{value}' is not in the future")
    if at > now + dt.timedelta(days=MAX_TOKEN_DAYS):
        fail(f"--expires: at most {MAX_TOKEN_DAYS} days from today")
    return at


def _check_name(name: str) -> None:
    if not NAME.fullmatch(name):
        fail("--name: use 1-100 letters, digits and . _ @ - (starting with a letter or digit)")


@app.command("create")
def token_create(
    name: Annotated[str, typer.Option(help="who or what uses the token")],
    role: Annotated[
        Role, typer.Option(help="viewer: read; clinician: read + create; admin: + audit, tokens")
    ] = Role.clinician,
    expires: Annotated[
        str | None,
        typer.Option("--expires", help="90d (days from now, the default) or YYYY-MM-DD"),
    ] = None,
    database: DbOption = None,
) -> None:
    """Create an API token. It is printed once; only its hash is stored."""
    _check_name(name)
    expires_at = parse_expiry(expires)
    from hepatoboard.storage import repository as repo

    with open_database(database)() as session:
        try:
            token = repo.create_token(session, name, role.value, expires_at=expires_at)
        except repo.TokenExists as exc:
            fail(str(exc))
    print(token)


@app.command("list")
def token_list(database: DbOption = None) -> None:
    """List the tokens (never their secrets): role, status, created, expires."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from hepatoboard.storage import repository as repo

    with open_database(database)() as session:
        rows = repo.list_tokens(session)
        repo.audit(session, "cli", "token.list", None, "ok")
    t = Table(title="API tokens", header_style="bold")
    for col in ("name", "role", "status", "created (UTC)", "expires (UTC)"):
        t.add_column(col)
    for r in rows:  # stored text is shown as text, never read as rich markup
        t.add_row(
            Text(r.name),
            Text(r.role),
            Text(repo.token_status(r)),
            _when(r.created_at),
            _when(r.expires_at),
        )
    Console().print(t)


@app.command("revoke")
def token_revoke(
    name: Annotated[str, typer.Argument(help="the token's name")], database: DbOption = None
) -> None:
    """Revoke a token now: it stops working at once, its web sessions end."""
    _check_name(name)
    from hepatoboard.storage import repository as repo

    with open_database(database)() as session:
        row = repo.revoke_token(session, name)
    if row is None:
        fail(f"no token named '{name}'")
    print(f"token '{name}' revoked", flush=True)


def _when(at: dt.datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M") if at else "never"
