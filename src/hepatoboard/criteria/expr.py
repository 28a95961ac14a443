"""The criteria language: a small declarative, three-valued rule syntax over named facts.

Why: every clinical rule (a BCLC stage, an eligibility requirement, a contraindication) is written
once, as data in the knowledge base, and evaluated by one engine wherever it is used.
Missing inputs are first-class: a comparison on an unknown fact is *unknown*, and ``all`` /
``any`` / ``not`` follow Kleene's strong three-valued logic (see :mod:`.evaluate`).

Syntax (YAML)::

    {fact: ecog, le: 1}                 # comparison: eq ne lt le gt ge in not_in contains
    {fact: organ_transplant}            # a boolean fact is true
    {all: [expr, ...]}                  # and
    {any: [expr, ...]}                  # or
    {not: expr}
    {ref: preserved_liver_function}     # a named condition defined once in conditions.yaml

Any node may carry ``label: "plain clinical words"``; labels of nodes that evaluated true are
collected as the explanation. An operand ``$name`` is bound at evaluation time (``$self`` = the
option being evaluated).

Which facts exist, their types and the phase in which they are known are declared in
``knowledge/data/facts.yaml``; the knowledge-base loader checks every expression against that
catalogue (unknown fact, wrong operand type, fact not yet known in this phase).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

COMPARISONS: tuple[str, ...] = ("eq", "ne", "lt", "le", "gt", "ge", "in", "not_in", "contains")
NUMERIC_COMPARISONS: tuple[str, ...] = ("lt", "le", "gt", "ge")


class Expr(BaseModel):
    """One node of a criteria expression (validated when the knowledge base loads)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True, defer_build=True)

    fact: str | None = None
    eq: Any = None
    ne: Any = None
    lt: float | None = None
    le: float | None = None
    gt: float | None = None
    ge: float | None = None
    in_: list[Any] | None = Field(default=None, alias="in")
    not_in: list[Any] | None = None
    contains: Any = None
    all: list[Expr] | None = None
    any: list[Expr] | None = None
    not_: Expr | None = Field(default=None, alias="not")
    ref: str | None = None
    label: str | None = None

    # (comparison, operand) of a leaf, computed once: rules are evaluated very many times and
    # pydantic attribute access is slow on the hot path. A private attribute travels with
    # copies of the node (model_copy, deepcopy), unlike a cache keyed by id().
    _leaf: tuple[str | None, Any] = PrivateAttr(default=(None, None))

    @model_validator(mode="after")
    def _one_kind(self) -> Expr:
        kinds = [k for k in ("fact", "all", "any", "not_", "ref") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError(
                "an expression needs exactly one of fact / all / any / not / ref, got "
                f"{[k.rstrip('_') for k in kinds] or 'none'}"
            )
        ops = [op for op in COMPARISONS if self.operand(op) is not None]
        if self.fact is None and ops:
            raise ValueError(f"comparison {ops} needs a 'fact'")
        if len(ops) > 1:
            raise ValueError(f"one comparison per node, got {ops}")
        self._leaf = (ops[0], self.operand(ops[0])) if ops else (None, None)
        return self

    def operand(self, op: str) -> Any:
        return getattr(self, "in_" if op == "in" else op)

    @property
    def op(self) -> str | None:
        """The comparison of a leaf (None for a bare boolean fact or a composite node)."""
        return self.leaf[0]

    @property
    def leaf(self) -> tuple[str | None, Any]:
        """(comparison, operand) of a leaf node (read from pydantic's private-attribute dict
        directly: the attribute protocol costs about as much as the comparison itself)."""
        private: dict[str, Any] = self.__pydantic_private__  # type: ignore[assignment]
        leaf: tuple[str | None, Any] = private["_leaf"]
        return leaf

    def children(self) -> list[Expr]:
        if self.all is not None:
            return list(self.all)
        if self.any is not None:
            return list(self.any)
        return [self.not_] if self.not_ is not None else []

    def walk(self) -> Iterator[Expr]:
        """This node and every node below it (refs are not followed)."""
        yield self
        for child in self.children():
            yield from child.walk()

    def facts_used(self, conditions: Mapping[str, Expr] | None = None) -> set[str]:
        """Every fact name this expression reads (following refs that exist)."""
        out: set[str] = set()
        seen: set[str] = set()
        stack = [self]
        while stack:
            node = stack.pop()
            for n in node.walk():
                if n.fact is not None:
                    out.add(n.fact)
                elif n.ref is not None and conditions and n.ref in conditions and n.ref not in seen:
                    seen.add(n.ref)
                    stack.append(conditions[n.ref])
        return out

    def refs_used(self) -> set[str]:
        return {n.ref for n in self.walk() if n.ref is not None}


class Rule(BaseModel):
    """One row of a first-match classifier (a stage, a T category, ...)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    value: str
    when: Expr
    reason: str | None = None
