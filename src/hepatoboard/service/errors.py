"""Error responses: a bad case is a 422 naming each field; anything unexpected is a 500 with
no detail (and no case content in the log)."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from hepatoboard.contracts.errors import CaseError

log = logging.getLogger("hepatoboard.service")


def case_error_body(exc: CaseError) -> dict[str, object]:
    return {
        "message": "the case cannot be assessed; fix the fields below",
        "detail": [
            {
                "loc": p.path.replace("[", ".").replace("]", "").split(".") if p.path else [],
                "field": p.path,
                "msg": p.message,
                "type": "case_error",
            }
            for p in exc.problems
        ],
    }


def install(app: FastAPI) -> None:
    @app.exception_handler(CaseError)
    async def case_error(_request: Request, exc: CaseError) -> JSONResponse:
        return JSONResponse(status_code=422, content=case_error_body(exc))

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error: %s", type(exc).__name__)
        return JSONResponse(status_code=500, content={"message": "internal error"})
