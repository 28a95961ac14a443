"""Options and error printing shared by the CLI commands (kept light: imported at start-up)."""

from __future__ import annotations

import datetime as dt
import sys
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from hepatoboard.errors import CaseError

ProfileOption = Annotated[
    str | None, typer.Option(help="guideline profile (default: the case's, else international)")
]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="assessment date YYYY-MM-DD (default: today)")
]


def parse_date(value: str | None) -> dt.date | None:
    """``--as-of`` to a date; a clear one-line error and exit code 2 otherwise."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        print(f"--as-of: '{value}' is not a date; use YYYY-MM-DD", file=sys.stderr)
        raise typer.Exit(2) from None


def print_case_error(exc: CaseError, path: object) -> None:
    """One ``file: field: message`` line per problem on stderr (no traceback)."""
    source = exc.source or str(path)
    for p in exc.problems:
        print(f"{source}: {p}", file=sys.stderr)
