"""Storage operations: stored assessments, the audit log, and the idempotency of retries.

Tokens and web sessions are in :mod:`.tokens`. Every audit record is sanitised (no control
characters, bounded length) before it is written.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
import uuid
from typing import Any, cast

from sqlalchemy import Connection, Table, and_, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer

from hepatoboard.storage.models import AuditEvent, StoredAssessment
from hepatoboard.storage.tokens import (
    ROLES,
    TOKEN_PREFIX,
    TokenExists,
    count_tokens,
    create_token,
    end_web_session,
    find_active_token,
    find_token,
    find_web_session,
    hash_token,
    list_tokens,
    revoke_token,
    start_web_session,
    token_status,
)

__all__ = [
    "ROLES",
    "TOKEN_PREFIX",
    "IdempotencyConflict",
    "TokenExists",
    "audit",
    "audit_log",
    "case_history",
    "case_history_page",
    "count_tokens",
    "create_token",
    "end_web_session",
    "find_active_token",
    "find_token",
    "find_web_session",
    "get_assessment",
    "hash_token",
    "input_hash",
    "latest_per_case",
    "list_tokens",
    "recent_assessments",
    "request_hash",
    "revoke_token",
    "save_assessment",
    "start_web_session",
    "token_status",
]


def input_hash(case_json: dict[str, Any]) -> str:
    canonical = json.dumps(case_json, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def request_hash(case_json: dict[str, Any], profile: str | None, as_of: Any) -> str:
    """What a request asked for: the validated case, the profile and the assessment date."""
    asked = {"case": case_json, "profile": profile, "as_of": str(as_of) if as_of else None}
    return input_hash(asked)


class IdempotencyConflict(ValueError):
    """The idempotency key was already used for a different request."""

    def __init__(self, key: str, existing: StoredAssessment) -> None:
        self.key = key
        self.existing = existing
        super().__init__(
            f"Idempotency-Key '{_clean(key, 80)}' was already used for a different request "
            f"(stored assessment {existing.id}); send a new key for a changed case"
        )


def find_by_key(
    session: Session, author: str, key: str | None, asked_hash: str, case_hash: str
) -> StoredAssessment | None:
    """The stored assessment of an earlier request with this key (same request), or None;
    :class:`IdempotencyConflict` if the key was used for a different request."""
    key = (key or "").strip() or None
    if key is None:
        return None
    existing = session.scalar(
        select(StoredAssessment).where(
            StoredAssessment.author == author, StoredAssessment.idempotency_key == key
        )
    )
    if existing is None:
        return None
    if existing.request_hash is not None:
        same = existing.request_hash == asked_hash
    else:  # stored before request hashes were kept: the case must match
        same = existing.input_hash == case_hash
    if not same:
        raise IdempotencyConflict(key, existing)
    return existing


def save_assessment(
    session: Session,
    *,
    case_json: dict[str, Any],
    result_json: dict[str, Any],
    author: str,
    idempotency_key: str | None = None,
    asked_hash: str | None = None,
) -> tuple[StoredAssessment, bool]:
    """Store a new (immutable) assessment. Returns (row, created). With an idempotency key, a
    repeated request by the same author returns the first stored row instead of a duplicate;
    the same key with a different request raises :class:`IdempotencyConflict`."""
    idempotency_key = (idempotency_key or "").strip() or None
    asked_hash = asked_hash or request_hash(case_json, None, None)
    case_hash = input_hash(case_json)
    existing = find_by_key(session, author, idempotency_key, asked_hash, case_hash)
    if existing is not None:
        return existing, False
    row = StoredAssessment(
        id=str(uuid.uuid4()),
        case_id=case_json.get("id"),
        author=author,
        kb_version=result_json["knowledge_base"]["version"],
        profile=result_json["knowledge_base"]["profile"],
        input_hash=case_hash,
        idempotency_key=idempotency_key,
        request_hash=asked_hash,
        case_json=case_json,
        result_json=result_json,
    )
    session.add(row)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()  # a concurrent request with the same key won the race
        existing = find_by_key(session, author, idempotency_key, asked_hash, case_hash)
        if existing is None:
            raise
        return existing, False
    return row, True


def get_assessment(session: Session, assessment_id: str) -> StoredAssessment | None:
    return session.get(StoredAssessment, assessment_id)


def case_history(session: Session, case_id: str, limit: int = 50) -> list[StoredAssessment]:
    """The newest ``limit`` stored assessments of a case, newest first."""
    return case_history_page(session, case_id, limit=limit)[0]


class BadCursor(ValueError):
    pass


def _cursor(row: StoredAssessment) -> str:
    created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=dt.UTC)
    raw = json.dumps([created.astimezone(dt.UTC).isoformat(), row.id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _uncursor(cursor: str) -> tuple[dt.datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        at, row_id = json.loads(raw)
        when = dt.datetime.fromisoformat(at)
        if not isinstance(row_id, str) or when.tzinfo is None:
            raise ValueError
    except (ValueError, TypeError):
        raise BadCursor("cursor: not a cursor this service returned") from None
    return when, row_id


def case_history_page(
    session: Session,
    case_id: str,
    *,
    limit: int = 50,
    cursor: str | None = None,
    full: bool = True,
) -> tuple[list[StoredAssessment], str | None]:
    """One page of a case's stored assessments, newest first, and the cursor of the next page
    (None on the last page). Keyset paging on (created_at, id): stable while rows are added.
    Without ``full`` the stored case document is not loaded."""
    q = select(StoredAssessment).where(StoredAssessment.case_id == case_id)
    if not full:
        q = q.options(defer(StoredAssessment.case_json))
    if cursor:
        at, row_id = _uncursor(cursor)
        q = q.where(
            or_(
                StoredAssessment.created_at < at,
                and_(StoredAssessment.created_at == at, StoredAssessment.id < row_id),
            )
        )
    q = q.order_by(StoredAssessment.created_at.desc(), StoredAssessment.id.desc())
    rows = list(session.scalars(q.limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (_cursor(rows[-1]) if more and rows else None)


_UNSAFE = re.compile(r"[^\x20-\x7e\u00a0-\u2027\u202a-\uffff]")


def _clean(text: str | None, limit: int) -> str:
    """Audit text: no control characters (C0, C1, DEL, line separators), at most ``limit``."""
    text = _UNSAFE.sub("?", text or "")
    return text if len(text) <= limit else text[: limit - 3] + "..."


# built once (rows are passed as parameters); the mapped class's table is a Table
_AUDIT_INSERT = insert(cast(Table, AuditEvent.__table__))


def audit(
    session: Session | Connection,
    actor: str,
    action: str,
    target: str | None,
    outcome: str,
    *,
    commit: bool = True,
) -> None:
    """Append one audit event (sanitised: no control characters, bounded lengths). A plain
    INSERT of the table, built once, in the session's (or connection's) transaction: it skips
    the ORM's unit of work and statement construction, which cost more than the insert on every
    request."""
    session.execute(
        _AUDIT_INSERT,
        {
            "actor": _clean(actor, 100),
            "action": _clean(action, 60),
            "target": _clean(target, 250) or None,
            "outcome": _clean(outcome, 20),
        },
    )
    if commit:
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


def recent_assessments(session: Session, limit: int = 25) -> list[StoredAssessment]:
    return list(
        session.scalars(
            select(StoredAssessment)
            .options(defer(StoredAssessment.case_json))
            .order_by(StoredAssessment.created_at.desc())
            .limit(limit)
        )
    )


def latest_per_case(
    session: Session,
    *,
    search: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    limit: int = 200,
) -> list[StoredAssessment]:
    """The newest stored assessment of each case, newest first: optionally only cases whose id
    contains ``search`` (case-insensitive) and assessments stored in [since, until)."""
    from sqlalchemy import func

    newest = (
        select(StoredAssessment.case_id, func.max(StoredAssessment.created_at).label("at"))
        .where(StoredAssessment.case_id.is_not(None))
        .group_by(StoredAssessment.case_id)
        .subquery()
    )
    q = (
        select(StoredAssessment)
        .join(
            newest,
            and_(
                StoredAssessment.case_id == newest.c.case_id,
                StoredAssessment.created_at == newest.c.at,
            ),
        )
        .options(defer(StoredAssessment.case_json))
        .order_by(StoredAssessment.created_at.desc())
        .limit(limit)
    )
    if search:
        escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        q = q.where(StoredAssessment.case_id.ilike(f"%{escaped}%", escape="\\"))
    if since is not None:
        q = q.where(StoredAssessment.created_at >= since)
    if until is not None:
        q = q.where(StoredAssessment.created_at < until)
    return list(session.scalars(q))
