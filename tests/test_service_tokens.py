"""The per-request token check (``find_active_token``: a Core statement built once, no ORM)
answers exactly as the ORM reference ``find_token`` for active, revoked, expired and unknown
tokens, on a real SQLite file; and the audit INSERT (built once) writes the sanitised event."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from hepatoboard.storage import repository as repo
from hepatoboard.storage.db import make_engine, migrate, session_factory
from hepatoboard.storage.models import ApiToken


@pytest.fixture
def db(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'hb.db'}")
    migrate(engine)
    yield engine, session_factory(engine)
    engine.dispose()


def both(engine, sessions, token: str):
    with sessions() as session:
        row = repo.find_token(session, token)
        reference = (row.name, row.role) if row is not None else None
    with engine.connect() as conn:
        fast = repo.find_active_token(conn, token)
    return reference, fast


def test_active_revoked_expired_and_unknown_tokens_match_the_orm_check(db):
    engine, sessions = db
    with sessions() as session:
        active = repo.create_token(session, "active", "clinician")
        revoked = repo.create_token(session, "revoked", "viewer")
        expired = repo.create_token(session, "expired", "admin")
        repo.revoke_token(session, "revoked")
        past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
        session.execute(update(ApiToken).where(ApiToken.name == "expired").values(expires_at=past))
        session.commit()
    assert both(engine, sessions, active) == (("active", "clinician"), ("active", "clinician"))
    for token in (revoked, expired, active + "x", "hb_unknown", ""):
        assert both(engine, sessions, token) == (None, None)


def test_a_revocation_is_seen_by_the_next_check(db):
    engine, sessions = db
    with sessions() as session:
        token = repo.create_token(session, "soon", "viewer")
    with engine.connect() as conn:
        assert repo.find_active_token(conn, token) == ("soon", "viewer")
    with sessions() as session:
        repo.revoke_token(session, "soon")
    with engine.connect() as conn:
        assert repo.find_active_token(conn, token) is None


def test_the_audit_insert_is_sanitised_on_a_connection_and_in_a_session(db):
    engine, sessions = db
    with engine.begin() as conn:
        repo.audit(conn, "dr\nlan", "assessment.preview", "case\x00-1", "ok", commit=False)
    with sessions() as session:
        repo.audit(session, "x" * 300, "assessment.read", None, "not_found")
        events = repo.audit_log(session, limit=2)
    assert [(e.actor, e.action, e.target, e.outcome) for e in reversed(events)] == [
        ("dr?lan", "assessment.preview", "case?-1", "ok"),
        ("x" * 97 + "...", "assessment.read", None, "not_found"),
    ]
    assert all(e.at is not None for e in events)
