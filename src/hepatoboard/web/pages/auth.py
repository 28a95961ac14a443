"""Log in with an API token (exchanged for a server-side session) and log out (which ends the
session on the server). Failed logins count toward the client's rate limit."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from hepatoboard.service.deps import SESSION_KEY, client_of
from hepatoboard.storage import repository as repo
from hepatoboard.web.render import page
from hepatoboard.web.security import SESSION_HOURS, check_csrf

router = APIRouter(include_in_schema=False)


def _safe_next(nxt: str) -> str:
    return nxt if nxt.startswith("/ui/") else "/ui/"


@router.get("/")
def root() -> RedirectResponse:
    return RedirectResponse("/ui/", status_code=303)


@router.get("/ui/login")
def login_form(request: Request, next: str = "/ui/") -> HTMLResponse:
    return page(request, "login.html", next=_safe_next(next))


@router.post("/ui/login")
async def login(request: Request) -> Response:
    form = await request.form()
    check_csrf(request, form)
    nxt = _safe_next(str(form.get("next") or "/ui/"))
    login = await run_in_threadpool(_login, request, str(form.get("token") or "").strip())
    if isinstance(login, int):
        error = (
            "Unknown, expired or revoked token."
            if login == 401
            else ("Too many failed logins from this address; wait a minute.")
        )
        return page(request, "login.html", login, error=error, next=nxt)
    name, role, secret = login
    request.session.clear()
    request.session.update(
        {SESSION_KEY: secret, "user": name, "role": role, "csrf": secrets.token_urlsafe(32)}
    )
    return RedirectResponse(nxt, status_code=303)


def _login(request: Request, plaintext: str) -> tuple[str, str, str] | int:
    """(name, role, session secret), or the refusal's status: 401, or 429 when rate-limited."""
    with request.app.state.sessions() as session:
        token = repo.find_token(session, plaintext) if plaintext else None
        if token is None:
            ok = request.app.state.guard.refused(session, client_of(request), "ui.login", None)
            return 401 if ok else 429
        secret = repo.start_web_session(session, token, SESSION_HOURS)
        repo.audit(session, token.name, "ui.login", None, "ok")  # commits the session too
        return token.name, token.role, secret


@router.post("/ui/logout")
async def logout(request: Request) -> RedirectResponse:
    check_csrf(request, await request.form())
    secret = request.session.get(SESSION_KEY)
    name = request.session.get("user")

    def end() -> None:
        with request.app.state.sessions() as session:
            repo.end_web_session(session, secret)
            repo.audit(session, str(name or "anonymous"), "ui.logout", None, "ok")

    await run_in_threadpool(end)
    request.session.clear()
    return RedirectResponse("/ui/login", status_code=303)
