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


def create_app(
    database_url: str | None = None, *, kb: KnowledgeBase | None = None, warm: bool = True
) -> FastAPI:
    """Build the service. ``warm`` freezes the long-lived objects out of the garbage collector's
    scans (which otherwise stall a request every few hundred)."""
    if kb is None:
        from hepatoboard.knowledge.load import default_knowledge

        kb = default_knowledge()
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
    app.state.guard = Guard()
    for module in (health, assessments, cases, knowledge, audit, reports, tokens):
        app.include_router(module.router)
    from hepatoboard.web import mount_ui

    mount_ui(app)
    app.add_middleware(BodyLimit)  # outermost: before sessions, pages and routers read a byte
    openapi.install(app)
    errors.install(app)
    if warm:
        import gc

        gc.collect()
        gc.freeze()
    return app


def app_from_env() -> FastAPI:
    """Factory for multi-worker uvicorn (each worker builds its app; the URL comes from the
    environment set by ``hepatoboard serve``)."""
    return create_app(None)
