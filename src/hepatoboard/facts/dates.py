"""Ages of dated findings, in days before the assessment date (the intake rejects dates after
the assessment date, so these are never negative)."""

from __future__ import annotations

from hepatoboard.criteria.evaluate import FactValue
from hepatoboard.facts.registry import Context, Facts, Producer, get, known

DATED = {
    "endoscopy_age_days": "varices.endoscopy_date",
    "labs_age_days": "labs.date",
    "gi_bleeding_age_days": "comorbidities.last_gi_bleeding_date",
}


def _derive(ctx: Context) -> Facts:
    out: Facts = {}
    for name, path in DATED.items():
        date = get(ctx.case, path)
        out[name] = known((ctx.as_of - date).days if date is not None else None, (path,))
    out["gi_bleeding_dated"] = FactValue(get(ctx.case, DATED["gi_bleeding_age_days"]) is not None)
    return out


PRODUCER = Producer("dates", (*DATED, "gi_bleeding_dated"), _derive)
