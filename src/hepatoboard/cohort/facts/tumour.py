"""Twin of :mod:`hepatoboard.facts.tumour` (microvascular invasion reported at all, the total
tumour diameter, size plus number)."""

from __future__ import annotations

import math

import polars as pl

from hepatoboard.cohort.exact import python_map
from hepatoboard.cohort.facts.registry import Twin
from hepatoboard.cohort.frame import Facts, NewFact
from hepatoboard.criteria.polars import union


def derive(f: Facts) -> dict[str, NewFact]:
    reported = f.value("microvascular_invasion").is_not_null()
    sizes = pl.col("tumor.sizes_cm")
    f.df = f.df.with_columns(
        python_map(f.df, [sizes], lambda s: math.fsum(s), pl.Float64).alias("#t.total")
    )
    largest, nodules = f.value("largest_cm"), f.value("nodules")
    single = (nodules == 1).fill_null(False) & largest.is_not_null()
    total = pl.when(sizes.is_not_null()).then(pl.col("#t.total")).when(single).then(largest)
    miss = union(
        [
            f.bit("tumor.largest_cm").where(largest.is_null()),
            f.bit("tumor.nodules").where(nodules.is_null()),
        ]
    )
    return {
        "microvascular_invasion_reported": NewFact(reported, nullable=False),
        "total_diameter_cm": NewFact(total, f.bit("tumor.sizes_cm")),
        "size_plus_number": NewFact(largest + nodules, miss),
    }


TWIN = Twin("tumour", derive)
