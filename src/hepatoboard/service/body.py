"""Reading a case from a request body (JSON or YAML), with the same messages as the CLI.

The body is read on the event loop (bounded by :class:`hepatoboard.service.limits.BodyLimit`);
parsing and validation run in a worker thread within the request's time budget.
"""

from __future__ import annotations

import datetime as dt

from fastapi import HTTPException, Request
from starlette.requests import ClientDisconnect

from hepatoboard.contracts.case import Case
from hepatoboard.contracts.errors import CaseError, Problem
from hepatoboard.intake import parse_case, parse_document
from hepatoboard.service.limits import MAX_BODY, bounded

__all__ = ["CASE_BODY", "MAX_BODY", "parse_body", "read_body", "read_case"]

CASE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/hepatoboard-case-1"}},
            "application/yaml": {"schema": {"type": "string"}},
        },
    }
}


def parse_body(body: bytes, as_of: dt.date | None) -> Case:
    """The validated case of a request body, or :class:`CaseError` (CPU work: call it in a
    worker thread)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise CaseError([Problem("", "body is not UTF-8 text")]) from None
    if not text.strip():
        raise CaseError([Problem("", "empty body; send a hepatoboard-case/1 document")])
    return parse_case(parse_document(text), as_of=as_of)


async def read_body(request: Request) -> bytes:
    """The request body (bounded by the body limit); 400 if the client disconnects."""
    try:
        return await request.body()
    except ClientDisconnect:
        raise HTTPException(400, "client disconnected") from None


async def read_case(request: Request, as_of: dt.date | None) -> Case:
    """The validated case of the request body, or :class:`CaseError`."""
    return await bounded(request, parse_body, await read_body(request), as_of)
