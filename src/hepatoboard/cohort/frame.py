"""The working frame of the cohort engine: the canonical rows plus every fact as columns.

:class:`Facts` holds the Polars frame and, per fact, a
:class:`~hepatoboard.criteria.polars.FactColumn` that reads it. Producers add facts with
:meth:`Facts.add` (computed in one pass, so Polars runs them in parallel); a fact's missing
mask is stored as columns only where it varies from row to row, each word in the narrowest
unsigned integer type its set bits fit once shifted down (:class:`Narrow`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from hepatoboard.criteria.polars import (
    MARKER,
    WORD,
    Compiled,
    Compiler,
    FactColumn,
    FieldBits,
    Mask,
)
from hepatoboard.knowledge.base import KnowledgeBase

PLAIN = pl.QueryOptFlags(comm_subexpr_elim=False)
"""The query options of a pass without Polars' common-subexpression elimination. It is chosen
pass by pass: on a 250,000-row chunk of the benchmark (each pass rerun 3 times each way in
the same process, least CPU time, load average 1.8 on 2 cores), the plan's options pass
(statuses, reasons, missing fields; :func:`hepatoboard.cohort.plan._decide_all`) took 1.07 s
without it and 1.30 s with it, while the first pass of the HCC point scores took 0.80 s
without it and 0.50 s with it, the output's select 0.54 s and 0.46 s, and the smaller passes
of :meth:`Facts.add` and :meth:`Facts.store` 15-47% less with it. Once the options' reason
words were computed narrower (:func:`hepatoboard.cohort.plan._flags`), the options pass took
0.86-0.94 s without it and 0.93-0.96 s with it (2 runs each, least of 5, load average 1.2-1.4):
still without it."""


def collect(lf: pl.LazyFrame, *, cse: bool = False) -> pl.DataFrame:
    """``lf`` computed by Polars' in-memory engine (``cse``: with common-subexpression
    elimination). On the default engine a select of 120 mask-decoding expressions took 0.8 s
    of CPU at 2,000 rows (0.7 s at 250,000: a fixed cost per pass and chunk); on the in-memory
    engine, 0.01 s at 2,000 rows."""
    return lf.collect(optimizations=pl.QueryOptFlags() if cse else PLAIN, engine="in-memory")


@dataclass(frozen=True)
class NewFact:
    """A fact a producer computes: value expression, mask (where null), can it be null, and
    the vocabulary of a list fact held as a bit set."""

    value: pl.Expr
    mask: Mask = field(default_factory=Mask)
    nullable: bool = True
    items: tuple[str, ...] | None = None
    stored_mask: bool = True  # False: the mask is not stored, but computed where it is read


class Facts:
    """The canonical frame, growing with fact columns; see the module docstring."""

    def __init__(
        self, df: pl.DataFrame, kb: KnowledgeBase, as_of: dt.date, bits: FieldBits
    ) -> None:
        self.df = df
        self.kb = kb
        self.as_of = as_of
        self.bits = bits
        self.columns: dict[str, FactColumn] = {}
        self._n = 0
        self._compiler: Compiler | None = None

    def __len__(self) -> int:
        return self.df.height

    def bit(self, path: str) -> Mask:
        return self.bits.mask([path])

    def add(self, new: Mapping[str, NewFact]) -> None:
        """Compute ``new`` facts as columns (one pass, with common-subexpression elimination:
        see :data:`PLAIN`) and register them."""
        exprs: list[pl.Expr] = []
        plans: dict[str, tuple[NewFact, dict[int, str]]] = {}
        for name, nf in new.items():
            exprs.append(nf.value.alias(name))
            mask = _with_marker(nf.mask, self.bits) if nf.nullable else Mask()
            words: dict[int, str] = {}
            for w, e in mask.exprs.items() if nf.stored_mask else ():
                col = f"{name}#m{w}"
                words[w] = col
                exprs.append((e | pl.lit(mask.const.get(w, 0), WORD)).alias(col))
            plans[name] = (NewFact(nf.value, mask, nf.nullable, nf.items, nf.stored_mask), words)
        self.df = collect(self.df.lazy().with_columns(exprs), cse=True)
        fixed = self._fold([c for _, words in plans.values() for c in words.values()])
        for name, (nf, words) in plans.items():
            if nf.stored_mask:
                const = {w: v for w, v in nf.mask.const.items() if w not in words}
                mask = _folded(const, words, fixed)
            else:
                mask = nf.mask
            self.columns[name] = FactColumn(pl.col(name), mask, nf.nullable, nf.items)

    def store(
        self, values: Mapping[str, pl.Expr], masks: Mapping[str, Mask], *, cse: bool = True
    ) -> dict[str, Mask]:
        """Compute expressions and masks as columns in one pass (``cse``: with
        common-subexpression elimination, see :data:`PLAIN`); the masks, as references to
        their columns (later expressions read them instead of recomputing them)."""
        exprs = [e.alias(name) for name, e in values.items()]
        names: dict[str, dict[int, str]] = {}
        for name, mask in masks.items():
            words = {}
            for w in mask.used_words():
                col = f"{name}#m{w}"
                exprs.append(mask.word(w).alias(col))
                words[w] = col
            names[name] = words
        self.df = collect(self.df.lazy().with_columns(exprs), cse=cse) if exprs else self.df
        fixed = self._fold([c for words in names.values() for c in words.values()])
        return {name: _folded({}, words, fixed) for name, words in names.items()}

    def _fold(self, cols: list[str]) -> dict[str, int | Narrow]:
        """The mask-word columns among ``cols`` that hold the same value on every row, with
        that value; they are dropped from the frame (a constant word reads as a literal, and a
        word that is zero on every row is not read at all). A word whose set bits span at most
        32 bits on this chunk is stored narrower, shifted down (:class:`Narrow`)."""
        if not cols or not self.df.height:
            return {}
        got = collect(
            self.df.lazy().select(
                pl.col(cols).min().name.suffix("#lo"),
                pl.col(cols).max().name.suffix("#hi"),
                pl.col(cols).bitwise_or().name.suffix("#or"),
                pl.col(cols).null_count().name.suffix("#nulls"),
            )
        ).row(0)
        k = len(cols)
        lo, hi, seen, nulls = (got[i : i + k] for i in range(0, len(got), k))
        fixed: dict[str, int | Narrow] = {}
        narrow: list[pl.Expr] = []
        for c, a, b, bits, n in zip(cols, lo, hi, seen, nulls, strict=True):
            if n:
                continue
            if a == b:
                fixed[c] = a
                continue
            shift = (bits & -bits).bit_length() - 1
            dtype = next((d for d, width in NARROW if bits >> shift < 1 << width), None)
            if dtype is not None:
                fixed[c] = Narrow(c, shift)
                narrow.append((pl.col(c) // pl.lit(1 << shift, WORD)).cast(dtype))
        if fixed:
            drop = [c for c, v in fixed.items() if not isinstance(v, Narrow)]
            self.df = self.df.drop(drop).with_columns(narrow)
        return fixed

    def compiler(self) -> Compiler:
        """A compiler over the facts known so far; named conditions are stored as columns."""
        if self._compiler is None:
            self._compiler = Compiler(self.columns, self.kb.condition_exprs, self.materialise)
        return self._compiler

    def materialise(self, label: str, c: Compiled) -> Compiled:
        """Store a compiled expression as columns; returns references to them."""
        self._n += 1
        name = f"#c{self._n}"
        self.add({name: NewFact(c.value, c.mask, c.nullable)})
        col = self.columns[name]
        return Compiled(col.value, col.mask, col.nullable)

    def value(self, name: str) -> pl.Expr:
        return self.columns[name].value

    def null(self, name: str) -> pl.Expr:
        return self.columns[name].value.is_null()


NARROW = ((pl.UInt8, 8), (pl.UInt16, 16), (pl.UInt32, 32))
"""The narrower integer types a mask word is stored as, when its set bits span that many."""


@dataclass(frozen=True)
class Narrow:
    """A mask word stored narrower: the word is the column shifted up by ``shift`` bits."""

    column: str
    shift: int

    def word(self) -> pl.Expr:
        out = pl.col(self.column).cast(WORD)
        return out * pl.lit(1 << self.shift, WORD) if self.shift else out


def _folded(const: dict[int, int], words: dict[int, str], fixed: dict[str, int | Narrow]) -> Mask:
    """A mask of constant words and word columns, with the columns :meth:`Facts._fold` found
    constant read as constants (a zero word left out), and the narrowed ones widened."""
    const = dict(const)
    exprs = {}
    for w, col in words.items():
        v = fixed.get(col)
        if v is None:
            exprs[w] = pl.col(col)
        elif isinstance(v, Narrow):
            exprs[w] = v.word()
        elif v:
            const[w] = v
    return Mask(const=const, exprs=exprs)


def _with_marker(mask: Mask, bits: FieldBits) -> Mask:
    """A mask that is never empty where it is read: an unknown fact that names no case field
    stands for itself (the per-case ``fact:<name>`` marker)."""
    marker = bits.mask([MARKER])
    if not mask.exprs:
        return mask if not mask.empty else marker
    w0 = next(iter(marker.const))
    zero = mask.is_zero()
    extra = Mask(exprs={w0: pl.when(zero).then(marker.word(w0)).otherwise(pl.lit(0, WORD))})
    return mask | extra


def bitset(items: tuple[str, ...], values: pl.Expr) -> pl.Expr:
    """A list column of vocabulary items as a bit set (bit i = ``items[i]`` is present)."""
    if len(items) > 64:
        raise ValueError(f"a vocabulary of {len(items)} items does not fit a 64-bit set")
    bits = {item: 1 << i for i, item in enumerate(items)}
    return (
        values.list.eval(pl.element().replace_strict(bits, default=0, return_dtype=WORD))
        .list.eval(pl.element().bitwise_or())
        .list.first()
        .fill_null(pl.when(values.is_not_null()).then(pl.lit(0, WORD)))
    )


def vocabulary(kb: KnowledgeBase, name: str) -> tuple[str, ...]:
    """The items of a list fact of the catalogue (its values or its vocabulary)."""
    from hepatoboard.contracts import vocab

    spec = kb.facts[name]
    items: Any = spec.items
    if isinstance(items, list):
        return tuple(items)
    table = {
        "option_id": vocab.OPTION_IDS,
        "modality": vocab.MODALITIES,
        "option_or_modality": (*vocab.OPTION_IDS, *vocab.MODALITIES),
        "node_station": vocab.NODE_STATIONS,
        "metastasis_site": vocab.METASTASIS_SITES,
        "supportive_measure_id": vocab.SUPPORTIVE_MEASURE_IDS,
    }
    return tuple(table[items])
