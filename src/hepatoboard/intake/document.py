"""Reading a case document: YAML or JSON text to plain data, with errors that name the place.

JSON is valid YAML, but a document that starts with ``{`` is parsed as JSON first for precise
messages. YAML is read with the safe loader (no arbitrary objects).
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from hepatoboard.contracts.errors import CaseError, Problem

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_document(text: str, source: str | None = None) -> Any:
    """Parse YAML (JSON is valid YAML, but is parsed as JSON first for precise messages)."""
    if "\x00" in text:
        raise CaseError([Problem("", "the document contains a NUL character")], source)
    stripped = text.lstrip()
    try:
        if stripped.startswith("{"):
            return json.loads(text)
        return yaml.load(text, Loader=_LOADER)
    except json.JSONDecodeError as exc:
        msg = f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        raise CaseError([Problem("", msg)], source) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise CaseError([Problem("", f"not valid YAML: {problem}{where}")], source) from None
