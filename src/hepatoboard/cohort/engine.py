"""The cohort kernel: canonical rows in, one output row per case out.

``assess_frame`` runs, over whole columns, what :func:`hepatoboard.pipeline.assess` runs for one
case: facts (:mod:`.facts`), scores, staging (:mod:`.staging`), the plan (:mod:`.plan`), and
the output with its missing fields (:mod:`.output`). Rows are grouped by their guideline
profile (a profile decides which status rules count); the result keeps the input order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import polars as pl

from hepatoboard.cohort import output
from hepatoboard.cohort.facts import derive
from hepatoboard.cohort.frame import Facts
from hepatoboard.cohort.plan import plan
from hepatoboard.cohort.staging import stage
from hepatoboard.criteria.polars import FieldBits
from hepatoboard.knowledge.base import KnowledgeBase
from hepatoboard.pipeline import DEFAULT_PROFILE


def resolved_profiles(df: pl.DataFrame, profile: str | None) -> pl.Series:
    """The profile each row is assessed with: ``profile``, else the row's, else the default."""
    if profile is not None:
        return pl.Series("#profile", [profile] * df.height, dtype=pl.String)
    return df.select(pl.col("profile").fill_null(DEFAULT_PROFILE).alias("#profile")).to_series()


def facts_frame(df: pl.DataFrame, kb: KnowledgeBase, as_of: dt.date) -> Facts:
    """Every case-phase fact of ``df`` (canonical rows)."""
    f = Facts(df, kb, as_of, FieldBits())
    derive(f)
    return f


def assess_frame(
    df: pl.DataFrame,
    kb: KnowledgeBase,
    as_of: dt.date,
    profile: str | None = None,
    rows: pl.Series | None = None,
    contradictions: Callable[[Facts, pl.Series], pl.Series] | None = None,
    *,
    prognosis: bool = False,
) -> pl.DataFrame:
    """One output row per canonical row of ``df`` (``rows``: their row numbers, default
    1..n). Every profile must exist in ``kb`` (the intake checks it first).
    ``contradictions(facts, rows)`` may return rows to drop once the facts are known;
    ``prognosis`` adds the median survival of every scenario (:mod:`.prognosis`)."""
    n = df.height
    row = rows if rows is not None else pl.Series(range(1, n + 1), dtype=pl.Int64)
    df = df.with_columns(row.alias("#row").cast(pl.Int64), resolved_profiles(df, profile))
    parts = []
    for name in df["#profile"].unique(maintain_order=True).to_list() or [DEFAULT_PROFILE]:
        part = df.filter(pl.col("#profile") == name)
        f = facts_frame(part, kb, as_of)
        if contradictions is not None:
            drop = contradictions(f, f.df["#row"])
            if drop.any():
                f.df = f.df.filter(~drop)
        st = stage(f)
        pc = plan(f, name)
        parts.append(output.build(f, st, pc, prognosis=prognosis))
    out = pl.concat(parts, how="vertical")
    return out.sort("row") if len(parts) > 1 else out
