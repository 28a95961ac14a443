"""The flat column layout of registry files (CSV, Parquet), read from the case model.

One row is one case. Column names are the case's dotted field paths (``patient.age``,
``labs.bilirubin``), so a problem found by the case intake names the column it came from. The
layout is generated from :class:`~hepatoboard.contracts.case.Case` (types, allowed values) and
``case_limits.yaml`` (ranges), so it cannot drift from the case contract (``docs/cohort.md``):

- a lab is two columns: ``labs.<lab>`` (the value) and ``labs.<lab>.unit``;
- a list of codes (``diagnosis.etiology``, ``preferences.declines``) is one column, the codes
  separated by ``;``;
- lymph nodes by station: ``lymph_nodes.<station>`` (true = involved, false = not involved)
  with ``lymph_nodes.<station>.count`` / ``.short_axis_mm`` / ``.evidence`` / ``.compression``;
  ``lymph_nodes: none`` says imaging showed no nodal disease;
- distant metastases by site: ``distant_metastases.<site>`` and ``.count``;
  ``distant_metastases: none``;
- prior lines in slots ``prior_therapies.<k>.<field>`` (k = 1..:data:`PRIOR_SLOTS`, most recent
  last); ``prior_therapies: none``;
- a list of numbers (``tumor.sizes_cm``) is one column, the numbers separated by ``;``;
- ``medications``: ``none`` or the medication classes separated by ``;`` (names are not read:
  no rule uses them);
- ``imaging``: the case's ``imaging`` list as JSON text (too irregular to flatten; such a row is
  always read by the case intake itself).

An empty cell is unknown, never normal.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel

from hepatoboard.contracts import case as c
from hepatoboard.contracts.vocab import MEDICATION_CLASSES, METASTASIS_SITES, NODE_STATIONS
from hepatoboard.knowledge.load import case_limits
from hepatoboard.knowledge.units import Bounds

Kind = Literal[
    "int", "number", "bool", "enum", "date", "text", "codes", "numbers", "unit", "tristate", "json"
]
PRIOR_SLOTS = 6
NONE_WORD = "none"  # ``lymph_nodes: none`` = the list is given and empty
LIST_SEPARATOR = ";"
SECTIONS: tuple[str, ...] = (
    "patient",
    "diagnosis",
    "performance",
    "clinical",
    "labs",
    "tumor",
    "varices",
    "comorbidities",
    "symptoms",
    "preferences",
)
LISTS: dict[str, type[BaseModel]] = {
    "lymph_nodes": c.LymphNode,
    "distant_metastases": c.DistantMetastasis,
    "prior_therapies": c.PriorTherapy,
}


@dataclass(frozen=True)
class Column:
    """One column of the flat layout."""

    name: str
    kind: Kind
    description: str
    values: tuple[str, ...] | None = None  # enum / codes / unit: the accepted values
    bounds: Bounds | None = None
    quantity: str | None = None  # a lab value or unit column: its quantity in case_limits
    group: str | None = None  # lymph_nodes / distant_metastases / prior_therapies


def _unwrap(t: Any) -> Any:
    """The type inside ``Optional`` / ``Annotated``; a tuple for a real union."""
    while True:
        origin = get_origin(t)
        if origin is typing.Annotated:
            t = get_args(t)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in get_args(t) if a is not type(None)]
            if len(args) > 1:
                return tuple(args)
            t = args[0]
        else:
            return t


def _kind(annotation: Any) -> tuple[Kind, tuple[str, ...] | None, type[c.Measurement] | None]:
    t = _unwrap(annotation)
    if isinstance(t, tuple):  # bool | Literal["unknown"]
        return "tristate", ("true", "false", "unknown"), None
    if isinstance(t, type) and issubclass(t, c.Measurement):
        return "number", None, t
    if t is bool:
        return "bool", None, None
    if t is int:
        return "int", None, None
    if t is float:
        return "number", None, None
    if t is dt.date:
        return "date", None, None
    if t is str:
        return "text", None, None
    if get_origin(t) is Literal:
        return "enum", tuple(str(a) for a in get_args(t)), None
    if get_origin(t) is list and _unwrap(get_args(t)[0]) is float:
        return "numbers", None, None
    if get_origin(t) is list:
        items: list[str] = []
        for member in _members(get_args(t)[0]):
            items.extend(str(a) for a in get_args(member))
        return "codes", tuple(items), None
    raise TypeError(f"no flat column for {annotation!r}")


def _members(t: Any) -> list[Any]:
    if get_origin(t) is Literal:
        return [t]
    return [a for a in get_args(t) if get_origin(a) is Literal]


def _field_columns(
    model: type[BaseModel], prefix: str, limits_prefix: str, group: str | None, skip: str = ""
) -> Iterator[Column]:
    limits = case_limits()
    for name, f in model.model_fields.items():
        if name == skip:
            continue
        kind, values, measurement = _kind(f.annotation)
        path = f"{prefix}{name}"
        desc = f.description or name.replace("_", " ")
        bounds = limits.numbers.get(f"{limits_prefix}{name}")
        if measurement is not None:
            q = measurement.quantity
            spec = limits.quantities[q]
            yield Column(path, "number", f"{q} value (unit in {path}.unit)", None, None, q, group)
            units = (*spec.units, *spec.aliases)
            yield Column(f"{path}.unit", "unit", f"unit of {path}", units, None, q, group)
            continue
        yield Column(path, kind, desc, values, bounds, None, group)


@cache
def columns() -> tuple[Column, ...]:
    """Every column of the flat layout, in a stable order."""
    out = [
        Column("id", "text", "case identifier (at most 200 characters)"),
        Column("profile", "text", "guideline profile (see `hepatoboard knowledge`)"),
    ]
    for section in SECTIONS:
        model = _inner(c.Case.model_fields[section].annotation)
        out.extend(_field_columns(model, f"{section}.", f"{section}.", None))
    none = (NONE_WORD,)
    out.append(Column("lymph_nodes", "enum", "'none': imaging shows no nodal disease", none))
    for st in NODE_STATIONS:
        out.append(
            Column(
                f"lymph_nodes.{st}", "bool", f"{st} nodes involved", None, None, None, "lymph_nodes"
            )
        )
        out.extend(
            _field_columns(
                c.LymphNode, f"lymph_nodes.{st}.", "lymph_nodes.", "lymph_nodes", "station"
            )
        )
    out.append(Column("distant_metastases", "enum", "'none': no distant metastasis", none))
    for site in METASTASIS_SITES:
        out.append(
            Column(
                f"distant_metastases.{site}",
                "bool",
                f"{site} metastases",
                None,
                None,
                None,
                "distant_metastases",
            )
        )
        out.extend(
            _field_columns(
                c.DistantMetastasis,
                f"distant_metastases.{site}.",
                "distant_metastases.",
                "distant_metastases",
                "site",
            )
        )
    out.append(Column("prior_therapies", "enum", "'none': no previous treatment", none))
    for k in range(1, PRIOR_SLOTS + 1):
        out.extend(
            _field_columns(
                c.PriorTherapy, f"prior_therapies.{k}.", "prior_therapies.", "prior_therapies"
            )
        )
    out.append(
        Column(
            "medications",
            "codes",
            "'none', or the medication classes (';'-separated) of the current medications",
            (NONE_WORD, *MEDICATION_CLASSES),
        )
    )
    out.append(Column("imaging", "json", "the case's imaging list (studies) as JSON text"))
    return tuple(out)


def _inner(annotation: Any) -> type[BaseModel]:
    t = _unwrap(annotation)
    assert isinstance(t, type) and issubclass(t, BaseModel)
    return t


@cache
def by_name() -> dict[str, Column]:
    return {col.name: col for col in columns()}


def json_schema() -> dict[str, Any]:
    """The JSON Schema of one row of the flat layout (``hepatoboard schema cohort``)."""
    props: dict[str, Any] = {}
    for col in columns():
        props[col.name] = _column_schema(col)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://hepatoboard.org/schema/hepatoboard-cohort-row-1.json",
        "title": "hepatoboard cohort row (flat layout of hepatoboard-case/1)",
        "description": (
            "One registry row = one case. Every column is optional; an empty cell is unknown. "
            "Lists of codes are separated by ';'. See docs/cohort.md."
        ),
        "type": "object",
        "additionalProperties": False,
        "properties": props,
    }


def _column_schema(col: Column) -> dict[str, Any]:
    base: dict[str, Any] = {"description": col.description}
    if col.kind == "int":
        base["type"] = ["integer", "null"]
    elif col.kind == "number":
        base["type"] = ["number", "null"]
    elif col.kind == "bool":
        base["type"] = ["boolean", "null"]
    elif col.kind == "tristate":
        base["oneOf"] = [{"type": "boolean"}, {"const": "unknown"}, {"type": "null"}]
    elif col.kind == "date":
        base.update(type=["string", "null"], format="date")
    elif col.kind == "codes":
        assert col.values is not None
        base.update(
            type=["string", "null"],
            pattern=_codes_pattern(col.values),
            description=f"{col.description}; ';'-separated codes: {', '.join(col.values)}",
        )
    elif col.kind == "numbers":
        base.update(
            type=["string", "null"],
            pattern=r"^\s*[0-9.]+(\s*;\s*[0-9.]+)*\s*$",
            description=f"{col.description}; ';'-separated numbers",
        )
    elif col.kind == "json":
        base.update(type=["string", "null"], contentMediaType="application/json")
    elif col.kind in ("enum", "unit"):
        base["enum"] = [*(col.values or ()), None]
    else:
        base["type"] = ["string", "null"]
        if col.name == "id":
            base["maxLength"] = 200
    b = col.bounds
    if b is not None and col.kind in ("int", "number"):
        if b.min is not None:
            base["minimum"] = b.min
        if b.min_exclusive is not None:
            base["exclusiveMinimum"] = b.min_exclusive
        if b.max is not None:
            base["maximum"] = b.max
    if col.quantity is not None and col.kind == "number":
        spec = case_limits().quantities[col.quantity]
        base["description"] += f"; accepted: {spec.range_text()}"
    return base


def _codes_pattern(values: tuple[str, ...]) -> str:
    import re

    one = "(" + "|".join(re.escape(v) for v in values) + ")"
    return f"^\\s*{one}(\\s*;\\s*{one})*\\s*$"
