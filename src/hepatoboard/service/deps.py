"""Dependencies shared by the routers: who is calling (bearer token or web session), database
work in short sessions, and the audit log.

Every request that reaches patient data is audited (who, what, when, outcome). A database
connection is held only around database work (:func:`in_db`, and the few lines that check the
caller), never while a case is parsed or assessed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Header, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session
from starlette import status
from starlette.concurrency import run_in_threadpool

from hepatoboard.intake.document import has_control
from hepatoboard.knowledge.base import KnowledgeBase
from hepatoboard.storage import repository as repo
from hepatoboard.storage.models import StoredAssessment

RANK = {"viewer": 0, "clinician": 1, "admin": 2}
bearer = HTTPBearer(auto_error=False)
T = TypeVar("T")
SESSION_KEY = "sid"  # the web session's secret in the signed cookie


@dataclass(frozen=True)
class Principal:
    name: str
    role: str


def kb_of(request: Request) -> KnowledgeBase:
    return request.app.state.kb


def site_of(request: Request) -> str | None:
    """The availability profile configured for the service (``$HEPATOBOARD_SITE``)."""
    site: str | None = request.app.state.site
    return site


def _with_session(request: Request, fn: Callable[..., T], *args: Any) -> T:
    with request.app.state.sessions() as session:
        return fn(session, *args)


async def in_db(request: Request, fn: Callable[..., T], *args: Any) -> T:
    """``fn(session, *args)`` in a worker thread with a session of its own, closed after: the
    connection is held only for this database work."""
    return await run_in_threadpool(_with_session, request, fn, *args)


def audit(request: Request, actor: str, action: str, target: str | None, outcome: str) -> None:
    """Append one audit event (sync: for handlers already in a worker thread), in a transaction
    of its own on a pooled connection (no ORM session: this runs on every request)."""
    with request.app.state.engine.begin() as conn:
        repo.audit(conn, actor, action, target, outcome, commit=False)


async def record(
    request: Request, actor: str, action: str, target: str | None, outcome: str
) -> None:
    """:func:`audit` from the event loop (in a worker thread)."""
    await run_in_threadpool(audit, request, actor, action, target, outcome)


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _reject_controls(request: Request, idempotency_key: str | None) -> None:
    """422 (the parameter-error shape) for a control character in a parameter."""
    given = [(("header", "idempotency-key"), idempotency_key)]
    given += [(("path", k), v) for k, v in request.path_params.items()]
    given += [(("query", k), v) for k, v in request.query_params.multi_items()]
    bad = [loc for loc, value in given if isinstance(value, str) and has_control(value)]
    if bad:
        raise RequestValidationError(
            [
                {"loc": loc, "msg": "control characters are not accepted", "type": "value_error"}
                for loc in bad
            ]
        )


def refuse(request: Request, session: Session, action: str, target: str | None) -> None:
    """No valid credentials: 401, or 429 when this client has been refused too often."""
    client = client_of(request)
    guard = request.app.state.guard
    if not guard.refused(session, client, action, target):
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            "too many refused requests from this address; wait and retry",
            {"Retry-After": str(guard.retry_after(client))},
        )
    raise HTTPException(
        status.HTTP_401_UNAUTHORIZED,
        "missing, invalid, expired or revoked bearer token",
        {"WWW-Authenticate": "Bearer"},
    )


def require(action: str, needed: str, *, allow_session: bool = False) -> Callable[..., Principal]:
    """A dependency: the caller's token must have at least role ``needed``; audited."""

    def dep(
        request: Request,
        creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
        idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
    ) -> Principal:
        _reject_controls(request, idempotency_key)
        if creds is not None and creds.scheme.lower() == "bearer":
            # the common case, read from the database on every request without the ORM
            with request.app.state.engine.connect() as conn:
                found = repo.find_active_token(conn, creds.credentials)
            if found is not None and RANK[found[1]] >= RANK[needed]:
                return Principal(*found)
        target = request.path_params.get("assessment_id") or request.path_params.get("case_id")
        with request.app.state.sessions() as session:  # refused, denied or a web session
            token = None
            if creds is not None and creds.scheme.lower() == "bearer":
                token = repo.find_token(session, creds.credentials)
            elif allow_session and "session" in request.scope:
                token = repo.find_web_session(session, request.session.get(SESSION_KEY))
            if token is None:
                refuse(request, session, action, target)
                raise AssertionError("unreachable")  # refuse always raises
            if RANK[token.role] < RANK[needed]:
                repo.audit(session, token.name, action, target, "denied")
                raise HTTPException(
                    status.HTTP_403_FORBIDDEN,
                    f"role '{token.role}' cannot do this (needs {needed})",
                )
            return Principal(token.name, token.role)

    return dep


def _utc(at: dt.datetime) -> str:
    return (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).isoformat()


def stored(row: StoredAssessment) -> dict[str, Any]:
    """The API form of a stored assessment."""
    return {
        "id": row.id,
        "case_id": row.case_id,
        "created_at": _utc(row.created_at),  # SQLite drops the zone; every stored time is UTC
        "author": row.author,
        "kb_version": row.kb_version,
        "profile": row.profile,
        "input_hash": row.input_hash,
        "assessment": row.result_json,
    }


def summary(row: StoredAssessment, full: bool) -> dict[str, Any]:
    """A history entry: provenance and headline; the whole assessment only if ``full``."""
    out = stored(row)
    a = out.pop("assessment")
    staging, plan = a.get("staging") or {}, a.get("plan") or {}
    out["summary"] = {
        "bclc_stage": (staging.get("bclc") or {}).get("stage"),
        "tnm_stage": (staging.get("tnm") or {}).get("stage"),
        "child_pugh_class": ((a.get("scores") or {}).get("child_pugh") or {}).get("class"),
        "intent": plan.get("intent"),
    }
    if full:
        out["assessment"] = a
    return out
