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


class HistoryOut(BaseModel):
    case_id: str
    assessments: list[StoredAssessmentOut]


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


class ProblemOut(BaseModel):
    loc: list[str]
    field: str
    msg: str
    type: str


class CaseErrorOut(BaseModel):
    """422: the case cannot be assessed; one entry per problem, naming the field."""

    message: str
    detail: list[ProblemOut]
