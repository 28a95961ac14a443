"""The clinician pages in English and Vietnamese: every label, help text and choice of the case
form has a proper English label (from the knowledge base or web/labels.py, never the id in
words) and a Vietnamese translation in web/locale/vi/LC_MESSAGES/web.po; every literal text of
the pages' code and templates is translated too. A new knowledge-base fact, case field or
enumeration value without its labels fails here. The browser flow is in test_browser.py."""

from __future__ import annotations

import re
import string

import pytest

from hepatoboard.knowledge.load import default_knowledge
from hepatoboard.web.forms import _kb_label, form_sections
from hepatoboard.web.i18n import (
    extract_web_messages,
    missing_web_translations,
    translated,
    ui_translations,
    web_po,
)
from hepatoboard.web.labels import FIELDS, PROFILES
from hepatoboard.web.view import humanize

VI = re.compile(r"[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]", re.I)


def _widgets():
    for sec in form_sections():
        yield from sec.widgets
        if sec.rows:
            yield from sec.rows[0]


def _not_an_id(text: str, ident: str) -> bool:
    """``text`` is not empty, nor the raw id, nor the id in words (``moderate_severe`` ->
    "moderate severe")."""
    return bool(text.strip()) and text not in (ident, humanize(ident.rsplit(".", 1)[-1]))


def test_every_form_field_and_choice_has_an_english_label():
    """From the knowledge base (a fact's description) or web/labels.py, never made from the id."""
    missing = []
    for w in _widgets():
        path = re.sub(r"\.\d+(?=\.|$)", "", w.name)
        if _kb_label(w.name, "") == "" and path not in FIELDS:
            missing.append(f"{w.name}: label")
        missing += [f"{w.name}={c}" for c in w.choices if not w.choice_labels.get(c)]
    assert not missing, "add these to web/labels.py: " + "; ".join(missing)


def test_every_form_field_and_choice_has_a_vietnamese_translation():
    vi = translated("vi")
    missing = []
    for sec in form_sections():
        if sec.title not in vi:
            missing.append(f"section {sec.key}: {sec.title!r}")
    for w in _widgets():
        texts = {"label": w.label, "help": w.help} | {
            f"={c}": t for c, t in w.choice_labels.items()
        }
        for what, text in texts.items():
            if not text:
                continue
            shown = vi.get(text, "")
            ident = what[1:] if what.startswith("=") else w.name
            if not _not_an_id(shown, ident):
                missing.append(f"{w.name} {what}: {text!r} -> {shown!r}")
    assert not missing, "translate in web.po: " + "; ".join(missing)


def test_every_option_and_profile_of_the_knowledge_base_is_labelled():
    """Choices that come from the knowledge base: a new option or profile needs its labels."""
    vi = translated("vi")
    kb = default_knowledge()
    assert not [o.name for o in kb.options.values() if not vi.get(str(o.name))]
    assert set(kb.profiles) <= set(PROFILES)
    assert all(vi.get(PROFILES[p]) for p in kb.profiles)


def test_the_pages_catalogue_is_complete():
    assert len(extract_web_messages()) > 100, "extraction is broken"
    assert missing_web_translations("vi") == []


def test_catalogue_placeholders_diacritics_and_no_binary():
    from babel.messages.pofile import read_po

    with web_po("vi").open("rb") as fh:
        catalog = [m for m in read_po(fh, locale="vi") if m.id]
    fields = string.Formatter()
    for m in catalog:
        src = {f for _, f, _, _ in fields.parse(str(m.id)) if f}
        dst = {f for _, f, _, _ in fields.parse(str(m.string)) if f}
        assert src == dst and not m.fuzzy and m.string, m.id
    # drug names and abbreviations stay as written; the rest is Vietnamese
    assert sum(bool(VI.search(str(m.string))) for m in catalog) >= len(catalog) * 0.85
    assert not list(web_po("vi").parents[2].rglob("*.mo"))


@pytest.mark.parametrize(
    ("english", "vietnamese"),
    [
        ("Ascites (Child-Pugh grading)", "Cổ trướng"),
        ("Cirrhosis present", "xơ gan"),
        ("ECOG performance status 0-4", "Thể trạng ECOG"),
        ("Varices (upper GI endoscopy)", "Giãn tĩnh mạch thực quản"),
        ("Lymph nodes (one row per involved station)", "Hạch bạch huyết"),
    ],
)
def test_clinical_terms_as_used_in_vietnamese_hospitals(english, vietnamese):
    assert vietnamese in ui_translations("vi").gettext(english)
    assert ui_translations("en").gettext(english) == english


@pytest.mark.parametrize(
    "section",
    [
        {"labs": {"inr": 35}},
        {"labs": {"inr": -1}},
        {"patient": {"age": "abc"}},
        {"performance": {"ecog": 7}},
        {"labs": {"date": "31/31/2020"}},
        {"patient": {"sex": "x"}},
        {"lymph_nodes": [{"count": 2}]},
        {"labs": {"bilirubin": {"value": 1, "unit": "g"}}},
        {"labs": {"bilirubin": {"value": 900, "unit": "mg/dL"}}},
    ],
)
def test_validator_messages_are_shown_in_vietnamese_with_their_values(section):
    """The intake's own messages (not a copy of them): the Vietnamese keeps every value and
    limit of the English message; English is shown unchanged."""
    from hepatoboard.contracts.errors import CaseError
    from hepatoboard.intake import parse_case
    from hepatoboard.web.i18n import translate_message

    with pytest.raises(CaseError) as exc:
        parse_case({"format": "hepatoboard-case/1", **section})
    for problem in exc.value.problems:
        english = problem.message
        shown = translate_message(english, "vi")
        assert translate_message(english, "en") == english
        assert shown != english and VI.search(shown), english
        assert re.findall(r"\d+(?:\.\d+)?", shown) == re.findall(r"\d+(?:\.\d+)?", english)
