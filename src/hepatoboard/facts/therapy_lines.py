"""Previous treatment: regimens, what progressed or was not tolerated, and the line of systemic
therapy the next treatment would be.

One definition of "systemic": an option marked ``systemic: true`` in ``options.yaml``
(HAIC-FOLFOX, for example, is liver-directed chemotherapy and does not count as a line).
A regimen without a ``line`` number takes its position among the systemic regimens.

An ongoing systemic regimen without progression or intolerance is the *current* line: it is not
counted among the previous lines, so ``next_line`` is its own line (continuing it is the plan;
later-line options wait for progression or intolerance). An immune-related adverse event of at
least ``plan.yaml: irae.severe_min_grade`` is recorded per regimen (``severe_irae_on``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hepatoboard.criteria.evaluate import FactValue
from hepatoboard.facts.registry import Context, Facts, Producer
from hepatoboard.facts.response import computed_responses, imaging_progression

PRODUCES = (
    "prior_regimens",
    "progressed_on",
    "intolerant_of",
    "prior_modalities",
    "progressed_modalities",
    "intolerant_modalities",
    "no_response_modalities",
    "systemic_lines",
    "next_line",
    "sorafenib_tolerated",
    "ongoing_regimens",
    "on_systemic_treatment",
    "severe_irae_on",
    "severe_irae",
    "response_disagrees",
)


def _derive(ctx: Context) -> Facts:
    prior = ctx.case.prior_therapies
    if prior is None:
        return {name: FactValue(None, ("prior_therapies",)) for name in PRODUCES}
    options = ctx.kb.options
    modality = {oid: o.modality for oid, o in options.items()}
    progressed = [
        p.regimen for p in prior if p.stop_reason == "progression" or p.best_response == "pd"
    ]
    intolerant = [p.regimen for p in prior if p.stop_reason == "toxicity" or p.tolerated is False]
    no_resp = [p.regimen for p in prior if p.best_response in ("sd", "pd")]

    def modalities(ids: Iterable[str]) -> FactValue:
        return FactValue(sorted({modality[r] for r in ids}))

    responses = computed_responses(ctx.facts, ctx.kb)
    disagree = False
    for p in prior:
        if p.stop_reason != "ongoing" or not options[p.regimen].systemic:
            continue
        by_imaging = imaging_progression(responses, ctx.kb, options[p.regimen].modality)
        stated = p.best_response == "pd"
        if by_imaging is True and p.regimen not in progressed:
            progressed.append(p.regimen)  # the imaging series shows progression on it
        disagree = disagree or (by_imaging is not None and by_imaging != stated)
    failed = set(progressed) | set(intolerant)
    systemic = [p for p in prior if options[p.regimen].systemic]
    current = [
        p.regimen for p in systemic if p.stop_reason == "ongoing" and p.regimen not in failed
    ]
    lines = {
        p.line if p.line is not None else i + 1
        for i, p in enumerate(systemic)
        if p.regimen not in current
    }
    severe = ctx.kb.plan.irae.severe_min_grade
    severe_on = [p.regimen for p in prior if p.irae_grade is not None and p.irae_grade >= severe]
    out: Facts = {
        "prior_regimens": FactValue([p.regimen for p in prior]),
        "progressed_on": FactValue(progressed),
        "intolerant_of": FactValue(intolerant),
        "prior_modalities": modalities([p.regimen for p in prior]),
        "progressed_modalities": modalities(progressed),
        "intolerant_modalities": modalities(intolerant),
        "no_response_modalities": modalities(no_resp),
        "systemic_lines": FactValue(len(lines)),
        "next_line": FactValue(len(lines) + 1),
        "ongoing_regimens": FactValue(current),
        "on_systemic_treatment": FactValue(bool(current)),
        "severe_irae_on": FactValue(severe_on),
        "severe_irae": FactValue(bool(severe_on)),
        "response_disagrees": FactValue(disagree),
    }
    out["sorafenib_tolerated"] = _sorafenib_tolerated(prior)
    return out


def _sorafenib_tolerated(prior: list[Any]) -> FactValue:
    sora = [p for p in prior if p.regimen == "sorafenib"]
    if not sora:
        return FactValue(False)
    tol = sora[-1].tolerated
    return FactValue(tol, () if tol is not None else ("prior_therapies.tolerated",))


PRODUCER = Producer("therapy_lines", PRODUCES, _derive)
