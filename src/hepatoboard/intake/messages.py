"""Validation errors of the case model turned into one :class:`Problem` per defect, each naming
the field path and what is accepted there (with "did you mean" for misspelt keys).

Every piece of the input that a message shows (a value, a unit, a key) is cut to about
:data:`ECHO_LIMIT` characters, and at most :data:`MAX_PROBLEMS` problems are listed: a hostile
document cannot make the answer larger than the question.
"""

from __future__ import annotations

import difflib
import reprlib
from typing import Any

from pydantic import BaseModel, ValidationError

from hepatoboard.contracts.case import CASE_FORMAT, Case
from hepatoboard.contracts.errors import Problem

ECHO_LIMIT = 80
MAX_PROBLEMS = 50
_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxtuple, _REPR.maxlist, _REPR.maxdict = 2, 4, 4, 4
_REPR.maxstring = _REPR.maxother = ECHO_LIMIT
_REPR.maxlong = 40


def shown(value: Any) -> str:
    """The input as a message shows it: a bounded repr, at most about 80 characters (built in
    bounded time, however large or deep the value)."""
    text = _REPR.repr(value)
    return text if len(text) <= ECHO_LIMIT else text[: ECHO_LIMIT - 3] + "..."


def _key(part: Any) -> str:
    text = str(part)
    return text if len(text) <= ECHO_LIMIT else text[: ECHO_LIMIT - 3] + "..."


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif str(part).startswith(("function-after", "literal[", "lax-or-strict")):
            continue
        else:
            out += ("." if out else "") + _key(part)
    return out


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The pydantic model that owns the last key of ``loc`` (for 'did you mean')."""
    model: Any = Case
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = document_keys(model).get(part) if hasattr(model, "model_fields") else None
        if field is None:
            return None
        model = _inner_model(field.annotation)
        if model is None:
            return None
    return model if hasattr(model, "model_fields") else None


def document_keys(model: type[BaseModel]) -> dict[str, Any]:
    """The model's fields by their key in a case document (the alias where there is one:
    ``class``, not the Python name ``class_``)."""
    return {field.alias or name: field for name, field in model.model_fields.items()}


def _inner_model(annotation: Any) -> Any:
    from typing import get_args

    stack = [annotation]
    while stack:
        t = stack.pop()
        if isinstance(t, type) and issubclass(t, BaseModel):
            return t
        stack.extend(get_args(t))
    return None


def problems_from(exc: ValidationError) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    errors = exc.errors(include_url=False)
    for err in errors[:MAX_PROBLEMS]:
        loc = tuple(p for p in err["loc"] if not str(p).startswith("function-after"))
        path = _path(loc)
        kind = err["type"]
        if kind == "extra_forbidden":
            key = str(loc[-1])
            model = _model_at(loc)
            accepted = list(document_keys(model)) if model else []
            guess = difflib.get_close_matches(key, accepted, n=1) if len(key) < 80 else []
            hint = f"; did you mean '{guess[0]}'?" if guess else ""
            msg = f"unknown field{hint} Accepted here: {', '.join(accepted)}"
        elif kind == "missing" and path == "format":
            msg = f"required; write 'format: {CASE_FORMAT}'"
        elif kind == "missing":
            msg = "required when this entry is given"
        elif kind in ("literal_error", "enum"):
            one_of = err["msg"].replace("Input should be", "must be one of")
            msg = f"{one_of} (got {shown(err['input'])})"
        elif kind == "unit_not_accepted":
            ctx = err.get("ctx") or {}
            msg = (
                f"unit {shown(ctx.get('unit'))} is not accepted; use one of: {ctx.get('accepted')}"
            )
        elif kind == "outside_physiological_limits":
            msg = err["msg"]
        else:
            value = err.get("input")
            got = f" (got {shown(value)})" if not isinstance(value, dict | list) else ""
            msg = f"{err['msg']}{got}"
        # Union members report the same defect several times; keep one line per path and kind.
        if (path, kind) in seen:
            continue
        seen.add((path, kind))
        problems.append(Problem(path, msg))
    if len(errors) > MAX_PROBLEMS:
        more = len(errors) - MAX_PROBLEMS
        problems.append(Problem("", f"... and {more} more problem(s) not listed"))
    return _collapse_union_noise(problems)


def _collapse_union_noise(problems: list[Problem]) -> list[Problem]:
    """A value that fails every member of a union yields one error per member; keep the
    most specific one per field."""
    by_path: dict[str, list[Problem]] = {}
    for p in problems:
        by_path.setdefault(p.path, []).append(p)
    out: list[Problem] = []
    for path, group in by_path.items():
        if len(group) > 1 and path:
            out.append(Problem(path, " or ".join(dict.fromkeys(p.message for p in group))))
        else:
            out.extend(group)
    return out
