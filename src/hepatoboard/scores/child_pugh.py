"""Child-Pugh (Child-Turcotte-Pugh) score and class.

Reference: Pugh RNH et al. Transection of the oesophagus for bleeding oesophageal varices.
Br J Surg 1973;60:646-649 (knowledge-base source ``child_pugh``).

Formula: points = bilirubin points + albumin points + INR points + ascites points
+ encephalopathy points (each 1-3); class A 5-6, B 7-9, C 10-15. Bands, the edge convention (a
value exactly on a band edge scores the middle band) and the class limits are parameters from
``knowledge/data/scores.yaml`` (:class:`~hepatoboard.knowledge.schema.ChildPughParams`).

Known gaps: the albumin lower band is 2.8 g/dL here (most calculators); some texts use 3.0.
INR is used in place of prothrombin-time prolongation (the usual modern substitution).

Example (hand-computed from the definition): bilirubin 1.3 mg/dL (1), albumin 3.6 g/dL (1),
INR 1.15 (1), no ascites (1), no encephalopathy (1) -> 5 points, class A.
"""

from __future__ import annotations

from dataclasses import dataclass

from hepatoboard.knowledge.schema import BandPoints, ChildPughParams, HigherWorse, LowerWorse


@dataclass(frozen=True)
class ChildPugh:
    points: int
    klass: str  # A | B | C


def _higher_worse(value: float, band: HigherWorse, pts: BandPoints) -> int:
    if value < band.one_point_below:
        return pts.best
    return pts.worst if value > band.three_points_above else pts.middle


def _lower_worse(value: float, band: LowerWorse, pts: BandPoints) -> int:
    if value > band.one_point_above:
        return pts.best
    return pts.worst if value < band.three_points_below else pts.middle


def child_pugh(
    params: ChildPughParams,
    bilirubin_mg_dl: float,
    albumin_g_dl: float,
    inr: float,
    ascites: str,
    encephalopathy: str,
) -> ChildPugh:
    """Points and class (inputs in mg/dL and g/dL; ascites and encephalopathy as graded)."""
    points = (
        _higher_worse(bilirubin_mg_dl, params.bilirubin_mg_dl, params.band_points)
        + _lower_worse(albumin_g_dl, params.albumin_g_dl, params.band_points)
        + _higher_worse(inr, params.inr, params.band_points)
        + params.ascites[ascites]  # type: ignore[index]
        + params.encephalopathy[encephalopathy]  # type: ignore[index]
    )
    klass = next(c.class_ for c in params.classes if points <= c.max_points)
    return ChildPugh(points, klass)
