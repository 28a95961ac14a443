"""Staging: AJCC 8th TNM (:mod:`.tnm`) and BCLC (:mod:`.bclc`), evaluated from ``staging.yaml``.

Which nodes are regional, distant or extra-abdominal is data (``staging.yaml: node_stations``)
turned into facts by :mod:`hepatoboard.facts.nodes`. This package runs the rule tables in order
and turns their results into facts (``tnm_t``, ``bclc_stage``, ...) for the planner.
"""

from __future__ import annotations

from dataclasses import dataclass

from hepatoboard.criteria.evaluate import Classification, Evaluator, FactValue
from hepatoboard.knowledge.base import KnowledgeBase
from hepatoboard.staging.bclc import bclc
from hepatoboard.staging.tnm import TnmResult, tnm

__all__ = ["StagingResult", "stage"]


@dataclass(frozen=True)
class StagingResult:
    tnm: TnmResult
    bclc: Classification


def stage(facts: dict[str, FactValue], kb: KnowledgeBase) -> StagingResult:
    """Evaluate TNM, then BCLC; adds the stage facts to ``facts`` in place."""
    ev = Evaluator(facts, kb.condition_exprs)
    t = tnm(kb.staging.tnm, facts, ev)
    return StagingResult(t, bclc(kb.staging.bclc, facts, ev))
