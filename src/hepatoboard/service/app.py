"""The application factory: storage, knowledge base, routers, clinician pages, error handlers,
request limits.

Every endpoint except ``/health`` and the docs requires a bearer token (or, for pages and
reports, the pages' session): viewers read, clinicians also create, admins also read the audit
log and manage tokens. Request bodies over 1 MB get 413. Application logs never contain case
content or case ids.
"""

from __future__ import annotations

from fastapi import FastAPI

from hepatoboard.knowledge.base import KnowledgeBase
from hepatoboard.service import errors, openapi
from hepatoboard.service.guard import Guard
from hepatoboard.service.limits import BodyLimit
from hepatoboard.service.routers import (
    assessments,
    audit,
    cases,
    cds_hooks,
    fhir,
    health,
    knowledge,
    reports,
    tokens,
)
from hepatoboard.storage.db import make_engine, migrate, session_factory, start_checkpointer

DESCRIPTION = (
    "Virtual multidisciplinary tumour board for HCC with lymph-node metastasis. "
    "Decision support for qualified clinicians; not a prescription."
)


ENV_SITE = "HEPATOBOARD_SITE"

# The young-generation threshold of the garbage collector once the service has started: how
# many more container objects must be allocated than freed before a collection runs (Python's
# default: 700). A preview builds and frees thousands of them; with the default, 1.8
# collections ran inside every preview (5-8% of its CPU, docs/benchmarks.md). With 20,000, a
# collection runs only once that many objects have accumulated (long-lived ones, or the rare
# reference cycles the collector exists for).
GC_YOUNG_THRESHOLD = 20_000


def create_app(
    database_url: str | None = None,
    *,
    kb: KnowledgeBase | None = None,
    warm: bool = True,
    site: str | None = None,
) -> FastAPI:
    """Build the service. ``site`` (default ``$HEPATOBOARD_SITE``) names the availability
    profile every assessment uses. ``warm`` freezes the long-lived objects out of the garbage
    collector's scans (which otherwise stall a request every few hundred) and raises the
    collector's young-generation threshold to :data:`GC_YOUNG_THRESHOLD` (process-wide, like
    the freeze)."""
    import os

    from hepatoboard.pipeline import resolve_site

    if kb is None:
        from hepatoboard.knowledge.load import default_knowledge

        kb = default_knowledge()
    site = site or os.environ.get(ENV_SITE) or None
    resolve_site(site, kb)  # an unknown site stops the start-up with the list of known ones
    engine = make_engine(database_url)
    migrate(engine)
    start_checkpointer(engine)
    app = FastAPI(
        title="hepatoboard",
        version=kb.version,
        docs_url=None,
        redoc_url=None,
        description=DESCRIPTION,
    )
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.kb = kb
    app.state.site = site
    app.state.guard = Guard()
    for module in (health, assessments, cases, knowledge, audit, reports, tokens, fhir, cds_hooks):
        app.include_router(module.router)
    _cds(app)
    from hepatoboard.web import mount_ui

    mount_ui(app)
    app.add_middleware(BodyLimit)  # outermost: before sessions, pages and routers read a byte
    openapi.install(app)
    errors.install(app)
    if warm:
        import gc

        gc.collect()
        gc.freeze()
        gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])
    return app


def _cds(app: FastAPI) -> None:
    """CDS Hooks tenants, the JWT replay cache and CORS (``$HEPATOBOARD_CDS_CONFIG``)."""
    from hepatoboard.cds.config import load_config
    from hepatoboard.cds.trust import ReplayCache

    app.state.cds = load_config()
    app.state.replays = ReplayCache()
    if app.state.cds.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(app.state.cds.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )


def app_from_env() -> FastAPI:
    """Factory for multi-worker uvicorn (each worker builds its app; the URL comes from the
    environment set by ``hepatoboard serve``)."""
    return create_app(None)
