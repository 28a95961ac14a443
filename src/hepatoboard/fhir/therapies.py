"""Prior systemic therapy from MedicationStatement / MedicationRequest resources.

The drug comes from ``medicationCodeableConcept`` or a referenced (or contained) Medication, its
code and ingredients coded with RxNorm or ATC. Single-drug resources started on the same date
form one regimen (atezolizumab + bevacizumab); the drug set must be exactly a regimen of
``fhir_codes.yaml`` (``regimens:``), otherwise the resources are listed as ignored. A hepatoboard
``regimen`` code names the regimen directly. Regimens keep the Bundle's order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hepatoboard.fhir.codes import CodeMaps

if TYPE_CHECKING:
    from hepatoboard.fhir.parse import Entry
    from hepatoboard.fhir.to_case import Reader

SKIP_STATEMENT = ("entered-in-error", "not-taken", "intended", "unknown")
SKIP_REQUEST = ("draft", "cancelled", "entered-in-error", "unknown")


def medication_of(resource: Any, medications: dict[str, Any]) -> list[Any]:
    """The CodeableConcepts that say what is given: the concept itself, or the Medication's code
    and ingredient codes."""
    if resource.medicationCodeableConcept is not None:
        return [resource.medicationCodeableConcept]
    ref = resource.medicationReference.reference if resource.medicationReference else None
    med = None
    if ref and ref.startswith("#"):
        med = next((c for c in resource.contained or [] if c.id == ref[1:]), None)
    elif ref:
        med = medications.get(ref)
    if med is None:
        return []
    concepts = [med.code] if med.code else []
    concepts += [i.itemCodeableConcept for i in med.ingredient or [] if i.itemCodeableConcept]
    return concepts


def drugs_and_regimen(
    resource: Any, medications: dict[str, Any], maps: CodeMaps
) -> tuple[set[str], str | None]:
    """(drug names, regimen id named by a hepatoboard regimen code or None)."""
    concepts = medication_of(resource, medications)
    drugs = {d for c in concepts if (d := maps.drug(c))}
    regimen = next((r for c in concepts if (r := maps.regimen_code(c))), None)
    return drugs, regimen


def _start(resource: Any) -> str | None:
    if resource.get_resource_type() == "MedicationRequest":
        return str(resource.authoredOn)[:10] if resource.authoredOn else None
    if resource.effectivePeriod is not None and resource.effectivePeriod.start:
        return str(resource.effectivePeriod.start)[:10]
    return str(resource.effectiveDateTime)[:10] if resource.effectiveDateTime else None


def bundle_medications(entries: list[Entry]) -> dict[str, Any]:
    meds: dict[str, Any] = {}
    for e in entries:
        if e.resource.get_resource_type() == "Medication":
            if e.resource.id:
                meds[f"Medication/{e.resource.id}"] = e.resource
            if e.full_url:
                meds[e.full_url] = e.resource
    return meds


def read_therapies(reader: Reader, entries: list[Entry]) -> None:
    meds = bundle_medications(entries)
    groups: list[tuple[list[Entry], set[str], str | None]] = []
    by_start: dict[str, int] = {}
    for e in entries:
        rtype = e.resource.get_resource_type()
        if rtype not in ("MedicationStatement", "MedicationRequest"):
            continue
        skip = SKIP_REQUEST if rtype == "MedicationRequest" else SKIP_STATEMENT
        if e.resource.status in skip:
            reader.report.ignore(e.label, f"status '{e.resource.status}'")
            continue
        drugs, regimen = drugs_and_regimen(e.resource, meds, reader.maps)
        if not drugs and regimen is None:
            reader.report.ignore(e.label, "not a systemic HCC drug in the code maps")
            continue
        start = _start(e.resource)
        if regimen is None and start is not None and start in by_start:
            members, found, _ = groups[by_start[start]]
            members.append(e)
            found |= drugs
            continue
        if regimen is None and start is not None:
            by_start[start] = len(groups)
        groups.append(([e], set(drugs), regimen))
    for members, drugs, regimen in groups:
        regimen = regimen or reader.maps.regimen_of(drugs)
        if regimen is None:
            for e in members:
                reader.report.ignore(
                    e.label, f"drugs {sorted(drugs)} do not form a regimen in the code maps"
                )
            continue
        target: dict[str, Any] = {"regimen": regimen}
        for e in members:
            reader.register(e, target)
            reader.report.map(e.label, "prior_therapies[]")
        reader.entries["prior_therapies"].append((target, members[0].label))
