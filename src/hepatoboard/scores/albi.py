"""ALBI (albumin-bilirubin) grade and the modified ALBI (mALBI) grade.

ALBI = 0.66 x log10(bilirubin umol/L) - 0.085 x albumin g/L (Johnson PJ et al., J Clin Oncol
2015; source ``albi_johnson2015``); mALBI splits grade 2 at -2.27 (Hiraoka A et al., Liver Cancer
2017; ``malbi_hiraoka2017``). Grades are taken from the unrounded score so that a displayed
-2.60 can never be graded differently from the value it came from. Coefficients and cut-offs:
``knowledge/data/scores.yaml``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from hepatoboard.case.units import quantity_specs
from hepatoboard.knowledge.files import read


@dataclass(frozen=True)
class Albi:
    raw: float
    score: float  # rounded for display
    grade: int  # 1 | 2 | 3
    malbi_grade: str  # 1 | 2a | 2b | 3


def albi(bilirubin_mg_dl: float, albumin_g_dl: float) -> Albi:
    k = read("scores.yaml")["albi"]
    specs = quantity_specs()
    bili_umol = specs["bilirubin"].from_canonical(bilirubin_mg_dl, "umol/L")
    alb_g_l = specs["albumin"].from_canonical(albumin_g_dl, "g/L")
    raw = k["bilirubin_coefficient"] * math.log10(bili_umol) + k["albumin_coefficient"] * alb_g_l
    if raw <= k["grade_1_max"]:
        grade, malbi = 1, "1"
    elif raw <= k["grade_2_max"]:
        grade, malbi = 2, ("2a" if raw <= k["malbi_2a_max"] else "2b")
    else:
        grade, malbi = 3, "3"
    return Albi(raw, round(raw, k["display_decimals"]), grade, malbi)
