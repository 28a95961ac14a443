"""The criteria language compiled to Polars expressions: the same rules, over a whole cohort.

This is the vectorised twin of :mod:`.evaluate`. A compiled expression yields, per row,

- its **truth** as a nullable Polars Boolean: Kleene logic maps onto Polars null semantics
  exactly (``true & null = null``, ``false & null = false``, ``null | true = true``,
  ``~null = null``), the truth table of :mod:`.evaluate`;
- its **missing fields** as a bit mask over case field paths (:class:`FieldBits`): the fields
  whose absence made the result unknown, the ``Outcome.missing`` of the per-case evaluator.

A mask is meaningful only on the rows where the truth is null (elsewhere the per-case
``missing`` is empty and the mask is ignored). Every internal ``fact:<name>`` marker of the
per-case evaluator (an unknown fact that names no case field) is one bit, :data:`MARKER`: it is
dropped from every output, as :func:`~hepatoboard.criteria.evaluate.case_fields` drops it, but
keeps "is this set exactly {x}?" answers exact.

Facts are given as :class:`FactColumn` (a value expression, its missing mask and whether it can
be unknown); list facts over a closed vocabulary are integer bit sets, so ``contains`` is one
bit test. Nothing here knows a clinical rule: the rules come from the knowledge base, compiled
as they are written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from hepatoboard.criteria.expr import Expr, Rule

WORD = pl.UInt64
WORD_BITS = 64
MARKER = "fact:*"
"""The one bit that stands for every ``fact:<name>`` marker of the per-case evaluator."""


class FieldBits:
    """Bit positions of case field paths (and :data:`MARKER`), allocated on first use.

    ``block(prefix, n)`` reserves ``n`` consecutive bits in one word (e.g. the evidence field of
    lymph node 0..20), so a per-element bit is ``base << index`` within that word.
    """

    def __init__(self) -> None:
        self._pos: dict[str, int] = {}
        self._names: list[str | None] = []
        self.add(MARKER)

    @property
    def words(self) -> int:
        return max(1, -(-len(self._names) // WORD_BITS))

    def add(self, path: str) -> tuple[int, int]:
        """(word, bit value) of ``path``."""
        pos = self._pos.get(path)
        if pos is None:
            pos = len(self._names)
            self._pos[path] = pos
            self._names.append(path)
        return pos // WORD_BITS, 1 << (pos % WORD_BITS)

    def block(self, paths: Sequence[str]) -> tuple[int, int]:
        """Reserve consecutive bits for ``paths`` in one word; (word, bit of the first)."""
        if len(paths) > WORD_BITS:
            raise ValueError(f"a block of {len(paths)} bits does not fit in one word")
        if paths[0] in self._pos:
            return self.add(paths[0])
        used = len(self._names) % WORD_BITS
        if used and used + len(paths) > WORD_BITS:
            self._names.extend([None] * (WORD_BITS - used))
        first = self.add(paths[0])
        for p in paths[1:]:
            self.add(p)
        return first

    def mask(self, paths: Iterable[str]) -> Mask:
        out: dict[int, int] = {}
        for p in paths:
            w, b = self.add(p)
            out[w] = out.get(w, 0) | b
        return Mask(const=out)

    def named_bits(self, w: int, value: int) -> list[tuple[str, int]]:
        """(case field path, bit value) of every bit of ``value`` in word ``w`` that names a
        case field (markers dropped), in the order the bits were allocated."""
        out = []
        while value:
            low = value & -value
            name = self._names[w * WORD_BITS + low.bit_length() - 1]
            if name is not None and not name.startswith("fact:"):
                out.append((name, low))
            value ^= low
        return out

    def decode(self, words: Sequence[int | None], *, ordered: bool = False) -> list[str]:
        """The case field paths of a mask value (markers dropped), sorted as the assessment
        lists them (``ordered``: in the order the bits were allocated)."""
        out = []
        for w, value in enumerate(words):
            v = value or 0
            while v:
                low = v & -v
                name = self._names[w * WORD_BITS + low.bit_length() - 1]
                if name is not None and not name.startswith("fact:"):
                    out.append(name)
                v ^= low
        return out if ordered else sorted(out)


@dataclass(frozen=True)
class Mask:
    """A missing-field mask: constant words and expression words (OR-ed together)."""

    const: dict[int, int] = field(default_factory=dict)
    exprs: dict[int, pl.Expr] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.exprs and not any(self.const.values())

    def __or__(self, other: Mask) -> Mask:
        const = dict(self.const)
        for w, v in other.const.items():
            const[w] = const.get(w, 0) | v
        exprs = dict(self.exprs)
        for w, e in other.exprs.items():
            exprs[w] = exprs[w] | e if w in exprs else e
        return Mask(const, exprs)

    def word(self, w: int) -> pl.Expr:
        """Word ``w`` as one UInt64 expression."""
        c = self.const.get(w, 0)
        e = self.exprs.get(w)
        if e is None:
            return pl.lit(c, WORD)
        return e | pl.lit(c, WORD) if c else e

    def used_words(self) -> list[int]:
        return sorted({w for w, v in self.const.items() if v} | set(self.exprs))

    def where(self, cond: pl.Expr) -> Mask:
        """This mask on the rows where ``cond`` is true, empty elsewhere (null = false)."""
        return Mask(
            exprs={
                w: pl.when(cond).then(self.word(w)).otherwise(pl.lit(0, WORD))
                for w in self.used_words()
            }
        )

    def equals(self, other: Mask, words: int) -> pl.Expr:
        """Per row: do the two masks hold exactly the same bits?"""
        parts = [self.word(w) == other.word(w) for w in range(words)]
        return pl.all_horizontal(parts)

    def is_zero(self) -> pl.Expr:
        return pl.all_horizontal([self.word(w) == 0 for w in self.used_words()] or [pl.lit(True)])


def union(masks: Iterable[Mask]) -> Mask:
    out = Mask()
    for m in masks:
        out = out | m
    return out


@dataclass(frozen=True)
class FactColumn:
    """One fact over a cohort: its value, its missing mask (where the value is null) and
    whether it can be null at all. ``items`` is the vocabulary of a list fact held as a bit
    set (bit i = ``items[i]`` is in the list)."""

    value: pl.Expr
    mask: Mask = field(default_factory=Mask)
    nullable: bool = True
    items: tuple[str, ...] | None = None

    def member(self, item: Any) -> pl.Expr:
        """Per row: ``item in value`` (a list fact held as a bit set)."""
        assert self.items is not None
        if item not in self.items:
            return pl.when(self.value.is_null()).then(None).otherwise(pl.lit(False))
        return (self.value & pl.lit(1 << self.items.index(item), WORD)) != 0


@dataclass(frozen=True)
class Compiled:
    """A compiled expression: truth (nullable Boolean), missing mask, can it be unknown."""

    value: pl.Expr
    mask: Mask
    nullable: bool


Materialise = Callable[[str, Compiled], Compiled]


class Compiler:
    """Compiles criteria expressions against the fact columns of a cohort.

    ``materialise(key, compiled)`` (optional) may store a compiled named condition as columns
    and return column references, so a condition used by many rules is computed once.
    """

    def __init__(
        self,
        facts: Mapping[str, FactColumn],
        conditions: Mapping[str, Expr],
        materialise: Materialise | None = None,
    ) -> None:
        self.facts = facts
        self.conditions = conditions
        self.materialise = materialise
        self._refs: dict[tuple[str, tuple[tuple[str, Any], ...]], Compiled] = {}

    def __call__(self, e: Expr, bindings: Mapping[str, Any] | None = None) -> Compiled:
        return self._compile(e, dict(bindings or {}))

    def _compile(self, e: Expr, bindings: dict[str, Any]) -> Compiled:
        if e.fact is not None:
            return self._leaf(e, bindings)
        if e.ref is not None:
            return self._ref(e.ref, bindings)
        if e.all is not None:
            return self._combine([self._compile(c, bindings) for c in e.all], conjunction=True)
        if e.any is not None:
            return self._combine([self._compile(c, bindings) for c in e.any], conjunction=False)
        assert e.not_ is not None
        inner = self._compile(e.not_, bindings)
        return Compiled(~inner.value, inner.mask, inner.nullable)

    def _ref(self, name: str, bindings: dict[str, Any]) -> Compiled:
        expr = self.conditions[name]
        bound = tuple(sorted(bindings.items())) if _uses_bindings(expr, self.conditions) else ()
        key = (name, bound)
        if key not in self._refs:
            out = self._compile(expr, bindings)
            if self.materialise is not None:
                label = name + "".join(f"|{k}={v}" for k, v in bound)
                out = self.materialise(label, out)
            self._refs[key] = out
        return self._refs[key]

    def _leaf(self, e: Expr, bindings: dict[str, Any]) -> Compiled:
        assert e.fact is not None
        col = self.facts[e.fact]
        op, operand = e.leaf
        if isinstance(operand, str) and operand.startswith("$"):
            operand = bindings[operand[1:]]
        return Compiled(_compare(col, op, operand), col.mask, col.nullable)

    @staticmethod
    def _combine(children: list[Compiled], *, conjunction: bool) -> Compiled:
        if not children:  # all([]) holds, any([]) does not
            return Compiled(pl.lit(conjunction), Mask(), False)
        values = [c.value for c in children]
        value = pl.all_horizontal(values) if conjunction else pl.any_horizontal(values)
        unknown = [c for c in children if c.nullable]
        if not unknown:
            return Compiled(value, Mask(), False)
        if len(unknown) == 1:  # the whole is unknown only where this child is unknown
            return Compiled(value, unknown[0].mask, True)
        return Compiled(value, union(c.mask.where(c.value.is_null()) for c in unknown), True)


def _uses_bindings(expr: Expr, conditions: Mapping[str, Expr]) -> bool:
    seen: set[str] = set()
    stack = [expr]
    while stack:
        for n in stack.pop().walk():
            _, operand = n.leaf
            if isinstance(operand, str) and operand.startswith("$"):
                return True
            if n.ref is not None and n.ref not in seen:
                seen.add(n.ref)
                stack.append(conditions[n.ref])
    return False


def _compare(col: FactColumn, op: str | None, operand: Any) -> pl.Expr:
    """One comparison, as :func:`hepatoboard.criteria.evaluate.compare` on a known value."""
    v = col.value
    if col.items is not None:
        if op == "contains":
            return col.member(operand)
        if op is None:
            return v != 0
        raise NotImplementedError(f"comparison {op!r} on a list fact")
    if op is None:
        return v.cast(pl.Boolean)
    if op in ("eq", "ne"):
        out = v == pl.lit(operand)
        return out if op == "eq" else ~out
    if op in ("lt", "le", "gt", "ge"):
        table: dict[str, pl.Expr] = {
            "lt": v < operand,
            "le": v <= operand,
            "gt": v > operand,
            "ge": v >= operand,
        }
        return table[op]
    if op in ("in", "not_in"):
        hit = v.is_in(pl.lit(pl.Series(list(operand))).implode())
        return hit if op == "in" else ~hit
    if op == "contains":
        return v.str.contains(str(operand), literal=True)
    raise ValueError(f"unknown comparison {op}")


# ------------------------------------------------------------------------- ordered rule tables


@dataclass(frozen=True)
class CompiledClassification:
    """:func:`~hepatoboard.criteria.evaluate.classify` over a cohort: the value (null when
    unknown), the index of the winning rule (null when unknown) and the missing mask (on the
    rows where the value is null)."""

    value: pl.Expr
    rule: pl.Expr
    mask: Mask


def classify(rules: Sequence[Rule], compiled: Sequence[Compiled]) -> CompiledClassification:
    """First rule that is true wins; an unknown rule before it makes the answer unknown. The
    missing fields are those of every unknown rule up to the first true one."""
    value: Any = pl
    index: Any = pl
    masks: list[Mask] = []
    true_before: pl.Expr = pl.lit(False)
    for i, (rule, c) in enumerate(zip(rules, compiled, strict=True)):
        hit = c.value.fill_null(False)
        value = value.when(hit).then(pl.lit(rule.value))
        index = index.when(hit).then(pl.lit(i))
        if c.nullable:
            value = value.when(c.value.is_null()).then(pl.lit(None, pl.String))
            index = index.when(c.value.is_null()).then(pl.lit(None, pl.Int32))
            masks.append(c.mask.where(c.value.is_null() & ~true_before))
        true_before = true_before | hit
    if not rules:
        return CompiledClassification(pl.lit(None, pl.String), pl.lit(None, pl.Int32), Mask())
    return CompiledClassification(
        value.otherwise(pl.lit(None, pl.String)),
        index.otherwise(pl.lit(None, pl.Int32)).cast(pl.Int32),
        union(masks),
    )
