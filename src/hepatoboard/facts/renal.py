"""Kidney function: creatinine clearance by Cockcroft-Gault.

Reference: Cockcroft DW, Gault MH. Nephron 1976;16:31-41 (``cockcroft_gault1976``).

Formula: CrCl (mL/min) = (age_constant - age) x weight (kg) / (divisor x creatinine (mg/dL)),
x female_factor for women; the constants are in ``scores.yaml: creatinine_clearance``.

Known gaps: on dialysis the estimate is meaningless, so it is unknown (rules read the dialysis
fact instead); actual body weight is used (no ideal-weight correction).
"""

from __future__ import annotations

from hepatoboard.criteria.evaluate import FactValue
from hepatoboard.facts.registry import Context, Facts, Producer, combine


def _derive(ctx: Context) -> Facts:
    if ctx.value("dialysis") is True:
        return {"creatinine_clearance_ml_min": FactValue(None)}
    k = ctx.kb.scores.creatinine_clearance
    (age, weight, cr, sex), miss = combine(
        [
            (ctx.value("age"), "patient.age"),
            (ctx.value("weight_kg"), "patient.weight_kg"),
            (ctx.value("creatinine_mg_dl"), "labs.creatinine"),
            (ctx.value("sex"), "patient.sex"),
        ]
    )
    if miss:
        return {"creatinine_clearance_ml_min": FactValue(None, miss)}
    crcl = (k.age_constant - age) * weight / (k.divisor * cr)
    if sex == "female":
        crcl *= k.female_factor
    return {"creatinine_clearance_ml_min": FactValue(round(crcl, k.display_decimals))}


PRODUCER = Producer("renal", ("creatinine_clearance_ml_min",), _derive)
