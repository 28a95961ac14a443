"""Raw access to the knowledge-base YAML files (no validation, no heavy imports).

Kept separate from :mod:`hepatoboard.knowledge.base` so the case model can read its units and
limits without loading the whole knowledge base.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

DATA_PACKAGE = "hepatoboard.knowledge.data"


@cache
def read(name: str) -> Any:
    """Parse one YAML file of the knowledge base (cached; treat the result as read-only)."""
    text = resources.files(DATA_PACKAGE).joinpath(name).read_text(encoding="utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)
