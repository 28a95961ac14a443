"""Options and error printing shared by the CLI commands (kept light: imported at start-up).

Every CLI error is one line on stderr and exit code 2; options are checked before any
assessment starts.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from hepatoboard.contracts.errors import CaseError

ProfileOption = Annotated[
    str | None, typer.Option(help="guideline profile (default: the case's, else international)")
]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="assessment date YYYY-MM-DD, not after today (default: today)"),
]
SiteOption = Annotated[
    str | None,
    typer.Option(
        "--site",
        help="availability profile (e.g. vn, cn: badges and an available-alternatives ranking; "
        "never changes a status)",
    ),
]
DbOption = Annotated[
    str | None,
    typer.Option("--database", help="database URL (default: $HEPATOBOARD_DATABASE_URL or SQLite)"),
]


def resume_gc() -> None:
    """Collect garbage again after the start-up (``main`` pauses the collector): what start-up
    built is frozen (never scanned again), and later garbage is collected as usual."""
    import gc

    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def fail(message: str) -> NoReturn:
    """One line on stderr, exit code 2."""
    print(message, file=sys.stderr)
    raise typer.Exit(2)


def open_database(url: str | None) -> sessionmaker[Session]:
    """Sessions on the database (schema brought up to date), or a one-line error and exit 2
    when it cannot be reached."""
    from sqlalchemy.exc import SQLAlchemyError

    from hepatoboard.storage.db import make_engine, migrate, session_factory

    try:
        engine = make_engine(url)
        migrate(engine)
    except SQLAlchemyError as exc:
        first = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        fail(f"--database: cannot use the database: {' '.join(first.split())[:200]}")
    except Exception as exc:  # a malformed URL, a missing driver
        fail(f"--database: {' '.join(str(exc).split())[:200]}")
    return session_factory(engine)


def check_writable(option: str, path: Path, suffixes: tuple[str, ...]) -> None:
    """An output file option: the right suffix, an existing writable folder, not a folder."""
    if path.suffix.lower() not in suffixes:
        fail(f"{option}: '{path}' must end in {' or '.join(suffixes)}")
    if not path.parent.is_dir():
        fail(f"{option}: folder '{path.parent}' does not exist")
    if path.is_dir():
        fail(f"{option}: '{path}' is a folder")
    if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        fail(f"{option}: '{path}' cannot be written")


def check_profile(profile: str | None) -> None:
    """``--profile``: one of the knowledge base's profiles."""
    if profile is None:
        return
    from hepatoboard.knowledge.load import default_knowledge

    profiles = default_knowledge().profiles
    if profile not in profiles:
        fail(f"--profile: unknown profile '{profile[:40]}'; use one of: {', '.join(profiles)}")


def parse_date(value: str | None) -> dt.date | None:
    """``--as-of`` to a date, checked against today; a one-line error and exit 2 otherwise."""
    if value is None:
        return None
    try:
        date = dt.date.fromisoformat(value)
    except ValueError:
        fail(f"--as-of: '{value}' is not a date; use YYYY-MM-DD")
    from hepatoboard.contracts.errors import CaseError
    from hepatoboard.intake import check_as_of

    try:
        return check_as_of(date)
    except CaseError as exc:
        fail(f"--as-of: {exc.problems[0].message}")


def check_site(site: str | None) -> None:
    """``--site`` must name an availability profile; a one-line error and exit 2 otherwise."""
    if site is None:
        return
    from hepatoboard.knowledge.load import default_knowledge

    sites = default_knowledge().availability
    if site not in sites:
        fail(f"--site: unknown site '{site}'; use one of: {', '.join(sites)}")


def print_case_error(exc: CaseError, path: object) -> None:
    """One ``file: field: message`` line per problem on stderr (no traceback)."""
    source = exc.source or str(path)
    for p in exc.problems:
        print(f"{source}: {p}", file=sys.stderr)
