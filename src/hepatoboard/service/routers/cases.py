"""The history of a case: every stored assessment of one case id, newest first."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from hepatoboard.service.deps import DbSession, Principal, require, stored
from hepatoboard.service.models import HistoryOut
from hepatoboard.storage import repository as repo

router = APIRouter(tags=["assessments"])


@router.get("/cases/{case_id}/assessments", response_model=HistoryOut)
def history(
    case_id: str,
    session: DbSession,
    who: Annotated[Principal, Depends(require("case.history", "viewer"))],
) -> JSONResponse:
    """All stored assessments of a case, newest first."""
    rows = repo.case_history(session, case_id)
    repo.audit(session, who.name, "case.history", case_id, "ok")
    return JSONResponse({"case_id": case_id, "assessments": [stored(r) for r in rows]})
