"""Storage operations: tokens, stored assessments, the audit log.

Tokens are random 256-bit secrets shown once and stored only as SHA-256 hashes (a fast hash is
adequate for high-entropy tokens; it is not a password store).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hepatoboard.storage.models import ApiToken, AuditEvent, StoredAssessment

ROLES = ("viewer", "clinician", "admin")
TOKEN_PREFIX = "hb_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def input_hash(case_json: dict[str, Any]) -> str:
    canonical = json.dumps(case_json, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


class TokenExists(ValueError):
    pass


def create_token(session: Session, name: str, role: str) -> str:
    """Create a token and return its plaintext (shown once)."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(name=name, role=role, token_hash=hash_token(token)))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise TokenExists(f"a token named '{name}' already exists") from None
    return token


def find_token(session: Session, token: str) -> ApiToken | None:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    return row if row is not None and not row.revoked else None


def count_tokens(session: Session) -> int:
    return len(session.scalars(select(ApiToken.id)).all())


def save_assessment(
    session: Session,
    *,
    case_json: dict[str, Any],
    result_json: dict[str, Any],
    author: str,
    idempotency_key: str | None = None,
) -> tuple[StoredAssessment, bool]:
    """Store a new (immutable) assessment. Returns (row, created). With an idempotency key, a
    repeated request by the same author returns the first stored row instead of a duplicate."""
    idempotency_key = (idempotency_key or "").strip() or None
    if idempotency_key:
        existing = _by_key(session, author, idempotency_key)
        if existing is not None:
            return existing, False
    row = StoredAssessment(
        id=str(uuid.uuid4()),
        case_id=case_json.get("id"),
        author=author,
        kb_version=result_json["knowledge_base"]["version"],
        profile=result_json["knowledge_base"]["profile"],
        input_hash=input_hash(case_json),
        idempotency_key=idempotency_key,
        case_json=case_json,
        result_json=result_json,
    )
    session.add(row)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        existing = _by_key(session, author, idempotency_key) if idempotency_key else None
        if existing is None:
            raise
        return existing, False
    return row, True


def _by_key(session: Session, author: str, key: str) -> StoredAssessment | None:
    return session.scalar(
        select(StoredAssessment).where(
            StoredAssessment.author == author, StoredAssessment.idempotency_key == key
        )
    )


def get_assessment(session: Session, assessment_id: str) -> StoredAssessment | None:
    return session.get(StoredAssessment, assessment_id)


def case_history(session: Session, case_id: str) -> list[StoredAssessment]:
    return list(
        session.scalars(
            select(StoredAssessment)
            .where(StoredAssessment.case_id == case_id)
            .order_by(StoredAssessment.created_at.desc(), StoredAssessment.id.desc())
        )
    )


def audit(session: Session, actor: str, action: str, target: str | None, outcome: str) -> None:
    session.add(
        AuditEvent(actor=actor, action=action, target=(target or "")[:250], outcome=outcome)
    )
    session.commit()


def audit_log(
    session: Session, limit: int = 100, actor: str | None = None, action: str | None = None
) -> list[AuditEvent]:
    q = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if actor:
        q = q.where(AuditEvent.actor == actor)
    if action:
        q = q.where(AuditEvent.action == action)
    return list(session.scalars(q))


def find_token_by_name(session: Session, name: str) -> ApiToken | None:
    """The active token of a logged-in web user (revocation ends the session)."""
    row = session.scalar(select(ApiToken).where(ApiToken.name == name))
    return row if row is not None and not row.revoked else None


def recent_assessments(session: Session, limit: int = 25) -> list[StoredAssessment]:
    return list(
        session.scalars(
            select(StoredAssessment).order_by(StoredAssessment.created_at.desc()).limit(limit)
        )
    )
