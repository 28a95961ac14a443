"""Splitting a text into case documents: a YAML or JSON list, a multi-document YAML stream,
JSON Lines, or one document (kept free of Polars: ``hepatoboard assess`` uses it)."""

from __future__ import annotations

import json
from typing import Any

from hepatoboard.contracts.errors import CaseError, Problem
from hepatoboard.intake.document import parse_document


def split_documents(text: str, source: str) -> list[Any]:
    """The entries of ``text``: each parsed data, or a :class:`CaseError` for an entry that
    does not parse (a whole text that does not parse is one such entry)."""
    stripped = text.lstrip()
    lines = [line for line in text.splitlines() if line.strip()]
    if (
        stripped.startswith("{")
        and len(lines) > 1
        and all(x.lstrip().startswith("{") for x in lines)
    ):
        return [
            _json_line(line, source, i)
            for i, line in enumerate(text.splitlines(), 1)
            if line.strip()
        ]
    try:
        if stripped.startswith(("[", "{")):
            data = parse_document(text, source)
            return list(data) if isinstance(data, list) else [data]
        import yaml

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        try:
            docs = list(yaml.load_all(text, Loader=loader))
        except yaml.YAMLError:
            return [parse_document(text, source)]  # raises with the place of the error
    except CaseError as exc:
        return [exc]
    docs = [d for d in docs if d is not None] or [None]
    if len(docs) == 1 and isinstance(docs[0], list):
        return list(docs[0])
    return docs


def _json_line(line: str, source: str, number: int) -> Any:
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        return CaseError([Problem("", f"line {number}: not valid JSON: {exc.msg}")], source)
