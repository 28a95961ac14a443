"""Liveness: no authentication, no patient data."""

from __future__ import annotations

from fastapi import APIRouter, Request

from hepatoboard.service.models import Health

router = APIRouter(tags=["service"])


@router.get("/health", response_model=Health)
def health(request: Request) -> Health:
    """Liveness and the knowledge-base version (no authentication, no patient data)."""
    return Health(status="ok", knowledge_base=request.app.state.kb.version)
