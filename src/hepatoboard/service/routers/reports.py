"""Reports of a stored assessment: the plain-language family report (English or Vietnamese) as
HTML, and the family or clinician report as PDF (English or Vietnamese).

Authenticated by a bearer token or by the clinician pages' session.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from hepatoboard.service.deps import Principal, in_db, require
from hepatoboard.service.limits import bounded
from hepatoboard.service.models import refusals
from hepatoboard.storage import repository as repo

router = APIRouter(tags=["reports"])
# The family report is a standalone printable page with its own inline stylesheet.
CSP_REPORT = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "object-src 'none'"
)


@router.get(
    "/assessments/{assessment_id}/family",
    response_class=HTMLResponse,
    responses=refusals(401, 404, 429, 503),
)
async def family(
    request: Request,
    assessment_id: str,
    who: Annotated[Principal, Depends(require("report.family", "viewer", allow_session=True))],
    lang: Literal["en", "vi"] = "en",
) -> HTMLResponse:
    """Plain-language family report (English or Vietnamese), printable HTML."""
    row = await in_db(request, repo.get_assessment, assessment_id)
    outcome = "ok" if row else "not_found"
    await in_db(request, repo.audit, who.name, "report.family", assessment_id, outcome)
    if row is None:
        raise HTTPException(404, "no assessment with this id")
    from hepatoboard.reports.render import render_family_html

    html = await bounded(request, render_family_html, row.result_json, lang)
    return HTMLResponse(html, headers={"Content-Security-Policy": CSP_REPORT})


def _pdf_bytes(result: dict[str, Any], audience: str, lang: str) -> bytes:
    """The report as PDF bytes (WeasyPrint, offline; runs in a worker thread)."""
    import tempfile
    from pathlib import Path

    from hepatoboard.reports.render import render_clinician_html, render_family_html, render_pdf

    if audience == "family":
        html = render_family_html(result, lang)
    else:
        html = render_clinician_html(result, lang)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        render_pdf(html, path)
        return path.read_bytes()


@router.get(
    "/assessments/{assessment_id}/report.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}, **refusals(401, 404, 429, 503)},
)
async def report_pdf(
    request: Request,
    assessment_id: str,
    who: Annotated[Principal, Depends(require("report.pdf", "viewer", allow_session=True))],
    audience: Literal["family", "clinician"] = "family",
    lang: Literal["en", "vi"] = "en",
) -> Response:
    """The family or clinician (tumour-board) report of a stored assessment as a PDF, in
    English or Vietnamese."""
    row = await in_db(request, repo.get_assessment, assessment_id)
    outcome = "ok" if row else "not_found"
    await in_db(request, repo.audit, who.name, f"report.pdf.{audience}", assessment_id, outcome)
    if row is None:
        raise HTTPException(404, "no assessment with this id")
    pdf = await bounded(request, _pdf_bytes, row.result_json, audience, lang)
    name = f"{audience}-{lang}.pdf"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )
