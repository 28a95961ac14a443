"""Page rendering shared by the page routers (templates, login redirect)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from hepatoboard.reports.grouping import STATUS_ORDER
from hepatoboard.web.forms import form_sections
from hepatoboard.web.security import csrf_token
from hepatoboard.web.view import form_label, humanize

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))


def configure(kb_version: str) -> None:
    sections = form_sections()
    field_names = {w.name for sec in sections for w in sec.widgets}
    field_names |= {w.name for sec in sections for row in sec.rows for w in row}
    field_names |= {sec.key for sec in sections if sec.rows}  # shown on the section itself
    field_names.add("id")  # the case id field, above the sections
    templates.env.globals.update(
        kb_version=kb_version,
        status_order=STATUS_ORDER,
        field_names=field_names,
        choice=lambda widget, value: humanize(str(value)),
        label_of=form_label,
    )


def page(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    base = {
        "csrf": csrf_token(request),
        "notice": request.session.pop("notice", None),
        "who": request.session.get("user"),
        "role": request.session.get("role"),
    }
    return templates.TemplateResponse(request, name, {**base, **ctx}, status_code=status)


def login_redirect(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/ui/login?next={request.url.path}", status_code=303)
