"""Reports: the tumour-board grouping (:mod:`.grouping`), the terminal report (:mod:`.text`),
the clinician and family reports as HTML or PDF (:mod:`.render`), and the translation
catalogue (:mod:`.i18n`)."""

from __future__ import annotations

from typing import Any

__all__ = ["render_clinician_html", "render_family_html", "render_pdf"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from hepatoboard.reports import render

        return getattr(render, name)
    raise AttributeError(name)
