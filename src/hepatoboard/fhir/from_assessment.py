"""An assessment -> a FHIR R4 Bundle (type ``collection``), structurally validated with the
``fhir.resources`` R4B models before it is returned.

- a CarePlan (intent ``proposal``: decision support, not an order) whose activities are the
  options, each with hepatoboard's status (``statusReason``), reasons and hard stops;
- a RiskAssessment with the prognosis scenarios (survival probability at each time point);
- one Observation per score (an unknown score has ``dataAbsentReason`` = unknown);
- the stage as mCODE STU4 ``mcode-tnm-stage-group`` with the T, N and M category profiles as
  members, SNOMED codes and method AJCC 8th edition (897275008);
- BCLC as ``mcode-cancer-stage`` with the NCI Thesaurus BCLC code and method.

Every resource carries ``meta.profile``: mCODE profile URLs for the mCODE resources and
hepatoboard's own profile identifiers (``https://hepatoboard.org/fhir/StructureDefinition/...``)
for the others. Structural validation is not profile conformance (see docs/fhir.md).
"""

from __future__ import annotations

import uuid
from typing import Any

from hepatoboard.contracts.assessment import Assessment
from hepatoboard.fhir.codes import CodeMaps
from hepatoboard.fhir.parse import read_bundle

ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"


class Out:
    def __init__(self, maps: CodeMaps, seed: str, patient: str | None) -> None:
        self.maps = maps
        self.seed = seed
        self.entries: list[dict[str, Any]] = []
        self.patient = patient or self.url("patient")

    def url(self, rid: str) -> str:
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'hepatoboard/{self.seed}/{rid}')}"

    def add(self, resource: dict[str, Any], profile: str) -> str:
        resource["meta"] = {"profile": [profile]}
        ref = self.url(resource["id"])
        self.entries.append({"fullUrl": ref, "resource": resource})
        return ref

    def coding(self, key: str, code: str, display: str | None = None) -> dict[str, Any]:
        out = {"system": self.maps.system(key), "code": code}
        return {**out, "display": display} if display else out

    def subject(self) -> dict[str, Any]:
        return {"subject": {"reference": self.patient}}


def _value(value: Any) -> dict[str, Any]:
    if value is None:
        return {"dataAbsentReason": {"coding": [{"system": ABSENT, "code": "unknown"}]}}
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int):
        return {"valueInteger": value}
    if isinstance(value, float):
        return {"valueQuantity": {"value": value}}
    return {"valueString": str(value)}


def _scores(o: Out, a: Assessment) -> None:
    s = a.scores
    values = {
        "child-pugh-points": s.child_pugh.points,
        "child-pugh-class": s.child_pugh.class_,
        "albi-score": s.albi.score,
        "albi-grade": s.albi.grade,
        "malbi-grade": s.albi.malbi_grade,
        "meld": s.meld.meld,
        "meld-na": s.meld.meld_na,
        "meld-3-0": s.meld.meld_3_0,
    }
    profile = o.maps.local_profile("hepatoboard-score")
    for code, value in values.items():
        o.add(
            {
                "resourceType": "Observation",
                "id": f"score-{code}",
                "status": "final",
                "code": {"coding": [o.coding("score", code)], "text": code},
                **o.subject(),
                **_value(value),
            },
            profile,
        )


def _tnm_value(o: Out, category: str, value: str | None) -> dict[str, Any]:
    if value is None:
        return _value(None)
    ajcc = f"c{value}" if category != "stage" else value
    codings = [o.coding("ajcc", ajcc)]
    snomed = o.maps.data.tnm.snomed_values.get(ajcc)
    if snomed:
        codings.insert(0, o.coding("snomed", snomed))
    return {"valueCodeableConcept": {"coding": codings, "text": ajcc}}


def _staging(o: Out, a: Assessment, hcc: str) -> None:
    tnm = o.maps.data.tnm
    t = a.staging.tnm
    method = {"coding": [o.coding(tnm.method.system, tnm.method.code, tnm.method.display)]}
    members: list[str] = []
    for key, value in (("t", t.t), ("n", t.n), ("m", t.m), ("stage", t.stage)):
        cat = tnm.categories[key]  # type: ignore[index]
        resource = {
            "resourceType": "Observation",
            "id": f"tnm-{key}",
            "status": "final",
            "code": {"coding": [o.coding("snomed", cat.snomed, cat.display)]},
            **o.subject(),
            "focus": [{"reference": hcc}],
            "method": method,
            **_tnm_value(o, key, value),
        }
        if key == "stage":
            resource["hasMember"] = [{"reference": m} for m in members]
        ref = o.add(resource, o.maps.profile(cat.profile))
        members.append(ref)
    b = o.maps.data.bclc
    stage = a.staging.bclc.stage
    bclc_value = (
        {
            "valueCodeableConcept": {
                "coding": [o.coding("bclc_stage", stage)],
                "text": f"BCLC {stage}",
            }
        }
        if stage
        else _value(None)
    )
    o.add(
        {
            "resourceType": "Observation",
            "id": "bclc",
            "status": "final",
            "code": {"coding": [o.coding(b.code.system, b.code.code, b.code.display)]},
            **o.subject(),
            "focus": [{"reference": hcc}],
            "method": {
                "coding": [o.coding(b.method.system, b.method.code, b.method.display)],
                "text": a.staging.bclc.version,
            },
            **bclc_value,
            **_note(a.staging.bclc.reasons),
        },
        o.maps.profile(o.maps.data.profiles.cancer_stage),
    )


def _note(lines: list[str]) -> dict[str, Any]:
    return {"note": [{"text": x} for x in lines if x]} if any(lines) else {}


def _careplan(o: Out, a: Assessment, hcc: str) -> None:
    activities = []
    for opt in a.plan.options:
        why = [*opt.reasons, *(f"hard stop: {c}" for c in opt.contraindications)]
        if opt.missing:
            why.append(f"missing: {', '.join(opt.missing)}")
        detail: dict[str, Any] = {
            "kind": "ServiceRequest",
            "code": {"coding": [o.coding("option", opt.id)], "text": opt.name},
            "status": "not-started",
            "statusReason": {
                "coding": [o.coding("option_status", opt.status)],
                "text": opt.status.replace("_", " "),
            },
            "doNotPerform": opt.status == "not_eligible",
        }
        if why:
            detail["description"] = "; ".join(why)
        activities.append({"detail": detail})
    o.add(
        {
            "resourceType": "CarePlan",
            "id": "plan",
            "status": "draft",
            "intent": "proposal",
            **o.subject(),
            "addresses": [{"reference": hcc}],
            "title": "hepatoboard tumour-board options (decision support)",
            "description": a.disclaimer,
            "activity": activities,
            **_note([*a.warnings, *a.limitations]),
        },
        o.maps.local_profile("hepatoboard-careplan"),
    )


def _risk(o: Out, a: Assessment, hcc: str) -> None:
    doc = a.prognosis.model_dump(mode="json") if a.prognosis else {}
    scenarios = doc.get("scenarios") or []
    ucum = o.maps.system("ucum")
    predictions = []
    for sc in scenarios:
        median = sc.get("median_months")
        for months, p in (sc.get("survival") or {}).items():
            item: dict[str, Any] = {
                "outcome": {"text": f"alive at {months} months: {sc.get('label', sc.get('id'))}"},
                "probabilityDecimal": p,
                "whenRange": {
                    "high": {"value": float(months), "unit": "mo", "system": ucum, "code": "mo"}
                },
            }
            if median is not None:
                item["rationale"] = f"median {median} months ({sc.get('population', '')})"
            predictions.append(item)
    if not predictions:
        return
    o.add(
        {
            "resourceType": "RiskAssessment",
            "id": "prognosis",
            "status": "final",
            **o.subject(),
            "condition": {"reference": hcc},
            "prediction": predictions,
            "method": {
                "text": "hepatoboard prognosis scenarios (knowledge base "
                f"{a.knowledge_base.version})"
            },
        },
        o.maps.local_profile("hepatoboard-prognosis"),
    )


def assessment_to_bundle(
    a: Assessment, maps: CodeMaps | None = None, patient: str | None = None
) -> dict[str, Any]:
    """The assessment as a FHIR R4 Bundle (JSON-ready dict). ``patient`` is the reference of the
    subject (default: a placeholder urn:uuid in the Bundle)."""
    o = Out(maps or CodeMaps(), a.case_id or "assessment", patient)
    if patient is None:
        o.add(
            {"resourceType": "Patient", "id": "patient"},
            o.maps.profile(o.maps.data.profiles.cancer_patient),
        )
    hcc = o.add(
        {
            "resourceType": "Condition",
            "id": "hcc",
            **o.subject(),
            "code": {
                "coding": [
                    o.coding(c.system, c.code)
                    for c in o.maps.data.conditions.hcc
                    if c.system != "icd10cm"
                ],
                "text": "Hepatocellular carcinoma",
            },
        },
        o.maps.profile(o.maps.data.profiles.primary_cancer_condition),
    )
    _careplan(o, a, hcc)
    _risk(o, a, hcc)
    _scores(o, a)
    _staging(o, a, hcc)
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": f"{a.assessed_on}T00:00:00Z",
        "entry": o.entries,
    }
    if a.case_id:
        bundle["identifier"] = {"system": o.maps.system("case_id"), "value": a.case_id}
    read_bundle(bundle)  # structural validation: a failure here is a bug, never user error
    return bundle
