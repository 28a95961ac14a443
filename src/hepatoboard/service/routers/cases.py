"""The history of a case: its stored assessments, newest first, a page at a time (summaries
by default, whole documents with ``full=true``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from hepatoboard.service.deps import Principal, require, summary
from hepatoboard.service.models import HistoryOut, refusals
from hepatoboard.storage import repository as repo

router = APIRouter(tags=["assessments"])
MAX_PAGE = 200


@router.get(
    "/cases/{case_id}/assessments",
    response_model=HistoryOut,
    responses=refusals(401, 403, 429, 503),
)
def history(
    request: Request,
    case_id: str,
    who: Annotated[Principal, Depends(require("case.history", "viewer"))],
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="entries per page")] = 50,
    cursor: Annotated[
        str | None, Query(max_length=200, description="next_cursor of the previous page")
    ] = None,
    full: Annotated[bool, Query(description="include each whole assessment")] = False,
) -> JSONResponse:
    """Stored assessments of a case, newest first, ``limit`` per page."""
    with request.app.state.sessions() as session:
        rows, next_cursor = repo.case_history_page(
            session, case_id, limit=limit, cursor=cursor, full=full
        )
        repo.audit(session, who.name, "case.history", case_id, "ok")
    entries = [summary(r, full) for r in rows]
    return JSONResponse({"case_id": case_id, "assessments": entries, "next_cursor": next_cursor})
