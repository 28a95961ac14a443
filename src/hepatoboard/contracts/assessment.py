"""The assessment document, ``hepatoboard-assessment/1`` (see
``shared/spec/assessment-format.md``). Field names are a public contract: add, never rename.

``null`` means "cannot be determined from the case" and is always accompanied by an entry in
``missing_data``. An unknown score is an object whose fields are null (``child_pugh.class:
null``), so a consumer reading a path never meets a bare null where the contract shows an
object.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from hepatoboard.prognosis.result import Prognosis

ASSESSMENT_FORMAT = "hepatoboard-assessment/1"
Status = Literal["recommended", "consider", "not_eligible", "undetermined"]


class _Out(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


class KnowledgeBaseRef(_Out):
    version: str
    profile: str


class ChildPughOut(_Out):
    points: int | None = None
    class_: Literal["A", "B", "C"] | None = Field(default=None, alias="class")


class AlbiOut(_Out):
    score: float | None = None
    grade: int | None = None
    malbi_grade: str | None = None


class MeldOut(_Out):
    meld: int | None = None
    meld_na: int | None = None
    meld_3_0: int | None = None


class ConfoundedOut(_Out):
    """Scores as measured while biliary obstruction confounds them (not liver function)."""

    reason: str
    child_pugh_points: int | None = None
    child_pugh_class: Literal["A", "B", "C"] | None = None
    albi_score: float | None = None


class HccScoreOut(_Out):
    """One HCC prognostic score (``scores.yaml: point_scores``); null when an input is unknown."""

    label: str
    points: int | None = None
    group: str | None = None
    version: str


class Scores(_Out):
    child_pugh: ChildPughOut
    albi: AlbiOut
    meld: MeldOut
    versions: dict[str, str] = Field(
        default_factory=dict, description="score -> the version used (from scores.yaml)"
    )
    creatinine_clearance_ml_min: float | None = Field(
        default=None, description="Cockcroft-Gault (null when unknown or on dialysis)"
    )
    confounded: ConfoundedOut | None = Field(
        default=None,
        description="set when Child-Pugh and ALBI are confounded by unresolved biliary "
        "obstruction: they are then null above, and shown here as measured",
    )
    inputs: dict[str, Any] = Field(
        default_factory=dict, description="the values the scores used, in canonical units"
    )
    hcc: dict[str, HccScoreOut] = Field(
        default_factory=dict,
        description="CLIP, Okuda, LCSGJ stage, JIS, HAP, mHAP-II, ALBI-TAE, CRAFITY",
    )
    tumour_burden_score: float | None = Field(
        default=None, description="sqrt(largest cm^2 + number^2), 2 dp (null when unknown)"
    )


class BclcOut(_Out):
    stage: Literal["0", "A", "B", "C", "D"] | None
    reasons: list[str]
    version: str


class TnmOut(_Out):
    t: str | None
    n: str | None
    m: str | None
    stage: str | None
    edition: str


class NodesOut(_Out):
    regional: list[str] | None
    distant: list[str] | None
    extra_abdominal: bool | None
    compressive: bool | None
    total_count: int | None = None
    largest_short_axis_mm: float | None = None
    indeterminate: list[str] = Field(
        default_factory=list,
        description="stations of imaging-only nodes below the confirming size (not counted)",
    )


class TransplantCriteriaOut(_Out):
    """Whether the tumour is within each transplant selection criterion (null = unknown).
    Nodal or distant spread, or macrovascular invasion, is outside all of them."""

    milan: bool | None = None
    ucsf: bool | None = None
    up_to_7: bool | None = None
    reasons: list[str] = Field(default_factory=list)


class Staging(_Out):
    bclc: BclcOut
    tnm: TnmOut
    nodes: NodesOut
    transplant_criteria: TransplantCriteriaOut = Field(default_factory=TransplantCriteriaOut)


class PlanOption(_Out):
    id: str
    name: str
    modality: str
    systemic: bool = Field(description="a systemic therapy (counts as a line of therapy)")
    line: int | None
    status: Status
    reasons: list[str]
    contraindications: list[str]
    cautions: list[str] = Field(default_factory=list)
    missing: list[str] = Field(description="case fields whose value could change the status")
    could_be: Status | None = Field(
        default=None, description="the status the option could reach once `missing` is known"
    )
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
    interactions: list[InteractionOut] = Field(
        default_factory=list, description="interactions with the case's medications"
    )
    availability: AvailabilityOut | None = None


class InteractionOut(_Out):
    id: str
    medication_class: str
    severity: Literal["avoid", "adjust_dose", "monitor"]
    text: str
    source: list[str]


class AvailabilityOut(_Out):
    """Registration and reimbursement at the configured site; never changes the status."""

    badge: Literal[
        "not_configured",
        "not_registered",
        "not_reimbursed",
        "partly_reimbursed",
        "unknown",
        "registered",
        "available",
    ]
    label: str
    registered: str | None = None
    reimbursed: str | None = None
    source: list[str] = Field(default_factory=list)
    checked: str | None = None
    note: str | None = None


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


class Disagreement(_Out):
    option: str
    positions: dict[str, str]


class PlanAvailability(_Out):
    site: str | None = Field(description="the availability profile used (null = none configured)")
    name: str | None = None
    description: str | None = None
    guideline_ranking: list[str] = Field(
        description="options recommended, then considered (knowledge-base order)"
    )
    available_ranking: list[str] | None = Field(
        default=None,
        description="the same options without those not registered at the site, registered and "
        "reimbursed ones first within each status (null when no site is configured)",
    )


class Plan(_Out):
    intent: Literal["curative", "life_prolonging", "supportive"] | None
    intent_reasons: list[str] = Field(default_factory=list)
    options: list[PlanOption]
    supportive: list[SupportiveOut]
    referrals: list[ReferralOut]
    checks: list[CheckOut]
    disagreements: list[Disagreement] = Field(default_factory=list)
    availability: PlanAvailability | None = None


class ResponseOut(_Out):
    """Response of the current line from the ``imaging`` series (``response.yaml``)."""

    assessable: bool | None = None
    regimen: str | None = Field(
        default=None, description="the current (most recent) regimen the series assesses"
    )
    regimen_modality: str | None = None
    baseline_date: str | None = None
    latest_date: str | None = None
    recist: str | None = None
    mrecist: str | None = None
    irecist: str | None = None
    afp_response: bool | None = None
    afp_change_pct: float | None = None
    recist_change_from_baseline_pct: float | None = None
    reasons: dict[str, list[str]] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)


class MissingItem(_Out):
    field: str
    blocks: list[str]


class Assessment(_Out):
    format: Literal["hepatoboard-assessment/1"] = "hepatoboard-assessment/1"
    case_id: str | None
    assessed_on: str
    knowledge_base: KnowledgeBaseRef
    disclaimer: str
    scores: Scores
    staging: Staging
    plan: Plan
    prognosis: Prognosis | None = None
    response: ResponseOut = Field(default_factory=ResponseOut)
    missing_data: list[MissingItem]
    warnings: list[str]
    limitations: list[str] = Field(default_factory=list)

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)
