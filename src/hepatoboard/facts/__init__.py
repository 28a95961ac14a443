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


def derive_facts(case: Case, kb: KnowledgeBase, as_of: dt.date) -> Facts:
    """Every case-phase fact of the catalogue for one case (staging facts are added by
    :mod:`hepatoboard.staging`, plan facts by :mod:`hepatoboard.planning`)."""
    facts = direct_facts(case, kb)
    ctx = Context(case, kb, as_of, facts)
    for producer in PRODUCERS.values():
        facts.update(producer.derive(ctx))
    return facts
