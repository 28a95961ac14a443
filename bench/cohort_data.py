"""Synthetic registry rows in the flat layout (vectorised; for the cohort benchmark).

Every column of the layout is filled from its type and limits, each cell missing with
probability ``missing`` (10% by default, as in the issue); labs in their canonical unit,
0-3 involved node stations (or ``none``), up to two prior lines. The values are random, not
clinical: they exercise every rule, not a population.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from hepatoboard.cohort import layout
from hepatoboard.contracts.vocab import METASTASIS_SITES, NODE_STATIONS, OPTION_IDS

AS_OF = dt.date(2026, 11, 25)
LAB_RANGES = {
    "bilirubin": (0.3, 6.0),
    "albumin": (2.0, 5.0),
    "creatinine": (0.4, 4.0),
    "sodium": (120.0, 145.0),
    "afp": (1.0, 5000.0),
    "platelets": (40.0, 400.0),
    "hbv_dna": (0.0, 1e5),
    "crp": (0.1, 10.0),
}


def _column(col: layout.Column, n: int, rng: np.random.Generator) -> pl.Series | None:
    if col.kind == "unit" or col.name in ("id", "profile"):
        return None
    b = col.bounds
    if col.kind == "int":
        lo = int(b.min if b and b.min is not None else 0)
        hi = int(b.max if b and b.max is not None else 10)
        return pl.Series(col.name, rng.integers(lo, min(hi, lo + 12) + 1, n))
    if col.kind == "number":
        if col.quantity is not None:
            lo, hi = LAB_RANGES[col.quantity]
        else:
            lo = (b.min if b.min is not None else b.min_exclusive or 0.0) if b else 0.0
            hi = min(b.max if b and b.max is not None else 100.0, lo + 60.0)
            lo = lo + 0.5 if b and b.min_exclusive is not None else lo
        return pl.Series(col.name, np.round(rng.uniform(lo, hi, n), 2))
    if col.kind in ("bool", "tristate"):
        return pl.Series(col.name, rng.random(n) < 0.3)
    if col.kind == "enum":
        values = [v for v in col.values or () if v != "unknown"]
        return _s(np.array(values, dtype=object)[rng.integers(0, len(values), n)]).alias(col.name)
    if col.kind == "date":
        days = rng.integers(0, 400, n)
        return pl.Series(col.name, [AS_OF - dt.timedelta(int(d)) for d in days], dtype=pl.Date)
    if col.kind == "codes":
        values = list(col.values or ())
        picks = rng.integers(0, len(values), n)
        return _s(np.array(values, dtype=object)[picks]).alias(col.name)
    return None


def flat_frame(n: int, seed: int = 1, missing: float = 0.1) -> pl.DataFrame:
    """``n`` synthetic flat rows (see the module docstring)."""
    rng = np.random.default_rng(seed)
    cols: dict[str, pl.Series] = {"id": pl.Series("id", [f"r{i}" for i in range(n)])}
    for col in layout.columns():
        if col.group is not None or col.name in layout.LISTS:
            continue
        s = _column(col, n, rng)
        if s is None:
            continue
        if col.quantity is not None:
            spec = layout.case_limits().quantities[col.quantity]
            cols[f"{col.name}.unit"] = pl.Series([spec.canonical] * n)
        cols[col.name] = s
    _nodes(cols, n, rng)
    _prior(cols, n, rng)
    mets = rng.random(n)
    cols["distant_metastases"] = _s(np.where(mets < 0.7, "none", None))
    for site in METASTASIS_SITES[:2]:
        cols[f"distant_metastases.{site}"] = _s(np.where(mets >= 0.7, mets > 0.85, None))
    df = _consistent(pl.DataFrame(cols))
    return df.with_columns(
        pl.when(pl.lit(pl.Series(rng.random(n) < missing))).then(None).otherwise(pl.col(c)).alias(c)
        for c in df.columns
        if c != "id" and not c.endswith(".unit") and not _structural(c)
    )


def _consistent(df: pl.DataFrame) -> pl.DataFrame:
    """Null the cells that would contradict another (contradictions.yaml): a registry has few
    contradictory rows; the benchmark measures assessment, not rejection."""
    c = pl.col
    return df.with_columns(
        pl.when(c("tumor.nodules") == 0)
        .then(1)
        .otherwise(c("tumor.nodules"))
        .alias("tumor.nodules"),
        pl.when(c("symptoms.pain_nrs") == 0)
        .then(1)
        .otherwise(c("symptoms.pain_nrs"))
        .alias("symptoms.pain_nrs"),
        pl.when(c("clinical.ascites") == "none")
        .then(None)
        .otherwise(c("symptoms.ascites_symptomatic"))
        .alias("symptoms.ascites_symptomatic"),
        pl.when(c("tumor.nodules") <= 1)
        .then(None)
        .otherwise(c("tumor.bilobar"))
        .alias("tumor.bilobar"),
        pl.when(c("performance.ecog") == 0)
        .then(None)
        .otherwise(c("clinical.encephalopathy"))
        .alias("clinical.encephalopathy"),
        pl.when(c("symptoms.pain_source") == "nodal_compression")
        .then(None)
        .otherwise(c("symptoms.pain_source"))
        .alias("symptoms.pain_source"),
    )


def _structural(name: str) -> bool:
    """A column that says which list entries exist (kept, so entries stay consistent)."""
    parts = name.split(".")
    return parts[0] in layout.LISTS and (len(parts) <= 2 or parts[-1] == "regimen")


def _s(values: np.ndarray, dtype: object = None) -> pl.Series:
    """A Series from a NumPy array that may hold None (an object array)."""
    return pl.Series(values.tolist(), dtype=dtype)  # type: ignore[arg-type]


def _nodes(cols: dict[str, pl.Series], n: int, rng: np.random.Generator) -> None:
    k = rng.integers(0, 4, n)
    cols["lymph_nodes"] = _s(np.where(k == 0, "none", None))
    stations = rng.integers(0, len(NODE_STATIONS), (n, 3))
    for j, st in enumerate(NODE_STATIONS[:12]):
        on = ((stations == j) & (np.arange(3) < k[:, None])).any(axis=1)
        cols[f"lymph_nodes.{st}"] = _s(np.where(on, True, None))
        cols[f"lymph_nodes.{st}.short_axis_mm"] = _s(
            np.where(on, np.round(rng.uniform(6, 40, n), 1), None), dtype=pl.Float64
        )
        ev = np.array(["imaging", "pet", "biopsy"], dtype=object)[rng.integers(0, 3, n)]
        cols[f"lymph_nodes.{st}.evidence"] = _s(np.where(on, ev, None))
        cols[f"lymph_nodes.{st}.count"] = _s(
            np.where(on, rng.integers(1, 4, n), None), dtype=pl.Int64
        )
        comp = np.array(["bile_duct", "pain", "portal_vein", ""], dtype=object)
        cols[f"lymph_nodes.{st}.compression"] = _s(np.where(on, comp[rng.integers(0, 4, n)], None))


def _prior(cols: dict[str, pl.Series], n: int, rng: np.random.Generator) -> None:
    lines = rng.integers(0, 3, n)
    cols["prior_therapies"] = _s(np.where(lines == 0, "none", None))
    regimens = np.array(OPTION_IDS, dtype=object)
    for k in (1, 2):
        on = lines >= k
        cols[f"prior_therapies.{k}.regimen"] = _s(
            np.where(on, regimens[rng.integers(0, len(regimens), n)], None)
        )
        cols[f"prior_therapies.{k}.line"] = _s(np.where(on, k, None), dtype=pl.Int64)
        stops = np.array(["progression", "toxicity", "completed"], dtype=object)
        cols[f"prior_therapies.{k}.stop_reason"] = _s(
            np.where(on, stops[rng.integers(0, 3, n)], None)
        )
