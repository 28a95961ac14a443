"""Reading a case: document parsing (:mod:`.document`), validation against the case model with
messages that name the field (:mod:`.messages`), and contradictions and dates
(:mod:`.contradictions`). Every defect of a case is reported at once.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from hepatoboard.contracts.case import CASE_FORMAT, Case
from hepatoboard.contracts.errors import CaseError, Problem
from hepatoboard.intake.contradictions import contradictions
from hepatoboard.intake.document import check_strings, parse_document
from hepatoboard.intake.messages import problems_from
from hepatoboard.knowledge.base import KnowledgeBase

__all__ = ["check_as_of", "load_case_file", "load_case_text", "parse_case", "parse_document"]

EARLIEST_AS_OF = dt.date(1990, 1, 1)  # non-clinical sanity bound of an assessment date


def check_as_of(as_of: dt.date | None) -> dt.date:
    """The assessment date: today when not given; never after today, never absurdly early."""
    today = dt.date.today()
    if as_of is None:
        return today
    if as_of > today:
        raise CaseError([Problem("as_of", f"the assessment date {as_of} is after today ({today})")])
    if as_of < EARLIEST_AS_OF:
        raise CaseError(
            [Problem("as_of", f"the assessment date {as_of} is before {EARLIEST_AS_OF}")]
        )
    return as_of


def parse_case(
    data: Any,
    source: str | None = None,
    as_of: dt.date | None = None,
    kb: KnowledgeBase | None = None,
) -> Case:
    """Validate a parsed document into a :class:`Case`, or raise :class:`CaseError`.

    ``as_of`` is the assessment date (default today): a dated finding after it is an error.
    ``kb`` holds the contradiction rules (default: the shipped knowledge base).
    Keys must be text and no string may contain a control character.
    """
    as_of = check_as_of(as_of)
    if not isinstance(data, dict):
        got = type(data).__name__ if data is not None else "an empty document"
        raise CaseError(
            [Problem("", f"a case must be a mapping with 'format: {CASE_FORMAT}', got {got}")],
            source,
        )
    check_strings(data, source)
    try:
        case = Case.model_validate(data)
    except ValidationError as exc:
        raise CaseError(problems_from(exc), source) from None
    if kb is None:
        from hepatoboard.knowledge.load import default_knowledge

        kb = default_knowledge()
    problems = contradictions(case, as_of, kb)
    if problems:
        raise CaseError(problems, source)
    return case


def load_case_text(text: str, source: str | None = None, as_of: dt.date | None = None) -> Case:
    return parse_case(parse_document(text, source), source, as_of)


def load_case_file(path: str | Path, as_of: dt.date | None = None) -> Case:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CaseError([Problem("", f"cannot read file: {exc}")], str(path)) from None
    return load_case_text(text, str(path), as_of)
