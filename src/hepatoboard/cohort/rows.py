"""One flat row to a case document, and a validated case to one canonical row.

:func:`row_to_document` is the meaning of a flat row: the document the case intake validates
(``hepatoboard.intake.parse_case``). :func:`case_to_row` turns a validated
:class:`~hepatoboard.contracts.case.Case` into the canonical row the cohort engine reads
(:data:`SCHEMA`): scalar fields in their types, labs as value and normalised unit, the lists of
nodes, metastases and prior treatments as lists of structs in the order of the case, the
medication classes as a list of codes, and the imaging series as JSON text (read per row by the
exact per-case path, :mod:`hepatoboard.cohort.exact`).

A cell of a text file is read as the fast reading of :mod:`.validate` reads it: a plain integer
or decimal number (surrounding blanks ignored) is a number, ``true``/``false`` a yes/no, an ISO
date a date; any other text is passed on as text, so the case intake rejects it with its own
message.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from typing import Any

import polars as pl
from pydantic import TypeAdapter, ValidationError

from hepatoboard.cohort import layout
from hepatoboard.contracts.case import CASE_FORMAT, Case
from hepatoboard.contracts.errors import CaseError, Problem
from hepatoboard.contracts.vocab import METASTASIS_SITES, NODE_STATIONS

_BOOL = TypeAdapter(bool)

NODE_FIELDS = ("count", "short_axis_mm", "evidence", "compression")
SITE_FIELDS = ("count",)
PRIOR_FIELDS = (
    "regimen",
    "date",
    "line",
    "best_response",
    "stop_reason",
    "tolerated",
    "irae_grade",
    "irae_organ",
)
_DTYPES: dict[str, Any] = {
    "int": pl.Int64,
    "number": pl.Float64,
    "bool": pl.Boolean,
    "tristate": pl.Boolean,
    "enum": pl.String,
    "date": pl.Date,
    "text": pl.String,
    "codes": pl.List(pl.String),
    "numbers": pl.List(pl.Float64),
    "unit": pl.String,
    "json": pl.String,
}
INT = r"-?[0-9]+"
NUMBER = r"-?[0-9]+(\.[0-9]+)?"
DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"


def _struct(fields: tuple[str, ...], group: str, first: tuple[str, str] | None) -> pl.Struct:
    cols = layout.by_name()
    sample = {"lymph_nodes": NODE_STATIONS[0], "distant_metastases": METASTASIS_SITES[0]}
    out: dict[str, Any] = {}
    if first is not None:
        out[first[0]] = pl.String
    for f in fields:
        name = f"{group}.{sample.get(group, '1')}.{f}"
        out[f] = _DTYPES[cols[name].kind]
    return pl.Struct(out)


@cache
def scalar_columns() -> tuple[layout.Column, ...]:
    """The flat columns that are also canonical columns (everything but the lists)."""
    return tuple(
        col for col in layout.columns() if col.group is None and col.name not in layout.LISTS
    )


@cache
def schema() -> dict[str, Any]:
    """The canonical frame's schema: what :func:`case_to_row` returns, in Polars types."""
    out: dict[str, Any] = {col.name: _DTYPES[col.kind] for col in scalar_columns()}
    out["lymph_nodes"] = pl.List(_struct(NODE_FIELDS, "lymph_nodes", ("station", "")))
    out["distant_metastases"] = pl.List(_struct(SITE_FIELDS, "distant_metastases", ("site", "")))
    out["prior_therapies"] = pl.List(_struct(PRIOR_FIELDS, "prior_therapies", None))
    return out


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _codes(value: Any) -> Any:
    if isinstance(value, str):
        return [v.strip() for v in value.split(layout.LIST_SEPARATOR) if v.strip()]
    return list(value) if isinstance(value, list | tuple) else value


def typed(kind: str, value: Any) -> Any:
    """A text cell as the fast reading reads it (see the module docstring); anything else, and
    a typed value, as it is."""
    if not isinstance(value, str):
        return value
    s = value.strip()
    if kind == "int" and re.fullmatch(INT, s):
        return int(s)
    if kind == "number" and re.fullmatch(NUMBER, s):
        return float(s)
    if kind in ("bool", "tristate") and s in ("true", "false"):
        return s == "true"
    if kind == "tristate" and s == "unknown":
        return s
    if kind == "date" and re.fullmatch(DATE, s):
        return s
    return value


def _text_cell(name: str, value: Any) -> Any:
    """``id`` as text (a typed cell too), ``profile`` without surrounding blanks."""
    if name == "id":
        return value if isinstance(value, str) else str(value)
    return value.strip() if isinstance(value, str) else value


def _numbers(value: Any) -> Any:
    items = _codes(value)
    return [typed("number", v) for v in items] if isinstance(items, list) else items


def _special(col: layout.Column, value: Any, problems: list[Problem]) -> Any:
    """The document value of the ``medications`` and ``imaging`` columns."""
    if col.name == "medications":
        codes = _codes(value)
        if codes == [layout.NONE_WORD]:
            return []
        if isinstance(codes, list) and layout.NONE_WORD in codes:
            problems.append(Problem("medications", f"'{layout.NONE_WORD}' but classes are given"))
            return None
        return [{"class": c} for c in codes] if isinstance(codes, list) else codes
    if isinstance(value, str):
        from hepatoboard.intake.document import parse_document

        try:
            return parse_document(value, "imaging")
        except CaseError as exc:
            problems.extend(Problem("imaging", p.message) for p in exc.problems)
            return None
    return value


def _flag(row: Mapping[str, Any], name: str, problems: list[Problem]) -> bool | None:
    value = row.get(name)
    if _blank(value):
        return None
    try:
        return _BOOL.validate_python(value)
    except ValidationError:
        problems.append(Problem(name, f"must be true or false (got {value!r})"))
        return None


def _put(doc: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    target = doc
    for p in parts[:-1]:
        target = target.setdefault(p, {})
    target[parts[-1]] = value


def row_to_document(row: Mapping[str, Any]) -> dict[str, Any]:
    """The case document a flat row stands for (raises :class:`CaseError` for a row whose
    list columns do not fit together, e.g. a node size for a station not marked involved)."""
    cols = layout.by_name()
    doc: dict[str, Any] = {"format": CASE_FORMAT}
    problems: list[Problem] = []
    for col in scalar_columns():
        value = row.get(col.name)
        if _blank(value) or col.kind == "unit":
            continue
        if col.name in ("medications", "imaging"):
            value = _special(col, value, problems)
            if value is not None:
                doc[col.name] = value
            continue
        if col.kind == "codes":
            value = _codes(value)
        elif col.kind == "numbers":
            value = _numbers(value)
        else:
            value = _text_cell(col.name, value) if col.kind == "text" else typed(col.kind, value)
        if col.quantity is not None:
            unit = row.get(f"{col.name}.unit")
            value = {"value": value} if _blank(unit) else {"value": value, "unit": unit}
        _put(doc, col.name, value)
    for group, keys, fields, first in (
        ("lymph_nodes", NODE_STATIONS, NODE_FIELDS, "station"),
        ("distant_metastases", METASTASIS_SITES, SITE_FIELDS, "site"),
    ):
        entries = _keyed_entries(row, group, keys, fields, first, problems)
        if entries is not None:
            doc[group] = entries
    prior = _prior_entries(row, problems)
    if prior is not None:
        doc["prior_therapies"] = prior
    del cols
    if problems:
        raise CaseError(problems)
    return doc


def _none_word(row: Mapping[str, Any], group: str, problems: list[Problem]) -> bool:
    value = row.get(group)
    if _blank(value):
        return False
    if str(value).strip() == layout.NONE_WORD:
        return True
    problems.append(Problem(group, f"must be '{layout.NONE_WORD}' or empty (got {value!r})"))
    return False


def _keyed_entries(
    row: Mapping[str, Any],
    group: str,
    keys: tuple[str, ...],
    fields: tuple[str, ...],
    first: str,
    problems: list[Problem],
) -> list[dict[str, Any]] | None:
    cols = layout.by_name()
    none = _none_word(row, group, problems)
    stated = none
    entries = []
    for key in keys:
        flag = _flag(row, f"{group}.{key}", problems)
        stated = stated or flag is not None
        given = {f: row.get(f"{group}.{key}.{f}") for f in fields}
        given = {f: v for f, v in given.items() if not _blank(v)}
        if flag is not True:
            if given:
                problems.append(
                    Problem(
                        f"{group}.{key}", f"{', '.join(given)} given but {group}.{key} is not true"
                    )
                )
            continue
        if none:
            problems.append(Problem(group, f"'{layout.NONE_WORD}' but {group}.{key} is true"))
        entry: dict[str, Any] = {first: key}
        for f, v in given.items():
            kind = cols[f"{group}.{key}.{f}"].kind
            entry[f] = _codes(v) if f == "compression" else typed(kind, v)
        entries.append(entry)
    return entries if stated else None


def _prior_entries(row: Mapping[str, Any], problems: list[Problem]) -> list[dict[str, Any]] | None:
    cols = layout.by_name()
    none = _none_word(row, "prior_therapies", problems)
    entries = []
    for k in range(1, layout.PRIOR_SLOTS + 1):
        given = {f: row.get(f"prior_therapies.{k}.{f}") for f in PRIOR_FIELDS}
        given = {
            f: typed(cols[f"prior_therapies.{k}.{f}"].kind, v)
            for f, v in given.items()
            if not _blank(v)
        }
        if given:
            entries.append(given)
    if none and entries:
        problems.append(
            Problem("prior_therapies", f"'{layout.NONE_WORD}' but prior lines are given")
        )
    if entries or none:
        return entries
    return None


def case_to_row(case: Case) -> dict[str, Any]:
    """The canonical row of a validated case (see :func:`schema`)."""
    data = case.model_dump(mode="python", exclude={"format"})
    row: dict[str, Any] = {"id": data.get("id"), "profile": data.get("profile")}
    meds = case.medications
    row["medications"] = None if meds is None else [m.class_ for m in meds]
    studies = case.imaging
    row["imaging"] = (
        None
        if studies is None
        else json.dumps([s.model_dump(mode="json", exclude_none=True) for s in studies])
    )
    for col in scalar_columns():
        if col.name in ("id", "profile", "medications", "imaging"):
            continue
        if col.kind == "unit":
            continue
        section, _, name = col.name.partition(".")
        value = (data.get(section) or {}).get(name)
        if col.quantity is not None:
            row[f"{col.name}.unit"] = value["unit"] if value else None
            value = value["value"] if value else None
        elif col.kind == "tristate" and value == "unknown":
            value = None
        row[col.name] = value
    for group in layout.LISTS:
        row[group] = data.get(group)
    return row


def frame_from_cases(cases: list[Case]) -> pl.DataFrame:
    """The canonical frame of validated cases, one row each, in order."""
    return pl.DataFrame([case_to_row(c) for c in cases], schema=schema(), orient="row")
