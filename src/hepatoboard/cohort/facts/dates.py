"""Twin of :mod:`hepatoboard.facts.dates` (days from dated findings to the assessment date)."""

from __future__ import annotations

import polars as pl

from hepatoboard.cohort.facts.registry import Twin
from hepatoboard.cohort.frame import Facts, NewFact
from hepatoboard.facts.dates import DATED


def derive(f: Facts) -> dict[str, NewFact]:
    out = {
        name: NewFact((pl.lit(f.as_of) - pl.col(path)).dt.total_days(), f.bit(path))
        for name, path in DATED.items()
    }
    dated = pl.col(DATED["gi_bleeding_age_days"]).is_not_null()
    out["gi_bleeding_dated"] = NewFact(dated, nullable=False)
    return out


TWIN = Twin("dates", derive)
