"""The ``hepatoboard`` command line: one module per command group.

Each command imports what it needs when it runs, so ``hepatoboard --help`` starts fast. Every
error is one line on stderr with exit code 2: usage errors (a bad option, a missing argument),
problems in a case, an unreachable database, a file that cannot be written.
"""

from __future__ import annotations

import gc
import os
import sys

import typer

from hepatoboard.cli import assess, audit, fhir, knowledge, report, schema, serve, tokens, version
from hepatoboard.cli import cohort as cohort_command

app = typer.Typer(
    name="hepatoboard",
    help=(
        "Virtual multidisciplinary tumour board for hepatocellular carcinoma with lymph-node "
        "metastasis. Decision support for qualified clinicians; not a prescription."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain click help: rich help formatting doubles the start-up time
)
for module in (assess, report, schema, knowledge, audit, serve, version, fhir, cohort_command):
    module.register(app)
app.add_typer(tokens.app, name="token")


def main() -> None:
    """Run the CLI; errors are one line on stderr and exit code 2 (set HEPATOBOARD_DEBUG=1 to
    see the traceback of an unexpected error).

    The garbage collector is paused while the command starts (its imports, the knowledge base
    and the first case build long-lived objects only, and collecting them repeatedly cost about
    a fifth of a one-case call); commands that go on to process many items resume it with
    :func:`hepatoboard.cli.common.resume_gc`, and it is resumed when the command ends.

    ``hepatoboard cohort`` first sets Polars' allocator to keep freed memory for reuse
    (:mod:`hepatoboard.cohort.allocator`; a value already in the environment is kept)."""
    if sys.argv[1:2] == ["cohort"]:  # before anything loads Polars (its allocator reads it)
        from hepatoboard.cohort.allocator import keep_freed_memory

        keep_freed_memory()
    command = typer.main.get_command(app)
    gc.disable()
    try:
        code = command.main(standalone_mode=False)
    except typer.Abort:
        print("aborted", file=sys.stderr)
        code = 130
    except typer.TyperException as exc:  # usage errors: bad option, missing argument, ...
        ctx = getattr(exc, "ctx", None)
        if type(exc).__name__ != "NoArgsIsHelpError":  # (that one has printed the help)
            where = f"{ctx.command_path}: " if ctx is not None else ""
            text = exc.format_message() if hasattr(exc, "format_message") else str(exc)
            print(f"{where}{_one_line(text)}", file=sys.stderr)
        code = 2
    except Exception as exc:
        if os.environ.get("HEPATOBOARD_DEBUG") == "1":
            raise
        print(_unexpected(exc), file=sys.stderr)
        code = 2
    finally:
        gc.enable()
    sys.exit(code if isinstance(code, int) else 0)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _unexpected(exc: Exception) -> str:
    """One line for an error no command caught (database, file system, anything else)."""
    from sqlalchemy.exc import SQLAlchemyError

    if isinstance(exc, SQLAlchemyError):
        first = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        return f"error: the database cannot be used: {_one_line(first)[:200]}"
    if isinstance(exc, OSError):
        return f"error: {_one_line(str(exc))[:300]}"
    return f"error: unexpected {type(exc).__name__}: {_one_line(str(exc))[:200]}"
