"""The start page: the case list (the newest assessment of each case), with a search on the
case id and filters by BCLC stage and by the date the assessment was stored."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import Response

from hepatoboard.storage import repository as repo
from hepatoboard.web.forms import parse_date
from hepatoboard.web.i18n import lang_of, ui_translations
from hepatoboard.web.render import login_redirect, page
from hepatoboard.web.security import current_user

router = APIRouter(include_in_schema=False)
SHOWN = 200  # cases on the page
STAGES = ("0", "A", "B", "C", "D", "unknown")


def _day(text: str) -> dt.datetime | None:
    day = parse_date(text)
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC) if day else None


@router.get("/ui/")
def home(
    request: Request, q: str = "", stage: str = "", since: str = "", until: str = ""
) -> Response:
    _ = ui_translations(lang_of(request)).gettext
    errors = [
        _("'{text}' is not a date (dd/mm/yyyy)").format(text=t)
        for t in (since, until)
        if t and not parse_date(t)
    ]
    start, end = _day(since), _day(until)
    with request.app.state.sessions() as session:
        who = current_user(request, session)
        if who is None:
            return login_redirect(request)
        rows = repo.latest_per_case(
            session,
            search=q.strip()[:200] or None,
            since=start,
            until=end + dt.timedelta(days=1) if end else None,
            limit=SHOWN,
        )
        repo.audit(session, who.name, "ui.cases", None, "ok")
    if stage in STAGES:
        rows = [
            r for r in rows if (r.result_json["staging"]["bclc"]["stage"] or "unknown") == stage
        ]
    filters = {"q": q, "stage": stage, "since": since, "until": until}
    return page(
        request, "home.html", rows=rows, filters=filters, stages=STAGES, errors=errors, shown=SHOWN
    )
