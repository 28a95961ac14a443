"""Splitting a text into case documents: a YAML or JSON list, a multi-document YAML stream,
JSON Lines, or one document (kept free of Polars: ``hepatoboard assess`` uses it)."""

from __future__ import annotations

from typing import Any

from hepatoboard.contracts.errors import CaseError, Problem
from hepatoboard.intake.document import parse_document, parse_json_line, parse_yaml_stream


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
        docs = parse_yaml_stream(text, source)  # the hardened reader, several documents allowed
    except CaseError as exc:
        return [exc]
    docs = [d for d in docs if d is not None] or [None]
    if len(docs) == 1 and isinstance(docs[0], list):
        return list(docs[0])
    return docs


def _json_line(line: str, source: str, number: int) -> Any:
    try:
        return parse_json_line(line, source)
    except CaseError as exc:
        return CaseError([Problem("", f"line {number}: {p.message}") for p in exc.problems], source)
