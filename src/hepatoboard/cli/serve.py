"""``hepatoboard serve``: the web service (API, clinician pages, docs) on one port."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from hepatoboard.cli.common import DbOption, SiteOption, check_site, resume_gc


def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    database: DbOption = None,
    demo: Annotated[
        bool, typer.Option("--demo", help="create a first token if none exists and load examples")
    ] = False,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="worker processes; new connections are handed to them in turn",
        ),
    ] = 1,
    site: SiteOption = None,
) -> None:
    """Run the web service (OpenAPI docs at /docs, clinician pages at /ui/)."""
    import logging
    import os

    import uvicorn

    from hepatoboard.service import workers as supervisor
    from hepatoboard.service.app import ENV_SITE, create_app
    from hepatoboard.storage.db import ENV_URL, default_url

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    check_site(site)
    os.environ[ENV_URL] = database or default_url()
    if site is not None:
        os.environ[ENV_SITE] = site
    application = create_app(None)  # migrates the schema once, before any worker starts
    resume_gc()  # a service runs for long: collect garbage again (main paused it for start-up)
    if demo:
        _demo_setup(application, host, port)
    # access_log off: request paths can carry case ids, which must not reach application logs
    if workers == 1:
        uvicorn.run(application, host=host, port=port, access_log=False, log_level="info")
        return
    application.state.engine.dispose()
    if supervisor.supported():
        try:
            listener = supervisor.bind_socket(host, port)
        except OSError as exc:
            typer.echo(f"error: cannot listen on {host}:{port}: {exc}", err=True)
            raise typer.Exit(1) from None
        del application
        logging.getLogger(__name__).info(
            "listening on http://%s:%d with %d worker processes", host, port, workers
        )
        raise typer.Exit(supervisor.Supervisor(listener, workers).run())
    logging.getLogger(__name__).warning(
        "connections cannot be handed to workers on this system: they share one socket (uvicorn)"
    )
    uvicorn.run(
        supervisor.APP,
        factory=True,
        workers=workers,
        host=host,
        port=port,
        access_log=False,
        log_level="info",
    )


def _demo_setup(application: Any, host: str, port: int) -> None:
    """A first admin token (if none exists) and the example cases, stored once."""
    from importlib import resources

    from hepatoboard.intake import load_case_text
    from hepatoboard.pipeline import assess
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
                case_json=case.document(),
                result_json=assess(
                    case, kb=application.state.kb, site=application.state.site
                ).to_json_dict(),
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


def register(app: typer.Typer) -> None:
    app.command()(serve)
