"""hepatoboard: decision support for hepatocellular carcinoma with lymph-node metastasis.

Public API (imported lazily so the command line starts fast)::

    from hepatoboard import assess, load_case_file, knowledge
    result = assess(load_case_file("examples/seed-father.yaml"))
    result.to_json_dict()
"""

from __future__ import annotations

from typing import Any

__all__ = ["CaseError", "assess", "knowledge", "load_case_file", "load_case_text"]


def __getattr__(name: str) -> Any:
    if name == "assess":
        from hepatoboard.assessment import assess

        return assess
    if name in ("load_case_file", "load_case_text"):
        from hepatoboard import case

        return getattr(case, name)
    if name == "knowledge":
        from hepatoboard.knowledge.base import knowledge

        return knowledge
    if name == "CaseError":
        from hepatoboard.errors import CaseError

        return CaseError
    raise AttributeError(name)
