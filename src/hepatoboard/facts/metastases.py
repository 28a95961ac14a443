"""Distant (non-nodal) metastasis facts. ``distant_metastases: []`` = none found; an absent
field leaves them unknown."""

from __future__ import annotations

from hepatoboard.criteria.evaluate import FactValue
from hepatoboard.facts.registry import Context, Facts, Producer

PRODUCES = ("distant_metastases", "metastasis_sites", "bone_metastases")


def _derive(ctx: Context) -> Facts:
    mets = ctx.case.distant_metastases
    if mets is None:
        return {name: FactValue(None, ("distant_metastases",)) for name in PRODUCES}
    sites = [m.site for m in mets]
    return {
        "distant_metastases": FactValue(bool(mets)),
        "metastasis_sites": FactValue(sites),
        "bone_metastases": FactValue("bone" in sites),
    }


PRODUCER = Producer("metastases", PRODUCES, _derive)
