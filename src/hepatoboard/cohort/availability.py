"""Availability at a site over a cohort (``cohort run --site``): the badges and the available
ranking of :mod:`hepatoboard.planning.availability`, as the per-case assessment gives them.

Availability never changes a status. A badge depends on the site and the option only, so each
``availability.<option>`` column holds one value; ``plan.available_ranking`` is, per row, the
options recommended, then those considered, without those not registered at the site, the
registered-and-reimbursed ones first within each status (the per-case
``plan.availability.available_ranking``), ``;``-separated.
"""

from __future__ import annotations

import polars as pl

from hepatoboard.knowledge.base import KnowledgeBase
from hepatoboard.knowledge.schema import AvailabilitySite
from hepatoboard.planning import availability as av
from hepatoboard.planning.result import ACTIVE, ENDORSEMENT

SEP = ";"


def badges(kb: KnowledgeBase, site: AvailabilitySite) -> dict[str, str]:
    """The badge of every option at ``site`` (knowledge-base order)."""
    return {oid: av.badge(av.entry_for(site, oid)) for oid in kb.options}


def ranking_order(kb: KnowledgeBase, site: AvailabilitySite) -> list[tuple[str, str]]:
    """(status, option) in the order of the available ranking: the statuses by endorsement,
    within each the options by availability rank, then in knowledge-base order (the order
    :func:`hepatoboard.planning.availability.available_ranking` sorts into)."""
    b = badges(kb, site)
    listed = [oid for oid in kb.options if b[oid] != "not_registered"]
    by_rank = sorted(listed, key=lambda oid: av.RANK[b[oid]])
    levels = sorted(ACTIVE, key=lambda s: -ENDORSEMENT[s])
    return [(status, oid) for status in levels for oid in by_rank]


def with_availability(out: pl.DataFrame, kb: KnowledgeBase, site: str | None) -> pl.DataFrame:
    """``out`` with ``availability.<option>`` and ``plan.available_ranking`` (``site`` = None:
    unchanged, as the per-case path gives no ranking without a site)."""
    if site is None:
        return out
    profile = kb.availability[site]
    cols = [
        pl.lit(badge, pl.String).cast(pl.Categorical).alias(f"availability.{oid}")
        for oid, badge in badges(kb, profile).items()
    ]
    pieces = [
        pl.when(pl.col(f"status.{oid}") == status).then(pl.lit(oid))
        for status, oid in ranking_order(kb, profile)
    ]
    ranking = (
        pl.concat_str(pieces, separator=SEP, ignore_nulls=True) if pieces else pl.lit("")
    ).fill_null("")
    return out.with_columns(*cols, ranking.cast(pl.Categorical).alias("plan.available_ranking"))
