"""Language of the clinician pages: English (the msgids, written in the code, the templates, the
knowledge base and :mod:`hepatoboard.web.labels`) or Vietnamese, from the catalogue
``locale/vi/LC_MESSAGES/web.po`` beside this file, compiled in memory like the reports' catalogue
(:func:`hepatoboard.reports.i18n.compile_po`; no ``.mo`` is shipped).

The chosen language is kept in the ``hepatoboard_lang`` cookie (set by the language switch on
every page, ``POST /ui/lang``). A msgid without a translation shows in English; the test suite
fails on it (tests/test_web_i18n.py). Clinical text of the assessment (reasons, checks, outcomes)
and the validator's messages stay in English, as written in the knowledge base and the intake.
"""

from __future__ import annotations

import gettext
import re
from functools import cache
from pathlib import Path
from typing import Any

from hepatoboard.reports.i18n import LANGUAGES, N_, check_lang, compile_po

LANG_COOKIE = "hepatoboard_lang"
LANG_NAMES = {"en": "English", "vi": "Tiếng Việt"}
LOCALE_DIR = Path(__file__).parent / "locale"
HERE = Path(__file__).parent


def web_po(lang: str) -> Path:
    """Where the pages' catalogue of ``lang`` lives."""
    return LOCALE_DIR / check_lang(lang) / "LC_MESSAGES" / "web.po"


@cache
def ui_translations(lang: str) -> gettext.NullTranslations:
    """gettext translations of the pages in ``lang`` (English needs none)."""
    if check_lang(lang) == "en":
        return gettext.NullTranslations()
    return compile_po(web_po(lang), lang)


def lang_of(request: Any) -> str:
    """The page language of a request: its cookie's, else English."""
    lang = str(request.cookies.get(LANG_COOKIE) or "en")
    return lang if lang in LANGUAGES else "en"


# The validator's most common messages (hepatoboard.intake.messages, pydantic) and the form's
# own, as templates: what stands in braces is copied from the English message.
VALIDATOR_MESSAGES = (
    N_("Input should be less than or equal to {limit} (got {got})"),
    N_("Input should be greater than or equal to {limit} (got {got})"),
    N_("Input should be less than {limit} (got {got})"),
    N_("Input should be greater than {limit} (got {got})"),
    N_("Input should be a valid integer (got {got})"),
    N_("Input should be a valid number (got {got})"),
    N_("must be a date written YYYY-MM-DD (got {got})"),
    N_("must be one of {choices} (got {got})"),
    N_("required when this entry is given"),
    N_("unit {unit} is not accepted; use one of: {accepted}"),
    N_("{value} is outside physiological limits; accepted: {accepted}"),
    N_(
        "marked 'none found' but {count} row(s) are filled in; choose 'as listed below' or clear "
        "the rows"
    ),
    N_("the uploaded file {name} is empty"),
    N_("the uploaded file is not UTF-8 text"),
)


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    def pattern(template: str) -> re.Pattern[str]:
        return re.compile(re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>.+?)", re.escape(template)), re.S)

    return tuple((pattern(t), t) for t in VALIDATOR_MESSAGES)


def translate_message(message: str, lang: str) -> str:
    """A validation message in ``lang``: a known template with its values copied over, else
    the catalogue's entry for the whole message, else the message as it is (English)."""
    _ = ui_translations(lang).gettext
    for rx, template in _patterns():
        m = rx.fullmatch(message)
        if m:
            return _(template).format(**m.groupdict())
    return _(message)


def extract_web_messages() -> dict[str, list[str]]:
    """Every literal msgid of the pages' code and templates -> where it is used (Babel's Python
    extractor with ``_`` and ``N_``, Jinja2's Babel extractor for the templates)."""
    from hepatoboard.reports.i18n import extract_literals

    return extract_literals(HERE, ("*.py", "pages/*.py"))


def form_messages() -> dict[str, list[str]]:
    """The msgids the case form shows that are not literals: section titles, field labels (from
    the knowledge base or :mod:`.labels`), help texts and choice labels -> the fields showing
    them."""
    from hepatoboard.web.forms import form_sections

    found: dict[str, list[str]] = {}
    for sec in form_sections():
        found.setdefault(sec.title, []).append(sec.key)
        for w in [*sec.widgets, *(sec.rows[0] if sec.rows else [])]:
            for text in (w.label, w.help, *w.choice_labels.values()):
                if text:
                    found.setdefault(text, []).append(w.name)
    return found


def translated(lang: str) -> dict[str, str]:
    """The non-fuzzy, non-empty entries of the pages' catalogue of ``lang``."""
    from babel.messages.pofile import read_po

    with web_po(lang).open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    return {str(m.id): str(m.string) for m in catalog if m.id and m.string and not m.fuzzy}


def missing_web_translations(lang: str) -> list[str]:
    """msgids the pages use without a translation in ``lang``."""
    return sorted({*extract_web_messages(), *form_messages()} - set(translated(lang)))


if __name__ == "__main__":  # python -m hepatoboard.web.i18n vi  -> entries to translate
    import sys

    for msgid in missing_web_translations(sys.argv[1] if len(sys.argv) > 1 else "vi"):
        escaped = msgid.replace("\\", "\\\\").replace('"', '\\"')
        print(f'msgid "{escaped}"\nmsgstr ""\n')
