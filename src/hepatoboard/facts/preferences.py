"""What the patient declines (an empty list when nothing is recorded: declining is an explicit
statement, so its absence is not an unknown)."""

from __future__ import annotations

from hepatoboard.criteria.evaluate import FactValue
from hepatoboard.facts.registry import Context, Facts, Producer


def _derive(ctx: Context) -> Facts:
    prefs = ctx.case.preferences
    return {"declined": FactValue(list(prefs.declines or []) if prefs else [], ())}


PRODUCER = Producer("preferences", ("declined",), _derive)
