"""Assess a case (store it, or preview without storing) and read a stored assessment.

Parsing and assessment are CPU work: they run in a worker thread within the request's time
budget, never on the event loop, so one slow request cannot stall the others (``/health``
included). No database connection is held meanwhile, and the work of a client that has gone
is dropped, never stored.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from hepatoboard.contracts.assessment import Assessment
from hepatoboard.contracts.case import Case
from hepatoboard.contracts.errors import CaseError
from hepatoboard.pipeline import assess
from hepatoboard.service.body import CASE_BODY, parse_body, read_body, read_case
from hepatoboard.service.deps import (
    Principal,
    in_db,
    kb_of,
    record,
    require,
    site_of,
    stored,
)
from hepatoboard.service.limits import ClientGone, bounded
from hepatoboard.service.models import StoredAssessmentOut, refusals
from hepatoboard.storage import repository as repo

router = APIRouter(tags=["assessments"])
AsOf = Annotated[dt.date | None, Query(description="assessment date (default: today)")]
Profile = Annotated[str | None, Query(max_length=40, description="guideline profile")]
IdemKey = Annotated[
    str | None,
    Header(max_length=200, description="retry key: same key + same request = same record"),
]


def run_assessment(request: Request, case: Case, profile: str | None, as_of: Any) -> dict[str, Any]:
    """The assessment of one case as a JSON-ready document (runs in a worker thread)."""
    return assess(
        case, profile=profile, as_of=as_of, kb=kb_of(request), site=site_of(request)
    ).to_json_dict()


def run_assessment_json(request: Request, case: Case, profile: str | None, as_of: Any) -> bytes:
    """The assessment of one case as JSON bytes, serialised by pydantic (in Rust): several
    times cheaper than a dict dumped by ``json`` (docs/benchmarks.md, service load)."""
    assessment = assess(
        case, profile=profile, as_of=as_of, kb=kb_of(request), site=site_of(request)
    )
    return assessment.model_dump_json(by_alias=True).encode()


@router.post(
    "/assessments",
    status_code=201,
    response_model=StoredAssessmentOut,
    responses={
        200: {"model": StoredAssessmentOut, "description": "replayed (same key, same request)"},
        **refusals(401, 403, 409, 413, 429, 503),
    },
    openapi_extra=CASE_BODY,
)
async def create(
    request: Request,
    who: Annotated[Principal, Depends(require("assessment.create", "clinician"))],
    profile: Profile = None,
    as_of: AsOf = None,
    idempotency_key: IdemKey = None,
) -> JSONResponse:
    """Assess a case (JSON or YAML body) and store the result. A repeated ``Idempotency-Key``
    with the same request returns the first stored record (200); with a different case,
    profile or date it is refused (409)."""
    try:
        case = await read_case(request, as_of)
        case_json = case.document()
        asked = repo.request_hash(case_json, profile, as_of)
        earlier = None
        if idempotency_key and idempotency_key.strip():
            earlier = await in_db(
                request,
                repo.find_by_key,
                who.name,
                idempotency_key,
                asked,
                repo.input_hash(case_json),
            )
        if earlier is not None:
            await in_db(request, repo.audit, who.name, "assessment.create", earlier.id, "replayed")
            return JSONResponse(stored(earlier), status_code=200)
        result = await bounded(request, run_assessment, request, case, profile, as_of)
    except (CaseError, ClientGone) as exc:
        outcome = "invalid" if isinstance(exc, CaseError) else "abandoned"
        await in_db(request, repo.audit, who.name, "assessment.create", None, outcome)
        raise
    except repo.IdempotencyConflict:
        await in_db(request, repo.audit, who.name, "assessment.create", None, "conflict")
        raise
    if await request.is_disconnected():  # the client gave up: do not store
        await in_db(request, repo.audit, who.name, "assessment.create", None, "abandoned")
        raise ClientGone()

    def save(session: Session) -> tuple[dict[str, Any], bool]:
        row, created = repo.save_assessment(
            session,
            case_json=case_json,
            result_json=result,
            author=who.name,
            idempotency_key=idempotency_key,
            asked_hash=asked,
        )
        repo.audit(session, who.name, "assessment.create", row.id, "ok" if created else "replayed")
        return stored(row), created

    body, created = await in_db(request, save)
    return JSONResponse(body, status_code=201 if created else 200)


@router.post(
    "/assessments:preview",
    response_model=Assessment,
    responses=refusals(401, 403, 413, 429, 503),
    openapi_extra=CASE_BODY,
)
async def preview(
    request: Request,
    who: Annotated[Principal, Depends(require("assessment.preview", "viewer"))],
    profile: Profile = None,
    as_of: AsOf = None,
) -> Response:
    """Assess a case without storing it."""
    try:
        body = await read_body(request)
        case_id, result = await bounded(request, _preview, request, body, profile, as_of)
    except (CaseError, ClientGone) as exc:
        outcome = "invalid" if isinstance(exc, CaseError) else "abandoned"
        await record(request, who.name, "assessment.preview", None, outcome)
        raise
    await record(request, who.name, "assessment.preview", case_id, "ok")
    return Response(result, media_type="application/json")  # already JSON: no re-encoding


def _preview(
    request: Request, body: bytes, profile: str | None, as_of: Any
) -> tuple[str | None, bytes]:
    """Parse, assess and serialise in one worker-thread call (one hand-off, not two)."""
    case = parse_body(body, as_of)
    return case.id, run_assessment_json(request, case, profile, as_of)


@router.get(
    "/assessments/{assessment_id}",
    response_model=StoredAssessmentOut,
    responses=refusals(401, 403, 404, 429, 503),
)
def read(
    request: Request,
    assessment_id: str,
    who: Annotated[Principal, Depends(require("assessment.read", "viewer"))],
) -> JSONResponse:
    """One stored assessment (immutable)."""
    with request.app.state.sessions() as session:
        row = repo.get_assessment(session, assessment_id)
        outcome = "ok" if row else "not_found"
        repo.audit(session, who.name, "assessment.read", assessment_id, outcome)
    if row is None:
        raise HTTPException(404, "no assessment with this id")
    return JSONResponse(stored(row))
