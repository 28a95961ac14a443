"""Error responses. A bad case, or a bad query or path parameter, is a 422 naming each field
(one shape for both); a reused idempotency key with a different request is a 409; a database
that is down or busy is a 503; anything unexpected is a 500 with no detail (and no case content
in the log). Other refusals (401, 403, 404, 413, 429) are ``{"detail": "..."}``.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from hepatoboard.contracts.errors import CaseError
from hepatoboard.service.limits import ClientGone
from hepatoboard.storage.repository import BadCursor, IdempotencyConflict

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


def _parameter_problem(err: dict[str, Any]) -> dict[str, Any]:
    loc = [str(part)[:80] for part in err.get("loc", ())]
    return {
        "loc": loc,
        "field": ".".join(loc[1:]) or ".".join(loc),
        "msg": str(err.get("msg", "invalid"))[:200],
        "type": str(err.get("type", "invalid")),
    }


def install(app: FastAPI) -> None:
    @app.exception_handler(CaseError)
    async def case_error(_request: Request, exc: CaseError) -> JSONResponse:
        return JSONResponse(status_code=422, content=case_error_body(exc))

    @app.exception_handler(RequestValidationError)
    async def bad_parameter(_request: Request, exc: RequestValidationError) -> JSONResponse:
        detail = [_parameter_problem(e) for e in list(exc.errors())[:50]]
        body = {
            "message": "the request cannot be processed; fix the parameters below",
            "detail": detail,
        }
        return JSONResponse(status_code=422, content=body)

    @app.exception_handler(BadCursor)
    async def bad_cursor(_request: Request, exc: BadCursor) -> JSONResponse:
        problem = {
            "loc": ["query", "cursor"],
            "field": "cursor",
            "msg": str(exc),
            "type": "value_error",
        }
        body = {"message": "the request cannot be processed", "detail": [problem]}
        return JSONResponse(status_code=422, content=body)

    @app.exception_handler(IdempotencyConflict)
    async def conflict(_request: Request, exc: IdempotencyConflict) -> JSONResponse:
        return JSONResponse(status_code=409, content={"detail": str(exc)})

    @app.exception_handler(ClientGone)
    async def client_gone(_request: Request, _exc: ClientGone) -> Response:
        return Response(status_code=499)  # nobody reads it: the client has gone

    @app.exception_handler(OperationalError)
    @app.exception_handler(PoolTimeout)
    async def database_down(_request: Request, exc: Exception) -> JSONResponse:
        log.warning("database unavailable: %s", type(exc).__name__)
        return JSONResponse(
            status_code=503,
            content={"detail": "the database is unavailable or busy; retry shortly"},
            headers={"Retry-After": "2"},
        )

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error: %s", type(exc).__name__)
        return JSONResponse(status_code=500, content={"message": "internal error"})
