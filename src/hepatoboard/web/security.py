"""Sessions, CSRF and security headers of the clinician pages.

Login exchanges an API token for a signed session cookie (HttpOnly, SameSite=Strict); every
form carries a CSRF token; every HTML response carries a strict Content-Security-Policy and
``Cache-Control: no-store``.
"""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from sqlalchemy.orm import Session
from starlette.middleware.sessions import SessionMiddleware

from hepatoboard.storage import repository as repo

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
SESSION_HOURS = 8


def secret_key() -> str:
    """Session-signing key: $HEPATOBOARD_SECRET_KEY, else one kept in the user data folder
    (shared by all workers on the machine)."""
    env = os.environ.get("HEPATOBOARD_SECRET_KEY")
    if env:
        return env
    from platformdirs import user_data_dir

    path = Path(user_data_dir("hepatoboard", appauthor=False)) / "session-secret"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def install(app: FastAPI) -> None:
    """Session cookie and secure headers on every response."""
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret_key(),
        session_cookie="hepatoboard_session",
        same_site="strict",
        https_only=os.environ.get("HEPATOBOARD_HTTPS_ONLY") == "1",
        max_age=SESSION_HOURS * 3600,
    )

    @app.middleware("http")
    async def secure_headers(request: Request, call_next: Any) -> Any:
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if response.headers.get("content-type", "").startswith("text/html"):
            response.headers.setdefault("Content-Security-Policy", CSP)
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def current_user(request: Request, session: Session) -> repo.ApiToken | None:
    """The logged-in user's active token (a revoked token ends the session)."""
    name = request.session.get("user")
    return repo.find_token_by_name(session, name) if name else None


def csrf_token(request: Request) -> str:
    token: str | None = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


def check_csrf(request: Request, form: Any) -> None:
    sent = str(form.get("csrf") or "")
    expected = request.session.get("csrf") or ""
    if not sent or not expected or not hmac.compare_digest(sent, expected):
        raise HTTPException(403, "invalid or missing CSRF token; reload the page")
