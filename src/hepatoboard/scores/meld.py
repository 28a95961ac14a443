"""MELD family, following OPTN conventions.

- MELD (OPTN 2002-2015; Kamath 2001): MELD(i) = 0.957 ln(Cr) + 0.378 ln(bili) + 1.120 ln(INR)
  + 0.643, rounded to the tenth and multiplied by 10.
- MELD-Na (OPTN 2016; Kim 2008): uses the rounded MELD(i); applied only when MELD(i) > 11.
- MELD 3.0 (Kim 2021; OPTN 2023): sex, sodium and albumin terms; creatinine cap 3.0.

All bounds, caps and coefficients are parameters from ``knowledge/data/scores.yaml``
(:class:`~hepatoboard.knowledge.schema.MeldParams` and siblings); see ``docs/scores.md`` for where
published calculators differ and why we follow OPTN.

References: Kamath PS et al. Hepatology 2001;33:464-470 (``meld_kamath2001``); OPTN policy
(``meld_optn``, ``meld_na_optn2016``); Kim WR et al. Gastroenterology 2021;161:1887-1895
(``meld3_kim2021``).

Known gaps: the MELD 3.0 cap of 40 is the OPTN convention for the MELD family as given by
secondary sources (see scores.yaml); dialysis is read as ">= 2 sessions or 24 h CVVHD in the
past 7 days".
"""

from __future__ import annotations

import math

from hepatoboard.knowledge.schema import Meld3Params, MeldNaParams, MeldParams
from hepatoboard.scores.rounding import round_half_up


def _clamp(x: float, lo: float, hi: float) -> float:
    return max(lo, min(hi, x))


def meld_i(k: MeldParams, bilirubin: float, inr: float, creatinine: float, dialysis: bool) -> int:
    """OPTN MELD(i): integer, capped (inputs in mg/dL)."""
    floor, cap, c = k.floor, k.creatinine_cap_mg_dl, k.coefficients
    cr = cap if dialysis else _clamp(creatinine, floor, cap)
    raw = (
        c.creatinine * math.log(cr)
        + c.bilirubin * math.log(max(bilirubin, floor))
        + c.inr * math.log(max(inr, floor))
        + c.constant
    )
    score = round_half_up(round_half_up(raw, 1) * k.multiplier)
    return int(min(score, k.max_score))


def meld_na(k: MeldNaParams, meld_i_score: int, sodium: float) -> int:
    """OPTN 2016 MELD-Na from the rounded MELD(i) and sodium (mmol/L)."""
    if meld_i_score <= k.applies_above:
        return meld_i_score
    na = _clamp(sodium, k.sodium_min, k.sodium_max)
    gap = k.sodium_max - na
    raw = meld_i_score + k.sodium_coefficient * gap - k.interaction_coefficient * meld_i_score * gap
    return int(min(round_half_up(raw), k.max_score))


def meld_3_0(
    k: Meld3Params,
    bilirubin: float,
    inr: float,
    creatinine: float,
    sodium: float,
    albumin: float,
    female: bool,
    dialysis: bool,
) -> int:
    """MELD 3.0 (inputs in mg/dL, mmol/L and g/dL)."""
    c = k.coefficients
    floor, cap = k.floor, k.creatinine_cap_mg_dl
    bili = max(bilirubin, floor)
    inr_ = max(inr, floor)
    cr = cap if dialysis else _clamp(creatinine, floor, cap)
    na_gap = k.sodium_max - _clamp(sodium, k.sodium_min, k.sodium_max)
    alb_gap = k.albumin_max_g_dl - _clamp(albumin, k.albumin_min_g_dl, k.albumin_max_g_dl)
    raw = (
        c.female * (1 if female else 0)
        + c.ln_bilirubin * math.log(bili)
        + c.sodium * na_gap
        + c.sodium_ln_bilirubin * na_gap * math.log(bili)
        + c.ln_inr * math.log(inr_)
        + c.ln_creatinine * math.log(cr)
        + c.albumin * alb_gap
        + c.albumin_ln_creatinine * alb_gap * math.log(cr)
        + c.constant
    )
    return int(_clamp(round_half_up(raw), k.min_score, k.max_score))
