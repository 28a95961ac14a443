"""Structural validation of an incoming Bundle with the ``fhir.resources`` R4B models (which read
FHIR R4 data). Every problem names the resource (``Observation/lab-1``) and the element.

Structural validation checks types, cardinality and value formats of the base FHIR resources. It
is not profile conformance: mCODE or US Core constraints and terminology bindings are not checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from hepatoboard.contracts.errors import CaseError, Problem

MAX_ENTRIES = 5000  # non-clinical request limit


@dataclass(frozen=True)
class Entry:
    label: str  # "Observation/lab-1" (or "Observation at entry[3]" without an id)
    full_url: str | None
    resource: Any  # a fhir.resources R4B model


def label_of(resource_type: str, rid: str | None, index: int) -> str:
    return f"{resource_type}/{rid}" if rid else f"{resource_type} (entry[{index}])"


def _loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def model_problems(exc: ValidationError, where: str) -> list[Problem]:
    return [
        Problem(f"{where}.{_loc(e['loc'])}" if e["loc"] else where, str(e["msg"]))
        for e in exc.errors()[:20]
    ]


def validate_resource(
    data: Any, where: str, expected: str | None = None
) -> tuple[Any, list[Problem]]:
    """One resource as an R4B model, or the problems that stop it."""
    from fhir.resources.R4B import get_fhir_model_class

    if not isinstance(data, dict):
        return None, [Problem(where, "a resource must be a JSON object")]
    rtype = data.get("resourceType")
    if not isinstance(rtype, str):
        return None, [Problem(f"{where}.resourceType", "missing resourceType")]
    if expected and rtype != expected:
        return None, [Problem(f"{where}.resourceType", f"expected {expected}, got '{rtype}'")]
    try:
        model = get_fhir_model_class(rtype)
    except (ValueError, KeyError):
        return None, [Problem(f"{where}.resourceType", f"'{rtype}' is not a FHIR R4 resource type")]
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, model_problems(exc, where)
    except (TypeError, ValueError, KeyError) as exc:  # the models raise these for odd shapes
        return None, [Problem(where, f"not a valid {rtype}: {exc}")]


def read_bundle(data: Any) -> tuple[Any, list[Entry]]:
    """The Bundle and its entries, structurally validated; :class:`CaseError` otherwise."""
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        got = data.get("resourceType") if isinstance(data, dict) else type(data).__name__
        raise CaseError([Problem("resourceType", f"expected a FHIR Bundle, got '{got}'")])
    raw_entries = data.get("entry") or []
    if not isinstance(raw_entries, list):
        raise CaseError([Problem("Bundle.entry", "must be a list")])
    if len(raw_entries) > MAX_ENTRIES:
        raise CaseError([Problem("Bundle.entry", f"more than {MAX_ENTRIES} entries")])
    problems: list[Problem] = []
    entries: list[Entry] = []
    for i, e in enumerate(raw_entries):
        res = e.get("resource") if isinstance(e, dict) else None
        rid = res.get("id") if isinstance(res, dict) else None
        rtype = res.get("resourceType") if isinstance(res, dict) else None
        where = label_of(str(rtype or "resource"), rid if isinstance(rid, str) else None, i)
        model, found = validate_resource(res, where)
        problems.extend(found)
        if model is not None:
            full_url = e.get("fullUrl") if isinstance(e.get("fullUrl"), str) else None
            entries.append(Entry(where, full_url, model))
    shell = {k: v for k, v in data.items() if k != "entry"}
    bundle, found = validate_resource(shell, "Bundle", "Bundle")
    problems.extend(found)
    if problems:
        raise CaseError(problems, "FHIR Bundle")
    return bundle, entries
