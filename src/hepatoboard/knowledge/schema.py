"""Pydantic models of the knowledge-base files. Loading validates structure *and* references:
every rule's facts, named conditions and source ids must exist, so a typo in a rule fails at
load (and in CI), never silently at a patient's bedside."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hepatoboard.criteria.expr import Expr, Rule
from hepatoboard.vocab import Department, Modality, OptionId, SupportiveMeasureId

Status = Literal["recommended", "consider", "not_eligible", "undetermined"]
Position = Literal["recommended", "alternative", "consider", "not_recommended", "not_addressed"]


class _KB(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Manifest(_KB):
    version: str
    released: dt.date
    maintainers: str


class Source(_KB):
    id: str
    kind: Literal[
        "guideline", "trial", "cohort", "meta_analysis", "review", "expert_practice", "formula",
        "specification",
    ]  # fmt: skip
    title: str
    citation: str
    year: int
    verification: Literal["verified", "secondary", "unverified"]
    region: str | None = None
    doi: str | None = None
    url: str | None = None
    note: str | None = None


class Profile(_KB):
    description: str
    inherits: str | None = None
    guideline_sources: list[str] = Field(
        default_factory=list, description="guideline / expert sources whose positions count"
    )
    evidence_kinds: list[str] = Field(
        default_factory=list, description="source kinds that count as evidence in this profile"
    )


class Condition(_KB):
    when: Expr
    source: list[str]
    note: str | None = None


class SourcedRule(_KB):
    """A requirement, contraindication or caution: a condition, its reason, its source."""

    when: Expr
    reason: str
    source: list[str]


class StatusRule(_KB):
    status: Literal["recommended", "consider"]
    when: Expr
    reason: str
    source: list[str]


class Check(_KB):
    id: str
    reason: str
    when: Expr | None = None  # the check is needed only when this holds (default: always)
    source: list[str] = Field(default_factory=list)


class Outcome(_KB):
    source: str
    text: str


class SourcePosition(_KB):
    source: str
    position: Position
    conditions: str | None = None


class RuleSet(_KB):
    """The rule lists an option or a shared group can carry (see docs/knowledge-base.md)."""

    requirements: list[SourcedRule] = Field(default_factory=list)
    prerequisites: list[SourcedRule] = Field(default_factory=list)
    contraindications: list[SourcedRule] = Field(default_factory=list)
    cautions: list[SourcedRule] = Field(default_factory=list)
    checks: list[Check] = Field(default_factory=list)


class RuleGroup(RuleSet):
    """Shared rules inherited by several options (e.g. all checkpoint inhibitors)."""

    description: str


class Option(RuleSet):
    id: OptionId
    name: str
    modality: Modality
    systemic: bool = False  # systemic options get a line number
    inherits: list[str] = Field(default_factory=list)
    description: str = ""
    status_rules: list[StatusRule] = Field(default_factory=list)
    not_indicated_reason: str = "not indicated in this situation"
    monitoring: list[str] = Field(default_factory=list)
    dose_notes: list[str] = Field(default_factory=list)
    evidence: list[str] = Field(default_factory=list)
    outcomes: list[Outcome] = Field(default_factory=list)
    positions: list[SourcePosition] = Field(default_factory=list)


class SupportiveMeasure(_KB):
    """A symptom or liver-support measure, proposed when ``when`` holds."""

    id: SupportiveMeasureId
    name: str
    for_: list[str] = Field(alias="for")
    when: Expr
    details: str
    source: list[str]


class Referral(_KB):
    department: Department
    when: Expr
    reason: str
    source: list[str]


class CheckDefinition(_KB):
    id: str
    name: str


class PlanRules(_KB):
    intent: list[Rule]
    intent_source: list[str]


class NodeStations(_KB):
    source: list[str]
    note: str
    regional: list[str]
    distant: list[str]
    extra_abdominal: list[str]


class Tnm(_KB):
    edition: str
    source: list[str]
    t: list[Rule]
    n: list[Rule]
    m: list[Rule]
    stage: list[Rule]


class Bclc(_KB):
    version: str
    source: list[str]
    liver_function_note: str
    rules: list[Rule]


class Staging(_KB):
    node_stations: NodeStations
    tnm: Tnm
    bclc: Bclc
