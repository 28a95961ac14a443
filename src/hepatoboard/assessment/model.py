"""The assessment document, ``hepatoboard-assessment/1`` (see
``shared/spec/assessment-format.md``). Field names are a public contract: add, never rename."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from hepatoboard.prognosis.result import Prognosis

ASSESSMENT_FORMAT = "hepatoboard-assessment/1"


class _Out(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


class KnowledgeBaseRef(_Out):
    version: str
    profile: str


class ChildPughOut(_Out):
    points: int
    class_: Literal["A", "B", "C"] = Field(alias="class")


class AlbiOut(_Out):
    score: float
    grade: int
    malbi_grade: str


class MeldOut(_Out):
    meld: int | None
    meld_na: int | None
    meld_3_0: int | None
    versions: dict[str, str] = Field(
        default_factory=lambda: {
            "meld": "OPTN 2002-2015 (Kamath 2001)",
            "meld_na": "OPTN 2016",
            "meld_3_0": "Kim 2021 / OPTN 2023",
        }
    )


class Scores(_Out):
    child_pugh: ChildPughOut | None
    albi: AlbiOut | None
    meld: MeldOut
    inputs: dict[str, Any] = Field(
        default_factory=dict, description="the values the scores used, in canonical units"
    )


class BclcOut(_Out):
    stage: str | None
    reasons: list[str]
    version: str


class TnmOut(_Out):
    t: str | None
    n: str | None
    m: str | None
    stage: str | None
    edition: str = "AJCC8"


class NodesOut(_Out):
    regional: list[str] | None
    distant: list[str] | None
    extra_abdominal: bool | None
    compressive: bool | None
    total_count: int | None = None
    largest_short_axis_mm: float | None = None


class Staging(_Out):
    bclc: BclcOut
    tnm: TnmOut
    nodes: NodesOut


class PlanOption(_Out):
    id: str
    name: str
    modality: str
    line: int | None
    status: Literal["recommended", "consider", "not_eligible", "undetermined"]
    reasons: list[str]
    contraindications: list[str]
    cautions: list[str] = Field(default_factory=list)
    missing: list[str]
    evidence: list[str]
    status_sources: list[str] = Field(
        default_factory=list, description="sources of the active profile behind the status"
    )
    positions: dict[str, str]
    position_notes: list[dict[str, Any]] = Field(default_factory=list)
    checks: list[str] = Field(default_factory=list)
    dose_notes: list[str] = Field(default_factory=list)
    monitoring: list[str] = Field(default_factory=list)
    outcomes: list[dict[str, str]] = Field(default_factory=list)
    declined: bool = False
    to_clarify: list[str] = Field(
        default_factory=list, description="cautions that cannot be checked from the case"
    )


class SupportiveOut(_Out):
    id: str
    name: str
    for_: list[str] = Field(alias="for")
    details: str
    source: list[str]
    because: list[str] = Field(default_factory=list)


class ReferralOut(_Out):
    department: str
    reason: str
    source: list[str]
    because: list[str] = Field(default_factory=list)


class CheckOut(_Out):
    id: str
    name: str
    for_: list[str] = Field(alias="for")
    reason: str
    source: list[str] = Field(default_factory=list)


class Plan(_Out):
    intent: Literal["curative", "life_prolonging", "supportive"] | None
    intent_reasons: list[str] = Field(default_factory=list)
    options: list[PlanOption]
    supportive: list[SupportiveOut]
    referrals: list[ReferralOut]
    checks: list[CheckOut]
    disagreements: list[dict[str, Any]] = Field(default_factory=list)


class MissingItem(_Out):
    field: str
    blocks: list[str]


class Assessment(_Out):
    format: Literal["hepatoboard-assessment/1"] = ASSESSMENT_FORMAT
    case_id: str | None
    assessed_on: str
    knowledge_base: KnowledgeBaseRef
    disclaimer: str
    scores: Scores
    staging: Staging
    plan: Plan | None = None
    prognosis: Prognosis | None = None
    missing_data: list[MissingItem]
    warnings: list[str]
    limitations: list[str] = Field(default_factory=list)

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)
