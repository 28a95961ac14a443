"""The liver-function scores over a cohort, from the same ``scores.yaml`` coefficients as
:mod:`hepatoboard.scores` (the same formulas, term by term in the same order, so the floats are
the same; rounding and log10 as Python does them, :mod:`.exact`).

Each function takes Series of known inputs (null where unknown gives null) and returns a Series.
"""

from __future__ import annotations

import polars as pl

from hepatoboard.cohort.exact import divide, log10, rounded
from hepatoboard.knowledge.schema import (
    AlbiParams,
    ChildPughParams,
    CockcroftGaultParams,
    Meld3Params,
    MeldNaParams,
    MeldParams,
)
from hepatoboard.scores.rounding import round_half_up


def _series(df: pl.DataFrame, expr: pl.Expr) -> pl.Series:
    return df.select(expr).to_series()


def child_pugh(
    k: ChildPughParams, bili: pl.Expr, alb: pl.Expr, inr: pl.Expr, asc: pl.Expr, enc: pl.Expr
) -> tuple[pl.Expr, pl.Expr]:
    """(points, class) as :func:`hepatoboard.scores.child_pugh` (null if an input is)."""
    p = k.band_points

    def higher_worse(v: pl.Expr, one_below: float, three_above: float) -> pl.Expr:
        return (
            pl.when(v < one_below)
            .then(p.best)
            .when(v > three_above)
            .then(p.worst)
            .otherwise(p.middle)
        )

    def lower_worse(v: pl.Expr, one_above: float, three_below: float) -> pl.Expr:
        return (
            pl.when(v > one_above)
            .then(p.best)
            .when(v < three_below)
            .then(p.worst)
            .otherwise(p.middle)
        )

    b, a, i = k.bilirubin_mg_dl, k.albumin_g_dl, k.inr
    points = (
        higher_worse(bili, b.one_point_below, b.three_points_above)
        + lower_worse(alb, a.one_point_above, a.three_points_below)
        + higher_worse(inr, i.one_point_below, i.three_points_above)
        + asc.replace_strict(dict(k.ascites), default=None, return_dtype=pl.Int64)
        + enc.replace_strict(dict(k.encephalopathy), default=None, return_dtype=pl.Int64)
    )
    known = pl.all_horizontal([x.is_not_null() for x in (bili, alb, inr, asc, enc)])
    points = pl.when(known).then(points).cast(pl.Int64)
    klass: pl.Expr = pl.lit(None, pl.String)
    for cls in reversed(k.classes):
        klass = pl.when(points <= cls.max_points).then(pl.lit(cls.class_)).otherwise(klass)
    return points, pl.when(points.is_not_null()).then(klass)


def albi(
    k: AlbiParams, df: pl.DataFrame, bili_umol: pl.Series, alb_gl: pl.Series
) -> tuple[pl.Series, pl.Expr, pl.Expr]:
    """(raw score Series, grade, mALBI grade) as :func:`hepatoboard.scores.albi`."""
    raw = (k.bilirubin_coefficient * log10(bili_umol) + k.albumin_coefficient * alb_gl).alias(
        "#albi"
    )
    grade: pl.Expr = pl.lit(None, pl.Int64)
    malbi: pl.Expr = pl.lit(None, pl.String)
    r = pl.lit(raw)
    for band in reversed(k.grades):
        cond = pl.lit(True) if band.max is None else r <= band.max
        grade = pl.when(cond).then(pl.lit(band.grade, pl.Int64)).otherwise(grade)
        malbi = pl.when(cond).then(pl.lit(band.malbi)).otherwise(malbi)
    known = r.is_not_null()
    return raw, pl.when(known).then(grade), pl.when(known).then(malbi)


def _clamp(x: pl.Expr, lo: float, hi: float) -> pl.Expr:
    return pl.max_horizontal(pl.lit(lo), pl.min_horizontal(pl.lit(hi), x))


def meld_i(
    k: MeldParams, df: pl.DataFrame, bili: pl.Expr, inr: pl.Expr, cr: pl.Expr, dia: pl.Expr
) -> pl.Series:
    """OPTN MELD(i) as :func:`hepatoboard.scores.meld_i` (Int64, null if an input is)."""
    c = k.coefficients
    crv = (
        pl.when(dia)
        .then(pl.lit(k.creatinine_cap_mg_dl))
        .otherwise(_clamp(cr, k.floor, k.creatinine_cap_mg_dl))
    )
    raw = (
        c.creatinine * crv.log()
        + c.bilirubin * pl.max_horizontal(bili, pl.lit(k.floor)).log()
        + c.inr * pl.max_horizontal(inr, pl.lit(k.floor)).log()
        + c.constant
    )
    known = pl.all_horizontal([x.is_not_null() for x in (bili, inr, cr, dia)])
    tenth = rounded(_series(df, pl.when(known).then(raw)), 1, round_half_up)
    score = rounded(tenth * k.multiplier, 0, round_half_up)
    return score.clip(upper_bound=k.max_score).cast(pl.Int64)


def meld_na(k: MeldNaParams, df: pl.DataFrame, mi: pl.Series, sodium: pl.Expr) -> pl.Series:
    """OPTN 2016 MELD-Na as :func:`hepatoboard.scores.meld_na`."""
    m = pl.lit(mi).cast(pl.Float64)
    gap = k.sodium_max - _clamp(sodium, k.sodium_min, k.sodium_max)
    raw = m + k.sodium_coefficient * gap - k.interaction_coefficient * m * gap
    applied = rounded(_series(df, raw), 0, round_half_up).clip(upper_bound=k.max_score)
    out = _series(
        df,
        pl.when(pl.lit(mi) <= k.applies_above)
        .then(pl.lit(mi).cast(pl.Float64))
        .otherwise(pl.lit(applied)),
    )
    return _series(df, pl.when(sodium.is_not_null()).then(pl.lit(out))).cast(pl.Int64)


def meld_3_0(
    k: Meld3Params,
    df: pl.DataFrame,
    inputs: tuple[pl.Expr, pl.Expr, pl.Expr, pl.Expr, pl.Expr, pl.Expr, pl.Expr],
) -> pl.Series:
    """MELD 3.0 as :func:`hepatoboard.scores.meld_3_0` (inputs: bilirubin, INR, creatinine,
    sodium, albumin, female, dialysis)."""
    bilirubin, inr, creatinine, sodium, albumin, female, dialysis = inputs
    c = k.coefficients
    floor, cap = k.floor, k.creatinine_cap_mg_dl
    ln_bili = pl.max_horizontal(bilirubin, pl.lit(floor)).log()
    ln_inr = pl.max_horizontal(inr, pl.lit(floor)).log()
    ln_cr = pl.when(dialysis).then(pl.lit(cap)).otherwise(_clamp(creatinine, floor, cap)).log()
    na_gap = k.sodium_max - _clamp(sodium, k.sodium_min, k.sodium_max)
    alb_gap = k.albumin_max_g_dl - _clamp(albumin, k.albumin_min_g_dl, k.albumin_max_g_dl)
    raw = (
        c.female * female.cast(pl.Int64)
        + c.ln_bilirubin * ln_bili
        + c.sodium * na_gap
        + c.sodium_ln_bilirubin * na_gap * ln_bili
        + c.ln_inr * ln_inr
        + c.ln_creatinine * ln_cr
        + c.albumin * alb_gap
        + c.albumin_ln_creatinine * alb_gap * ln_cr
        + c.constant
    )
    known = pl.all_horizontal([x.is_not_null() for x in inputs])
    score = rounded(_series(df, pl.when(known).then(raw)), 0, round_half_up)
    return score.clip(k.min_score, k.max_score).cast(pl.Int64)


def cockcroft_gault(
    k: CockcroftGaultParams,
    df: pl.DataFrame,
    age: pl.Expr,
    weight: pl.Expr,
    cr: pl.Expr,
    female: pl.Expr,
) -> pl.Series:
    """Creatinine clearance as :mod:`hepatoboard.facts.renal` computes it (unrounded inputs,
    rounded to the displayed decimals as Python's round)."""
    crcl = (k.age_constant - age) * weight / (k.divisor * cr)
    crcl = pl.when(female).then(crcl * k.female_factor).otherwise(crcl)
    from hepatoboard.cohort.exact import python_round

    return rounded(_series(df, crcl), k.display_decimals, python_round)


__all__ = ["albi", "child_pugh", "cockcroft_gault", "divide", "meld_3_0", "meld_i", "meld_na"]
