"""Read a case from YAML or JSON text and validate it completely.

All defects are collected and reported together, each naming its field, so a registry team can
fix a file in one pass. Contradictory facts (e.g. "no ascites" but "symptomatic ascites") are
defects too: a plan computed from contradictory input would be computed from garbage.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from hepatoboard.case.model import CASE_FORMAT, Case
from hepatoboard.errors import CaseError, Problem

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


def parse_case(data: Any, source: str | None = None, today: dt.date | None = None) -> Case:
    """Validate a parsed document into a :class:`Case`, or raise :class:`CaseError`."""
    if not isinstance(data, dict):
        got = type(data).__name__ if data is not None else "an empty document"
        raise CaseError(
            [Problem("", f"a case must be a mapping with 'format: {CASE_FORMAT}', got {got}")],
            source,
        )
    try:
        case = Case.model_validate(data)
    except ValidationError as exc:
        raise CaseError(_problems_from(exc, data), source) from None
    problems = contradictions(case, today or dt.date.today())
    if problems:
        raise CaseError(problems, source)
    return case


def load_case_text(text: str, source: str | None = None) -> Case:
    return parse_case(parse_document(text, source), source)


def load_case_file(path: str | Path) -> Case:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CaseError([Problem("", f"cannot read file: {exc}")], str(path)) from None
    return load_case_text(text, str(path))


# -- messages ---------------------------------------------------------------------------------


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif str(part).startswith(("function-after", "literal[", "lax-or-strict")):
            continue
        else:
            out += ("." if out else "") + str(part)
    return out


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The pydantic model that owns the last key of ``loc`` (for 'did you mean')."""
    model: Any = Case
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if hasattr(model, "model_fields") else None
        if field is None:
            return None
        model = _inner_model(field.annotation)
        if model is None:
            return None
    return model if hasattr(model, "model_fields") else None


def _inner_model(annotation: Any) -> Any:
    from typing import get_args

    stack = [annotation]
    while stack:
        t = stack.pop()
        if isinstance(t, type) and issubclass(t, BaseModel):
            return t
        stack.extend(get_args(t))
    return None


def _problems_from(exc: ValidationError, data: Any) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not str(p).startswith("function-after"))
        path = _path(loc)
        kind = err["type"]
        if kind == "extra_forbidden":
            key = str(loc[-1])
            model = _model_at(loc)
            accepted = list(model.model_fields) if model else []
            guess = difflib.get_close_matches(key, accepted, n=1)
            hint = f"; did you mean '{guess[0]}'?" if guess else ""
            msg = f"unknown field{hint} Accepted here: {', '.join(accepted)}"
        elif kind == "missing" and path == "format":
            msg = f"required; write 'format: {CASE_FORMAT}'"
        elif kind == "missing":
            msg = "required when this entry is given"
        elif kind in ("literal_error", "enum"):
            msg = (
                f"{err['msg'].replace('Input should be', 'must be one of')} (got {err['input']!r})"
            )
        elif kind.startswith(("unit_not", "outside_phys")):
            msg = err["msg"]
        else:
            shown = err.get("input")
            got = f" (got {shown!r})" if not isinstance(shown, dict | list) else ""
            msg = f"{err['msg']}{got}"
        # Union members report the same defect several times; keep one line per path and kind.
        if (path, kind) in seen:
            continue
        seen.add((path, kind))
        problems.append(Problem(path, msg))
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


# -- contradictions ---------------------------------------------------------------------------


def contradictions(case: Case, today: dt.date) -> list[Problem]:
    """Facts that cannot all be true at once, or dates in the future."""
    found: list[Problem] = []

    def add(path: str, msg: str) -> None:
        found.append(Problem(path, msg))

    c, s, t = case.clinical, case.symptoms, case.tumor
    if c and s and c.ascites == "none" and s.ascites_symptomatic:
        add("symptoms.ascites_symptomatic", "true contradicts clinical.ascites: none")
    if s and s.pain_nrs == 0 and s.pain_source is not None:
        add("symptoms.pain_source", "given but symptoms.pain_nrs is 0 (no pain)")
    if t and t.nodules == 1 and t.bilobar:
        add("tumor.bilobar", "true contradicts tumor.nodules: 1 (a single nodule)")
    if t and t.nodules == 0 and (t.largest_cm is not None or t.bilobar):
        add("tumor.nodules", "0 (no intrahepatic tumour) contradicts tumor size or bilobar")
    if case.lymph_nodes:
        stations = [n.station for n in case.lymph_nodes]
        for st in {x for x in stations if stations.count(x) > 1}:
            add("lymph_nodes", f"station '{st}' is listed twice; give one entry per station")
    if case.distant_metastases:
        sites = [m.site for m in case.distant_metastases]
        for st in {x for x in sites if sites.count(x) > 1 and x != "other"}:
            add("distant_metastases", f"site '{st}' is listed twice; give one entry per site")
    if case.prior_therapies:
        lines = [p.line for p in case.prior_therapies if p.line is not None]
        for ln in {x for x in lines if lines.count(x) > 1}:
            add("prior_therapies", f"line {ln} is given twice; one regimen per line")
        ongoing = [i for i, p in enumerate(case.prior_therapies) if p.stop_reason == "ongoing"]
        if (ongoing and ongoing[-1] != len(case.prior_therapies) - 1) or len(ongoing) > 1:
            add(
                f"prior_therapies[{ongoing[0]}].stop_reason",
                "'ongoing' is only possible for the most recent line",
            )
    v = case.varices
    if v and v.status == "none" and v.treated:
        add("varices.treated", "true contradicts varices.status: none")
    if case.labs and case.labs.date and case.labs.date > today:
        add("labs.date", f"{case.labs.date} is in the future")
    if v and v.endoscopy_date and v.endoscopy_date > today:
        add("varices.endoscopy_date", f"{v.endoscopy_date} is in the future")
    return found
