"""The planner's own result types (the pipeline turns them into the assessment contract)."""

from __future__ import annotations

from dataclasses import dataclass, field

from hepatoboard.criteria.evaluate import Classification

# Endorsement of a status: how strongly the plan puts an option forward. "undetermined" endorses
# nothing, like "not_eligible": an unknown never becomes an endorsement.
ENDORSEMENT: dict[str, int] = {
    "recommended": 2,
    "consider": 1,
    "undetermined": 0,
    "not_eligible": 0,
}
ACTIVE: tuple[str, ...] = ("recommended", "consider")


@dataclass
class Decision:
    """The status of one option for one case, with everything that explains it."""

    option_id: str
    status: str  # recommended | consider | not_eligible | undetermined
    reasons: list[str] = field(default_factory=list)
    contraindications: list[str] = field(default_factory=list)
    cautions: list[str] = field(default_factory=list)
    to_clarify: list[str] = field(default_factory=list)  # cautions that cannot be checked
    missing: list[str] = field(default_factory=list)  # case fields that could change the status
    could_be: str | None = None  # the status it could reach once the missing fields are known
    status_sources: list[str] = field(default_factory=list)
    declined: bool = False
    checks: list[str] = field(default_factory=list)
    dose_notes: list[str] = field(default_factory=list)
    interactions: list[InteractionHit] = field(default_factory=list)
    interactions_unchecked: bool = False  # the option has table entries; medications unknown


@dataclass(frozen=True)
class InteractionHit:
    id: str
    medication_class: str
    severity: str  # avoid | adjust_dose | monitor
    text: str
    source: list[str]


@dataclass(frozen=True)
class MeasureHit:
    id: str
    because: list[str]


@dataclass(frozen=True)
class ReferralHit:
    department: str
    reason: str
    source: list[str]
    because: list[str]


@dataclass
class CheckHit:
    id: str
    reason: str
    source: list[str]
    for_: list[str] = field(default_factory=list)


@dataclass
class PlanResult:
    intent: Classification
    decisions: list[Decision]
    supportive: list[MeasureHit]
    referrals: list[ReferralHit]
    checks: list[CheckHit]
    missing: dict[str, list[str]]  # case field -> decisions it blocks
    disagreements: list[str]  # option ids whose sources disagree
