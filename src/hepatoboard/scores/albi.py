"""ALBI (albumin-bilirubin) grade and the modified ALBI (mALBI) grade.

References: Johnson PJ et al. J Clin Oncol 2015;33:550 (``albi_johnson2015``);
Hiraoka A et al. Liver Cancer 2017;6(3):204-215 (``malbi_hiraoka2017``).

Formula: ALBI = 0.66 x log10(bilirubin, umol/L) - 0.085 x albumin (g/L).
Grade 1: ALBI <= -2.60; grade 2: -2.60 < ALBI <= -1.39; grade 3: ALBI > -1.39.
mALBI splits grade 2 at -2.27 (2a <= -2.27 < 2b). Coefficients and cut-offs are parameters
from ``knowledge/data/scores.yaml`` (:class:`~hepatoboard.knowledge.schema.AlbiParams`).

Grades are taken from the unrounded score, so a displayed -2.60 can never be graded
differently from the value it came from.

Example (hand-computed): bilirubin 22.2 umol/L, albumin 36 g/L ->
0.66 x 1.3464 - 0.085 x 36 = -2.171 -> grade 2, mALBI 2b.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from hepatoboard.knowledge.schema import AlbiParams


@dataclass(frozen=True)
class Albi:
    raw: float
    score: float  # rounded for display
    grade: int  # 1 | 2 | 3
    malbi_grade: str  # 1 | 2a | 2b | 3


def albi(params: AlbiParams, bilirubin_umol_l: float, albumin_g_l: float) -> Albi:
    """ALBI score and grades (inputs in the formula's units: umol/L and g/L)."""
    raw = (
        params.bilirubin_coefficient * math.log10(bilirubin_umol_l)
        + params.albumin_coefficient * albumin_g_l
    )
    band = next(g for g in params.grades if g.max is None or raw <= g.max)
    return Albi(raw, round(raw, params.display_decimals), band.grade, band.malbi)
