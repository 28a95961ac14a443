"""Twin of :mod:`hepatoboard.facts.direct`: the ``case:`` facts of the catalogue, read
generically (a lab in its canonical unit with the knowledge base's factors; an explicit
``unknown`` is unknown)."""

from __future__ import annotations

import polars as pl

from hepatoboard.cohort.exact import python_round, rounded
from hepatoboard.cohort.frame import Facts, NewFact, bitset, vocabulary
from hepatoboard.facts.direct import UNKNOWN_WORD


def derive(f: Facts) -> dict[str, NewFact]:
    kb = f.kb
    canonical: dict[str, pl.Series] = {}
    for name, spec in kb.facts.items():
        if spec.case is None or spec.measure is None:
            continue
        q = kb.limits.quantities[spec.measure]
        factors = {u: q.units[u] for u in q.units}
        raw = f.df.select(
            pl.col(spec.case)
            * pl.col(f"{spec.case}.unit").replace_strict(
                factors, default=None, return_dtype=pl.Float64
            )
        ).to_series()
        canonical[f"#{name}"] = rounded(raw, q.decimals, python_round)
    f.df = f.df.with_columns(**canonical)
    out: dict[str, NewFact] = {}
    for name, spec in kb.facts.items():
        if spec.case is None:
            continue
        value = pl.col(f"#{name}") if spec.measure is not None else pl.col(spec.case)
        items = None
        if spec.type == "list":
            items = vocabulary(kb, name)
            value = bitset(items, value)
        elif spec.type in ("enum", "text") and UNKNOWN_WORD not in (spec.values or ()):
            value = pl.when(value == UNKNOWN_WORD).then(None).otherwise(value)
        out[name] = NewFact(value, f.bit(spec.case), True, items)
    return out
