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

It also holds **the exact per-case path** (:func:`per_case`): for the parts of a case too
irregular to flatten (the imaging series, and the line of therapy it can change), the rows that
have them are computed by the per-case producer itself, row by row, and the results are put
back as columns with their missing masks.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import polars as pl

from hepatoboard.cohort.frame import Facts, NewFact
from hepatoboard.criteria.evaluate import FactValue
from hepatoboard.criteria.polars import WORD, Mask

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


# ------------------------------------------------------------------ the exact per-case path


class FactRows:
    """Fact values of some rows of a cohort frame, as the per-case
    :class:`~hepatoboard.criteria.evaluate.FactValue` (each column extracted on first use; a
    list fact lists its items in vocabulary order, the missing fields are sorted)."""

    def __init__(self, f: Facts, rows: Sequence[int] | None = None) -> None:
        self.f = f
        self.frame = f.df if rows is None else f.df[list(rows)]
        self._cache: dict[str, list[FactValue]] = {}

    def get(self, name: str) -> list[FactValue]:
        if name not in self._cache:
            self._cache[name] = self._extract(name)
        return self._cache[name]

    def _extract(self, name: str) -> list[FactValue]:
        col = self.f.columns[name]
        words = col.mask.used_words()
        frame = self.frame.select(
            col.value.alias("v"), *(col.mask.word(w).alias(f"w{w}") for w in words)
        )
        out = []
        for row in frame.iter_rows():
            value = row[0]
            if value is not None and col.items is not None:
                value = [item for i, item in enumerate(col.items) if value >> i & 1]
            missing: tuple[str, ...] = ()
            if value is None:
                full = [0] * self.f.bits.words
                for w, v in zip(words, row[1:], strict=True):
                    full[w] = v
                missing = tuple(self.f.bits.decode(full))
            out.append(FactValue(value, missing))
        return out

    def row(self, k: int) -> Mapping[str, FactValue]:
        """The facts of the ``k``-th of these rows (read on demand)."""
        return _Row(self, k)


class _Row(Mapping[str, FactValue]):
    def __init__(self, rows: FactRows, k: int) -> None:
        self.rows, self.k = rows, k

    def __getitem__(self, name: str) -> FactValue:
        if name not in self.rows.f.columns:
            raise KeyError(name)
        return self.rows.get(name)[self.k]

    def __iter__(self) -> Iterator[str]:
        return iter(self.rows.f.columns)

    def __len__(self) -> int:
        return len(self.rows.f.columns)


FACT_DTYPES: dict[str, Any] = {
    "bool": pl.Boolean,
    "number": pl.Float64,
    "int": pl.Int64,
    "enum": pl.String,
    "text": pl.String,
}


def unknown_literal(f: Facts, name: str) -> pl.Expr:
    """A null of the catalogue type of fact ``name``."""
    return pl.lit(None, FACT_DTYPES[f.kb.facts[name].type])


Produce = Callable[[int, Mapping[str, FactValue]], Mapping[str, FactValue]]


def per_case(
    f: Facts, rows: pl.Series, produce: Produce, base: Mapping[str, NewFact], tag: str
) -> dict[str, NewFact]:
    """``base`` (vectorised facts), with the rows where ``rows`` is true computed by the per-case
    producer itself: ``produce(i, facts)`` gets the row index and that row's facts so far and
    returns the per-case facts. Used for the parts of a case too irregular to vectorise (the
    imaging series); each such row costs as much as the per-case path."""
    idx = rows.arg_true().to_list()
    if not idx:
        return dict(base)
    view = FactRows(f, idx)
    results = [produce(i, view.row(k)) for k, i in enumerate(idx)]
    flag = f"#x.{tag}"
    n = f.df.height
    cols: list[pl.Series] = [rows.fill_null(False).alias(flag)]
    out: dict[str, NewFact] = {}
    for name, nf in base.items():
        values = [_encode(r[name].value, nf.items) for r in results]
        masks = [f.bits.mask(r[name].missing if r[name].value is None else ()) for r in results]
        words = sorted({w for m in masks for w in m.const} | set(nf.mask.used_words()))
        vcol = f"#x.{name}"
        cols.append(_scatter(vcol, n, idx, values))
        exprs: dict[int, pl.Expr] = {}
        for w in words:
            wcol = f"#x.{name}#m{w}"
            cols.append(_scatter(wcol, n, idx, [m.const.get(w, 0) for m in masks], WORD))
            exprs[w] = pl.when(pl.col(flag)).then(pl.col(wcol)).otherwise(nf.mask.word(w))
        value = pl.when(pl.col(flag)).then(pl.col(vcol)).otherwise(nf.value)
        out[name] = NewFact(value, Mask(exprs=exprs), True, nf.items)
    f.df = f.df.with_columns(cols)
    return out


def _encode(value: Any, items: tuple[str, ...] | None) -> Any:
    if value is None or items is None:
        return value
    bits = 0
    for item in value:
        bits |= 1 << items.index(item)
    return bits


def _scatter(name: str, n: int, idx: list[int], values: list[Any], dtype: Any = None) -> pl.Series:
    given = pl.Series(name, values, dtype=dtype, strict=False)
    if given.dtype == pl.Null:
        return pl.Series(name, [None] * n, dtype=pl.Boolean)
    full = pl.Series(name, [None] * n, dtype=given.dtype)
    return full.scatter(idx, given)


def python_map(
    df: pl.DataFrame, inputs: Sequence[pl.Expr], fn: Callable[..., Any], dtype: Any
) -> pl.Series:
    """``fn(*values)`` per row, computed by Python once per distinct tuple of known inputs
    (null where an input is null)."""
    keys = df.select(pl.struct([e.alias(f"k{i}") for i, e in enumerate(inputs)]).alias("k"))
    known = keys.select(
        pl.all_horizontal(
            pl.col("k").struct.field(f"k{i}").is_not_null() for i in range(len(inputs))
        )
    ).to_series()
    distinct = keys.filter(known).unique()["k"].to_list()
    table = pl.DataFrame(
        {
            "k": pl.Series(distinct, dtype=keys.schema["k"]),
            "v": pl.Series([fn(*d.values()) for d in distinct], dtype=dtype),
        }
    )
    return keys.join(table, on="k", how="left", maintain_order="left")["v"]
