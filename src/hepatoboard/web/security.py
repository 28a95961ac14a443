"""Sessions, CSRF and security headers of the clinician pages.

Login exchanges an API token for a server-side session: the signed cookie (HttpOnly,
SameSite=Strict) carries only the session's random secret, so logout, expiry or revoking the
token ends the session on the server and a copied cookie stops working. Every form carries a
CSRF token; every HTML response carries a strict Content-Security-Policy and
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
from starlette.datastructures import MutableHeaders
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hepatoboard.service.deps import SESSION_KEY
from hepatoboard.storage import repository as repo
from hepatoboard.storage.models import ApiToken

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

    app.add_middleware(SecureHeaders)


class SecureHeaders:
    """ASGI middleware (a plain one: it leaves the request stream alone): security headers on
    every response, CSP and no-store on HTML."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "no-referrer")
                headers.setdefault("X-Frame-Options", "DENY")
                if headers.get("content-type", "").startswith("text/html"):
                    headers.setdefault("Content-Security-Policy", CSP)
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)


def current_user(request: Request, session: Session) -> ApiToken | None:
    """The logged-in user's active token: None once the session has ended on the server
    (logout), expired, or its token was revoked or expired."""
    return repo.find_web_session(session, request.session.get(SESSION_KEY))


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
