"""Translation catalogue for the reports.

Translations live in ``locale/<lang>/LC_MESSAGES/messages.po`` (text, reviewed by people). We
compile them in memory at run time instead of committing ``.mo`` binaries, so the reviewed text is
the only source of truth and there is no stale binary to forget. No machine translation is ever
used: a msgid without a translation falls back to English, and the test suite fails on it.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
from functools import cache
from pathlib import Path

LANGUAGES: tuple[str, ...] = ("en", "vi")
"""Languages the reports are written in. English is the source language of the msgids."""

LOCALE_DIR = Path(__file__).parent / "locale"


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet (module-level tables)."""
    return message


def check_lang(lang: str) -> str:
    """Return ``lang`` if supported; otherwise raise ValueError naming the accepted languages."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; accepted: {', '.join(LANGUAGES)}")
    return lang


def po_path(lang: str) -> Path:
    """Where the catalogue of ``lang`` lives."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """A gettext translations object for ``lang``, built from the ``.po`` file in memory.

    English needs no catalogue (msgids are English). Fuzzy entries are skipped, as gettext does,
    so an unreviewed translation never reaches a family.
    """
    check_lang(lang)
    if lang == "en":
        return gettext.NullTranslations()
    return compile_po(po_path(lang), lang)


def compile_po(path: Path, lang: str) -> gettext.GNUTranslations:
    """The ``.po`` file at ``path`` compiled in memory (fuzzy entries skipped); shared with the
    clinician pages' catalogue (:mod:`hepatoboard.web.i18n`)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with path.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def format_number(value: float, lang: str) -> str:
    """A figure in the reader's convention (Vietnamese uses a decimal comma: 13,2)."""
    from babel.numbers import format_decimal

    return format_decimal(round(value, 1), format="#,##0.#", locale=check_lang(lang))


DATE_FORMATS = {"en": "d MMMM y", "vi": "dd/MM/yyyy"}
"""How each language writes a date: "25 November 2026" in English, 25/11/2026 in Vietnamese."""


def format_date(value: str | dt.date | None, lang: str) -> str:
    """An ISO date (as stored in the assessment document) in the reader's convention."""
    if value is None:
        return ""
    from babel.dates import format_date as babel_format_date

    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
    return babel_format_date(day, DATE_FORMATS[check_lang(lang)], locale=lang)


def extract_messages() -> dict[str, list[str]]:
    """Every msgid used by the family report code and templates -> where it is used.

    Uses Babel's Python extractor (keywords ``_`` and ``N_``) and Jinja2's Babel extractor for the
    templates, so the catalogue can be checked for completeness (tests) and updated by hand.
    """
    return extract_literals(Path(__file__).parent, ("*.py", "family/*.py"))


def extract_literals(root: Path, python: tuple[str, ...]) -> dict[str, list[str]]:
    """Every literal msgid of the Python files matching ``python`` (globs under ``root``) and of
    the templates in ``root/templates`` -> where it is used (``path:line`` relative to ``root``).
    The family report and the clinician pages share it (:mod:`hepatoboard.web.i18n`)."""
    from babel.messages.extract import extract
    from jinja2.ext import babel_extract

    found: dict[str, list[str]] = {}
    keywords = {"_": None, "N_": None, "gettext": None}
    for py in sorted(p for pattern in python for p in root.glob(pattern)):
        with py.open("rb") as fh:
            for lineno, msg, _comments, _ctx in extract("python", fh, keywords=keywords):
                if isinstance(msg, str):
                    found.setdefault(msg, []).append(f"{py.relative_to(root)}:{lineno}")
    for tpl in sorted((root / "templates").glob("*.html")):
        with tpl.open("rb") as fh:
            for lineno, _func, tmsg, _comments in babel_extract(fh, tuple(keywords), [], {}):
                if isinstance(tmsg, str):
                    found.setdefault(tmsg, []).append(f"templates/{tpl.name}:{lineno}")
    return found


def missing_translations(lang: str) -> list[str]:
    """msgids used in code/templates without a (non-fuzzy, non-empty) translation in ``lang``."""
    from babel.messages.pofile import read_po

    with po_path(check_lang(lang)).open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    done = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    return sorted(set(extract_messages()) - done)


if __name__ == "__main__":  # python -m hepatoboard.reports.i18n vi  -> entries to translate
    import sys

    for msgid in missing_translations(sys.argv[1] if len(sys.argv) > 1 else "vi"):
        escaped = msgid.replace("\\", "\\\\").replace('"', '\\"')
        print(f'msgid "{escaped}"\nmsgstr ""\n')
