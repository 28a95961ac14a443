"""The knowledge base in use: version, profiles, sources and options."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from hepatoboard.service.deps import Principal, audit, kb_of, require
from hepatoboard.service.models import KnowledgeOut, OptionSummary, refusals

router = APIRouter(tags=["knowledge"])


@router.get("/knowledge", response_model=KnowledgeOut, responses=refusals(401, 429, 503))
def knowledge_view(
    request: Request,
    who: Annotated[Principal, Depends(require("knowledge.read", "viewer"))],
) -> KnowledgeOut:
    """Knowledge-base version, sources, options and profiles."""
    kb = kb_of(request)
    audit(request, who.name, "knowledge.read", None, "ok")
    return KnowledgeOut(
        version=kb.version,
        profiles={k: v.model_dump() for k, v in kb.profiles.items()},
        sources=[s.model_dump() for s in kb.sources.values()],
        options=[
            OptionSummary(
                id=o.id, name=o.name, modality=o.modality, systemic=o.systemic, evidence=o.evidence
            )
            for o in kb.options.values()
        ],
    )
