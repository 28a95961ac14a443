"""Twin of :mod:`hepatoboard.facts.liver`: Child-Pugh, ALBI/mALBI and the MELD family, and the
flag that unresolved biliary obstruction confounds Child-Pugh and ALBI (the knowledge base's
condition ``liver_scores_confounded``, compiled)."""

from __future__ import annotations

import polars as pl

from hepatoboard.cohort import scores
from hepatoboard.cohort.exact import divide, python_round, rounded
from hepatoboard.cohort.facts.registry import Twin
from hepatoboard.cohort.frame import Facts, NewFact
from hepatoboard.criteria.polars import Mask, union
from hepatoboard.facts.liver import CONFOUNDED_BY, CONFOUNDED_FACTS, PRODUCES

PATHS = {
    "bilirubin_mg_dl": "labs.bilirubin",
    "albumin_g_dl": "labs.albumin",
    "inr": "labs.inr",
    "ascites": "clinical.ascites",
    "encephalopathy": "clinical.encephalopathy",
    "creatinine_mg_dl": "labs.creatinine",
    "dialysis": "clinical.dialysis_past_week",
    "sodium_mmol_l": "labs.sodium",
    "sex": "patient.sex",
}


def _miss(f: Facts, names: tuple[str, ...]) -> Mask:
    return union(f.bit(PATHS[n]).where(f.null(n)) for n in names)


def _from_canonical(f: Facts, fact: str, quantity: str, unit: str) -> pl.Series:
    q = f.kb.limits.quantities[quantity]
    raw = f.df.select(divide(f.value(fact), q.units[unit])).to_series()
    return rounded(raw, q.decimals, python_round)


def _scores(f: Facts) -> dict[str, NewFact]:
    k, v = f.kb.scores, f.value
    cp_in = ("bilirubin_mg_dl", "albumin_g_dl", "inr", "ascites", "encephalopathy")
    points, klass = scores.child_pugh(k.child_pugh, *(v(n) for n in cp_in))
    cp_miss = _miss(f, cp_in)
    bili_umol = _from_canonical(f, "bilirubin_mg_dl", "bilirubin", "umol/L")
    alb_gl = _from_canonical(f, "albumin_g_dl", "albumin", "g/L")
    raw, grade, malbi = scores.albi(k.albi, f.df, bili_umol, alb_gl)
    albi_miss = _miss(f, ("bilirubin_mg_dl", "albumin_g_dl"))
    bili, inr, cr, dia = (v(n) for n in ("bilirubin_mg_dl", "inr", "creatinine_mg_dl", "dialysis"))
    mi = scores.meld_i(k.meld, f.df, bili, inr, cr, dia)
    mna = scores.meld_na(k.meld_na, f.df, mi, v("sodium_mmol_l"))
    female = v("sex") == "female"
    m3 = scores.meld_3_0(
        k.meld_3_0, f.df, (bili, inr, cr, v("sodium_mmol_l"), v("albumin_g_dl"), female, dia)
    )
    f.df = f.df.with_columns(raw, mi.alias("#meld"), mna.alias("#meld_na"), m3.alias("#meld3"))
    meld_in = ("bilirubin_mg_dl", "inr", "creatinine_mg_dl", "dialysis")
    na_in = (*meld_in, "sodium_mmol_l")
    return {
        "child_pugh_points": NewFact(points, cp_miss),
        "child_pugh_class": NewFact(klass, cp_miss),
        "albi_score": NewFact(pl.col("#albi"), albi_miss),
        "albi_grade": NewFact(grade, albi_miss),
        "malbi_grade": NewFact(malbi, albi_miss),
        "meld": NewFact(pl.col("#meld"), _miss(f, meld_in)),
        "meld_na": NewFact(pl.col("#meld_na"), _miss(f, na_in)),
        "meld_3_0": NewFact(pl.col("#meld3"), _miss(f, (*na_in, "albumin_g_dl", "sex"))),
    }


def derive(f: Facts) -> dict[str, NewFact]:
    f.add({f"#{name}": nf for name, nf in _scores(f).items()})
    measured = {name: f.columns[f"#{name}"] for name in PRODUCES if f"#{name}" in f.columns}
    verdict = f.compiler()(f.kb.conditions[CONFOUNDED_BY].when)
    drained = f.bit("clinical.biliary_drained")
    drainage_unknown = verdict.value.is_null() & verdict.mask.equals(drained, f.bits.words)
    applies = verdict.value.fill_null(False) | drainage_unknown
    out: dict[str, NewFact] = {}
    for name, col in measured.items():
        out[name] = NewFact(col.value, col.mask)
        if name in ("child_pugh_points", "child_pugh_class", "albi_score"):
            out[f"{name}_measured"] = NewFact(col.value, col.mask)
    for name in CONFOUNDED_FACTS:
        col = measured[name]
        hide = applies & col.value.is_not_null()
        words = sorted(set(col.mask.used_words()) | set(drained.used_words()))
        mask = Mask(
            exprs={
                w: pl.when(hide).then(drained.word(w)).otherwise(col.mask.word(w)) for w in words
            }
        )
        out[name] = NewFact(pl.when(~hide).then(col.value), mask)
    out["liver_function_confounded"] = NewFact(
        pl.when(applies).then(True).otherwise(verdict.value), verdict.mask
    )
    assert set(out) == set(PRODUCES), sorted(set(PRODUCES) ^ set(out))
    return out


TWIN = Twin("liver_scores", derive)
