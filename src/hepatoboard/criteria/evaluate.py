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

import operator
import weakref
from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass
from typing import Any, NamedTuple

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


class _Shared:
    """What the evaluators of one case share (an evaluator and those made from it by
    :meth:`Evaluator.bind`): the outcomes of expressions that read no ``$name`` operand."""

    __slots__ = ("memo", "ref_binds", "size")

    def __init__(self) -> None:
        self.memo: dict[int, tuple[Expr, Outcome]] = {}
        self.size = -1  # len(facts) when the memo was filled: a fact added empties it
        self.ref_binds: dict[str, bool] = {}


class Evaluator:
    """Evaluates expressions against one case's facts (see module docstring).

    Each expression is compiled once into Python closures (:func:`compiled`). Within one
    evaluator and the evaluators :meth:`bind` makes from it, the outcome of an expression (a
    rule, a named condition) that reads no ``$name`` operand is computed once. A fact added to
    ``facts`` empties that memo (facts are only ever added, staging and plan facts, never
    changed)."""

    def __init__(
        self,
        facts: Mapping[str, FactValue],
        conditions: Mapping[str, Expr] | None = None,
        bindings: Mapping[str, Any] | None = None,
        *,
        _shared: _Shared | None = None,
    ) -> None:
        self.facts = facts
        self.conditions = conditions or {}
        self.bindings = bindings or {}
        self._shared = _shared or _Shared()

    def bind(self, bindings: Mapping[str, Any]) -> Evaluator:
        """The same evaluator with ``$name`` operands bound (e.g. ``$self`` = an option id)."""
        return Evaluator(
            self.facts, self.conditions, {**self.bindings, **bindings}, _shared=self._shared
        )

    def __call__(self, expr: Expr) -> Outcome:
        out = self._eval(expr)
        if out.value is not True and out.labels:
            return Outcome(out.value, out.missing)
        return out

    def truth(self, expr: Expr) -> Truth:
        """Only the truth value (no labels, no missing fields)."""
        return self._eval(expr).value

    def _eval(self, e: Expr) -> Outcome:
        key = id(e)
        sh = self._shared
        size = len(self.facts)
        if sh.size != size:
            sh.memo.clear()
            sh.size = size
        else:
            got = sh.memo.get(key)
            if got is not None and got[0] is e:
                return got[1]
        hit = _COMPILED.get(key)
        node = hit[1] if hit is not None and hit[0]() is e else compiled(e)
        out = node.fn(self)
        # Reading a ``$name`` operand: evaluated once per bound evaluator anyway, not memoised.
        if not node.binds and not (node.refs and self._refs_bind(node.refs)):
            sh.memo[key] = (e, out)
        return out

    def _refs_bind(self, refs: frozenset[str]) -> bool:
        """Whether a named condition among ``refs`` (or one it refers to) reads ``$name``."""
        known = self._shared.ref_binds
        for name in refs:
            got = known.get(name)
            if got is None:
                known[name] = True  # provisional (a cycle is refused when the KB loads)
                node = compiled(self.conditions[name])
                got = node.binds or self._refs_bind(node.refs)
                known[name] = got
            if got:
                return True
        return False


class _Node(NamedTuple):
    """A compiled expression: the closure and what is known about it without evaluating it."""

    fn: Callable[[Evaluator], Outcome]
    labelled: bool  # a node below (or a named condition it refers to) may carry a label
    binds: bool  # a leaf below reads a ``$name`` operand (named conditions not followed)
    refs: frozenset[str]  # the named conditions referred to below


# id(root expression) -> (a weak reference to it, its compiled form). The expression model is
# untouched (the Polars compiler reads the same trees); the weak reference removes the entry when
# the expression is collected and tells a reused id from the original.
_COMPILED: dict[int, tuple[weakref.ref[Expr], _Node]] = {}


def compiled(e: Expr) -> _Node:
    """The closure that evaluates ``e`` exactly as the module docstring says, built once."""
    hit = _COMPILED.get(id(e))
    if hit is not None and hit[0]() is e:
        return hit[1]
    node = _compile(e)
    key = id(e)
    _COMPILED[key] = (weakref.ref(e, lambda _: _COMPILED.pop(key, None)), node)
    return node


def _compile(e: Expr) -> _Node:
    label = e.label or None  # an empty label explains nothing (as before: never collected)
    if e.fact is not None:
        return _compile_leaf(e.fact, *e.leaf, label)
    if e.all is not None:
        return _compile_all([_compile(c) for c in e.all], label)
    if e.any is not None:
        return _compile_any([_compile(c) for c in e.any], label)
    if e.not_ is not None:
        return _compile_not(_compile(e.not_), label)
    assert e.ref is not None
    name = e.ref

    def ref(ev: Evaluator) -> Outcome:
        return ev._eval(ev.conditions[name])

    node = _Node(ref, True, False, frozenset([name]))
    return node if label is None else _with_label(node, label)


def _yes(label: str | None) -> Outcome:
    """The outcome of a node without labels below it that holds."""
    return _TRUE if label is None else Outcome(True, frozenset(), (label,))


def _with_label(node: _Node, label: str) -> _Node:
    inner = node.fn

    def labelled(ev: Evaluator) -> Outcome:
        out = inner(ev)
        if out.value is True:
            return Outcome(True, out.missing, (*out.labels, label))
        return out

    return node._replace(fn=labelled, labelled=True)


# Comparison -> (a function of two operands, whether the operand comes first); the same results
# as :func:`compare`.
_OPS: dict[str, tuple[Callable[[Any, Any], Any], bool]] = {
    "eq": (operator.eq, False),
    "ne": (operator.ne, False),
    "lt": (operator.lt, False),
    "le": (operator.le, False),
    "gt": (operator.gt, False),
    "ge": (operator.ge, False),
    "in": (operator.contains, True),
    "not_in": (lambda operand, v: v not in operand, True),
    "contains": (operator.contains, False),
}


def _compile_leaf(fact: str, op: str | None, operand: Any, label: str | None) -> _Node:
    marker = (f"fact:{fact}",)
    yes = _yes(label)
    if isinstance(operand, str) and operand.startswith("$"):
        key = operand[1:]

        def bound(ev: Evaluator) -> Outcome:
            fv = ev.facts[fact]
            if fv.value is None:
                return Outcome(None, frozenset(fv.missing or marker))
            return yes if compare(op, fv.value, ev.bindings[key]) else _FALSE

        return _Node(bound, label is not None, True, frozenset())
    if op is None:

        def flag(ev: Evaluator) -> Outcome:
            fv = ev.facts[fact]
            v = fv.value
            if v is None:
                return Outcome(None, frozenset(fv.missing or marker))
            return yes if v else _FALSE

        return _Node(flag, label is not None, False, frozenset())
    test, operand_first = _OPS[op]
    if operand_first:

        def leaf_r(ev: Evaluator) -> Outcome:
            fv = ev.facts[fact]
            v = fv.value
            if v is None:
                return Outcome(None, frozenset(fv.missing or marker))
            return yes if test(operand, v) else _FALSE

        return _Node(leaf_r, label is not None, False, frozenset())

    def leaf(ev: Evaluator) -> Outcome:
        fv = ev.facts[fact]
        v = fv.value
        if v is None:
            return Outcome(None, frozenset(fv.missing or marker))
        return yes if test(v, operand) else _FALSE

    return _Node(leaf, label is not None, False, frozenset())


def _compile_not(child: _Node, label: str | None) -> _Node:
    inner = child.fn
    yes = _yes(label)

    def not_(ev: Evaluator) -> Outcome:
        out = inner(ev)
        if out.value is None:
            return out  # an unknown outcome carries no labels
        return _FALSE if out.value else yes

    return child._replace(fn=not_, labelled=label is not None)


def _compile_all(children: list[_Node], label: str | None) -> _Node:
    """Kleene ``and``: a false child decides (false outcomes carry no labels, so the children
    after it need not be evaluated); otherwise unknown with the missing fields of every unknown
    child; otherwise true with every child's labels (then its own)."""
    fns = [c.fn for c in children]
    yes, own = _yes(label), () if label is None else (label,)

    def all_(ev: Evaluator) -> Outcome:
        unknown: list[Outcome] = []
        labels: list[str] = []
        for fn in fns:
            out = fn(ev)
            if out.value is False:
                return _FALSE
            if out.value is None:
                unknown.append(out)
            elif out.labels:
                labels.extend(out.labels)
        if unknown:
            if len(unknown) == 1:
                return unknown[0]  # an unknown outcome carries no labels
            return Outcome(None, frozenset().union(*(r.missing for r in unknown)))
        return Outcome(True, frozenset(), (*labels, *own)) if labels else yes

    return _merge(all_, children, label)


def _compile_any(children: list[_Node], label: str | None) -> _Node:
    """Kleene ``or``: true with the labels of every true child (then its own; after the first
    true child, only children that may carry a label are evaluated); otherwise unknown with the
    missing fields of every unknown child; otherwise false."""
    steps = [(c.fn, c.labelled) for c in children]
    yes, own = _yes(label), () if label is None else (label,)

    def any_(ev: Evaluator) -> Outcome:
        unknown: list[Outcome] = []
        labels: list[str] = []
        hit = False
        for fn, labelled in steps:
            if hit and not labelled:
                continue
            out = fn(ev)
            if out.value is True:
                hit = True
                labels.extend(out.labels)
            elif out.value is None and not hit:
                unknown.append(out)
        if hit:
            return Outcome(True, frozenset(), (*labels, *own)) if labels else yes
        if not unknown:
            return _FALSE
        if len(unknown) == 1:
            return unknown[0]  # an unknown outcome carries no labels
        return Outcome(None, frozenset().union(*(r.missing for r in unknown)))

    return _merge(any_, children, label)


def _merge(fn: Callable[[Evaluator], Outcome], children: list[_Node], label: str | None) -> _Node:
    return _Node(
        fn,
        label is not None or any(c.labelled for c in children),
        any(c.binds for c in children),
        frozenset().union(*(c.refs for c in children)),
    )


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
