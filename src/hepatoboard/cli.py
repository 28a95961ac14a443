"""The ``hepatoboard`` command line.

Heavy modules (pydantic, the knowledge base, rich tables) are imported inside the commands so
that ``hepatoboard --help`` starts fast.
"""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated

import typer

from hepatoboard.cli_common import AsOfOption, ProfileOption, parse_date, print_case_error

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
    profile: ProfileOption = None,
    as_of: AsOfOption = None,
    plot: Annotated[
        Path | None,
        typer.Option("--plot", help="draw the survival curves to this .png or .svg file"),
    ] = None,
) -> None:
    """Assess one or more cases: scores, staging, plan, prognosis. Exit code 2 if any case is
    invalid (the other cases are still assessed)."""
    from hepatoboard.assessment import assess as run
    from hepatoboard.case import load_case_file
    from hepatoboard.errors import CaseError

    date = parse_date(as_of)
    failed = False
    out = sys.stdout
    for i, path in enumerate(cases):
        try:
            case = load_case_file(path)
            result = run(case, profile=profile, as_of=date)
            if plot is not None:
                _plot(case, result, plot, len(cases), i, date)
        except CaseError as exc:
            failed = True
            print_case_error(exc, path)
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


def _plot(case, result, path: Path, n_cases: int, index: int, date) -> None:  # type: ignore[no-untyped-def]
    """Survival curves with their bands, drawn from the assessment's stored prognosis (never
    recomputed); one file per case when several cases are given."""
    from hepatoboard.prognosis import plot_curves

    if path.suffix.lower() not in (".png", ".svg"):
        print(f"--plot: '{path}' must end in .png or .svg", file=sys.stderr)
        raise typer.Exit(2)
    if result.prognosis is None:
        print("--plot: this assessment has no prognosis", file=sys.stderr)
        raise typer.Exit(2)
    recommended = [o.id for o in (result.plan.options if result.plan else [])
                   if o.status == "recommended"]  # fmt: skip
    target = path if n_cases == 1 else path.with_name(f"{path.stem}-{index + 1}{path.suffix}")
    plot_curves(
        result.prognosis, str(target), title=f"Estimated survival - case {case.id or index + 1}",
        highlight=recommended,
    )  # fmt: skip
    print(f"survival curves written to {target}", file=sys.stderr)


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


def _register_report() -> None:
    from hepatoboard.cli_report import report

    app.command("report", help="Family (English/Vietnamese) or clinician report as PDF/HTML.")(
        report
    )


_register_report()

token_app = typer.Typer(help="Manage API tokens.", no_args_is_help=True)
app.add_typer(token_app, name="token")


class Role(enum.StrEnum):
    viewer = "viewer"
    clinician = "clinician"
    admin = "admin"


DbOption = Annotated[
    str | None,
    typer.Option("--database", help="database URL (default: $HEPATOBOARD_DATABASE_URL or SQLite)"),
]


@token_app.command("create")
def token_create(
    name: Annotated[str, typer.Option(help="who or what uses the token")],
    role: Annotated[
        Role, typer.Option(help="viewer: read; clinician: read + create; admin: + audit")
    ] = (Role.clinician),
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


@app.command("audit")
def audit_cmd(
    limit: Annotated[int, typer.Option(min=1, max=100000)] = 50,
    actor: Annotated[str | None, typer.Option()] = None,
    action: Annotated[str | None, typer.Option()] = None,
    database: DbOption = None,
) -> None:
    """Show the audit log (who read or wrote what, when, outcome), newest first."""
    from rich.console import Console
    from rich.table import Table

    from hepatoboard.storage import repository as repo
    from hepatoboard.storage.db import make_engine, migrate, session_factory

    engine = make_engine(database)
    migrate(engine)
    with session_factory(engine)() as session:
        rows = repo.audit_log(session, limit=limit, actor=actor, action=action)
    t = Table(title="Audit log", header_style="bold")
    for col in ("when (UTC)", "actor", "action", "target", "outcome"):
        t.add_column(col)
    for r in rows:
        t.add_row(r.at.strftime("%Y-%m-%d %H:%M:%S"), r.actor, r.action, r.target or "", r.outcome)
    Console().print(t)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    database: DbOption = None,
    demo: Annotated[
        bool, typer.Option("--demo", help="create a first token if none exists and load examples")
    ] = False,
    workers: Annotated[int, typer.Option(min=1, max=64, help="worker processes")] = 1,
) -> None:
    """Run the web service (OpenAPI docs at /docs)."""
    import logging
    import os

    import uvicorn

    from hepatoboard.service.app import create_app
    from hepatoboard.storage.db import ENV_URL, default_url

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    os.environ[ENV_URL] = database or default_url()
    application = create_app(None)  # migrates the schema once, before any worker starts
    if demo:
        _demo_setup(application, host, port)
    # access_log off: request paths can carry case ids, which must not reach application logs
    if workers == 1:
        uvicorn.run(application, host=host, port=port, access_log=False, log_level="info")
    else:
        application.state.engine.dispose()
        uvicorn.run(
            "hepatoboard.service.app:app_from_env",
            factory=True,
            workers=workers,
            host=host,
            port=port,
            access_log=False,
            log_level="info",
        )


def _demo_setup(application, host: str, port: int) -> None:  # type: ignore[no-untyped-def]
    from importlib import resources

    from hepatoboard.assessment import assess as run
    from hepatoboard.case import load_case_text
    from hepatoboard.storage import repository as repo

    with application.state.sessions() as session:
        token = None
        if repo.count_tokens(session) == 0:
            token = repo.create_token(session, "first-clinician", "admin")
        loaded = 0
        for res in sorted(resources.files("hepatoboard.examples").iterdir(), key=str):
            if not res.name.endswith(".yaml"):
                continue
            case = load_case_text(res.read_text(encoding="utf-8"), res.name)
            if case.id and repo.case_history(session, case.id):
                continue
            repo.save_assessment(
                session,
                case_json=case.model_dump(mode="json", exclude_none=True),
                result_json=run(case).to_json_dict(),
                author="demo-loader",
            )
            loaded += 1
    base = f"http://{host}:{port}"
    print(f"\nhepatoboard service on {base}")
    print(f"  clinician pages: {base}/ui/   API docs: {base}/docs")
    if token:
        print(f"first token (admin; shown once, keep it): {token}")
    else:
        print("tokens already exist; create another with: hepatoboard token create --name NAME")
    print(f"example cases stored: {loaded} new")
    example = f"{base}/cases/seed-father-example/assessments"
    print(f"try: curl -H 'Authorization: Bearer <token>' {example}\n")


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
