"""Log in with an API token (exchanged for a session cookie) and log out."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hepatoboard.storage import repository as repo
from hepatoboard.web.render import page
from hepatoboard.web.security import check_csrf

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
    with request.app.state.sessions() as session:
        token = repo.find_token(session, str(form.get("token") or "").strip())
        if token is None:
            repo.audit(session, "anonymous", "ui.login", None, "unauthenticated")
            return page(request, "login.html", 401, error="Unknown or revoked token.", next=nxt)
        repo.audit(session, token.name, "ui.login", None, "ok")
    request.session.clear()
    request.session.update(user=token.name, role=token.role, csrf=secrets.token_urlsafe(32))
    return RedirectResponse(nxt, status_code=303)


@router.post("/ui/logout")
async def logout(request: Request) -> RedirectResponse:
    check_csrf(request, await request.form())
    request.session.clear()
    return RedirectResponse("/ui/login", status_code=303)
