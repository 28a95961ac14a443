"""The patient case, ``hepatoboard-case/1`` (see ``shared/spec/case-format.md``).

Every field except ``format`` is optional: a missing field means *unknown*, never normal.
Unknown keys are errors so that a typo can never be silently ignored. Lab values carry their
unit; :class:`Measurement` keeps the value as written (unit spelling normalised) and computes
the value in the canonical unit on access.
Plausibility limits and the longest accepted lists come from ``knowledge/data/case_limits.yaml``.

Types are strict: a number is a number (``true`` is not 1, ``"68"`` is not 68), a yes/no field
takes ``true``/``false`` only, and a date is a date or an ISO ``YYYY-MM-DD`` string (never a
unix timestamp).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from hepatoboard.contracts.vocab import (
    MedicationClass,
    MetastasisSite,
    Modality,
    NodeStation,
    OptionId,
)
from hepatoboard.knowledge.load import case_limits
from hepatoboard.knowledge.units import QuantitySpec

CASE_FORMAT = "hepatoboard-case/1"

_LIMITS = case_limits()


class _Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid", allow_inf_nan=False, frozen=True, strict=True, defer_build=True
    )


def _limits(path: str, description: str | None = None) -> Any:
    """The bounds of a number field (``Annotated[int, _limits(path)]``), from case_limits.yaml."""
    lim = _LIMITS.numbers[path]
    return Field(ge=lim.min, le=lim.max, gt=lim.min_exclusive, description=description)


def _items(path: str) -> Any:
    """The longest accepted list at ``path`` (``Annotated[list[X], _items(path)]``)."""
    return Field(max_length=_LIMITS.lists.max_items[path])


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date(value: Any) -> Any:
    """A date, or an ISO ``YYYY-MM-DD`` string; never a number (no epoch dates), never a time."""
    if isinstance(value, dt.datetime):
        raise PydanticCustomError("date_type", "must be a date YYYY-MM-DD, without a time")
    if isinstance(value, str):
        if not _ISO_DATE.fullmatch(value):
            raise PydanticCustomError("date_format", "must be a date written YYYY-MM-DD")
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError("date_format", "is not a calendar date") from None
    if not isinstance(value, dt.date):
        raise PydanticCustomError("date_type", "must be a date written YYYY-MM-DD")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]


class Measurement(_Strict):
    """A lab value with its unit, e.g. ``{value: 1.3, unit: mg/dL}``.

    Each lab has its own subclass (``quantity`` names its entry in case_limits.yaml); the value
    in the canonical unit is computed from ``value`` and ``unit`` whenever it is read, so there is
    no stored default that could silently read as 0.
    """

    quantity: ClassVar[str] = ""
    value: float
    unit: str

    @classmethod
    def spec(cls) -> QuantitySpec:
        return _LIMITS.quantities[cls.quantity]

    @property
    def canonical(self) -> float:
        """The value in the lab's canonical unit (see case_limits.yaml)."""
        spec = self.spec()
        unit = spec.normalise_unit(self.unit)
        if unit is None:
            raise ValueError(f"unit {self.unit!r} is not accepted for {self.quantity}")
        return spec.to_canonical(self.value, unit)

    @model_validator(mode="before")
    @classmethod
    def _normalise_unit(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("unit"), str) and cls.quantity:
            unit = cls.spec().normalise_unit(data["unit"])
            if unit is not None:
                return {**data, "unit": unit}
        return data

    @model_validator(mode="after")
    def _check_unit_and_limits(self) -> Measurement:
        if not self.quantity:
            raise PydanticCustomError("abstract", "use a lab-specific measurement")
        spec = self.spec()
        unit = spec.normalise_unit(self.unit)
        if unit is None:
            raise PydanticCustomError(
                "unit_not_accepted",
                "unit '{unit}' is not accepted; use one of: {accepted}",
                {"unit": self.unit, "accepted": ", ".join(spec.units)},
            )
        if not spec.contains(spec.to_canonical(self.value, unit)):
            raise PydanticCustomError(
                "outside_physiological_limits",
                "{value} {unit} is outside physiological limits; accepted: {range}",
                {"value": self.value, "unit": unit, "range": spec.range_text()},
            )
        return self


def _lab(quantity: str) -> Any:
    spec = _LIMITS.quantities[quantity]
    return Field(
        description=f"{quantity}: {{value, unit}}; units: {', '.join(spec.units)}",
        json_schema_extra={"x-units": list(spec.units)},
    )


class Bilirubin(Measurement):
    quantity = "bilirubin"


class Albumin(Measurement):
    quantity = "albumin"


class Creatinine(Measurement):
    quantity = "creatinine"


class Sodium(Measurement):
    quantity = "sodium"


class Afp(Measurement):
    quantity = "afp"


class Platelets(Measurement):
    quantity = "platelets"


class HbvDna(Measurement):
    quantity = "hbv_dna"


class Crp(Measurement):
    quantity = "crp"


class Patient(_Strict):
    age: Annotated[int, _limits("patient.age", "years")] | None = None
    sex: Literal["male", "female"] | None = None
    weight_kg: Annotated[float, _limits("patient.weight_kg")] | None = None
    height_cm: Annotated[float, _limits("patient.height_cm")] | None = None


class Diagnosis(_Strict):
    confirmed_by: Literal["histology", "imaging"] | None = None
    etiology: (
        Annotated[
            list[Literal["hbv", "hcv", "alcohol", "masld", "other"]], _items("diagnosis.etiology")
        ]
        | None
    ) = None
    cirrhosis: bool | None = None


class Performance(_Strict):
    ecog: Annotated[int, _limits("performance.ecog", "ECOG performance status 0-4")] | None = None
    ecog_cause: Literal["cancer", "comorbidity", "unknown"] | None = Field(
        default=None,
        description="what impairs performance status: the cancer (BCLC counts ECOG 1-2 only "
        "when cancer-related), another illness, or unknown",
    )


class Clinical(_Strict):
    ascites: Literal["none", "mild", "moderate_severe"] | None = None
    encephalopathy: Literal["none", "grade_1_2", "grade_3_4"] | None = None
    dialysis_past_week: bool | None = Field(
        default=None,
        description=">= 2 dialysis sessions or 24 h of CVVHD in the past 7 days",
    )
    portal_hypertension: bool | None = Field(
        default=None,
        description="clinically significant portal hypertension (HVPG >= 10 mmHg, or varices "
        "or portosystemic collaterals)",
    )
    biliary_drained: bool | None = Field(
        default=None,
        description="biliary obstruction drained and bilirubin re-measured after drainage",
    )


class Labs(_Strict):
    date: IsoDate | None = None
    bilirubin: Annotated[Bilirubin, _lab("bilirubin")] | None = None
    albumin: Annotated[Albumin, _lab("albumin")] | None = None
    inr: Annotated[float, _limits("labs.inr")] | None = None
    creatinine: Annotated[Creatinine, _lab("creatinine")] | None = None
    sodium: Annotated[Sodium, _lab("sodium")] | None = None
    afp: Annotated[Afp, _lab("afp")] | None = None
    platelets: Annotated[Platelets, _lab("platelets")] | None = None
    hbv_dna: Annotated[HbvDna, _lab("hbv_dna")] | None = None
    urine_protein_g_per_24h: Annotated[float, _limits("labs.urine_protein_g_per_24h")] | None = None
    crp: Annotated[Crp, _lab("crp")] | None = None


class Tumor(_Strict):
    nodules: Annotated[int, _limits("tumor.nodules", "count; 10 = innumerable")] | None = None
    largest_cm: Annotated[float, _limits("tumor.largest_cm")] | None = None
    liver_involvement_over_50pct: bool | None = None
    infiltrative: bool | None = None
    bilobar: bool | None = None
    microvascular_invasion: bool | Literal["unknown"] | None = None
    portal_vein_invasion: Literal["none", "vp1", "vp2", "vp3", "vp4"] | None = None
    hepatic_vein_invasion: Literal["none", "vv1", "vv2", "vv3"] | None = None
    adjacent_organ_invasion: bool | None = None
    visceral_peritoneum_perforation: bool | None = None
    bile_duct_invasion: bool | None = None
    morphology: Literal["nodular", "massive", "diffuse"] | None = Field(
        default=None, description="gross type (CLIP: massive or diffuse scores as 'massive')"
    )
    sizes_cm: (
        Annotated[list[Annotated[float, _limits("tumor.sizes_cm")]], _items("tumor.sizes_cm")]
        | None
    ) = Field(default=None, description="diameter of each nodule, cm (transplant criteria)")
    resectable: bool | None = Field(
        default=None,
        description="surgical judgement: the intrahepatic tumour could be resected (with the "
        "nodes in the same operation)",
    )


Compression = Literal["bile_duct", "portal_vein", "ivc", "duodenum", "stomach", "airway", "pain"]


class LymphNode(_Strict):
    station: NodeStation
    count: Annotated[int, _limits("lymph_nodes.count")] | None = None
    short_axis_mm: Annotated[float, _limits("lymph_nodes.short_axis_mm")] | None = None
    evidence: Literal["imaging", "pet", "biopsy"] | None = None
    compression: Annotated[list[Compression], _items("lymph_nodes.compression")] | None = None


class DistantMetastasis(_Strict):
    site: MetastasisSite
    count: Annotated[int, _limits("distant_metastases.count")] | None = None


class Varices(_Strict):
    endoscopy_date: IsoDate | None = None
    status: Literal["none", "small", "large", "unknown"] | None = None
    treated: bool | None = None
    bleeding_history: bool | None = None


class Comorbidities(_Strict):
    autoimmune_disease: Literal["none", "controlled", "active"] | None = None
    organ_transplant: bool | None = None
    recent_bleeding: bool | None = None
    arterial_thrombosis_recent: bool | None = None
    uncontrolled_hypertension: bool | None = None
    therapeutic_anticoagulation: bool | None = None
    antiviral_therapy: bool | None = None
    last_gi_bleeding_date: IsoDate | None = Field(
        default=None, description="date of the last gastrointestinal bleeding, if any"
    )


class PriorTherapy(_Strict):
    regimen: OptionId
    date: IsoDate | None = Field(default=None, description="start date (or procedure date)")
    line: Annotated[int, _limits("prior_therapies.line")] | None = None
    best_response: Literal["cr", "pr", "sd", "pd"] | None = None
    stop_reason: Literal["progression", "toxicity", "completed", "ongoing"] | None = None
    tolerated: bool | None = None
    irae_grade: Annotated[int, _limits("prior_therapies.irae_grade")] | None = Field(
        default=None, description="highest grade (CTCAE 1-4) of an immune-related adverse event"
    )
    irae_organ: (
        Literal["liver", "gut", "lung", "skin", "endocrine", "kidney", "heart", "nerve", "other"]
        | None
    ) = None


class Medication(_Strict):
    class_: MedicationClass = Field(alias="class")
    name: str | None = Field(default=None, max_length=100)


class Target(_Strict):
    """One target lesion at one imaging study (same ``lesion`` id at every study)."""

    lesion: str = Field(max_length=40)
    site: Literal["liver", "node", "other"]
    longest_mm: Annotated[float, _limits("imaging.targets.longest_mm")] | None = Field(
        default=None, description="longest diameter (liver and other lesions; RECIST 1.1)"
    )
    short_axis_mm: Annotated[float, _limits("imaging.targets.short_axis_mm")] | None = Field(
        default=None, description="short axis (lymph nodes; RECIST 1.1)"
    )
    viable_mm: Annotated[float, _limits("imaging.targets.viable_mm")] | None = Field(
        default=None, description="longest diameter of the arterially enhancing part (mRECIST)"
    )


class ImagingStudy(_Strict):
    """One CT/MRI study; the first one listed is the baseline of the current line."""

    date: IsoDate
    targets: Annotated[list[Target], _items("imaging.targets")] = Field(default_factory=list)
    new_lesions: bool | None = None
    nontarget_progression: bool | None = None
    afp: Annotated[Afp, _lab("afp")] | None = None


class Symptoms(_Strict):
    pain_nrs: Annotated[int, _limits("symptoms.pain_nrs")] | None = None
    pain_source: Literal["nodal_compression", "liver_capsule", "bone", "other"] | None = None
    fever: bool | None = None
    fatigue: bool | None = None
    appetite_loss: bool | None = None
    weight_loss_pct_6mo: Annotated[float, _limits("symptoms.weight_loss_pct_6mo")] | None = None
    jaundice: bool | None = None
    bile_ducts_dilated: bool | None = None
    ascites_symptomatic: bool | None = None
    depression: bool | None = None
    anxiety: bool | None = None


Goal = Literal["longer_survival", "symptom_control", "stay_at_home", "avoid_hospital"]


class Preferences(_Strict):
    goals: Annotated[list[Goal], _items("preferences.goals")] | None = None
    declines: Annotated[list[OptionId | Modality], _items("preferences.declines")] | None = Field(
        default=None, description="option ids or modalities the patient declines"
    )


class Case(_Strict):
    """One patient case. Build it with :func:`hepatoboard.intake.parse_case` (validation,
    contradictions and dates), not by calling the model directly."""

    model_config = ConfigDict(
        extra="forbid",
        allow_inf_nan=False,
        frozen=True,
        strict=True,
        title="hepatoboard-case/1",
        json_schema_extra={"$id": "https://hepatoboard.org/schema/hepatoboard-case-1.json"},
    )

    format: Literal["hepatoboard-case/1", "hepatoboard-case/1.1"]
    id: str | None = Field(default=None, max_length=200)
    profile: str | None = Field(
        default=None, max_length=40, description="guideline profile (see `hepatoboard knowledge`)"
    )
    patient: Patient | None = None
    diagnosis: Diagnosis | None = None
    performance: Performance | None = None
    clinical: Clinical | None = None
    labs: Labs | None = None
    tumor: Tumor | None = None
    lymph_nodes: Annotated[list[LymphNode], _items("lymph_nodes")] | None = None
    distant_metastases: Annotated[list[DistantMetastasis], _items("distant_metastases")] | None = (
        None
    )
    varices: Varices | None = None
    comorbidities: Comorbidities | None = None
    prior_therapies: Annotated[list[PriorTherapy], _items("prior_therapies")] | None = None
    medications: Annotated[list[Medication], _items("medications")] | None = None
    imaging: Annotated[list[ImagingStudy], _items("imaging")] | None = None
    symptoms: Symptoms | None = None
    preferences: Preferences | None = None

    def document(self) -> dict[str, Any]:
        """The case as a ``hepatoboard-case/1`` document (JSON-ready, keys as the contract
        spells them: ``class``, not the Python name ``class_``; unset fields left out). It
        validates again as the same case."""
        return self.model_dump(mode="json", exclude_none=True, by_alias=True)


def case_field_paths() -> set[str]:
    """Every dotted field path of the case model (list entries without an index)."""
    import typing

    def inner(annotation: Any) -> Any:
        stack = [annotation]
        while stack:
            t = stack.pop()
            if isinstance(t, type) and issubclass(t, BaseModel):
                return t
            stack.extend(typing.get_args(t))
        return None

    out: set[str] = set()

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, f in model.model_fields.items():
            path = f"{prefix}{name}"
            out.add(path)
            sub = inner(f.annotation)
            if sub is not None and not issubclass(sub, Measurement):
                walk(sub, path + ".")

    walk(Case, "")
    return out
