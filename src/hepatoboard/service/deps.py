"""Dependencies shared by the routers: the database session, who is calling (bearer token or
web session) and the audit log.

Every request that reaches patient data is audited (who, what, when, outcome). The database
connection is released as soon as authentication is done, so no connection is held while a
case is assessed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session
from starlette import status

from hepatoboard.knowledge.base import KnowledgeBase
from hepatoboard.storage import repository as repo
from hepatoboard.storage.models import StoredAssessment

RANK = {"viewer": 0, "clinician": 1, "admin": 2}
bearer = HTTPBearer(auto_error=False)


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


def db(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as s:
        yield s


DbSession = Annotated[Session, Depends(db)]


def _reject_nul(request: Request, *values: str | None) -> None:
    for value in (*values, *request.path_params.values(), *request.query_params.values()):
        if value and "\x00" in value:
            raise HTTPException(422, "NUL characters are not accepted in parameters")


def require(action: str, needed: str, *, allow_session: bool = False) -> Callable[..., Principal]:
    """A dependency: the caller's token must have at least role ``needed``; audited."""

    def dep(
        request: Request,
        creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
        session: DbSession,
        idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
    ) -> Principal:
        _reject_nul(request, idempotency_key)
        target = request.path_params.get("assessment_id") or request.path_params.get("case_id")
        token = None
        if creds is not None and creds.scheme.lower() == "bearer":
            token = repo.find_token(session, creds.credentials)
        elif allow_session and "session" in request.scope:
            name = request.session.get("user")
            token = repo.find_token_by_name(session, name) if name else None
        if token is None:
            repo.audit(session, "anonymous", action, target, "unauthenticated")
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "missing, invalid or revoked bearer token",
                {"WWW-Authenticate": "Bearer"},
            )
        if RANK[token.role] < RANK[needed]:
            repo.audit(session, token.name, action, target, "denied")
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, f"role '{token.role}' cannot do this (needs {needed})"
            )
        session.commit()  # end the read transaction: release the connection before work starts
        return Principal(token.name, token.role)

    return dep


def stored(row: StoredAssessment) -> dict[str, Any]:
    """The API form of a stored assessment."""
    created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=dt.UTC)
    return {
        "id": row.id,
        "case_id": row.case_id,
        "created_at": created.isoformat(),  # SQLite drops the zone; every stored time is UTC
        "author": row.author,
        "kb_version": row.kb_version,
        "profile": row.profile,
        "input_hash": row.input_hash,
        "assessment": row.result_json,
    }
