"""A case -> a FHIR R4 Bundle (type ``collection``) that :func:`~hepatoboard.fhir.to_case.
bundle_to_case` reads back into the same case: standard codes where the code maps have them
(Patient, the HCC and metastasis Conditions with body sites, LOINC labs with UCUM units, ECOG,
cN0 / cM0, the endoscopy Procedure, MedicationStatements with RxNorm / ATC ingredients), and
hepatoboard ``case-field`` Observations for the rest."""

from __future__ import annotations

import uuid
from typing import Any

from hepatoboard.contracts.case import Case
from hepatoboard.fhir import local
from hepatoboard.fhir.codes import CodeMaps

NAMESPACE = uuid.UUID("6f1f3c2e-4a7b-5c1d-9e8f-0a1b2c3d4e5f")  # for stable urn:uuid fullUrls
STANDARD = {
    "patient.sex",
    "patient.age",
    "patient.weight_kg",
    "patient.height_cm",
    "performance.ecog",
    "varices.endoscopy_date",
    "labs.date",
}


class Writer:
    def __init__(self, case: Case, maps: CodeMaps) -> None:
        self.case = case
        self.maps = maps
        self.entries: list[dict[str, Any]] = []
        self.done: set[str] = set()  # case fields already written
        self.seed = case.id or "case"
        self.patient_ref = self.add({"resourceType": "Patient", "id": "patient"})

    def add(self, resource: dict[str, Any]) -> str:
        rid = resource["id"]
        full_url = f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{self.seed}/{rid}')}"
        self.entries.append({"fullUrl": full_url, "resource": resource})
        return f"{resource['resourceType']}/{rid}"  # a relative reference reads the same in a
        # Bundle and in prefetch / search results

    def coding(self, key: str, code: str, display: str | None = None) -> dict[str, Any]:
        out = {"system": self.maps.system(key), "code": code}
        return {**out, "display": display} if display else out

    def observation(self, rid: str, code: dict[str, Any], **value: Any) -> str:
        return self.add(
            {
                "resourceType": "Observation",
                "id": rid,
                "status": "final",
                "code": {"coding": [code]},
                "subject": {"reference": self.patient_ref},
                **value,
            }
        )

    def local(self, path: str, value: Any, rid: str, focus: str | None = None) -> None:
        extra = {"focus": [{"reference": focus}]} if focus else {}
        self.observation(rid, self.coding("case_field", path), **local.encode(path, value), **extra)

    def ucum(self, value: float, code: str) -> dict[str, Any]:
        return {"valueQuantity": {"value": value, "system": self.maps.system("ucum"), "code": code}}


def _patient(w: Writer) -> None:
    p = w.case.patient
    resource = w.entries[0]["resource"]
    resource["meta"] = {"profile": [w.maps.profile(w.maps.data.profiles.cancer_patient)]}
    if p and p.sex:
        resource["gender"] = p.sex
    specs = {o.field: o for o in w.maps.data.observations}
    values = {
        "patient.age": p.age if p else None,
        "patient.weight_kg": p.weight_kg if p else None,
        "patient.height_cm": p.height_cm if p else None,
        "performance.ecog": w.case.performance.ecog if w.case.performance else None,
    }
    for path, value in values.items():
        if value is None:
            continue
        spec = specs[path]
        code = w.coding(spec.system, spec.code)
        rid = "obs-" + path.replace(".", "-").replace("_", "-")
        if spec.value == "integer":
            w.observation(rid, code, valueInteger=value)
        else:
            w.observation(rid, code, **w.ucum(value, next(iter(spec.units))))


def _labs(w: Writer) -> None:
    labs = w.case.labs
    if labs is None:
        return
    when = {"effectiveDateTime": labs.date.isoformat()} if labs.date else {}
    for lab in w.maps.data.labs:
        value = getattr(labs, lab.field)
        if value is None or f"labs.{lab.field}" in w.done:
            continue
        code = w.coding("loinc", lab.loinc)
        rid = f"lab-{lab.field.replace('_', '-')}"
        if lab.unitless:
            w.observation(rid, code, **w.ucum(value, next(iter(lab.units))), **when)
        else:
            found = [u for u, case_unit in lab.units.items() if case_unit == value.unit]
            if not found:
                continue  # another LOINC code of this analyte carries this unit
            w.observation(rid, code, **w.ucum(value.value, found[0]), **when)
        w.done.add(f"labs.{lab.field}")
    if labs.date and not w.done & {f"labs.{x.field}" for x in w.maps.data.labs}:
        w.local("labs.date", labs.date, "obs-labs-date")


def _conditions(w: Writer) -> None:
    c = w.maps.data.conditions
    prof = w.maps.data.profiles
    hcc = [w.coding(x.system, x.code) for x in c.hcc if x.system != "icd10cm"]
    w.add(
        {
            "resourceType": "Condition",
            "id": "hcc",
            "meta": {"profile": [w.maps.profile(prof.primary_cancer_condition)]},
            "code": {"coding": hcc, "text": "Hepatocellular carcinoma"},
            "subject": {"reference": w.patient_ref},
        }
    )
    secondary = [w.coding(x.system, x.code) for x in c.secondary]
    node_snomed = {s.station: s.code for s in w.maps.data.node_sites}
    site_snomed = {s.site: s.code for s in w.maps.data.distant_sites}
    for i, node in enumerate(w.case.lymph_nodes or [], 1):
        site = (
            w.coding("snomed", node_snomed[node.station])
            if node.station in node_snomed
            else w.coding("node_station", node.station)
        )
        ref = _secondary(w, f"node-{i}", secondary, site, f"lymph node: {node.station}")
        for key, value in node.model_dump(exclude_none=True, exclude={"station"}).items():
            w.local(f"lymph_nodes.{key}", value, f"node-{i}-{key.replace('_', '-')}", ref)
    for i, met in enumerate(w.case.distant_metastases or [], 1):
        site = (
            w.coding("snomed", site_snomed[met.site])
            if met.site in site_snomed
            else w.coding("metastasis_site", met.site)
        )
        ref = _secondary(w, f"metastasis-{i}", secondary, site, f"metastasis: {met.site}")
        if met.count is not None:
            w.local("distant_metastases.count", met.count, f"metastasis-{i}-count", ref)
    for key, category in (("lymph_nodes", "n"), ("distant_metastases", "m")):
        if getattr(w.case, key) == []:
            _tnm_negative(w, category)


def _secondary(w: Writer, rid: str, code: list[Any], site: dict[str, Any], text: str) -> str:
    return w.add(
        {
            "resourceType": "Condition",
            "id": rid,
            "meta": {"profile": [w.maps.profile(w.maps.data.profiles.secondary_cancer_condition)]},
            "clinicalStatus": {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                        "code": "active",
                    }
                ]
            },
            "code": {"coding": code, "text": text},
            "bodySite": [{"coding": [site]}],
            "subject": {"reference": w.patient_ref},
        }
    )


def _tnm_negative(w: Writer, category: str) -> None:
    tnm = w.maps.data.tnm
    cat = tnm.categories[category]  # type: ignore[index]
    value = f"c{category.upper()}0"
    codings = [w.coding("ajcc", value)]
    if value in tnm.snomed_values:
        codings.insert(0, w.coding("snomed", tnm.snomed_values[value]))
    w.add(
        {
            "resourceType": "Observation",
            "id": f"tnm-{category}",
            "meta": {"profile": [w.maps.profile(cat.profile)]},
            "status": "final",
            "code": {"coding": [w.coding("snomed", cat.snomed, cat.display)]},
            "subject": {"reference": w.patient_ref},
            "method": {"coding": [w.coding(tnm.method.system, tnm.method.code)]},
            "valueCodeableConcept": {"coding": codings, "text": value},
        }
    )


def _therapies(w: Writer) -> None:
    if w.case.prior_therapies == []:
        w.local("prior_therapies", [], "obs-prior-therapies")
    for i, t in enumerate(w.case.prior_therapies or [], 1):
        drugs = w.maps.data.regimens.get(t.regimen, [])
        med = {
            "resourceType": "Medication",
            "id": "med",
            "code": {"coding": [w.coding("regimen", t.regimen)], "text": t.regimen},
            "ingredient": [
                {"itemCodeableConcept": {"coding": w.maps.drug_coding(d), "text": d}} for d in drugs
            ],
        }
        if not med["ingredient"]:
            del med["ingredient"]
        ref = w.add(
            {
                "resourceType": "MedicationStatement",
                "id": f"therapy-{i}",
                "status": "completed",
                "contained": [med],
                "medicationReference": {"reference": "#med"},
                "subject": {"reference": w.patient_ref},
            }
        )
        for key, value in t.model_dump(exclude_none=True, exclude={"regimen"}).items():
            w.local(f"prior_therapies.{key}", value, f"therapy-{i}-{key.replace('_', '-')}", ref)


def _endoscopy(w: Writer) -> None:
    v = w.case.varices
    if v is None or v.endoscopy_date is None:
        return
    code = w.maps.data.endoscopy.codes[0]
    w.add(
        {
            "resourceType": "Procedure",
            "id": "endoscopy",
            "status": "completed",
            "code": {"coding": [w.coding(code.system, code.code)], "text": "Upper GI endoscopy"},
            "subject": {"reference": w.patient_ref},
            "performedDateTime": v.endoscopy_date.isoformat(),
        }
    )


def _locals(w: Writer) -> None:
    """Every other set field as a case-field Observation."""
    data = w.case.document()
    for path, kind in local.field_kinds().items():
        head, _, sub = path.partition(".")
        if not sub or kind in ("measurement", "entries") or path in STANDARD or path in w.done:
            continue
        if local.field_kinds().get(head) == "entries":
            continue
        value = data.get(head, {}).get(sub)
        if value is not None:
            w.local(
                path,
                getattr(getattr(w.case, head), sub),
                "obs-" + path.replace(".", "-").replace("_", "-"),
            )


def case_to_bundle(case: Case, maps: CodeMaps | None = None) -> dict[str, Any]:
    """The case as a FHIR R4 Bundle (JSON-ready dict)."""
    w = Writer(case, maps or CodeMaps())
    for step in (_patient, _labs, _conditions, _therapies, _endoscopy, _locals):
        step(w)
    bundle: dict[str, Any] = {"resourceType": "Bundle", "type": "collection"}
    if case.id:
        bundle["identifier"] = {"system": w.maps.system("case_id"), "value": case.id}
    if case.profile:
        bundle["meta"] = {"tag": [w.coding("profile_tag", case.profile)]}
    bundle["entry"] = w.entries
    return bundle
