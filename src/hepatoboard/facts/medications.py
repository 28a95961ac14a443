"""Medication classes from the case's ``medications`` list (``[]`` = none; absent = not
recorded, so interaction rules on them are unknown)."""

from __future__ import annotations

from hepatoboard.criteria.evaluate import FactValue
from hepatoboard.facts.registry import Context, Facts, Producer


def _derive(ctx: Context) -> Facts:
    meds = ctx.case.medications
    if meds is None:
        return {"medication_classes": FactValue(None, ("medications",))}
    return {"medication_classes": FactValue(sorted({m.class_ for m in meds}))}


PRODUCER = Producer("medications", ("medication_classes",), _derive)
