"""Twin of :mod:`hepatoboard.facts.preferences` (what the patient declines; [] if none)."""

from __future__ import annotations

import polars as pl

from hepatoboard.cohort.facts.registry import Twin
from hepatoboard.cohort.frame import WORD, Facts, NewFact, bitset, vocabulary


def derive(f: Facts) -> dict[str, NewFact]:
    items = vocabulary(f.kb, "declined")
    value = bitset(items, pl.col("preferences.declines")).fill_null(pl.lit(0, WORD))
    return {"declined": NewFact(value, nullable=False, items=items)}


TWIN = Twin("preferences", derive)
