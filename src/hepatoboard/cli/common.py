"""Options and error printing shared by the CLI commands (kept light: imported at start-up).

Every CLI error is one line on stderr and exit code 2; options are checked before any
assessment starts.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:
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


def fail(message: str) -> NoReturn:
    """One line on stderr, exit code 2."""
    print(message, file=sys.stderr)
    raise typer.Exit(2)


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
