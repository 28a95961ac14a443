"""The ``hepatoboard`` command line.

Heavy modules (pydantic, the knowledge base, rich tables) are imported inside the commands so
that ``hepatoboard --help`` starts fast.
"""

from __future__ import annotations

import datetime as dt
import enum
import sys
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    name="hepatoboard",
    help=(
        "Virtual multidisciplinary tumour board for hepatocellular carcinoma with lymph-node "
        "metastasis. Decision support for qualified clinicians; not a prescription."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class Format(enum.StrEnum):
    text = "text"
    json = "json"


@app.command()
def assess(
    cases: Annotated[
        list[Path], typer.Argument(help="case files (YAML or JSON)", metavar="CASE...")
    ],
    format: Annotated[Format, typer.Option("--format", "-f", help="text report or JSON Lines")] = (
        Format.text
    ),
    profile: Annotated[
        str | None, typer.Option(help="guideline profile (default: the case's, else international)")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="assessment date YYYY-MM-DD (default: today)")
    ] = None,
) -> None:
    """Assess one or more cases: scores, staging, plan. Exit code 2 if any case is invalid."""
    from hepatoboard.assessment import assess as run
    from hepatoboard.case import load_case_file
    from hepatoboard.errors import CaseError

    date = _parse_date(as_of)
    failed = False
    out = sys.stdout
    for i, path in enumerate(cases):
        try:
            case = load_case_file(path)
            result = run(case, profile=profile, as_of=date)
        except CaseError as exc:
            failed = True
            source = exc.source or str(path)
            for p in exc.problems:
                print(f"{source}: {p}", file=sys.stderr)
            continue
        if format is Format.json:
            import json

            out.write(json.dumps(result.to_json_dict(), ensure_ascii=False) + "\n")
        else:
            from hepatoboard.report.text import print_report

            if i:
                out.write("\n")
            print_report(result, source=str(path))
    if failed:
        raise typer.Exit(2)


def _parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        print(f"--as-of: '{value}' is not a date; use YYYY-MM-DD", file=sys.stderr)
        raise typer.Exit(2) from None


class SchemaName(enum.StrEnum):
    case = "case"
    assessment = "assessment"


@app.command()
def schema(
    name: Annotated[SchemaName, typer.Argument(help="which contract")] = SchemaName.case,
) -> None:
    """Print the JSON Schema of the case (input) or assessment (output) format."""
    import json

    if name is SchemaName.case:
        from hepatoboard.case.model import Case as model
    else:
        from hepatoboard.assessment.model import Assessment as model
    print(json.dumps(model.model_json_schema(by_alias=True), indent=2, ensure_ascii=False))


@app.command("knowledge")
def knowledge_cmd(
    facts: Annotated[bool, typer.Option("--facts", help="list the fact names rules use")] = False,
    profile: Annotated[
        str | None, typer.Option(help="show which sources count in this profile")
    ] = None,
) -> None:
    """List the knowledge base: version, profiles, options and sources."""
    from rich.console import Console
    from rich.table import Table

    from hepatoboard.knowledge.base import fact_catalogue, knowledge

    kb = knowledge()
    console = Console()
    if profile is not None and profile not in kb.profiles:
        print(
            f"--profile: unknown profile '{profile}'; use one of: {', '.join(kb.profiles)}",
            file=sys.stderr,
        )
        raise typer.Exit(2)
    if facts:
        t = Table(title="Facts available to rules", header_style="bold")
        t.add_column("fact")
        t.add_column("meaning")
        for name, text in sorted(fact_catalogue().items()):
            t.add_row(name, text)
        console.print(t)
        return
    console.print(f"[bold]Knowledge base {kb.version}[/bold] (released {kb.manifest.released})")
    t = Table(title="Profiles", header_style="bold")
    t.add_column("profile")
    t.add_column("description")
    t.add_column("sources that count")
    for name, p in kb.profiles.items():
        t.add_row(name, p.description, str(len(kb.profile_sources(name))))
    console.print(t)
    t = Table(title="Options", header_style="bold")
    for col in ("id", "modality", "name", "evidence"):
        t.add_column(col)
    for o in kb.options.values():
        t.add_row(o.id, o.modality, o.name, ", ".join(o.evidence))
    console.print(t)
    active = kb.profile_sources(profile) if profile else None
    t = Table(
        title="Sources" + (f" counting in profile '{profile}'" if profile else ""),
        header_style="bold",
    )
    for col in ("id", "kind", "year", "verification", "citation"):
        t.add_column(col)
    for s in kb.sources.values():
        if active is None or s.id in active:
            t.add_row(s.id, s.kind, str(s.year), s.verification, s.citation)
    console.print(t)


@app.command()
def version() -> None:
    """Print the program and knowledge-base versions."""
    from importlib.metadata import version as pkg_version

    from hepatoboard.knowledge.files import read

    kb_version = read("manifest.yaml")["version"]
    print(f"hepatoboard {pkg_version('hepatoboard')}, knowledge base {kb_version}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
