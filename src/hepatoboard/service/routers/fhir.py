"""``POST /fhir/assess``: assess a FHIR R4 Bundle (the hospital record) without retyping it.

The Bundle is read with :func:`hepatoboard.fhir.to_case.bundle_to_case` (a bad Bundle is a 422
naming the resource and the element), assessed like any case, and answered with the case, the
mapping report and the assessment; ``?output=fhir`` answers the assessment as a FHIR Bundle.
Nothing is stored.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse

from hepatoboard.contracts.errors import CaseError, Problem
from hepatoboard.service.deps import Principal, in_db, kb_of, require, site_of
from hepatoboard.service.limits import RECORD_MAX_BODY, bounded
from hepatoboard.service.models import CaseErrorOut
from hepatoboard.storage import repository as repo

router = APIRouter(tags=["fhir"])
MAX_BODY = RECORD_MAX_BODY
BUNDLE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/fhir+json": {"schema": {"type": "object"}},
            "application/json": {"schema": {"type": "object"}},
        },
    }
}


def _assess(request: Request, data: Any, as_of: Any, profile: str | None, output: str) -> Any:
    from hepatoboard.fhir.to_case import bundle_to_case
    from hepatoboard.pipeline import assess

    case, report = bundle_to_case(data, as_of=as_of)
    result = assess(case, profile=profile, as_of=as_of, kb=kb_of(request), site=site_of(request))
    if output == "fhir":
        from hepatoboard.fhir.from_assessment import assessment_to_bundle

        return case, assessment_to_bundle(result)
    return case, {
        "case": case.document(),
        "mapping": report.to_json(),
        "assessment": result.to_json_dict(),
    }


@router.post("/fhir/assess", responses={422: {"model": CaseErrorOut}}, openapi_extra=BUNDLE_BODY)
async def fhir_assess(
    request: Request,
    who: Annotated[Principal, Depends(require("fhir.assess", "viewer"))],
    as_of: Annotated[dt.date | None, Query(description="assessment date")] = None,
    profile: Annotated[str | None, Query(max_length=40)] = None,
    output: Annotated[Literal["assessment", "fhir"], Query()] = "assessment",
) -> JSONResponse:
    """Assess a FHIR R4 Bundle: the case, the mapping report and the assessment (or, with
    ``output=fhir``, the assessment as a FHIR Bundle). Not stored."""
    body = await request.body()
    if len(body) > MAX_BODY:
        raise HTTPException(413, f"body larger than {MAX_BODY} bytes")
    try:
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise CaseError([Problem("", "the body is not JSON (send a FHIR Bundle)")]) from None
        case, out = await bounded(request, _assess, request, data, as_of, profile, output)
    except CaseError:
        await in_db(request, repo.audit, who.name, "fhir.assess", None, "invalid")
        raise
    await in_db(request, repo.audit, who.name, "fhir.assess", case.id, "ok")
    return JSONResponse(out, media_type="application/fhir+json" if output == "fhir" else None)
