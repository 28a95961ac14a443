"""Named facts derived from a case: the vocabulary the knowledge-base rules are written in.

The catalogue of facts (name, type, phase, case field) is data: ``knowledge/data/facts.yaml``.
This package only *extracts* and *aggregates* (a value, a unit conversion, a count, a score from
its sourced formula), one concept per module; what a fact means for staging or eligibility is
written in the knowledge base. Every fact is a :class:`~hepatoboard.criteria.FactValue`; an
unknown fact carries the case fields whose absence made it unknown.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from hepatoboard.facts import (
    dates,
    diagnosis,
    hcc_scores,
    liver,
    medications,
    metastases,
    nodes,
    preferences,
    renal,
    response,
    therapy_lines,
    tumour,
)
from hepatoboard.facts.direct import direct_facts
from hepatoboard.facts.registry import Context, Facts, Producer

if TYPE_CHECKING:
    from hepatoboard.contracts.case import Case
    from hepatoboard.knowledge.base import KnowledgeBase

# In order: a producer may read the facts of the producers before it (liver reads the node
# facts to know whether a node blocks the bile duct).
PRODUCERS: dict[str, Producer] = {
    m.PRODUCER.name: m.PRODUCER
    for m in (
        diagnosis,
        tumour,
        nodes,
        metastases,
        dates,
        response,
        therapy_lines,
        preferences,
        medications,
        renal,
        liver,
        hcc_scores,
    )
}

__all__ = ["PRODUCERS", "Facts", "derive_facts"]


# The facts of the last few cases, by object: intake derives them to check contradictions and
# the assessment of the same (frozen) case object needs them again. Entries hold the case and
# knowledge base themselves, so an id is never reused while its entry lives.
_RECENT: dict[int, tuple[Case, KnowledgeBase, dt.date, Facts]] = {}
_RECENT_SIZE = 64


def derive_facts(case: Case, kb: KnowledgeBase, as_of: dt.date) -> Facts:
    """Every case-phase fact of the catalogue for one case (staging facts are added by
    :mod:`hepatoboard.staging`, plan facts by :mod:`hepatoboard.planning`). A new dict on every
    call: the caller may add to it."""
    hit = _RECENT.get(id(case))
    if hit is not None:
        seen_case, seen_kb, seen_as_of, seen = hit
        if seen_case is case and seen_kb is kb and seen_as_of == as_of:
            return dict(seen)
    facts = direct_facts(case, kb)
    ctx = Context(case, kb, as_of, facts)
    for producer in PRODUCERS.values():
        facts.update(producer.derive(ctx))
    if len(_RECENT) >= _RECENT_SIZE:
        _RECENT.clear()  # simplest bound; a miss only costs one derivation
    _RECENT[id(case)] = (case, kb, as_of, dict(facts))
    return facts
