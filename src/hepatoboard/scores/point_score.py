"""Point scores built from explicit criteria (CLIP, Okuda, JIS, HAP, mHAP-II, ALBI-TAE,
CRAFITY), all defined as data in ``scores.yaml: point_scores``.

Each item is an ordered table of rows: the first true row gives the item's points, and an
unknown row before it makes the item unknown (as for every rule table). An item may instead take
the total of an earlier score (JIS adds the LCSGJ stage points). The total is the sum; the group
is the first whose ``max_points`` the total does not exceed. Any unknown item makes the score
unknown, with the missing case fields: nothing is guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from hepatoboard.criteria.evaluate import Evaluator, classify
from hepatoboard.criteria.expr import Rule
from hepatoboard.knowledge.schema import PointItem, PointScore


@dataclass(frozen=True)
class PointResult:
    points: int | None
    group: str | None
    missing: set[str] = field(default_factory=set)


_RULES: dict[int, tuple[PointItem, list[Rule]]] = {}


def _rules(item: PointItem) -> list[Rule]:
    """The item's rows as an ordered rule table, built once per item (the knowledge base is
    immutable after load; the item is kept alive beside its rules so its id stays unique)."""
    hit = _RULES.get(id(item))
    if hit is None or hit[0] is not item:
        hit = (item, [Rule(value=str(r.points), when=r.when) for r in item.rows])
        _RULES[id(item)] = hit
    return hit[1]


def point_score(
    score: PointScore, ev: Evaluator, earlier: Mapping[str, PointResult]
) -> PointResult:
    """Evaluate one point score (``earlier`` holds the results of the scores listed before)."""
    total = 0
    missing: set[str] = set()
    for item in score.items:
        if item.from_score is not None:
            prior = earlier[item.from_score]
            if prior.points is None:
                missing |= prior.missing
            else:
                total += prior.points
            continue
        got = classify(_rules(item), ev)
        if got.value is None:
            missing |= got.missing or {f"score item {item.name}"}
        else:
            total += int(got.value)
    if missing:
        return PointResult(None, None, missing)
    group = next((g.label for g in score.groups if total <= g.max_points), None)
    return PointResult(total, group)
