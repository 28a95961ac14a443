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


def contradictions(case: Case, as_of: dt.date) -> list[Problem]:
    """Facts that cannot all be true at once, or dates after the assessment date."""
    found: list[Problem] = []

    def add(path: str, msg: str) -> None:
        found.append(Problem(path, msg))

    c, s, t = case.clinical, case.symptoms, case.tumor
    if c and s and c.ascites == "none" and s.ascites_symptomatic:
        add("symptoms.ascites_symptomatic", "true contradicts clinical.ascites: none")
    if s and s.pain_nrs == 0 and s.pain_source is not None:
        add("symptoms.pain_source", "given but symptoms.pain_nrs is 0 (no pain)")
    if t and t.nodules == 1 and t.bilobar:
        add("tumor.bilobar", "true contradicts tumor.nodules: 1 (a single nodule)")
    if t and t.nodules == 0 and (t.largest_cm is not None or t.bilobar):
        add("tumor.nodules", "0 (no intrahepatic tumour) contradicts tumor size or bilobar")
    if case.lymph_nodes:
        for st in _repeated(n.station for n in case.lymph_nodes):
            add("lymph_nodes", f"station '{st}' is listed twice; give one entry per station")
    if case.distant_metastases:
        for site in _repeated(m.site for m in case.distant_metastases if m.site != "other"):
            add("distant_metastases", f"site '{site}' is listed twice; give one entry per site")
    if case.prior_therapies:
        for ln in _repeated(p.line for p in case.prior_therapies if p.line is not None):
            add("prior_therapies", f"line {ln} is given twice; one regimen per line")
        ongoing = [i for i, p in enumerate(case.prior_therapies) if p.stop_reason == "ongoing"]
        if (ongoing and ongoing[-1] != len(case.prior_therapies) - 1) or len(ongoing) > 1:
            add(
                f"prior_therapies[{ongoing[0]}].stop_reason",
                "'ongoing' is only possible for the most recent line",
            )
    v = case.varices
    if v and v.status == "none" and v.treated:
        add("varices.treated", "true contradicts varices.status: none")
    found.extend(_dates_after(case, as_of))
    return found


DATED_FIELDS = {"labs.date": "the labs date", "varices.endoscopy_date": "the endoscopy date"}


def _dates_after(case: Case, as_of: dt.date) -> list[Problem]:
    """A finding dated after the assessment date cannot inform that assessment."""
    out = []
    for path, words in DATED_FIELDS.items():
        section, _, name = path.partition(".")
        date = getattr(getattr(case, section), name, None) if getattr(case, section) else None
        if date is not None and date > as_of:
            out.append(Problem(path, f"{words} {date} is after the assessment date {as_of}"))
    return out


def _repeated(items: Iterable[Hashable]) -> list[Hashable]:
    """Values that occur more than once (linear time, first occurrence order)."""
    return [x for x, n in Counter(items).items() if n > 1]
