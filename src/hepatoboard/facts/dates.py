"""Ages of dated findings, in days before the assessment date (the intake rejects dates after
the assessment date, so these are never negative)."""

from __future__ import annotations

from hepatoboard.facts.registry import Context, Facts, Producer, get, known

DATED = {"endoscopy_age_days": "varices.endoscopy_date", "labs_age_days": "labs.date"}


def _derive(ctx: Context) -> Facts:
    out: Facts = {}
    for name, path in DATED.items():
        date = get(ctx.case, path)
        out[name] = known((ctx.as_of - date).days if date is not None else None, (path,))
    return out


PRODUCER = Producer("dates", tuple(DATED), _derive)
