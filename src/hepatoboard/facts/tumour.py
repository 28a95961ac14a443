"""Intrahepatic tumour facts beyond the case fields: whether pathology reported microvascular
invasion at all (clinical T staging stages from imaging when it did not), the total tumour
diameter and "size plus number" (largest cm + nodules: the up-to-7 / up-to-11 sums)."""

from __future__ import annotations

import math

from hepatoboard.criteria.evaluate import FactValue
from hepatoboard.facts.registry import Context, Facts, Producer, combine


def _derive(ctx: Context) -> Facts:
    mvi = ctx.value("microvascular_invasion")
    out: Facts = {"microvascular_invasion_reported": FactValue(mvi is not None)}
    out["total_diameter_cm"] = _total(ctx)
    (largest, nodules), miss = combine(
        [(ctx.value("largest_cm"), "tumor.largest_cm"), (ctx.value("nodules"), "tumor.nodules")]
    )
    out["size_plus_number"] = FactValue(None if miss else largest + nodules, miss)
    return out


def _total(ctx: Context) -> FactValue:
    """Sum of the nodule diameters: from ``tumor.sizes_cm``, or the largest when single."""
    tumor = ctx.case.tumor
    if tumor is not None and tumor.sizes_cm is not None:
        return FactValue(math.fsum(tumor.sizes_cm))
    if ctx.value("nodules") == 1 and ctx.value("largest_cm") is not None:
        return FactValue(ctx.value("largest_cm"))
    return FactValue(None, ("tumor.sizes_cm",))


PRODUCER = Producer(
    "tumour", ("microvascular_invasion_reported", "total_diameter_cm", "size_plus_number"), _derive
)
