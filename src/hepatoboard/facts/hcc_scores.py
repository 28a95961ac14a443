"""HCC prognostic scores as facts: the point scores of ``scores.yaml: point_scores`` (CLIP,
Okuda, LCSGJ stage, JIS, HAP, mHAP-II, ALBI-TAE, CRAFITY; :mod:`hepatoboard.scores.point_score`)
and the tumour burden score. Each fact is unknown, with the missing fields, when an input is."""

from __future__ import annotations

from hepatoboard.criteria.evaluate import Evaluator, FactValue
from hepatoboard.facts.registry import Context, Facts, Producer, combine
from hepatoboard.scores.point_score import PointResult, point_score
from hepatoboard.scores.tumour_burden import tumour_burden_score

POINTS_ONLY = ("clip", "lcsgj_stage", "jis")  # scores reported without a group
PRODUCES = (
    "clip_points", "okuda_points", "okuda_stage", "lcsgj_stage_points", "jis_points",
    "hap_points", "hap_group", "mhap2_points", "mhap2_group", "albi_tae_points",
    "albi_tae_group", "crafity_points", "crafity_group", "tumour_burden_score",
)  # fmt: skip  # fact names, several a line
GROUP_FACT = {"okuda": "okuda_stage"}  # the group of Okuda is its stage


def _derive(ctx: Context) -> Facts:
    ev = Evaluator(ctx.facts, ctx.kb.condition_exprs)
    results: dict[str, PointResult] = {}
    out: Facts = {}
    for name, score in ctx.kb.scores.point_scores.items():
        res = point_score(score, ev, results)
        results[name] = res
        miss = tuple(sorted(res.missing))
        out[f"{name}_points"] = FactValue(res.points, miss)
        if name not in POINTS_ONLY:
            out[GROUP_FACT.get(name, f"{name}_group")] = FactValue(res.group, miss)
    (largest, nodules), miss = combine(
        [(ctx.value("largest_cm"), "tumor.largest_cm"), (ctx.value("nodules"), "tumor.nodules")]
    )
    tbs = None if miss else tumour_burden_score(ctx.kb.scores.tumour_burden, largest, nodules)
    out["tumour_burden_score"] = FactValue(tbs, miss)
    return out


PRODUCER = Producer("hcc_scores", PRODUCES, _derive)
