"""Evaluating criteria expressions against one case's facts (Kleene three-valued logic).

Truth table (``None`` = unknown), the same as SQL and Polars null logic::

    a      b      | a and b | a or b | not a
    True   None   | None    | True   | False
    False  None   | False   | None   | True
    None   None   | None    | None   | None

The result of an evaluation also says which case fields were unknown (so the caller can list
what is missing and what it blocks) and which labelled conditions were true (so the caller can
explain why). Ordered rule tables are evaluated by :func:`classify`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from typing import Any

from hepatoboard.criteria.expr import Expr, Rule

Truth = bool | None
"""Three-valued truth: True, False or None (unknown)."""


@dataclass(frozen=True)
class FactValue:
    """A named fact about the case: its value (None = unknown) and the case fields it lacks."""

    value: Any
    missing: tuple[str, ...] = ()

    @property
    def known(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class Outcome:
    """Result of evaluating an expression (immutable: known leaves share two instances)."""

    value: Truth
    missing: Set[str] = frozenset()  # case fields whose absence made it unknown
    labels: tuple[str, ...] = ()  # labels of conditions that held


_TRUE = Outcome(True)
_FALSE = Outcome(False)


def compare(op: str | None, value: Any, operand: Any) -> bool:
    """One comparison on a known value (operand types are checked when the KB loads)."""
    if op is None:
        return bool(value)
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
        if out.value is not True and out.labels:
            return Outcome(out.value, out.missing)
        return out

    def truth(self, expr: Expr) -> Truth:
        """Only the truth value (no labels, no missing fields)."""
        return self._eval(expr).value

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
            out = Outcome(value, inner.missing) if value is None else (_TRUE if value else _FALSE)
        if out.value is True and e.label:
            return Outcome(True, out.missing, (*out.labels, e.label))
        return out

    def _leaf(self, e: Expr) -> Outcome:
        assert e.fact is not None
        op, operand = e.leaf
        fv = self.facts[e.fact]
        if fv.value is None:
            return Outcome(None, frozenset(fv.missing or (f"fact:{e.fact}",)))
        if isinstance(operand, str) and operand.startswith("$"):
            operand = self.bindings[operand[1:]]
        return _TRUE if compare(op, fv.value, operand) else _FALSE

    def _combine(self, children: Sequence[Expr], *, conjunction: bool) -> Outcome:
        decisive = not conjunction  # False decides an `all`, True decides an `any`
        results = [self._eval(c) for c in children]
        hits = [r for r in results if r.value is decisive]
        if hits:
            labels = tuple(lab for r in hits for lab in r.labels)
            return Outcome(decisive, frozenset(), labels) if labels else _bool(decisive)
        unknown = [r for r in results if r.value is None]
        if unknown:
            return Outcome(None, frozenset().union(*(r.missing for r in unknown)))
        labels = tuple(lab for r in results for lab in r.labels)
        return Outcome(not decisive, frozenset(), labels) if labels else _bool(not decisive)


def _bool(value: bool) -> Outcome:
    return _TRUE if value else _FALSE


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
            reasons = ([rule.reason] if rule.reason else []) + list(out.labels)
            return Classification(rule.value, reasons, set())
    return Classification(None, [], missing)


def case_fields(missing: Set[str] | Sequence[str]) -> list[str]:
    """The case field paths among ``missing`` (drops internal ``fact:`` markers), sorted."""
    return sorted(f for f in missing if not f.startswith("fact:"))
