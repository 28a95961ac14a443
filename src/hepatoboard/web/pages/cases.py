"""The case form (generated from the case model) and its submission: validated by the same
intake as the CLI and the API; invalid input is shown next to its field."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from hepatoboard.contracts.errors import CaseError
from hepatoboard.intake import parse_case, parse_document
from hepatoboard.pipeline import assess
from hepatoboard.reports.grouping import group_options
from hepatoboard.storage import repository as repo
from hepatoboard.web.forms import form_sections, form_to_document, problem_field
from hepatoboard.web.render import login_redirect, page
from hepatoboard.web.security import check_csrf, current_user

router = APIRouter(include_in_schema=False)


@router.get("/ui/cases/new")
def new_case(request: Request) -> Response:
    with request.app.state.sessions() as session:
        if current_user(request, session) is None:
            return login_redirect(request)
    return page(
        request, "case_form.html", sections=form_sections(), values={}, errors={},
        profiles=list(request.app.state.kb.profiles),
    )  # fmt: skip


async def _document(form: Any) -> tuple[Any, str]:
    """The submitted case: an uploaded or pasted document, else the form fields."""
    pasted = str(form.get("document") or "")
    upload = form.get("upload")
    if upload is not None and hasattr(upload, "read"):
        content = (await upload.read()).decode("utf-8", errors="replace")
        pasted = content if content.strip() else pasted
    data = parse_document(pasted) if pasted.strip() else form_to_document(form, form_sections())
    return data, pasted


@router.post("/ui/assess")
async def submit(request: Request) -> Response:
    form = await request.form()
    check_csrf(request, form)
    kb = request.app.state.kb
    with request.app.state.sessions() as session:
        who = current_user(request, session)
        if who is None:
            return login_redirect(request)
        session.commit()
        pasted = ""
        try:
            data, pasted = await _document(form)
            case = parse_case(data)
            site = request.app.state.site
            result = await run_in_threadpool(lambda: assess(case, kb=kb, site=site).to_json_dict())
        except CaseError as exc:
            repo.audit(session, who.name, "assessment.create", None, "invalid")
            errors: dict[str, list[str]] = {}
            for p in exc.problems:
                errors.setdefault(problem_field(p.path) or "_document", []).append(p.message)
            return page(
                request, "case_form.html", 422, sections=form_sections(),
                values=dict(form.multi_items()), errors=errors, pasted=pasted,
                profiles=list(kb.profiles),
            )  # fmt: skip
        if who.role == "viewer":  # viewers may look, not store
            repo.audit(session, who.name, "assessment.preview", case.id, "ok")
            return page(request, "plan.html", a=result, stored=None, **plan_groups(result))
        row, _ = repo.save_assessment(
            session,
            case_json=case.model_dump(mode="json", exclude_none=True),
            result_json=result,
            author=who.name,
        )
        repo.audit(session, who.name, "assessment.create", row.id, "ok")
    return RedirectResponse(f"/ui/assessments/{row.id}", status_code=303)


def plan_groups(a: dict[str, Any]) -> dict[str, Any]:
    """The plan page's sections, from the one tumour-board grouping."""
    g = group_options(a["plan"]["options"])
    return {
        "first_choice": g.first_choice,
        "alternatives": g.alternatives,
        "local": g.local,
        "supportive_options": g.supportive,
        "undetermined": g.undetermined,
        "not_eligible": g.not_eligible,
    }
