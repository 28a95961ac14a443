"""The ``hepatoboard`` command line: one module per command group.

Each command imports what it needs when it runs, so ``hepatoboard --help`` starts fast.
"""

from __future__ import annotations

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
    app()
