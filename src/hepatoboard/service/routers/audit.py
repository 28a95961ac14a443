"""The append-only audit log (admins only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from hepatoboard.service.deps import Principal, require
from hepatoboard.service.models import AuditEventOut, AuditOut, refusals
from hepatoboard.storage import repository as repo

router = APIRouter(tags=["audit"])


@router.get("/audit", response_model=AuditOut, responses=refusals(401, 403, 429, 503))
def audit_view(
    request: Request,
    who: Annotated[Principal, Depends(require("audit.read", "admin"))],
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    actor: Annotated[str | None, Query(max_length=100)] = None,
    action: Annotated[str | None, Query(max_length=60)] = None,
) -> AuditOut:
    """The audit log, newest first."""
    with request.app.state.sessions() as session:
        rows = repo.audit_log(session, limit=limit, actor=actor, action=action)
        repo.audit(session, who.name, "audit.read", None, "ok")
    return AuditOut(
        events=[
            AuditEventOut(
                at=r.at.isoformat(),
                actor=r.actor,
                action=r.action,
                target=r.target,
                outcome=r.outcome,
            )
            for r in rows
        ]
    )
