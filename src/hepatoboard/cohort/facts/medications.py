"""Twin of :mod:`hepatoboard.facts.medications` (the classes of the recorded medications;
unknown when the list is not recorded)."""

from __future__ import annotations

import polars as pl

from hepatoboard.cohort.facts.registry import Twin
from hepatoboard.cohort.frame import Facts, NewFact, bitset, vocabulary


def derive(f: Facts) -> dict[str, NewFact]:
    items = vocabulary(f.kb, "medication_classes")
    value = bitset(items, pl.col("medications"))
    return {"medication_classes": NewFact(value, f.bit("medications"), items=items)}


TWIN = Twin("medications", derive)
