"""TNM and BCLC over a cohort: the rule tables of ``staging.yaml``, compiled
(:func:`hepatoboard.criteria.polars.classify`), in the order of :mod:`hepatoboard.staging`."""

from __future__ import annotations

from collections.abc import Sequence

from hepatoboard.cohort.frame import Facts, NewFact
from hepatoboard.criteria.expr import Rule
from hepatoboard.criteria.polars import CompiledClassification, classify


def run_table(f: Facts, fact: str, rules: Sequence[Rule]) -> CompiledClassification:
    """Classify with ``rules`` and add the result as the fact ``fact``."""
    comp = f.compiler()
    out = classify(rules, [comp(r.when) for r in rules])
    f.add({fact: NewFact(out.value, out.mask), f"#{fact}.rule": NewFact(out.rule, nullable=False)})
    col = f.columns[fact]
    return CompiledClassification(col.value, f.columns[f"#{fact}.rule"].value, col.mask)


def stage(f: Facts) -> dict[str, CompiledClassification]:
    """T, N, M, the stage group and BCLC; adds ``tnm_*`` and ``bclc_stage`` to ``f``."""
    tnm = f.kb.staging.tnm
    out = {
        "t": run_table(f, "tnm_t", tnm.t),
        "n": run_table(f, "tnm_n", tnm.n),
        "m": run_table(f, "tnm_m", tnm.m),
    }
    out["stage"] = run_table(f, "tnm_stage", tnm.stage)
    out["bclc"] = run_table(f, "bclc_stage", f.kb.staging.bclc.rules)
    return out
