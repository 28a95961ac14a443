"""A small, dependency-free readability check for the family report.

Targets about a 12-year-old's reading level. English: average sentence length (words) and the
share of long words (three or more syllables, counted by vowel groups, the basis of the
Flesch-Kincaid and SMOG formulas). Vietnamese is written one syllable per space-separated token,
so word-length measures do not apply; we use sentence length in syllables.
"""

from __future__ import annotations

import re
from typing import Any

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_EN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_VOWELS = re.compile(r"[aeiouy]+")


def _syllables_en(word: str) -> int:
    w = word.lower().strip("'’-")
    if len(w) > 2 and w.endswith("e") and not w.endswith(("le", "ee")):
        w = w[:-1]
    return max(1, len(_VOWELS.findall(w)))


def sentences(text: str) -> list[str]:
    """Split prose into sentences (full stop, question or exclamation mark, or line break)."""
    return [s.strip() for s in _SENTENCE_END.split(text) if re.search(r"\w", s)]


def readability(text: str, lang: str) -> dict[str, float]:
    """Sentence length and, for English, the long-word share of ``text``.

    Returns ``{"sentences", "avg_sentence_words", "max_sentence_words", "long_word_share"}``
    (``long_word_share`` is 0.0 for Vietnamese, where it does not apply).
    """
    sents = sentences(text)
    if not sents:
        return {
            "sentences": 0,
            "avg_sentence_words": 0.0,
            "max_sentence_words": 0,
            "long_word_share": 0.0,
        }
    if lang == "en":
        words_per = [_EN_WORD.findall(s) for s in sents]
        all_words = [w for ws in words_per for w in ws]
        long = sum(1 for w in all_words if _syllables_en(w) >= 3)
        share = long / len(all_words) if all_words else 0.0
        lengths = [len(ws) for ws in words_per]
    else:
        lengths = [len(re.findall(r"\w+", s)) for s in sents]
        share = 0.0
    return {
        "sentences": len(sents),
        "avg_sentence_words": sum(lengths) / len(lengths),
        "max_sentence_words": max(lengths),
        "long_word_share": share,
    }


# Targets for a plain-language report (about 12 years of age). Drug names are excluded before
# measuring: they are proper names a family must recognise, not words to simplify.
TARGETS = {
    "en": {"avg_sentence_words": 14.0, "max_sentence_words": 25, "long_word_share": 0.15},
    "vi": {"avg_sentence_words": 20.0, "max_sentence_words": 35},
}


def prose(content: dict[str, Any]) -> str:
    """The running prose of a family content dict (what a reader reads, without proper names)."""
    s = content["summary"]
    parts: list[str] = [*content["intro"], *s["happening"], s["first"]["lead"]]
    parts += [s["first"][k] for k in ("also", "undecided", "declined")]
    if s["palliative"]:
        parts += s["palliative"]["text"]
    parts += s["expect"]["sentences"] + s["expect"]["caveat"]
    if s["expect"]["responder"]:
        parts += s["expect"]["responder"]["sentences"]
    q = s["questions"]
    parts += q["standing"] + [m["text"] for m in q["family"] + q["doctors"]] + [q["complete"]]
    d = content.get("details")
    if d:
        for card in [*d["cards"], d["palliative_card"]]:
            parts += [card["what"], card["how"], card["side_effects"]]
        parts += [m["text"] for m in d["symptom_care"]] + [r["why"] for r in d["departments"]]
        parts += d["figures"]["paragraphs"] + [g["meaning"] for g in d["glossary"]]
    parts.append(content["family_note"])
    return "\n".join(p for p in parts if p)


def check(content: dict[str, Any]) -> list[str]:
    """Problems against :data:`TARGETS` for the content's language (empty list = readable)."""
    lang = content["lang"]
    stats = readability(prose(content), lang)
    problems = []
    for key, limit in TARGETS[lang].items():
        if stats[key] > limit:
            problems.append(f"{key} = {stats[key]:.2f} > {limit}")
    return problems
