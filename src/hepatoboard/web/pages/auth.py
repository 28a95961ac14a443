"""Log in with an API token (exchanged for a server-side session) and log out (which ends the
session on the server). Failed logins count toward the client's rate limit. The language switch
of every page (``POST /ui/lang``) keeps the chosen page language in a cookie."""

from __future__ import annotations

import os
import secrets

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from hepatoboard.reports.i18n import LANGUAGES, N_
from hepatoboard.service.deps import SESSION_KEY, client_of
from hepatoboard.storage import repository as repo
from hepatoboard.web.i18n import LANG_COOKIE, lang_of, ui_translations
from hepatoboard.web.render import page
from hepatoboard.web.security import SESSION_HOURS, check_csrf

router = APIRouter(include_in_schema=False)
LANG_DAYS = 365  # how long the language choice is remembered
UNKNOWN_TOKEN = N_("Unknown, expired or revoked token.")
TOO_MANY = N_("Too many failed logins from this address; wait a minute.")


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
        _ = ui_translations(lang_of(request)).gettext
        error = _(UNKNOWN_TOKEN) if login == 401 else _(TOO_MANY)
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


@router.post("/ui/lang")
async def set_language(request: Request) -> RedirectResponse:
    """Choose the page language (English or Vietnamese), kept in a cookie; back to the page."""
    form = await request.form()
    check_csrf(request, form)
    lang = str(form.get("lang") or "")
    if lang not in LANGUAGES:
        raise HTTPException(400, f"unknown language; accepted: {', '.join(LANGUAGES)}")
    response = RedirectResponse(_safe_next(str(form.get("next") or "/ui/")), status_code=303)
    response.set_cookie(
        LANG_COOKIE,
        lang,
        max_age=LANG_DAYS * 24 * 3600,
        httponly=True,
        samesite="strict",
        secure=os.environ.get("HEPATOBOARD_HTTPS_ONLY") == "1",
    )
    return response
