"""HTML (Jinja2) and PDF (WeasyPrint) rendering of the family and clinician reports.

The options are grouped by :mod:`hepatoboard.reports.grouping` (the one tumour-board grouping).

The HTML is standalone (inline CSS, no external resources) so the same string can be served by the
web service, printed from a browser, or turned into a PDF offline.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from hepatoboard.reports.family.content import family_content
from hepatoboard.reports.grouping import group_options
from hepatoboard.reports.i18n import check_lang, translations

TEMPLATES = Path(__file__).parent / "templates"


@cache
def _env(lang: str) -> jinja2.Environment:
    """One environment per language, with gettext installed through Jinja2's i18n extension."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    return env


def render_family_html(assessment: dict[str, Any], lang: str) -> str:
    """The family report as a complete, printable HTML page in ``lang`` ("en" or "vi")."""
    check_lang(lang)
    content = family_content(assessment, lang)
    return _env(lang).get_template("family.html").render(c=content)


def render_clinician_html(assessment: dict[str, Any]) -> str:
    """The tumour-board report (English): stage, scores, grouped plan, evidence and prognosis."""
    plan = assessment.get("plan") or {
        "intent": None,
        "intent_reasons": [],
        "options": [],
        "supportive": [],
        "referrals": [],
        "checks": [],
        "disagreements": [],
    }
    a = {**assessment, "plan": plan}
    names = {o["id"]: o.get("name", o["id"]) for o in plan.get("options") or []}
    return (
        _env("en")
        .get_template("clinician.html")
        .render(a=a, groups=_groups(plan.get("options") or []), names=names)
    )


def _groups(options: list[dict[str, Any]]) -> list[tuple[str, list[Any]]]:
    g = group_options(options)
    return [(heading, opts) for _key, heading, opts in g.sections()]


def _no_network(url: str, timeout: int = 10, ssl_context: Any = None) -> dict[str, Any]:
    """WeasyPrint URL fetcher that refuses everything but inline data: the reports are offline."""
    if url.startswith("data:"):
        from weasyprint.urls import default_url_fetcher

        return default_url_fetcher(url, timeout=timeout, ssl_context=ssl_context)
    raise ValueError(f"reports load no external resources (refused {url})")


def render_pdf(html: str, path: str | Path) -> None:
    """Write ``html`` as a PDF to ``path``. WeasyPrint is imported lazily: it needs Pango."""
    from weasyprint import HTML

    HTML(string=html, url_fetcher=_no_network).write_pdf(str(path))
