"""Facts read directly from one case field each (``case:`` entries of ``facts.yaml``).

A lab measurement (``measure:``) is read in its canonical unit, converted with the knowledge
base's own factors. ``microvascular_invasion: unknown`` reads as unknown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hepatoboard.criteria.evaluate import FactValue
from hepatoboard.facts.registry import Facts, get

if TYPE_CHECKING:
    from hepatoboard.contracts.case import Case
    from hepatoboard.knowledge.base import KnowledgeBase

UNKNOWN_WORD = "unknown"  # the case contract's explicit "unknown" for tri-state fields


def direct_facts(case: Case, kb: KnowledgeBase) -> Facts:
    out: Facts = {}
    for name, spec in kb.facts.items():
        if spec.case is None:
            continue
        value: Any = get(case, spec.case)
        if value is not None and spec.measure is not None:
            q = kb.limits.quantities[spec.measure]
            unit = q.normalise_unit(value.unit)
            if unit is None:
                raise ValueError(f"{spec.case}: unit {value.unit!r} is not accepted")
            value = q.to_canonical(value.value, unit)
        if value == UNKNOWN_WORD and UNKNOWN_WORD not in (spec.values or ()):
            value = None  # an explicit "unknown" (tri-state or enum field) is unknown
        out[name] = FactValue(value, () if value is not None else (spec.case,))
    return out
