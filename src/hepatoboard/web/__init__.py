"""Clinician web pages (server-rendered with Jinja2; all assets served locally).

The pages use the same intake, pipeline and storage as the API, and every read and write is
audited. Security (session cookie, CSRF, headers) is in :mod:`.security`; one router per page
group in :mod:`.pages`; the case form is generated from the case model in :mod:`.forms`.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from hepatoboard.web import render, security
from hepatoboard.web.pages import auth, cases, history, home, plan

__all__ = ["mount_ui"]


def mount_ui(app: FastAPI) -> None:
    """Add the clinician pages to the service (needs ``app.state.kb`` and ``sessions``)."""
    render.configure(app.state.kb.version)
    app.mount(
        "/static", StaticFiles(directory=str(Path(__file__).parent / "static")), name="static"
    )
    security.install(app)
    for module in (auth, home, cases, plan, history):
        app.include_router(module.router)
