"""How fact producers are declared: a name (used by ``derive:`` in ``facts.yaml``), the facts
it makes, and the function. The loader checks that each producer makes exactly the facts the
catalogue declares for it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hepatoboard.criteria.evaluate import FactValue

if TYPE_CHECKING:
    from hepatoboard.contracts.case import Case
    from hepatoboard.knowledge.base import KnowledgeBase

Facts = dict[str, FactValue]


@dataclass(frozen=True)
class Context:
    """What a producer may read: the case, the knowledge base, the assessment date and the
    facts derived so far (direct case fields first, then each earlier producer's facts)."""

    case: Case
    kb: KnowledgeBase
    as_of: dt.date
    facts: Facts

    def value(self, name: str) -> Any:
        return self.facts[name].value


@dataclass(frozen=True)
class Producer:
    name: str
    produces: tuple[str, ...]
    derive: Callable[[Context], Facts]


def get(obj: Any, path: str) -> Any:
    """The value at a dotted path of a case (None when any part is absent)."""
    for part in path.split("."):
        obj = getattr(obj, part, None) if obj is not None else None
    return obj


def known(value: Any, missing: Iterable[str]) -> FactValue:
    """A fact that is unknown (carrying ``missing``) when ``value`` is None."""
    return FactValue(value, () if value is not None else tuple(missing))


def combine(inputs: Iterable[tuple[Any, str]]) -> tuple[list[Any], tuple[str, ...]]:
    """Values of several inputs and the paths of those that are unknown."""
    values, missing = [], []
    for value, path in inputs:
        values.append(value)
        if value is None:
            missing.append(path)
    return values, tuple(missing)


def kleene_any(items: Iterable[bool | None]) -> bool | None:
    """Three-valued OR, as in the criteria language: True wins over unknown."""
    seen_unknown = False
    for x in items:
        if x is True:
            return True
        if x is None:
            seen_unknown = True
    return None if seen_unknown else False
