"""Page rendering shared by the page routers (templates, language, login redirect).

Every page is rendered in the request's language (:func:`hepatoboard.web.i18n.lang_of`): the
templates call ``_`` on their text, the form's labels and choice labels, and ``_`` looks the
text up in that language's catalogue.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context

from hepatoboard.reports.grouping import STATUS_ORDER
from hepatoboard.web.forms import Widget, form_sections
from hepatoboard.web.i18n import LANG_NAMES, lang_of, ui_translations
from hepatoboard.web.labels import MODALITY_NAMES, PROFILES, STATUS_NAMES
from hepatoboard.web.security import csrf_token
from hepatoboard.web.view import form_label, humanize

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
# Where the language switch returns to after a form was posted (a POST URL cannot be reloaded).
AFTER_POST = {"/ui/assess": "/ui/cases/new", "/ui/login": "/ui/login"}


@pass_context
def _gettext(context: Context, message: str) -> str:
    """``message`` in the page's language (English when the catalogue has no entry)."""
    return ui_translations(str(context.get("lang") or "en")).gettext(message) if message else ""


def configure(kb_version: str) -> None:
    sections = form_sections()
    widgets = {w.name: w for sec in sections for w in sec.widgets}
    widgets |= {w.name: w for sec in sections for row in sec.rows for w in row}
    titles = {sec.key: sec.title for sec in sections}
    field_names = set(widgets)
    field_names |= {sec.key for sec in sections if sec.rows}  # shown on the section itself
    field_names.add("id")  # the case id field, above the sections

    @pass_context
    def choice(context: Context, widget: Widget, value: str) -> str:
        return _gettext(context, widget.choice_labels.get(value) or humanize(str(value)))

    @pass_context
    def label_of(context: Context, name: str) -> str:
        """A field of the error summary by its label on the form (in the page's language)."""
        english = (widgets[name].label if name in widgets else titles.get(name)) or ""
        return _gettext(context, english) if english else form_label(name)

    templates.env.globals.update(
        kb_version=kb_version,
        status_order=STATUS_ORDER,
        field_names=field_names,
        choice=choice,
        label_of=label_of,
        profile_names=PROFILES,
        lang_names=LANG_NAMES,
        status_names=STATUS_NAMES,
        modality_names=MODALITY_NAMES,
        _=_gettext,
    )


def here(request: Request) -> str:
    """The address the language switch returns to: this page, or the page a form came from."""
    if request.method != "GET":
        return AFTER_POST.get(request.url.path, "/ui/")
    query = f"?{request.url.query}" if request.url.query else ""
    return f"{request.url.path}{query}"


def page(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    base = {
        "csrf": csrf_token(request),
        "notice": request.session.pop("notice", None),
        "who": request.session.get("user"),
        "role": request.session.get("role"),
        "lang": lang_of(request),
        "here": here(request),
    }
    return templates.TemplateResponse(request, name, {**base, **ctx}, status_code=status)


def login_redirect(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/ui/login?next={request.url.path}", status_code=303)
