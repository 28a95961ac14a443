"""A small declarative, three-valued criteria language over named facts.

Why: every clinical rule (a BCLC stage, an eligibility requirement, a contraindication) is written
once, as data in the knowledge base, and evaluated the same way for one patient or for a cohort.
Missing inputs are first-class: a comparison on an unknown fact is *unknown*, and ``all``/``any``/
``not`` follow Kleene's strong three-valued logic (``False and unknown = False``,
``True or unknown = True``). The result of an evaluation also says which facts were unknown (so
the caller can list what is missing) and which labelled conditions were true (so the caller can
explain why).

Syntax (YAML)::

    {fact: ecog, le: 1}                 # comparison: eq ne lt le gt ge in not_in contains
    {fact: organ_transplant}            # a boolean fact is true
    {all: [expr, ...]}                  # and
    {any: [expr, ...]}                  # or
    {not: expr}
    {ref: preserved_liver_function}     # a named condition defined once in conditions.yaml

Any node may carry ``label: "plain clinical words"``; labels of nodes that evaluated true are
collected as the explanation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

Truth = bool | None
"""Three-valued truth: True, False or None (unknown)."""

COMPARISONS = ("eq", "ne", "lt", "le", "gt", "ge", "in", "not_in", "contains")
_LEAF: dict[int, tuple[str | None, str | None, Any]] = {}


class Expr(BaseModel):
    """One node of a criteria expression (validated when the knowledge base loads)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)

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

    @model_validator(mode="after")
    def _one_kind(self) -> Expr:
        kinds = [k for k in ("fact", "all", "any", "not_", "ref") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError(
                "an expression needs exactly one of fact / all / any / not / ref, got "
                f"{kinds or 'none'}"
            )
        ops = [op for op in COMPARISONS if self.operand(op) is not None]
        if self.fact is None and ops:
            raise ValueError(f"comparison {ops} needs a 'fact'")
        if len(ops) > 1:
            raise ValueError(f"one comparison per node, got {ops}")
        # Precomputed once: rules are evaluated very many times (a cohort), and pydantic
        # attribute access is slow on the hot path. Keyed by id(); a live Expr always has its
        # own entry because validation writes it.
        _LEAF[id(self)] = (
            self.fact,
            ops[0] if ops else None,
            self.operand(ops[0]) if ops else None,
        )
        return self

    def operand(self, op: str) -> Any:
        return getattr(self, "in_" if op == "in" else op)

    @property
    def op(self) -> str | None:
        return _LEAF[id(self)][1]

    def facts_used(self, conditions: Mapping[str, Expr] | None = None) -> set[str]:
        """Every fact name this expression reads (following refs)."""
        if self.fact is not None:
            return {self.fact}
        if self.ref is not None:
            if not conditions or self.ref not in conditions:
                return set()  # an unknown ref is reported by the knowledge-base check
            return conditions[self.ref].facts_used(conditions)
        children = self.all or self.any or ([self.not_] if self.not_ is not None else [])
        out: set[str] = set()
        for child in children:
            out |= child.facts_used(conditions)
        return out

    def refs_used(self) -> set[str]:
        if self.ref is not None:
            return {self.ref}
        children = self.all or self.any or ([self.not_] if self.not_ is not None else [])
        out: set[str] = set()
        for child in children:
            out |= child.refs_used()
        return out


@dataclass(frozen=True)
class FactValue:
    """A named fact about the case: its value (None = unknown) and the case fields it lacks."""

    value: Any
    missing: tuple[str, ...] = ()

    @property
    def known(self) -> bool:
        return self.value is not None


@dataclass
class Outcome:
    """Result of evaluating an expression."""

    value: Truth
    missing: set[str] = field(default_factory=set)  # case fields whose absence made it unknown
    labels: list[str] = field(default_factory=list)  # labels of conditions that held


def _compare(op: str | None, value: Any, operand: Any) -> bool:
    if op is None:
        if not isinstance(value, bool):
            raise TypeError(f"fact used as a condition is not boolean: {value!r}")
        return value
    if op == "eq":
        return bool(value == operand)
    if op == "ne":
        return bool(value != operand)
    if op == "lt":
        return bool(value < operand)
    if op == "le":
        return bool(value <= operand)
    if op == "gt":
        return bool(value > operand)
    if op == "ge":
        return bool(value >= operand)
    if op == "in":
        return value in operand
    if op == "not_in":
        return value not in operand
    if op == "contains":
        return operand in value
    raise ValueError(f"unknown comparison {op}")


class Evaluator:
    """Evaluates expressions against one case's facts (see module docstring)."""

    def __init__(
        self,
        facts: Mapping[str, FactValue],
        conditions: Mapping[str, Expr] | None = None,
        bindings: Mapping[str, Any] | None = None,
    ) -> None:
        self.facts = facts
        self.conditions = conditions or {}
        self.bindings = bindings or {}

    def bind(self, bindings: Mapping[str, Any]) -> Evaluator:
        """The same evaluator with ``$name`` operands bound (e.g. ``$self`` = an option id)."""
        return Evaluator(self.facts, self.conditions, {**self.bindings, **bindings})

    def __call__(self, expr: Expr) -> Outcome:
        out = self._eval(expr)
        if out.value is not True:
            out.labels = []
        return out

    def _eval(self, e: Expr) -> Outcome:
        if e.fact is not None:
            out = self._leaf(e)
        elif e.ref is not None:
            out = self._eval(self.conditions[e.ref])
        elif e.all is not None:
            out = self._combine(e.all, conjunction=True)
        elif e.any is not None:
            out = self._combine(e.any, conjunction=False)
        else:
            assert e.not_ is not None
            inner = self._eval(e.not_)
            value = None if inner.value is None else not inner.value
            out = Outcome(value, inner.missing if value is None else set())
        if out.value is True and e.label:
            out.labels = [*out.labels, e.label]
        return out

    def _leaf(self, e: Expr) -> Outcome:
        fact, op, operand = _LEAF[id(e)]
        try:
            fv = self.facts[fact]
        except KeyError:
            raise KeyError(f"unknown fact '{fact}' in a knowledge-base rule") from None
        if fv.value is None:
            return Outcome(None, set(fv.missing) or {f"fact:{fact}"})
        if isinstance(operand, str) and operand.startswith("$"):
            operand = self.bindings[operand[1:]]
        return Outcome(_compare(op, fv.value, operand))

    def _combine(self, children: Sequence[Expr], *, conjunction: bool) -> Outcome:
        decisive = not conjunction  # False decides an `all`, True decides an `any`
        results = [self._eval(c) for c in children]
        hits = [r for r in results if r.value is decisive]
        if hits:
            labels = [lab for r in hits for lab in r.labels]
            return Outcome(decisive, set(), labels)
        unknown = [r for r in results if r.value is None]
        if unknown:
            missing: set[str] = set()
            for r in unknown:
                missing |= r.missing
            return Outcome(None, missing)
        labels = [lab for r in results for lab in r.labels]
        return Outcome(not decisive, set(), labels)


class Rule(BaseModel):
    """One row of a first-match classifier (a stage, a T category, ...)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: str
    when: Expr
    reason: str | None = None


@dataclass
class Classification:
    value: str | None
    reasons: list[str]
    missing: set[str]


def classify(rules: Sequence[Rule], evaluate: Evaluator) -> Classification:
    """First rule that is true wins. An unknown rule before it makes the answer unknown.

    This is the honest reading of an ordered rule table: if an earlier rule *might* hold, we
    cannot claim a later one. The missing fields of every unknown rule up to the first true one
    are reported, so the user learns everything that blocks the decision at once.
    """
    missing: set[str] = set()
    blocked = False
    for rule in rules:
        out = evaluate(rule.when)
        if out.value is None:
            blocked = True
            missing |= out.missing
        elif out.value:
            if blocked:
                return Classification(None, [], missing)
            reasons = ([rule.reason] if rule.reason else []) + out.labels
            return Classification(rule.value, reasons, set())
    return Classification(None, [], missing)
