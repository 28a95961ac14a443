"""Reading a case from a request body (JSON or YAML), with the same messages as the CLI."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import HTTPException, Request
from starlette.requests import ClientDisconnect

from hepatoboard.contracts.case import Case
from hepatoboard.contracts.errors import CaseError, Problem
from hepatoboard.intake import parse_case, parse_document

MAX_BODY = 1_000_000  # bytes; a case is a few kB (non-clinical request limit)

CASE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/hepatoboard-case-1"}},
            "application/yaml": {"schema": {"type": "string"}},
        },
    }
}


async def read_case(request: Request, as_of: dt.date | None) -> tuple[Any, Case]:
    """The parsed document and the validated case, or :class:`CaseError`."""
    try:
        body = await request.body()
    except ClientDisconnect:
        raise HTTPException(400, "client disconnected") from None
    if len(body) > MAX_BODY:
        raise CaseError([Problem("", f"body larger than {MAX_BODY} bytes")])
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise CaseError([Problem("", "body is not UTF-8 text")]) from None
    if not text.strip():
        raise CaseError([Problem("", "empty body; send a hepatoboard-case/1 document")])
    data = parse_document(text)
    return data, parse_case(data, as_of=as_of)
