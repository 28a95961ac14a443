"""API tokens, for admins: list them, create one (shown once), revoke one. Every token event
is audited; a revoked token stops working at once, web sessions included."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from pydantic import BaseModel, ConfigDict, Field

from hepatoboard.service.deps import Principal, require
from hepatoboard.service.models import NewTokenOut, TokenListOut, TokenOut, refusals
from hepatoboard.storage import repository as repo
from hepatoboard.storage.models import ApiToken, utcnow
from hepatoboard.storage.tokens import MAX_TOKEN_DAYS

router = APIRouter(tags=["tokens"])
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$"
TokenName = Annotated[str, Path(pattern=NAME_PATTERN, description="the token's name")]


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    name: str = Field(pattern=NAME_PATTERN, description="who or what uses the token")
    role: Literal["viewer", "clinician", "admin"] = "clinician"
    expires_in_days: int = Field(default=90, ge=1, le=MAX_TOKEN_DAYS)


def _iso(at: dt.datetime | None) -> str | None:
    return None if at is None else (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).isoformat()


def token_out(row: ApiToken) -> dict[str, str | None]:
    return {
        "name": row.name,
        "role": row.role,
        "status": repo.token_status(row),
        "created_at": _iso(row.created_at),
        "expires_at": _iso(row.expires_at),
        "revoked_at": _iso(row.revoked_at),
    }


@router.get("/tokens", response_model=TokenListOut, responses=refusals(401, 403, 429, 503))
def list_tokens(
    request: Request, who: Annotated[Principal, Depends(require("token.list", "admin"))]
) -> TokenListOut:
    """Every token (never its secret): role, status, created, expires, revoked."""
    with request.app.state.sessions() as session:
        rows = repo.list_tokens(session)
        repo.audit(session, who.name, "token.list", None, "ok")
    return TokenListOut(tokens=[TokenOut(**token_out(r)) for r in rows])


@router.post(
    "/tokens",
    status_code=201,
    response_model=NewTokenOut,
    responses=refusals(401, 403, 409, 429, 503),
)
def create_token(
    request: Request,
    body: TokenIn,
    who: Annotated[Principal, Depends(require("token.create", "admin"))],
) -> NewTokenOut:
    """Create a token; its secret is in this response only (store it now)."""
    expires = utcnow() + dt.timedelta(days=body.expires_in_days)
    with request.app.state.sessions() as session:
        try:
            secret = repo.create_token(
                session, body.name, body.role, expires_at=expires, actor=who.name
            )
        except repo.TokenExists as exc:
            raise HTTPException(409, str(exc)) from None
        row = repo.find_token(session, secret)
    assert row is not None
    return NewTokenOut(**token_out(row), token=secret)


@router.post(
    "/tokens/{name}/revoke", response_model=TokenOut, responses=refusals(401, 403, 404, 429, 503)
)
def revoke_token(
    request: Request,
    name: TokenName,
    who: Annotated[Principal, Depends(require("token.revoke", "admin"))],
) -> TokenOut:
    """Revoke a token now (its web sessions end too). Revoking twice is harmless."""
    with request.app.state.sessions() as session:
        row = repo.revoke_token(session, name, actor=who.name)
    if row is None:
        raise HTTPException(404, "no token with this name")
    return TokenOut(**token_out(row))
