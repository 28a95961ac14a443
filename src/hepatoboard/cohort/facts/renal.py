"""Twin of :mod:`hepatoboard.facts.renal` (creatinine clearance, Cockcroft-Gault)."""

from __future__ import annotations

import polars as pl

from hepatoboard.cohort import scores
from hepatoboard.cohort.facts.registry import Twin
from hepatoboard.cohort.frame import WORD, Facts, NewFact
from hepatoboard.criteria.polars import Mask, union

INPUTS = (
    ("age", "patient.age"),
    ("weight_kg", "patient.weight_kg"),
    ("creatinine_mg_dl", "labs.creatinine"),
    ("sex", "patient.sex"),
)


def derive(f: Facts) -> dict[str, NewFact]:
    age, weight, cr, sex = (f.value(n) for n, _ in INPUTS)
    crcl = scores.cockcroft_gault(
        f.kb.scores.creatinine_clearance, f.df, age, weight, cr, sex == "female"
    )
    f.df = f.df.with_columns(crcl.alias("#crcl"))
    dialysis = f.value("dialysis").fill_null(False)
    known = pl.all_horizontal([f.value(n).is_not_null() for n, _ in INPUTS])
    miss = union(f.bit(path).where(f.null(n)) for n, path in INPUTS)
    value = pl.when(~dialysis & known).then(pl.col("#crcl"))
    # on dialysis the fact is unknown and names no field: the mask is empty there
    mask = Mask(
        exprs={
            w: pl.when(dialysis).then(pl.lit(0, WORD)).otherwise(miss.word(w))
            for w in miss.used_words()
        }
    )
    return {"creatinine_clearance_ml_min": NewFact(value, mask)}


TWIN = Twin("renal", derive)
