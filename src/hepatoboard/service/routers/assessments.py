"""Assess a case (store it, or preview without storing) and read a stored assessment.

The assessment itself is CPU work: it runs in a worker thread, never on the event loop, so one
slow request cannot stall the others (``/health`` included).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from hepatoboard.contracts.assessment import Assessment
from hepatoboard.contracts.case import Case
from hepatoboard.contracts.errors import CaseError
from hepatoboard.pipeline import assess
from hepatoboard.service.body import CASE_BODY, read_case
from hepatoboard.service.deps import DbSession, Principal, kb_of, require, site_of, stored
from hepatoboard.service.models import CaseErrorOut, StoredAssessmentOut
from hepatoboard.storage import repository as repo

router = APIRouter(tags=["assessments"])
AsOf = Annotated[dt.date | None, Query(description="assessment date (default: today)")]
Profile = Annotated[str | None, Query(max_length=40, description="guideline profile")]
ERRORS: dict[int | str, dict[str, Any]] = {422: {"model": CaseErrorOut}}


def run_assessment(request: Request, case: Case, profile: str | None, as_of: Any) -> dict[str, Any]:
    """The assessment of one case as a JSON-ready document (runs in a worker thread)."""
    return assess(
        case, profile=profile, as_of=as_of, kb=kb_of(request), site=site_of(request)
    ).to_json_dict()


@router.post(
    "/assessments",
    status_code=201,
    response_model=StoredAssessmentOut,
    responses=ERRORS,
    openapi_extra=CASE_BODY,
)
async def create(
    request: Request,
    session: DbSession,
    who: Annotated[Principal, Depends(require("assessment.create", "clinician"))],
    profile: Profile = None,
    as_of: AsOf = None,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> JSONResponse:
    """Assess a case (JSON or YAML body) and store the result. Returns the stored record;
    a repeated ``Idempotency-Key`` returns the first stored record (200)."""
    try:
        _, case = await read_case(request, as_of)
        result = await run_in_threadpool(run_assessment, request, case, profile, as_of)
    except CaseError:
        await run_in_threadpool(repo.audit, session, who.name, "assessment.create", None, "invalid")
        raise

    def save() -> tuple[dict[str, Any], bool]:
        row, created = repo.save_assessment(
            session,
            case_json=case.model_dump(mode="json", exclude_none=True),
            result_json=result,
            author=who.name,
            idempotency_key=idempotency_key,
        )
        repo.audit(session, who.name, "assessment.create", row.id, "ok" if created else "replayed")
        return stored(row), created

    body, created = await run_in_threadpool(save)
    return JSONResponse(body, status_code=201 if created else 200)


@router.post(
    "/assessments:preview", response_model=Assessment, responses=ERRORS, openapi_extra=CASE_BODY
)
async def preview(
    request: Request,
    session: DbSession,
    who: Annotated[Principal, Depends(require("assessment.preview", "viewer"))],
    profile: Profile = None,
    as_of: AsOf = None,
) -> JSONResponse:
    """Assess a case without storing it."""
    try:
        _, case = await read_case(request, as_of)
        result = await run_in_threadpool(run_assessment, request, case, profile, as_of)
    except CaseError:
        await run_in_threadpool(
            repo.audit, session, who.name, "assessment.preview", None, "invalid"
        )
        raise
    await run_in_threadpool(repo.audit, session, who.name, "assessment.preview", case.id, "ok")
    return JSONResponse(result)  # already JSON-ready: skip FastAPI's re-encoding


@router.get("/assessments/{assessment_id}", response_model=StoredAssessmentOut)
def read(
    assessment_id: str,
    session: DbSession,
    who: Annotated[Principal, Depends(require("assessment.read", "viewer"))],
) -> JSONResponse:
    """One stored assessment (immutable)."""
    row = repo.get_assessment(session, assessment_id)
    repo.audit(session, who.name, "assessment.read", assessment_id, "ok" if row else "not_found")
    if row is None:
        raise HTTPException(404, "no assessment with this id")
    return JSONResponse(stored(row))
