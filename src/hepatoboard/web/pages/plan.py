"""The plan page of a stored assessment, and its survival chart (drawn from the stored
prognosis)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from hepatoboard.storage import repository as repo
from hepatoboard.web.i18n import lang_of
from hepatoboard.web.render import login_redirect, page
from hepatoboard.web.security import current_user
from hepatoboard.web.view import plan_context as plan_view

router = APIRouter(include_in_schema=False)


@router.get("/ui/assessments/{assessment_id}")
def plan_page(request: Request, assessment_id: str) -> Response:
    with request.app.state.sessions() as session:
        who = current_user(request, session)
        if who is None:
            return login_redirect(request)
        row = repo.get_assessment(session, assessment_id)
        repo.audit(
            session, who.name, "assessment.read", assessment_id, "ok" if row else "not_found"
        )
        if row is None:
            raise HTTPException(404, "no assessment with this id")
    a = row.result_json
    every = request.query_params.get("curves") == "all"
    return page(
        request,
        "plan.html",
        a=a,
        stored=row,
        every=every,
        **plan_view(a, row.case_json, lang_of(request)),
    )


@router.get("/ui/assessments/{assessment_id}/chart.svg")
def chart(
    request: Request, assessment_id: str, curves: str = "default", legend: str = "right"
) -> Response:
    with request.app.state.sessions() as session:
        who = current_user(request, session)
        if who is None:
            raise HTTPException(401, "log in first")
        row = repo.get_assessment(session, assessment_id)
        repo.audit(
            session, who.name, "assessment.chart", assessment_id, "ok" if row else "not_found"
        )
        if row is None:
            raise HTTPException(404, "no assessment with this id")
    from hepatoboard.web.chart import chart_svg

    svg = chart_svg(
        row.result_json, every=curves == "all", legend="below" if legend == "below" else "right"
    )
    return Response(svg, media_type="image/svg+xml")
