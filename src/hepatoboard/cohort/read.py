"""Reading a cohort: CSV, Parquet, JSON Lines, a YAML or JSON list, multi-document YAML, a
folder of case files, or standard input (``-``).

Two kinds of rows come out (:class:`Input`):

- **flat rows** (CSV, Parquet, and JSON Lines / list entries without a ``format`` key) in the
  layout of :mod:`.layout`, after the mapping file; they are validated vectorised
  (:mod:`.validate`);
- **case documents** (entries with a ``format`` key, e.g. ``hepatoboard-case/1.1``, and every
  case file of a folder), validated one by one by the case intake.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from hepatoboard.cohort.documents import split_documents
from hepatoboard.cohort.mapping import InputError, Mapping, apply
from hepatoboard.contracts.errors import CaseError
from hepatoboard.intake.document import parse_document

FLAT_SUFFIXES = (".csv", ".parquet", ".pq")
DOCUMENT_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass
class Input:
    """A cohort as read: flat rows (after the mapping), or case documents."""

    flat: pl.DataFrame | None = None
    documents: list[Any] = field(default_factory=list)  # parsed data, or a CaseError
    sources: list[str] = field(default_factory=list)  # where each document came from

    @property
    def rows(self) -> int:
        return self.flat.height if self.flat is not None else len(self.documents)


def read_input(path: str, mapping: Mapping | None = None) -> Input:
    """Read ``path`` (``-`` = standard input); raises :class:`InputError`."""
    if path == "-":
        return _from_text(sys.stdin.read(), "<stdin>", mapping)
    p = Path(path)
    if p.is_dir():
        return _folder(p)
    if not p.exists():
        raise InputError(f"{path}: no such file or folder")
    suffix = p.suffix.lower()
    try:
        if suffix == ".csv":
            return Input(flat=apply(pl.read_csv(p, infer_schema=False), mapping, path))
        if suffix in (".parquet", ".pq"):
            return Input(flat=apply(pl.read_parquet(p), mapping, path))
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError, pl.exceptions.PolarsError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None
    return _from_text(text, path, mapping)


def _folder(p: Path) -> Input:
    files = sorted(f for f in p.iterdir() if f.suffix.lower() in DOCUMENT_SUFFIXES)
    if not files:
        raise InputError(f"{p}: no case files (.yaml, .yml, .json) in the folder")
    out = Input()
    for f in files:
        try:
            out.documents.append(parse_document(f.read_text(encoding="utf-8"), str(f)))
        except (OSError, UnicodeDecodeError) as exc:
            out.documents.append(CaseError([_problem(exc)], str(f)))
        except CaseError as exc:
            out.documents.append(exc)
        out.sources.append(str(f))
    return out


def _problem(exc: Exception) -> Any:
    from hepatoboard.contracts.errors import Problem

    return Problem("", f"cannot read file: {exc}")


def _from_text(text: str, source: str, mapping: Mapping | None) -> Input:
    entries = split_documents(text, source)
    flat = [e for e in entries if isinstance(e, dict) and "format" not in e]
    if flat and len(flat) == len(entries):
        frame = pl.DataFrame(
            [{k: _cell(v) for k, v in e.items()} for e in flat], infer_schema_length=None
        )
        return Input(flat=apply(frame, mapping, source))
    if flat:
        raise InputError(f"{source}: mixes case documents (with 'format') and flat rows (without)")
    return Input(documents=entries, sources=[source] * len(entries))


def _cell(v: Any) -> Any:
    """A flat row's cell as text (as a CSV would hold it)."""
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return ";".join(str(x) for x in v)
    return str(v)
