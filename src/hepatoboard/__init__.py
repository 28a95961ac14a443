"""hepatoboard: decision support for hepatocellular carcinoma with lymph-node metastasis.

Public API (imported lazily so the command line starts fast)::

    from hepatoboard import assess, load_case
    result = assess(load_case("examples/seed-father.yaml"))
    result.to_json_dict()

Every name in ``__all__`` is importable from ``hepatoboard``.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hepatoboard.contracts.assessment import Assessment
    from hepatoboard.contracts.case import Case
    from hepatoboard.contracts.errors import CaseError, KnowledgeBaseError
    from hepatoboard.intake import load_case_file as load_case
    from hepatoboard.intake import parse_case
    from hepatoboard.knowledge.base import KnowledgeBase
    from hepatoboard.knowledge.load import default_knowledge, load_knowledge
    from hepatoboard.pipeline import assess, assess_many

__all__ = [
    "Assessment",
    "Case",
    "CaseError",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "assess",
    "assess_many",
    "default_knowledge",
    "load_case",
    "load_knowledge",
    "parse_case",
]

_WHERE = {
    "Assessment": ("hepatoboard.contracts.assessment", "Assessment"),
    "Case": ("hepatoboard.contracts.case", "Case"),
    "CaseError": ("hepatoboard.contracts.errors", "CaseError"),
    "KnowledgeBaseError": ("hepatoboard.contracts.errors", "KnowledgeBaseError"),
    "KnowledgeBase": ("hepatoboard.knowledge.base", "KnowledgeBase"),
    "assess": ("hepatoboard.pipeline", "assess"),
    "assess_many": ("hepatoboard.pipeline", "assess_many"),
    "default_knowledge": ("hepatoboard.knowledge.load", "default_knowledge"),
    "load_knowledge": ("hepatoboard.knowledge.load", "load_knowledge"),
    "load_case": ("hepatoboard.intake", "load_case_file"),
    "parse_case": ("hepatoboard.intake", "parse_case"),
}


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module 'hepatoboard' has no attribute {name!r}")
    return getattr(import_module(where[0]), where[1])


def __dir__() -> list[str]:
    return sorted(__all__)
