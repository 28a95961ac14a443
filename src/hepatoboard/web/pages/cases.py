"""The case form (generated from the case model) and its submission: validated by the same
intake as the CLI and the API; invalid input is shown next to its field.

The submitted case is an uploaded file, else a pasted document, else the form fields; when a
document and form fields are both given, the page says which was used. An empty upload is an
error. Parsing and assessment run in a worker thread within the request's time budget, with no
database connection held meanwhile; uploads share the API's 1 MB body limit.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from hepatoboard.contracts.errors import CaseError, Problem
from hepatoboard.intake import parse_case, parse_document
from hepatoboard.pipeline import assess
from hepatoboard.reports.i18n import N_
from hepatoboard.service.deps import audit
from hepatoboard.service.limits import bounded
from hepatoboard.storage import repository as repo
from hepatoboard.storage.models import ApiToken
from hepatoboard.web.forms import (
    document_to_values,
    form_sections,
    form_to_document,
    form_values,
    has_case_fields,
    problem_field,
    rows_left_out,
)
from hepatoboard.web.i18n import lang_of, translate_message
from hepatoboard.web.render import login_redirect, page
from hepatoboard.web.security import check_csrf, current_user
from hepatoboard.web.view import plan_context

router = APIRouter(include_in_schema=False)
EMPTY = N_(
    "the case is empty: fill in at least one field of the form, or paste or upload a case "
    "document (nothing was stored)"
)


def _who(request: Request) -> ApiToken | None:
    with request.app.state.sessions() as session:
        return current_user(request, session)


@router.get("/ui/cases/new")
def new_case(request: Request) -> Response:
    if _who(request) is None:
        return login_redirect(request)
    return page(
        request,
        "case_form.html",
        sections=form_sections(),
        values={},
        errors={},
        profiles=list(request.app.state.kb.profiles),
    )


@router.get("/ui/assessments/{assessment_id}/reassess")
def reassess(request: Request, assessment_id: str) -> Response:
    """The case form pre-filled from a stored case, to assess it again with changes."""
    with request.app.state.sessions() as session:
        who = current_user(request, session)
        if who is None:
            return login_redirect(request)
        row = repo.get_assessment(session, assessment_id)
        outcome = "ok" if row else "not_found"
        repo.audit(session, who.name, "assessment.reassess", assessment_id, outcome)
        if row is None:
            raise HTTPException(404, "no assessment with this id")
        doc, day = row.case_json, row.created_at.strftime("%d/%m/%Y")
    sections = form_sections()
    return page(
        request,
        "case_form.html",
        sections=sections,
        values=document_to_values(doc, sections),
        errors={},
        profiles=list(request.app.state.kb.profiles),
        reassess={"date": day, "left_out": rows_left_out(doc, sections)},
    )


async def _submitted_text(form: Any) -> tuple[str, str]:
    """(document text, where it came from): the upload, else the pasted text ("" if none)."""
    upload = form.get("upload")
    filename = str(getattr(upload, "filename", None) or "")
    if upload is not None and not isinstance(upload, str) and filename:
        raw = await upload.read()
        if not raw.strip():
            shown = filename if len(filename) <= 80 else filename[:77] + "..."
            raise CaseError([Problem("upload", f"the uploaded file '{shown}' is empty")])
        try:
            return raw.decode("utf-8"), "the uploaded file"
        except UnicodeDecodeError:
            raise CaseError([Problem("upload", "the uploaded file is not UTF-8 text")]) from None
    pasted = str(form.get("document") or "")
    return (pasted, "the pasted document") if pasted.strip() else ("", "")


def _case_of(form: Any, text: str, origin: str) -> tuple[Any, str | None]:
    """The validated case and, when a document and form fields were both given, a notice
    saying which was used (runs in a worker thread)."""
    if not text:
        doc = form_to_document(form, form_sections())
        case = parse_case(doc)  # errors on their fields first (an invalid id too)
        if not has_case_fields(doc):
            raise CaseError([Problem("", EMPTY)])
        return case, None
    notice = None
    try:
        ignored = has_case_fields(form_to_document(form, form_sections()))
    except CaseError:
        ignored = True
    if ignored:
        notice = f"Both {origin} and form fields were given: {origin} was used, the form ignored."
    return parse_case(parse_document(text)), notice


@router.post("/ui/assess")
async def submit(request: Request) -> Response:
    form = await request.form()
    check_csrf(request, form)
    kb = request.app.state.kb
    who = await run_in_threadpool(_who, request)
    if who is None:
        return login_redirect(request)
    text = ""
    try:
        text, origin = await _submitted_text(form)
        case, notice = await bounded(request, _case_of, form, text, origin)
        site = request.app.state.site
        result = await bounded(request, lambda: assess(case, kb=kb, site=site).to_json_dict())
    except CaseError as exc:
        await run_in_threadpool(audit, request, who.name, "assessment.create", None, "invalid")
        errors: dict[str, list[str]] = {}
        lang = lang_of(request)
        for p in exc.problems:
            shown = translate_message(p.message, lang)
            errors.setdefault(problem_field(p.path) or "_document", []).append(shown)
        return page(
            request,
            "case_form.html",
            422,
            sections=form_sections(),
            values=form_values(form),
            errors=errors,
            pasted=text,
            profiles=list(kb.profiles),
        )
    if who.role == "viewer":  # viewers may look, not store
        await run_in_threadpool(audit, request, who.name, "assessment.preview", case.id, "ok")
        return page(
            request,
            "plan.html",
            a=result,
            stored=None,
            notice=notice,
            every=False,
            **plan_context(result, case.document(), lang_of(request)),
        )

    def save() -> str:
        with request.app.state.sessions() as session:
            row, _ = repo.save_assessment(
                session,
                case_json=case.document(),
                result_json=result,
                author=who.name,
            )
            repo.audit(session, who.name, "assessment.create", row.id, "ok")
            return row.id

    row_id = await run_in_threadpool(save)
    if notice:
        request.session["notice"] = notice
    return RedirectResponse(f"/ui/assessments/{row_id}", status_code=303)
