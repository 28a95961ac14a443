"""The patient case, ``hepatoboard-case/1`` (see ``shared/spec/case-format.md``).

Every field except ``format`` is optional: a missing field means *unknown*, never normal.
Unknown keys are errors so that a typo can never be silently ignored. Lab values carry their
unit; :class:`Measurement` keeps what the user wrote and the value in the canonical unit.
Plausibility limits come from ``knowledge/data/case_limits.yaml``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
)
from pydantic_core import PydanticCustomError

from hepatoboard.case.units import QuantitySpec, number_limits, quantity_specs
from hepatoboard.vocab import Modality, NodeStation, OptionId

CASE_FORMAT = "hepatoboard-case/1"

_QUANTITIES = quantity_specs()
_LIMITS = number_limits()


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)


def _bounded(path: str, kind: type, description: str | None = None) -> Any:
    """A number field whose inclusive/exclusive bounds come from case_limits.yaml."""
    lim = _LIMITS[path]
    return Annotated[
        kind,
        Field(
            ge=lim.get("min"),
            le=lim.get("max"),
            gt=lim.get("min_exclusive"),
            description=description,
        ),
    ]


class Measurement(_Strict):
    """A lab value with its unit, e.g. ``{value: 1.3, unit: mg/dL}``."""

    value: float
    unit: str
    _canonical: float = PrivateAttr(default=0.0)

    @property
    def canonical(self) -> float:
        """The value in the lab's canonical unit (see case_limits.yaml)."""
        return self._canonical


def _measured(name: str) -> Any:
    spec: QuantitySpec = _QUANTITIES[name]

    def check(m: Measurement) -> Measurement:
        unit = spec.normalise_unit(m.unit)
        if unit is None:
            raise PydanticCustomError(
                "unit_not_accepted",
                "unit '{unit}' is not accepted; use one of: {accepted}",
                {"unit": m.unit, "accepted": ", ".join(spec.units)},
            )
        canonical = spec.to_canonical(m.value, unit)
        low_ok = (spec.min is None or canonical >= spec.min) and (
            spec.min_exclusive is None or canonical > spec.min_exclusive
        )
        if not low_ok or (spec.max is not None and canonical > spec.max):
            raise PydanticCustomError(
                "outside_physiological_limits",
                "{value} {unit} is outside physiological limits; accepted: {range}",
                {"value": m.value, "unit": unit, "range": spec.range_text()},
            )
        out = Measurement(value=m.value, unit=unit)
        out._canonical = canonical
        return out

    return Annotated[
        Measurement,
        AfterValidator(check),
        Field(description=f"{name}: {{value, unit}}; units: {', '.join(spec.units)}"),
    ]


class Patient(_Strict):
    age: _bounded("patient.age", int, "years") | None = None
    sex: Literal["male", "female"] | None = None
    weight_kg: _bounded("patient.weight_kg", float) | None = None
    height_cm: _bounded("patient.height_cm", float) | None = None


class Diagnosis(_Strict):
    confirmed_by: Literal["histology", "imaging"] | None = None
    etiology: list[Literal["hbv", "hcv", "alcohol", "masld", "other"]] | None = None
    cirrhosis: bool | None = None


class Performance(_Strict):
    ecog: _bounded("performance.ecog", int, "ECOG performance status 0-4") | None = None


class Clinical(_Strict):
    ascites: Literal["none", "mild", "moderate_severe"] | None = None
    encephalopathy: Literal["none", "grade_1_2", "grade_3_4"] | None = None
    dialysis_past_week: bool | None = Field(
        default=None,
        description=">= 2 dialysis sessions or 24 h of CVVHD in the past 7 days",
    )


class Labs(_Strict):
    date: dt.date | None = None
    bilirubin: _measured("bilirubin") | None = None
    albumin: _measured("albumin") | None = None
    inr: _bounded("labs.inr", float) | None = None
    creatinine: _measured("creatinine") | None = None
    sodium: _measured("sodium") | None = None
    afp: _measured("afp") | None = None
    platelets: _measured("platelets") | None = None
    hbv_dna: _measured("hbv_dna") | None = None
    urine_protein_g_per_24h: _bounded("labs.urine_protein_g_per_24h", float) | None = None


class Tumor(_Strict):
    nodules: _bounded("tumor.nodules", int, "count; 10 = innumerable") | None = None
    largest_cm: _bounded("tumor.largest_cm", float) | None = None
    liver_involvement_over_50pct: bool | None = None
    infiltrative: bool | None = None
    bilobar: bool | None = None
    microvascular_invasion: bool | Literal["unknown"] | None = None
    portal_vein_invasion: Literal["none", "vp1", "vp2", "vp3", "vp4"] | None = None
    hepatic_vein_invasion: Literal["none", "vv1", "vv2", "vv3"] | None = None
    adjacent_organ_invasion: bool | None = None
    visceral_peritoneum_perforation: bool | None = None
    bile_duct_invasion: bool | None = None


Compression = Literal["bile_duct", "portal_vein", "ivc", "duodenum", "stomach", "airway", "pain"]


class LymphNode(_Strict):
    station: NodeStation
    count: _bounded("lymph_nodes.count", int) | None = None
    short_axis_mm: _bounded("lymph_nodes.short_axis_mm", float) | None = None
    evidence: Literal["imaging", "pet", "biopsy"] | None = None
    compression: list[Compression] | None = None


class DistantMetastasis(_Strict):
    site: Literal["lung", "bone", "adrenal", "peritoneum", "brain", "other"]
    count: _bounded("distant_metastases.count", int) | None = None


class Varices(_Strict):
    endoscopy_date: dt.date | None = None
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


class PriorTherapy(_Strict):
    regimen: OptionId
    line: _bounded("prior_therapies.line", int) | None = None
    best_response: Literal["cr", "pr", "sd", "pd"] | None = None
    stop_reason: Literal["progression", "toxicity", "completed", "ongoing"] | None = None
    tolerated: bool | None = None


class Symptoms(_Strict):
    pain_nrs: _bounded("symptoms.pain_nrs", int) | None = None
    pain_source: Literal["nodal_compression", "liver_capsule", "bone", "other"] | None = None
    fever: bool | None = None
    fatigue: bool | None = None
    appetite_loss: bool | None = None
    weight_loss_pct_6mo: _bounded("symptoms.weight_loss_pct_6mo", float) | None = None
    jaundice: bool | None = None
    bile_ducts_dilated: bool | None = None
    ascites_symptomatic: bool | None = None
    depression: bool | None = None
    anxiety: bool | None = None


class Preferences(_Strict):
    goals: (
        list[Literal["longer_survival", "symptom_control", "stay_at_home", "avoid_hospital"]] | None
    ) = None
    declines: list[OptionId | Modality] | None = Field(
        default=None, description="option ids or modalities the patient declines"
    )


class Case(_Strict):
    """One patient case. Build it with :func:`hepatoboard.case.load.parse_case`."""

    model_config = ConfigDict(
        extra="forbid",
        allow_inf_nan=False,
        frozen=True,
        title="hepatoboard-case/1",
        json_schema_extra={"$id": "https://hepatoboard.org/schema/hepatoboard-case-1.json"},
    )

    format: Literal["hepatoboard-case/1"]
    id: str | None = Field(default=None, max_length=200)
    profile: str | None = Field(
        default=None, description="guideline profile (see `hepatoboard knowledge`)"
    )
    patient: Patient | None = None
    diagnosis: Diagnosis | None = None
    performance: Performance | None = None
    clinical: Clinical | None = None
    labs: Labs | None = None
    tumor: Tumor | None = None
    lymph_nodes: list[LymphNode] | None = None
    distant_metastases: list[DistantMetastasis] | None = None
    varices: Varices | None = None
    comorbidities: Comorbidities | None = None
    prior_therapies: list[PriorTherapy] | None = None
    symptoms: Symptoms | None = None
    preferences: Preferences | None = None
