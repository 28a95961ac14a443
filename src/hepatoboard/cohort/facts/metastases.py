"""Twin of :mod:`hepatoboard.facts.metastases` (distant, non-nodal metastases)."""

from __future__ import annotations

import polars as pl

from hepatoboard.cohort.facts.registry import Twin
from hepatoboard.cohort.frame import Facts, NewFact, bitset, vocabulary


def derive(f: Facts) -> dict[str, NewFact]:
    mets = pl.col("distant_metastases")
    items = vocabulary(f.kb, "metastasis_sites")
    sites = bitset(items, mets.list.eval(pl.element().struct.field("site")))
    miss = f.bit("distant_metastases")
    bone = 1 << items.index("bone")
    return {
        "distant_metastases": NewFact(mets.list.len() > 0, miss),
        "metastasis_sites": NewFact(sites, miss, items=items),
        "bone_metastases": NewFact((sites & bone) != 0, miss),
    }


TWIN = Twin("metastases", derive)
