"""Facts that cannot all be true at once, and dates after the assessment date.

A plan computed from contradictory input would be computed from garbage, so each contradiction
is an error naming the fields involved.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Hashable, Iterable

from hepatoboard.contracts.case import Case
from hepatoboard.contracts.errors import Problem
from hepatoboard.criteria.evaluate import Evaluator
from hepatoboard.knowledge.base import KnowledgeBase


def contradictions(case: Case, as_of: dt.date, kb: KnowledgeBase) -> list[Problem]:
    """Facts that cannot all be true at once (``contradictions.yaml`` and the structural checks
    below), or dates after the assessment date."""
    found = clinical(case, as_of, kb) + structural(case)
    found.extend(_dates_after(case, as_of))
    return found


def clinical(case: Case, as_of: dt.date, kb: KnowledgeBase) -> list[Problem]:
    """The knowledge base's contradiction rules that are TRUE for this case."""
    from hepatoboard.facts import derive_facts

    ev = Evaluator(derive_facts(case, kb, as_of), kb.condition_exprs)
    out = []
    for c in kb.contradictions:
        if ev.truth(c.when) is True:
            out.append(Problem(c.fields[0], c.message))
    return out


def structural(case: Case) -> list[Problem]:
    """One entry per station, site and line; 'ongoing' only for the most recent line."""
    found: list[Problem] = []

    def add(path: str, msg: str) -> None:
        found.append(Problem(path, msg))

    if case.lymph_nodes:
        for st in _repeated(n.station for n in case.lymph_nodes):
            add("lymph_nodes", f"station '{st}' is listed twice; give one entry per station")
    if case.distant_metastases:
        for site in _repeated(m.site for m in case.distant_metastases if m.site != "other"):
            add("distant_metastases", f"site '{site}' is listed twice; give one entry per site")
    if case.prior_therapies:
        for ln in _repeated(p.line for p in case.prior_therapies if p.line is not None):
            add("prior_therapies", f"line {ln} is given twice; one regimen per line")
        numbered = [p.line for p in case.prior_therapies if p.line is not None]
        if numbered != sorted(numbered):
            add("prior_therapies", f"lines {numbered} are out of order; list the most recent last")
        declined = set(case.preferences.declines or []) if case.preferences else set()
        for i, p in enumerate(case.prior_therapies):
            if p.stop_reason == "ongoing" and p.regimen in declined:
                add(
                    f"prior_therapies[{i}].stop_reason",
                    f"'{p.regimen}' is ongoing but preferences.declines lists it",
                )
        ongoing = [i for i, p in enumerate(case.prior_therapies) if p.stop_reason == "ongoing"]
        if (ongoing and ongoing[-1] != len(case.prior_therapies) - 1) or len(ongoing) > 1:
            add(
                f"prior_therapies[{ongoing[0]}].stop_reason",
                "'ongoing' is only possible for the most recent line",
            )
    found.extend(_imaging(case))
    return found


def _imaging(case: Case) -> list[Problem]:
    """Studies in date order, each measuring the baseline's target lesions (RECIST compares
    sums of the same targets)."""
    studies = case.imaging or []
    out: list[Problem] = []
    dates = [s.date for s in studies]
    if dates != sorted(dates):
        out.append(Problem("imaging", "studies are out of date order; list the baseline first"))
    if studies:
        baseline = {t.lesion for t in studies[0].targets}
        for i, s in enumerate(studies[1:], 1):
            ids = {t.lesion for t in s.targets}
            if ids != baseline:
                out.append(
                    Problem(
                        f"imaging[{i}].targets",
                        f"lesions {sorted(ids)} differ from the "
                        f"baseline's {sorted(baseline)}; measure the same target lesions",
                    )
                )
        for i, s in enumerate(studies):
            for lesion in _repeated(t.lesion for t in s.targets):
                out.append(Problem(f"imaging[{i}].targets", f"lesion '{lesion}' listed twice"))
    return out


DATED_FIELDS = {
    "labs.date": "the labs date",
    "varices.endoscopy_date": "the endoscopy date",
    "comorbidities.last_gi_bleeding_date": "the last GI bleeding date",
}


def _dates_after(case: Case, as_of: dt.date) -> list[Problem]:
    """A finding dated after the assessment date cannot inform that assessment."""
    out = []
    for path, words in DATED_FIELDS.items():
        section, _, name = path.partition(".")
        date = getattr(getattr(case, section), name, None) if getattr(case, section) else None
        if date is not None and date > as_of:
            out.append(Problem(path, f"{words} {date} is after the assessment date {as_of}"))
    dated: list[tuple[str, dt.date | None]] = [
        (f"imaging[{i}].date", s.date) for i, s in enumerate(case.imaging or [])
    ]
    dated += [
        (f"prior_therapies[{i}].date", p.date) for i, p in enumerate(case.prior_therapies or [])
    ]
    for path, date in dated:
        if date is not None and date > as_of:
            out.append(Problem(path, f"{date} is after the assessment date {as_of}"))
    return out


def _repeated(items: Iterable[Hashable]) -> list[Hashable]:
    """Values that occur more than once (linear time, first occurrence order)."""
    return [x for x, n in Counter(items).items() if n > 1]
