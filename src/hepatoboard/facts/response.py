"""Response facts from the ``imaging`` series (the first study is the baseline of the current
line): RECIST 1.1 sums (longest diameter of non-nodal targets plus short axis of nodal targets),
mRECIST sums (viable, enhancing diameter of liver targets), their changes from baseline and from
the nadir (the smallest earlier sum), the same at the previous study (for iRECIST confirmation),
new lesions, and the AFP change. The classifications themselves (CR/PR/SD/PD, iUPD/iCPD, AFP
response) are rule tables in ``knowledge/data/response.yaml``.

A sum is unknown when a target lacks the measurement it needs; with fewer than two studies the
response is not assessable.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from hepatoboard.contracts.case import ImagingStudy
from hepatoboard.criteria.evaluate import Classification, Evaluator, FactValue, classify
from hepatoboard.facts.registry import Context, Facts, Producer

PRODUCES = (
    "response_assessable", "recist_change_from_baseline_pct", "recist_change_from_nadir_pct",
    "recist_increase_from_nadir_mm", "recist_nonnodal_sum_mm", "recist_max_node_short_axis_mm",
    "previous_recist_change_from_nadir_pct", "previous_recist_increase_from_nadir_mm",
    "recist_increase_since_previous_mm", "previous_new_lesions", "new_lesions",
    "nontarget_progression", "mrecist_change_from_baseline_pct", "mrecist_change_from_nadir_pct",
    "mrecist_viable_sum_mm", "afp_change_pct",
)  # fmt: skip  # fact names, several a line
PERCENT = 100

if TYPE_CHECKING:
    from hepatoboard.knowledge.base import KnowledgeBase


def computed_responses(facts: Facts, kb: KnowledgeBase) -> dict[str, Classification]:
    """RECIST 1.1, mRECIST and iRECIST categories from the response facts (response.yaml)."""
    ev = Evaluator(facts, kb.condition_exprs)
    return {name: classify(c.rules, ev) for name, c in kb.response.classifiers.items()}


def imaging_progression(
    responses: dict[str, Classification], kb: KnowledgeBase, modality: str
) -> bool | None:
    """Does the computed response count as progression for a regimen of ``modality``?"""
    rule = kb.response.progression
    which = rule.by_modality.get(modality, rule.default)  # type: ignore[call-overload]
    values = [responses[name].value for name in which]
    if any(v in which[name] for name, v in zip(which, values, strict=True)):
        return True
    return None if any(v is None for v in values) else False


def target_notes(studies: Sequence[ImagingStudy], kb: KnowledgeBase) -> list[str]:
    """Baseline targets below the RECIST 1.1 measurable size (``response.yaml: measurable``)."""
    m = kb.response.measurable
    notes = []
    for t in studies[0].targets if studies else []:
        if (
            t.site == "node"
            and t.short_axis_mm is not None
            and t.short_axis_mm < m.node_short_axis_mm
        ):
            notes.append(
                f"target {t.lesion}: a node with a short axis below {m.node_short_axis_mm:g} mm "
                "at baseline is not a measurable target by RECIST 1.1"
            )
        elif t.site != "node" and t.longest_mm is not None and t.longest_mm < m.nonnodal_longest_mm:
            notes.append(
                f"target {t.lesion}: a lesion below {m.nonnodal_longest_mm:g} mm at baseline is "
                "not a measurable target by RECIST 1.1"
            )
    return notes


def _recist_sum(s: ImagingStudy) -> float | None:
    values = [t.short_axis_mm if t.site == "node" else t.longest_mm for t in s.targets]
    return None if any(v is None for v in values) else sum(v for v in values if v is not None)


def _viable_sum(s: ImagingStudy) -> float | None:
    values = [t.viable_mm for t in s.targets if t.site == "liver"]
    if not values:
        return None
    return None if any(v is None for v in values) else sum(v for v in values if v is not None)


def _total(values: Sequence[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return None if len(known) < len(values) else sum(known)


def _largest(values: Sequence[float | None]) -> float | None:
    """Largest value (0 when there is none); unknown when one is unknown."""
    known = [v for v in values if v is not None]
    return None if len(known) < len(values) else max(known, default=0.0)


def _pct(now: float | None, ref: float | None) -> float | None:
    if now is None or ref is None or ref == 0:
        return None
    return (now - ref) / ref * PERCENT


def _changes(sums: Sequence[float | None], i: int) -> tuple[float | None, float | None]:
    """(% change from the nadir before study i, absolute increase from it) for study i."""
    earlier = [x for x in sums[:i] if x is not None]
    if sums[i] is None or len(earlier) < i:
        return None, None
    nadir = min(earlier)
    return _pct(sums[i], nadir), sums[i] - nadir  # type: ignore[operator]


def _unknown(why: tuple[str, ...]) -> Facts:
    return {name: FactValue(None, why) for name in PRODUCES}


def _derive(ctx: Context) -> Facts:
    studies = ctx.case.imaging
    if studies is None:
        return _unknown(("imaging",))
    if len(studies) < 2:
        out = _unknown(("imaging",))
        out["response_assessable"] = FactValue(False)
        return out
    sums = [_recist_sum(s) for s in studies]
    viable = [_viable_sum(s) for s in studies]
    last, prev = studies[-1], studies[-2]
    miss = ("imaging",)

    def fact(value: object) -> FactValue:
        return FactValue(value, () if value is not None else miss)

    nadir_pct, nadir_mm = _changes(sums, len(studies) - 1)
    # with two studies the previous one is the baseline: nothing to confirm (no earlier iUPD)
    prev_pct, prev_mm = _changes(sums, len(studies) - 2) if len(studies) > 2 else (0.0, 0.0)
    v_nadir_pct, _ = _changes(viable, len(studies) - 1)
    nodes = [t.short_axis_mm for t in last.targets if t.site == "node"]
    nonnodal = [t.longest_mm for t in last.targets if t.site != "node"]
    afp0 = studies[0].afp.canonical if studies[0].afp else None
    afp1 = last.afp.canonical if last.afp else ctx.value("afp_ng_ml")
    return {
        "response_assessable": FactValue(True),
        "recist_change_from_baseline_pct": fact(_pct(sums[-1], sums[0])),
        "recist_change_from_nadir_pct": fact(nadir_pct),
        "recist_increase_from_nadir_mm": fact(nadir_mm),
        "recist_nonnodal_sum_mm": fact(_total(nonnodal)),
        "recist_max_node_short_axis_mm": fact(_largest(nodes)),
        "previous_recist_change_from_nadir_pct": fact(prev_pct),
        "previous_recist_increase_from_nadir_mm": fact(prev_mm),
        "recist_increase_since_previous_mm": fact(
            None if sums[-1] is None or sums[-2] is None else sums[-1] - sums[-2]
        ),
        "previous_new_lesions": fact(prev.new_lesions if len(studies) > 2 else False),
        "new_lesions": fact(last.new_lesions),
        "nontarget_progression": fact(last.nontarget_progression),
        "mrecist_change_from_baseline_pct": fact(_pct(viable[-1], viable[0])),
        "mrecist_change_from_nadir_pct": fact(v_nadir_pct),
        "mrecist_viable_sum_mm": fact(viable[-1]),
        "afp_change_pct": fact(_pct(afp1, afp0)),
    }


PRODUCER = Producer("response", PRODUCES, _derive)
