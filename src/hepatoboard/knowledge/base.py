"""The validated knowledge base, as one immutable object passed to every stage.

Build it with :func:`hepatoboard.knowledge.load.load_knowledge` (the only code that reads the
YAML files). Nothing below reads a file: a modified knowledge base passed to
:func:`hepatoboard.assess` is honoured everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hepatoboard.criteria.expr import Expr
from hepatoboard.knowledge import schema as s

RULE_KINDS: tuple[str, ...] = (
    "requirements",
    "prerequisites",
    "contraindications",
    "cautions",
    "checks",
    "status_rules",
)


@dataclass(frozen=True)
class KnowledgeBase:
    manifest: s.Manifest
    sources: dict[str, s.Source]
    profiles: dict[str, s.Profile]
    facts: dict[str, s.FactSpec]
    conditions: dict[str, s.Condition]
    staging: s.Staging
    groups: dict[str, s.RuleGroup]
    options: dict[str, s.Option]
    supportive: list[s.SupportiveMeasure]
    referrals: list[s.Referral]
    plan: s.PlanFile
    scores: s.Scores
    limits: s.CaseLimits
    contradictions: list[s.Contradiction]
    response: s.ResponseFile
    prognosis: Any  # hepatoboard.prognosis.data.PrognosisData (validated by its own schema)
    interactions: s.InteractionsFile
    availability: dict[str, s.AvailabilitySite]
    _rules: dict[tuple[str, str], list[Any]] = field(default_factory=dict, repr=False)
    _condition_exprs: dict[str, Expr] = field(default_factory=dict, repr=False)
    # views computed on first use (not copied by dataclasses.replace: a replaced part recomputes)
    _memo: dict[tuple[str, str], Any] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        self._condition_exprs.update({k: v.when for k, v in self.conditions.items()})
        for o in self.options.values():
            for attr in RULE_KINDS:
                rules: list[Any] = []
                for g in o.inherits:
                    if g in self.groups:  # an unknown group is reported by the validator
                        rules.extend(getattr(self.groups[g], attr))
                rules.extend(getattr(o, attr))
                self._rules[(o.id, attr)] = rules

    def interactions_for(self, option_id: str) -> list[s.Interaction]:
        """The interaction-table entries that name ``option_id``."""
        key = ("interactions", option_id)
        got = self._memo.get(key)
        if got is None:
            got = self._memo[key] = [
                i for i in self.interactions.interactions if option_id in i.options
            ]
        return list(got)

    @property
    def version(self) -> str:
        return self.manifest.version

    @property
    def checks(self) -> dict[str, s.CheckDefinition]:
        got = self._memo.get(("checks", ""))
        if got is None:
            got = self._memo["checks", ""] = {c.id: c for c in self.plan.checks}
        return dict(got)

    @property
    def condition_exprs(self) -> dict[str, Expr]:
        return self._condition_exprs

    def profile_sources(self, profile: str) -> set[str]:
        """Source ids whose statements count in ``profile`` (guidelines listed + evidence kinds)."""
        got = self._memo.get(("profile_sources", profile))
        if got is None:
            got = self._memo["profile_sources", profile] = self._profile_sources(profile)
        return set(got)

    def _profile_sources(self, profile: str) -> set[str]:
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
        return self._rules[(option.id, attr)]

    def systemic_ids(self) -> set[str]:
        """Systemic options (the one definition: ``systemic: true`` in options.yaml)."""
        return {o.id for o in self.options.values() if o.systemic}
