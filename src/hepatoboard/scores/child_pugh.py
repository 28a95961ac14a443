"""Child-Pugh (Child-Turcotte-Pugh) score and class.

Source: Pugh RNH et al., Br J Surg 1973 (knowledge-base source ``child_pugh``). Bands and the
edge convention (a value exactly on an edge scores the middle band; albumin 2.8 g/dL lower band)
are read from ``knowledge/data/scores.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass

from hepatoboard.knowledge.files import read


@dataclass(frozen=True)
class ChildPugh:
    points: int
    klass: str  # A | B | C


def _lab_points(value: float, band: dict[str, float]) -> int:
    if "one_point_below" in band:  # higher is worse (bilirubin, INR)
        if value < band["one_point_below"]:
            return 1
        return 3 if value > band["three_points_above"] else 2
    if value > band["one_point_above"]:  # lower is worse (albumin)
        return 1
    return 3 if value < band["three_points_below"] else 2


def child_pugh(
    bilirubin_mg_dl: float,
    albumin_g_dl: float,
    inr: float,
    ascites: str,
    encephalopathy: str,
) -> ChildPugh:
    k = read("scores.yaml")["child_pugh"]
    points = (
        _lab_points(bilirubin_mg_dl, k["bilirubin_mg_dl"])
        + _lab_points(albumin_g_dl, k["albumin_g_dl"])
        + _lab_points(inr, k["inr"])
        + k["ascites"][ascites]
        + k["encephalopathy"][encephalopathy]
    )
    klass = next(c["class"] for c in k["classes"] if points <= c["max_points"])
    return ChildPugh(points, klass)
