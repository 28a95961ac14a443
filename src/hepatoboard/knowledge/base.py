"""Load and validate the whole knowledge base (``knowledge/data/*.yaml``).

:func:`knowledge` returns one validated, cached :class:`KnowledgeBase`. Validation covers
structure (pydantic) and cross-references: every source id, named condition, rule group and fact
used by a rule must exist, and every option id of the assessment contract must be defined
exactly once. Any failure raises :class:`~hepatoboard.errors.KnowledgeBaseError` naming the file
and the entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import TypeAdapter, ValidationError

from hepatoboard.criteria.expr import Expr
from hepatoboard.errors import KnowledgeBaseError
from hepatoboard.knowledge import schema as s
from hepatoboard.knowledge.files import read
from hepatoboard.vocab import OPTION_IDS

# Facts produced after the case facts: by staging and by the planner (for referrals).
STAGE_FACTS = {
    "tnm_t": "AJCC 8th T category",
    "tnm_n": "AJCC 8th N category",
    "tnm_m": "AJCC 8th M category",
    "tnm_stage": "AJCC 8th stage group",
    "bclc_stage": "BCLC stage 0 | A | B | C | D",
}
PLAN_FACTS = {
    "plan_active_options": "option ids whose status is recommended or consider",
    "plan_recommended_options": "option ids whose status is recommended",
    "plan_active_modalities": "modalities of options recommended or considered",
    "plan_intent": "curative | life_prolonging | supportive",
    "plan_supportive_measures": "ids of the supportive measures proposed",
}


@dataclass(frozen=True)
class KnowledgeBase:
    manifest: s.Manifest
    sources: dict[str, s.Source]
    profiles: dict[str, s.Profile]
    conditions: dict[str, s.Condition]
    staging: s.Staging
    groups: dict[str, s.RuleGroup]
    options: dict[str, s.Option]
    supportive: list[s.SupportiveMeasure]
    referrals: list[s.Referral]
    checks: dict[str, s.CheckDefinition]
    plan: s.PlanRules
    scores: dict[str, Any]

    @property
    def version(self) -> str:
        return self.manifest.version

    @property
    def condition_exprs(self) -> dict[str, Expr]:
        return {k: v.when for k, v in self.conditions.items()}

    def profile_sources(self, profile: str) -> set[str]:
        """Source ids whose statements count in ``profile`` (guidelines listed + evidence kinds)."""
        chain: list[s.Profile] = []
        name: str | None = profile
        while name is not None:
            chain.append(self.profiles[name])
            name = self.profiles[name].inherits
        guideline = {g for p in chain for g in p.guideline_sources}
        kinds = {k for p in chain for k in p.evidence_kinds}
        return guideline | {sid for sid, src in self.sources.items() if src.kind in kinds}

    def option_rules(self, option: s.Option, attr: str) -> list[Any]:
        """An option's own rules of one kind plus those of the groups it inherits."""
        out: list[Any] = []
        for g in option.inherits:
            out.extend(getattr(self.groups[g], attr))
        out.extend(getattr(option, attr))
        return out


def _validate(adapter_type: Any, data: Any, file: str) -> Any:
    try:
        return TypeAdapter(adapter_type).validate_python(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[:5]
        detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in first)
        raise KnowledgeBaseError(f"{file}: {detail}") from None


@cache
def knowledge() -> KnowledgeBase:
    """The validated knowledge base (loaded once per process)."""
    sources = _validate(list[s.Source], read("sources.yaml")["sources"], "sources.yaml")
    options = _validate(list[s.Option], read("options.yaml")["options"], "options.yaml")
    plan_raw = read("plan.yaml")
    groups = _validate(dict[str, s.RuleGroup], read("options.yaml")["groups"], "options.yaml")
    conditions = _validate(
        dict[str, s.Condition], read("conditions.yaml")["conditions"], "conditions.yaml"
    )
    conditions.update(_group_conditions(groups))
    kb = KnowledgeBase(
        manifest=_validate(s.Manifest, read("manifest.yaml"), "manifest.yaml"),
        sources=_unique({x.id: x for x in sources}, [x.id for x in sources], "sources.yaml"),
        profiles=_validate(
            dict[str, s.Profile], read("profiles.yaml")["profiles"], "profiles.yaml"
        ),
        conditions=conditions,
        staging=_validate(s.Staging, read("staging.yaml"), "staging.yaml"),
        groups=groups,
        options=_unique({o.id: o for o in options}, [o.id for o in options], "options.yaml"),
        supportive=_validate(
            list[s.SupportiveMeasure], read("supportive.yaml")["measures"], "supportive.yaml"
        ),
        referrals=_validate(
            list[s.Referral], read("referrals.yaml")["referrals"], "referrals.yaml"
        ),
        checks={
            c.id: c for c in _validate(list[s.CheckDefinition], plan_raw["checks"], "plan.yaml")
        },
        plan=_validate(s.PlanRules, plan_raw["plan"], "plan.yaml"),
        scores=read("scores.yaml"),
    )
    _check_references(kb)
    return kb


def _group_conditions(groups: dict[str, s.RuleGroup]) -> dict[str, s.Condition]:
    """``contraindicated:<group>``: any hard stop of a rule group, so a rule elsewhere (e.g.
    "lenvatinib is recommended when immunotherapy is contraindicated") reuses the group's own
    hard stops instead of restating them."""
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


def _unique(mapping: dict[str, Any], ids: list[str], file: str) -> dict[str, Any]:
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise KnowledgeBaseError(f"{file}: duplicate ids {dupes}")
    return mapping


def fact_catalogue() -> dict[str, str]:
    """Every fact name a rule may use, with its description."""
    import datetime as dt

    from hepatoboard.case.model import CASE_FORMAT, Case
    from hepatoboard.facts.derive import FACT_DOCS, derive_facts

    derive_facts(Case(format=CASE_FORMAT), dt.date(2000, 1, 1))
    return {**FACT_DOCS, **STAGE_FACTS, **PLAN_FACTS}


RULE_KINDS = ("requirements", "prerequisites", "contraindications", "cautions", "status_rules",
              "checks")  # fmt: skip


def _rules(kb: KnowledgeBase) -> Iterator[tuple[str, Expr | None, Iterable[str]]]:
    """Every rule of the knowledge base once: (where, condition or None, source ids)."""
    for name, c in kb.conditions.items():
        yield f"conditions.yaml:{name}", c.when, c.source
    st = kb.staging
    for part in ("t", "n", "m", "stage"):
        for r in getattr(st.tnm, part):
            yield f"staging.yaml:tnm.{part}.{r.value}", r.when, st.tnm.source
    for r in st.bclc.rules:
        yield f"staging.yaml:bclc.{r.value}", r.when, st.bclc.source
    yield "staging.yaml:node_stations", None, st.node_stations.source
    for r in kb.plan.intent:
        yield f"plan.yaml:intent.{r.value}", r.when, kb.plan.intent_source
    for key in ("child_pugh", "albi", "meld", "meld_na", "meld_3_0"):
        yield f"scores.yaml:{key}", None, kb.scores[key]["source"]
    for gname, g in kb.groups.items():
        for attr in RULE_KINDS:
            for i, r in enumerate(getattr(g, attr, [])):
                yield f"options.yaml:groups.{gname}.{attr}[{i}]", r.when, r.source
    for o in kb.options.values():
        for attr in RULE_KINDS:
            for i, r in enumerate(getattr(o, attr)):
                yield f"options.yaml:{o.id}.{attr}[{i}]", r.when, r.source
        yield f"options.yaml:{o.id}.evidence", None, o.evidence
        yield f"options.yaml:{o.id}.outcomes", None, [x.source for x in o.outcomes]
        yield f"options.yaml:{o.id}.positions", None, [x.source for x in o.positions]
    for m in kb.supportive:
        yield f"supportive.yaml:{m.id}", m.when, m.source
    for r in kb.referrals:
        yield f"referrals.yaml:{r.department}", r.when, r.source
    for pname, p in kb.profiles.items():
        yield f"profiles.yaml:{pname}", None, p.guideline_sources


def _check_references(kb: KnowledgeBase) -> None:
    problems: list[str] = []
    facts = fact_catalogue()
    for where, expr, ids in _rules(kb):
        if expr is not None:
            for ref in expr.refs_used():
                if ref not in kb.conditions:
                    problems.append(f"{where}: unknown condition '{ref}'")
            for fact in expr.facts_used(kb.condition_exprs):
                if fact not in facts:
                    problems.append(f"{where}: unknown fact '{fact}'")
        for sid in ids:
            if sid not in kb.sources:
                problems.append(f"{where}: unknown source '{sid}'")
    missing = sorted(set(OPTION_IDS) - set(kb.options))
    if missing:
        problems.append(f"options.yaml: options of the assessment contract not defined: {missing}")
    for o in kb.options.values():
        for g in o.inherits:
            if g not in kb.groups:
                problems.append(f"options.yaml:{o.id}: unknown group '{g}'")
        for c in kb.option_rules(o, "checks"):
            if c.id not in kb.checks:
                problems.append(f"options.yaml:{o.id}: check '{c.id}' not defined in plan.yaml")
    for pname, p in kb.profiles.items():
        if p.inherits and p.inherits not in kb.profiles:
            problems.append(f"profiles.yaml:{pname}: unknown parent profile '{p.inherits}'")
    if "international" not in kb.profiles:
        problems.append("profiles.yaml: the default profile 'international' is missing")
    if problems:
        raise KnowledgeBaseError("knowledge base is inconsistent:\n" + "\n".join(problems))
