"""API tokens and clinician-page sessions.

Tokens are random 256-bit secrets shown once and stored only as SHA-256 hashes (a fast hash is
adequate for high-entropy tokens; it is not a password store). Every token has an expiry date;
a token is *active* until it expires or is revoked, and every token event (create, revoke) is
written to the audit log in the same transaction as the change.

A web session is a row keyed by the hash of a random secret that only the cookie carries;
logout or revoking the token ends it on the server.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import Connection, bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hepatoboard.storage.models import ApiToken, AuditEvent, WebSession, utcnow

ROLES = ("viewer", "clinician", "admin")
TOKEN_PREFIX = "hb_"
DEFAULT_TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 3650


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(at: dt.datetime | None) -> dt.datetime | None:
    """SQLite drops the zone; every stored time is UTC."""
    return at.replace(tzinfo=dt.UTC) if at is not None and at.tzinfo is None else at


class TokenExists(ValueError):
    pass


def _event(actor: str, action: str, target: str | None, outcome: str) -> AuditEvent:
    return AuditEvent(actor=actor[:100], action=action, target=target, outcome=outcome)


def create_token(
    session: Session,
    name: str,
    role: str,
    *,
    expires_at: dt.datetime | None = None,
    actor: str = "cli",
) -> str:
    """Create a token (default expiry: :data:`DEFAULT_TOKEN_DAYS` days) and return its plaintext
    (shown once). Audited as ``token.create`` by ``actor``."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    now = utcnow()
    expires_at = expires_at or now + dt.timedelta(days=DEFAULT_TOKEN_DAYS)
    if expires_at <= now:
        raise ValueError("the expiry must be in the future")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(name=name, role=role, token_hash=hash_token(token), expires_at=expires_at))
    session.add(_event(actor, "token.create", name, "ok"))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise TokenExists(f"a token named '{name}' already exists") from None
    return token


def _status(revoked: bool, expires_at: dt.datetime | None, now: dt.datetime | None) -> str:
    if revoked:
        return "revoked"
    expires = _aware(expires_at)
    if expires is not None and expires <= (now or utcnow()):
        return "expired"
    return "active"


def token_status(row: ApiToken, now: dt.datetime | None = None) -> str:
    """active | expired | revoked"""
    return _status(row.revoked, row.expires_at, now)


def find_token(session: Session, token: str) -> ApiToken | None:
    """The active token with this plaintext, or None (unknown, expired or revoked)."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    return row if row is not None and token_status(row) == "active" else None


_tokens = ApiToken.__table__.c
_BY_HASH = select(_tokens.name, _tokens.role, _tokens.revoked, _tokens.expires_at).where(
    _tokens.token_hash == bindparam("token_hash")
)  # built once: the check runs on every API request


def find_active_token(db: Session | Connection, token: str) -> tuple[str, str] | None:
    """(name, role) of the active token with this plaintext, or None (unknown, expired or
    revoked). Read from the database on every call, like :func:`find_token`, but without the
    ORM: a statement built once, no object loaded."""
    row = db.execute(_BY_HASH, {"token_hash": hash_token(token)}).first()
    if row is None or _status(row.revoked, row.expires_at, None) != "active":
        return None
    return row.name, row.role


def count_tokens(session: Session) -> int:
    return session.scalar(select(func.count(ApiToken.id))) or 0


def list_tokens(session: Session) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).order_by(ApiToken.name)))


def revoke_token(session: Session, name: str, *, actor: str = "cli") -> ApiToken | None:
    """Revoke the token named ``name`` and end its web sessions; None if there is no such
    token. Audited as ``token.revoke`` (outcome ``not_found`` when there is none)."""
    row = session.scalar(select(ApiToken).where(ApiToken.name == name))
    if row is None:
        session.add(_event(actor, "token.revoke", name, "not_found"))
        session.commit()
        return None
    now = utcnow()
    if not row.revoked:
        row.revoked, row.revoked_at = True, now
    session.execute(
        update(WebSession)
        .where(WebSession.token_id == row.id, WebSession.ended_at.is_(None))
        .values(ended_at=now)
    )
    session.add(_event(actor, "token.revoke", name, "ok"))
    session.commit()
    return row


def start_web_session(session: Session, token: ApiToken, hours: int) -> str:
    """A new server-side session for ``token``; returns the secret the cookie carries."""
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        WebSession(
            id=hash_token(secret),
            token_id=token.id,
            created_at=now,
            expires_at=now + dt.timedelta(hours=hours),
        )
    )
    return secret


def find_web_session(session: Session, secret: str | None) -> ApiToken | None:
    """The active token behind a live web session, or None (ended, expired, token revoked)."""
    if not secret:
        return None
    row = session.get(WebSession, hash_token(secret))
    if row is None or row.ended_at is not None:
        return None
    expires = row.expires_at
    if (expires if expires.tzinfo else expires.replace(tzinfo=dt.UTC)) <= utcnow():
        return None
    token = session.get(ApiToken, row.token_id)
    return token if token is not None and token_status(token) == "active" else None


def end_web_session(session: Session, secret: str | None) -> None:
    """End the session on the server (a copy of the cookie no longer works)."""
    if secret:
        session.execute(
            update(WebSession)
            .where(WebSession.id == hash_token(secret), WebSession.ended_at.is_(None))
            .values(ended_at=utcnow())
        )
