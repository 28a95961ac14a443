"""Tumour burden score (TBS).

Reference: Sasaki K et al. Ann Surg 2018;267:132-141 (``tbs_sasaki2018``), as tabulated in
Cancer Imaging 2023 (``cancer_imaging_2023_tace_scores``).

Formula: TBS = sqrt(largest diameter (cm)^2 + number of nodules^2). Display rounding is in
``scores.yaml: tumour_burden``.

Known gaps: "10 = innumerable" in the case format makes the number a lower bound.

Example (hand-computed): largest 5.5 cm, 3 nodules -> sqrt(30.25 + 9) = 6.26.
"""

from __future__ import annotations

import math

from hepatoboard.knowledge.schema import TumourBurdenParams


def tumour_burden_score(params: TumourBurdenParams, largest_cm: float, nodules: int) -> float:
    return round(math.hypot(largest_cm, nodules), params.display_decimals)
