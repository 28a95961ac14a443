"""AJCC 8th edition TNM for hepatocellular carcinoma, run from ``staging.yaml`` (``tnm:``).

Reference: AJCC Cancer Staging Manual, 8th ed., 2017, liver chapter
(``ajcc8``). Regional nodes (N1) are the hilar, hepatoduodenal-ligament, hepatic-artery,
portal-vein and caval stations (SEER EOD list; ``staging.yaml: node_stations``); any other
involved node is distant (M1).

Rule tables: T, N and M are first-match tables over case facts; the stage group is a table over
T, N and M. An unknown earlier row leaves the category unknown with its missing fields.

Known gaps: T needs microvascular invasion (a pathological finding) to separate T1b from T2
for a solitary tumour > 2 cm; ``tumor.nodules: 0`` (no viable tumour) gives no T (TX).
"""

from __future__ import annotations

from dataclasses import dataclass

from hepatoboard.criteria.evaluate import Classification, Evaluator, FactValue, classify
from hepatoboard.knowledge.schema import Tnm


@dataclass(frozen=True)
class TnmResult:
    t: Classification
    n: Classification
    m: Classification
    stage: Classification


def as_fact(c: Classification) -> FactValue:
    return FactValue(c.value, tuple(sorted(c.missing)) if c.value is None else ())


def tnm(rules: Tnm, facts: dict[str, FactValue], ev: Evaluator) -> TnmResult:
    """Classify T, N, M, then the stage group; adds ``tnm_*`` facts to ``facts``."""
    t, n, m = classify(rules.t, ev), classify(rules.n, ev), classify(rules.m, ev)
    facts.update(tnm_t=as_fact(t), tnm_n=as_fact(n), tnm_m=as_fact(m))
    group = classify(rules.stage, ev)
    facts["tnm_stage"] = as_fact(group)
    return TnmResult(t, n, m, group)
