"""Reading the knowledge base: the only module that opens its YAML files.

:func:`default_knowledge` returns the validated knowledge base shipped with the package (loaded
once per process). :func:`load_knowledge` validates any set of parsed files, so a reviewer (or a
test) can check a modified knowledge base before it is released; every defect is reported as
``file: path.inside.file: problem``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from hepatoboard.contracts.errors import KnowledgeBaseError
from hepatoboard.knowledge import schema as s
from hepatoboard.knowledge.base import KnowledgeBase

DATA_PACKAGE = "hepatoboard.knowledge.data"
FILES: tuple[str, ...] = (
    "manifest.yaml",
    "sources.yaml",
    "profiles.yaml",
    "facts.yaml",
    "conditions.yaml",
    "staging.yaml",
    "options.yaml",
    "supportive.yaml",
    "referrals.yaml",
    "plan.yaml",
    "scores.yaml",
    "case_limits.yaml",
    "contradictions.yaml",
    "response.yaml",
    "prognosis.yaml",
    "fhir_codes.yaml",
    "interactions.yaml",
    "availability/vn.yaml",
    "availability/cn.yaml",
)
AVAILABILITY_PREFIX = "availability/"


@cache
def read_file(name: str) -> Any:
    """Parse one YAML file of the shipped knowledge base (cached: treat it as read-only)."""
    text = resources.files(DATA_PACKAGE).joinpath(*name.split("/")).read_text(encoding="utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)


def raw_files() -> dict[str, Any]:
    """Every file of the shipped knowledge base, parsed (a fresh deep copy, safe to modify)."""
    import copy

    return {name: copy.deepcopy(read_file(name)) for name in FILES}


@cache
def case_limits() -> s.CaseLimits:
    """Units and plausibility limits of the shipped case contract (used by the case model)."""
    return _validate(s.CaseLimits, read_file("case_limits.yaml"), "case_limits.yaml")


@cache
def fhir_codes() -> s.FhirCodes:
    """The FHIR / CDS Hooks code maps shipped with the package (``fhir_codes.yaml``)."""
    return _validate(s.FhirCodes, read_file("fhir_codes.yaml"), "fhir_codes.yaml")


@cache
def default_knowledge() -> KnowledgeBase:
    """The validated knowledge base shipped with the package (loaded once per process).

    Validated from the YAML files once per installation, then read from the per-user cache
    (:mod:`hepatoboard.knowledge.cache`) while the files and the code are byte for byte the
    same."""
    from hepatoboard.knowledge import cache as kb_cache

    root = resources.files(DATA_PACKAGE)
    key = kb_cache.cache_key((n, root.joinpath(*n.split("/")).read_bytes()) for n in FILES)
    cached = kb_cache.read(key)
    if isinstance(cached, KnowledgeBase):
        return cached
    kb = load_knowledge({name: read_file(name) for name in FILES})
    kb_cache.write(key, kb)
    return kb


def load_knowledge(files: Mapping[str, Any]) -> KnowledgeBase:
    """Validate parsed knowledge-base files (file name -> content) into a KnowledgeBase.

    Raises :class:`KnowledgeBaseError` listing every defect with its file and path.
    """
    from hepatoboard.knowledge.validate import check

    missing = [f for f in FILES if f not in files]
    if missing:
        raise KnowledgeBaseError(f"knowledge base files missing: {', '.join(missing)}")
    f = files
    sources = _validate(list[s.Source], _key(f, "sources.yaml", "sources"), "sources.yaml")
    options_file = _validate(s.OptionsFile, f["options.yaml"], "options.yaml")
    kb = KnowledgeBase(
        manifest=_validate(s.Manifest, f["manifest.yaml"], "manifest.yaml"),
        sources=_unique({x.id: x for x in sources}, [x.id for x in sources], "sources.yaml"),
        profiles=_validate(
            dict[str, s.Profile], _key(f, "profiles.yaml", "profiles"), "profiles.yaml"
        ),
        facts=_validate(dict[str, s.FactSpec], _key(f, "facts.yaml", "facts"), "facts.yaml"),
        conditions=_conditions(f, options_file.groups),
        staging=_validate(s.Staging, f["staging.yaml"], "staging.yaml"),
        groups=options_file.groups,
        options=_unique(
            {o.id: o for o in options_file.options},
            [o.id for o in options_file.options],
            "options.yaml",
        ),
        supportive=_validate(
            list[s.SupportiveMeasure], _key(f, "supportive.yaml", "measures"), "supportive.yaml"
        ),
        referrals=_validate(
            list[s.Referral], _key(f, "referrals.yaml", "referrals"), "referrals.yaml"
        ),
        plan=_validate(s.PlanFile, f["plan.yaml"], "plan.yaml"),
        scores=_validate(s.Scores, f["scores.yaml"], "scores.yaml"),
        limits=_validate(s.CaseLimits, f["case_limits.yaml"], "case_limits.yaml"),
        response=_validate(s.ResponseFile, f["response.yaml"], "response.yaml"),
        contradictions=_validate(
            list[s.Contradiction],
            _key(f, "contradictions.yaml", "contradictions"),
            "contradictions.yaml",
        ),
        prognosis=_prognosis(f["prognosis.yaml"], sources),
        interactions=_validate(s.InteractionsFile, f["interactions.yaml"], "interactions.yaml"),
        availability=_availability(f),
    )
    _validate(s.FhirCodes, f["fhir_codes.yaml"], "fhir_codes.yaml")  # read by hepatoboard.fhir
    check(kb)
    return kb


def _availability(files: Mapping[str, Any]) -> dict[str, s.AvailabilitySite]:
    sites: dict[str, s.AvailabilitySite] = {}
    for name in sorted(n for n in files if n.startswith(AVAILABILITY_PREFIX)):
        site = _validate(s.AvailabilitySite, files[name], name)
        expected = name.removeprefix(AVAILABILITY_PREFIX).removesuffix(".yaml")
        if site.site != expected:
            raise KnowledgeBaseError(f"{name}: site '{site.site}' must match the file name")
        sites[site.site] = site
    return sites


def _prognosis(raw: Any, sources: list[s.Source]) -> Any:
    from hepatoboard.prognosis.data import load_prognosis

    if not isinstance(raw, dict):
        raise KnowledgeBaseError("prognosis.yaml: expected a mapping")
    try:
        return load_prognosis(raw, verification={x.id: x.verification for x in sources})
    except ValidationError as exc:
        raise KnowledgeBaseError(_message(exc, "prognosis.yaml")) from None
    except ValueError as exc:
        raise KnowledgeBaseError(f"prognosis.yaml: {exc}") from None


def _key(files: Mapping[str, Any], name: str, key: str) -> Any:
    content = files[name]
    if not isinstance(content, dict) or key not in content:
        raise KnowledgeBaseError(f"{name}: the top-level key '{key}' is missing")
    extra = sorted(set(content) - {key})
    if extra:
        raise KnowledgeBaseError(f"{name}: unknown top-level keys {extra}")
    return content[key]


def _conditions(files: Mapping[str, Any], groups: dict[str, s.RuleGroup]) -> dict[str, Any]:
    conditions = _validate(
        dict[str, s.Condition], _key(files, "conditions.yaml", "conditions"), "conditions.yaml"
    )
    clash = sorted(set(conditions) & {f"contraindicated:{g}" for g in groups})
    if clash:
        raise KnowledgeBaseError(f"conditions.yaml: reserved names {clash}")
    return {**conditions, **_group_conditions(groups)}


def _group_conditions(groups: dict[str, s.RuleGroup]) -> dict[str, s.Condition]:
    """``contraindicated:<group>``: any hard stop of a rule group, so a rule elsewhere (e.g.
    "lenvatinib is recommended when immunotherapy is contraindicated") reuses the group's own
    hard stops instead of restating them."""
    from hepatoboard.criteria.expr import Expr

    out = {}
    for name, g in groups.items():
        if g.contraindications:
            when = Expr.model_validate(
                {
                    "any": [
                        {**c.when.model_dump(by_alias=True, exclude_none=True), "label": c.reason}
                        for c in g.contraindications
                    ]
                }
            )
            sources = sorted({sid for c in g.contraindications for sid in c.source})
            out[f"contraindicated:{name}"] = s.Condition(
                when=when, source=sources, note=f"any hard stop of the '{name}' group"
            )
    return out


def _message(exc: ValidationError, file: str) -> str:
    lines = [f"{file}: {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:10]]
    more = len(exc.errors()) - len(lines)
    return "\n".join(lines + ([f"{file}: ... and {more} more"] if more > 0 else []))


def _validate(model: Any, data: Any, file: str) -> Any:
    try:
        if isinstance(model, type) and issubclass(model, BaseModel):
            return model.model_validate(data)
        return TypeAdapter(model).validate_python(data)
    except ValidationError as exc:
        raise KnowledgeBaseError(_message(exc, file)) from None


def _unique(mapping: dict[str, Any], ids: list[str], file: str) -> dict[str, Any]:
    from collections import Counter

    dupes = sorted(i for i, n in Counter(ids).items() if n > 1)
    if dupes:
        raise KnowledgeBaseError(f"{file}: duplicate ids {dupes}")
    return mapping
