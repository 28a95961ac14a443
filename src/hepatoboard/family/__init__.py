"""Reports for people, not programs: the family report (English/Vietnamese, plain language) and
the clinician's tumour-board report, as standalone HTML and PDF.

Public API::

    family_content(assessment, lang) -> dict
    render_family_html(assessment, lang) -> str
    render_clinician_html(assessment) -> str
    render_pdf(html, path) -> None
"""

from hepatoboard.family.content import family_content
from hepatoboard.family.i18n import LANGUAGES
from hepatoboard.family.readability import readability
from hepatoboard.family.render import render_clinician_html, render_family_html, render_pdf

__all__ = [
    "LANGUAGES",
    "family_content",
    "readability",
    "render_clinician_html",
    "render_family_html",
    "render_pdf",
]
