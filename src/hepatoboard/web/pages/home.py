"""The start page: the most recent stored assessments."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from hepatoboard.storage import repository as repo
from hepatoboard.web.render import login_redirect, page
from hepatoboard.web.security import current_user

router = APIRouter(include_in_schema=False)


@router.get("/ui/")
def home(request: Request) -> Response:
    with request.app.state.sessions() as session:
        who = current_user(request, session)
        if who is None:
            return login_redirect(request)
        recent = repo.recent_assessments(session, limit=25)
        repo.audit(session, who.name, "ui.recent", None, "ok")
    return page(request, "home.html", recent=recent)
