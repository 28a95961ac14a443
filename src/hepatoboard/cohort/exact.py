"""Vectorised numbers that equal the per-case Python results bit for bit.

Polars and Python agree on +, -, *, / and the natural logarithm (both call the same IEEE
arithmetic and libm). They differ on two things this module handles:

- **Rounding.** Python's ``round(x, d)`` rounds the exact binary value half to even;
  :func:`hepatoboard.scores.rounding.round_half_up` rounds the shortest decimal ``repr`` half
  up. Away from a tie both are the nearest integer of ``x * 10**d``, which Polars computes; the
  few values within float error of a tie are rounded by the Python function itself.
- **Division by a constant.** Polars multiplies by the reciprocal when the divisor is a
  scalar (``12.0 / 10.0`` gives 1.2000000000000002); :func:`divide` divides by a full column.
- **log10.** Polars and NumPy compute it differently from ``math.log10`` in the last bit, so it
  is evaluated with ``math.log10`` once per distinct value.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import polars as pl

TIE_TOLERANCE = 4e-15  # relative: a few times the float error of x * 10**d


def rounded(x: pl.Series, decimals: int, python: Callable[[float, int], float]) -> pl.Series:
    """``python(v, decimals)`` for every value of ``x`` (nulls stay null), vectorised."""
    scale = 10.0**decimals
    y = x * scale
    low = y.floor()
    frac = y - low
    near = ((frac - 0.5).abs() <= TIE_TOLERANCE * (y.abs() + 1.0)).fill_null(False)
    k = low + (frac > 0.5).cast(pl.Float64)
    fast = k / pl.Series([scale] * len(k), dtype=pl.Float64) if decimals else k
    idx = near.arg_true()
    if len(idx):
        values = [python(v, decimals) for v in x.gather(idx).to_list()]
        fast = fast.scatter(idx, pl.Series(values, dtype=pl.Float64))
    return fast.alias(x.name)


def divide(num: pl.Expr, den: float) -> pl.Expr:
    """``num / den`` with IEEE division (the divisor as a column, see the module docstring)."""
    return num / (num.is_null().cast(pl.Float64) * 0.0 + den)


def python_round(v: float, decimals: int) -> float:
    return round(v, decimals)


def log10(x: pl.Series) -> pl.Series:
    """``math.log10`` of each value (computed once per distinct value)."""
    distinct = x.drop_nulls().unique()
    logs = pl.Series([math.log10(v) for v in distinct.to_list()], dtype=pl.Float64)
    return x.replace_strict(distinct, logs, default=None, return_dtype=pl.Float64).alias(x.name)
