"""Staging: AJCC 8th TNM, BCLC and nodal classification, evaluated from ``staging.yaml``.

The rule tables live in the knowledge base; this module only runs them in order and turns
their results into facts (``tnm_t``, ``bclc_stage``, ...) for the planner.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hepatoboard.criteria.expr import Classification, Evaluator, FactValue, classify
from hepatoboard.knowledge.base import KnowledgeBase


@dataclass
class StagingResult:
    t: Classification
    n: Classification
    m: Classification
    stage: Classification
    bclc: Classification
    warnings: list[str] = field(default_factory=list)


def _as_fact(c: Classification) -> FactValue:
    return FactValue(c.value, tuple(sorted(c.missing)) if c.value is None else ())


def stage(facts: dict[str, FactValue], kb: KnowledgeBase) -> StagingResult:
    """Evaluate TNM and BCLC; adds the stage facts to ``facts`` in place."""
    ev = Evaluator(facts, kb.condition_exprs)
    tnm = kb.staging.tnm
    t, n, m = classify(tnm.t, ev), classify(tnm.n, ev), classify(tnm.m, ev)
    facts.update(tnm_t=_as_fact(t), tnm_n=_as_fact(n), tnm_m=_as_fact(m))
    group = classify(tnm.stage, ev)
    facts["tnm_stage"] = _as_fact(group)
    bclc = classify(kb.staging.bclc.rules, ev)
    facts["bclc_stage"] = _as_fact(bclc)
    warnings = []
    if bclc.value is not None and facts["child_pugh_class"].value == "B" and bclc.value != "D":
        warnings.append(
            f"BCLC {bclc.value} assumes Child-Pugh B liver function is preserved: "
            + kb.staging.bclc.liver_function_note
        )
    if facts["nodules"].value == 0:
        warnings.append("no viable intrahepatic tumour: AJCC T category is not assessable (TX)")
    return StagingResult(t, n, m, group, bclc, warnings)
