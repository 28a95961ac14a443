"""Liver-function score facts: Child-Pugh, ALBI/mALBI and the MELD family.

Each score is computed only when every input is known; otherwise it is unknown and carries the
missing case fields (never a default "normal" value). The formulas are in
:mod:`hepatoboard.scores`, their coefficients in ``scores.yaml``.
"""

from __future__ import annotations

from hepatoboard.criteria.evaluate import Evaluator, FactValue
from hepatoboard.facts.registry import Context, Facts, Producer, combine
from hepatoboard.scores import albi, child_pugh, meld_3_0, meld_i, meld_na

PRODUCES = (
    "child_pugh_points",
    "child_pugh_class",
    "albi_score",
    "albi_grade",
    "malbi_grade",
    "meld",
    "meld_na",
    "meld_3_0",
    "liver_function_confounded",
    "child_pugh_points_measured",
    "child_pugh_class_measured",
    "albi_score_measured",
)
CONFOUNDED_BY = "liver_scores_confounded"  # the condition in conditions.yaml (checked at load)
CONFOUNDED_FACTS = ("child_pugh_points", "child_pugh_class", "albi_score", "albi_grade",
                    "malbi_grade")  # fmt: skip  # the scores that bilirubin drives


def _derive(ctx: Context) -> Facts:
    k, v = ctx.kb.scores, ctx.value
    out: Facts = {}
    (bili, alb, inr, asc, enc), miss = combine(
        [
            (v("bilirubin_mg_dl"), "labs.bilirubin"),
            (v("albumin_g_dl"), "labs.albumin"),
            (v("inr"), "labs.inr"),
            (v("ascites"), "clinical.ascites"),
            (v("encephalopathy"), "clinical.encephalopathy"),
        ]
    )
    cp = None if miss else child_pugh(k.child_pugh, bili, alb, inr, asc, enc)
    out["child_pugh_points"] = FactValue(cp.points if cp else None, miss)
    out["child_pugh_class"] = FactValue(cp.klass if cp else None, miss)

    _, miss = combine([(bili, "labs.bilirubin"), (alb, "labs.albumin")])
    al = None
    if not miss:
        q = ctx.kb.limits.quantities
        bili_umol = q["bilirubin"].from_canonical(bili, "umol/L")
        al = albi(k.albi, bili_umol, q["albumin"].from_canonical(alb, "g/L"))
    out["albi_score"] = FactValue(al.raw if al else None, miss)
    out["albi_grade"] = FactValue(al.grade if al else None, miss)
    out["malbi_grade"] = FactValue(al.malbi_grade if al else None, miss)

    (cr, dia, na, sex), _ = combine(
        [
            (v("creatinine_mg_dl"), "labs.creatinine"),
            (v("dialysis"), "clinical.dialysis_past_week"),
            (v("sodium_mmol_l"), "labs.sodium"),
            (v("sex"), "patient.sex"),
        ]
    )
    _, miss = combine(
        [
            (bili, "labs.bilirubin"),
            (inr, "labs.inr"),
            (cr, "labs.creatinine"),
            (dia, "clinical.dialysis_past_week"),
        ]
    )
    mi = None if miss else meld_i(k.meld, bili, inr, cr, dia)
    out["meld"] = FactValue(mi, miss)
    miss_na = miss + (() if na is not None else ("labs.sodium",))
    out["meld_na"] = FactValue(
        None if miss_na or mi is None else meld_na(k.meld_na, mi, na), miss_na
    )
    miss3 = miss_na + combine([(alb, "labs.albumin"), (sex, "patient.sex")])[1]
    out["meld_3_0"] = FactValue(
        None if miss3 else meld_3_0(k.meld_3_0, bili, inr, cr, na, alb, sex == "female", dia),
        miss3,
    )
    return _confounding(ctx, out)


def _confounding(ctx: Context, out: Facts) -> Facts:
    """Flag Child-Pugh and ALBI as confounded while a biliary obstruction is unresolved."""
    for name in ("child_pugh_points", "child_pugh_class", "albi_score"):
        out[f"{name}_measured"] = out[name]
    ev = Evaluator({**ctx.facts, **out}, ctx.kb.condition_exprs)
    verdict = ev(ctx.kb.conditions[CONFOUNDED_BY].when)
    out["liver_function_confounded"] = FactValue(verdict.value, tuple(sorted(verdict.missing)))
    if verdict.value is False:
        return out  # no obstruction that could raise the scores: they stand as measured
    drainage_unknown = verdict.value is None and verdict.missing == {"clinical.biliary_drained"}
    if verdict.value is not True and not drainage_unknown:
        # unknown whether an obstruction raised the bilirubin: the scores stand as measured,
        # and the options they gate wait for the answer (prerequisite in options.yaml)
        return out
    out["liver_function_confounded"] = FactValue(True)
    for name in CONFOUNDED_FACTS:
        if out[name].known:
            out[name] = FactValue(None, ("clinical.biliary_drained",))
    return out


PRODUCER = Producer("liver_scores", PRODUCES, _derive)
