"""Twin of :mod:`hepatoboard.facts.response`, by the exact per-case path: the imaging series
(studies, each with its target lesions) is too irregular to flatten, so every row that has one
is computed by the per-case producer itself (:func:`hepatoboard.cohort.exact.per_case`); a row
without imaging has every response fact unknown, missing ``imaging``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, cast

from hepatoboard.cohort.exact import per_case, unknown_literal
from hepatoboard.cohort.facts.registry import Twin
from hepatoboard.cohort.frame import Facts, NewFact
from hepatoboard.contracts.case import Case, ImagingStudy
from hepatoboard.criteria.evaluate import FactValue
from hepatoboard.facts.registry import Context
from hepatoboard.facts.response import PRODUCER, PRODUCES


def studies(text: str) -> list[ImagingStudy]:
    """The imaging series of a canonical row (validated by the intake before)."""
    return [ImagingStudy.model_validate(s) for s in json.loads(text)]


def derive(f: Facts) -> dict[str, NewFact]:
    base = {name: NewFact(unknown_literal(f, name), f.bit("imaging")) for name in PRODUCES}
    texts = f.df["imaging"]

    def produce(i: int, facts: Mapping[str, FactValue]) -> Mapping[str, FactValue]:
        case = Case.model_construct(format="hepatoboard-case/1", imaging=studies(texts[i]))
        return PRODUCER.derive(Context(case, f.kb, f.as_of, cast(Any, facts)))

    return per_case(f, texts.is_not_null(), produce, base, "response")


TWIN = Twin("response", derive)
