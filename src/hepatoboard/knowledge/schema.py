"""Pydantic models of every knowledge-base file (``knowledge/data/*.yaml``).

Structure is validated here; cross-references (facts, conditions, sources, phases, operand
types) are checked by :mod:`hepatoboard.knowledge.validate`, so a typo in a rule fails at load
(and in CI), never silently at a patient's bedside.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hepatoboard.contracts.vocab import (
    Department,
    MedicationClass,
    Modality,
    NodeStation,
    OptionId,
    SupportiveMeasureId,
)
from hepatoboard.criteria.expr import Expr, Rule
from hepatoboard.knowledge.units import CaseLimits

__all__ = ["CaseLimits"]

Status = Literal["recommended", "consider", "not_eligible", "undetermined"]
Position = Literal["recommended", "alternative", "consider", "not_recommended", "not_addressed"]
SourceKind = Literal[
    "guideline",
    "trial",
    "cohort",
    "meta_analysis",
    "review",
    "expert_practice",
    "formula",
    "specification",
]


class _KB(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


class Manifest(_KB):
    version: str = Field(pattern=r"^\d{4}\.\d{1,2}\.\d+$")
    released: dt.date
    maintainers: str


class Source(_KB):
    id: str
    kind: SourceKind
    title: str
    citation: str
    year: int = Field(ge=1900, le=2100)
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
    evidence_kinds: list[SourceKind] = Field(
        default_factory=list, description="source kinds that count as evidence in this profile"
    )


# ---------------------------------------------------------------------------------- facts

FactType = Literal["bool", "int", "number", "enum", "text", "list"]
FactPhase = Literal["case", "tnm", "tnm_stage", "bclc", "plan"]
PHASES: tuple[str, ...] = ("case", "tnm", "tnm_stage", "bclc", "plan", "referral")
"""Order in which facts become known. A rule evaluated in phase P may use facts of earlier
phases only ("referral" rules run after the plan and may use every fact)."""
VOCABULARIES = (
    "option_id",
    "modality",
    "option_or_modality",
    "node_station",
    "metastasis_site",
    "supportive_measure_id",
)


class FactSpec(_KB):
    """One entry of the fact catalogue (``facts.yaml``)."""

    type: FactType
    description: str
    phase: FactPhase = "case"
    case: str | None = Field(default=None, description="case field path read as it is")
    measure: str | None = Field(default=None, description="quantity: read its canonical value")
    derive: str | None = Field(default=None, description="producer in hepatoboard.facts")
    values: list[str] | None = Field(default=None, description="the values of an enum")
    items: list[str] | str | None = Field(
        default=None, description="list items: values, or a vocabulary name"
    )

    @model_validator(mode="after")
    def _shape(self) -> FactSpec:
        origins = [x for x in (self.case, self.derive) if x is not None]
        if self.phase == "case" and len(origins) != 1:
            raise ValueError("a case-phase fact needs exactly one of 'case' or 'derive'")
        if self.phase != "case" and origins:
            raise ValueError("staging and plan facts are produced by their stage, not derived")
        if (self.type == "enum") != (self.values is not None):
            raise ValueError("'values' is required for, and only for, type enum")
        if (self.type == "list") != (self.items is not None):
            raise ValueError("'items' is required for, and only for, type list")
        if isinstance(self.items, str) and self.items not in VOCABULARIES:
            raise ValueError(f"unknown vocabulary {self.items!r}; known: {VOCABULARIES}")
        if self.measure is not None and self.case is None:
            raise ValueError("'measure' needs 'case'")
        return self


# ---------------------------------------------------------------------------------- rules


class Condition(_KB):
    when: Expr
    source: list[str] = Field(min_length=1)
    note: str | None = None


class SourcedRule(_KB):
    """A requirement, contraindication, prerequisite or caution: condition, reason, source."""

    when: Expr
    reason: str
    source: list[str] = Field(min_length=1)


class StatusRule(_KB):
    status: Literal["recommended", "consider"]
    when: Expr
    reason: str
    source: list[str] = Field(min_length=1)


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
    """Shared rules inherited by several options (e.g. all checkpoint inhibitors). A group's
    status rules come before the option's own."""

    description: str
    status_rules: list[StatusRule] = Field(default_factory=list)


class DoseRule(_KB):
    """A dose note that applies when ``when`` holds (e.g. Child-Pugh B dosing from a label).
    When ``when`` is unknown the note is shown as conditional: "if <if_>: <text>"."""

    if_: str = Field(alias="if", description="the condition in words, shown when it is unknown")
    when: Expr
    text: str
    source: list[str] = Field(min_length=1)


class Option(RuleSet):
    id: OptionId
    name: str
    modality: Modality
    systemic: bool = Field(
        default=False,
        description="a systemic therapy: counts as a line of therapy and gets a line number",
    )
    inherits: list[str] = Field(default_factory=list)
    description: str = ""
    status_rules: list[StatusRule] = Field(default_factory=list)
    not_indicated_reason: str = "not indicated in this situation"
    monitoring: list[str] = Field(default_factory=list)
    dose_notes: list[str] = Field(default_factory=list)
    dose_rules: list[DoseRule] = Field(default_factory=list)
    evidence: list[str] = Field(default_factory=list)
    outcomes: list[Outcome] = Field(default_factory=list)
    positions: list[SourcePosition] = Field(default_factory=list)


class OptionsFile(_KB):
    groups: dict[str, RuleGroup]
    options: list[Option]


class Interaction(_KB):
    """A drug interaction: a medication class in the case x options of the plan.

    ``avoid`` acts as a caution (caps the option at consider, with the reason); ``adjust_dose``
    and ``monitor`` are shown on the option without changing its status."""

    id: str
    medication_class: MedicationClass
    options: list[OptionId] = Field(min_length=1)
    when: Expr | None = Field(default=None, description="a further condition (e.g. transplant)")
    severity: Literal["avoid", "adjust_dose", "monitor"]
    text: str
    source: list[str] = Field(min_length=1)


class InteractionsFile(_KB):
    review_check: str = Field(
        description="check id shown for an option with interactions when medications are unknown"
    )
    review_reason: str
    review_source: list[str] = Field(min_length=1)
    interactions: list[Interaction]


AvailabilityValue = Literal["yes", "no", "partial", "unknown"]


class AvailabilityEntry(_KB):
    registered: Literal["yes", "no", "unknown"]
    reimbursed: AvailabilityValue
    source: list[str] = Field(min_length=1)
    checked: dt.date = Field(description="when the source was read")
    note: str | None = None


class AvailabilitySite(_KB):
    """Registration and reimbursement of the options at one site or country. Selected by
    ``--site`` or the service configuration; it never changes a clinical status."""

    site: str = Field(pattern=r"^[a-z][a-z0-9_-]{1,30}$")
    name: str
    description: str
    default: AvailabilityEntry = Field(description="for every option not listed")
    options: dict[OptionId, AvailabilityEntry] = Field(default_factory=dict)


class SupportiveMeasure(_KB):
    """A symptom or liver-support measure, proposed when ``when`` holds."""

    id: SupportiveMeasureId
    name: str
    for_: list[str] = Field(alias="for")
    when: Expr
    details: str
    source: list[str] = Field(min_length=1)


class Referral(_KB):
    department: Department
    when: Expr
    reason: str
    source: list[str] = Field(min_length=1)


class CheckDefinition(_KB):
    id: str
    name: str


class Warning_(_KB):
    """An assessment warning shown when ``when`` holds. ``text`` may name facts in braces
    (``{bclc_stage}``): they are filled in with the fact's value."""

    when: Expr
    text: str
    source: list[str] = Field(min_length=1)


class Contradiction(_KB):
    """Facts that cannot all be true at once: a case for which ``when`` is TRUE is rejected."""

    fields: list[str] = Field(min_length=1, description="case fields involved (first = shown)")
    when: Expr
    message: str
    source: list[str] = Field(min_length=1)


class IraeRules(_KB):
    severe_min_grade: int = Field(description="lowest CTCAE grade counted as a severe irAE")
    source: list[str] = Field(min_length=1)


class Classifier(_KB):
    label: str
    source: list[str] = Field(min_length=1)
    note: str | None = None
    rules: list[Rule]


class AfpResponse(_KB):
    label: str
    source: list[str] = Field(min_length=1)
    note: str | None = None
    when: Expr


ClassifierName = Literal["recist", "mrecist", "irecist"]


class ProgressionRule(_KB):
    source: list[str] = Field(min_length=1)
    by_modality: dict[Modality, dict[ClassifierName, list[str]]] = Field(default_factory=dict)
    default: dict[ClassifierName, list[str]]


class Measurable(_KB):
    source: list[str] = Field(min_length=1)
    node_short_axis_mm: float
    nonnodal_longest_mm: float


class ResponseFile(_KB):
    classifiers: dict[ClassifierName, Classifier]
    measurable: Measurable
    afp_response: AfpResponse
    progression: ProgressionRule


class PlanFile(_KB):
    intent: list[Rule]
    intent_source: list[str] = Field(min_length=1)
    checks: list[CheckDefinition]
    staging_checks: list[Check] = Field(default_factory=list)
    warnings: list[Warning_] = Field(default_factory=list)
    irae: IraeRules
    disclaimer: str
    limitations: list[str]


# ---------------------------------------------------------------------------------- staging


class StationConflict(_KB):
    """Sources that classify a station differently, and the rule hepatoboard follows."""

    station: NodeStation
    followed: str
    other: str
    source: list[str] = Field(min_length=1)


class NodeStations(_KB):
    source: list[str] = Field(min_length=1)
    note: str
    regional: list[NodeStation]
    distant: list[NodeStation]
    extra_abdominal: list[NodeStation]
    conflicts: list[StationConflict] = Field(default_factory=list)


class NodeConfirmation(_KB):
    """When a listed node counts as involved: confirmed by PET or biopsy, or at least this short
    axis on imaging; an imaging-only node below it is indeterminate."""

    source: list[str] = Field(min_length=1)
    note: str
    confirming_evidence: list[Literal["imaging", "pet", "biopsy"]]
    min_short_axis_mm: dict[NodeStation, float] = Field(default_factory=dict)
    default_min_short_axis_mm: float


class Tnm(_KB):
    edition: str
    source: list[str] = Field(min_length=1)
    t: list[Rule]
    n: list[Rule]
    m: list[Rule]
    stage: list[Rule]


class Bclc(_KB):
    version: str
    source: list[str] = Field(min_length=1)
    liver_function_note: str
    rules: list[Rule]


class Staging(_KB):
    node_stations: NodeStations
    node_confirmation: NodeConfirmation
    tnm: Tnm
    bclc: Bclc
    warnings: list[Warning_] = Field(default_factory=list)


# ---------------------------------------------------------------------------------- scores


class _Score(_KB):
    source: list[str] = Field(min_length=1)
    label: str = Field(description="display name, e.g. 'MELD-Na'")
    version: str = Field(description="which version of the score, shown with its value")
    note: str | None = None


class HigherWorse(_KB):
    one_point_below: float
    three_points_above: float


class LowerWorse(_KB):
    one_point_above: float
    three_points_below: float


class ChildPughClass(_KB):
    class_: Literal["A", "B", "C"] = Field(alias="class")
    max_points: int


class BandPoints(_KB):
    best: int
    middle: int
    worst: int


class ChildPughParams(_Score):
    band_points: BandPoints
    bilirubin_mg_dl: HigherWorse
    albumin_g_dl: LowerWorse
    inr: HigherWorse
    ascites: dict[Literal["none", "mild", "moderate_severe"], int]
    encephalopathy: dict[Literal["none", "grade_1_2", "grade_3_4"], int]
    classes: list[ChildPughClass]


class AlbiGrade(_KB):
    grade: int
    malbi: str
    max: float | None = None


class AlbiParams(_Score):
    bilirubin_coefficient: float
    albumin_coefficient: float
    grades: list[AlbiGrade] = Field(min_length=1)
    display_decimals: int

    @model_validator(mode="after")
    def _ordered(self) -> AlbiParams:
        maxima = [g.max for g in self.grades[:-1]]
        bounded = [m for m in maxima if m is not None]
        if (
            self.grades[-1].max is not None
            or len(bounded) < len(maxima)
            or bounded != sorted(bounded)
        ):
            raise ValueError("grades: increasing max values, the last band without a max")
        return self


class MeldCoefficients(_KB):
    creatinine: float
    bilirubin: float
    inr: float
    constant: float


class MeldParams(_Score):
    floor: float
    creatinine_cap_mg_dl: float
    coefficients: MeldCoefficients
    multiplier: float
    max_score: int


class MeldNaParams(_Score):
    applies_above: int
    sodium_min: float
    sodium_max: float
    sodium_coefficient: float
    interaction_coefficient: float
    max_score: int


class Meld3Coefficients(_KB):
    female: float
    ln_bilirubin: float
    sodium: float
    sodium_ln_bilirubin: float
    ln_inr: float
    ln_creatinine: float
    albumin: float
    albumin_ln_creatinine: float
    constant: float


class Meld3Params(_Score):
    floor: float
    creatinine_cap_mg_dl: float
    sodium_min: float
    sodium_max: float
    albumin_min_g_dl: float
    albumin_max_g_dl: float
    coefficients: Meld3Coefficients
    min_score: int
    max_score: int


class CockcroftGaultParams(_Score):
    age_constant: float
    divisor: float
    female_factor: float
    display_decimals: int


class PointRow(_KB):
    points: int
    when: Expr


class PointItem(_KB):
    """One item of a point score: an ordered table of rows, or the total of an earlier score."""

    name: str
    rows: list[PointRow] = Field(default_factory=list)
    from_score: str | None = None

    @model_validator(mode="after")
    def _one(self) -> PointItem:
        if bool(self.rows) == (self.from_score is not None):
            raise ValueError("an item needs exactly one of rows / from_score")
        return self


class PointGroup(_KB):
    label: str
    max_points: int


class PointScore(_Score):
    items: list[PointItem] = Field(min_length=1)
    groups: list[PointGroup] = Field(default_factory=list)


class TumourBurdenParams(_Score):
    display_decimals: int


class Scores(_KB):
    child_pugh: ChildPughParams
    albi: AlbiParams
    meld: MeldParams
    meld_na: MeldNaParams
    meld_3_0: Meld3Params
    creatinine_clearance: CockcroftGaultParams
    point_scores: dict[str, PointScore] = Field(default_factory=dict)
    tumour_burden: TumourBurdenParams

    def sections(self) -> dict[str, _Score]:
        return {
            "child_pugh": self.child_pugh,
            "albi": self.albi,
            "meld": self.meld,
            "meld_na": self.meld_na,
            "meld_3_0": self.meld_3_0,
            "creatinine_clearance": self.creatinine_clearance,
            "tumour_burden": self.tumour_burden,
            **self.point_scores,
        }


# ------------------------------------------------------------------------ fhir_codes.yaml

CodeSystemKey = Literal["loinc", "snomed", "icd10", "icd10cm", "ucum", "rxnorm", "atc", "ncit"]


class FhirCode(_KB):
    system: CodeSystemKey
    code: str  # exact, or an ICD-10 category prefix ending in '*'
    display: str | None = None
    site: Literal["lung", "bone", "adrenal", "peritoneum", "brain", "other"] | None = None

    def matches(self, code: str) -> bool:
        if self.code.endswith("*"):
            return code.startswith(self.code[:-1])
        return code == self.code


class LabCode(_KB):
    field: str
    loinc: str
    units: dict[str, str] = Field(
        description="accepted UCUM code -> the unit as the case writes it"
    )
    unitless: bool = False
    source: list[str]


class ObservationCode(_KB):
    field: str
    system: CodeSystemKey
    code: str
    value: Literal["integer", "quantity"]
    units: dict[str, str] = Field(default_factory=dict)
    source: list[str]


class FhirConditions(_KB):
    hcc: list[FhirCode]
    secondary: list[FhirCode]
    nodal: list[FhirCode]
    distant: list[FhirCode]
    organ_transplant: list[FhirCode]
    conditions_source: list[str]


class NodeSite(_KB):
    code: str
    station: NodeStation


class DistantSite(_KB):
    code: str
    site: Literal["lung", "bone", "adrenal", "peritoneum", "brain", "other"]


class CodeList(_KB):
    codes: list[FhirCode]
    source: list[str]


class TnmCategoryCode(_KB):
    snomed: str
    loinc: str
    display: str
    profile: str


class FhirTnm(_KB):
    method: FhirCode
    categories: dict[Literal["t", "n", "m", "stage"], TnmCategoryCode]
    snomed_values: dict[str, str]
    source: list[str]


class FhirBclc(_KB):
    code: FhirCode
    method: FhirCode
    source: list[str]


class FhirProfiles(_KB):
    base: str
    primary_cancer_condition: str
    secondary_cancer_condition: str
    cancer_patient: str
    ecog: str
    cancer_stage: str
    local_base: str
    source: list[str]


class DrugCodes(_KB):
    rxnorm: list[str] = Field(default_factory=list)
    atc: list[str] = Field(default_factory=list)


class OverrideReason(_KB):
    code: str
    display: str


class FhirCodes(_KB):
    """``fhir_codes.yaml``: code maps between FHIR resources and the case (see docs/fhir.md)."""

    sources: list[Source]
    systems: dict[str, str]
    labs: list[LabCode]
    observations: list[ObservationCode]
    conditions: FhirConditions
    node_sites: list[NodeSite]
    distant_sites: list[DistantSite]
    sites_source: list[str]
    endoscopy: CodeList
    tnm: FhirTnm
    bclc: FhirBclc
    profiles: FhirProfiles
    drugs: dict[str, DrugCodes]
    regimens: dict[OptionId, list[str]]
    drugs_source: list[str]
    override_reasons: list[OverrideReason]

    @model_validator(mode="after")
    def _references(self) -> FhirCodes:
        ids = {s.id for s in self.sources}
        cited = [
            *(x for lab in self.labs for x in lab.source),
            *(x for o in self.observations for x in o.source),
            *self.conditions.conditions_source,
            *self.sites_source,
            *self.endoscopy.source,
            *self.tnm.source,
            *self.bclc.source,
            *self.profiles.source,
            *self.drugs_source,
        ]
        unknown = sorted(set(cited) - ids)
        if unknown:
            raise ValueError(f"unknown source ids {unknown}")
        drugs = sorted({d for ds in self.regimens.values() for d in ds} - set(self.drugs))
        if drugs:
            raise ValueError(f"regimens name unknown drugs {drugs}")
        missing = sorted(
            {"loinc", "snomed", "icd10", "icd10cm", "ucum", "case_field"} - set(self.systems)
        )
        if missing:
            raise ValueError(f"systems missing {missing}")
        return self
