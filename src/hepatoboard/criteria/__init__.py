"""The three-valued criteria language: syntax (:mod:`.expr`) and evaluation (:mod:`.evaluate`)."""

from hepatoboard.criteria.evaluate import (
    Classification,
    Evaluator,
    FactValue,
    Outcome,
    Truth,
    classify,
)
from hepatoboard.criteria.expr import Expr, Rule

__all__ = [
    "Classification",
    "Evaluator",
    "Expr",
    "FactValue",
    "Outcome",
    "Rule",
    "Truth",
    "classify",
]
