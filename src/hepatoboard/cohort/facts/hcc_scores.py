"""Twin of :mod:`hepatoboard.facts.hcc_scores`: the point scores of ``scores.yaml:
point_scores`` (each item an ordered rule table, compiled; the total, the group) and the tumour
burden score (computed by the per-case function once per distinct input)."""

from __future__ import annotations

import polars as pl

from hepatoboard.cohort.exact import python_map
from hepatoboard.cohort.facts.registry import Twin
from hepatoboard.cohort.frame import Facts, NewFact
from hepatoboard.criteria.expr import Rule
from hepatoboard.criteria.polars import Mask, classify, union
from hepatoboard.facts.hcc_scores import GROUP_FACT, POINTS_ONLY
from hepatoboard.knowledge.schema import PointScore
from hepatoboard.scores.tumour_burden import tumour_burden_score


def _score(f: Facts, score: PointScore, done: dict[str, str]) -> tuple[pl.Expr, Mask]:
    """(points, missing mask where unknown) of one score, as :func:`point_score` computes it."""
    comp = f.compiler()
    total: pl.Expr = pl.lit(0, pl.Int64)
    unknown: pl.Expr = pl.lit(False)
    masks: list[Mask] = []
    for item in score.items:
        if item.from_score is not None:
            prior = f.columns[done[item.from_score]]
            total = total + prior.value.fill_null(0)
            unknown = unknown | prior.value.is_null()
            masks.append(prior.mask.where(prior.value.is_null()))
            continue
        rules = [Rule(value=str(r.points), when=r.when) for r in item.rows]
        got = classify(rules, [comp(r.when) for r in rules])
        null = got.value.is_null()
        masks.append(got.mask.where(null))
        masks.append(f.bit(f"score item {item.name}").where(null & got.mask.is_zero()))
        total = total + got.value.cast(pl.Int64).fill_null(0)
        unknown = unknown | null
    return pl.when(~unknown).then(total), union(masks)


def _group(f: Facts, name: str, score: PointScore) -> dict[str, NewFact]:
    """The group of a score whose points are stored: read from the points column, with the
    points' stored mask (the same mask the group had when computed with the points)."""
    if name in POINTS_ONLY:
        return {}
    points = f.value(f"{name}_points")
    group: pl.Expr | None = None
    for g in score.groups:
        hit = points <= g.max_points
        group = (
            pl.when(hit).then(pl.lit(g.label))
            if group is None
            else group.when(hit).then(pl.lit(g.label))  # type: ignore[attr-defined]
        )
    value = pl.lit(None, pl.String) if group is None else group.otherwise(None)  # type: ignore[attr-defined]
    mask = f.columns[f"{name}_points"].mask
    return {GROUP_FACT.get(name, f"{name}_group"): NewFact(value, mask)}


def derive(f: Facts) -> dict[str, NewFact]:
    """The points of the scores in as few passes as their order allows (a score that reads
    another's points comes in a pass after it), each pass adding the groups of the one before."""
    done: dict[str, str] = {}
    pending: dict[str, NewFact] = {}  # points not stored yet
    groups: dict[str, NewFact] = {}  # of points stored, added with the next pass
    scores = f.kb.scores.point_scores

    def flush() -> None:
        nonlocal pending, groups
        f.add({**groups, **pending})
        groups = {}
        for key in pending:
            name = key.removesuffix("_points")
            groups.update(_group(f, name, scores[name]))
        pending = {}

    for name, score in scores.items():
        if any(i.from_score is not None and i.from_score not in done for i in score.items):
            raise ValueError(f"point score {name} reads a score not computed before it")
        if any(f"{i.from_score}_points" in pending for i in score.items):
            flush()
        points, mask = _score(f, score, done)
        pending[f"{name}_points"] = NewFact(points, mask)
        done[name] = f"{name}_points"
    flush()
    if groups:
        f.add(groups)
    largest, nodules = f.value("largest_cm"), f.value("nodules")
    params = f.kb.scores.tumour_burden
    tbs = python_map(
        f.df, [largest, nodules], lambda a, b: tumour_burden_score(params, a, b), pl.Float64
    )
    f.df = f.df.with_columns(tbs.alias("#tbs"))
    miss = union(
        [
            f.bit("tumor.largest_cm").where(largest.is_null()),
            f.bit("tumor.nodules").where(nodules.is_null()),
        ]
    )
    return {"tumour_burden_score": NewFact(pl.col("#tbs"), miss)}


TWIN = Twin("hcc_scores", derive)
