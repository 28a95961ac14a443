"""Case fields that no standard code carries travel as Observations coded in hepatoboard's own
``case-field`` code system (code = the case field path, e.g. ``tumor.nodules``).

The value type follows the case field: ``valueBoolean``, ``valueInteger``, ``valueQuantity``
(numbers; the unit is in the field name), ``valueString`` (enumerations, dates, ``unknown``) and,
for lists, ``valueString`` with the items separated by ``, `` (``none`` for an empty list).
"""

from __future__ import annotations

import datetime as dt
import typing
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel

from hepatoboard.contracts.case import Case, Measurement

EMPTY_LIST = "none"


def _kinds(annotation: Any) -> tuple[set[str], type[BaseModel] | None]:
    """The value kinds an annotation allows, and the sub-model it holds (if any)."""
    kinds: set[str] = set()
    sub: type[BaseModel] | None = None
    stack = [annotation]
    while stack:
        t = stack.pop()
        origin = typing.get_origin(t)
        if origin is list:
            kinds.add("list")
        elif origin is Literal:
            kinds.add("str")
            continue
        elif isinstance(t, type) and issubclass(t, BaseModel):
            sub = t
            continue
        elif t in (bool, int, float):
            kinds.add(t.__name__)
        elif t in (str, dt.date):
            kinds.add("str")
        stack.extend(typing.get_args(t))
    return kinds, sub


def _leaf_kinds(model: type[BaseModel], prefix: str, out: dict[str, str]) -> None:
    for name, f in model.model_fields.items():
        path = f"{prefix}{name}"
        kinds, sub = _kinds(f.annotation)
        if sub is not None and issubclass(sub, Measurement):
            out[path] = "measurement"
        elif sub is not None:
            if "list" in kinds:
                out[path] = "entries"
            _leaf_kinds(sub, path + ".", out)
        elif "list" in kinds:
            out[path] = "list"
        else:
            out[path] = next((k for k in ("bool", "int", "float") if k in kinds), "str")


@cache
def field_kinds() -> dict[str, str]:
    """Case field path -> bool | int | float | str | list | measurement | entries."""
    out: dict[str, str] = {}
    _leaf_kinds(Case, "", out)
    return out


def encode(path: str, value: Any) -> dict[str, Any]:
    """The ``value[x]`` element of a case-field Observation."""
    kind = field_kinds()[path]
    if kind == "entries":  # only an empty list travels this way ("no prior therapy")
        return {"valueString": EMPTY_LIST}
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if kind == "list":
        return {"valueString": ", ".join(value) if value else EMPTY_LIST}
    if isinstance(value, int) and kind == "int":
        return {"valueInteger": value}
    if isinstance(value, int | float):
        return {"valueQuantity": {"value": value}}
    return {"valueString": value.isoformat() if isinstance(value, dt.date) else str(value)}


def decode(path: str, resource: Any) -> tuple[Any, str | None]:
    """(value, None) or (None, problem message) for a case-field Observation's value."""
    kind = field_kinds().get(path)
    if kind == "entries":
        if resource.valueString == EMPTY_LIST:
            return [], None
        return None, f"a case-field Observation for '{path}' can only say '{EMPTY_LIST}'"
    if kind is None or kind == "measurement":
        return None, f"'{path}' is not a case field carried by a case-field Observation"
    if resource.valueBoolean is not None:
        return resource.valueBoolean, None
    if resource.valueInteger is not None:
        return resource.valueInteger, None
    if resource.valueQuantity is not None and resource.valueQuantity.value is not None:
        number = resource.valueQuantity.value
        return (int(number) if kind == "int" and number == int(number) else float(number)), None
    if resource.valueString is not None:
        text = str(resource.valueString)
        if kind == "list":
            return ([] if text == EMPTY_LIST else [x.strip() for x in text.split(",")]), None
        return text, None
    return None, "needs valueBoolean, valueInteger, valueQuantity or valueString"
