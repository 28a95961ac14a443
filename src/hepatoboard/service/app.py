"""The HTTP service (FastAPI): assess, store, read back, history, knowledge, audit.

Every endpoint except ``/health`` and the docs requires a bearer token; viewers can read,
clinicians can also create, admins can also read the audit log. Every read and write is
audited (who, what, when, outcome). Application logs never contain case content or case ids.
"""

import datetime as dt
import logging
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session
from starlette.requests import ClientDisconnect

from hepatoboard.assessment import assess
from hepatoboard.case.load import parse_case, parse_document
from hepatoboard.errors import CaseError, Problem
from hepatoboard.knowledge.base import knowledge
from hepatoboard.storage import repository as repo
from hepatoboard.storage.db import make_engine, migrate, session_factory, start_checkpointer
from hepatoboard.storage.models import StoredAssessment

log = logging.getLogger("hepatoboard.service")
MAX_BODY = 1_000_000  # bytes; a case is a few kB
RANK = {"viewer": 0, "clinician": 1, "admin": 2}

CASE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/hepatoboard-case-1"}},
            "application/yaml": {"schema": {"type": "string"}},
        },
    }
}


class Principal:
    def __init__(self, name: str, role: str) -> None:
        self.name, self.role = name, role


def create_app(database_url: str | None = None, *, warm: bool = True) -> FastAPI:
    engine = make_engine(database_url)
    migrate(engine)
    sessions = session_factory(engine)
    start_checkpointer(engine)
    kb = knowledge()
    if warm:  # pay the prognosis model's one-off precomputation at start, not per request
        from hepatoboard.prognosis import warm_up

        warm_up()
        # The knowledge base and model caches live for the whole process: move them out of the
        # garbage collector's scans, which otherwise stall a request every few hundred.
        import gc

        gc.collect()
        gc.freeze()

    app = FastAPI(
        title="hepatoboard",
        version=kb.version,
        docs_url=None,  # served below from local assets: no CDN, works without internet
        redoc_url=None,
        description=(
            "Virtual multidisciplinary tumour board for HCC with lymph-node metastasis. "
            "Decision support for qualified clinicians; not a prescription."
        ),
    )
    app.state.engine = engine
    app.state.sessions = sessions

    from hepatoboard.web.routes import mount_ui

    mount_ui(app, sessions, kb)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        from fastapi.openapi.utils import get_openapi

        from hepatoboard.case.model import Case

        schema = get_openapi(title=app.title, version=app.version, routes=app.routes,
                             description=app.description)  # fmt: skip
        case_schema = Case.model_json_schema(ref_template="#/components/schemas/{model}")
        comps = schema.setdefault("components", {}).setdefault("schemas", {})
        comps.update(case_schema.pop("$defs", {}))
        comps["hepatoboard-case-1"] = case_schema
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]

    def db() -> Any:
        with sessions() as s:
            yield s

    bearer = HTTPBearer(auto_error=False)

    def principal_for(action: str, needed: str):  # type: ignore[no-untyped-def]
        def dep(
            request: Request,
            creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
            session: Annotated[Session, Depends(db)],
            idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
        ) -> Principal:
            target = request.path_params.get("assessment_id") or request.path_params.get("case_id")
            for value in (target, idempotency_key, *request.query_params.values()):
                if value and "\x00" in value:
                    raise HTTPException(422, "NUL characters are not accepted in parameters")
            if creds is None or creds.scheme.lower() != "bearer":
                repo.audit(session, "anonymous", action, target, "unauthenticated")
                raise HTTPException(401, "missing bearer token", {"WWW-Authenticate": "Bearer"})
            token = repo.find_token(session, creds.credentials)
            if token is None:
                repo.audit(session, "anonymous", action, target, "unauthenticated")
                raise HTTPException(401, "invalid or revoked token", {"WWW-Authenticate": "Bearer"})
            if RANK[token.role] < RANK[needed]:
                repo.audit(session, token.name, action, target, "denied")
                raise HTTPException(403, f"role '{token.role}' cannot do this (needs {needed})")
            return Principal(token.name, token.role)

        return dep

    async def read_case(request: Request) -> tuple[dict[str, Any], Any]:
        try:
            body = await request.body()
        except ClientDisconnect:
            raise HTTPException(400, "client disconnected") from None
        if len(body) > MAX_BODY:
            raise CaseError([Problem("", f"body larger than {MAX_BODY} bytes")])
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise CaseError([Problem("", "body is not UTF-8 text")]) from None
        if not text.strip():
            raise CaseError([Problem("", "empty body; send a hepatoboard-case/1 document")])
        data = parse_document(text)
        case = parse_case(data)
        return data, case

    def run(case: Any, profile: str | None, as_of: dt.date | None) -> dict[str, Any]:
        return assess(case, profile=profile, as_of=as_of, kb=kb).to_json_dict()

    def stored(row: StoredAssessment) -> dict[str, Any]:
        return {
            "id": row.id,
            "case_id": row.case_id,
            # SQLite drops the zone of stored datetimes; every stored time is UTC
            "created_at": (
                row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=dt.UTC)
            ).isoformat(),
            "author": row.author,
            "kb_version": row.kb_version,
            "profile": row.profile,
            "input_hash": row.input_hash,
            "assessment": row.result_json,
        }

    @app.exception_handler(CaseError)
    async def case_error(_request: Request, exc: CaseError) -> JSONResponse:
        return JSONResponse(
            status_code=422,
            content={
                "message": "the case cannot be assessed; fix the fields below",
                "detail": [
                    {"loc": p.path.replace("[", ".").replace("]", "").split(".") if p.path else [],
                     "field": p.path, "msg": p.message, "type": "case_error"}
                    for p in exc.problems
                ],
            },
        )  # fmt: skip

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error: %s", type(exc).__name__)
        return JSONResponse(status_code=500, content={"message": "internal error"})

    import swagger_ui_bundle
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.responses import HTMLResponse
    from fastapi.staticfiles import StaticFiles

    app.mount("/docs-assets", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path),
              name="docs-assets")  # fmt: skip

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        page = get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="hepatoboard API",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/docs-assets/favicon-32x32.png",
        )
        # Swagger UI starts with one inline script; allow it on this page only.
        page.headers["Content-Security-Policy"] = (
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self' 'unsafe-inline'; frame-ancestors 'none'"
        )
        return page

    @app.get("/health", tags=["service"])
    def health() -> dict[str, str]:
        """Liveness: no authentication, no patient data."""
        return {"status": "ok", "knowledge_base": kb.version}

    AsOf = Annotated[dt.date | None, Query(description="assessment date (default: today)")]
    Profile = Annotated[str | None, Query(max_length=40, description="guideline profile")]

    @app.post("/assessments", status_code=201, tags=["assessments"], openapi_extra=CASE_BODY)
    async def create(
        request: Request,
        session: Annotated[Session, Depends(db)],
        who: Annotated[Principal, Depends(principal_for("assessment.create", "clinician"))],
        profile: Profile = None,
        as_of: AsOf = None,
        idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
    ) -> JSONResponse:
        """Assess a case (JSON or YAML body) and store the result. Returns the stored record."""
        try:
            _, case = await read_case(request)
            result = run(case, profile, as_of)
        except CaseError:
            repo.audit(session, who.name, "assessment.create", None, "invalid")
            raise
        row, created = repo.save_assessment(
            session, case_json=case.model_dump(mode="json", exclude_none=True),
            result_json=result, author=who.name, idempotency_key=idempotency_key,
        )  # fmt: skip
        repo.audit(session, who.name, "assessment.create", row.id, "ok" if created else "replayed")
        return JSONResponse(stored(row), status_code=201 if created else 200)

    @app.post("/assessments:preview", tags=["assessments"], openapi_extra=CASE_BODY)
    async def preview(
        request: Request,
        session: Annotated[Session, Depends(db)],
        who: Annotated[Principal, Depends(principal_for("assessment.preview", "viewer"))],
        profile: Profile = None,
        as_of: AsOf = None,
    ) -> JSONResponse:
        """Assess a case without storing it."""
        try:
            _, case = await read_case(request)
            result = run(case, profile, as_of)
        except CaseError:
            repo.audit(session, who.name, "assessment.preview", None, "invalid")
            raise
        repo.audit(session, who.name, "assessment.preview", case.id, "ok")
        return JSONResponse(result)  # already JSON-ready: skip FastAPI's slow re-encoding

    @app.get("/assessments/{assessment_id}", tags=["assessments"])
    def read(
        assessment_id: str,
        session: Annotated[Session, Depends(db)],
        who: Annotated[Principal, Depends(principal_for("assessment.read", "viewer"))],
    ) -> JSONResponse:
        """One stored assessment."""
        row = repo.get_assessment(session, assessment_id)
        if row is None:
            repo.audit(session, who.name, "assessment.read", assessment_id, "not_found")
            raise HTTPException(404, "no assessment with this id")
        repo.audit(session, who.name, "assessment.read", assessment_id, "ok")
        return JSONResponse(stored(row))

    @app.get("/cases/{case_id}/assessments", tags=["assessments"])
    def history(
        case_id: str,
        session: Annotated[Session, Depends(db)],
        who: Annotated[Principal, Depends(principal_for("case.history", "viewer"))],
    ) -> JSONResponse:
        """All stored assessments of a case, newest first."""
        rows = repo.case_history(session, case_id)
        repo.audit(session, who.name, "case.history", case_id, "ok")
        return JSONResponse({"case_id": case_id, "assessments": [stored(r) for r in rows]})

    @app.get("/knowledge", tags=["knowledge"])
    def knowledge_view(
        session: Annotated[Session, Depends(db)],
        who: Annotated[Principal, Depends(principal_for("knowledge.read", "viewer"))],
    ) -> dict[str, Any]:
        """Knowledge-base version, sources, options and profiles."""
        repo.audit(session, who.name, "knowledge.read", None, "ok")
        return {
            "version": kb.version,
            "profiles": {k: v.model_dump() for k, v in kb.profiles.items()},
            "sources": [s.model_dump() for s in kb.sources.values()],
            "options": [
                {"id": o.id, "name": o.name, "modality": o.modality, "evidence": o.evidence}
                for o in kb.options.values()
            ],
        }

    @app.get("/audit", tags=["audit"])
    def audit_view(
        session: Annotated[Session, Depends(db)],
        who: Annotated[Principal, Depends(principal_for("audit.read", "admin"))],
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        actor: Annotated[str | None, Query(max_length=100)] = None,
        action: Annotated[str | None, Query(max_length=60)] = None,
    ) -> dict[str, Any]:
        """The audit log, newest first (admin only)."""
        rows = repo.audit_log(session, limit=limit, actor=actor, action=action)
        repo.audit(session, who.name, "audit.read", None, "ok")
        return {
            "events": [
                {"at": r.at.isoformat(), "actor": r.actor, "action": r.action,
                 "target": r.target, "outcome": r.outcome}
                for r in rows
            ]
        }  # fmt: skip

    return app


def app_from_env() -> FastAPI:
    """Factory for multi-worker uvicorn (each worker builds its app; the URL comes from the
    environment set by ``hepatoboard serve``)."""
    return create_app(None)
