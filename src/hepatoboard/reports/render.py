"""HTML (Jinja2) and PDF (WeasyPrint) rendering of the family and clinician reports.

Both reports are written in English or Vietnamese (:mod:`hepatoboard.reports.i18n`). The family
report has two editions: ``summary`` (the summary alone) and ``full`` (the summary, then the
details). The options are grouped by :mod:`hepatoboard.reports.grouping` (the one tumour-board
grouping).

The HTML is standalone (inline CSS, no external resources) so the same string can be served by the
web service, printed from a browser, or turned into a PDF offline.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from hepatoboard.reports.clinician import clinician_context
from hepatoboard.reports.family.content import family_content
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


def render_family_html(assessment: dict[str, Any], lang: str, edition: str = "full") -> str:
    """The family report as a complete, printable HTML page in ``lang`` ("en" or "vi").

    ``edition`` is "full" (the summary, then the details) or "summary" (the summary alone).
    """
    check_lang(lang)
    content = family_content(assessment, lang, edition)
    return _env(lang).get_template("family.html").render(c=content)


_EMPTY_PLAN: dict[str, Any] = {
    "intent": None,
    "intent_reasons": [],
    "options": [],
    "supportive": [],
    "referrals": [],
    "checks": [],
    "disagreements": [],
}


def render_clinician_html(assessment: dict[str, Any], lang: str = "en") -> str:
    """The tumour-board report in ``lang``: stage, scores, grouped plan, evidence, prognosis."""
    check_lang(lang)
    a = {**assessment, "plan": assessment.get("plan") or _EMPTY_PLAN}
    return _env(lang).get_template("clinician.html").render(a=a, k=clinician_context(a, lang))


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
