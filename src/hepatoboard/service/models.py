"""Response bodies of the HTTP API (documented in ``/openapi.json``)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from hepatoboard.contracts.assessment import Assessment


class Health(BaseModel):
    status: str
    knowledge_base: str


class StoredAssessmentOut(BaseModel):
    """A stored (immutable) assessment with its provenance."""

    id: str
    case_id: str | None
    created_at: str
    author: str
    kb_version: str
    profile: str
    input_hash: str
    assessment: Assessment


class SummaryOut(BaseModel):
    """The headline of a stored assessment (the full document: ``?full=true``)."""

    bclc_stage: str | None
    tnm_stage: str | None
    child_pugh_class: str | None
    intent: str | None


class HistoryEntryOut(BaseModel):
    id: str
    case_id: str | None
    created_at: str
    author: str
    kb_version: str
    profile: str
    input_hash: str
    summary: SummaryOut
    assessment: Assessment | None = None


class HistoryOut(BaseModel):
    """One page of a case's stored assessments, newest first; ``next_cursor`` fetches the next
    page (null on the last one)."""

    case_id: str
    assessments: list[HistoryEntryOut]
    next_cursor: str | None


class OptionSummary(BaseModel):
    id: str
    name: str
    modality: str
    systemic: bool
    evidence: list[str]


class KnowledgeOut(BaseModel):
    version: str
    profiles: dict[str, dict[str, Any]]
    sources: list[dict[str, Any]]
    options: list[OptionSummary]


class AuditEventOut(BaseModel):
    at: str
    actor: str
    action: str
    target: str | None
    outcome: str


class AuditOut(BaseModel):
    events: list[AuditEventOut]


class TokenOut(BaseModel):
    name: str
    role: str
    status: str  # active | expired | revoked
    created_at: str
    expires_at: str | None
    revoked_at: str | None


class TokenListOut(BaseModel):
    tokens: list[TokenOut]


class NewTokenOut(TokenOut):
    """The new token: ``token`` is shown this once (only its hash is stored)."""

    token: str


class ErrorOut(BaseModel):
    """A refusal: 401, 403, 404, 409, 413, 429 or 503."""

    detail: str


class ProblemOut(BaseModel):
    loc: list[str]
    field: str
    msg: str
    type: str


class CaseErrorOut(BaseModel):
    """422: the case (or a parameter) cannot be accepted; one entry per problem, naming the
    field."""

    message: str
    detail: list[ProblemOut]


def refusals(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the refusals an endpoint can answer."""
    words = {
        401: "no valid token",
        403: "role too low",
        404: "not found",
        409: "idempotency key reused for a different request",
        413: "body too large",
        429: "too many refused requests from this client",
        503: "database unavailable or request over its time budget",
    }
    out: dict[int | str, dict[str, Any]] = {
        c: {"model": ErrorOut, "description": words[c]} for c in codes
    }
    out[422] = {"model": CaseErrorOut, "description": "invalid case or parameter"}
    return out
